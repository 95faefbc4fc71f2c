// SPDX-License-Identifier: GPL-2.0
/* JSON and text renderers of analyzer results (see report.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/report.h"

#define MAX_DEPTH 16
#define MAX_COLS 24

struct report {
	bool json;
	struct json_writer w;
	struct strbuf *out;
	uint64_t ts_base;
	unsigned depth;		/* text indentation (named objects) */
	unsigned level;		/* object nesting */
	bool anon[MAX_DEPTH];
	/* text tables */
	const struct rcol *cols;
	unsigned ncols, col;
	char **cells;		/* row-major */
	size_t nr_cells, cells_alloc;
	bool in_list;
	bool row_open;
	bool list_first;
};

struct report *report_json(struct strbuf *out, unsigned json_flags)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->json = true;
	r->out = out;
	jw_init(&r->w, out, json_flags);
	return r;
}

struct report *report_text(struct strbuf *out, uint64_t ts_base)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->out = out;
	r->ts_base = ts_base;
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_cells; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r);
}

bool report_is_json(const struct report *r)
{
	return r->json;
}

void fmt_ns(struct strbuf *sb, uint64_t ns)
{
	if (ns < 1000)
		strbuf_addf(sb, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		strbuf_addf(sb, "%.2f us", ns / 1e3);
	else if (ns < 1000000000)
		strbuf_addf(sb, "%.2f ms", ns / 1e6);
	else
		strbuf_addf(sb, "%.3f s", ns / 1e9);
}

static void indent(struct report *r)
{
	strbuf_addchars(r->out, ' ', 2 * (r->depth > 0 ? r->depth - 1 : 0));
}

/* "avg_latency_ns" → "avg_latency" (the unit shows in the value) */
static void label(struct strbuf *sb, const char *key)
{
	size_t n = strlen(key);

	if (n > 3 && (!strcmp(key + n - 3, "_ns") || !strcmp(key + n - 3, "_hz")))
		n -= 3;
	else if (n > 4 && !strcmp(key + n - 4, "_pct"))
		n -= 4;
	strbuf_add(sb, key, n);
}

static void text_value(struct report *r, struct strbuf *sb, enum rtype t, uint64_t u, int64_t i,
		       double d, const char *s)
{
	switch (t) {
	case RT_U64: strbuf_addu64(sb, u); break;
	case RT_I64: strbuf_addi64(sb, i); break;
	case RT_DBL:
		if (isfinite(d))
			strbuf_addf(sb, fabs(d) >= 100 ? "%.1f" : "%.3g", d);
		else
			strbuf_addstr(sb, "-");
		break;
	case RT_STR: strbuf_addstr(sb, s ? s : "-"); break;
	case RT_NS: fmt_ns(sb, u); break;
	case RT_TS:
		if (u >= r->ts_base)
			strbuf_addf(sb, "%.6f s", (u - r->ts_base) / 1e9);
		else
			strbuf_addf(sb, "-%.6f s", (r->ts_base - u) / 1e9);
		break;
	case RT_PCT: strbuf_addf(sb, "%.1f%%", d); break;
	case RT_BOOL: strbuf_addstr(sb, u ? "yes" : "no"); break;
	case RT_HEX: strbuf_addf(sb, "0x%llx", (unsigned long long)u); break;
	}
}

static void json_value(struct report *r, enum rtype t, uint64_t u, int64_t i, double d, const char *s)
{
	switch (t) {
	case RT_U64:
	case RT_NS:
	case RT_TS:
		/* beyond int64 only with absurd timestamps: keep the document readable by every parser */
		if (u > INT64_MAX)
			jw_double(&r->w, (double)u);
		else
			jw_u64(&r->w, u);
		break;
	case RT_HEX: {
		/* ids with bit 63 (sched_ext builtin DSQs) do not survive JSON numbers in most readers */
		char b[24];

		snprintf(b, sizeof(b), "0x%llx", (unsigned long long)u);
		jw_str(&r->w, b);
		break;
	}
	case RT_I64: jw_i64(&r->w, i); break;
	case RT_DBL:
	case RT_PCT: jw_double(&r->w, isfinite(d) ? round(d * 1000) / 1000 : d); break;
	case RT_STR:
		if (s)
			jw_str(&r->w, s);
		else
			jw_null(&r->w);
		break;
	case RT_BOOL: jw_bool(&r->w, u); break;
	}
}

static void kv(struct report *r, const char *key, enum rtype t, uint64_t u, int64_t i, double d,
	       const char *s)
{
	if (r->json) {
		jw_key(&r->w, key);
		json_value(r, t, u, i, d, s);
		return;
	}
	indent(r);
	label(r->out, key);
	strbuf_addstr(r->out, ": ");
	text_value(r, r->out, t, u, i, d, s);
	strbuf_addch(r->out, '\n');
}

void rep_obj(struct report *r, const char *key)
{
	r->anon[r->level++ & (MAX_DEPTH - 1)] = !key;
	if (r->json) {
		if (key)
			jw_key(&r->w, key);
		jw_obj_begin(&r->w);
		return;
	}
	if (!key)
		return;
	{
		if (r->depth == 0) {
			strbuf_addch(r->out, '\n');
			strbuf_addstr(r->out, "== ");
			label(r->out, key);
			strbuf_addstr(r->out, " ==\n");
		} else {
			indent(r);
			label(r->out, key);
			strbuf_addstr(r->out, ":\n");
		}
	}
	r->depth++;
}

void rep_end(struct report *r)
{
	bool anon = r->level ? r->anon[--r->level & (MAX_DEPTH - 1)] : false;

	if (r->json)
		jw_obj_end(&r->w);
	else if (!anon && r->depth)
		r->depth--;
}

void rep_text(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->json)
		return;
	indent(r);
	va_start(ap, fmt);
	strbuf_vaddf(r->out, fmt, ap);
	va_end(ap);
	strbuf_addch(r->out, '\n');
}

