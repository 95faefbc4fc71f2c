// SPDX-License-Identifier: GPL-2.0
/*
 * perf script line parsers (memory samples and scheduler events) and their
 * JSONL encoders. See libscxprof.h for the formats; the layout facts come from
 * perf's builtin-script.c (reference/perf-script-format.md):
 *
 *   comm "%16s ", pid/tid "%7d/%-7d " (<= 6.4: %5d), [cpu] "[%03d] ",
 *   time "%5lu.%09llu: " (--ns) or "%12s: ", addr "%16lx" (no leading space),
 *   [" sym (dso)" for page faults], data_src "%16lx decode" padded to a running
 *   maximum, weight "%16lu" (no leading space), cgroup " %s" (6.6+), ip
 *   " %16lx", " sym", " (dso)", phys "%16lx" (no leading space), " pagesize",
 *   cgroup " %s" (6.3-6.5).
 *
 * Fields are found from both ends: the ip block's "(dso)" is the last
 * parenthesised group followed by a phys/page-size tail; perf's fixed-width
 * padding ("%16lx" after one space puts exactly 17 - len spaces before an ip)
 * separates a cgroup path with spaces from the ip. No allocation per line.
 */
#include <stdlib.h>
#include <string.h>

#include "common/json_writer.h"
#include "common/util.h"
#include "profiler/libscxprof.h"

#define TAIL_TRIES 64	/* ')' candidates tried from the right before falling back */

static inline bool is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_xdigit(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/*
 * Word-at-a-time scans (perf's columns are long runs of spaces and tokens):
 * 8 bytes are tested at once, the exact byte is then found by the byte loop.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t load8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}
#endif

static inline const char *skip_ws(const char *p, const char *e)
{
#ifdef SWAR
	while (e - p >= 8) {
		uint64_t x = load8(p) ^ (' ' * ONES);	/* zero bytes are spaces */

		if (x) {
			p += __builtin_ctzll(x) >> 3;
			break;
		}
		p += 8;
	}
#endif
	while (p < e && is_ws((unsigned char)*p))
		p++;
	return p;
}

static inline const char *tok_end(const char *p, const char *e)
{
#ifdef SWAR
	while (e - p >= 8) {
		uint64_t v = load8(p);
		uint64_t m = (v - 0x21 * ONES) & ~v & HIGHS;	/* the first byte < 0x21 is exact */

		if (m) {
			p += __builtin_ctzll(m) >> 3;
			break;
		}
		p += 8;
	}
#endif
	while (p < e && !is_ws((unsigned char)*p))
		p++;
	return p;
}

static inline const char *rtrim(const char *b, const char *e)
{
	while (e > b && is_ws((unsigned char)e[-1]))
		e--;
	return e;
}

static inline struct scx_span span(const char *b, const char *e)
{
	return (struct scx_span){.p = b, .len = (size_t)(e - b)};
}

static inline struct scx_span span_trim(const char *b, const char *e)
{
	b = skip_ws(b, e);
	return span(b, rtrim(b, e));
}

static bool all_digits(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)p[i]))
			return false;
	return true;
}

static bool all_hex(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_xdigit((unsigned char)p[i]))
			return false;
	return true;
}

static bool span_eq(const char *p, size_t n, const char *s)
{
	size_t l = strlen(s);

	return n == l && !memcmp(p, s, l);
}

