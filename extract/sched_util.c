// SPDX-License-Identifier: GPL-2.0
#include "extract/sched_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashmap.h"
#include "common/json_writer.h"
#include "common/util.h"
#include "extract/jscan.h"

/* ---- categories ---- */

enum {
	SYS_HARDIRQ,
	SYS_SOFTIRQ_RX,
	SYS_SOFTIRQ_TX,
	SYS_SOFTIRQ_OTHER,
	SYS_NMI,
	NR_SYS,
};

static const char *const sys_names[NR_SYS] = {"hardirq", "softirq-rx", "softirq-tx",
					      "softirq-other", "nmi"};

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static bool cat_exists(const struct sched_categories *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->v[i].name) == len && !memcmp(c->v[i].name, name, len))
			return true;
	return false;
}

static void cat_add(struct sched_categories *c, const char *name, size_t name_len,
		    const char *comm, size_t comm_len, bool has_hint, uint64_t hint)
{
	struct sched_category *cat;

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	cat = &c->v[c->n++];
	cat->name = xstrndup(name, name_len);
	cat->comm = xstrndup(comm, comm_len);
	cat->glob = memchr(comm, '*', comm_len) || memchr(comm, '?', comm_len);
	cat->has_hint = has_hint;
	cat->hint = hint;
}

static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sched_categories_parse(const char *spec, struct sched_categories *out, struct strbuf *err)
{
	const char *p = spec ? spec : "";
	char **hinted = NULL;
	size_t nr_hinted = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *comma = strchr(p, ','), *item = p, *at, *comm;
		size_t len = comma ? (size_t)(comma - p) : strlen(p), comm_len;
		bool has_hint = false;
		uint64_t hint = 0;

		trim(&item, &len);
		if (len) {
			at = memmem(item, len, "@hint=", 6);
			comm = item;
			comm_len = len;
			if (at) {
				const char *h = at + 6;
				size_t hl = len - (size_t)(h - item);
				char *num;
				int r;

				comm_len = (size_t)(at - item);
				trim(&comm, &comm_len);
				trim(&h, &hl);
				num = xstrndup(h, hl);
				r = parse_u64(num, 0, UINT64_MAX, &hint);
				free(num);
				if (r) {
					strbuf_addf(err, "invalid hint selector in category '%.*s'",
						    (int)len, item);
					for (size_t i = 0; i < nr_hinted; i++)
						free(hinted[i]);
					free(hinted);
					sched_categories_release(out);
					return -EINVAL;
				}
				has_hint = true;
				hinted = xrealloc(hinted, (nr_hinted + 1) * sizeof(*hinted));
				hinted[nr_hinted++] = xstrndup(comm, comm_len);
			}
			if (!cat_exists(out, item, len))
				cat_add(out, item, len, comm, comm_len, has_hint, hint);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	/* Every comm used with @hint= gets a <comm>@hint=0 category unless it has one. */
	if (nr_hinted > 1)
		qsort(hinted, nr_hinted, sizeof(*hinted), cstr_cmp);
	for (size_t i = 0; i < nr_hinted; i++) {
		bool has_zero = false;
		char *name;

		if (i && !strcmp(hinted[i], hinted[i - 1]))
			continue;
		for (size_t j = 0; j < out->n && !has_zero; j++)
			has_zero = out->v[j].has_hint && !out->v[j].hint &&
				   !strcmp(out->v[j].comm, hinted[i]);
		name = xasprintf("%s@hint=0", hinted[i]);
		if (!has_zero && !cat_exists(out, name, strlen(name)))
			cat_add(out, name, strlen(name), hinted[i], strlen(hinted[i]), true, 0);
		free(name);
	}
	for (size_t i = 0; i < nr_hinted; i++)
		free(hinted[i]);
	free(hinted);
	for (int s = 0; s < NR_SYS; s++)
		if (!cat_exists(out, sys_names[s], strlen(sys_names[s])))
			cat_add(out, sys_names[s], strlen(sys_names[s]), sys_names[s],
				strlen(sys_names[s]), false, 0);
	return 0;
}

void sched_categories_release(struct sched_categories *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].comm);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

