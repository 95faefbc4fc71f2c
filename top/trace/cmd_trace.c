// SPDX-License-Identifier: GPL-2.0
/*
 * scxtop trace: record the scheduler into a Perfetto trace, or convert a perf
 * sched recording (scxprof's perf.sched.jsonl) or another Perfetto trace into
 * one. The writer is pftrace_writer.h; sources are the live BPF collector,
 * convert.h and synth.h (hidden --synthetic, for benchmarks).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/util.h"
#include "top/commands.h"
#include "top/trace/convert.h"
#include "top/trace/pftrace_writer.h"
#include "top/trace/synth.h"
#include "top/trace/trace_live.h"

struct trace_opts {
	uint64_t trace_ms;
	double duration_s;
	const char *output;
	double warmup_s;
	int verbose;
	const char *convert;
	bool no_compact;
	bool sched_wakeup;
	uint64_t synthetic;
	uint64_t seed;
	int cpus;
};

/* Where the trace goes: an atomic file, or stdout for "-". */
struct trace_out {
	struct atomic_file af;
	FILE *fp;
	const char *path;
	bool is_stdout;
};

static int out_open(struct trace_out *o, const char *path, bool noreplace)
{
	int err;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!strcmp(path, "-")) {
		o->is_stdout = true;
		o->fp = stdout;
		return 0;
	}
	err = atomic_file_open(&o->af, path, noreplace ? ATOMIC_NOREPLACE : 0);
	if (err == -EEXIST && noreplace)
		pr_err("%s already exists (give -o %s to replace it)", path, path);
	else if (err)
		err_log(err, "%s", path);
	if (err)
		return err;
	o->fp = o->af.fp;
	return 0;
}

static int out_commit(struct trace_out *o)
{
	int err;

	if (o->is_stdout)
		return fflush(stdout) ? err_log(err_errno(), "stdout") : 0;
	err = atomic_file_commit(&o->af);
	return err ? err_log(err, "%s", o->path) : 0;
}

static void out_abort(struct trace_out *o)
{
	if (!o->is_stdout)
		atomic_file_abort(&o->af);
}

/*
 * Default output of --convert, in the current directory: "perf.sched.jsonl" →
 * "perf.sched.pftrace", "profile.out/" and "profile.tar.gz" → "profile.pftrace",
 * "x.pftrace" → "x.converted.pftrace".
 */
static char *convert_default_output(const char *input)
{
	static const char *const exts[] = {".jsonl", ".json", ".out", ".data"};
	char *base = xstrdup(input), *b, *dot, *res;
	const char *suffix = ".pftrace";
	size_t n = strlen(base), i;

	while (n > 1 && base[n - 1] == '/')
		base[--n] = '\0';
	b = strrchr(base, '/');
	b = b && b[1] ? b + 1 : base;
	if (str_has_suffix(b, ".tar.gz") && strlen(b) > 7)
		b[strlen(b) - 7] = '\0';
	dot = strrchr(b, '.');
	if (dot && dot != b) {
		if (!strcmp(dot, ".pftrace")) {
			*dot = '\0';
			suffix = ".converted.pftrace";
		}
		for (i = 0; i < ARRAY_SIZE(exts); i++)
			if (!strcmp(dot, exts[i]))
				*dot = '\0';
	}
	res = xasprintf("%s%s", b, suffix);
	free(base);
	return res;
}

static char *live_default_output(void)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	return xasprintf("scxtop-trace-%s.pftrace", stamp);
}

static void print_written(const char *path, const struct pftrace_stats *st)
{
	uint64_t nsw = st->by_kind[SCHED_EV_SWITCH];

	pr_info("wrote %s: %" PRIu64 " events (%" PRIu64 " sched_switch, %" PRIu64
		" sched_waking), %" PRIu64 " bytes, %.2f s of trace",
		path, st->events, nsw, st->by_kind[SCHED_EV_WAKING], st->bytes,
		st->events ? (double)(st->last_ts - st->first_ts) / 1e9 : 0.0);
	if (nsw && st->switch_bytes)
		pr_debug("compact_sched: %.2f bytes per sched_switch (%" PRIu64 " bundles, %" PRIu64
			 " packets, %" PRIu64 " ProcessTree entries)",
			 (double)st->switch_bytes / (double)nsw, st->bundles, st->packets,
			 st->threads + st->processes);
}