/* Unsigned decimal of 1+ digits within max. */
static bool parse_udec(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)((unsigned char)p[i] - '0');
		if (d > 9 || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
			return false;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Signed decimal as Rust's i64/i32 FromStr: optional '+' or '-', 1+ digits. */
static bool parse_sdec(const char *p, size_t n, int64_t min, int64_t max, int64_t *out)
{
	bool neg = false;
	uint64_t v;

	if (n && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
		n--;
	}
	if (!parse_udec(p, n, neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max, &v))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Up to 19 digits cannot overflow a u64: no checks needed. */
static inline bool small_udec(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)((unsigned char)p[i] - '0');
		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool scxprof_time_parse_ns(const char *s, size_t len, uint64_t *ns)
{
	const char *dot = memchr(s, '.', len);
	size_t ilen = dot ? (size_t)(dot - s) : len;
	uint64_t secs, frac = 0;

	/* perf's --ns text: at most 10 digits of seconds and exactly 9 of fraction */
	if (dot && ilen <= 10 && len - ilen - 1 == 9 && small_udec(s, ilen, &secs) &&
	    small_udec(dot + 1, 9, &frac)) {
		*ns = secs * 1000000000ull + frac;
		return true;
	}
	frac = 0;
	if (!parse_udec(s, ilen, UINT64_MAX, &secs))
		return false;
	if (dot) {
		const char *f = dot + 1;
		size_t flen = len - ilen - 1, i;

		/* upstream: the first (up to) 9 characters must be digits; the rest is ignored */
		for (i = 0; i < 9; i++) {
			if (i < flen) {
				if (!is_digit((unsigned char)f[i]))
					return false;
				frac = frac * 10 + (uint64_t)(f[i] - '0');
			} else {
				frac *= 10;
			}
		}
	}
	if (secs > (UINT64_MAX - frac) / 1000000000ull)
		return false;
	*ns = secs * 1000000000ull + frac;
	return true;
}

uint64_t scxprof_page_size_parse(const char *s, size_t len)
{
	struct scx_span t = span_trim(s, s + len);
	unsigned shift = 0;
	uint64_t v;

	if (!t.len || span_eq(t.p, t.len, "N/A"))
		return 0;
	switch (t.p[t.len - 1] | 0x20) {
	case 'b':
		shift = 0;
		t.len--;
		break;
	case 'k':
		shift = 10;
		t.len--;
		break;
	case 'm':
		shift = 20;
		t.len--;
		break;
	case 'g':
		shift = 30;
		t.len--;
		break;
	default:
		break;
	}
	if (!parse_udec(t.p, t.len, UINT64_MAX >> shift, &v))
		return 0;
	return v << shift;
}

static bool is_page_size_tok(const char *p, size_t n)
{
	if (span_eq(p, n, "N/A"))
		return true;
	if (n > 1 && strchr("BKMGbkmg", p[n - 1]))
		n--;
	return all_digits(p, n);
}

/* "pid/tid", both u32, split at the first '/'. */
static bool parse_pidtid(const char *p, size_t n, uint32_t *pid, uint32_t *tid)
{
	const char *slash = memchr(p, '/', n);
	uint64_t a, b;

	if (!slash || !small_udec(p, (size_t)(slash - p), &a) || a > UINT32_MAX ||
	    !small_udec(slash + 1, n - (size_t)(slash - p) - 1, &b) || b > UINT32_MAX)
		return false;
	*pid = (uint32_t)a;
	*tid = (uint32_t)b;
	return true;
}

/* Whitespace characters right before p (not crossing line). */
static size_t gap_before(const char *line, const char *p)
{
	size_t n = 0;

	while (p > line && is_ws((unsigned char)p[-1])) {
		p--;
		n++;
	}
	return n;
}

/* perf prints the ip as ' ' + "%16lx": a token of len < 16 has 17 - len spaces before it. */
static bool ip_padded(const char *line, const char *p, size_t n)
{
	return all_hex(p, n) && gap_before(line, p) == (n < 16 ? 17 - n : 1);
}

/* weight/ins_lat/retire_lat are "%16lu" with no leading space. */
static bool weight_padded(const char *line, const char *p, size_t n)
{
	return n < 16 && all_digits(p, n) && gap_before(line, p) == 16 - n;
}

static bool cgroup_start(const char *p, size_t n)
{
	return (n && *p == '/') || span_eq(p, n, "unknown");
}

/*
 * The text after the ip block's ')': [phys [page_size [cgroup...]]]. Strict
 * when choosing among ')' candidates: phys must be hex, the page size perf's
 * text, and anything after it a cgroup (perf 6.3-6.5).
 */
struct tail {
	struct scx_span phys, cgroup;
	uint64_t page_size;
};

static bool parse_tail(const char *p, const char *e, bool strict, struct tail *t)
{
	const char *q;

	memset(t, 0, sizeof(*t));
	t->phys.p = p;
	p = skip_ws(p, e);
	if (p == e)
		return true;
	q = tok_end(p, e);
	if (strict && !all_hex(p, (size_t)(q - p)))
		return false;
	t->phys = span(p, q);
	p = skip_ws(q, e);
	if (p == e)
		return true;
	q = tok_end(p, e);
	if (strict && !is_page_size_tok(p, (size_t)(q - p)))
		return false;
	t->page_size = scxprof_page_size_parse(p, (size_t)(q - p));
	p = skip_ws(q, e);
	if (p == e)
		return true;
	q = tok_end(p, e);
	if (!cgroup_start(p, (size_t)(q - p)))
		return !strict;
	t->cgroup = span(p, e);
	return true;
}

/* The '(' that opens the group closed at close: balanced, and preceded by whitespace. */
static const char *match_open(const char *start, const char *close)
{
	const char *p, *cand = NULL;
	int depth = 0;

	for (p = close - 1; p >= start; p--) {
		if (*p == ')') {
			depth++;
		} else if (*p == '(') {
			if (depth == 0) {
				cand = p;
				break;
			}
			depth--;
		}
	}
	if (cand && cand > start && is_ws((unsigned char)cand[-1]))
		return cand;
	/* unbalanced name ("/tmp/a(b/x.so"): the nearest " (" */
	for (p = close - 1; p > start; p--)
		if (*p == '(' && is_ws((unsigned char)p[-1]))
			return p;
	return cand;
}

static const char *match_close(const char *open, const char *e)
{
	int depth = 0;

	for (const char *p = open + 1; p < e; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (depth == 0)
				return p;
			depth--;
		}
	}
	return NULL;
}

static unsigned count_tokens(const char *p, const char *e, unsigned max)
{
	unsigned n = 0;

	for (p = skip_ws(p, e); p < e && n < max; p = skip_ws(tok_end(p, e), e))
		n++;
	return n;
}

/*
 * Page-fault (and BTS) events print the data address's " sym (dso)" after it.
 * Recognised as "<sym> (<dso>)" followed by at least the ip and its symbol;
 * data_src's "Remote RAM (1 hop) hit|SNP ..." is not one.
 */
static const char *parse_addr_sym(const char *line, const char *p, const char *e,
				  struct scxprof_mem_sample *s)
{
	const char *open = memchr(p, '(', (size_t)(e - p)), *close, *q;

	while (open && !(open > line && is_ws((unsigned char)open[-1])))
		open = memchr(open + 1, '(', (size_t)(e - open - 1));
	if (!open || memchr(p, '|', (size_t)(open - p)))
		return p;
	if (!(close = match_close(open, e)) || close + 1 >= e || !is_ws((unsigned char)close[1]))
		return p;
	q = skip_ws(close + 1, e);
	if (memchr(q, '|', (size_t)(tok_end(q, e) - q)) || count_tokens(q, e, 2) < 2)
		return p;
	s->addr_sym = span_trim(p, open);
	s->addr_dso = span(open + 1, close);
	s->has_addr_sym = true;
	return q;
}

static const char *const data_src_keys[] = {"OP ", "LVL ", "SNP ", "TLB ", "LCK ", "BLK ", "AFF "};

/* A word of a data_src decode value ("N/A", "No", "Data", "PRED"), not the next column. */
static bool decode_word(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_xdigit((unsigned char)p[i]) || (p[i] >= 'A' && p[i] <= 'F'))
			return !cgroup_start(p, n);
	return false;
}