bool glob_match(const char *pat, size_t plen, const char *s, size_t slen)
{
	size_t p = 0, i = 0, star = SIZE_MAX, mark = 0;

	while (i < slen) {
		if (p < plen && (pat[p] == '?' || (pat[p] != '*' && pat[p] == s[i]))) {
			p++;
			i++;
		} else if (p < plen && pat[p] == '*') {
			star = p++;
			mark = i;
		} else if (star != SIZE_MAX) {
			p = star + 1;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

size_t sched_categories_match(const struct sched_categories *c, const char *comm, size_t len,
			      uint64_t hint, uint32_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct sched_category *cat = &c->v[i];
		size_t cl = strlen(cat->comm);

		if (cat->has_hint && cat->hint != hint)
			continue;
		if (cat->glob ? glob_match(cat->comm, cl, comm, len)
			      : cl == len && !memcmp(cat->comm, comm, len))
			out[n++] = (uint32_t)i;
	}
	return n;
}

/* ---- records ---- */

enum {
	S_COMM,
	S_PID,
	S_TID,
	S_CPU,
	S_TIME,
	S_TIME_NS,
	S_EVENT,
	S_TRACE,
	S_FIELDS,
	S_HINT,
	NR_S,
};

static const struct jscan_field sfields[NR_S] = {
	[S_COMM] = {"comm", true},     [S_PID] = {"pid", true},	    [S_TID] = {"tid", true},
	[S_CPU] = {"cpu", true},       [S_TIME] = {"time", true},   [S_TIME_NS] = {"time_ns", false},
	[S_EVENT] = {"event", true},   [S_TRACE] = {"trace", true}, [S_FIELDS] = {"fields", false},
	[S_HINT] = {"hint", false},
};

static int sfield_lookup(struct jstr k)
{
	for (int f = 0; f < NR_S; f++)
		if (jstr_eq(k, sfields[f].name))
			return f;
	return -1;
}

/* The "fields" object: only what the model reads; other keys and types are ignored. */
static int parse_fields(struct jscan *s, struct sched_record *out)
{
	struct jstr key;
	struct jval v;
	int r;

	while ((r = jscan_object_next(s, &key)) == 1) {
		if (jscan_value(s, &v))
			return -EINVAL;
		if (v.type == J_OBJECT || v.type == J_ARRAY) {
			if (jscan_skip_rest(s))
				return -EINVAL;
			continue;
		}
		if (jstr_eq(key, "next_comm") && v.type == J_STRING) {
			out->next_comm = v.str.p;
			out->next_comm_len = v.str.len;
		} else if (jstr_eq(key, "next_pid") && v.type == J_NUMBER && v.is_i64 &&
			   v.i >= INT32_MIN && v.i <= INT32_MAX) {
			out->has_next_pid = true;
			out->next_pid = (int32_t)v.i;
		} else if (jstr_eq(key, "next_hint") && v.type == J_NUMBER && v.is_u64) {
			out->next_hint = v.u;
		} else if (jstr_eq(key, "action") && v.type == J_STRING) {
			out->action = v.str.p;
			out->action_len = v.str.len;
		}
	}
	return r;
}

static int sched_field(void *ctx, struct jscan_reader *r, struct jscan *s, int f,
		       const struct jval *v)
{
	struct sched_record *out = ctx;
	const char *name = sfields[f].name;
	int n = (int)MIN(v->str.len, 40);

	switch (f) {
	case S_COMM:
	case S_EVENT:
	case S_TRACE:
		if (v->type != J_STRING)
			return jscan_reader_fail(r, NULL, "\"%s\": expected a string, got %s", name,
						 jtype_name(v->type));
		if (f == S_COMM) {
			out->comm = v->str.p;
			out->comm_len = v->str.len;
		} else if (f == S_EVENT) {
			out->event = v->str.p;
			out->event_len = v->str.len;
		} else {
			out->trace = v->str.p;
			out->trace_len = v->str.len;
		}
		return 0;
	case S_PID:
	case S_TID:
		if (v->type != J_NUMBER || !v->is_int)
			return jscan_reader_fail(r, NULL, "\"%s\": expected an integer, got %s", name,
						 jtype_name(v->type));
		if (!v->is_i64 || v->i < INT32_MIN || v->i > INT32_MAX)
			return jscan_reader_fail(r, NULL,
						 "\"%s\": %.*s is out of range for a 32-bit integer",
						 name, n, v->str.p);
		*(f == S_PID ? &out->pid : &out->tid) = (int32_t)v->i;
		return 0;
	case S_CPU:
	case S_TIME_NS:
	case S_HINT:
		if (v->type != J_NUMBER || !v->is_int || v->str.p[0] == '-')
			return jscan_reader_fail(r, NULL, "\"%s\": expected an unsigned integer, got %s",
						 name,
						 v->type == J_NUMBER ? "another number"
								     : jtype_name(v->type));
		if (!v->is_u64 || (f == S_CPU && v->u > UINT32_MAX))
			return jscan_reader_fail(r, NULL, "\"%s\": %.*s is out of range", name, n,
						 v->str.p);
		if (f == S_CPU) {
			out->cpu = (uint32_t)v->u;
		} else if (f == S_HINT) {
			out->hint = v->u;
		} else {
			out->has_time_ns = true;
			out->time_ns = v->u;
		}
		return 0;
	case S_TIME:
		if (v->type != J_NUMBER)
			return jscan_reader_fail(r, NULL, "\"time\": expected a number, got %s",
						 jtype_name(v->type));
		if (!jscan_number_double(v, &out->time))
			return jscan_reader_fail(r, NULL, "\"time\": %.*s is out of range", n, v->str.p);
		return 0;
	default: /* S_FIELDS */
		if (v->type == J_NULL)
			return 0;
		if (v->type != J_OBJECT)
			return jscan_reader_fail(r, NULL, "\"fields\": expected an object, got %s",
						 jtype_name(v->type));
		out->has_fields = true;
		if (parse_fields(s, out))
			return jscan_reader_fail(r, s, "%s", s->err);
		return 0;
	}
}

int sched_record_parse(struct jscan_reader *r, const char *line, size_t len,
		       struct sched_record *out)
{
	memset(out, 0, sizeof(*out));
	out->next_comm = "";
	return jscan_record(r, line, len, sfields, NR_S, sfield_lookup, sched_field, out);
}

/* ---- the busy-interval model ---- */

enum {
	EXEC_IDLE = -2,
	EXEC_TASK = -1,	/* >= 0: a system category SYS_* */
};

struct exec {
	int kind;
	char *comm;	/* EXEC_TASK: owned copy */
	size_t len;
	uint64_t hint;
};

struct cpu_state {
	uint32_t cpu;
	uint64_t segment_start, last_seen;
	bool running;
	int32_t tid;
	char *comm;
	size_t comm_len;
	uint64_t hint;
	uint8_t *stack;
	size_t depth, alloc;
	struct exec active;
};

struct sched_util {
	uint64_t window_ms, window_ns;
	const struct sched_categories *cats;
	sched_interval_fn on_interval;
	void *arg;

	bool started, saw_switch;
	uint64_t trace_start, trace_end;
	struct u64map cpu_index;	/* cpu -> index in cpus */
	struct cpu_state *cpus;
	size_t nr_cpus, alloc_cpus;
	uint32_t max_cpu;
	uint64_t nr_intervals;

	struct strmap match_cache;	/* hint bytes + comm -> offset << 20 | count */
	uint32_t *pool;
	size_t nr_pool, alloc_pool;
	uint32_t *scratch;
	struct strbuf key;

	uint64_t *total, *uncat, *cat;	/* per bucket; cat[b * nr_cats + k] */
	size_t nr_buckets, alloc_buckets;	/* buckets touched so far */
	size_t final_buckets;
	int err;
	struct strbuf *errbuf;
};

struct sched_util *sched_util_new(uint64_t window_ms, const struct sched_categories *cats,
				  sched_interval_fn on_interval, void *arg)
{
	struct sched_util *u = xcalloc(1, sizeof(*u));

	u->window_ms = window_ms;
	u->window_ns = window_ms * 1000000ull;
	u->cats = cats;
	u->on_interval = on_interval;
	u->arg = arg;
	u64map_init(&u->cpu_index);
	strmap_init(&u->match_cache);
	u->scratch = xmalloc((cats->n + 1) * sizeof(*u->scratch));
	strbuf_init(&u->key, 64);
	return u;
}

void sched_util_free(struct sched_util *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nr_cpus; i++) {
		free(u->cpus[i].comm);
		free(u->cpus[i].stack);
		free(u->cpus[i].active.comm);
	}
	free(u->cpus);
	u64map_release(&u->cpu_index);
	strmap_release(&u->match_cache);
	free(u->pool);
	free(u->scratch);
	strbuf_release(&u->key);
	free(u->total);
	free(u->uncat);
	free(u->cat);
	free(u);
}

/* Matched categories of (comm, hint), computed once per distinct pair. */
static size_t matches(struct sched_util *u, const char *comm, size_t len, uint64_t hint,
		      const uint32_t **out)
{
	bool created;
	uint64_t *v;

	strbuf_reset(&u->key);
	strbuf_add(&u->key, &hint, sizeof(hint));
	strbuf_add(&u->key, comm, len);
	v = strmap_upsert(&u->match_cache, u->key.buf, u->key.len, &created);
	if (created) {
		size_t n = sched_categories_match(u->cats, comm, len, hint, u->scratch);

		xgrow((void **)&u->pool, &u->alloc_pool, u->nr_pool + n + 1, sizeof(*u->pool));
		memcpy(u->pool + u->nr_pool, u->scratch, n * sizeof(*u->pool));
		*v = (uint64_t)u->nr_pool << 20 | n;
		u->nr_pool += n;
	}
	*out = u->pool + (*v >> 20);
	return (size_t)(*v & 0xfffff);
}

static int grow_buckets(struct sched_util *u, size_t need)
{
	size_t old = u->alloc_buckets, k = u->cats->n, a;

	if (need <= u->nr_buckets)
		return 0;
	if (need > SCHED_UTIL_MAX_BUCKETS) {
		if (u->errbuf)
			strbuf_addf(u->errbuf,
				    "the trace spans more than %llu windows of %llu ms; use a larger "
				    "--window-ms",
				    SCHED_UTIL_MAX_BUCKETS, (unsigned long long)u->window_ms);
		return -E2BIG;
	}
	if (need > old) {
		a = old;
		xgrow((void **)&u->total, &a, need, sizeof(uint64_t));
		a = old;
		xgrow((void **)&u->uncat, &a, need, sizeof(uint64_t));
		u->cat = xrealloc(u->cat, (a * k + 1) * sizeof(uint64_t));
		memset(u->total + old, 0, (a - old) * sizeof(uint64_t));
		memset(u->uncat + old, 0, (a - old) * sizeof(uint64_t));
		memset(u->cat + old * k, 0, (a - old) * k * sizeof(uint64_t));
		u->alloc_buckets = a;
	}
	u->nr_buckets = need;
	return 0;
}

static void account(struct sched_util *u, uint32_t cpu, const char *comm, size_t len,
		    uint64_t hint, uint64_t start, uint64_t end)
{
	struct sched_interval iv = {cpu, start, end, comm, len, hint};
	const uint64_t w = u->window_ns, ts = u->trace_start;
	const uint32_t *m;
	size_t nm, b0, b1, k = u->cats->n;

	u->nr_intervals++;
	if (u->on_interval)
		u->on_interval(u->arg, &iv);
	if (start < ts)
		start = ts;
	if (end <= start || u->err)
		return;
	nm = matches(u, comm, len, hint, &m);
	b0 = (size_t)((start - ts) / w);
	b1 = (size_t)((end - ts - 1) / w);
	if (grow_buckets(u, b1 + 1)) {
		u->err = -E2BIG;
		return;
	}
	for (size_t b = b0; b <= b1; b++) {
		uint64_t bs = ts + b * w, lo = MAX(start, bs), hi = MIN(end, bs + w), d = hi - lo;

		u->total[b] += d;
		if (!nm)
			u->uncat[b] += d;
		for (size_t i = 0; i < nm; i++)
			u->cat[b * k + m[i]] += d;
	}
}

static void exec_current(const struct cpu_state *cs, struct exec *e)
{
	e->comm = NULL;
	e->len = 0;
	e->hint = 0;
	if (cs->depth) {
		e->kind = cs->stack[cs->depth - 1];
	} else if (cs->running) {
		if (cs->comm_len >= 10 && !memcmp(cs->comm, "ksoftirqd/", 10)) {
			e->kind = SYS_SOFTIRQ_OTHER;
		} else {
			e->kind = EXEC_TASK;
			e->comm = cs->comm;
			e->len = cs->comm_len;
			e->hint = cs->hint;
		}
	} else {
		e->kind = EXEC_IDLE;
	}
}

static bool exec_eq(const struct exec *a, const struct exec *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind != EXEC_TASK)
		return true;
	return a->hint == b->hint && a->len == b->len && !memcmp(a->comm, b->comm, a->len);
}

