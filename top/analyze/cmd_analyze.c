// SPDX-License-Identifier: GPL-2.0
/*
 * scxtop analyze TRACE: load a Perfetto trace (streaming) and print the
 * analyzers' report, for people (aligned tables) or scripts (--json).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/analyze/analyzers.h"
#include "top/analyze/trace_load.h"
#include "top/commands.h"

static const char *const method_names[] = {"all", "iqr", "mad", "zscore", NULL};
static const char *const category_names[] = {"all", "latency", "runtime", "cpu", NULL};

struct analyze_opts {
	struct cli_strv analyzers;
	bool json;
	bool per_thread;
	uint64_t limit;
	int pid, tid, cpu, layer;
	const char *start, *end;
	const char *output;
	const char *topology;
	const char *type;
	const char *group_by;
	int method, category;
	int verbose;
};

struct progress {
	uint64_t t0, last;
	int last_pct;
	bool tty, shown;
	const char *path;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *pg = ctx;
	uint64_t now = now_mono_ns();
	int pct = total ? (int)(done * 100 / total) : -1;

	if (now - pg->t0 < 1000000000ull || now - pg->last < 250000000ull)
		return;
	if (!pg->tty && pct / 10 == pg->last_pct / 10 && pg->shown)
		return;
	pg->last = now;
	pg->last_pct = pct;
	pg->shown = true;
	if (pct >= 0)
		fprintf(stderr, "%sloading %s: %d%% (%.1f of %.1f MB, %.1f s)%s", pg->tty ? "\r" : "",
			pg->path, pct, done / 1e6, total / 1e6, (now - pg->t0) / 1e9, pg->tty ? "" : "\n");
	else
		fprintf(stderr, "%sloading %s: %.1f MB (%.1f s)%s", pg->tty ? "\r" : "", pg->path,
			done / 1e6, (now - pg->t0) / 1e9, pg->tty ? "" : "\n");
}

static bool on_cancel(void *ctx)
{
	(void)ctx;
	return sigwatch_pending() != 0;
}

/* "1.5s", "200ms", "30us", "100ns", "42" (ns) → ns. */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1}};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || !isfinite(v))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			double r = v * units[i].mult;

			if (r > 1.8e19)
				return -ERANGE;
			*ns = (uint64_t)llround(r);
			return 0;
		}
	}
	return -EINVAL;
}

static int write_output(const char *path, const struct strbuf *sb)
{
	struct atomic_file af;
	int err;

	if (!path) {
		err = strbuf_write(sb, stdout);
		if (!err && fflush(stdout))
			err = err_errno();
		return err;
	}
	err = atomic_file_open(&af, path, 0);
	if (err)
		return err;
	err = strbuf_write(sb, af.fp);
	if (err) {
		atomic_file_abort(&af);
		return err;
	}
	return atomic_file_commit(&af);
}