/* "<hex> <decode>" where the decode has perf's "|SNP ..." keys. */
static const char *parse_data_src(const char *p, const char *e, struct scxprof_mem_sample *s)
{
	const char *t = p, *last = NULL, *q;

	while (t < e && is_xdigit((unsigned char)*t))
		t++;
	if (t == p || (t < e && !is_ws((unsigned char)*t)) || !memmem(t, (size_t)(e - t), "|SNP ", 5))
		return p;
	for (q = t; (q = memchr(q, '|', (size_t)(e - q))); q++) {
		for (size_t k = 0; k < ARRAY_SIZE(data_src_keys); k++) {
			size_t kl = strlen(data_src_keys[k]);
			if ((size_t)(e - q - 1) >= kl && !memcmp(q + 1, data_src_keys[k], kl)) {
				last = q + 1 + kl;
				break;
			}
		}
	}
	if (!last)
		return p;
	s->data_src = span(p, t);
	s->has_data_src = true;
	for (q = skip_ws(last, e); q < e; q = skip_ws(tok_end(q, e), e))
		if (!decode_word(q, (size_t)(tok_end(q, e) - q)))
			break;
	return q;
}

/* weight [ins_lat [retire_lat]]: decimal columns before the cgroup/ip. */
static const char *parse_weights(const char *line, const char *p, const char *e,
				 struct scxprof_mem_sample *s)
{
	for (unsigned n = 0; n < 3 && p < e && is_digit((unsigned char)*p); n++) {
		const char *t = tok_end(p, e), *nx = skip_ws(t, e), *nt = tok_end(nx, e);
		size_t len = (size_t)(t - p), nlen = (size_t)(nt - nx);
		uint64_t v;

		if (!all_digits(p, len) || nx == e)
			break;
		if (!(n == 0 && s->has_data_src) && !weight_padded(line, p, len))
			break;
		if (!(cgroup_start(nx, nlen) || weight_padded(line, nx, nlen) ||
		      ip_padded(line, nx, nlen) || (s->has_data_src && count_tokens(nx, e, 2) >= 2)))
			break;
		if (n == 0 && parse_udec(p, len, UINT64_MAX, &v)) {
			s->weight = v;
			s->has_weight = true;
		}
		p = nx;
	}
	return p;
}

/* Between addr and the ip block's '(': [addr sym (dso)] [data_src] [weights] [cgroup] ip sym. */
static bool parse_middle(const char *line, const char *p, const char *e,
			 struct scxprof_mem_sample *s)
{
	const char *t;

	p = skip_ws(p, e);
	p = parse_addr_sym(line, p, e, s);
	p = parse_data_src(p, e, s);
	p = parse_weights(line, p, e, s);
	if (p < e && (*p == '/' || (*p == 'u' && cgroup_start(p, (size_t)(tok_end(p, e) - p))))) {
		const char *cg = p, *cg_end = tok_end(p, e), *q;

		/* A path may contain spaces: it runs up to perf's padded ip column. */
		for (q = skip_ws(cg_end, e); q < e; q = skip_ws(tok_end(q, e), e)) {
			if (ip_padded(line, q, (size_t)(tok_end(q, e) - q))) {
				cg_end = rtrim(cg, q);
				break;
			}
		}
		s->cgroup = span(cg, cg_end);
		s->cgroup_pos = SCXPROF_CGROUP_BEFORE_IP;
		p = skip_ws(cg_end, e);
	}
	if (p == e)
		return false;
	t = tok_end(p, e);
	s->ip = span(p, t);
	s->sym = span_trim(t, e);
	return true;
}

