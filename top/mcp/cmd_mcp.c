// SPDX-License-Identifier: GPL-2.0
/*
 * scxtop mcp: the MCP server over stdio. Reads newline-delimited JSON-RPC
 * messages from stdin (each at most --max-message-mb), answers on stdout one
 * line per response, logs to stderr, exits 0 at end of input and 130 on
 * SIGINT/SIGTERM/SIGHUP.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/commands.h"
#include "top/mcp/mcp_server.h"

struct mcp_opts {
	uint64_t max_message_mb;
	int verbose;
	bool daemon;
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return err_errno();
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct out_ctx {
	int err;
};

static void emit(void *ctx, const char *line, size_t len)
{
	struct out_ctx *o = ctx;

	if (o->err)
		return;
	o->err = write_all(STDOUT_FILENO, line, len);
	if (!o->err)
		o->err = write_all(STDOUT_FILENO, "\n", 1);
}

/*
 * Bounded line reader: a line longer than max is dropped as it streams in
 * (memory stays at max) and reported with *too_long. Unconsumed input is
 * buf[start, len); buf[start, scan) holds no newline.
 */
struct reader {
	char *buf;
	size_t start, len, cap, scan, max;
	bool discarding, eof;
};

static int reader_next(struct reader *r, char **line, size_t *n, bool *too_long, int sfd)
{
	*too_long = false;
	for (;;) {
		char *nl = r->len > r->scan ? memchr(r->buf + r->scan, '\n', r->len - r->scan) : NULL;
		struct pollfd pfd[2] = {{STDIN_FILENO, POLLIN, 0}, {sfd, POLLIN, 0}};
		ssize_t got;

		if (nl) {
			size_t p = (size_t)(nl - r->buf);

			*line = r->buf + r->start;
			*n = p - r->start;
			*nl = '\0';
			r->start = r->scan = p + 1;
			if (r->discarding) {
				r->discarding = false;
				*too_long = true;
			}
			return 1;
		}
		r->scan = r->len;
		if (r->len - r->start > r->max) {
			/* too long: keep nothing more of it, wait for its end */
			r->discarding = true;
			r->start = r->len = r->scan = 0;
		}
		if (r->eof) {
			if (r->discarding) {
				r->discarding = false;
				*too_long = true;
				return 1;
			}
			if (r->len > r->start) {
				*line = r->buf + r->start;
				*n = r->len - r->start;
				r->buf[r->len] = '\0';
				r->start = r->scan = r->len;
				return 1;
			}
			return 0;
		}
		if (r->start) {
			memmove(r->buf, r->buf + r->start, r->len - r->start);
			r->len -= r->start;
			r->scan -= r->start;
			r->start = 0;
		}
		if (r->cap - r->len < 65536 + 1) {
			r->cap = r->cap ? r->cap * 2 : 1 << 20;
			r->buf = xrealloc(r->buf, r->cap);
		}
		if (poll(pfd, sfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return err_errno();
		if (sfd >= 0 && (pfd[1].revents & POLLIN))
			return -EINTR;
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(STDIN_FILENO, r->buf + r->len, r->cap - r->len - 1);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return err_errno();
		}
		if (!got)
			r->eof = true;
		r->len += (size_t)got;
	}
}

static int mcp_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct mcp_opts o = {.max_message_mb = MCP_DEFAULT_MAX_MESSAGE >> 20};
	struct mcp_server s;
	struct out_ctx oc = {0};
	struct reader rd = {0};
	struct strbuf out = STRBUF_INIT;
	int ret, argi, rc;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	log_add_verbosity(o.verbose);
	log_set_file(stderr);
	signal(SIGPIPE, SIG_IGN);
	sigwatch_install();
	mcp_server_init(&s);
	s.emit = emit;
	s.emit_ctx = &oc;
	rd.max = (size_t)o.max_message_mb << 20;
	pr_debug("mcp: serving on stdio (max message %llu MiB)", (unsigned long long)o.max_message_mb);
	for (;;) {
		char *line = NULL;
		size_t n = 0;
		bool too_long;

		rc = reader_next(&rd, &line, &n, &too_long, sigwatch_fd());
		if (rc <= 0)
			break;
		strbuf_reset(&out);
		if (too_long)
			mcp_line_too_long(&out, rd.max);
		else
			mcp_handle_message(&s, line, n, &out);
		if (out.len && !oc.err)
			oc.err = write_all(STDOUT_FILENO, out.buf, out.len);
		if (oc.err)
			break;
		if (sigwatch_pending())
			break;
	}
	if (rc == -EINTR || sigwatch_pending()) {
		ret = EXIT_INTERRUPTED;
	} else if (rc < 0) {
		pr_err("mcp: reading stdin: %s", err_str(rc));
		ret = EXIT_FAIL;
	} else if (oc.err && oc.err != -EPIPE) {
		pr_err("mcp: writing stdout: %s", err_str(oc.err));
		ret = EXIT_FAIL;
	} else {
		ret = EXIT_OK;
	}
	mcp_server_release(&s);
	strbuf_release(&out);
	free(rd.buf);
	return ret;
}

static const struct cli_option mcp_options[] = {
	CLI_OPT(0, "max-message-mb", CLI_U64, struct mcp_opts, max_message_mb, "MB",
		"longest accepted JSON-RPC message (default 16)", .min = 1, .max = 1024),
	CLI_OPT('d', "daemon", CLI_FLAG, struct mcp_opts, daemon, NULL,
		"accepted for upstream compatibility (live statistics start on first use)"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct mcp_opts, verbose, NULL,
		"more diagnostics on stderr"),
	CLI_OPT_END,
};

const struct cli_command cmd_mcp = {
	.name = "mcp",
	.summary = "MCP server (JSON-RPC 2.0 over stdio) exposing live stats and trace analyzers",
	.usage = "[--max-message-mb MB] [-v]",
	.description =
		"Model Context Protocol server for AI assistants (Claude Desktop, Claude Code):\n"
		"newline-delimited JSON-RPC 2.0 on stdin/stdout, protocol versions 2025-11-25,\n"
		"2025-06-18, 2025-03-26 and 2024-11-05. Tools load Perfetto traces (several at\n"
		"once, by id) and run the `scxtop analyze` analyzers on them; resources and\n"
		"tools give live statistics of this host (BPF collector, needs root; the\n"
		"trace tools work without). Prompts: analyze_scheduler_performance,\n"
		"debug_high_latency, analyze_cpu_imbalance, investigate_scheduler_behavior,\n"
		"summarize_system. Logs go to stderr only. Exits 0 at end of input.",
	.options = mcp_options,
	.examples = "claude mcp add scxtop -- sudo /usr/local/bin/scxtop mcp\n"
		    "printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}' | scxtop mcp",
	.run = mcp_run,
	.flags = CLI_NO_ARGS,
};
