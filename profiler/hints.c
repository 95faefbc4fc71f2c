// SPDX-License-Identifier: GPL-2.0
/*
 * hints.jsonl and cgroups.jsonl: the hint index (per-thread timelines of
 * task-hint updates), the annotator that joins samples to it exactly as
 * upstream scx_characterize does (reference §3.8), and the tid → cgroup table.
 *
 * Lines are read with a small exact JSON object scanner rather than a general
 * JSON library, because a hint is a full u64 (jansson stops at INT64_MAX) and
 * these files can hold millions of lines.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/linereader.h"
#include "common/util.h"
#include "profiler/libscxprof.h"

/* ------------------------------------------------------------------------- */
/* A flat JSON object scanner                                                */
/* ------------------------------------------------------------------------- */

enum jtype { J_NUM, J_STR, J_OTHER };

struct jval {
	enum jtype type;
	const char *p;		/* number text, or string contents (escapes not decoded) */
	size_t len;
	bool escaped;		/* string contains backslashes */
};

static inline bool j_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *j_skip_ws(const char *p, const char *e)
{
	while (p < e && j_ws(*p))
		p++;
	return p;
}

/* p at '"': end of the string (after the closing quote) or NULL. */
static const char *j_string(const char *p, const char *e, struct jval *v)
{
	v->type = J_STR;
	v->p = ++p;
	v->escaped = false;
	while (p < e) {
		if (*p == '"') {
			v->len = (size_t)(p - v->p);
			return p + 1;
		}
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			v->escaped = true;
			if (++p >= e)
				return NULL;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (p + i >= e || !strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
		p++;
	}
	return NULL;
}

/* RFC 8259 number; end or NULL. */
static const char *j_number(const char *p, const char *e, struct jval *v)
{
	const char *b = p;

	if (p < e && *p == '-')
		p++;
	if (p >= e || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	if (p < e && *p == '.') {
		const char *d = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		const char *d = p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	v->type = J_NUM;
	v->p = b;
	v->len = (size_t)(p - b);
	return p;
}

/* Any value (nested containers included); end or NULL. */
static const char *j_value(const char *p, const char *e, struct jval *v, int depth)
{
	static const char *const lits[] = {"true", "false", "null"};

	p = j_skip_ws(p, e);
	if (p >= e || depth > 64)
		return NULL;
	if (*p == '"')
		return j_string(p, e, v);
	if (*p == '-' || (*p >= '0' && *p <= '9'))
		return j_number(p, e, v);
	v->type = J_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(lits); i++) {
		size_t l = strlen(lits[i]);
		if ((size_t)(e - p) >= l && !memcmp(p, lits[i], l))
			return p + l;
	}
	if (*p == '[' || *p == '{') {
		char close = *p == '[' ? ']' : '}';
		struct jval inner;
		bool first = true;

		p = j_skip_ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (!first) {
				p = j_skip_ws(p, e);
				if (p < e && *p == close)
					return p + 1;
				if (p >= e || *p != ',')
					return NULL;
				p++;
			}
			first = false;
			if (close == '}') {
				p = j_skip_ws(p, e);
				if (p >= e || *p != '"' || !(p = j_string(p, e, &inner)))
					return NULL;
				p = j_skip_ws(p, e);
				if (p >= e || *p != ':')
					return NULL;
				p++;
			}
			if (!(p = j_value(p, e, &inner, depth + 1)))
				return NULL;
		}
	}
	return NULL;
}

typedef int (*j_field_fn)(void *ctx, const char *key, size_t klen, const struct jval *v);

/* One object per line; fn is called for every member. 0, -EINVAL, or fn's error. */
static int j_object(const char *p, const char *e, j_field_fn fn, void *ctx, char *why,
		    size_t why_len)
{
	struct jval k, v;
	bool first = true;
	int err;

	p = j_skip_ws(p, e);
	if (p >= e || *p != '{') {
		snprintf(why, why_len, "not a JSON object");
		return -EINVAL;
	}
	p = j_skip_ws(p + 1, e);
	if (p < e && *p == '}') {
		p++;
		goto end;
	}
	for (;;) {
		if (!first) {
			p = j_skip_ws(p, e);
			if (p < e && *p == '}') {
				p++;
				break;
			}
			if (p >= e || *p != ',')
				goto bad;
			p = j_skip_ws(p + 1, e);
		}
		first = false;
		if (p >= e || *p != '"' || !(p = j_string(p, e, &k)))
			goto bad;
		p = j_skip_ws(p, e);
		if (p >= e || *p != ':')
			goto bad;
		if (!(p = j_value(p + 1, e, &v, 0)))
			goto bad;
		err = fn(ctx, k.p, k.len, &v);
		if (err)
			return err;
	}
end:
	if (j_skip_ws(p, e) != e)
		goto bad;
	return 0;
bad:
	snprintf(why, why_len, "invalid JSON");
	return -EINVAL;
}

static bool key_is(const char *k, size_t kl, const char *name)
{
	return kl == strlen(name) && !memcmp(k, name, kl);
}

/* A JSON integer (no fraction or exponent) within [min, max]. */
static bool j_int(const struct jval *v, int64_t min, int64_t max, int64_t *out)
{
	char buf[32];
	int64_t x;

	if (v->type != J_NUM || v->len >= sizeof(buf) || memchr(v->p, '.', v->len) ||
	    memchr(v->p, 'e', v->len) || memchr(v->p, 'E', v->len))
		return false;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	if (parse_i64(buf, min, max, &x))
		return false;
	*out = x;
	return true;
}

static bool j_uint(const struct jval *v, uint64_t *out)
{
	char buf[32];

	if (v->type != J_NUM || v->len >= sizeof(buf) || v->p[0] == '-' || memchr(v->p, '.', v->len) ||
	    memchr(v->p, 'e', v->len) || memchr(v->p, 'E', v->len))
		return false;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	return parse_u64(buf, 0, UINT64_MAX, out) == 0;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (char)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

static uint32_t hex4(const char *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Decode a scanned JSON string into sb (lone surrogates become U+FFFD). */
static void j_unescape(const struct jval *v, struct strbuf *sb)
{
	const char *p = v->p, *e = p + v->len;

	if (!v->escaped) {
		strbuf_add(sb, p, v->len);
		return;
	}
	while (p < e) {
		if (*p != '\\') {
			strbuf_addch(sb, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'n': strbuf_addch(sb, '\n'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'u': {
			uint32_t cp = hex4(p + 1);
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - p >= 7 && p[1] == '\\' && p[2] == 'u') {
				uint32_t lo = hex4(p + 3);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			put_utf8(sb, cp >= 0xd800 && cp < 0xe000 ? 0xfffd : cp);
			break;
		}
		default: strbuf_addch(sb, *p); break;
		}
		p++;
	}
}

typedef int (*line_fn)(void *obj, const char *line, size_t len, char *why, size_t why_len);

static int load_lines(struct line_reader *lr, line_fn fn, void *obj, uint64_t *lineno, char *why,
		      size_t why_len)
{
	const char *line;
	size_t len;
	int r, err = 0;

	while ((r = line_reader_next(lr, &line, &len)) > 0) {
		err = fn(obj, line, len, why, why_len);
		if (err)
			break;
	}
	if (r < 0) {
		err = r;
		snprintf(why, why_len, "read error: %s", strerror(-r));
	}
	if (lineno)
		*lineno = lr->lineno;
	line_reader_release(lr);
	return err;
}

static int load_file(FILE *fp, line_fn fn, void *obj, uint64_t *lineno, char *why,
		     size_t why_len)
{
	struct line_reader lr;

	line_reader_init_file(&lr, fp);
	return load_lines(&lr, fn, obj, lineno, why, why_len);
}

static int load_buf(const char *buf, size_t len, line_fn fn, void *obj, uint64_t *lineno,
		    char *why, size_t why_len)
{
	struct line_reader lr;

	line_reader_init_mem(&lr, buf, len);
	return load_lines(&lr, fn, obj, lineno, why, why_len);
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!j_ws(p[i]))
			return false;
	return true;
}

/* ------------------------------------------------------------------------- */
/* Ordering statistics                                                       */
/* ------------------------------------------------------------------------- */

static void order_note(struct scxprof_order *o, int64_t tid)
{
	bool created;

	o->violations++;
	u64map_upsert(&o->seen, (uint64_t)tid, &created);
	if (!created)
		return;
	o->tids++;
	if (o->nexample < SCXPROF_EXAMPLE_TIDS)
		o->example[o->nexample++] = tid;
}

static void order_examples(const struct scxprof_order *o, struct strbuf *out)
{
	if (!o->nexample)
		return;
	strbuf_addstr(out, " Example tids: ");
	for (unsigned i = 0; i < o->nexample; i++)
		strbuf_addf(out, "%s%lld", i ? ", " : "", (long long)o->example[i]);
	strbuf_addch(out, '.');
}

void scxprof_hints_order_warning(const struct scxprof_order *o, struct strbuf *out)
{
	strbuf_addf(out,
		    "WARNING: detected %llu out-of-order hint timeline violation(s) across %llu "
		    "tid(s) while processing hints.jsonl. Hint events will be sorted "
		    "conservatively before annotation.",
		    (unsigned long long)o->violations, (unsigned long long)o->tids);
	order_examples(o, out);
	strbuf_addstr(out, " Please fix the input ordering if possible.");
}

void scxprof_samples_order_warning(const struct scxprof_order *o, const char *path,
				   struct strbuf *out)
{
	strbuf_addf(out,
		    "WARNING: detected %llu out-of-order sample timeline violation(s) across %llu "
		    "tid(s) while processing %s. Hint lookup fell back conservatively for "
		    "out-of-order samples.",
		    (unsigned long long)o->violations, (unsigned long long)o->tids, path);
	order_examples(o, out);
	strbuf_addstr(out, " Please fix the input ordering if possible.");
}

/* ------------------------------------------------------------------------- */
/* Hint index                                                                */
/* ------------------------------------------------------------------------- */

struct hint_rec {
	uint32_t tid;
	uint64_t ts, hints, seq;
};

struct timeline {
	size_t start, n;
};

struct scxprof_hints {
	struct hint_rec *recs;
	size_t n, alloc;
	struct u64map last;	/* tid → last timestamp (input order) */
	struct scxprof_order order;
	struct u64map tl;	/* tid → index into tls (after finish) */
	struct timeline *tls;
	size_t ntl;
	uint64_t dropped;
	bool finished;
};

struct scxprof_tid_state {
	uint64_t last_t;
	size_t cursor;
	ssize_t tl;		/* timeline index, -1: none */
};

struct scxprof_hints *scxprof_hints_new(void)
{
	struct scxprof_hints *h = xcalloc(1, sizeof(*h));

	u64map_init(&h->last);
	u64map_init(&h->tl);
	u64map_init(&h->order.seen);
	return h;
}

void scxprof_hints_free(struct scxprof_hints *h)
{
	if (!h)
		return;
	free(h->recs);
	free(h->tls);
	u64map_release(&h->last);
	u64map_release(&h->tl);
	u64map_release(&h->order.seen);
	free(h);
}

void scxprof_hints_add(struct scxprof_hints *h, int64_t pid, uint64_t ts, uint64_t hints)
{
	uint64_t *last;
	bool created;

	if (pid < 0 || pid > UINT32_MAX) {
		h->dropped++;
		return;
	}
	last = u64map_upsert(&h->last, (uint64_t)pid, &created);
	if (!created && ts < *last)
		order_note(&h->order, pid);
	*last = ts;
	xgrow((void **)&h->recs, &h->alloc, h->n + 1, sizeof(*h->recs));
	h->recs[h->n] = (struct hint_rec){.tid = (uint32_t)pid, .ts = ts, .hints = hints,
					  .seq = h->n};
	h->n++;
	h->finished = false;
}

struct hint_line {
	int64_t pid, tgid;
	uint64_t hints, ts;
	unsigned seen;
	char *why;
	size_t why_len;
};

static int hint_field(void *ctx, const char *k, size_t kl, const struct jval *v)
{
	static const char *const names[] = {"pid", "tgid", "hints", "timestamp"};
	struct hint_line *hl = ctx;
	bool ok;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (key_is(k, kl, names[i]))
			break;
	if (i == ARRAY_SIZE(names))
		return 0;	/* unknown keys are ignored */
	if (hl->seen & (1u << i)) {
		snprintf(hl->why, hl->why_len, "duplicate field `%s`", names[i]);
		return -EINVAL;
	}
	hl->seen |= 1u << i;
	switch (i) {
	case 0: ok = j_int(v, INT32_MIN, INT32_MAX, &hl->pid); break;
	case 1: ok = j_int(v, INT32_MIN, INT32_MAX, &hl->tgid); break;
	case 2: ok = j_uint(v, &hl->hints); break;
	default: ok = j_uint(v, &hl->ts); break;
	}
	if (!ok) {
		snprintf(hl->why, hl->why_len, "`%s` is not a %s", names[i],
			 i < 2 ? "32-bit integer" : "64-bit unsigned integer");
		return -EINVAL;
	}
	return 0;
}

int scxprof_hints_add_line(struct scxprof_hints *h, const char *line, size_t len, char *why,
			   size_t why_len)
{
	char dummy[8];
	struct hint_line hl = {.why = why ? why : dummy, .why_len = why ? why_len : sizeof(dummy)};
	int err;

	if (blank(line, len))
		return 0;
	err = j_object(line, line + len, hint_field, &hl, hl.why, hl.why_len);
	if (err)
		return err;
	if (hl.seen != 0xf) {
		static const char *const names[] = {"pid", "tgid", "hints", "timestamp"};
		for (int i = 0; i < 4; i++) {
			if (!(hl.seen & (1u << i))) {
				snprintf(hl.why, hl.why_len, "missing field `%s`", names[i]);
				break;
			}
		}
		return -EINVAL;
	}
	scxprof_hints_add(h, hl.pid, hl.ts, hl.hints);
	return 0;
}

static int hints_line(void *obj, const char *line, size_t len, char *why, size_t why_len)
{
	return scxprof_hints_add_line(obj, line, len, why, why_len);
}

int scxprof_hints_load_file(struct scxprof_hints *h, FILE *fp, uint64_t *lineno, char *why,
			    size_t why_len)
{
	char dummy[8];

	return load_file(fp, hints_line, h, lineno, why ? why : dummy, why ? why_len : sizeof(dummy));
}

int scxprof_hints_load_buf(struct scxprof_hints *h, const char *buf, size_t len,
			   uint64_t *lineno, char *why, size_t why_len)
{
	char dummy[8];

	return load_buf(buf, len, hints_line, h, lineno, why ? why : dummy,
			why ? why_len : sizeof(dummy));
}

static int cmp_hint(const void *a, const void *b)
{
	const struct hint_rec *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void scxprof_hints_finish(struct scxprof_hints *h)
{
	size_t i, alloc = 0;

	if (h->finished)
		return;
	qsort(h->recs, h->n, sizeof(*h->recs), cmp_hint);
	u64map_release(&h->tl);
	u64map_init(&h->tl);
	h->ntl = 0;
	for (i = 0; i < h->n; i++) {
		if (i == 0 || h->recs[i].tid != h->recs[i - 1].tid) {
			xgrow((void **)&h->tls, &alloc, h->ntl + 1, sizeof(*h->tls));
			h->tls[h->ntl] = (struct timeline){.start = i, .n = 0};
			*u64map_upsert(&h->tl, h->recs[i].tid, NULL) = h->ntl;
			h->ntl++;
		}
		h->tls[h->ntl - 1].n++;
	}
	h->finished = true;
}

uint64_t scxprof_hints_count(const struct scxprof_hints *h)
{
	return h->n;
}

uint64_t scxprof_hints_tids(const struct scxprof_hints *h)
{
	return h->last.len;
}

uint64_t scxprof_hints_dropped(const struct scxprof_hints *h)
{
	return h->dropped;
}

const struct scxprof_order *scxprof_hints_order(const struct scxprof_hints *h)
{
	return &h->order;
}

/* ------------------------------------------------------------------------- */
/* Annotator                                                                 */
/* ------------------------------------------------------------------------- */

void scxprof_annotator_init(struct scxprof_annotator *a, const struct scxprof_hints *h)
{
	memset(a, 0, sizeof(*a));
	a->h = h;
	u64map_init(&a->state);
	u64map_init(&a->order.seen);
}

void scxprof_annotator_release(struct scxprof_annotator *a)
{
	u64map_release(&a->state);
	u64map_release(&a->order.seen);
	free(a->st);
	memset(a, 0, sizeof(*a));
}

bool scxprof_annotator_resolve(struct scxprof_annotator *a, uint32_t tid, uint64_t t,
			       uint64_t *hint)
{
	const struct scxprof_hints *h = a->h;
	struct scxprof_tid_state *st;
	const struct hint_rec *r;
	uint64_t *idx;
	bool created;
	size_t n;

	*hint = 0;
	idx = u64map_upsert(&a->state, tid, &created);
	if (created) {
		uint64_t *tl = h ? u64map_get(&h->tl, tid) : NULL;

		xgrow((void **)&a->st, &a->ast, a->nst + 1, sizeof(*a->st));
		*idx = a->nst;
		a->st[a->nst++] = (struct scxprof_tid_state){
			.last_t = t, .cursor = 0, .tl = tl ? (ssize_t)*tl : -1};
		st = &a->st[*idx];
	} else {
		st = &a->st[*idx];
		if (t < st->last_t)
			order_note(&a->order, tid);
		st->last_t = t;
	}
	if (st->tl < 0)
		return false;
	r = h->recs + h->tls[st->tl].start;
	n = h->tls[st->tl].n;
	if (st->cursor >= n)
		st->cursor = n - 1;
	if (r[st->cursor].ts > t) {
		/* time went back (or before the first update): the first record with ts > t */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (r[mid].ts <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0) {
			st->cursor = 0;
			return false;
		}
		st->cursor = lo - 1;
	} else {
		while (st->cursor + 1 < n && r[st->cursor + 1].ts <= t)
			st->cursor++;
	}
	*hint = r[st->cursor].hints;
	return true;
}

/* ------------------------------------------------------------------------- */
/* Cgroup table                                                              */
/* ------------------------------------------------------------------------- */

struct cg_entry {
	size_t off, len;	/* into paths */
};

struct scxprof_cgroups {
	struct strbuf paths;
	struct strmap ids;	/* path → index into ents (deduplicated) */
	struct cg_entry *ents;
	size_t nents, aents;
	struct u64map by_tid;	/* tid → entry index */
	struct u64map by_pid;	/* pid → entry index (the tid == pid line wins) */
	uint64_t moved;
	struct u64map moved_tids;
};

struct scxprof_cgroups *scxprof_cgroups_new(void)
{
	struct scxprof_cgroups *c = xcalloc(1, sizeof(*c));

	strbuf_init(&c->paths, 0);
	strmap_init(&c->ids);
	u64map_init(&c->by_tid);
	u64map_init(&c->by_pid);
	u64map_init(&c->moved_tids);
	return c;
}

void scxprof_cgroups_free(struct scxprof_cgroups *c)
{
	if (!c)
		return;
	strbuf_release(&c->paths);
	strmap_release(&c->ids);
	free(c->ents);
	u64map_release(&c->by_tid);
	u64map_release(&c->by_pid);
	u64map_release(&c->moved_tids);
	free(c);
}

void scxprof_cgroups_add(struct scxprof_cgroups *c, int64_t tid, int64_t pid, const char *path,
			 size_t len)
{
	uint64_t *id, *slot;
	bool created;

	if (tid < 0 || tid > UINT32_MAX || pid < 0 || pid > UINT32_MAX)
		return;
	id = strmap_upsert(&c->ids, path, len, &created);
	if (created) {
		xgrow((void **)&c->ents, &c->aents, c->nents + 1, sizeof(*c->ents));
		c->ents[c->nents] = (struct cg_entry){.off = c->paths.len, .len = len};
		strbuf_add(&c->paths, path, len);
		*id = c->nents++;
	}
	uint64_t e = *id;

	slot = u64map_upsert(&c->by_tid, (uint64_t)tid, &created);
	if (!created && *slot != e) {
		bool first;
		u64map_upsert(&c->moved_tids, (uint64_t)tid, &first);
		if (first)
			c->moved++;
	}
	*slot = e;
	/* a process: its leader's line, else its first thread listed */
	slot = u64map_upsert(&c->by_pid, (uint64_t)pid, &created);
	if (created || tid == pid)
		*slot = e;
}

struct cg_line {
	int64_t tid, pid;
	struct jval cgroup;
	unsigned seen;
	char *why;
	size_t why_len;
};

static int cg_field(void *ctx, const char *k, size_t kl, const struct jval *v)
{
	struct cg_line *cl = ctx;

	if (key_is(k, kl, "tid")) {
		if (!j_int(v, INT32_MIN, INT64_MAX, &cl->tid))
			goto bad;
		cl->seen |= 1;
	} else if (key_is(k, kl, "pid")) {
		if (!j_int(v, INT32_MIN, INT64_MAX, &cl->pid))
			goto bad;
		cl->seen |= 2;
	} else if (key_is(k, kl, "cgroup")) {
		if (v->type != J_STR)
			goto bad;
		cl->cgroup = *v;
		cl->seen |= 4;
	}
	return 0;
bad:
	snprintf(cl->why, cl->why_len, "`%.*s` has the wrong type", (int)kl, k);
	return -EINVAL;
}

int scxprof_cgroups_add_line(struct scxprof_cgroups *c, const char *line, size_t len, char *why,
			     size_t why_len)
{
	char dummy[8];
	struct cg_line cl = {.why = why ? why : dummy, .why_len = why ? why_len : sizeof(dummy)};
	struct strbuf path = STRBUF_INIT;
	int err;

	if (blank(line, len))
		return 0;
	err = j_object(line, line + len, cg_field, &cl, cl.why, cl.why_len);
	if (err)
		return err;
	if ((cl.seen & 5) != 5) {
		snprintf(cl.why, cl.why_len, "missing field `%s`", cl.seen & 1 ? "cgroup" : "tid");
		return -EINVAL;
	}
	if (!(cl.seen & 2))
		cl.pid = cl.tid;
	j_unescape(&cl.cgroup, &path);
	scxprof_cgroups_add(c, cl.tid, cl.pid, path.buf, path.len);
	strbuf_release(&path);
	return 0;
}

static int cgroups_line(void *obj, const char *line, size_t len, char *why, size_t why_len)
{
	return scxprof_cgroups_add_line(obj, line, len, why, why_len);
}

int scxprof_cgroups_load_file(struct scxprof_cgroups *c, FILE *fp, uint64_t *lineno, char *why,
			      size_t why_len)
{
	char dummy[8];

	return load_file(fp, cgroups_line, c, lineno, why ? why : dummy,
			 why ? why_len : sizeof(dummy));
}

int scxprof_cgroups_load_buf(struct scxprof_cgroups *c, const char *buf, size_t len,
			     uint64_t *lineno, char *why, size_t why_len)
{
	char dummy[8];

	return load_buf(buf, len, cgroups_line, c, lineno, why ? why : dummy,
			why ? why_len : sizeof(dummy));
}

bool scxprof_cgroups_lookup(const struct scxprof_cgroups *c, uint32_t tid, uint32_t pid,
			    struct scx_span *path)
{
	const uint64_t *e = u64map_get(&c->by_tid, tid);

	if (!e)
		e = u64map_get(&c->by_pid, pid);
	if (!e)
		return false;
	path->p = c->paths.buf + c->ents[*e].off;
	path->len = c->ents[*e].len;
	return true;
}

uint64_t scxprof_cgroups_threads(const struct scxprof_cgroups *c)
{
	return c->by_tid.len;
}

uint64_t scxprof_cgroups_moved(const struct scxprof_cgroups *c)
{
	return c->moved;
}