/* comm and pid/tid; returns the position after pid/tid or NULL. */
static const char *parse_head(const char *line, const char *b, const char *e, struct scx_span *comm,
			      uint32_t *pid, uint32_t *tid)
{
	const char *p, *t;

	/* perf's "%16s " comm column: a comm may hold spaces, digits, '/', "N/N". */
	if (e - line >= 18 && line[16] == ' ' && !is_ws((unsigned char)line[15])) {
		p = skip_ws(line + 17, e);
		t = tok_end(p, e);
		if (parse_pidtid(p, (size_t)(t - p), pid, tid)) {
			*comm = span_trim(line, line + 16);
			return t;
		}
	}
	/* Unpadded: everything before the first pid/tid token. */
	for (p = b; p < e; p = skip_ws(t, e)) {
		t = tok_end(p, e);
		if (parse_pidtid(p, (size_t)(t - p), pid, tid)) {
			*comm = span_trim(b, p);
			return t;
		}
	}
	return NULL;
}

enum scxprof_parse_result scxprof_mem_parse(const char *line, size_t len,
					    struct scxprof_mem_sample *s)
{
	const char *e = rtrim(line, line + len), *p, *t, *close, *open, *me;
	struct tail tail;
	unsigned tries = 0;

	memset(s, 0, sizeof(*s));
	p = skip_ws(line, e);
	if (p == e)
		return SCXPROF_BLANK;
	s->line = span(line, e);
	p = parse_head(line, p, e, &s->comm, &s->pid, &s->tid);
	if (!p)
		return SCXPROF_UNPARSEABLE;

	/* [cpu] time: */
	p = skip_ws(p, e);
	t = tok_end(p, e);
	if (t - p >= 3 && *p == '[' && t[-1] == ']' && all_digits(p + 1, (size_t)(t - p - 2))) {
		p = skip_ws(t, e);
		t = tok_end(p, e);
	}
	if (p == e)
		return SCXPROF_UNPARSEABLE;
	s->time = span(p, t);
	while (s->time.len && s->time.p[s->time.len - 1] == ':')
		s->time.len--;
	s->time_ok = scxprof_time_parse_ns(s->time.p, s->time.len, &s->time_ns);

	/* [period] event: (perf's default field set), then addr */
	p = skip_ws(t, e);
	t = tok_end(p, e);
	if (t > p && t[-1] == ':') {
		p = skip_ws(t, e);
		t = tok_end(p, e);
	} else if (all_digits(p, (size_t)(t - p))) {
		const char *q = skip_ws(t, e), *qt = tok_end(q, e);
		if (qt > q && qt[-1] == ':') {
			p = skip_ws(qt, e);
			t = tok_end(p, e);
		}
	}
	if (p == e)
		return SCXPROF_UNPARSEABLE;
	s->addr = span(p, t);
	p = skip_ws(t, e);
	if (p == e)
		return SCXPROF_UNPARSEABLE;

	/* The ip block's "(dso)": the last ')' with a phys/page-size tail after it. */
	close = NULL;
	for (const char *q = e; q > p && tries < TAIL_TRIES; tries++) {
		q = memrchr(p, ')', (size_t)(q - p));
		if (!q)
			break;
		if (parse_tail(q + 1, e, true, &tail)) {
			close = q;
			break;
		}
	}
	if (!close && (close = memrchr(p, ')', (size_t)(e - p))))
		parse_tail(close + 1, e, false, &tail);	/* upstream: the last ')' */
	open = close ? match_open(p, close) : NULL;
	if (!open) {
		/* No dso: no phys either (upstream: skipped). */
		memset(&tail, 0, sizeof(tail));
		me = e;
	} else {
		s->dso = span(open + 1, close);
		me = rtrim(p, open);
	}
	if (!parse_middle(line, p, me, s))
		return SCXPROF_UNPARSEABLE;
	s->phys_addr = tail.phys;
	s->data_page_size = tail.page_size;
	if (tail.cgroup.len && s->cgroup_pos == SCXPROF_CGROUP_NONE) {
		s->cgroup = tail.cgroup;
		s->cgroup_pos = SCXPROF_CGROUP_AT_END;
	}
	return SCXPROF_PARSED;
}

enum scxprof_mem_skip scxprof_mem_skip(const struct scxprof_mem_sample *s)
{
	if (!s->phys_addr.len || span_eq(s->phys_addr.p, s->phys_addr.len, "0"))
		return SCXPROF_MEM_SKIP_NO_PHYS;
	if (span_eq(s->comm.p, s->comm.len, "perf") || span_eq(s->comm.p, s->comm.len, "swapper"))
		return SCXPROF_MEM_SKIP_COMM;
	return SCXPROF_MEM_KEEP;
}

/* ------------------------------------------------------------------------- */
/* Scheduler events                                                          */
/* ------------------------------------------------------------------------- */

/* "-?\d+/-?\d+" */
static bool sched_pidtid_tok(const char *p, size_t n)
{
	const char *slash = memchr(p, '/', n);
	size_t a, b;

	if (!slash)
		return false;
	a = (size_t)(slash - p);
	b = n - a - 1;
	if (a && *p == '-')
		p++, a--;
	if (b && slash[1] == '-')
		slash++, b--;
	return all_digits(p, a) && all_digits(slash + 1, b);
}

