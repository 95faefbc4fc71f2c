// SPDX-License-Identifier: GPL-2.0
#include "extract/locality.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/util.h"

#define PAGE_BITS 48	/* 6 bits of log2(page size), 42 bits of page frame number */
#define PFN_BITS 42
#define PAGE_MASK ((1ull << PAGE_BITS) - 1)

void loc_map_init(struct loc_page_map *m, uint64_t max_entries)
{
	memset(m, 0, sizeof(*m));
	u64map_init(&m->map);
	m->max_entries = max_entries ? max_entries : LOC_DEFAULT_MAX_ENTRIES;
}

void loc_map_release(struct loc_page_map *m)
{
	u64map_release(&m->map);
}

static inline bool page_sampled_out(uint64_t page, unsigned shift)
{
	return shift && hash_u64(page) >> (64 - shift);
}

/* Keep a uniform half (quarter, ...) of the pages until the map is under half its cap. */
static void loc_map_downsample(struct loc_page_map *m)
{
	do {
		struct u64map keep;
		uint64_t key, *val;

		u64map_init(&keep);
		m->shift++;
		for (size_t it = 0; u64map_next(&m->map, &it, &key, &val);) {
			if (page_sampled_out(key & PAGE_MASK, m->shift))
				m->unsampled += *val;
			else
				*u64map_upsert(&keep, key, NULL) = *val;
		}
		u64map_release(&m->map);
		m->map = keep;
	} while (m->map.len > m->max_entries / 2 && m->shift < 63);
}

void loc_map_add(struct loc_page_map *m, uint32_t cid, uint64_t phys_addr, uint64_t page_size)
{
	unsigned sh = page_size ? 63 - (unsigned)__builtin_clzll(page_size) : 12;
	uint64_t page = (uint64_t)sh << PFN_BITS | ((phys_addr >> sh) & ((1ull << PFN_BITS) - 1));

	m->samples++;
	if (page_sampled_out(page, m->shift)) {
		m->unsampled++;
		return;
	}
	(*u64map_upsert(&m->map, (uint64_t)(cid & 0xffff) << PAGE_BITS | page, NULL))++;
	if (m->map.len > m->max_entries)
		loc_map_downsample(m);
}

static int entry_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct loc_entry *)a)->key, y = ((const struct loc_entry *)b)->key;

	return x < y ? -1 : x > y;
}

void loc_pages_build(struct loc_pages *p, const struct loc_page_map *m)
{
	uint64_t key, *val;
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	p->e = xmalloc((m->map.len ? m->map.len : 1) * sizeof(*p->e));
	for (size_t it = 0; u64map_next(&m->map, &it, &key, &val);) {
		p->e[n].key = (key & PAGE_MASK) << 16 | key >> PAGE_BITS;
		p->e[n].count = *val;
		n++;
	}
	qsort(p->e, n, sizeof(*p->e), entry_cmp);
	p->n = n;
	for (size_t i = 0; i < n; i++)
		p->nr_pages += !i || loc_entry_page(&p->e[i]) != loc_entry_page(&p->e[i - 1]);
}

void loc_pages_release(struct loc_pages *p)
{
	free(p->e);
	memset(p, 0, sizeof(*p));
}

/* End (exclusive) of the run of entries of the page starting at i. */
static size_t page_end(const struct loc_pages *p, size_t i)
{
	uint64_t page = loc_entry_page(&p->e[i]);
	size_t j = i + 1;

	while (j < p->n && loc_entry_page(&p->e[j]) == page)
		j++;
	return j;
}

struct item {
	uint32_t gid;
	int unit;
	uint64_t count;
};

