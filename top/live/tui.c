// SPDX-License-Identifier: GPL-2.0
/*
 * The ncurses front end: the only file that includes curses. It owns the
 * terminal and the event loop (poll on the keyboard, the tick timer, the signal
 * fd and, in the events view, the collector's ring buffers), samples on each
 * tick, hands snapshots and keys to the app (app.c) and copies the rendered
 * cell buffer (views.c) to the screen. Diagnostics never reach the screen
 * directly: they go to --log-file, or to the status line.
 */
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <ncurses.h>

#include "common/child.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/live/app.h"
#include "top/live/config.h"
#include "top/live/live.h"
#include "top/live/sampler.h"
#include "top/live/theme.h"

enum color_mode { CM_AUTO, CM_256, CM_16, CM_MONO };

struct tui {
	struct app app;
	struct sampler *smp;
	struct stats_raw raw[2];
	int cur;
	struct stats_snapshot scratch;
	struct tui_buf buf;
	int timer_fd;
	enum color_mode colors;	/* resolved */
	int applied_theme;
	bool streaming;
	FILE *log_fp;
	struct strbuf pending_msgs;	/* config messages shown once the UI runs */
	struct strbuf startup_log;	/* diagnostics while loading BPF (no --log-file) */
	char exe[4096];			/* this binary, to run `scxtop trace` */
	struct child trace;		/* a trace being recorded (app.tracing) */
	uint64_t trace_t0, trace_len;	/* CLOCK_MONOTONIC start, warmup + duration */
	unsigned trace_n;		/* next <prefix>_<n>.proto */
};

/* Before the screen is ours: keep diagnostics (libbpf at -v) for later. */
static void log_to_startup(void *ctx, enum log_level level, const char *line)
{
	struct tui *t = ctx;

	strbuf_addf(&t->startup_log, "%s\n", line);
}

static void log_to_app(void *ctx, enum log_level level, const char *line)
{
	struct tui *t = ctx;

	app_message(&t->app, level <= LOG_WARN ? R_WARN : R_TEXT, "%s", line);
}

/* ---- colours ---- */

static void apply_theme(struct tui *t)
{
	const struct tui_theme *th = &tui_themes[t->app.theme];

	t->applied_theme = t->app.theme;
	if (t->colors == CM_MONO)
		return;
	for (int r = 0; r < R_MAX; r++) {
		struct theme_color c = t->colors == CM_256 ? th->c256[r] : th->c16[r];

		if (t->colors == CM_16 && COLORS < 16) {
			/* 8-colour terminal: bright colours become their base colour */
			if (c.fg >= 8)
				c.fg -= 8;
			if (c.bg >= 8)
				c.bg -= 8;
		}
		init_pair((short)(r + 1), c.fg, c.bg);
	}
}

static attr_t role_attrs(const struct tui *t, int role, int attr, short *pair)
{
	attr_t a = 0;

	if (attr & TA_BOLD)
		a |= A_BOLD;
	if (attr & TA_REVERSE)
		a |= A_REVERSE;
	if (attr & TA_UNDERLINE)
		a |= A_UNDERLINE;
	*pair = 0;
	if (t->colors != CM_MONO) {
		const struct theme_color *c = t->colors == CM_256
						      ? &tui_themes[t->app.theme].c256[role]
						      : &tui_themes[t->app.theme].c16[role];

		*pair = (short)(role + 1);
		if (t->colors == CM_16 && COLORS < 16 && c->fg >= 8)
			a |= A_BOLD;
		return a;
	}
	/* monochrome: attributes carry the meaning */
	switch (role) {
	case R_TITLE:
	case R_STATUS:
	case R_SELECTED:
		a |= A_REVERSE;
		break;
	case R_HEADER:
	case R_WARN:
	case R_BAD:
	case R_G3:
	case R_G4:
		a |= A_BOLD;
		break;
	case R_DIM:
		a |= A_DIM;
		break;
	case R_ACCENT:
		a |= A_UNDERLINE;
		break;
	default:
		break;
	}
	return a;
}

