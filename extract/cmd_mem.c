// SPDX-License-Identifier: GPL-2.0
/*
 * scxprof extract mem: stream perf.jsonl into the extract_mem library and write
 * the scx_mitosis cell config (stdout or -o, atomically), the -v/-vv report on
 * stderr and, with --report, the locality report as JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/linereader.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/strbuf.h"
#include "extract/cell_config.h"
#include "extract/extract_mem.h"
#include "extract/locality.h"
#include "extract/mem_record.h"
#include "extract/extract_io.h"
#include "profiler/commands.h"

static const char *const cluster_names[] = {"comm", "locality", NULL};

struct mem_opts {
	const char *file;
	const char *output;
	const char *report;
	const char *workload;
	const char *allotment;
	bool use_hints;
	int cluster;
	double affinity;
	int max_subcells;
	uint64_t max_page_entries;
	bool skip_bad;
	int verbose;
};

struct mem_ctx {
	struct extract_mem *x;
	struct jscan_reader rr;
};

static int feed_line(void *arg, const char *line, size_t len, char *why, size_t why_len)
{
	struct mem_ctx *c = arg;
	struct mem_sample s;
	int r = mem_record_parse(&c->rr, line, len, &s);

	if (r < 0) {
		snprintf(why, why_len, "%s", c->rr.err);
		return r;
	}
	if (r > 0)
		extract_mem_add(c->x, &s);
	return r;
}

static int mem_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct mem_opts o = {
		.workload = EXTRACT_DEFAULT_WORKLOAD,
		.allotment = EXTRACT_DEFAULT_ALLOTMENT_REGEX,
		.affinity = EXTRACT_DEFAULT_AFFINITY,
		.max_subcells = CELL_MAX_SUBCELLS,
	};
	struct extract_mem_opts xo;
	struct mem_ctx c = {0};
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	struct extract_outputs outs;
	struct extract_input in;
	int ret, argi;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (!o.file)
		return cli_usage_error(cli, "-f/--file is required");
	if (o.use_hints && (o.cluster == EXTRACT_CLUSTER_LOCALITY || o.report))
		return cli_usage_error(cli, "--use-hints cannot be combined with --cluster locality "
					    "or --report (hint subcells do not load in scx_mitosis)");
	if (o.output && o.report && !strcmp(o.output, o.report))
		return cli_usage_error(cli, "--output and --report name the same file");

	extract_mem_opts_init(&xo);
	xo.workload = o.workload;
	xo.allotment_regex = o.allotment;
	xo.use_hints = o.use_hints;
	xo.cluster = o.cluster;
	xo.affinity_threshold = o.affinity;
	xo.max_subcells = (unsigned)o.max_subcells;
	xo.max_page_entries = o.max_page_entries;
	xo.track_pages = o.report != NULL;
	if (extract_mem_new(&xo, &c.x, &err)) {
		ret = cli_usage_error(cli, "%s", err.buf);
		strbuf_release(&err);
		return ret;
	}
	jscan_reader_init(&c.rr);
	extract_outputs_init(&outs);

	ret = extract_input_open(&in, o.file);
	if (ret)
		goto out;
	ret = extract_outputs_open(&outs, o.output, o.report);
	if (ret)
		goto out;
	ret = extract_lines(&in, o.skip_bad, feed_line, &c);
	if (ret)
		goto out;
	extract_mem_finish(c.x);
	extract_mem_report(c.x, o.verbose, &text);
	fputs(text.buf, stderr);
	cell_config_write(extract_mem_config(c.x), &out);
	if (o.report) {
		struct strbuf rep = STRBUF_INIT;

		extract_mem_report_json(c.x, &rep);
		ret = extract_outputs_commit(&outs, &out, &rep);
		strbuf_release(&rep);
	} else {
		ret = extract_outputs_commit(&outs, &out, NULL);
	}
out:
	extract_outputs_abort(&outs);
	extract_input_close(&in);
	jscan_reader_release(&c.rr);
	extract_mem_free(c.x);
	strbuf_release(&err);
	strbuf_release(&out);
	strbuf_release(&text);
	return err_exit_code(ret);
}

static const struct cli_option mem_options[] = {
	CLI_OPT('f', "file", CLI_STRING, struct mem_opts, file, "FILE",
		"perf.jsonl written by `scxprof process` (- for stdin)", .flags = CLI_FILE),
	CLI_OPT('o', "output", CLI_STRING, struct mem_opts, output, "FILE",
		"write the cell config here (atomically) instead of stdout", .flags = CLI_FILE),
	CLI_OPT(0, "workload-cgroup-regex", CLI_STRING, struct mem_opts, workload, "S",
		"cgroups containing S (a plain substring, as upstream) are the workload "
		"(default workload.slice)"),
	CLI_OPT(0, "workload-allotment-cgroup-regex", CLI_STRING, struct mem_opts, allotment, "R",
		"PCRE2 regex; its match in a workload cgroup names an allotment group "
		"(default workload-tw-[^/]+\\.allotment\\.slice)"),
	CLI_OPT(0, "use-hints", CLI_FLAG, struct mem_opts, use_hints, NULL,
		"split significant comm subcells by task hint (scx_mitosis cannot load these yet)"),
	CLI_OPT(0, "cluster", CLI_CHOICE, struct mem_opts, cluster, NULL,
		"comm: one subcell per significant comm (upstream); locality: merge comms that "
		"share physical pages",
		.choices = cluster_names),
	CLI_OPT(0, "affinity-threshold", CLI_DOUBLE, struct mem_opts, affinity, "X",
		"with --cluster locality, merge clusters while their affinity is above X, 0..1 "
		"(default 0.10)",
		.min = 0, .max = 1),
	CLI_OPT(0, "max-subcells", CLI_INT, struct mem_opts, max_subcells, "N",
		"subcells per cell including rest, 1..8 (default 8, scx_mitosis's limit)", .min = 1,
		.max = CELL_MAX_SUBCELLS),
	CLI_OPT(0, "max-page-entries", CLI_U64, struct mem_opts, max_page_entries, "N",
		"cap of the (page, cluster) map before page sampling (default 25165824, ~0.6 GB)",
		.min = 1024, .max = 1ll << 40),
	CLI_OPT(0, "report", CLI_STRING, struct mem_opts, report, "FILE",
		"write the locality report (JSON) here; works with --cluster comm too",
		.flags = CLI_FILE),
	CLI_OPT(0, "skip-bad", CLI_FLAG, struct mem_opts, skip_bad, NULL,
		"skip malformed lines (counted and reported) instead of failing"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct mem_opts, verbose, NULL,
		"report groups and comms on stderr (-vv: every comm and hint)"),
	CLI_OPT_END,
};

const struct cli_command cmd_extract_mem = {
	.name = "mem",
	.summary = "Group memory samples by cgroup and comm into a scx_mitosis cell config",
	.usage = "-f perf.jsonl [--cluster comm|locality] [-o FILE] [--report FILE] [-v|-vv]",
	.description =
		"Streams perf.jsonl and sorts each sample into a group: cgroups that do not\n"
		"contain the workload substring go to \"rest\"; in the others the allotment\n"
		"regex's match names an allotment group, else the sample is in the workload\n"
		"group. In the merged allotment groups every comm (trailing digits removed)\n"
		"with more than 5 % of the samples becomes a subcell matched by CommPrefix.\n"
		"Writes the JSON cell config that scx_mitosis --cell-config loads: at most 8\n"
		"subcells per cell including rest (the least-sampled go to rest), CommPrefix\n"
		"at most 15 bytes.\n"
		"\n"
		"--cluster locality merges comm clusters whose threads touch the same\n"
		"physical pages (affinity above --affinity-threshold, or to fit the subcell\n"
		"limit), and reports how much of the sharing the config keeps together\n"
		"(locality retained) next to --cluster comm.",
	.options = mem_options,
	.examples = "scxprof extract -f run1.out/perf.jsonl -v\n"
		    "scxprof extract -f run1.out/perf.jsonl --cluster locality -v -o cells.json\n"
		    "scxprof extract mem -f perf.jsonl --cluster locality --report locality.json",
	.run = mem_run,
	.flags = CLI_NO_ARGS,
};