void loc_affinity(const struct loc_pages *p, const struct loc_clusters *c, const int *unit_of,
		  size_t nr_units, uint64_t *shared, uint64_t *tracked)
{
	struct item *items = NULL;
	size_t alloc = 0;

	memset(shared, 0, nr_units * nr_units * sizeof(*shared));
	memset(tracked, 0, nr_units * sizeof(*tracked));
	for (size_t i = 0, j; i < p->n; i = j) {
		size_t k = 0;

		j = page_end(p, i);
		xgrow((void **)&items, &alloc, j - i, sizeof(*items));
		for (size_t e = i; e < j; e++) {
			uint32_t cid = loc_entry_cid(&p->e[e]);
			int u;
			size_t x;

			if (cid >= c->nr_cids || (u = unit_of[c->nid[cid]]) < 0)
				continue;
			tracked[u] += p->e[e].count;
			for (x = 0; x < k; x++)
				if (items[x].gid == c->gid[cid] && items[x].unit == u)
					break;
			if (x == k)
				items[k++] = (struct item){c->gid[cid], u, 0};
			items[x].count += p->e[e].count;
		}
		for (size_t a = 0; a < k; a++) {
			for (size_t b = a + 1; b < k; b++) {
				uint64_t m;

				if (items[a].gid != items[b].gid || items[a].unit == items[b].unit)
					continue;
				m = MIN(items[a].count, items[b].count);
				shared[(size_t)items[a].unit * nr_units + (size_t)items[b].unit] += m;
				shared[(size_t)items[b].unit * nr_units + (size_t)items[a].unit] += m;
			}
		}
	}
	free(items);
}

void loc_score_compute(const struct loc_pages *p, const struct loc_clusters *c,
		       const int *subcell_of, size_t nr_subcells, struct loc_score *out)
{
	uint64_t *stamp = xcalloc(nr_subcells ? nr_subcells : 1, sizeof(*stamp));
	uint64_t page_no = 0;

	memset(out, 0, sizeof(*out));
	out->sc = xcalloc(nr_subcells ? nr_subcells : 1, sizeof(*out->sc));
	out->nr_subcells = nr_subcells;
	for (size_t i = 0, j; i < p->n; i = j) {
		uint64_t total = 0;
		uint32_t gid0 = UINT32_MAX;
		int sc0 = -1;
		bool together = true;
		size_t k;

		j = page_end(p, i);
		k = j - i;
		page_no++;
		for (size_t e = i; e < j; e++) {
			uint32_t cid = loc_entry_cid(&p->e[e]);
			uint32_t gid = cid < c->nr_cids ? c->gid[cid] : UINT32_MAX - 1;
			int s = cid < c->nr_cids ? subcell_of[c->nid[cid]] : -1;

			total += p->e[e].count;
			if (e == i) {
				gid0 = gid;
				sc0 = s;
			} else if (gid != gid0 || s != sc0 || s < 0) {
				together = false;
			}
		}
		out->accesses += total;
		out->pages++;
		if (k >= 2) {
			out->shared_accesses += total;
			out->shared_pages++;
			if (together) {
				out->retained_accesses += total;
				out->retained_pages++;
			}
		}
		for (size_t e = i; e < j; e++) {
			uint32_t cid = loc_entry_cid(&p->e[e]);
			int s = cid < c->nr_cids ? subcell_of[c->nid[cid]] : -1;
			struct loc_subcell_stats *st;

			if (s < 0 || (size_t)s >= nr_subcells)
				continue;
			st = &out->sc[s];
			st->accesses += p->e[e].count;
			if (stamp[s] == page_no)
				continue;
			stamp[s] = page_no;
			st->pages++;
			if (k == 1)
				st->pages_private++;
			else if (together)
				st->pages_within++;
			else
				st->pages_across++;
		}
	}
	free(stamp);
}

void loc_score_release(struct loc_score *s)
{
	free(s->sc);
	memset(s, 0, sizeof(*s));
}

double loc_score_retained(const struct loc_score *s)
{
	return s->shared_accesses ? (double)s->retained_accesses / (double)s->shared_accesses : -1.0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t loc_patterns_minimal(char **patterns, size_t n, char **out)
{
	char **sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	size_t k = 0;

	memcpy(sorted, patterns, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), str_cmp);
	for (size_t i = 0; i < n; i++) {
		bool covered = false;

		for (size_t j = 0; j < k && !covered; j++)
			covered = str_has_prefix(sorted[i], out[j]);
		if (!covered)
			out[k++] = sorted[i];
	}
	free(sorted);
	return k;
}

