/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One description of an analyzer's result, two renderings: JSON (for --json,
 * the MCP tools and export; numbers raw, durations in ns) and text for people
 * (labels, units, aligned tables). Analyzers call rep_*() once; the renderer
 * decides the layout.
 *
 * Structure: objects (rep_obj) hold key/values, nested objects, tables and
 * lists. A table is a JSON array of objects with fixed columns; in text it is
 * buffered and printed aligned when it ends. A list is a JSON array of scalars.
 */
#ifndef SCX_TOP_ANALYZE_REPORT_H
#define SCX_TOP_ANALYZE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/json_writer.h"
#include "common/strbuf.h"

enum rtype {
	RT_U64,
	RT_I64,
	RT_DBL,
	RT_STR,
	RT_NS,		/* duration in ns: JSON integer, text "1.25 ms" */
	RT_TS,		/* timestamp ns: JSON integer, text seconds from the trace start */
	RT_PCT,		/* percent (double): text "12.5%" */
	RT_BOOL,
	RT_HEX,		/* u64 id as "0x..." in text and JSON (a string: bit 63 exceeds JSON integers) */
};

struct rcol {
	const char *key;	/* JSON key */
	const char *head;	/* text column header */
	enum rtype type;
};

struct report;

/* JSON into out (compact, or serde-pretty with JSON_PRETTY). */
struct report *report_json(struct strbuf *out, unsigned json_flags);
/* Text into out; ts_base is subtracted from RT_TS values. */
struct report *report_text(struct strbuf *out, uint64_t ts_base);
void report_free(struct report *r);
bool report_is_json(const struct report *r);

void rep_obj(struct report *r, const char *key);	/* key NULL: anonymous (top level, list) */
void rep_end(struct report *r);
/* A heading/paragraph only shown in text. */
void rep_text(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void rep_u64(struct report *r, const char *key, uint64_t v);
void rep_i64(struct report *r, const char *key, int64_t v);
void rep_dbl(struct report *r, const char *key, double v);
void rep_str(struct report *r, const char *key, const char *v);	/* NULL → null */
void rep_ns(struct report *r, const char *key, uint64_t v);
void rep_ts(struct report *r, const char *key, uint64_t v);
void rep_pct(struct report *r, const char *key, double v);
void rep_bool(struct report *r, const char *key, bool v);
void rep_hex(struct report *r, const char *key, uint64_t v);
void rep_null(struct report *r, const char *key);

void rep_list(struct report *r, const char *key);
void rep_list_u64(struct report *r, uint64_t v);
void rep_list_str(struct report *r, const char *v);
void rep_list_hex(struct report *r, uint64_t v);
void rep_list_end(struct report *r);

void rep_table(struct report *r, const char *key, const struct rcol *cols, unsigned ncols);
/* Row cells in column order; the cell's type is its column's. */
void rep_row(struct report *r);
void rep_cell_u64(struct report *r, uint64_t v);
void rep_cell_i64(struct report *r, int64_t v);
void rep_cell_dbl(struct report *r, double v);
void rep_cell_str(struct report *r, const char *v);
void rep_cell_null(struct report *r);
void rep_table_end(struct report *r);

/* Text formatting used by the renderer (exposed for tests). */
void fmt_ns(struct strbuf *sb, uint64_t ns);

#endif