static void emit(struct sched_util *u, struct cpu_state *cs, uint64_t start, uint64_t end)
{
	const struct exec *a = &cs->active;

	if (a->kind == EXEC_IDLE || end <= start)
		return;
	if (a->kind == EXEC_TASK)
		account(u, cs->cpu, a->comm, a->len, a->hint, start, end);
	else
		account(u, cs->cpu, sys_names[a->kind], strlen(sys_names[a->kind]), 0, start, end);
}

static void sync_cpu(struct sched_util *u, struct cpu_state *cs, uint64_t t)
{
	struct exec next;

	exec_current(cs, &next);
	if (exec_eq(&next, &cs->active))
		return;
	emit(u, cs, cs->segment_start, t);
	cs->segment_start = t;
	free(cs->active.comm);
	cs->active = next;
	cs->active.comm = next.kind == EXEC_TASK ? xstrndup(next.comm, next.len) : NULL;
}

static struct cpu_state *cpu_get(struct sched_util *u, uint32_t cpu, uint64_t t)
{
	bool created;
	uint64_t *v = u64map_upsert(&u->cpu_index, cpu, &created);
	struct cpu_state *cs;

	if (!created)
		return &u->cpus[*v];
	xgrow((void **)&u->cpus, &u->alloc_cpus, u->nr_cpus + 1, sizeof(*u->cpus));
	cs = &u->cpus[u->nr_cpus];
	memset(cs, 0, sizeof(*cs));
	cs->cpu = cpu;
	cs->segment_start = cs->last_seen = t;
	cs->active.kind = EXEC_IDLE;
	u->max_cpu = MAX(u->max_cpu, cpu);
	*v = u->nr_cpus++;
	return cs;
}