static int run_convert(const struct trace_opts *o)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_writer *w = NULL;
	struct convert_input in;
	struct convert_stats cs;
	struct convert_info info;
	struct trace_out out;
	char *def = NULL;
	const char *dest = o->output;
	bool opened = false;
	int err;

	err = convert_open(o->convert, &in);
	if (err)
		return err;
	err = convert_prepare(in.path, in.fmt, &po, &info);
	if (err)
		goto out;
	po.verbose_sched = o->no_compact;
	if (!dest)
		dest = def = convert_default_output(o->convert);
	err = out_open(&out, dest, !o->output);
	if (err)
		goto out;
	opened = true;
	err = pftrace_writer_create(&w, out.fp, &po);
	if (!err)
		err = convert_run(w, &in, &cs);
	if (!err)
		err = pftrace_writer_finish(w);
	if (err) {
		if (err == -EINTR)
			pr_err("interrupted: %s not written", dest);
		else if (err != -EINVAL && err != -EBADMSG && err != -ENOENT && err != -EPROTO)
			err_log(err, "writing %s", dest);
		goto out;
	}
	if (cs.unparsed)
		pr_warn("%s: %" PRIu64 " of %" PRIu64 " records did not parse and were left out "
			"(first: %s)", in.name, cs.unparsed, cs.records, cs.unparsed_example);
	if (cs.ignored)
		pr_info("%s: %" PRIu64 " records of events a Perfetto sched trace has no place for "
			"were left out (e.g. %s)", in.name, cs.ignored, cs.ignored_example);
	if (!cs.converted) {
		pr_err("%s: no scheduler events to convert", in.name);
		err = -ENODATA;
		goto out;
	}
	err = out_commit(&out);
	opened = false;
	if (!err)
		print_written(dest, pftrace_writer_stats(w));
out:
	if (opened)
		out_abort(&out);
	pftrace_writer_destroy(w);
	convert_input_release(&in);
	free(def);
	return err;
}

/*
 * Benchmark and test source: N synthetic events through the writer. The
 * generator fills a batch, then the writer takes it; only the writer's part
 * is timed for its rate, the generator's own rate is the same run's reference.
 */
#define SYNTH_BATCH 4096

static int run_synthetic(const struct trace_opts *o)
{
	struct synth_opts so = SYNTH_OPTS_INIT;
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_clocks clocks;
	struct pftrace_writer *w = NULL;
	struct sched_event *batch = xmalloc(SYNTH_BATCH * sizeof(*batch));
	struct trace_out out;
	struct synth s;
	const struct pftrace_stats *st;
	uint64_t done = 0, gen_ns = 0, write_ns = 0, t0;
	unsigned n, i;
	int err;

	so.nr_cpus = (unsigned)o->cpus;
	so.seed = o->seed;
	synth_init(&s, &so);
	clocks.boottime = clocks.monotonic = s.o.start_ts;
	clocks.realtime = 1700000000ULL * 1000000000ULL;
	po.clocks = &clocks;
	po.nr_cpus = s.o.nr_cpus;
	po.verbose_sched = o->no_compact;
	po.sysname = "Linux";
	po.release = "6.12.0-synthetic";
	po.version = "";
	po.machine = "x86_64";
	err = out_open(&out, o->output ? o->output : "-", false);
	if (err)
		goto out_synth;
	err = pftrace_writer_create(&w, out.fp, &po);
	while (!err && done < o->synthetic) {
		n = (unsigned)MIN((uint64_t)SYNTH_BATCH, o->synthetic - done);
		t0 = now_mono_ns();
		for (i = 0; i < n; i++)
			synth_next(&s, &batch[i]);
		gen_ns += now_mono_ns() - t0;
		t0 = now_mono_ns();
		for (i = 0; !err && i < n; i++)
			err = pftrace_write_event(w, &batch[i]);
		write_ns += now_mono_ns() - t0;
		done += n;
		if (!err && sigwatch_pending())
			err = -EINTR;
	}
	t0 = now_mono_ns();
	if (!err)
		err = pftrace_writer_finish(w);
	write_ns += now_mono_ns() - t0;
	if (err) {
		out_abort(&out);
		if (err != -EINTR)
			err_log(err, "writing %s", out.path);
		goto out;
	}
	err = out_commit(&out);
	if (err)
		goto out;
	st = pftrace_writer_stats(w);
	pr_info("synthetic: events=%" PRIu64 " switches=%" PRIu64 " bytes=%" PRIu64
		" bytes_per_switch=%.3f switch_column_bytes_per_switch=%.3f generator_s=%.3f"
		" writer_s=%.3f writer_events_per_s=%.0f generator_events_per_s=%.0f",
		st->events, st->by_kind[SCHED_EV_SWITCH], st->bytes,
		st->by_kind[SCHED_EV_SWITCH] ? (double)st->bytes / (double)st->by_kind[SCHED_EV_SWITCH]
					     : 0.0,
		st->by_kind[SCHED_EV_SWITCH]
			? (double)st->switch_bytes / (double)st->by_kind[SCHED_EV_SWITCH]
			: 0.0,
		(double)gen_ns / 1e9, (double)write_ns / 1e9,
		write_ns ? (double)st->events * 1e9 / (double)write_ns : 0.0,
		gen_ns ? (double)done * 1e9 / (double)gen_ns : 0.0);
out:
	pftrace_writer_destroy(w);
out_synth:
	synth_release(&s);
	free(batch);
	return err;
}

