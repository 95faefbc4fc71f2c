// SPDX-License-Identifier: GPL-2.0
#include "top/live/procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/linereader.h"
#include "common/util.h"

/* "cpuN a b c ..." → fields; returns the CPU id or -1 (aggregate "cpu" row, other lines). */
static int parse_cpu_line(const char *line, size_t len, uint64_t *f, unsigned nf)
{
	char buf[512], *p, *end;
	unsigned long id;

	if (len < 4 || memcmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9' ||
	    len >= sizeof(buf))
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	id = strtoul(buf + 3, &end, 10);
	if (id > INT32_MAX || (*end != ' ' && *end != '\t'))
		return -1;
	p = end;
	for (unsigned i = 0; i < nf; i++) {
		f[i] = strtoull(p, &end, 10);
		if (end == p)
			f[i] = 0;	/* older kernels print fewer columns */
		p = end;
	}
	return (int)id;
}

int procstat_read(const char *path, struct procstat_cpu *out, unsigned nr)
{
	struct line_reader lr;
	const char *line;
	size_t len;
	int fd, err;

	fd = open(path ? path : "/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno();
	memset(out, 0, nr * sizeof(*out));
	line_reader_init_fd(&lr, fd);
	while ((err = line_reader_next(&lr, &line, &len)) > 0) {
		uint64_t f[8];
		int cpu = parse_cpu_line(line, len, f, 8);

		if (cpu < 0) {
			if (len >= 4 && !memcmp(line, "intr", 4))
				break;	/* the per-CPU rows are all before "intr" */
			continue;
		}
		if ((unsigned)cpu >= nr)
			continue;
		out[cpu] = (struct procstat_cpu){
			.valid = true, .user = f[0], .nice = f[1], .system = f[2], .idle = f[3],
			.iowait = f[4], .irq = f[5], .softirq = f[6], .steal = f[7],
		};
	}
	line_reader_release(&lr);
	close(fd);
	return err < 0 ? err : 0;
}

static uint64_t delta(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;	/* counters can go back on CPU hotplug */
}

void procstat_util(const struct procstat_cpu *a, const struct procstat_cpu *b,
		   struct procstat_util *u)
{
	uint64_t user, sys, idle, iow, irq, steal, total;

	memset(u, 0, sizeof(*u));
	if (!a->valid || !b->valid)
		return;
	user = delta(a->user, b->user) + delta(a->nice, b->nice);
	sys = delta(a->system, b->system);
	idle = delta(a->idle, b->idle);
	iow = delta(a->iowait, b->iowait);
	irq = delta(a->irq, b->irq) + delta(a->softirq, b->softirq);
	steal = delta(a->steal, b->steal);
	total = user + sys + idle + iow + irq + steal;
	u->valid = true;
	if (!total)
		return;
	u->user = 100.0 * (double)user / (double)total;
	u->system = 100.0 * (double)sys / (double)total;
	u->irq = 100.0 * (double)irq / (double)total;
	u->iowait = 100.0 * (double)iow / (double)total;
	u->steal = 100.0 * (double)steal / (double)total;
	u->busy = 100.0 * (double)(user + sys + irq + steal) / (double)total;
}

uint32_t cpufreq_read_khz(const char *root, int cpu)
{
	char path[256], buf[32];
	uint64_t v;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq",
		 root ? root : "", cpu);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return parse_u64(buf, 0, UINT32_MAX, &v) ? 0 : (uint32_t)v;
}