static void blit(struct tui *t)
{
	const struct tui_buf *b = &t->buf;

	if (t->applied_theme != t->app.theme)
		apply_theme(t);
	for (int y = 0; y < b->h; y++)
		for (int x = 0; x < b->w; x++) {
			const struct tui_cell *c = &b->cells[y * b->w + x];
			wchar_t wc[2] = {(wchar_t)c->ch, 0};
			cchar_t cc;
			short pair;
			attr_t a = role_attrs(t, c->role, c->attr, &pair);

			setcchar(&cc, wc, a, pair, NULL);
			mvadd_wch(y, x, &cc);
		}
	wnoutrefresh(stdscr);
	doupdate();
}

static void redraw(struct tui *t)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	if (w != t->buf.w || h != t->buf.h)
		tbuf_resize(&t->buf, w, h);
	app_render(&t->app, &t->buf);
	blit(t);
}

/* ---- input ---- */

static uint32_t translate_key(int rc, wint_t ch)
{
	if (rc == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP: return TK_UP;
		case KEY_DOWN: return TK_DOWN;
		case KEY_LEFT: return TK_LEFT;
		case KEY_RIGHT: return TK_RIGHT;
		case KEY_PPAGE: return TK_PAGEUP;
		case KEY_NPAGE: return TK_PAGEDOWN;
		case KEY_HOME: return TK_HOME;
		case KEY_END: return TK_END;
		case KEY_ENTER: return TK_ENTER;
		case KEY_BACKSPACE: return TK_BACKSPACE;
		case KEY_BTAB: return TK_BACKTAB;
		case KEY_DC: return TK_DELETE;
		case KEY_IC: return TK_INSERT;
		default:
			if (ch >= KEY_F(1) && ch <= KEY_F(24))
				return TK_F0 + (uint32_t)(ch - KEY_F0);
			return 0;
		}
	}
	switch (ch) {
	case '\n':
	case '\r':
		return TK_ENTER;
	case 27:
		return TK_ESC;
	case 127:
	case 8:
		return TK_BACKSPACE;
	case '\t':
		return TK_TAB;
	default:
		return ch >= 0x20 ? (uint32_t)ch : 0;
	}
}

static void arm_timer(struct tui *t)
{
	struct itimerspec its = {0};
	uint64_t ns = t->app.tick_ms * 1000000ull;

	its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(ns % 1000000000ull);
	its.it_interval = its.it_value;
	timerfd_settime(t->timer_fd, 0, &its, NULL);
}

static int on_event(void *ctx, const struct scxtop_event *ev, size_t size)
{
	struct tui *t = ctx;

	event_log_add(&t->app.events, ev, size);
	return 0;
}

static void set_stream(struct tui *t)
{
	bool want = app_wants_stream(&t->app);

	if (want == t->streaming)
		return;
	collector_set_stream(sampler_collector(t->smp), want, 0);
	t->streaming = want;
	/* programs attached on demand changed state */
	t->app.progs = sampler_programs(t->smp, &t->app.nr_progs);
	if (!want) {
		collector_drain(sampler_collector(t->smp));
		event_log_flush(&t->app.events);
	}
}

static void save_config(struct tui *t)
{
	struct tui_config c;
	int err;

	config_defaults(&c);
	app_config_snapshot(&t->app, &c);
	if (!t->app.config_path[0]) {
		app_message(&t->app, R_BAD, "cannot save: neither XDG_CONFIG_HOME nor HOME is set");
	} else if ((err = config_save(&c, t->app.config_path))) {
		app_message(&t->app, R_BAD, "cannot save %s: %s", t->app.config_path, err_str(err));
	} else {
		app_message(&t->app, R_GOOD, "settings saved to %s", t->app.config_path);
	}
	config_release(&c);
}

/* ---- recording a trace: `scxtop trace` as a child, its output atomic ---- */