static void stack_push(struct cpu_state *cs, uint8_t kind)
{
	xgrow((void **)&cs->stack, &cs->alloc, cs->depth + 1, 1);
	cs->stack[cs->depth++] = kind;
}

/* Remove the topmost element for which pred(kind) holds, if any. */
static void stack_remove_last(struct cpu_state *cs, bool softirq)
{
	for (size_t i = cs->depth; i-- > 0;) {
		bool is_soft = cs->stack[i] != SYS_HARDIRQ;

		if (is_soft == softirq) {
			memmove(cs->stack + i, cs->stack + i + 1, cs->depth - i - 1);
			cs->depth--;
			return;
		}
	}
}

static bool str_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

/* "... delta_ns: 1234 ..." -> 1234. */
static bool nmi_delta(const struct sched_record *r, uint64_t *d)
{
	const char *p = memmem(r->trace, r->trace_len, "delta_ns:", 9), *end = r->trace + r->trace_len;
	char num[32];
	size_t n = 0;

	if (!p)
		return false;
	p += 9;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (p < end && !isspace((unsigned char)*p) && n < sizeof(num) - 1)
		num[n++] = *p++;
	if (n && num[n - 1] == ',')
		n--;
	num[n] = '\0';
	return n && !parse_u64(num, 0, UINT64_MAX, d);
}