void rep_u64(struct report *r, const char *key, uint64_t v) { kv(r, key, RT_U64, v, 0, 0, NULL); }
void rep_i64(struct report *r, const char *key, int64_t v) { kv(r, key, RT_I64, 0, v, 0, NULL); }
void rep_dbl(struct report *r, const char *key, double v) { kv(r, key, RT_DBL, 0, 0, v, NULL); }
void rep_str(struct report *r, const char *key, const char *v) { kv(r, key, RT_STR, 0, 0, 0, v); }
void rep_ns(struct report *r, const char *key, uint64_t v) { kv(r, key, RT_NS, v, 0, 0, NULL); }
void rep_ts(struct report *r, const char *key, uint64_t v) { kv(r, key, RT_TS, v, 0, 0, NULL); }
void rep_pct(struct report *r, const char *key, double v) { kv(r, key, RT_PCT, 0, 0, v, NULL); }
void rep_bool(struct report *r, const char *key, bool v) { kv(r, key, RT_BOOL, v, 0, 0, NULL); }
void rep_hex(struct report *r, const char *key, uint64_t v) { kv(r, key, RT_HEX, v, 0, 0, NULL); }

void rep_null(struct report *r, const char *key)
{
	if (r->json) {
		jw_key(&r->w, key);
		jw_null(&r->w);
	} else {
		kv(r, key, RT_STR, 0, 0, 0, NULL);
	}
}

void rep_list(struct report *r, const char *key)
{
	r->in_list = true;
	r->list_first = true;
	if (r->json) {
		jw_key(&r->w, key);
		jw_arr_begin(&r->w);
		return;
	}
	indent(r);
	label(r->out, key);
	strbuf_addstr(r->out, ":");
}

static void list_sep(struct report *r)
{
	strbuf_addstr(r->out, r->list_first ? " " : ", ");
	r->list_first = false;
}

void rep_list_u64(struct report *r, uint64_t v)
{
	if (r->json) {
		jw_u64(&r->w, v);
		return;
	}
	list_sep(r);
	strbuf_addu64(r->out, v);
}

void rep_list_str(struct report *r, const char *v)
{
	if (r->json) {
		jw_str(&r->w, v);
		return;
	}
	list_sep(r);
	strbuf_addstr(r->out, v);
}

void rep_list_hex(struct report *r, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	rep_list_str(r, b);
}

void rep_list_end(struct report *r)
{
	r->in_list = false;
	if (r->json) {
		jw_arr_end(&r->w);
		return;
	}
	if (r->list_first)
		strbuf_addstr(r->out, " -");
	strbuf_addch(r->out, '\n');
}

