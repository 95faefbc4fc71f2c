/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deterministic synthetic scheduler: a stream of consistent struct
 * sched_events (per-CPU switch chains that hand tasks over correctly, wakings
 * on the waker's CPU before the wakee runs, migrations, forks/exits/frees,
 * softirqs, frequency changes) for tests and benchmarks. Same seed, same
 * stream. Time advances in BOOTTIME-like nanoseconds from start_ts.
 */
#ifndef SCX_TOP_TRACE_SYNTH_H
#define SCX_TOP_TRACE_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "top/trace/sched_event.h"

struct synth_opts {
	unsigned nr_cpus;		/* default 4 */
	unsigned nr_tasks;		/* live tasks at any time, default 64 */
	unsigned threads_per_process;	/* default 4 */
	uint64_t seed;
	uint64_t start_ts;		/* default 1e12 (≈ 17 min of uptime) */
	uint64_t mean_slice_ns;		/* mean time between switches on a CPU, default 50 µs */
	bool switches_only;		/* only sched_switch (bytes-per-switch benchmark) */
	bool dsq;			/* add sched_ext DSQ events */
};

#define SYNTH_OPTS_INIT {0}

struct synth_task {
	int32_t tid, tgid, prio;
	char comm[SCHED_COMM_LEN];
	int32_t cpu;		/* running on, or -1 */
	bool runnable;
};

struct synth {
	struct synth_opts o;
	uint64_t rng, now;
	struct synth_task *tasks;	/* nr_tasks slots */
	int32_t *cur;			/* per CPU: index of the running task, -1 = idle */
	struct sched_event queue[4];	/* events generated ahead */
	unsigned nq, qi;
	int32_t next_tid;
	uint64_t serial;
};

void synth_init(struct synth *s, const struct synth_opts *o);
/* The next event (never ends). */
void synth_next(struct synth *s, struct sched_event *ev);
void synth_release(struct synth *s);

#endif