static int run_live(const struct trace_opts *o)
{
	struct live_trace_opts lo = {0};
	struct live_trace_stats st;
	struct trace_out out;
	const struct pftrace_stats *ws = &st.writer;
	char *def = NULL;
	const char *dest = o->output;
	int err;

	lo.duration_ns = o->duration_s > 0 ? (uint64_t)(o->duration_s * 1e9)
			 : o->trace_ms	   ? o->trace_ms * 1000000ULL
					   : 1000ULL * 1000000ULL;
	lo.warmup_ns = (uint64_t)(o->warmup_s * 1e9);
	lo.verbose_sched = o->no_compact;
	lo.sched_wakeup = o->sched_wakeup;
	if (!dest)
		dest = def = live_default_output();
	err = out_open(&out, dest, !o->output);
	if (err)
		goto out;
	err = live_trace_run(&lo, out.fp, &st);
	if (!st.complete) {
		out_abort(&out);
		if (err == -EINTR)
			pr_err("interrupted before recording started: %s not written", dest);
		goto out;
	}
	err = out_commit(&out) ?: err;
	if (err && err != -EINTR)
		goto out;
	print_written(dest, ws);
	pr_info("%" PRIu64 " processes and %" PRIu64 " threads from /proc, %" PRIu64
		" ProcessTree entries in all",
		st.processes, st.threads, ws->processes + ws->threads);
	if (ws->dropped)
		pr_warn("%" PRIu64 " events were dropped (ring buffer full): the affected CPUs' "
			"bundles say lost_events and the trace's stats count them",
			ws->dropped);
	else
		pr_info("no events dropped");
out:
	free(def);
	return err;
}

static int trace_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct trace_opts o = {.cpus = 4};
	int argi, ret, err;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (o.trace_ms && o.duration_s > 0)
		return cli_usage_error(cli, "-d/--trace-ms and --duration both set the length; "
					    "give one");
	if ((o.convert || o.synthetic) &&
	    (o.trace_ms || o.duration_s > 0 || o.warmup_s > 0 || o.sched_wakeup))
		return cli_usage_error(cli, "-d, --duration, -s and --sched-wakeup apply to live "
					    "recording, not to --convert");
	if (o.convert && o.synthetic)
		return cli_usage_error(cli, "--convert and --synthetic exclude each other");
	if (o.output && !o.output[0])
		return cli_usage_error(cli, "empty output path");
	log_add_verbosity(o.verbose);
	err = sigwatch_install();
	if (err)
		return err_exit_code(err_log(err, "installing signal handlers"));
	if (o.synthetic)
		err = run_synthetic(&o);
	else if (o.convert)
		err = run_convert(&o);
	else
		err = run_live(&o);
	sigwatch_uninstall();
	return err_exit_code(err);
}