int sched_util_add(struct sched_util *u, const struct sched_record *r, struct strbuf *err)
{
	struct cpu_state *cs;
	uint64_t t;

	if (r->has_time_ns) {
		t = r->time_ns;
	} else {
		double ns;

		if (!(r->time >= 0) || !isfinite(r->time))
			return 0;	/* invalid times are skipped, as upstream */
		ns = r->time * 1e9;
		t = ns >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)ns;
	}
	u->errbuf = err;
	if (!u->started) {
		u->started = true;
		u->trace_start = u->trace_end = t;
	}
	u->trace_end = MAX(u->trace_end, t);
	if (str_is(r->event, r->event_len, "sched:sched_switch"))
		u->saw_switch = true;
	cs = cpu_get(u, r->cpu, t);
	cs->last_seen = MAX(cs->last_seen, t);

	if (cs->running && r->tid == cs->tid && r->hint != cs->hint) {
		cs->hint = r->hint;
		sync_cpu(u, cs, t);
	}
	if (str_is(r->event, r->event_len, "sched:sched_switch")) {
		if (r->has_fields) {
			int32_t idle_pid = r->has_next_pid ? r->next_pid : -1;
			bool idle = idle_pid == 0 ||
				    (r->next_comm_len >= 7 && !memcmp(r->next_comm, "swapper", 7));

			free(cs->comm);
			cs->comm = NULL;
			cs->comm_len = 0;
			cs->running = !idle;
			if (!idle) {
				cs->tid = r->has_next_pid ? r->next_pid : 0;
				cs->comm = xstrndup(r->next_comm, r->next_comm_len);
				cs->comm_len = r->next_comm_len;
				cs->hint = r->next_hint;
			}
			sync_cpu(u, cs, t);
		}
	} else if (str_is(r->event, r->event_len, "irq:irq_handler_entry")) {
		stack_push(cs, SYS_HARDIRQ);
		sync_cpu(u, cs, t);
	} else if (str_is(r->event, r->event_len, "irq:irq_handler_exit")) {
		stack_remove_last(cs, false);
		sync_cpu(u, cs, t);
	} else if (str_is(r->event, r->event_len, "irq:softirq_entry")) {
		uint8_t kind = SYS_SOFTIRQ_OTHER;

		if (r->action && str_is(r->action, r->action_len, "NET_RX"))
			kind = SYS_SOFTIRQ_RX;
		else if (r->action && str_is(r->action, r->action_len, "NET_TX"))
			kind = SYS_SOFTIRQ_TX;
		stack_push(cs, kind);
		sync_cpu(u, cs, t);
	} else if (str_is(r->event, r->event_len, "irq:softirq_exit")) {
		stack_remove_last(cs, true);
		sync_cpu(u, cs, t);
	} else if (r->event_len >= 4 && !memcmp(r->event, "nmi:", 4)) {
		uint64_t d, s;

		if (nmi_delta(r, &d)) {
			s = d > t ? 0 : t - d;
			/* Upstream counts [s, segment_start) twice when the NMI began earlier. */
			s = MAX(s, cs->segment_start);
			emit(u, cs, cs->segment_start, s);
			cs->segment_start = s;
			if (t > s)
				account(u, cs->cpu, sys_names[SYS_NMI], strlen(sys_names[SYS_NMI]), 0,
					s, t);
			cs->segment_start = MAX(t, cs->segment_start);
		}
	}
	return u->err;
}

