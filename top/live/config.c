// SPDX-License-Identifier: GPL-2.0
#include "top/live/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/live/app.h"
#include "top/live/theme.h"
#include "top/live/toml.h"

void config_defaults(struct tui_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->theme, sizeof(c->theme), "Default");
	c->tick_rate_ms = 250;
	snprintf(c->chart, sizeof(c->chart), "bar");
	snprintf(c->metric, sizeof(c->metric), "util");
	snprintf(c->view, sizeof(c->view), "cpu");
	c->trace_duration_ms = 1250;
	c->trace_warmup_ms = 750;
	snprintf(c->trace_file_prefix, sizeof(c->trace_file_prefix), "scxtop_trace");
	keymap_init_default(&c->keymap);
}

void config_release(struct tui_config *c)
{
	keymap_release(&c->keymap);
}

int config_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	/* the XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/')
		snprintf(buf, n, "%s/scxtop/scxtop.toml", xdg);
	else if (home && home[0])
		snprintf(buf, n, "%s/.config/scxtop/scxtop.toml", home);
	else
		return -ENOENT;
	return 0;
}

int config_check_chart(const char *s)
{
	return tui_chart_find(s) >= 0 ? 0 : -EINVAL;
}

int config_check_view(const char *s)
{
	return tui_view_find(s) >= 0 ? 0 : -EINVAL;
}

int config_check_metric(const char *s)
{
	return tui_metric_find(s) >= 0 ? 0 : -EINVAL;
}

int config_check_theme(const char *s)
{
	return theme_find(s) >= 0 ? 0 : -EINVAL;
}

/* Keys of upstream scxtop's config that this build accepts and ignores. */
static const char *const upstream_keys[] = {
	"frame_rate_ms", "debug", "exclude_bpf", "stats_socket_path", "trace_ticks",
	"worker_threads", "trace_tick_warmup", "default_profiling_event", "perf_events", "layered",
	"mangoapp_tracing", "mangoapp_poll_intvl_ms", "mangoapp_path", "process_id",
};

struct parse_ctx {
	struct tui_config *c;
	const char *name;
	struct strbuf *msgs;
	unsigned n;
};

static void msg(struct parse_ctx *pc, unsigned line, const char *fmt, ...) __printf(3, 4);

static void msg(struct parse_ctx *pc, unsigned line, const char *fmt, ...)
{
	va_list ap;

	pc->n++;
	if (!pc->msgs)
		return;
	strbuf_addf(pc->msgs, "%s:%u: ", pc->name, line);
	va_start(ap, fmt);
	strbuf_vaddf(pc->msgs, fmt, ap);
	va_end(ap);
	strbuf_addch(pc->msgs, '\n');
}

static void on_error(void *ctx, unsigned line, const char *m)
{
	msg(ctx, line, "%s", m);
}

static void on_table(void *ctx, const char *table, unsigned line)
{
	if (strcmp(table, "keymap"))
		msg(ctx, line, "unknown table [%s] (ignored)", table);
}

static const char *set_str(char *dst, size_t n, const struct toml_value *v,
			   int (*check)(const char *), const char *what)
{
	if (v->type != TOML_STRING)
		return what;
	if (check && check(v->str))
		return what;
	snprintf(dst, n, "%s", v->str);
	return NULL;
}