static int analyze_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct analyze_opts o = {.limit = ANALYZE_DEFAULT_LIMIT, .pid = -1, .tid = -1, .cpu = -1,
				 .layer = -1};
	const struct analyzer **list = NULL;
	struct analyze_params p;
	struct trace_model m;
	struct progress pg = {0};
	struct load_opts lo = {0};
	struct strbuf out = STRBUF_INIT;
	struct report *r = NULL;
	char msg[256];
	size_t n = 0;
	int ret, argi, err;
	uint64_t rel;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (argi >= argc) {
		free(o.analyzers.v);
		return cli_usage_error(cli, "missing TRACE");
	}
	if (argi + 1 < argc) {
		free(o.analyzers.v);
		return cli_usage_error(cli, "unexpected argument '%s'", argv[argi + 1]);
	}
	log_add_verbosity(o.verbose);
	analyze_params_init(&p);
	p.limit = o.limit;
	p.pid = o.pid;
	p.tid = o.tid;
	p.cpu = o.cpu;
	p.layer = o.layer;
	p.per_thread = o.per_thread;
	p.method = (enum outlier_method)o.method;
	p.category = (enum outlier_category)o.category;
	p.event_type = o.type;
	p.group_by = o.group_by;
	if (o.group_by && strcmp(o.group_by, "cpu") && strcmp(o.group_by, "pid") &&
	    strcmp(o.group_by, "tid") && strcmp(o.group_by, "type") && strcmp(o.group_by, "comm")) {
		free(o.analyzers.v);
		return cli_usage_error(cli, "invalid value for --group-by: '%s' (expected one of: cpu, pid, tid, type, comm)",
				       o.group_by);
	}
	list = xcalloc(nr_analyzers + 1, sizeof(*list));
	for (size_t i = 0; i < o.analyzers.n; i++) {
		const char *name = o.analyzers.v[i];

		if (!strcmp(name, "all")) {
			for (size_t k = 0; k < nr_analyzers; k++)
				list[k] = &analyzer_table[k];
			n = nr_analyzers;
			break;
		}
		if (!analyzer_find(name)) {
			struct strbuf sb = STRBUF_INIT;

			for (size_t k = 0; k < nr_analyzers; k++)
				strbuf_addf(&sb, "%s%s", k ? ", " : "", analyzer_table[k].name);
			ret = cli_usage_error(cli, "unknown analyzer '%s' (one of: %s, all)", name, sb.buf);
			strbuf_release(&sb);
			free(list);
			free(o.analyzers.v);
			return ret;
		}
		list[n++] = analyzer_find(name);
	}
	if (!n)
		for (size_t k = 0; k < nr_analyzers; k++)
			if (analyzer_table[k].in_default)
				list[n++] = &analyzer_table[k];
	free(o.analyzers.v);

	model_init(&m);
	if (o.topology) {
		err = trace_topology_from_sysfs(&m.topo, o.topology);
		if (err) {
			pr_err("reading topology %s: %s", o.topology, err_str(err));
			ret = EXIT_FAIL;
			goto out;
		}
		m.topo.source = "sysfs";
	}
	sigwatch_install();
	pg.t0 = now_mono_ns();
	pg.tty = isatty(STDERR_FILENO);
	pg.path = argv[argi];
	pg.last_pct = -100;
	lo.progress = on_progress;
	lo.cancelled = on_cancel;
	lo.ctx = &pg;
	err = trace_load_file(&m, argv[argi], &lo, msg, sizeof(msg));
	if (pg.shown && pg.tty)
		fprintf(stderr, "\r\033[K");
	if (err == -EINTR) {
		pr_err("%s: interrupted", argv[argi]);
		ret = EXIT_INTERRUPTED;
		goto out;
	}
	if (err) {
		pr_err("%s: %s", argv[argi], msg[0] ? msg : err_str(err));
		ret = EXIT_FAIL;
		goto out;
	}
	if (m.stats.truncated)
		pr_warn("%s: truncated: %s; analyzing the %llu complete packets", argv[argi],
			m.stats.stop_reason, (unsigned long long)m.stats.packets);
	if (o.start) {
		if (parse_duration(o.start, &rel)) {
			ret = cli_usage_error(cli, "invalid value for --start: '%s' (expected a time such as 1.5s, 200ms, 30us, 100ns)",
					      o.start);
			goto out;
		}
		p.start_ns = m.start_ts + rel;
	}
	if (o.end) {
		if (parse_duration(o.end, &rel)) {
			ret = cli_usage_error(cli, "invalid value for --end: '%s' (expected a time such as 1.5s, 200ms, 30us, 100ns)",
					      o.end);
			goto out;
		}
		p.end_ns = m.start_ts + rel;
	}
	r = o.json ? report_json(&out, JSON_PRETTY) : report_text(&out, m.start_ts);
	err = analyze_document(&m, &p, list, n, r);
	if (o.json)
		strbuf_addch(&out, '\n');
	if (err == -EINVAL && o.type) {
		pr_err("unknown event type '%s' for --type", o.type);
		ret = EXIT_USAGE;
		goto out;
	}
	err = write_output(o.output, &out);
	if (err) {
		pr_err("writing %s: %s", o.output ? o.output : "stdout", err_str(err));
		ret = EXIT_FAIL;
		goto out;
	}
	ret = EXIT_OK;
out:
	report_free(r);
	strbuf_release(&out);
	model_release(&m);
	free(list);
	return ret;
}