int sched_util_finish(struct sched_util *u, struct strbuf *err)
{
	uint64_t w = u->window_ns, span;
	size_t k = u->cats->n;

	u->errbuf = err;
	for (size_t i = 0; i < u->nr_cpus; i++) {
		struct cpu_state *cs = &u->cpus[i];

		emit(u, cs, cs->segment_start, MAX(cs->last_seen, cs->segment_start));
	}
	if (u->err)
		return u->err;
	if (!u->saw_switch) {
		strbuf_addstr(err, "no sched:sched_switch events found in perf.sched.jsonl");
		return -EINVAL;
	}
	if (u->trace_end <= u->trace_start) {
		strbuf_addstr(err, "non-positive sched trace duration");
		return -EINVAL;
	}
	if (!u->nr_cpus) {
		strbuf_addstr(err, "no CPUs observed in sched trace");
		return -EINVAL;
	}
	span = u->trace_end - u->trace_start;
	if (grow_buckets(u, (size_t)(span / w + (span % w != 0))))
		return -E2BIG;
	u->final_buckets = (size_t)(span / w + (span % w != 0));
	for (size_t b = 0; b < u->final_buckets; b++) {
		uint64_t sum = u->uncat[b];

		for (size_t c = 0; c < k; c++)
			sum += u->cat[b * k + c];
		if (sum == u->total[b])
			continue;
		strbuf_addf(err,
			    "sched util categories are not mutually exclusive in bucket starting at "
			    "%llums: total=%lluns uncategorized=%lluns categorized_sum=%lluns [",
			    (unsigned long long)(b * w / 1000000), (unsigned long long)u->total[b],
			    (unsigned long long)u->uncat[b],
			    (unsigned long long)(sum - u->uncat[b]));
		for (size_t c = 0, n = 0; c < k; c++)
			if (u->cat[b * k + c])
				strbuf_addf(err, "%s%s=%lluns", n++ ? ", " : "", u->cats->v[c].name,
					    (unsigned long long)u->cat[b * k + c]);
		strbuf_addstr(err, "]. Fix --categories so each busy interval matches at most one "
				   "category");
		return -EINVAL;
	}
	return 0;
}