/* "\d+\.\d+:" */
static bool sched_time_tok(const char *p, size_t n)
{
	const char *dot;

	if (n < 4 || p[n - 1] != ':')
		return false;
	n--;
	dot = memchr(p, '.', n);
	return dot && all_digits(p, (size_t)(dot - p)) &&
	       all_digits(dot + 1, n - (size_t)(dot - p) - 1);
}

/*
 * From the pid/tid token at p: "[cpu] time: event: trace" must follow.
 * Fills e and returns true on a match (upstream's regex at this position).
 */
static bool sched_try(const char *p, const char *end, struct scxprof_sched_event *ev,
		      bool *bad_number)
{
	const char *t = tok_end(p, end), *c, *ct, *tm, *tt, *q, *c1, *c2;
	int64_t v;
	uint64_t cpu;

	if (!sched_pidtid_tok(p, (size_t)(t - p)) || t == end)
		return false;
	c = skip_ws(t, end);
	ct = tok_end(c, end);
	if (c == t || ct - c < 3 || *c != '[' || ct[-1] != ']' ||
	    !all_digits(c + 1, (size_t)(ct - c - 2)) || ct == end)
		return false;
	tm = skip_ws(ct, end);
	tt = tok_end(tm, end);
	if (tm == ct || !sched_time_tok(tm, (size_t)(tt - tm)) || tt == end)
		return false;
	/* event: up to the second ':' (two non-empty parts), then the trace */
	q = skip_ws(tt, end);
	if (q == end || *q == ':')
		return false;
	c1 = memchr(q, ':', (size_t)(end - q));
	if (!c1 || c1 + 1 >= end || c1[1] == ':')
		return false;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2)
		return false;

	/* The regex matched here; now the numbers (upstream fails the line on overflow). */
	const char *slash = memchr(p, '/', (size_t)(t - p));
	if (!parse_sdec(p, (size_t)(slash - p), INT32_MIN, INT32_MAX, &v)) {
		*bad_number = true;
		return false;
	}
	ev->pid = (int32_t)v;
	if (!parse_sdec(slash + 1, (size_t)(t - slash - 1), INT32_MIN, INT32_MAX, &v)) {
		*bad_number = true;
		return false;
	}
	ev->tid = (int32_t)v;
	if (!parse_udec(c + 1, (size_t)(ct - c - 2), UINT32_MAX, &cpu)) {
		*bad_number = true;
		return false;
	}
	ev->cpu = (uint32_t)cpu;
	ev->time = span(tm, tt - 1);
	ev->event = span_trim(q, c2);
	ev->trace = span_trim(c2 + 1, end);
	return true;
}

static double span_to_double(struct scx_span s)
{
	char buf[128];
	double d;

	if (s.len < sizeof(buf)) {
		memcpy(buf, s.p, s.len);
		buf[s.len] = '\0';
		return strtod(buf, NULL);
	}
	char *tmp = xstrndup(s.p, s.len);
	d = strtod(tmp, NULL);
	free(tmp);
	return d;
}

enum scxprof_parse_result scxprof_sched_parse(const char *line, size_t len,
					      struct scxprof_sched_event *ev)
{
	const char *e = rtrim(line, line + len), *b = skip_ws(line, e), *p, *t;
	bool bad = false;

	memset(ev, 0, offsetof(struct scxprof_sched_event, kv));
	ev->nkv = 0;
	ev->hint = ev->prev_hint = ev->next_hint = 0;
	ev->switch_hints = false;
	if (b == e)
		return SCXPROF_BLANK;

	/* perf's "%16s " comm column first, then upstream's leftmost match (comm non-empty). */
	p = NULL;
	if (e - line >= 18 && line[16] == ' ' && !is_ws((unsigned char)line[15])) {
		const char *q = skip_ws(line + 17, e);
		if (sched_try(q, e, ev, &bad))
			p = q;
	}
	if (!p && !bad) {
		for (t = tok_end(b, e), p = skip_ws(t, e); p < e; p = skip_ws(t, e)) {
			t = tok_end(p, e);
			if (sched_try(p, e, ev, &bad) || bad)
				break;
		}
		if (p >= e)
			p = NULL;
	}
	if (!p || bad)
		return SCXPROF_UNPARSEABLE;
	ev->comm = span_trim(b, p);
	ev->time_s = span_to_double(ev->time);
	ev->time_ok = scxprof_time_parse_ns(ev->time.p, ev->time.len, &ev->time_ns);
	scxprof_sched_parse_fields(ev);
	return SCXPROF_PARSED;
}

static bool starts_swapper(struct scx_span s)
{
	return s.len >= 7 && !memcmp(s.p, "swapper", 7);
}

static void switch_idle(struct scxprof_switch *sw)
{
	sw->cpu_idle = sw->next_pid == 0 || starts_swapper(sw->next_comm);
	sw->prev_idle = sw->prev_pid == 0 || starts_swapper(sw->prev_comm);
}