static void trace_start(struct tui *t)
{
	const struct tui_config *c = &t->app.cfg;
	char dur[32], warm[32];
	const char *argv[10];
	struct child_opts co = {
		.argv = argv,
		.in = CHILD_IO_NULL,
		.out = CHILD_IO_NULL,
		.err = CHILD_IO_PIPE,
		.new_pgrp = true,	/* Ctrl-C is ours; we stop it */
		.pdeathsig = SIGTERM,	/* if we die, it still finishes its file */
		.err_cap = 4096,
	};
	int err;

	do
		snprintf(t->app.trace_path, sizeof(t->app.trace_path), "%s_%u.proto",
			 c->trace_file_prefix, t->trace_n++);
	while (fs_exists(t->app.trace_path) && t->trace_n < 100000);
	snprintf(dur, sizeof(dur), "%llu", (unsigned long long)c->trace_duration_ms);
	snprintf(warm, sizeof(warm), "%.3f", (double)c->trace_warmup_ms / 1e3);
	argv[0] = t->exe;
	argv[1] = "trace";
	argv[2] = "-d";
	argv[3] = dur;
	argv[4] = "-s";
	argv[5] = warm;
	argv[6] = "-o";
	argv[7] = t->app.trace_path;
	argv[8] = NULL;
	err = child_spawn(&t->trace, &co);
	if (err) {
		app_message(&t->app, R_BAD, "cannot run scxtop trace: %s", err_str(err));
		return;
	}
	t->app.tracing = true;
	t->app.trace_pct = 0;
	t->trace_t0 = now_mono_ns();
	t->trace_len = (c->trace_duration_ms + c->trace_warmup_ms) * 1000000ull;
	app_message(&t->app, R_ACCENT, "recording a Perfetto trace to %s", t->app.trace_path);
}

/* What the child said: its "wrote ..." summary line, else its last line. */
static void child_says(struct child *c, char *buf, size_t n)
{
	const char *e = child_stderr(c), *w = strstr(e, "wrote "), *nl;

	if (w && (w == e || w[-1] == '\n')) {
		nl = strchr(w, '\n');
		snprintf(buf, n, "%.*s", nl ? (int)(nl - w) : (int)strlen(w), w);
		return;
	}
	nl = strrchr(e, '\n');
	snprintf(buf, n, "%s", nl ? nl + 1 : e);
}

/* On each tick: progress, or the outcome once the child is done. */
static void trace_check(struct tui *t)
{
	char st[64], said[256];

	if (!t->app.tracing)
		return;
	child_drain(&t->trace);
	if (!child_poll_exit(&t->trace)) {
		uint64_t el = now_mono_ns() - t->trace_t0;

		t->app.trace_pct = (int)MIN(99u, el * 100 / MAX(t->trace_len, 1u));
		return;
	}
	child_drain(&t->trace);
	child_says(&t->trace, said, sizeof(said));
	if (child_success(&t->trace))
		app_message(&t->app, R_GOOD, "%s (open it in ui.perfetto.dev)",
			    said[0] ? said : t->app.trace_path);
	else
		app_message(&t->app, R_BAD, "trace failed (%s): %s",
			    child_status_str(&t->trace, st, sizeof(st)), said);
	child_release(&t->trace);
	t->app.tracing = false;
}

/*
 * Quitting while recording: stop it early (it still writes a whole trace,
 * unless it was still warming up). What it says goes into buf for after endwin.
 */
static void trace_stop(struct tui *t, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!t->app.tracing)
		return;
	child_kill(&t->trace, SIGINT);
	if (child_wait(&t->trace, 5000) == -ETIMEDOUT)
		child_kill(&t->trace, SIGKILL);
	child_drain(&t->trace);
	child_says(&t->trace, buf, n);
	if (!strstr(buf, "wrote "))
		snprintf(buf, n, "the trace recording was stopped before it started: %.400s not written",
			 t->app.trace_path);
	child_release(&t->trace);
	t->app.tracing = false;
}

static void tick(struct tui *t)
{
	int next = !t->cur, err;

	err = sampler_read(t->smp, &t->raw[next], app_wants_tasks(&t->app), t->app.show_freq);
	if (err)
		app_message(&t->app, R_WARN, "reading statistics: %s", err_str(err));
	stats_snapshot_build(&t->scratch, sampler_topology(t->smp), &t->raw[t->cur], &t->raw[next]);
	t->cur = next;
	if (t->streaming) {
		collector_drain(sampler_collector(t->smp));
		event_log_flush_older(&t->app.events, t->raw[next].ts_ns);
	}
	trace_check(t);
	app_update(&t->app, &t->scratch);
}

/* Returns false to quit. */
static bool handle(struct tui *t, unsigned r)
{
	if (r & APP_SAVE) {
		save_config(t);
		r |= APP_REDRAW;
	}
	if (r & APP_TICK)
		arm_timer(t);
	if (r & APP_STREAM)
		set_stream(t);
	if (r & APP_TRACE) {
		trace_start(t);
		r |= APP_REDRAW;
	}
	if (r & APP_REDRAW)
		redraw(t);
	return !(r & APP_QUIT);
}