static const struct cli_option analyze_options[] = {
	CLI_OPT('a', "analyzer", CLI_STRINGS, struct analyze_opts, analyzers, "NAME",
		"run this analyzer (repeatable; 'all' for every one; default: the standard report)"),
	CLI_OPT('j', "json", CLI_FLAG, struct analyze_opts, json, NULL,
		"print one JSON document (schemas/analyze.schema.json) instead of tables"),
	CLI_OPT('n', "limit", CLI_U64, struct analyze_opts, limit, "N",
		"rows per list (default 20)", .min = 1, .max = ANALYZE_MAX_LIMIT),
	CLI_OPT('o', "output", CLI_STRING, struct analyze_opts, output, "FILE",
		"write the report to FILE (atomically) instead of stdout", .flags = CLI_FILE),
	CLI_OPT(0, "topology", CLI_STRING, struct analyze_opts, topology, "DIR",
		"CPU topology from a sysfs copy (DIR = /sys/devices/system or its cpu/)",
		.flags = CLI_DIR),
	CLI_OPT('p', "pid", CLI_INT, struct analyze_opts, pid, "PID",
		"only this process (timeline, query, latency, runtime lists)", .min = 0,
		.max = INT_MAX),
	CLI_OPT('t', "tid", CLI_INT, struct analyze_opts, tid, "TID", "only this thread", .min = 0,
		.max = INT_MAX),
	CLI_OPT('c', "cpu", CLI_INT, struct analyze_opts, cpu, "CPU",
		"only this CPU (timeline of its slices, query, per-CPU lists)", .min = 0,
		.max = MAX_CPUS - 1),
	CLI_OPT(0, "start", CLI_STRING, struct analyze_opts, start, "TIME",
		"window start from the trace start, 1.5s/200ms/30us/100ns (timeline, query, correlation, oncpu_slices)"),
	CLI_OPT(0, "end", CLI_STRING, struct analyze_opts, end, "TIME",
		"window end from the trace start (same analyzers)"),
	CLI_OPT(0, "per-thread", CLI_FLAG, struct analyze_opts, per_thread, NULL,
		"per thread instead of per process in runtime, latency, states, migrations"),
	CLI_OPT(0, "method", CLI_CHOICE, struct analyze_opts, method, "M",
		"outliers: all, iqr, mad or zscore (default all)", .choices = method_names),
	CLI_OPT(0, "category", CLI_CHOICE, struct analyze_opts, category, "C",
		"outliers: all, latency, runtime or cpu (default all)", .choices = category_names),
	CLI_OPT(0, "type", CLI_STRING, struct analyze_opts, type, "EVENT",
		"query/timeline: only this event (sched_switch, sched_waking, ...)"),
	CLI_OPT(0, "group-by", CLI_STRING, struct analyze_opts, group_by, "KEY",
		"query: count by cpu, pid, tid, type or comm"),
	CLI_OPT(0, "layer", CLI_INT, struct analyze_opts, layer, "ID",
		"scx_layers: only this layer", .min = 0, .max = INT_MAX),
	CLI_OPT('v', "verbose", CLI_COUNT, struct analyze_opts, verbose, NULL, "more diagnostics"),
	CLI_OPT_END,
};

const struct cli_command cmd_analyze = {
	.name = "analyze",
	.summary = "Analyze a Perfetto trace: latency, utilization, migrations, outliers",
	.usage = "TRACE [--analyzer NAME]... [--json] [--limit N] [options]",
	.description =
		"Loads a Perfetto trace (scxtop, upstream scxtop, systing, Perfetto's traced,\n"
		"wprof in TrackEvent or sched-view mode; gzip accepted) without holding it in\n"
		"memory as one message, derives per-CPU sched slices and per-thread states\n"
		"with trace_processor's rules, and reports: summary, cpu_utilization,\n"
		"process_runtime, wakeup_latency, migrations, preemptions, task_states, dsq,\n"
		"scx_layers, bottlenecks, outliers (the default set), and on request\n"
		"oncpu_slices, correlation, timeline and query. Percentiles are nearest-rank\n"
		"(the p-th percentile of n sorted values is v[ceil(p*n)-1]). A truncated\n"
		"trace is analyzed up to its last complete packet, with a warning.\n"
		"Progress goes to stderr when loading takes more than a second.",
	.options = analyze_options,
	.examples = "scxtop analyze trace.pftrace\n"
		    "scxtop analyze trace.pftrace -a wakeup_latency -a migrations --limit 5\n"
		    "scxtop analyze trace.pftrace --json -o report.json\n"
		    "scxtop analyze trace.pftrace -a timeline --pid 1234 --start 1s --end 1.2s\n"
		    "scxtop analyze trace.pftrace -a query --type sched_waking --group-by comm\n"
		    "scxtop analyze trace.pftrace -a migrations --topology /sys/devices/system",
	.run = analyze_run,
};