static const char *on_value(void *ctx, const char *table, const char *key,
			    const struct toml_value *v, unsigned line)
{
	struct parse_ctx *pc = ctx;
	struct tui_config *c = pc->c;

	if (!strcmp(table, "keymap")) {
		enum tui_action act;
		uint32_t k;
		int err;

		if (keymap_key_parse(key, &k)) {
			msg(pc, line, "keymap: unknown key name '%s' (ignored)", key);
			return NULL;
		}
		if (v->type != TOML_STRING) {
			msg(pc, line, "keymap: the action for '%s' must be a string", key);
			return NULL;
		}
		err = action_parse(v->str, &act);
		if (err == -ENOTSUP)
			msg(pc, line, "keymap: '%s' is an upstream scxtop action this build does "
				      "not have (ignored)", v->str);
		else if (err)
			msg(pc, line, "keymap: unknown action '%s' (ignored)", v->str);
		else
			keymap_bind(&c->keymap, k, act);
		return NULL;
	}
	if (table[0])
		return NULL;	/* unknown table, already reported */
	if (!strcmp(key, "theme")) {
		if (set_str(c->theme, sizeof(c->theme), v, config_check_theme, "x"))
			msg(pc, line, "theme: unknown theme (see the help view for the list)");
	} else if (!strcmp(key, "tick_rate_ms")) {
		if (v->type != TOML_INT || v->i < CONFIG_TICK_MIN_MS || v->i > CONFIG_TICK_MAX_MS)
			msg(pc, line, "tick_rate_ms must be an integer from %d to %d",
			    CONFIG_TICK_MIN_MS, CONFIG_TICK_MAX_MS);
		else
			c->tick_rate_ms = (uint64_t)v->i;
	} else if (!strcmp(key, "chart")) {
		if (set_str(c->chart, sizeof(c->chart), v, config_check_chart, "x"))
			msg(pc, line, "chart must be \"bar\", \"sparkline\" or \"gauge\"");
	} else if (!strcmp(key, "metric")) {
		if (set_str(c->metric, sizeof(c->metric), v, config_check_metric, "x"))
			msg(pc, line, "metric: unknown metric (see the help view for the list)");
	} else if (!strcmp(key, "view")) {
		if (set_str(c->view, sizeof(c->view), v, config_check_view, "x"))
			msg(pc, line, "view must be cpu, llc, node, process, scheduler, events or help");
	} else if (!strcmp(key, "trace_duration_ms") || !strcmp(key, "trace_warmup_ms")) {
		bool dur = key[6] == 'd';
		int64_t lo = dur ? CONFIG_TICK_MIN_MS : 0, hi = dur ? CONFIG_TRACE_MAX_MS : 60000;

		if (v->type != TOML_INT || v->i < lo || v->i > hi)
			msg(pc, line, "%s must be an integer from %lld to %lld", key, (long long)lo,
			    (long long)hi);
		else if (dur)
			c->trace_duration_ms = (uint64_t)v->i;
		else
			c->trace_warmup_ms = (uint64_t)v->i;
	} else if (!strcmp(key, "trace_file_prefix")) {
		if (v->type != TOML_STRING || !v->str[0] ||
		    strlen(v->str) >= sizeof(c->trace_file_prefix))
			msg(pc, line, "trace_file_prefix must be a non-empty string");
		else
			snprintf(c->trace_file_prefix, sizeof(c->trace_file_prefix), "%s", v->str);
	} else if (!strcmp(key, "show_cpu_freq") || !strcmp(key, "localize")) {
		if (v->type != TOML_BOOL)
			msg(pc, line, "%s must be true or false", key);
		else if (key[0] == 's')
			c->show_cpu_freq = v->b;
		else
			c->localize = v->b;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(upstream_keys); i++)
			if (!strcmp(key, upstream_keys[i]))
				return NULL;
		msg(pc, line, "unknown key '%s' (ignored)", key);
	}
	return NULL;
}

unsigned config_parse(struct tui_config *c, const char *text, size_t len, const char *name,
		      struct strbuf *msgs)
{
	struct parse_ctx pc = {.c = c, .name = name, .msgs = msgs};
	struct toml_handler h = {.on_value = on_value, .on_table = on_table, .on_error = on_error,
				 .ctx = &pc};

	toml_parse(text, len, &h);
	return pc.n;
}

int config_load(struct tui_config *c, const char *path, struct strbuf *msgs)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;
	int err = 0;

	if (!fp)
		return errno == ENOENT ? 0 : err_errno();
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		strbuf_add(&sb, buf, n);
		if (sb.len > (1u << 20)) {
			err = -EFBIG;
			break;
		}
	}
	if (!err && ferror(fp))
		err = -EIO;
	fclose(fp);
	if (!err)
		config_parse(c, sb.buf, sb.len, path, msgs);
	strbuf_release(&sb);
	return err;
}

void config_format(const struct tui_config *c, struct strbuf *out)
{
	char name[32];

	strbuf_addstr(out, "# scxtop settings, written by scxtop (S). Keys: see `scxtop --help`\n"
			   "# and the README; [keymap] maps a key to an action.\n");
	strbuf_addstr(out, "theme = ");
	toml_write_string(out, c->theme);
	strbuf_addf(out, "\ntick_rate_ms = %llu\nchart = ", (unsigned long long)c->tick_rate_ms);
	toml_write_string(out, c->chart);
	strbuf_addstr(out, "\nmetric = ");
	toml_write_string(out, c->metric);
	strbuf_addstr(out, "\nview = ");
	toml_write_string(out, c->view);
	strbuf_addf(out, "\nshow_cpu_freq = %s\nlocalize = %s\n", c->show_cpu_freq ? "true" : "false",
		    c->localize ? "true" : "false");
	strbuf_addf(out, "trace_duration_ms = %llu\ntrace_warmup_ms = %llu\ntrace_file_prefix = ",
		    (unsigned long long)c->trace_duration_ms, (unsigned long long)c->trace_warmup_ms);
	toml_write_string(out, c->trace_file_prefix);
	strbuf_addstr(out, "\n\n[keymap]\n");
	for (size_t i = 0; i < c->keymap.n; i++) {
		toml_write_string(out, keymap_key_name(c->keymap.b[i].key, name, sizeof(name)));
		strbuf_addstr(out, " = ");
		toml_write_string(out, action_name(c->keymap.b[i].action));
		strbuf_addch(out, '\n');
	}
}

int config_save(const struct tui_config *c, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct atomic_file af;
	char *dir = fs_dirname(path);
	int err;

	err = fs_mkdir_p(dir, 0755);
	free(dir);
	if (err)
		return err;
	config_format(c, &sb);
	err = atomic_file_open(&af, path, 0);
	if (!err) {
		if (fwrite(sb.buf, 1, sb.len, af.fp) != sb.len)
			err = -EIO;
		if (!err)
			err = atomic_file_commit(&af);
		else
			atomic_file_abort(&af);
	}
	strbuf_release(&sb);
	return err;
}