static void loc_unit_release(struct loc_unit *u)
{
	free(u->name);
	for (size_t i = 0; i < u->nr_members; i++)
		free(u->members[i]);
	free(u->members);
	free(u->nids);
	for (size_t i = 0; i < u->nr_patterns; i++)
		free(u->patterns[i]);
	free(u->patterns);
	memset(u, 0, sizeof(*u));
}

static size_t merged_patterns(const struct loc_unit *a, const struct loc_unit *b, char **out)
{
	char **all = xmalloc((a->nr_patterns + b->nr_patterns + 1) * sizeof(*all));
	size_t n;

	memcpy(all, a->patterns, a->nr_patterns * sizeof(*all));
	memcpy(all + a->nr_patterns, b->patterns, b->nr_patterns * sizeof(*all));
	n = loc_patterns_minimal(all, a->nr_patterns + b->nr_patterns, out);
	free(all);
	return n;
}

static size_t merged_pattern_count(const struct loc_unit *a, const struct loc_unit *b)
{
	char **tmp = xmalloc((a->nr_patterns + b->nr_patterns + 1) * sizeof(*tmp));
	size_t n = merged_patterns(a, b, tmp);

	free(tmp);
	return n;
}

static void unit_set_name(struct loc_unit *u)
{
	struct strbuf sb = STRBUF_INIT;

	qsort(u->members, u->nr_members, sizeof(*u->members), str_cmp);
	for (size_t i = 0; i < u->nr_members; i++) {
		if (i)
			strbuf_addch(&sb, '+');
		strbuf_addstr(&sb, u->members[i]);
	}
	free(u->name);
	u->name = strbuf_detach(&sb, NULL);
}

/* Fold unit b into unit a (a may be rest: b's patterns are then dropped). */
static void unit_merge(struct loc_unit *a, struct loc_unit *b, int *unit_of, int ai)
{
	for (size_t i = 0; i < b->nr_nids; i++)
		unit_of[b->nids[i]] = ai;
	a->nids = xrealloc(a->nids, (a->nr_nids + b->nr_nids + 1) * sizeof(*a->nids));
	memcpy(a->nids + a->nr_nids, b->nids, b->nr_nids * sizeof(*b->nids));
	a->nr_nids += b->nr_nids;
	a->samples += b->samples;
	if (!a->rest) {
		char **pats = xmalloc((a->nr_patterns + b->nr_patterns + 1) * sizeof(*pats));
		size_t n = merged_patterns(a, b, pats);
		char **keep = xmalloc((n + 1) * sizeof(*keep));

		for (size_t i = 0; i < n; i++)
			keep[i] = xstrdup(pats[i]);
		for (size_t i = 0; i < a->nr_patterns; i++)
			free(a->patterns[i]);
		free(a->patterns);
		free(pats);
		a->patterns = keep;
		a->nr_patterns = n;
		a->members = xrealloc(a->members,
				      (a->nr_members + b->nr_members + 1) * sizeof(*a->members));
		for (size_t i = 0; i < b->nr_members; i++)
			a->members[a->nr_members++] = xstrdup(b->members[i]);
		unit_set_name(a);
	}
	loc_unit_release(b);
	b->gone = true;
}

struct pair {
	int a, b;
	double aff;
	uint64_t shared;
};

/* Is x a better merge than y? Highest affinity, then most shared accesses, then names. */
static bool pair_better(const struct pair *x, const struct pair *y, const struct loc_unit *u)
{
	int c;

	if (y->a < 0)
		return true;
	if (x->aff != y->aff)
		return x->aff > y->aff;
	if (x->shared != y->shared)
		return x->shared > y->shared;
	c = strcmp(u[x->a].name, u[y->a].name);
	return c ? c < 0 : strcmp(u[x->b].name, u[y->b].name) < 0;
}

static void add_step(struct loc_result *r, const char *a, const char *b, double aff, bool forced)
{
	r->steps = xrealloc(r->steps, (r->nr_steps + 1) * sizeof(*r->steps));
	r->steps[r->nr_steps++] = (struct loc_step){xstrdup(a), xstrdup(b), aff, forced};
}