/* At p: ":<-?\d+>\s+\[<-?\d+>\]" → end of it, or NULL. */
static const char *pid_prio(const char *p, const char *e, int64_t *pid, int64_t *prio)
{
	const char *q = p + 1, *d, *r;

	if (p >= e || *p != ':')
		return NULL;
	d = q;
	if (d < e && *d == '-')
		d++;
	while (d < e && is_digit((unsigned char)*d))
		d++;
	if (d == q || (*q == '-' && d == q + 1) || d >= e || !is_ws((unsigned char)*d))
		return NULL;
	if (!parse_sdec(q, (size_t)(d - q), INT64_MIN, INT64_MAX, pid))
		return NULL;
	r = skip_ws(d, e);
	if (r >= e || *r != '[')
		return NULL;
	q = ++r;
	if (r < e && *r == '-')
		r++;
	while (r < e && is_digit((unsigned char)*r))
		r++;
	if (r == q || (*q == '-' && r == q + 1) || r >= e || *r != ']')
		return NULL;
	if (!parse_sdec(q, (size_t)(r - q), INT64_MIN, INT64_MAX, prio))
		return NULL;
	return r + 1;
}

/*
 * Plugin format, upstream's regex:
 * ^(.+?):(-?\d+)\s+\[(-?\d+)\]\s+(.+?)\s+==>\s+(.+?):(-?\d+)\s+\[(-?\d+)\]$
 */
static bool switch_plugin(struct scx_span tr, struct scxprof_switch *sw)
{
	const char *b = tr.p, *e = tr.p + tr.len, *c, *after, *st, *arrow, *nx, *lc;

	/* next: the suffix ":N [P]" is anchored at the end, so it starts at the last ':' */
	lc = memrchr(b, ':', tr.len);
	if (!lc || pid_prio(lc, e, &sw->next_pid, &sw->next_prio) != e)
		return false;
	for (c = b + 1; c < e && (c = memchr(c, ':', (size_t)(e - c))); c++) {
		after = pid_prio(c, e, &sw->prev_pid, &sw->prev_prio);
		if (!after || after >= e || !is_ws((unsigned char)*after))
			continue;
		st = skip_ws(after, e);
		/* prev_state: lazy, up to the first "\s+==>\s+" leaving a next part */
		for (arrow = st + 1; arrow < e && (arrow = memmem(arrow, (size_t)(e - arrow), "==>", 3));
		     arrow++) {
			const char *ws = arrow;
			while (ws > st + 1 && is_ws((unsigned char)ws[-1]))
				ws--;
			if (ws == arrow || !is_ws((unsigned char)ws[0]) || arrow + 3 >= e ||
			    !is_ws((unsigned char)arrow[3]))
				continue;
			nx = skip_ws(arrow + 3, e);
			if (nx == lc && nx - (arrow + 3) >= 2)
				nx--;	/* the regex gives one whitespace back to a non-empty comm */
			if (nx >= lc)
				continue;
			sw->prev_comm = span(b, c);
			sw->prev_state = span(st, ws);
			sw->next_comm = span(nx, lc);
			sw->format = SCXPROF_SWITCH_PLUGIN;
			return true;
		}
		/* a later ':' only sees a subset of these arrows (keeps this linear) */
		return false;
	}
	return false;
}

/* "key=" at p (p is the position of the key); value runs to end or ' <next key>'. */
static bool raw_int(const char *p, const char *e, const char *key, int64_t *v, const char **out)
{
	size_t kl = strlen(key);
	const char *q;

	if ((size_t)(e - p) < kl || memcmp(p, key, kl))
		return false;
	p += kl;
	q = tok_end(p, e);
	if (!parse_sdec(p, (size_t)(q - p), INT64_MIN, INT64_MAX, v))
		return false;
	*out = q;
	return true;
}

/*
 * Raw tracepoint format:
 * prev_comm=X prev_pid=N prev_prio=N prev_state=S ==> next_comm=Y next_pid=N next_prio=N
 * (comms may contain spaces).
 */
static bool switch_raw(struct scx_span tr, struct scxprof_switch *sw)
{
	const char *b = tr.p, *e = tr.p + tr.len, *pp, *q, *st, *arrow, *nc, *np;

	if (tr.len < 10 || memcmp(b, "prev_comm=", 10))
		return false;
	pp = memmem(b + 10, (size_t)(e - b - 10), " prev_pid=", 10);
	if (!pp || !raw_int(pp + 1, e, "prev_pid=", &sw->prev_pid, &q))
		return false;
	if (q >= e || *q != ' ' || !raw_int(q + 1, e, "prev_prio=", &sw->prev_prio, &q))
		return false;
	if ((size_t)(e - q) < 12 || memcmp(q, " prev_state=", 12))
		return false;
	st = q + 12;
	arrow = memmem(st, (size_t)(e - st), " ==> next_comm=", 15);
	if (!arrow)
		return false;
	nc = arrow + 15;
	np = NULL;
	for (q = nc; (q = memmem(q, (size_t)(e - q), " next_pid=", 10)); q++)
		np = q;	/* the last one: a comm may contain anything */
	if (!np || !raw_int(np + 1, e, "next_pid=", &sw->next_pid, &q))
		return false;
	if (q >= e || *q != ' ' || !raw_int(q + 1, e, "next_prio=", &sw->next_prio, &q) || q != e)
		return false;
	sw->prev_comm = span(b + 10, pp);
	sw->prev_state = span(st, arrow);
	sw->next_comm = span(nc, np);
	sw->format = SCXPROF_SWITCH_RAW;
	return true;
}