static int loop(struct tui *t, uint64_t iterations)
{
	bool run = true;

	redraw(t);
	while (run) {
		struct pollfd p[4] = {
			{.fd = STDIN_FILENO, .events = POLLIN},
			{.fd = sigwatch_fd(), .events = POLLIN},
			{.fd = t->timer_fd, .events = POLLIN},
			{.fd = t->streaming ? collector_fd(sampler_collector(t->smp)) : -1,
			 .events = POLLIN},
		};
		int n = poll(p, 4, t->streaming ? 100 : -1);
		wint_t ch;
		int rc;

		if (n < 0 && errno != EINTR)
			return err_errno();
		if (sigwatch_pending())
			break;
		if (p[2].revents & POLLIN) {
			uint64_t exp;

			if (read(t->timer_fd, &exp, sizeof(exp)) == sizeof(exp)) {
				tick(t);
				redraw(t);
				if (iterations && t->app.ticks >= iterations)
					break;
			}
		}
		if (p[3].revents & POLLIN)
			collector_drain(sampler_collector(t->smp));
		/* keys, and KEY_RESIZE after SIGWINCH (which also interrupts poll) */
		while (run && (rc = wget_wch(stdscr, &ch)) != ERR) {
			uint32_t key;

			if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
				redraw(t);
				continue;
			}
			key = translate_key(rc, ch);
			if (key)
				run = handle(t, app_key(&t->app, key));
		}
	}
	return 0;
}

static const char *color_desc(enum color_mode m)
{
	switch (m) {
	case CM_256:
		return "256 colours";
	case CM_16:
		return COLORS >= 16 ? "16 colours" : "8 colours";
	default:
		return "monochrome";
	}
}

