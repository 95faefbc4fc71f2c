// SPDX-License-Identifier: GPL-2.0
/*
 * scxprof record: check everything, then run perf (memory samples, sched
 * trace) and the hint recorder side by side for -t seconds, stop them in
 * upstream's order (hints first, then SIGINT to perf, SIGKILL after a grace
 * period), and turn the staging directory into one verified .tar.gz.
 *
 * Safety rules: every perf child has PR_SET_PDEATHSIG and its own process
 * group (only we decide when it stops; it dies with us); its stderr is drained
 * while it runs; the bundle is built under a temporary name, so an error or a
 * signal leaves nothing behind (SIGINT/SIGTERM/SIGHUP: exit 130, a second one
 * forces the stop).
 */
#include "profiler/record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/child.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/util.h"
#include "profiler/bundle.h"
#include "profiler/hints_recorder.h"
#include "profiler/perf.h"

#define LOOP_TICK_MS 100	/* the loop wakes at least this often */
#define DISK_CHECK_NS 1000000000ull
#define DISK_FLOOR_BYTES (4ull << 20)
#define STDERR_LINES_SHOWN 20	/* per perf child; the rest is counted */
#define STOP_NOTICE_NS 2000000000ull	/* say "Ctrl-C again to force" after this */
#define RATES_INTERVAL_MS 200
#define PERF_START_TIMEOUT_NS (10 * 1000000000ull)

struct recorder {
	struct record_ctx ctx;
	struct perf_info perf;
	bool have_perf;
	struct hints_map map;
	struct hints_recorder hints;
	bool hints_started;
	struct child children[2];
	struct staging_dir stage;
	bool staged;
	char *output_dir;	/* directory holding -o */
	char *archive_dir;	/* directory holding the archive */
	bool same_fs;		/* both on one file system */
	FILE *hints_fp, *cgroups_fp;
	char ldlat[24];
	uint64_t next_disk_check;
};

/* Note the first signal; from then on perf's stderr is no longer shown. */
static void note_signal(struct record_ctx *ctx, int sig)
{
	ctx->signal = sig;
	for (size_t i = 0; i < ARRAY_SIZE(ctx->traces); i++)
		ctx->traces[i].quiet = true;
}

static bool interrupted(struct recorder *r)
{
	if (!r->ctx.signal && sigwatch_pending()) {
		note_signal(&r->ctx, sigwatch_pending());
		sigwatch_clear();
	}
	return r->ctx.signal != 0;
}

/* ---- checks before anything is started ---------------------------------- */

static int check_dir_writable(const char *dir, const char *what)
{
	int err;

	if (!fs_is_dir(dir)) {
		err = fs_exists(dir) ? -ENOTDIR : -ENOENT;
		pr_err("%s: directory '%s': %s", what, dir, err_str(err));
		return err;
	}
	if (access(dir, W_OK | X_OK)) {
		err = err_errno();
		pr_err("%s: cannot write in '%s': %s", what, dir, err_str(err));
		return err;
	}
	return 0;
}

/*
 * Staging directories and archive temporaries of an earlier run that was
 * killed outright (SIGKILL, power loss) are hidden: point them out.
 */
static void warn_leftovers(const char *dir, const char *path)
{
	char *base = fs_basename(path), *prefix = xasprintf(".%s.tmp.", base);
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)))
		if (str_has_prefix(de->d_name, prefix) && strlen(de->d_name) == strlen(prefix) + 6)
			pr_warn("'%s/%s' is left over from an interrupted run that could not clean "
				"up; remove it to free its space",
				dir, de->d_name);
	if (d)
		closedir(d);
	free(prefix);
	free(base);
}

static bool same_fs(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev;
}

static int check_paths(struct recorder *r)
{
	const struct record_opts *o = r->ctx.o;
	int err;

	if (fs_exists(o->output)) {
		pr_err("output directory '%s' already exists", o->output);
		return -EEXIST;
	}
	r->output_dir = fs_dirname(o->output);
	err = check_dir_writable(r->output_dir, "output");
	if (err)
		return err;
	warn_leftovers(r->output_dir, o->output);
	if (o->disable_archive) {
		r->ctx.root = fs_basename(o->output);
		return 0;
	}
	if (o->file) {
		r->ctx.archive_path = xstrdup(o->file);
	} else {
		/* -o x/ archives to x.tar.gz, beside x (upstream [P] put it inside x). */
		size_t len = strlen(o->output);

		while (len > 1 && o->output[len - 1] == '/')
			len--;
		r->ctx.archive_path = xasprintf("%.*s%s", (int)len, o->output, BUNDLE_SUFFIX);
	}
	r->ctx.root = record_archive_root(r->ctx.archive_path);
	if (!r->ctx.root) {
		pr_err("archive '%s': the name must end with .tar.gz after a non-empty name",
		       r->ctx.archive_path);
		return -EINVAL;
	}
	if (fs_exists(r->ctx.archive_path)) {
		pr_err("archive '%s' already exists", r->ctx.archive_path);
		return -EEXIST;
	}
	r->archive_dir = fs_dirname(r->ctx.archive_path);
	err = check_dir_writable(r->archive_dir, "archive");
	if (err)
		return err;
	warn_leftovers(r->archive_dir, r->ctx.archive_path);
	r->same_fs = same_fs(r->output_dir, r->archive_dir);
	return 0;
}