void rep_table(struct report *r, const char *key, const struct rcol *cols, unsigned ncols)
{
	r->cols = cols;
	r->ncols = MIN(ncols, MAX_COLS);
	r->col = r->ncols;
	r->row_open = false;
	if (r->json) {
		jw_key(&r->w, key);
		jw_arr_begin(&r->w);
		return;
	}
	indent(r);
	label(r->out, key);
	strbuf_addstr(r->out, ":\n");
	for (unsigned c = 0; c < r->ncols; c++) {
		xgrow((void **)&r->cells, &r->cells_alloc, r->nr_cells + 1, sizeof(*r->cells));
		r->cells[r->nr_cells++] = xstrdup(cols[c].head);
	}
}

void rep_row(struct report *r)
{
	if (r->json) {
		if (r->row_open)
			jw_obj_end(&r->w);
		jw_obj_begin(&r->w);
		r->row_open = true;
		r->col = 0;
		return;
	}
	/* text: pad a short previous row */
	while (r->col < r->ncols) {
		xgrow((void **)&r->cells, &r->cells_alloc, r->nr_cells + 1, sizeof(*r->cells));
		r->cells[r->nr_cells++] = xstrdup("");
		r->col++;
	}
	r->col = 0;
}

static void cell(struct report *r, uint64_t u, int64_t i, double d, const char *s, bool null)
{
	enum rtype t;

	if (r->col >= r->ncols)
		return;
	t = r->cols[r->col].type;
	if (r->json) {
		jw_key(&r->w, r->cols[r->col].key);
		if (null)
			jw_null(&r->w);
		else
			json_value(r, t, u, i, d, s);
		r->col++;
		return;
	}
	{
		struct strbuf sb = STRBUF_INIT;

		if (null)
			strbuf_addstr(&sb, "-");
		else
			text_value(r, &sb, t, u, i, d, s);
		xgrow((void **)&r->cells, &r->cells_alloc, r->nr_cells + 1, sizeof(*r->cells));
		r->cells[r->nr_cells++] = sb.alloc ? strbuf_detach(&sb, NULL) : xstrdup("");
		r->col++;
	}
}

void rep_cell_u64(struct report *r, uint64_t v) { cell(r, v, (int64_t)v, (double)v, NULL, false); }
void rep_cell_i64(struct report *r, int64_t v) { cell(r, (uint64_t)v, v, (double)v, NULL, false); }
void rep_cell_dbl(struct report *r, double v) { cell(r, 0, 0, v, NULL, false); }
void rep_cell_str(struct report *r, const char *v) { cell(r, 0, 0, 0, v, false); }
void rep_cell_null(struct report *r) { cell(r, 0, 0, 0, NULL, true); }

static size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void rep_table_end(struct report *r)
{
	size_t w[MAX_COLS] = {0}, rows;

	if (r->json) {
		if (r->row_open)
			jw_obj_end(&r->w);
		r->row_open = false;
		jw_arr_end(&r->w);
		r->cols = NULL;
		return;
	}
	while (r->col < r->ncols && r->nr_cells % r->ncols) {
		xgrow((void **)&r->cells, &r->cells_alloc, r->nr_cells + 1, sizeof(*r->cells));
		r->cells[r->nr_cells++] = xstrdup("");
		r->col++;
	}
	rows = r->ncols ? r->nr_cells / r->ncols : 0;
	for (size_t i = 0; i < r->nr_cells; i++)
		w[i % r->ncols] = MAX(w[i % r->ncols], utf8_width(r->cells[i]));
	if (rows <= 1) {
		indent(r);
		strbuf_addstr(r->out, "  (none)\n");
	} else {
		for (size_t row = 0; row < rows; row++) {
			indent(r);
			strbuf_addstr(r->out, " ");
			for (unsigned c = 0; c < r->ncols; c++) {
				const char *s = r->cells[row * r->ncols + c];
				size_t pad = w[c] - utf8_width(s);
				bool left = r->cols[c].type == RT_STR;

				strbuf_addch(r->out, ' ');
				if (!left)
					strbuf_addchars(r->out, ' ', pad);
				strbuf_addstr(r->out, s);
				if (left && c + 1 < r->ncols)
					strbuf_addchars(r->out, ' ', pad);
				if (c + 1 < r->ncols)
					strbuf_addch(r->out, ' ');
			}
			strbuf_rtrim(r->out);
			strbuf_addch(r->out, '\n');
		}
	}
	for (size_t i = 0; i < r->nr_cells; i++)
		free(r->cells[i]);
	r->nr_cells = 0;
	r->cols = NULL;
}