static inline bool is_word(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

static void kv_set(struct scxprof_sched_event *ev, struct scx_span k, struct scx_span v,
		   bool try_int)
{
	struct scxprof_kv *kv = NULL;

	for (unsigned i = 0; i < ev->nkv; i++) {
		if (ev->kv[i].key.len == k.len && !memcmp(ev->kv[i].key.p, k.p, k.len)) {
			kv = &ev->kv[i];
			break;
		}
	}
	if (!kv) {
		if (ev->nkv == SCXPROF_SCHED_MAX_KV)
			return;
		kv = &ev->kv[ev->nkv++];
		kv->key = k;
	}
	kv->val = v;
	kv->is_int = try_int && parse_sdec(v.p, v.len, INT64_MIN, INT64_MAX, &kv->ival);
}

/* Every (\w+)=([^\s\]]+), leftmost-first and non-overlapping, then \[action=([^\]]+)\]. */
static void parse_kv(struct scxprof_sched_event *ev)
{
	const char *p = ev->trace.p, *e = p + ev->trace.len, *a;

	while (p < e) {
		if (!is_word((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *k = p;
		while (p < e && is_word((unsigned char)*p))
			p++;
		if (p + 1 < e && *p == '=' && !is_ws((unsigned char)p[1]) && p[1] != ']') {
			const char *v = ++p;
			while (p < e && !is_ws((unsigned char)*p) && *p != ']')
				p++;
			kv_set(ev, span(k, v - 1), span(v, p), true);
		}
	}
	for (a = ev->trace.p; (a = memmem(a, (size_t)(e - a), "[action=", 8)); a++) {
		const char *v = a + 8, *c = memchr(v, ']', (size_t)(e - v));
		if (c && c > v) {
			kv_set(ev, span(a + 1, a + 7), span(v, c), false);
			break;
		}
	}
	if (ev->nkv)
		ev->fields = SCXPROF_FIELDS_KV;
}

void scxprof_sched_parse_fields(struct scxprof_sched_event *ev)
{
	ev->fields = SCXPROF_FIELDS_NONE;
	ev->nkv = 0;
	if (span_eq(ev->event.p, ev->event.len, "sched:sched_switch")) {
		if (switch_plugin(ev->trace, &ev->sw) || switch_raw(ev->trace, &ev->sw)) {
			switch_idle(&ev->sw);
			ev->fields = SCXPROF_FIELDS_SWITCH;
		}
		return;
	}
	parse_kv(ev);
}

/* ------------------------------------------------------------------------- */
/* JSON                                                                      */
/* ------------------------------------------------------------------------- */

#define ADD_LIT(sb, lit) strbuf_add((sb), lit, sizeof(lit) - 1)

static inline void add_str(struct strbuf *out, struct scx_span s)
{
	json_escape(out, s.p, s.len);
}

/*
 * perf.jsonl is the hot path: room for the whole record is reserved once, keys
 * are copied without capacity checks, and strings that need no escaping (almost
 * all of them) are copied whole.
 */
#define PUT_LIT(sb, lit)                                                                           \
	do {                                                                                       \
		memcpy((sb)->buf + (sb)->len, lit, sizeof(lit) - 1);                               \
		(sb)->len += sizeof(lit) - 1;                                                      \
	} while (0)

static inline void put_str(struct strbuf *sb, struct scx_span s, bool plain)
{
	if (!plain && json_plain_len(s.p, s.len) != s.len) {
		sb->buf[sb->len] = '\0';
		json_escape(sb, s.p, s.len);
		return;
	}
	sb->buf[sb->len++] = '"';
	if (s.len)	/* an empty span may have no pointer */
		memcpy(sb->buf + sb->len, s.p, s.len);
	sb->len += s.len;
	sb->buf[sb->len++] = '"';
}

static inline void put_u64(struct strbuf *sb, uint64_t v)
{
	sb->buf[sb->len] = '\0';
	strbuf_addu64(sb, v);
}

void scxprof_mem_json(const struct scxprof_mem_sample *s, struct strbuf *out)
{
	/* escaping grows a byte to at most 6 ("\u00xx"); 400 covers keys and numbers */
	strbuf_grow(out, 400 + 6 * (s->comm.len + s->time.len + s->addr.len + s->cgroup.len +
				    s->ip.len + s->sym.len + s->dso.len + s->phys_addr.len +
				    s->data_src.len + s->addr_sym.len + s->addr_dso.len));
	/* one check of the whole line covers every field taken from it */
	const char *lb = s->line.p, *le = lb + s->line.len;
	bool plain = s->line.len && json_plain_len(lb, s->line.len) == s->line.len;
#define IN_LINE(f) (plain && s->f.p >= lb && s->f.p + s->f.len <= le)

	PUT_LIT(out, "{\"comm\":");
	put_str(out, s->comm, IN_LINE(comm));
	PUT_LIT(out, ",\"tid\":");
	put_u64(out, s->tid);
	PUT_LIT(out, ",\"pid\":");
	put_u64(out, s->pid);
	PUT_LIT(out, ",\"time\":");
	put_str(out, s->time, IN_LINE(time));
	PUT_LIT(out, ",\"time_ns\":");
	if (s->time_ok)
		put_u64(out, s->time_ns);
	else
		PUT_LIT(out, "null");
	PUT_LIT(out, ",\"addr\":");
	put_str(out, s->addr, IN_LINE(addr));
	PUT_LIT(out, ",\"cgroup\":");
	if (s->cgroup.len)
		put_str(out, s->cgroup, IN_LINE(cgroup));
	else
		PUT_LIT(out, "\"unknown\"");
	PUT_LIT(out, ",\"ip\":");
	put_str(out, s->ip, IN_LINE(ip));
	PUT_LIT(out, ",\"sym\":");
	put_str(out, s->sym, IN_LINE(sym));
	PUT_LIT(out, ",\"dso\":");
	put_str(out, s->dso, IN_LINE(dso));
	PUT_LIT(out, ",\"phys_addr\":");
	put_str(out, s->phys_addr, IN_LINE(phys_addr));
	PUT_LIT(out, ",\"data_page_size\":");
	put_u64(out, s->data_page_size);
	PUT_LIT(out, ",\"hint\":");
	put_u64(out, s->hint);
	if (s->has_data_src) {
		PUT_LIT(out, ",\"data_src\":");
		put_str(out, s->data_src, IN_LINE(data_src));
	}
	if (s->has_weight) {
		PUT_LIT(out, ",\"weight\":");
		put_u64(out, s->weight);
	}
	if (s->has_addr_sym) {
		PUT_LIT(out, ",\"addr_sym\":");
		put_str(out, s->addr_sym, IN_LINE(addr_sym));
		PUT_LIT(out, ",\"addr_dso\":");
		put_str(out, s->addr_dso, IN_LINE(addr_dso));
	}
	PUT_LIT(out, "}\n");
	out->buf[out->len] = '\0';
#undef IN_LINE
}

static void sched_fields_json(const struct scxprof_sched_event *e, struct strbuf *out)
{
	const struct scxprof_switch *sw = &e->sw;

	ADD_LIT(out, ",\"fields\":{");
	if (e->fields == SCXPROF_FIELDS_SWITCH) {
		ADD_LIT(out, "\"prev_comm\":");
		add_str(out, sw->prev_comm);
		ADD_LIT(out, ",\"prev_pid\":");
		strbuf_addi64(out, sw->prev_pid);
		ADD_LIT(out, ",\"prev_prio\":");
		strbuf_addi64(out, sw->prev_prio);
		ADD_LIT(out, ",\"prev_state\":");
		add_str(out, sw->prev_state);
		ADD_LIT(out, ",\"next_comm\":");
		add_str(out, sw->next_comm);
		ADD_LIT(out, ",\"next_pid\":");
		strbuf_addi64(out, sw->next_pid);
		ADD_LIT(out, ",\"next_prio\":");
		strbuf_addi64(out, sw->next_prio);
		ADD_LIT(out, ",\"cpu_idle\":");
		if (sw->cpu_idle)
			ADD_LIT(out, "true");
		else
			ADD_LIT(out, "false");
		ADD_LIT(out, ",\"prev_idle\":");
		if (sw->prev_idle)
			ADD_LIT(out, "true");
		else
			ADD_LIT(out, "false");
		if (e->switch_hints) {
			ADD_LIT(out, ",\"prev_hint\":");
			strbuf_addu64(out, e->prev_hint);
			ADD_LIT(out, ",\"next_hint\":");
			strbuf_addu64(out, e->next_hint);
		}
	} else {
		for (unsigned i = 0; i < e->nkv; i++) {
			if (i)
				strbuf_addch(out, ',');
			add_str(out, e->kv[i].key);
			strbuf_addch(out, ':');
			if (e->kv[i].is_int)
				strbuf_addi64(out, e->kv[i].ival);
			else
				add_str(out, e->kv[i].val);
		}
	}
	strbuf_addch(out, '}');
}

void scxprof_sched_json(const struct scxprof_sched_event *e, struct strbuf *out)
{
	ADD_LIT(out, "{\"comm\":");
	add_str(out, e->comm);
	ADD_LIT(out, ",\"pid\":");
	strbuf_addi64(out, e->pid);
	ADD_LIT(out, ",\"tid\":");
	strbuf_addi64(out, e->tid);
	ADD_LIT(out, ",\"cpu\":");
	strbuf_addu64(out, e->cpu);
	ADD_LIT(out, ",\"time\":");
	json_format_double(out, e->time_s);
	ADD_LIT(out, ",\"time_ns\":");
	if (e->time_ok)
		strbuf_addu64(out, e->time_ns);
	else
		ADD_LIT(out, "null");
	ADD_LIT(out, ",\"event\":");
	add_str(out, e->event);
	ADD_LIT(out, ",\"trace\":");
	add_str(out, e->trace);
	if (e->fields != SCXPROF_FIELDS_NONE)
		sched_fields_json(e, out);
	ADD_LIT(out, ",\"hint\":");
	strbuf_addu64(out, e->hint);
	ADD_LIT(out, "}\n");
}