static int check_perf(struct recorder *r)
{
	const struct record_opts *o = r->ctx.o;
	bool need = !o->disable_mem || !o->disable_sched;
	char why[256] = "";
	int err;

	err = perf_probe(&r->perf);
	if (err) {
		if (!need) {
			pr_debug("perf not usable (%s): no perf.version in the bundle", err_str(err));
			return 0;
		}
		if (err == -ENOENT)
			pr_err("perf not found: '%s' (install linux-perf, or set SCXPROF_PERF)",
			       r->perf.binary);
		else
			pr_err("'%s version' failed: %s", r->perf.binary,
			       err == -EPROTO ? "non-zero exit" : err_str(err));
		return err;
	}
	r->have_perf = true;
	if (o->disable_mem || o->mem_event)
		return 0;
	err = perf_mem_probe(r->perf.binary, why, sizeof(why));
	if (err < 0) {
		pr_err("'%s mem record -e list' failed: %s", r->perf.binary, err_str(err));
		return err;
	}
	if (err == 0) {
		pr_err("perf mem cannot sample on this host (perf says \"%s\": no memory-sampling "
		       "PMU such as PEBS, IBS or SPE); record with --mem-event page-faults, or "
		       "--disable-mem-trace; `scxprof doctor` shows what this host supports",
		       why);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_sched_events(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	bool present[PERF_NR_SCHED_EVENTS];
	int err;

	if (ctx->o->disable_sched)
		return 0;
	err = perf_sched_events_probe(present);
	if (err) {
		pr_warn("cannot tell which tracepoints this kernel has (%s); asking perf for all %d",
			err_str(err), PERF_NR_SCHED_EVENTS);
		for (size_t i = 0; i < PERF_NR_SCHED_EVENTS; i++)
			present[i] = true;
	}
	for (size_t i = 0; i < PERF_NR_SCHED_EVENTS; i++) {
		if (present[i])
			ctx->sched_events[ctx->nr_sched_events++] = perf_sched_events[i];
		else
			strbuf_addf(&ctx->missing_events, "%s%s", ctx->missing_events.len ? ", " : "",
				    perf_sched_events[i]);
	}
	if (!present[0]) {
		pr_err("sched trace: this kernel has no sched:sched_switch tracepoint; record with "
		       "--disable-sched-trace");
		return -EOPNOTSUPP;
	}
	if (ctx->missing_events.len)
		pr_info("sched trace: leaving out events this kernel does not have: %s",
			ctx->missing_events.buf);
	return 0;
}

static int check_space(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	const struct record_estimate *e = &ctx->est;
	uint64_t free_out = 0, free_arch = 0, need_out;
	char b1[32], b2[32], b3[32], b4[32];
	int err;

	err = record_rates_measure(&ctx->rates, RATES_INTERVAL_MS);
	if (err)
		return err;
	record_estimate_compute(ctx->o, &ctx->rates, &ctx->est);
	err = fs_free_bytes(r->output_dir, &free_out);
	if (!err && r->archive_dir)
		err = fs_free_bytes(r->archive_dir, &free_arch);
	if (err) {
		pr_warn("cannot tell the free disk space: %s", err_str(err));
		return 0;
	}
	need_out = e->staging_bytes + (r->same_fs ? e->archive_bytes : 0);
	if (r->archive_dir && !r->same_fs)
		pr_info("estimated size: %s while recording, %s archive; free: %s in '%s', %s in "
			"'%s'",
			record_fmt_bytes(e->staging_bytes, b1, sizeof(b1)),
			record_fmt_bytes(e->archive_bytes, b2, sizeof(b2)),
			record_fmt_bytes(free_out, b3, sizeof(b3)), r->output_dir,
			record_fmt_bytes(free_arch, b4, sizeof(b4)), r->archive_dir);
	else
		pr_info("estimated size: %s while recording%s%s; %s free in '%s'",
			record_fmt_bytes(e->staging_bytes, b1, sizeof(b1)),
			e->archive_bytes ? ", then an archive of " : "",
			e->archive_bytes ? record_fmt_bytes(e->archive_bytes, b2, sizeof(b2)) : "",
			record_fmt_bytes(free_out, b3, sizeof(b3)), r->output_dir);
	if (free_out < need_out || (r->archive_dir && !r->same_fs && free_arch < e->archive_bytes)) {
		bool out_short = free_out < need_out;

		pr_err("not enough disk space in '%s': the recording needs about %s, %s is free; "
		       "shorten -t, disable a trace, or write elsewhere (-o, -f)",
		       out_short ? r->output_dir : r->archive_dir,
		       record_fmt_bytes(out_short ? need_out : e->archive_bytes, b1, sizeof(b1)),
		       record_fmt_bytes(out_short ? free_out : free_arch, b2, sizeof(b2)));
		return -ENOSPC;
	}
	if (free_out < 2 * need_out)
		pr_warn("disk space in '%s' is tight: about %s needed, %s free", r->output_dir,
			record_fmt_bytes(need_out, b1, sizeof(b1)),
			record_fmt_bytes(free_out, b2, sizeof(b2)));
	return 0;
}

/* ---- the perf children ---------------------------------------------------- */

static void forward_stderr(void *arg, const char *line)
{
	struct record_trace *t = arg;

	if (!*line || t->quiet)
		return;
	if (t->lines_shown < STDERR_LINES_SHOWN) {
		t->lines_shown++;
		pr_info("perf %s: %s", t->name, line);
	} else {
		t->lines_hidden++;
	}
}

static void trace_add(struct record_trace *t, const char *arg)
{
	t->argv = xrealloc(t->argv, (t->argc + 2) * sizeof(*t->argv));
	t->argv[t->argc++] = arg;
	t->argv[t->argc] = NULL;
}

static void trace_addv(struct record_trace *t, const char *const *args)
{
	for (; *args; args++)
		trace_add(t, *args);
}

static void build_traces(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	const struct record_opts *o = ctx->o;
	const char *perf = r->perf.binary;
	struct record_trace *t;

	snprintf(r->ldlat, sizeof(r->ldlat), "%llu", (unsigned long long)o->ldlat);
	if (!o->disable_mem) {
		t = &ctx->traces[ctx->nr_traces++];
		t->name = "mem";
		t->data = BUNDLE_MEM_DATA;
		if (o->mem_event) {
			t->label = "perf record (mem event)";
			trace_addv(t, (const char *const[]){perf, "record", "-e", o->mem_event, "-a",
							   "-d", "--phys-data", "--data-page-size",
							   "--all-cgroups", NULL});
		} else {
			t->label = "perf mem record";
			trace_addv(t, (const char *const[]){perf, "mem", "record", "--all-cgroups",
							   "-p", "--data-page-size", "--ldlat",
							   r->ldlat, NULL});
		}
		trace_addv(t, (const char *const[]){"-k", "CLOCK_MONOTONIC", "-m",
						   o->mem_event ? RECORD_MMAP_PAGES
								: RECORD_MMAP_PAGES "," RECORD_MMAP_PAGES,
						   "-o", BUNDLE_MEM_DATA, NULL});
	}
	if (!o->disable_sched) {
		t = &ctx->traces[ctx->nr_traces++];
		t->name = "sched";
		t->label = "perf record (sched)";
		t->data = BUNDLE_SCHED_DATA;
		trace_addv(t, (const char *const[]){perf, "record", "-a", "-k", "CLOCK_MONOTONIC",
						   "-m", RECORD_MMAP_PAGES, "-o", BUNDLE_SCHED_DATA,
						   NULL});
		for (size_t i = 0; i < ctx->nr_sched_events; i++) {
			trace_add(t, "-e");
			trace_add(t, ctx->sched_events[i]);
		}
	}
	for (size_t i = 0; i < ctx->nr_traces; i++) {
		ctx->traces[i].c = &r->children[i];
		snprintf(ctx->traces[i].status, sizeof(ctx->traces[i].status), "not started");
	}
}

static int start_traces(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	int err;

	for (size_t i = 0; i < ctx->nr_traces; i++) {
		struct record_trace *t = &ctx->traces[i];
		struct child_opts co = {
			.argv = t->argv,
			.in = CHILD_IO_NULL,
			.out = CHILD_IO_NULL,
			.err = CHILD_IO_PIPE,
			.pdeathsig = SIGKILL,
			.new_pgrp = true,
			.cwd = ctx->stage_dir,
			.err_line = forward_stderr,
			.err_ctx = t,
		};

		err = child_spawn(t->c, &co);
		if (err) {
			pr_err("starting %s (%s): %s", t->label, t->argv[0], err_str(err));
			return err;
		}
		t->started = true;
		snprintf(t->status, sizeof(t->status), "running");
		pr_debug("%s: pid %d", t->label, (int)t->c->pid);
	}
	return 0;
}

static bool trace_running(const struct record_trace *t)
{
	return t->started && !t->c->exited;
}

static void send_all(struct record_ctx *ctx, int sig)
{
	for (size_t i = 0; i < ctx->nr_traces; i++)
		if (trace_running(&ctx->traces[i]))
			child_kill(ctx->traces[i].c, sig);
}

/* Poll set: the signal eventfd, each running child's pidfd and stderr, the hint ring buffer. */
static nfds_t fill_pollfds(struct recorder *r, struct pollfd *pfd, bool with_hints)
{
	nfds_t n = 0;

	if (sigwatch_fd() >= 0)
		pfd[n++] = (struct pollfd){.fd = sigwatch_fd(), .events = POLLIN};
	for (size_t i = 0; i < r->ctx.nr_traces; i++) {
		struct child *c = r->ctx.traces[i].c;

		if (!trace_running(&r->ctx.traces[i]))
			continue;
		if (c->pidfd >= 0)
			pfd[n++] = (struct pollfd){.fd = c->pidfd, .events = POLLIN};
		if (c->err_fd >= 0)
			pfd[n++] = (struct pollfd){.fd = c->err_fd, .events = POLLIN};
	}
	if (with_hints && r->hints_started && hints_recorder_fd(&r->hints) >= 0)
		pfd[n++] = (struct pollfd){.fd = hints_recorder_fd(&r->hints), .events = POLLIN};
	return n;
}

/* Drain stderr and reap; returns the first trace that exited since the last call. */
static struct record_trace *reap(struct recorder *r)
{
	struct record_trace *first = NULL;

	for (size_t i = 0; i < r->ctx.nr_traces; i++) {
		struct record_trace *t = &r->ctx.traces[i];

		if (!trace_running(t))
			continue;
		child_drain(t->c);
		if (child_poll_exit(t->c)) {
			child_drain(t->c);
			child_status_str(t->c, t->status, sizeof(t->status));
			if (!first)
				first = t;
		}
	}
	return first;
}

/* Bytes written so far in the staging directory. */
static uint64_t staged_bytes(const struct recorder *r)
{
	static const char *const names[] = {BUNDLE_MEM_DATA, BUNDLE_SCHED_DATA, BUNDLE_HINTS,
					    BUNDLE_CGROUPS};
	uint64_t sum = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = xasprintf("%s/%s", r->ctx.stage_dir, names[i]);
		struct stat st;

		if (!stat(p, &st))
			sum += (uint64_t)st.st_size;
		free(p);
	}
	return sum;
}

/* True when the file system is about to run out: stop early, keep what we have. */
static bool disk_low(struct recorder *r, uint64_t now)
{
	uint64_t free_b, floor;
	char b1[32], b2[32];

	if (now < r->next_disk_check)
		return false;
	r->next_disk_check = now + DISK_CHECK_NS;
	if (fs_free_bytes(r->ctx.stage_dir, &free_b))
		return false;
	floor = DISK_FLOOR_BYTES;
	if (r->ctx.archive_path && r->same_fs)
		floor += (uint64_t)((double)staged_bytes(r) * 0.5);
	if (free_b >= floor)
		return false;
	pr_warn("only %s left in '%s' (%s kept for the archive): stopping the recording early, "
		"after %.1f s",
		record_fmt_bytes(free_b, b1, sizeof(b1)), r->output_dir,
		record_fmt_bytes(floor, b2, sizeof(b2)),
		(double)(now - r->ctx.start_ns) / 1e9);
	return true;
}

/*
 * Wait up to wait_ms for a signal, a perf exit, perf stderr or (with_hints)
 * hint events. True when the recording must stop (ctx->stop says why).
 */
static bool wait_events(struct recorder *r, int wait_ms, bool with_hints)
{
	struct record_ctx *ctx = &r->ctx;
	struct pollfd pfd[8];
	struct record_trace *t;

	if (poll(pfd, fill_pollfds(r, pfd, with_hints), wait_ms) < 0 && errno != EINTR) {
		err_log(err_errno(), "poll");
		ctx->stop = RECORD_STOP_ERROR;
		return true;
	}
	if (interrupted(r)) {
		ctx->stop = RECORD_STOP_SIGNAL;
		return true;
	}
	t = reap(r);
	if (t) {
		t->exited_early = true;
		ctx->stop = RECORD_STOP_CHILD;
		return true;
	}
	return false;
}

static bool data_files_exist(const struct recorder *r)
{
	for (size_t i = 0; i < r->ctx.nr_traces; i++) {
		char *p = xasprintf("%s/%s", r->ctx.stage_dir, r->ctx.traces[i].data);
		bool there = fs_exists(p);

		free(p);
		if (!there)
			return false;
	}
	return true;
}

/*
 * perf installs its signal handlers before it creates its output file: wait for
 * the files, so that -t counts recording time and a short run's SIGINT does not
 * kill a perf that is still starting (and has written nothing).
 */
static void wait_started(struct recorder *r)
{
	uint64_t give_up = now_mono_ns() + PERF_START_TIMEOUT_NS;

	while (!data_files_exist(r)) {
		if (now_mono_ns() >= give_up) {
			pr_warn("perf has not created its output after %llu s; recording anyway",
				PERF_START_TIMEOUT_NS / 1000000000ull);
			return;
		}
		if (wait_events(r, 10, false))
			return;
	}
}

static void record_loop(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	uint64_t deadline = ctx->start_ns + ctx->o->timeout_s * 1000000000ull;

	r->next_disk_check = ctx->start_ns + DISK_CHECK_NS;
	while (ctx->stop == RECORD_STOP_NONE) {
		uint64_t now = now_mono_ns();
		int wait_ms, ht;

		if (now >= deadline) {
			ctx->stop = RECORD_STOP_TIMEOUT;
			break;
		}
		wait_ms = (int)MIN((uint64_t)LOOP_TICK_MS, (deadline - now + 999999) / 1000000);
		ht = r->hints_started ? hints_recorder_timeout_ms(&r->hints) : -1;
		if (ht >= 0)
			wait_ms = MIN(wait_ms, ht);
		if (wait_events(r, wait_ms, true))
			return;
		if (r->hints_started && hints_recorder_service(&r->hints)) {
			ctx->stop = RECORD_STOP_ERROR;
			return;
		}
		if (disk_low(r, now_mono_ns())) {
			ctx->stop = RECORD_STOP_DISK;
			return;
		}
	}
}

/*
 * Stop order (upstream's): hints first, so hints.jsonl stays inside the perf
 * capture window, then SIGINT to every perf and wait; a perf still running
 * after the grace period is killed. A signal while stopping makes the run
 * interrupted; a second one kills perf at once.
 */
static void stop_all(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	uint64_t start = now_mono_ns();
	uint64_t grace_end = start + ctx->o->stop_grace_s * 1000000000ull;
	bool noticed = false, grace_over = false;
	struct pollfd pfd[8];

	if (r->hints_started && hints_recorder_stop(&r->hints) && ctx->stop != RECORD_STOP_SIGNAL)
		ctx->stop = RECORD_STOP_ERROR;
	send_all(ctx, SIGINT);
	for (;;) {
		bool running = false;
		uint64_t now;

		reap(r);
		for (size_t i = 0; i < ctx->nr_traces; i++)
			running |= trace_running(&ctx->traces[i]);
		if (!running)
			break;
		now = now_mono_ns();
		if (sigwatch_pending()) {
			int sig = sigwatch_pending();

			sigwatch_clear();
			if (!ctx->signal) {
				note_signal(ctx, sig);
			} else if (!ctx->forced) {
				ctx->forced = true;
				pr_warn("%s again: killing perf now", signal_name(sig));
				for (size_t i = 0; i < ctx->nr_traces; i++)
					if (trace_running(&ctx->traces[i]))
						ctx->traces[i].killed = true;
				send_all(ctx, SIGKILL);
			}
		}
		if (!grace_over && now >= grace_end) {
			grace_over = true;
			for (size_t i = 0; i < ctx->nr_traces; i++) {
				struct record_trace *t = &ctx->traces[i];

				if (!trace_running(t))
					continue;
				pr_warn("%s did not stop within %llu s of SIGINT: killing it (SIGKILL)",
					t->label, (unsigned long long)ctx->o->stop_grace_s);
				t->killed = true;
				child_kill(t->c, SIGKILL);
			}
		}
		if (!noticed && !ctx->forced && !grace_over && now >= start + STOP_NOTICE_NS) {
			noticed = true;
			pr_info("waiting for perf to finish writing; %s",
				ctx->signal ? "press Ctrl-C again to kill it now"
					    : "Ctrl-C discards the recording");
		}
		if (poll(pfd, fill_pollfds(r, pfd, false), LOOP_TICK_MS) < 0 && errno != EINTR)
			break;
	}
	for (size_t i = 0; i < ctx->nr_traces; i++) {
		struct record_trace *t = &ctx->traces[i];

		if (t->started && t->lines_hidden && !t->quiet)
			pr_info("perf %s: %llu more stderr lines not shown", t->name,
				(unsigned long long)t->lines_hidden);
	}
}

/* perf stopped by our SIGINT: killed by it, or exit 0/130 (perf re-raises or returns). */
static bool stopped_cleanly(const struct record_trace *t)
{
	return child_success(t->c) || child_killed_by(t->c, SIGINT);
}

/*
 * The line of perf's stderr that says what went wrong, for a one-line error:
 * the first that mentions an error or a failure, else the first one. Returned
 * in buf (a copy: perf's usage text may follow on the next lines).
 */
static const char *stderr_excerpt(struct record_trace *t, char *buf, size_t n)
{
	const char *s = child_stderr(t->c), *pick = s;

	for (const char *l = s; *l;) {
		size_t len = strcspn(l, "\n");

		if (memmem(l, len, "rror", 4) || memmem(l, len, "fail", 4) ||
		    memmem(l, len, "Fail", 4)) {
			pick = l;
			break;
		}
		l += len + (l[len] == '\n');
	}
	while (*pick == ' ' || *pick == '\t')
		pick++;
	snprintf(buf, n, "%.*s", (int)strcspn(pick, "\n"), pick);
	return buf;
}

static int check_outcome(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;

	if (ctx->stop == RECORD_STOP_ERROR)
		return -EIO;
	for (size_t i = 0; i < ctx->nr_traces; i++) {
		struct record_trace *t = &ctx->traces[i];
		char excerpt[256];
		const char *line = stderr_excerpt(t, excerpt, sizeof(excerpt));

		if (t->exited_early) {
			char when[96] = "failed to start";

			if (ctx->start_ns)
				snprintf(when, sizeof(when),
					 "exited %.1f s into the recording, before it was stopped",
					 (double)(ctx->end_ns - ctx->start_ns) / 1e9);
			pr_err("%s %s: %s%s%s%s", t->label, when, t->status,
			       *line ? " (perf: \"" : "", line, *line ? "\")" : "");
			return -ECHILD;
		}
		if (t->killed)
			pr_warn("%s was killed: %s may be incomplete", t->label, t->data);
		else if (!stopped_cleanly(t)) {
			pr_err("%s failed while stopping: %s%s%s%s", t->label, t->status,
			       *line ? " (perf: \"" : "", line, *line ? "\")" : "");
			return -EIO;
		}
		char *p = xasprintf("%s/%s", ctx->stage_dir, t->data);
		struct stat st;
		bool empty = stat(p, &st) || st.st_size == 0;

		free(p);
		if (empty) {
			pr_err("%s stopped without writing %s: %s", t->label, t->data, t->status);
			return -EIO;
		}
	}
	return 0;
}

/* ---- after recording -------------------------------------------------------- */

static int run_script(struct recorder *r, const char *data, const char *name, const char *fields,
		      struct record_script *res)
{
	const char *const argv[] = {r->perf.binary, "script", "--ns", "-F", fields, "-i", data, NULL};
	char *path = xasprintf("%s/%s", r->ctx.stage_dir, name);
	struct child c = {.pid = -1, .pidfd = -1, .in_fd = -1, .out_fd = -1, .err_fd = -1};
	char st[80];
	struct stat sb;
	int fd, err;

	res->name = name;
	res->result = "failed";
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = err_errno();
		pr_warn("failed to generate %s: %s", name, err_str(err));
		err = 0;
		goto out;
	}
	pr_info("Generating %s...", name);
	struct child_opts co = {
		.argv = argv,
		.in = CHILD_IO_NULL,
		.out = CHILD_IO_FD,
		.out_fd = fd,
		.err = CHILD_IO_PIPE,
		.new_pgrp = true,
		.cwd = r->ctx.stage_dir,
	};
	err = child_spawn(&c, &co);
	if (err) {
		pr_warn("failed to generate %s: cannot run %s: %s", name, argv[0], err_str(err));
		err = 0;
		unlink(path);
		goto out;
	}
	err = child_wait(&c, -1);
	if (err) /* -EINTR: the whole recording is interrupted */
		goto out;
	res->bytes = fstat(fd, &sb) ? 0 : (uint64_t)sb.st_size;
	child_status_str(&c, st, sizeof(st));
	if (child_success(&c)) {
		res->result = "ok";
		if (*child_stderr(&c))
			pr_warn("perf script reported diagnostics for %s:\n%s", name,
				child_stderr(&c));
	} else if (res->bytes > 0) {
		res->result = "partial";
		pr_warn("perf script %s after writing %llu bytes to %s. Continuing with the "
			"generated output because the output file is non-empty.%s%s",
			st, (unsigned long long)res->bytes, name, *child_stderr(&c) ? "\n" : "",
			child_stderr(&c));
	} else {
		unlink(path);
		pr_warn("failed to generate %s: perf script %s%s%s", name, st,
			*child_stderr(&c) ? ": " : "", child_stderr(&c));
	}
out:
	if (fd >= 0)
		close(fd);
	child_release(&c);
	free(path);
	return err;
}

