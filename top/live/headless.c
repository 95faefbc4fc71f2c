// SPDX-License-Identifier: GPL-2.0
/*
 * `scxtop --headless`: the TUI's statistics as JSON, one object per interval
 * (schemas/scxtop-stats.schema.json), for scripts and tests. The first record
 * covers the first interval after the collector attached.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "common/bpfutil.h"
#include "common/err.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/live/live.h"
#include "top/live/sampler.h"
#include "top/live/stats.h"

/* Sleep until deadline (CLOCK_MONOTONIC ns); false when a signal arrived. */
static bool wait_until(uint64_t deadline)
{
	for (;;) {
		uint64_t now = now_mono_ns();
		struct pollfd p = {.fd = sigwatch_fd(), .events = POLLIN};

		if (sigwatch_pending())
			return false;
		if (now >= deadline)
			return true;
		poll(&p, 1, (int)MIN((deadline - now + 999999) / 1000000, 1000u));
	}
}

int live_headless(const struct live_opts *o)
{
	uint64_t interval = (o->interval_ms ? o->interval_ms : 1000) * 1000000ull, next;
	struct stats_json_opts jo = {
		.proc_limit = o->limit,
		.thread_limit = o->limit,
		.active_only = !o->all_tasks,
	};
	struct stats_raw raw[2];
	struct stats_snapshot snap;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct sampler *s = NULL;
	const struct stats_prog *progs;
	size_t nprogs;
	char why[512];
	int err, cur = 0, ret = EXIT_OK;

	err = sigwatch_install();
	if (err)
		return err_exit_code(err_log(err, "cannot install signal handlers"));
	err = sampler_open(&s, NULL, why, sizeof(why));
	if (err) {
		pr_err("%s", why);
		sigwatch_uninstall();
		return EXIT_FAIL;
	}
	stats_raw_init(&raw[0], 0);
	stats_raw_init(&raw[1], 0);
	stats_snapshot_init(&snap);
	err = sampler_read(s, &raw[cur], true, false);
	if (err)
		pr_warn("reading statistics: %s", err_str(err));
	next = now_mono_ns() + interval;
	for (uint64_t it = 1; !o->iterations || it <= o->iterations; it++) {
		if (!wait_until(next)) {
			/* interrupted: a normal stop when running until interrupted */
			ret = o->iterations ? EXIT_INTERRUPTED : EXIT_OK;
			break;
		}
		next += interval;
		if (next < now_mono_ns())	/* fell behind (suspended): realign */
			next = now_mono_ns() + interval;
		err = sampler_read(s, &raw[!cur], true, false);
		if (err)
			pr_warn("reading statistics: %s", err_str(err));
		stats_snapshot_build(&snap, sampler_topology(s), &raw[cur], &raw[!cur]);
		cur = !cur;
		progs = sampler_programs(s, &nprogs);
		strbuf_reset(&sb);
		jw_init(&w, &sb, 0);
		stats_json_snapshot(&w, &snap, it, progs, nprogs, &jo);
		strbuf_addch(&sb, '\n');
		if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
			err = err_errno();
			ret = err_exit_code(err_log(err, "cannot write to standard output"));
			break;
		}
	}
	strbuf_release(&sb);
	stats_snapshot_release(&snap);
	stats_raw_release(&raw[0]);
	stats_raw_release(&raw[1]);
	sampler_close(s);
	sigwatch_uninstall();
	return ret;
}
