/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU time from /proc/stat, matched to CPUs by their "cpuN" label (an
 * offline CPU has no row and is reported invalid, never confused with the next
 * one), and utilisation between two readings. Also the current frequency from
 * cpufreq sysfs, for CPUs whose driver never fires the cpu_frequency tracepoint.
 */
#ifndef SCX_TOP_LIVE_PROCSTAT_H
#define SCX_TOP_LIVE_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>

/* Cumulative times in USER_HZ ticks, as /proc/stat prints them. */
struct procstat_cpu {
	bool valid;		/* the CPU had a row */
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* Shares of the interval in percent (0..100); valid only if both rows were. */
struct procstat_util {
	bool valid;
	double busy;		/* everything but idle and iowait */
	double user;		/* user + nice */
	double system;
	double irq;		/* irq + softirq */
	double iowait;
	double steal;
};

/*
 * Read path (NULL: /proc/stat) into out[0..nr), indexed by CPU id. Rows for
 * CPUs >= nr are ignored. 0 or a negative errno.
 */
int procstat_read(const char *path, struct procstat_cpu *out, unsigned nr);
/* Utilisation between readings a (earlier) and b. */
void procstat_util(const struct procstat_cpu *a, const struct procstat_cpu *b,
		   struct procstat_util *u);
/* scaling_cur_freq of a CPU under root (NULL: real sysfs) in kHz, 0 if unknown. */
uint32_t cpufreq_read_khz(const char *root, int cpu);

#endif