static int run_scripts(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	int err = 0;

	if (!ctx->o->enable_script || !r->have_perf)
		return 0;
	for (size_t i = 0; i < ctx->nr_traces && !err; i++) {
		struct record_trace *t = &ctx->traces[i];
		bool mem = !strcmp(t->name, "mem");

		err = run_script(r, t->data, mem ? BUNDLE_MEM_SCRIPT : BUNDLE_SCHED_SCRIPT,
				 mem ? (r->perf.has_cgroup_field ? PERF_MEM_SCRIPT_FIELDS
								 : PERF_MEM_SCRIPT_FIELDS_NO_CGROUP)
				     : PERF_SCHED_SCRIPT_FIELDS,
				 &ctx->scripts[ctx->nr_scripts++]);
		if (!err && interrupted(r))
			err = -EINTR;
	}
	return err;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wx");
	int err = 0;

	if (!fp || fwrite(data, 1, len, fp) != len)
		err = err_errno();
	if (fp && fclose(fp) && !err)
		err = err_errno();
	if (err)
		pr_err("writing %s: %s", path, err_str(err));
	free(path);
	return err;
}

static FILE *open_in_stage(struct recorder *r, const char *name)
{
	char *path = xasprintf("%s/%s", r->ctx.stage_dir, name);
	FILE *fp = fopen(path, "wx");

	if (!fp)
		err_log(err_errno(), "creating %s", path);
	free(path);
	return fp;
}