void loc_cluster(const struct loc_pages *p, const struct loc_clusters *c, struct loc_unit *units,
		 size_t nr_units, double threshold, size_t max_units, size_t max_patterns,
		 struct loc_result *out)
{
	size_t n = nr_units, rest = n - 1;
	int *unit_of = xmalloc((c->nr_nids ? c->nr_nids : 1) * sizeof(*unit_of));
	uint64_t *shared = xcalloc(n * n + 1, sizeof(*shared));
	uint64_t *tracked = xcalloc(n ? n : 1, sizeof(*tracked));

	memset(out, 0, sizeof(*out));
	out->units = units;
	out->nr_units = n;
	for (size_t i = 0; i < c->nr_nids; i++)
		unit_of[i] = -1;
	for (size_t u = 0; u < n; u++)
		for (size_t i = 0; i < units[u].nr_nids; i++)
			unit_of[units[u].nids[i]] = (int)u;

	for (bool first = true;; first = false) {
		struct pair best = {-1, -1, 0, 0}, any = {-1, -1, 0, 0};
		size_t live = 0;

		loc_affinity(p, c, unit_of, n, shared, tracked);
		if (first) {
			out->nr0 = n;
			out->names0 = xmalloc(n * sizeof(*out->names0));
			for (size_t u = 0; u < n; u++)
				out->names0[u] = xstrdup(units[u].name);
			out->affinity0 = xcalloc(n * n + 1, sizeof(double));
			out->shared0 = xmalloc((n * n + 1) * sizeof(uint64_t));
			memcpy(out->shared0, shared, n * n * sizeof(uint64_t));
		}
		for (size_t a = 0; a < n; a++) {
			if (units[a].gone)
				continue;
			live += !units[a].rest;
			for (size_t b = a + 1; b < n; b++) {
				uint64_t den = MIN(tracked[a], tracked[b]);
				struct pair cand = {(int)a, (int)b, 0, shared[a * n + b]};

				if (units[b].gone)
					continue;
				cand.aff = den ? (double)cand.shared / (double)den : 0.0;
				if (first) {
					out->affinity0[a * n + b] = cand.aff;
					out->affinity0[b * n + a] = cand.aff;
				}
				if (cand.aff <= 0)
					continue;
				if (!units[a].rest && !units[b].rest &&
				    merged_pattern_count(&units[a], &units[b]) > max_patterns)
					continue;
				if (pair_better(&cand, &any, units))
					any = cand;
				if (!units[a].rest && !units[b].rest && pair_better(&cand, &best, units))
					best = cand;
			}
		}
		if (best.a >= 0 && best.aff > threshold) {
			add_step(out, units[best.a].name, units[best.b].name, best.aff, false);
			unit_merge(&units[best.a], &units[best.b], unit_of, best.a);
			continue;
		}
		if (live <= max_units)
			break;
		if (any.a >= 0) {
			/* rest is the last unit, so it can only be b. */
			add_step(out, units[any.a].name, units[any.b].name, any.aff, true);
			if (units[any.b].rest)
				unit_merge(&units[any.b], &units[any.a], unit_of, any.b);
			else
				unit_merge(&units[any.a], &units[any.b], unit_of, any.a);
			continue;
		}
		/* Nothing shares pages: the least-sampled unit goes to rest (last by name on ties). */
		{
			int low = -1;

			for (size_t u = 0; u < n; u++) {
				if (units[u].gone || units[u].rest)
					continue;
				if (low < 0 || units[u].samples < units[low].samples ||
				    (units[u].samples == units[low].samples &&
				     strcmp(units[u].name, units[low].name) > 0))
					low = (int)u;
			}
			add_step(out, units[low].name, units[rest].name, 0.0, true);
			unit_merge(&units[rest], &units[low], unit_of, (int)rest);
		}
	}
	free(unit_of);
	free(shared);
	free(tracked);
}

void loc_result_release(struct loc_result *r)
{
	for (size_t i = 0; i < r->nr_units; i++)
		loc_unit_release(&r->units[i]);
	free(r->units);
	for (size_t i = 0; i < r->nr_steps; i++) {
		free(r->steps[i].a);
		free(r->steps[i].b);
	}
	free(r->steps);
	for (size_t i = 0; i < r->nr0; i++)
		free(r->names0[i]);
	free(r->names0);
	free(r->affinity0);
	free(r->shared0);
	memset(r, 0, sizeof(*r));
}
