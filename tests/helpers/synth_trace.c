// SPDX-License-Identifier: GPL-2.0
/*
 * synth_trace OUT EVENTS [CPUS] [TASKS] [--switches-only] [--dsq] [--verbose]
 *
 * Writes a deterministic synthetic scheduler trace of EVENTS events with the
 * project's Perfetto writer (top/trace: synthetic source → pftrace_writer),
 * for the analyzer tests and bench-analyze.sh. Prints the writer's counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic.h"
#include "common/err.h"
#include "top/trace/pftrace_writer.h"
#include "top/trace/synth.h"

int main(int argc, char **argv)
{
	struct synth_opts so = SYNTH_OPTS_INIT;
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_clocks clk = {1000000000000ull, 1000000000000ull, 1700000000000000000ull};
	struct pftrace_writer *w = NULL;
	struct atomic_file af;
	struct synth s;
	uint64_t n;
	int err, pos = 0;
	const char *out = NULL;
	unsigned long vals[3] = {0, 8, 256};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--switches-only"))
			so.switches_only = true;
		else if (!strcmp(argv[i], "--dsq"))
			so.dsq = true;
		else if (!strcmp(argv[i], "--verbose"))
			po.verbose_sched = true;
		else if (!out)
			out = argv[i];
		else if (pos < 3)
			vals[pos++] = strtoul(argv[i], NULL, 10);
	}
	if (!out || !vals[0]) {
		fprintf(stderr, "usage: synth_trace OUT EVENTS [CPUS] [TASKS] [--switches-only] [--dsq] [--verbose]\n");
		return 2;
	}
	n = vals[0];
	so.nr_cpus = (unsigned)vals[1];
	so.nr_tasks = (unsigned)vals[2];
	so.seed = 42;
	po.nr_cpus = so.nr_cpus;
	po.sysname = "Linux";
	po.release = "6.18.0-synthetic";
	po.machine = "x86_64";
	po.clocks = &clk;
	err = atomic_file_open(&af, out, 0);
	if (err) {
		fprintf(stderr, "synth_trace: %s: %s\n", out, err_str(err));
		return 1;
	}
	synth_init(&s, &so);
	err = pftrace_writer_create(&w, af.fp, &po);
	for (uint64_t i = 0; !err && i < n; i++) {
		struct sched_event ev;

		synth_next(&s, &ev);
		err = pftrace_write_event(w, &ev);
	}
	if (!err)
		err = pftrace_writer_finish(w);
	if (!err) {
		const struct pftrace_stats *st = pftrace_writer_stats(w);

		printf("events %llu switches %llu wakings %llu bytes %llu\n",
		       (unsigned long long)st->events,
		       (unsigned long long)st->by_kind[SCHED_EV_SWITCH],
		       (unsigned long long)st->by_kind[SCHED_EV_WAKING], (unsigned long long)st->bytes);
		err = atomic_file_commit(&af);
	} else {
		atomic_file_abort(&af);
	}
	pftrace_writer_destroy(w);
	synth_release(&s);
	if (err) {
		fprintf(stderr, "synth_trace: %s\n", err_str(err));
		return 1;
	}
	return 0;
}