static int close_file(FILE **fp, const char *name)
{
	int err = 0;

	if (!*fp)
		return 0;
	if (fflush(*fp) || ferror(*fp))
		err = err_errno();
	if (fclose(*fp) && !err)
		err = err_errno();
	*fp = NULL;
	if (err)
		pr_err("writing %s: %s", name, err_str(err));
	return err;
}

static int snapshot_cgroups(struct recorder *r, uint64_t *threads)
{
	int err = record_cgroups_snapshot(r->cgroups_fp, now_mono_ns(), threads);

	if (err)
		pr_err("writing %s: %s", BUNDLE_CGROUPS, err_str(err));
	return err;
}

static int finish(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	struct strbuf meta = STRBUF_INIT;
	char b[32];
	struct stat st;
	int err;

	err = snapshot_cgroups(r, &ctx->threads_end);
	if (!err)
		err = close_file(&r->cgroups_fp, BUNDLE_CGROUPS);
	if (!err)
		err = close_file(&r->hints_fp, BUNDLE_HINTS);
	if (!err)
		err = run_scripts(r);
	if (!err && interrupted(r))
		err = -EINTR;
	if (err)
		goto out;
	record_meta_format(ctx, &meta);
	err = write_file(ctx->stage_dir, BUNDLE_META, meta.buf, meta.len);
	if (err)
		goto out;
	if (ctx->o->disable_archive) {
		err = staging_dir_commit(&r->stage);
		if (err) {
			pr_err("renaming %s to %s: %s", ctx->stage_dir, ctx->o->output, err_str(err));
			goto out;
		}
		r->staged = false;
		pr_info("wrote %s/", ctx->o->output);
		printf("%s\n", ctx->o->output);
		goto out;
	}
	err = record_archive_write(ctx->stage_dir, ctx->root, ctx->archive_path);
	if (err)
		goto out;
	staging_dir_abort(&r->stage); /* the archive is complete and verified */
	r->staged = false;
	pr_info("wrote %s (%s)", ctx->archive_path,
		record_fmt_bytes(stat(ctx->archive_path, &st) ? 0 : (uint64_t)st.st_size, b,
				 sizeof(b)));
	printf("%s\n", ctx->archive_path);
out:
	strbuf_release(&meta);
	return err;
}

