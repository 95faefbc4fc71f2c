// SPDX-License-Identifier: GPL-2.0
/* scxprof extract sched-util: perf.sched.jsonl -> CPU busy % per window and category. */
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "extract/sched_util.h"
#include "extract/extract_io.h"
#include "profiler/commands.h"

struct sched_opts {
	const char *file;
	const char *output;
	uint64_t window_ms;
	const char *categories;
	bool skip_bad;
	int verbose;
};

struct sched_ctx {
	struct sched_util *u;
	struct jscan_reader rr;
	struct strbuf err;
};

static int feed_line(void *arg, const char *line, size_t len, char *why, size_t why_len)
{
	struct sched_ctx *c = arg;
	struct sched_record r;
	int ret = sched_record_parse(&c->rr, line, len, &r);

	if (ret < 0) {
		snprintf(why, why_len, "%s", c->rr.err);
		return ret;
	}
	if (ret > 0) {
		int err = sched_util_add(c->u, &r, &c->err);

		if (err) {
			/* Not a malformed line: stop at once, even with --skip-bad. */
			snprintf(why, why_len, "%s", c->err.buf);
			return err;
		}
	}
	return ret;
}

static int sched_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct sched_opts o = {.window_ms = 1};
	struct sched_categories cats;
	struct sched_ctx c = {.err = STRBUF_INIT};
	struct strbuf out = STRBUF_INIT, text = STRBUF_INIT;
	struct extract_outputs outs;
	struct extract_input in;
	int ret, argi;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (!o.file)
		return cli_usage_error(cli, "-f/--file is required");
	if (sched_categories_parse(o.categories, &cats, &c.err)) {
		ret = cli_usage_error(cli, "%s", c.err.buf);
		strbuf_release(&c.err);
		return ret;
	}
	c.u = sched_util_new(o.window_ms, &cats, NULL, NULL);
	jscan_reader_init(&c.rr);
	extract_outputs_init(&outs);

	ret = extract_input_open(&in, o.file);
	if (ret)
		goto out;
	ret = extract_outputs_open(&outs, o.output, NULL);
	if (ret)
		goto out;
	ret = extract_lines(&in, o.skip_bad, feed_line, &c);
	if (ret)
		goto out;
	if (sched_util_finish(c.u, &c.err)) {
		pr_err("%s", c.err.buf);
		ret = -EINVAL;
		goto out;
	}
	sched_util_missing_cpus(c.u, &text);
	if (text.len)
		pr_warn("%s", text.buf);
	if (o.verbose) {
		strbuf_reset(&text);
		sched_util_summary(c.u, &text);
		fputs(text.buf, stderr);
	}
	sched_util_write(c.u, &out);
	ret = extract_outputs_commit(&outs, &out, NULL);
out:
	extract_outputs_abort(&outs);
	extract_input_close(&in);
	jscan_reader_release(&c.rr);
	sched_util_free(c.u);
	sched_categories_release(&cats);
	strbuf_release(&c.err);
	strbuf_release(&out);
	strbuf_release(&text);
	return err_exit_code(ret);
}

static const struct cli_option sched_options[] = {
	CLI_OPT('f', "file", CLI_STRING, struct sched_opts, file, "FILE",
		"perf.sched.jsonl written by `scxprof process` (- for stdin)", .flags = CLI_FILE),
	CLI_OPT('o', "output", CLI_STRING, struct sched_opts, output, "FILE",
		"write the JSONL here (atomically) instead of stdout", .flags = CLI_FILE),
	CLI_OPT(0, "window-ms", CLI_U64, struct sched_opts, window_ms, "N",
		"window width in milliseconds (default 1)", .min = 1,
		.max = 18446744073709ll /* UINT64_MAX / 1e6: window_ms * 1e6 fits */),
	CLI_OPT(0, "categories", CLI_STRING, struct sched_opts, categories, "LIST",
		"comma-separated, mutually exclusive categories: comm, glob (svc-*), "
		"comm@hint=N"),
	CLI_OPT(0, "skip-bad", CLI_FLAG, struct sched_opts, skip_bad, NULL,
		"skip malformed lines (counted and reported) instead of failing"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct sched_opts, verbose, NULL,
		"print interval, window, CPU and category counts on stderr"),
	CLI_OPT_END,
};

const struct cli_command cmd_extract_sched_util = {
	.name = "sched-util",
	.summary = "Per-window CPU busy percentages by category from perf.sched.jsonl",
	.usage = "-f perf.sched.jsonl [--window-ms N] [--categories LIST] [-o FILE] [-v]",
	.description =
		"Replays the scheduler trace per CPU: the running task (from sched_switch),\n"
		"hardirqs and softirqs on a stack above it (NET_RX, NET_TX, other), ksoftirqd\n"
		"as softirq-other, NMIs carved out of the current interval, and hint changes\n"
		"splitting a task's interval. Busy time is cut into windows and split into\n"
		"categories; each window prints one JSON object with percentages of the\n"
		"window's capacity (width x CPUs seen in the trace).\n"
		"\n"
		"Categories: an exact comm, a glob (* and ?), either with @hint=N. Every comm\n"
		"used with @hint= also gets <comm>@hint=0 (hint 0 means no hint), and the\n"
		"system categories hardirq, softirq-rx, softirq-tx, softirq-other and nmi are\n"
		"always present. An interval matching two categories is an error.",
	.options = sched_options,
	.examples = "scxprof extract sched-util -f run1.out/perf.sched.jsonl --window-ms 10 \\\n"
		    "    --categories 'worker-a@hint=640,svc-*,perf'",
	.run = sched_run,
	.flags = CLI_NO_ARGS,
};

/* Upstream scx_characterize spells it `extract sched util`: accepted, not listed. */
static const struct cli_command sched_util_upstream = {
	.name = "util",
	.summary = "same as `scxprof extract sched-util`",
	.usage = "-f perf.sched.jsonl [--window-ms N] [--categories LIST] [-o FILE] [-v]",
	.options = sched_options,
	.run = sched_run,
	.flags = CLI_NO_ARGS,
};

static const struct cli_command *const sched_commands[] = {
	&sched_util_upstream,
	NULL,
};

const struct cli_command cmd_extract_sched = {
	.name = "sched",
	.summary = "upstream's spelling of sched-util: `extract sched util`",
	.usage = "util -f perf.sched.jsonl [options]",
	.subcommands = sched_commands,
	.flags = CLI_CMD_HIDDEN,
};