static const struct cli_option trace_options[] = {
	CLI_OPT('d', "trace-ms", CLI_U64, struct trace_opts, trace_ms, "MS",
		"record for MS milliseconds (default 1000)", .min = 1, .max = 86400000),
	CLI_OPT(0, "duration", CLI_DOUBLE, struct trace_opts, duration_s, "SECS",
		"record for SECS seconds (instead of -d)", .min = 0, .max = 86400),
	CLI_OPT('o', "output-file", CLI_STRING, struct trace_opts, output, "PATH",
		"write the trace to PATH ('-': stdout; default scxtop-trace-<date>-<time>.pftrace)",
		.flags = CLI_FILE),
	CLI_OPT(0, "output", CLI_STRING, struct trace_opts, output, "PATH",
		"same as --output-file", .flags = CLI_FILE),
	CLI_OPT('s', "warmup", CLI_DOUBLE, struct trace_opts, warmup_s, "SECS",
		"attach, then wait SECS before recording starts", .min = 0, .max = 3600),
	CLI_OPT(0, "convert", CLI_STRING, struct trace_opts, convert, "INPUT",
		"convert INPUT instead of recording: scxprof's perf.sched.jsonl (or its "
		"directory) or a Perfetto trace", .flags = CLI_FILE),
	CLI_OPT(0, "no-compact-sched", CLI_FLAG, struct trace_opts, no_compact, NULL,
		"write sched_switch/sched_waking as full ftrace events (larger; for old readers)"),
	CLI_OPT(0, "sched-wakeup", CLI_FLAG, struct trace_opts, sched_wakeup, NULL,
		"also record sched_wakeup (sched_waking, always recorded, comes first)"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct trace_opts, verbose, NULL,
		"more messages (-vv: libbpf debug output)"),
	CLI_OPT(0, "synthetic", CLI_U64, struct trace_opts, synthetic, "N",
		"benchmark: write N synthetic events", .min = 1, .max = UINT32_MAX * 16ULL,
		.flags = CLI_HIDDEN),
	CLI_OPT(0, "seed", CLI_U64, struct trace_opts, seed, "N", "synthetic stream seed",
		.flags = CLI_HIDDEN),
	CLI_OPT(0, "cpus", CLI_INT, struct trace_opts, cpus, "N", "synthetic stream CPUs",
		.min = 1, .max = PFTRACE_MAX_CPUS, .flags = CLI_HIDDEN),
	CLI_OPT_END,
};

const struct cli_command cmd_trace = {
	.name = "trace",
	.summary = "Record the scheduler into a Perfetto trace (ui.perfetto.dev)",
	.usage = "[-d MS | --duration SECS] [-s SECS] [-o PATH] [-v]\n"
		 "--convert INPUT [-o PATH]",
	.description =
		"Records every context switch, wakeup, migration, fork, exec, exit, softirq\n"
		"and CPU frequency change on all CPUs (BPF on tp_btf tracepoints, CLOCK_BOOTTIME)\n"
		"into a Perfetto protobuf trace for ui.perfetto.dev, trace_processor and\n"
		"`scxtop analyze`. Context switches and wakings use Perfetto's compact_sched\n"
		"encoding. Events stream to the file as they arrive; events the kernel could\n"
		"not hand over (full ring buffer) are counted, printed and written into the\n"
		"trace's stats. Ctrl-C stops early and still writes a complete trace. Needs\n"
		"root (or CAP_BPF + CAP_PERFMON) and a kernel with BTF.\n"
		"\n"
		"With --convert, turns a scxprof recording's perf.sched.jsonl (written by\n"
		"`scxprof process`) or another Perfetto trace into a trace; no root needed.",
	.options = trace_options,
	.examples = "scxtop trace -d 5000 -o sched.pftrace\n"
		    "scxtop trace --duration 30\n"
		    "scxtop trace --convert profile.out/perf.sched.jsonl -o profile.pftrace",
	.run = trace_run,
	.flags = CLI_NO_ARGS,
};