/* ---- the whole run ------------------------------------------------------------ */

static void describe(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ctx->nr_traces; i++) {
		struct record_trace *t = &ctx->traces[i];

		if (!strcmp(t->name, "mem"))
			strbuf_addf(&sb, "%smem (%s)", sb.len ? ", " : "",
				    ctx->o->mem_event ? ctx->o->mem_event : "perf mem");
		else
			strbuf_addf(&sb, "%ssched (%zu events)", sb.len ? ", " : "",
				    ctx->nr_sched_events);
	}
	if (ctx->hints)
		strbuf_addf(&sb, "%shints (%s)", sb.len ? ", " : "",
			    hints_mode_names[ctx->hints->mode]);
	pr_info("recording %s for %llu s into %s; Ctrl-C stops and discards it", sb.buf,
		(unsigned long long)ctx->o->timeout_s,
		ctx->archive_path ? ctx->archive_path : ctx->o->output);
	strbuf_release(&sb);
}

static int prepare(struct recorder *r)
{
	const struct record_opts *o = r->ctx.o;
	int err;

	err = check_paths(r);
	if (!err)
		err = check_perf(r);
	if (!err && interrupted(r))
		err = -EINTR;
	if (!err)
		err = check_sched_events(r);
	if (!err && (o->hints_map || o->hints_map_id)) {
		err = hints_map_open(&r->map, o->hints_map, (uint32_t)o->hints_map_id);
		if (!err)
			r->ctx.map = &r->map;
	}
	if (!err)
		err = check_space(r);
	if (!err && interrupted(r))
		err = -EINTR;
	return err;
}