int live_tui(const struct live_opts *o)
{
	struct tui *t = xcalloc(1, sizeof(*t));
	struct tui_config cfg;
	struct sampler_opts so = {.on_event = on_event, .ctx = t};
	char why[512];
	int err, ret = EXIT_FAIL;

	config_defaults(&cfg);
	strbuf_init(&t->pending_msgs, 0);
	strbuf_init(&t->startup_log, 0);
	t->timer_fd = -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		pr_err("the TUI needs a terminal on stdin and stdout (for scripts: --headless)");
		goto out;
	}
	/* settings: defaults < config file < command line */
	if (!config_path(t->app.config_path, sizeof(t->app.config_path))) {
		err = config_load(&cfg, t->app.config_path, &t->pending_msgs);
		if (err)
			strbuf_addf(&t->pending_msgs, "%s: %s\n", t->app.config_path, err_str(err));
	}
	if (o->theme) {
		if (config_check_theme(o->theme)) {
			pr_err("unknown theme '%s' (themes: Default, MidnightGreen, IAmBlue, "
			       "SolarizedDark, Greyscale, Nord, Dracula, Gruvbox)", o->theme);
			ret = EXIT_USAGE;
			goto out;
		}
		snprintf(cfg.theme, sizeof(cfg.theme), "%s", o->theme);
	}
	if (o->view) {
		if (config_check_view(o->view)) {
			pr_err("unknown view '%s' (cpu, llc, node, process, scheduler, events, help)",
			       o->view);
			ret = EXIT_USAGE;
			goto out;
		}
		snprintf(cfg.view, sizeof(cfg.view), "%s", o->view);
	}
	if (o->tick_rate_ms)
		cfg.tick_rate_ms = o->tick_rate_ms;
	if (o->trace_prefix)
		snprintf(cfg.trace_file_prefix, sizeof(cfg.trace_file_prefix), "%s", o->trace_prefix);
	if (o->trace_duration_ms)
		cfg.trace_duration_ms = o->trace_duration_ms;
	if (o->trace_warmup_ms >= 0)
		cfg.trace_warmup_ms = (uint64_t)o->trace_warmup_ms;
	if (o->log_file) {
		t->log_fp = fopen(o->log_file, "a");
		if (!t->log_fp) {
			err = err_errno();
			pr_err("cannot open the log file %s: %s", o->log_file, err_str(err));
			goto out;
		}
	}

	/*
	 * BPF first, so a failure is one line on a normal terminal; what libbpf
	 * says meanwhile (-v) goes to the log file, or is held back.
	 */
	if (t->log_fp)
		log_set_file(t->log_fp);
	else
		log_set_sink(log_to_startup, t);
	err = sampler_open(&t->smp, &so, why, sizeof(why));
	if (err) {
		if (t->log_fp)
			fprintf(t->log_fp, "%s: %s\n", log_prog(), why);
		log_set_file(NULL);
		fputs(t->startup_log.buf, stderr);	/* empty unless -v */
		pr_err("%s", why);
		goto out;
	}
	err = sigwatch_install();
	if (err) {
		err_log(err, "cannot install signal handlers");
		goto out;
	}
	t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (t->timer_fd < 0) {
		err_log(err_errno(), "timerfd_create");
		goto out;
	}
	app_init(&t->app, sampler_topology(t->smp), &cfg);
	{
		ssize_t n = readlink("/proc/self/exe", t->exe, sizeof(t->exe) - 1);

		t->app.trace_available = n > 0 && (size_t)n < sizeof(t->exe) - 1;
		if (t->app.trace_available)
			t->exe[n] = '\0';
	}
	config_path(t->app.config_path, sizeof(t->app.config_path));
	t->app.progs = sampler_programs(t->smp, &t->app.nr_progs);
	stats_raw_init(&t->raw[0], 0);
	stats_raw_init(&t->raw[1], 0);
	stats_snapshot_init(&t->scratch);
	sampler_read(t->smp, &t->raw[0], true, t->app.show_freq);

	/* from here on, diagnostics must not touch the screen */
	if (t->log_fp)
		log_set_file(t->log_fp);
	else
		log_set_sink(log_to_app, t);
	setlocale(LC_ALL, "");
	if (!initscr()) {
		log_set_file(NULL);
		pr_err("cannot initialise the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		goto out;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->colors = o->color_mode == CM_AUTO ? CM_AUTO : (enum color_mode)o->color_mode;
	if (t->colors != CM_MONO && has_colors()) {
		start_color();
		use_default_colors();
		if (t->colors == CM_AUTO)
			t->colors = COLORS >= 256 ? CM_256 : COLORS >= 8 ? CM_16 : CM_MONO;
		if (t->colors == CM_256 && COLORS < 256)
			t->colors = CM_16;
	} else {
		t->colors = CM_MONO;
	}
	t->app.color_desc = color_desc(t->colors);
	apply_theme(t);
	tbuf_init(&t->buf, COLS, LINES, strcmp(nl_langinfo(CODESET), "UTF-8") != 0);
	if (t->pending_msgs.len) {
		/* first config problem on the status line; all of them in the log */
		char *nl = strchr(t->pending_msgs.buf, '\n');

		for (char *line = t->pending_msgs.buf; *line;) {
			char *e = strchr(line, '\n');

			if (e)
				*e = '\0';
			if (t->log_fp)
				fprintf(t->log_fp, "scxtop: config: %s\n", line);
			line = e ? e + 1 : line + strlen(line);
		}
		app_message(&t->app, R_WARN, "config: %s%s", t->pending_msgs.buf,
			    nl && nl[1] ? " (and more: see the help view)" : "");
	}
	if (t->startup_log.len) {
		/* -v without --log-file: the last thing libbpf said, on the status line */
		char *last;

		strbuf_rtrim(&t->startup_log);
		last = strrchr(t->startup_log.buf, '\n');
		app_message(&t->app, R_DIM, "%s", last ? last + 1 : t->startup_log.buf);
	}
	if (app_wants_stream(&t->app))
		set_stream(t);
	arm_timer(t);
	err = loop(t, o->iterations);
	trace_stop(t, why, sizeof(why));
	endwin();
	log_set_file(NULL);
	if (why[0])
		pr_info("%s", why);	/* on the terminal, now that it is ours again */
	ret = err ? EXIT_FAIL : EXIT_OK;	/* q, --iterations or a signal: a normal end */
	if (err)
		err_log(err, "event loop");
out:
	if (t->smp) {
		app_release(&t->app);
		stats_raw_release(&t->raw[0]);
		stats_raw_release(&t->raw[1]);
		stats_snapshot_release(&t->scratch);
	}
	log_set_file(NULL);
	tbuf_release(&t->buf);
	if (t->timer_fd >= 0)
		close(t->timer_fd);
	sampler_close(t->smp);
	sigwatch_uninstall();
	if (t->log_fp)
		fclose(t->log_fp);
	strbuf_release(&t->pending_msgs);
	strbuf_release(&t->startup_log);
	config_release(&cfg);
	free(t);
	return ret;
}