void sched_util_write(const struct sched_util *u, struct strbuf *out)
{
	struct json_writer w;
	size_t k = u->cats->n;

	jw_init(&w, out, 0);
	for (size_t b = 0; b < u->final_buckets; b++) {
		uint64_t bs = u->trace_start + b * u->window_ns;
		uint64_t be = MIN(bs + u->window_ns, u->trace_end);
		double scale = 100.0 / ((double)(be - bs) * (double)u->nr_cpus);

		jw_reset(&w);
		jw_obj_begin(&w);
		jw_kv_u64(&w, "time_ms", (bs - u->trace_start) / 1000000);
		jw_kv_u64(&w, "window_ms", u->window_ms);
		jw_kv_u64(&w, "cpu_count", u->nr_cpus);
		jw_kv_double(&w, "total", (double)u->total[b] * scale);
		jw_kv_double(&w, "uncategorized", (double)u->uncat[b] * scale);
		jw_key(&w, "categories");
		jw_obj_begin(&w);
		for (size_t c = 0; c < k; c++)
			jw_kv_double(&w, u->cats->v[c].name, (double)u->cat[b * k + c] * scale);
		jw_obj_end(&w);
		jw_obj_end(&w);
		strbuf_addch(out, '\n');
	}
}

void sched_util_summary(const struct sched_util *u, struct strbuf *out)
{
	strbuf_addf(out, "sched util: %llu intervals, %zu buckets, %zu cpus, %zu categories\n",
		    (unsigned long long)u->nr_intervals, u->final_buckets, u->nr_cpus, u->cats->n);
}

void sched_util_missing_cpus(const struct sched_util *u, struct strbuf *out)
{
	uint64_t missing = (uint64_t)u->max_cpu + 1 - u->nr_cpus, listed = 0;

	if (!u->nr_cpus || !missing)
		return;
	strbuf_addf(out, "%llu CPU%s below CPU %u never appear in the trace (",
		    (unsigned long long)missing, missing == 1 ? "" : "s", u->max_cpu);
	for (uint64_t c = 0; c < u->max_cpu && listed < 16; c++) {
		if (u64map_get(&u->cpu_index, c))
			continue;
		strbuf_addf(out, "%s%llu", listed++ ? ", " : "", (unsigned long long)c);
	}
	if (missing > listed)
		strbuf_addf(out, ", ... %llu more", (unsigned long long)(missing - listed));
	strbuf_addf(out, "); utilization is relative to the %zu CPUs seen", u->nr_cpus);
}

uint64_t sched_util_trace_start(const struct sched_util *u)
{
	return u->trace_start;
}

uint64_t sched_util_trace_end(const struct sched_util *u)
{
	return u->trace_end;
}

size_t sched_util_cpu_count(const struct sched_util *u)
{
	return u->nr_cpus;
}

uint64_t sched_util_nr_intervals(const struct sched_util *u)
{
	return u->nr_intervals;
}

size_t sched_util_nr_buckets(const struct sched_util *u)
{
	return u->final_buckets;
}