static int record_start(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;
	const struct record_opts *o = ctx->o;
	struct hints_opts ho = {
		.mode = o->hints_mode < 0 ? HINTS_AUTO : (enum hints_mode)o->hints_mode,
		.ring_mb = (unsigned)o->ring_mb,
		.poll_ms = (unsigned)o->poll_ms,
	};
	int err;

	err = staging_dir_create(&r->stage, o->output);
	if (err) {
		pr_err("creating a staging directory for '%s': %s", o->output, err_str(err));
		return err;
	}
	r->staged = true;
	ctx->stage_dir = r->stage.tmp_path;
	pr_debug("staging directory: %s", ctx->stage_dir);
	if (r->have_perf) {
		struct strbuf v = STRBUF_INIT;

		strbuf_addf(&v, "%s\n", r->perf.version_line);
		err = write_file(ctx->stage_dir, BUNDLE_PERF_VERSION, v.buf, v.len);
		strbuf_release(&v);
		if (err)
			return err;
	}
	r->cgroups_fp = open_in_stage(r, BUNDLE_CGROUPS);
	if (!r->cgroups_fp)
		return -EIO;
	err = snapshot_cgroups(r, &ctx->threads_start);
	if (err)
		return err;
	if (ctx->map) {
		r->hints_fp = open_in_stage(r, BUNDLE_HINTS);
		if (!r->hints_fp)
			return -EIO;
		err = hints_recorder_start(&r->hints, ctx->map, &ho, r->hints_fp);
		if (err)
			return err;
		r->hints_started = true;
		ctx->hints = &r->hints;
	}
	if (interrupted(r))
		return -EINTR;
	build_traces(r);
	err = start_traces(r);
	if (err)
		return err;
	wait_started(r);
	if (ctx->stop != RECORD_STOP_NONE)
		return 0; /* a perf failed to start, or a signal: stop_all() and the outcome say */
	ctx->start_ns = now_mono_ns();
	clock_gettime(CLOCK_REALTIME, &ctx->start_real);
	describe(r);
	return 0;
}

static void recorder_release(struct recorder *r)
{
	struct record_ctx *ctx = &r->ctx;

	/* Children first: nothing may outlive us (child_release SIGKILLs and reaps). */
	for (size_t i = 0; i < ctx->nr_traces; i++) {
		if (ctx->traces[i].started)
			child_release(ctx->traces[i].c);
		free(ctx->traces[i].argv);
	}
	if (r->hints_started)
		hints_recorder_destroy(&r->hints);
	if (r->hints_fp)
		fclose(r->hints_fp);
	if (r->cgroups_fp)
		fclose(r->cgroups_fp);
	if (r->staged)
		staging_dir_abort(&r->stage);
	hints_map_close(&r->map);
	strbuf_release(&ctx->missing_events);
	free(ctx->archive_path);
	free(ctx->root);
	free(r->output_dir);
	free(r->archive_dir);
}

int record_run(const struct record_opts *o)
{
	struct recorder *r = xcalloc(1, sizeof(*r));
	void (*old_pipe)(int) = SIG_ERR;
	int err;

	r->ctx.o = o;
	r->ctx.perf = &r->perf;
	r->map.fd = -1;
	strbuf_init(&r->ctx.missing_events, 0);
	err = sigwatch_install();
	if (err) {
		err_log(err, "installing signal handlers");
		goto out;
	}
	/*
	 * A closed pipe on stderr (`record ... 2>&1 | head`) must not kill us
	 * halfway and leave the staging directory behind: writes fail instead.
	 */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	err = prepare(r);
	if (!err)
		err = record_start(r);
	if (!err) {
		record_loop(r);
		stop_all(r);
		r->ctx.end_ns = now_mono_ns();
		clock_gettime(CLOCK_REALTIME, &r->ctx.end_real);
		err = interrupted(r) ? -EINTR : check_outcome(r);
	}
	if (!err)
		err = finish(r);
	if (err && (interrupted(r) || err == -EINTR)) {
		err = -EINTR;
		/* Before cleanup says anything else: one line. */
		pr_err("interrupted by %s: recording discarded, nothing was written",
		       signal_name(r->ctx.signal ? r->ctx.signal : SIGINT));
	}
out:
	recorder_release(r);
	sigwatch_uninstall();
	if (old_pipe != SIG_ERR)
		signal(SIGPIPE, old_pipe);
	free(r);
	return err;
}
