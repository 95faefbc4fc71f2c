// SPDX-License-Identifier: GPL-2.0
#include "extract/extract_mem.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashmap.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/util.h"
#include "extract/locality.h"

#define CGROUP_CACHE_MAX 65536	/* distinct cgroups remembered; past it, classify each time */

enum group_type {
	GT_ALLOTMENT,
	GT_WORKLOAD,
	GT_REST,
};

struct comm_stat {
	char *comm;
	size_t len;
	uint64_t count;
	uint64_t hint0, hint0_count;	/* the first hint seen, kept inline (the usual case) */
	struct u64map *hints;		/* any other hint -> count */
	uint32_t nid;			/* normalized comm id (allotment groups) */
	uint32_t cid;			/* page-map cluster id (allotment groups, tracked pages) */
};

struct group {
	char *name;
	enum group_type type;
	uint64_t total;
	struct strmap comms;	/* comm -> index in stats */
	struct comm_stat *stats;
	size_t nr, alloc;
};

/* One subcell configuration of the allotment spec, with its locality score. */
struct layout {
	struct cell_spec spec;	/* name/match unused; the subcells */
	int *subcell_of;	/* nid -> subcell (the reader's choice) */
	struct loc_score score;
	bool scored;
};

struct extract_mem {
	struct extract_mem_opts opts;
	char *workload, *regex;
	pcre2_code *re;
	pcre2_match_data *md;
	struct strmap cgroups;		/* cgroup -> group index */
	struct strmap group_names;	/* group name -> group index */
	struct group *groups;
	size_t nr_groups, alloc_groups;
	uint64_t total;
	uint64_t phys_samples;		/* allotment samples with a physical address */

	/* normalized comms of the allotment groups */
	struct strmap nid_map;
	char **nid_names;
	size_t nr_nids, alloc_nids;

	/* page tracking */
	bool pages_on;
	struct loc_page_map pages;
	struct u64map cid_map;		/* gid << 32 | nid -> cid */
	uint32_t *cid_gid, *cid_nid;
	size_t nr_cids, alloc_cids;
	bool cid_overflow;

	/* results */
	bool finished;
	uint64_t allot_total;
	struct mem_summary allot;	/* merged allotment groups */
	uint32_t *entry_nid;		/* allot.e[i] -> nid */
	struct loc_pages pg;
	struct loc_clusters clusters;
	struct layout comm, loc;
	struct loc_result merge;
	bool merged;
	struct cell_config config;
};

void extract_mem_opts_init(struct extract_mem_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->workload = EXTRACT_DEFAULT_WORKLOAD;
	o->allotment_regex = EXTRACT_DEFAULT_ALLOTMENT_REGEX;
	o->cluster = EXTRACT_CLUSTER_COMM;
	o->affinity_threshold = EXTRACT_DEFAULT_AFFINITY;
	o->max_subcells = CELL_MAX_SUBCELLS;
}

size_t comm_normalize(const char *comm, size_t len)
{
	size_t n = len;

	while (n && comm[n - 1] >= '0' && comm[n - 1] <= '9')
		n--;
	return n ? n : len;
}

static double pct(uint64_t part, uint64_t whole)
{
	/* Divide first, then multiply: upstream's order, so the %.2f digits agree. */
	return (double)part / (double)whole * 100.0;
}

/* Rust regex rejects these PCRE features; mitosis compiles the pattern with it. */
static void regex_lint(const char *re)
{
	static const char *const lookaround[] = {"(?=", "(?!", "(?<=", "(?<!"};

	if (re[0] == '^' || str_has_prefix(re, "\\A"))
		pr_warn("the allotment regex '%s' is anchored at the start, but scx_mitosis matches "
			"it against absolute paths such as /sys/fs/cgroup/workload.slice/...; anchor "
			"with ^/sys/fs/cgroup/ or leave it unanchored",
			re);
	for (size_t i = 0; i < ARRAY_SIZE(lookaround); i++) {
		if (strstr(re, lookaround[i])) {
			pr_warn("the allotment regex '%s' uses look-around, which scx_mitosis's Rust "
				"regex rejects",
				re);
			break;
		}
	}
}

int extract_mem_new(const struct extract_mem_opts *opts, struct extract_mem **out,
		    struct strbuf *err)
{
	struct extract_mem *x;
	PCRE2_SIZE off;
	int code;
	uint32_t backrefs = 0;

	*out = NULL;
	if (opts->use_hints && (opts->cluster == EXTRACT_CLUSTER_LOCALITY || opts->track_pages)) {
		strbuf_addstr(err, "--use-hints cannot be combined with locality clustering or a "
				   "locality report");
		return -EINVAL;
	}
	if (opts->max_subcells < 1 || opts->max_subcells > CELL_MAX_SUBCELLS) {
		strbuf_addf(err, "max subcells must be from 1 to %d", CELL_MAX_SUBCELLS);
		return -EINVAL;
	}
	x = xcalloc(1, sizeof(*x));
	x->opts = *opts;
	x->workload = xstrdup(opts->workload ? opts->workload : EXTRACT_DEFAULT_WORKLOAD);
	x->regex = xstrdup(opts->allotment_regex ? opts->allotment_regex
						 : EXTRACT_DEFAULT_ALLOTMENT_REGEX);
	x->opts.workload = x->workload;
	x->opts.allotment_regex = x->regex;
	x->re = pcre2_compile((PCRE2_SPTR)x->regex, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
			      &code, &off, NULL);
	if (!x->re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		strbuf_addf(err, "invalid allotment regex '%s': %s at offset %zu", x->regex,
			    (const char *)msg, (size_t)off);
		extract_mem_free(x);
		return -EINVAL;
	}
	pcre2_jit_compile(x->re, PCRE2_JIT_COMPLETE); /* optional: falls back to the interpreter */
	x->md = pcre2_match_data_create_from_pattern(x->re, NULL);
	if (!x->md)
		die_oom();
	regex_lint(x->regex);
	if (!pcre2_pattern_info(x->re, PCRE2_INFO_BACKREFMAX, &backrefs) && backrefs)
		pr_warn("the allotment regex '%s' uses back-references, which scx_mitosis's Rust "
			"regex rejects",
			x->regex);
	strmap_init(&x->cgroups);
	strmap_init(&x->group_names);
	strmap_init(&x->nid_map);
	u64map_init(&x->cid_map);
	x->pages_on = opts->cluster == EXTRACT_CLUSTER_LOCALITY || opts->track_pages;
	if (x->pages_on)
		loc_map_init(&x->pages, opts->max_page_entries);
	*out = x;
	return 0;
}

static size_t group_get(struct extract_mem *x, const char *name, size_t len)
{
	bool created;
	uint64_t *v = strmap_upsert(&x->group_names, name, len, &created);
	struct group *g;

	if (!created)
		return (size_t)*v;
	xgrow((void **)&x->groups, &x->alloc_groups, x->nr_groups + 1, sizeof(*x->groups));
	g = &x->groups[x->nr_groups];
	memset(g, 0, sizeof(*g));
	g->name = xstrndup(name, len);
	if (!strcmp(g->name, "rest"))
		g->type = GT_REST;
	else if (!strcmp(g->name, x->workload))
		g->type = GT_WORKLOAD;
	else
		g->type = GT_ALLOTMENT;
	strmap_init(&g->comms);
	*v = x->nr_groups;
	return x->nr_groups++;
}

static size_t classify(struct extract_mem *x, const char *cgroup, size_t len)
{
	int rc;

	if (!memmem(cgroup, len, x->workload, strlen(x->workload)))
		return group_get(x, "rest", 4);
	rc = pcre2_match(x->re, (PCRE2_SPTR)cgroup, len, 0, 0, x->md, NULL);
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);

		return group_get(x, cgroup + ov[0], ov[1] - ov[0]);
	}
	return group_get(x, x->workload, strlen(x->workload));
}

static size_t group_of(struct extract_mem *x, const char *cgroup, size_t len)
{
	uint64_t *v = strmap_get(&x->cgroups, cgroup, len);
	size_t gi;

	if (v)
		return (size_t)*v;
	gi = classify(x, cgroup, len);
	if (x->cgroups.len < CGROUP_CACHE_MAX)
		*strmap_upsert(&x->cgroups, cgroup, len, NULL) = gi;
	return gi;
}

static uint32_t nid_get(struct extract_mem *x, const char *comm, size_t len)
{
	size_t n = comm_normalize(comm, len);
	bool created;
	uint64_t *v = strmap_upsert(&x->nid_map, comm, n, &created);

	if (created) {
		xgrow((void **)&x->nid_names, &x->alloc_nids, x->nr_nids + 1, sizeof(char *));
		x->nid_names[x->nr_nids] = xstrndup(comm, n);
		*v = x->nr_nids++;
	}
	return (uint32_t)*v;
}

static uint32_t cid_get(struct extract_mem *x, size_t gi, uint32_t nid)
{
	bool created;
	uint64_t *v;

	if (x->nr_cids >= LOC_MAX_CIDS && !u64map_get(&x->cid_map, (uint64_t)gi << 32 | nid)) {
		x->cid_overflow = true;
		return LOC_CID_OVERFLOW;
	}
	v = u64map_upsert(&x->cid_map, (uint64_t)gi << 32 | nid, &created);
	if (created) {
		size_t a = x->alloc_cids;

		xgrow((void **)&x->cid_gid, &a, x->nr_cids + 1, sizeof(uint32_t));
		xgrow((void **)&x->cid_nid, &x->alloc_cids, x->nr_cids + 1, sizeof(uint32_t));
		x->cid_gid[x->nr_cids] = (uint32_t)gi;
		x->cid_nid[x->nr_cids] = nid;
		*v = x->nr_cids++;
	}
	return (uint32_t)*v;
}

static struct comm_stat *stat_of(struct extract_mem *x, size_t gi, const char *comm, size_t len)
{
	struct group *g = &x->groups[gi];
	bool created;
	uint64_t *v = strmap_upsert(&g->comms, comm, len, &created);
	struct comm_stat *st;

	if (!created)
		return &g->stats[*v];
	xgrow((void **)&g->stats, &g->alloc, g->nr + 1, sizeof(*g->stats));
	st = &g->stats[g->nr];
	memset(st, 0, sizeof(*st));
	st->comm = xstrndup(comm, len);
	st->len = len;
	st->cid = LOC_CID_OVERFLOW;
	if (g->type == GT_ALLOTMENT) {
		st->nid = nid_get(x, comm, len);
		if (x->pages_on)
			st->cid = cid_get(x, gi, st->nid);
	}
	*v = g->nr++;
	return st;
}

void extract_mem_add(struct extract_mem *x, const struct mem_sample *s)
{
	size_t gi = group_of(x, s->cgroup ? s->cgroup : "", s->cgroup ? s->cgroup_len : 0);
	struct comm_stat *st = stat_of(x, gi, s->comm ? s->comm : "", s->comm ? s->comm_len : 0);
	struct group *g = &x->groups[gi];

	x->total++;
	g->total++;
	if (!st->count++ || st->hint0 == s->hint) {
		st->hint0 = s->hint;
		st->hint0_count++;
	} else {
		if (!st->hints) {
			st->hints = xmalloc(sizeof(*st->hints));
			u64map_init(st->hints);
		}
		(*u64map_upsert(st->hints, s->hint, NULL))++;
	}
	if (g->type == GT_ALLOTMENT && s->phys_addr) {
		x->phys_samples++;
		if (x->pages_on)
			loc_map_add(&x->pages, st->cid, s->phys_addr, s->page_size);
	}
}

/* ---- summaries ---- */

struct stat_ref {
	const struct comm_stat *st;
	size_t norm;
};

static int bytes_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, MIN(al, bl));

	return c ? c : (al > bl) - (al < bl);
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct stat_ref *a = pa, *b = pb;
	int c = bytes_cmp(a->st->comm, a->norm, b->st->comm, b->norm);

	return c ? c : bytes_cmp(a->st->comm, a->st->len, b->st->comm, b->st->len);
}

static int hint_cmp(const void *pa, const void *pb)
{
	const struct hint_count *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return (a->hint > b->hint) - (a->hint < b->hint);
}

static int comm_count_cmp(const void *pa, const void *pb)
{
	const struct comm_count *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->comm, b->comm);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct mem_summary_entry *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void add_hint(struct u64map *m, uint64_t hint, uint64_t count)
{
	*u64map_upsert(m, hint, NULL) += count;
}

/* Summarize the comm stats of the given groups (merged) by normalized comm. */
static void summarize(const struct extract_mem *x, const size_t *gis, size_t nr_gis,
		      struct mem_summary *out)
{
	struct stat_ref *refs;
	size_t n = 0, total = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nr_gis; i++) {
		total += x->groups[gis[i]].nr;
		out->total += x->groups[gis[i]].total;
	}
	refs = xmalloc((total ? total : 1) * sizeof(*refs));
	for (size_t i = 0; i < nr_gis; i++) {
		const struct group *g = &x->groups[gis[i]];

		for (size_t j = 0; j < g->nr; j++)
			refs[n++] = (struct stat_ref){&g->stats[j],
						      comm_normalize(g->stats[j].comm, g->stats[j].len)};
	}
	qsort(refs, n, sizeof(*refs), ref_cmp);
	out->e = xcalloc(n ? n : 1, sizeof(*out->e));
	for (size_t i = 0, j; i < n; i = j) {
		struct mem_summary_entry *e = &out->e[out->n++];
		struct u64map hints;
		uint64_t hint, *cnt;

		u64map_init(&hints);
		e->name = xstrndup(refs[i].st->comm, refs[i].norm);
		e->comms = xcalloc(1, sizeof(*e->comms));
		for (j = i; j < n && !bytes_cmp(refs[j].st->comm, refs[j].norm, refs[i].st->comm,
						refs[i].norm);
		     j++) {
			const struct comm_stat *st = refs[j].st;

			e->count += st->count;
			if (!e->nr_comms ||
			    strcmp(e->comms[e->nr_comms - 1].comm, st->comm)) {
				e->comms = xrealloc(e->comms, (e->nr_comms + 1) * sizeof(*e->comms));
				e->comms[e->nr_comms++] = (struct comm_count){xstrdup(st->comm), 0};
			}
			e->comms[e->nr_comms - 1].count += st->count;
			add_hint(&hints, st->hint0, st->hint0_count);
			for (size_t it = 0; st->hints && u64map_next(st->hints, &it, &hint, &cnt);)
				add_hint(&hints, hint, *cnt);
		}
		e->aggregated = e->nr_comms > 1;
		e->hints = xmalloc((hints.len ? hints.len : 1) * sizeof(*e->hints));
		for (size_t it = 0; u64map_next(&hints, &it, &hint, &cnt);)
			e->hints[e->nr_hints++] = (struct hint_count){hint, *cnt};
		u64map_release(&hints);
		qsort(e->hints, e->nr_hints, sizeof(*e->hints), hint_cmp);
		qsort(e->comms, e->nr_comms, sizeof(*e->comms), comm_count_cmp);
	}
	qsort(out->e, out->n, sizeof(*out->e), entry_cmp);
	free(refs);
}

void mem_summary_release(struct mem_summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct mem_summary_entry *e = &s->e[i];

		free(e->name);
		free(e->hints);
		for (size_t j = 0; j < e->nr_comms; j++)
			free(e->comms[j].comm);
		free(e->comms);
	}
	free(s->e);
	memset(s, 0, sizeof(*s));
}

int extract_mem_summarize(const struct extract_mem *x, const char *group, struct mem_summary *out)
{
	uint64_t *v = strmap_get(&x->group_names, group, strlen(group));
	size_t gi;

	memset(out, 0, sizeof(*out));
	if (!v)
		return -ENOENT;
	gi = (size_t)*v;
	summarize(x, &gi, 1, out);
	return 0;
}

/* ---- clustering ---- */

/* Group display order: allotment groups, the workload group, rest; then by name. */
static int group_order_cmp(const void *pa, const void *pb, void *arg)
{
	const struct extract_mem *x = arg;
	const struct group *a = &x->groups[*(const size_t *)pa], *b = &x->groups[*(const size_t *)pb];

	if (a->type != b->type)
		return (int)a->type - (int)b->type;
	return strcmp(a->name, b->name);
}

static size_t *groups_in_order(const struct extract_mem *x)
{
	size_t *order = xmalloc((x->nr_groups + 1) * sizeof(*order));

	for (size_t i = 0; i < x->nr_groups; i++)
		order[i] = i;
	qsort_r(order, x->nr_groups, sizeof(*order), group_order_cmp, (void *)x);
	return order;
}

static bool significant(uint64_t count, uint64_t total)
{
	return total && pct(count, total) > EXTRACT_SIGNIFICANT_PCT;
}


static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int entry_name_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct mem_summary_entry *const *)a)->name,
		      (*(const struct mem_summary_entry *const *)b)->name);
}

/*
 * Upstream's CommPrefix choice: the cluster name when several comms share it,
 * else the comms themselves (so the single comm "worker1" gives the prefix
 * "worker1" for the subcell "worker"). Borrowed strings; pats holds nr_comms + 1.
 */
static size_t cluster_patterns(const struct mem_summary_entry *e, const char **pats)
{
	bool all = e->nr_comms > 1 && e->name[0];

	for (size_t i = 0; i < e->nr_comms; i++)
		all = all && str_has_prefix(e->comms[i].comm, e->name);
	if (all) {
		pats[0] = e->name;
		return 1;
	}
	for (size_t i = 0; i < e->nr_comms; i++)
		pats[i] = e->comms[i].comm;
	qsort(pats, e->nr_comms, sizeof(*pats), cstr_cmp);
	return e->nr_comms;
}

/* Prefixes cut to the reader's 15 bytes (warned about once, in finish), without duplicates. */
static void subcell_set_prefixes(struct subcell *sc, const char *const *pats, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t cut = utf8_truncate(pats[i], strlen(pats[i]), CELL_MAX_PREFIX);
		bool dup = false;

		for (size_t j = 0; j < sc->nr_prefixes && !dup; j++)
			dup = strlen(sc->prefixes[j]) == cut && !memcmp(sc->prefixes[j], pats[i], cut);
		if (!dup)
			subcell_add_prefix(sc, pats[i], cut);
	}
}

static void subcell_add_entry_comms(struct subcell *sc, const struct mem_summary_entry *e)
{
	for (size_t i = 0; i < e->nr_comms; i++)
		subcell_add_comm(sc, e->comms[i].comm, strlen(e->comms[i].comm));
}

/* The significant clusters of the merged allotment groups, in name order. */
static size_t significant_entries(const struct extract_mem *x,
				  const struct mem_summary_entry ***out)
{
	const struct mem_summary *s = &x->allot;
	const struct mem_summary_entry **v = xmalloc((s->n + 1) * sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (significant(s->e[i].count, x->allot_total))
			v[n++] = &s->e[i];
	qsort(v, n, sizeof(*v), entry_name_cmp);
	*out = v;
	return n;
}

struct rank {
	size_t idx;
	uint64_t samples;
	const char *name;
};

static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank *a = pa, *b = pb;

	if (a->samples != b->samples)
		return a->samples > b->samples ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * Keep the max-1 most-sampled subcells (ties by name) in their order; the others
 * are dropped, so their threads fall to rest. Says which.
 */
static void enforce_subcell_limit(struct cell_spec *spec, unsigned max_subcells, const char *what)
{
	size_t keep = max_subcells - 1, n = spec->nr_subcells, k = 0;
	struct strbuf names = STRBUF_INIT;
	struct rank *r;
	bool *drop;

	if (n <= keep)
		return;
	r = xmalloc(n * sizeof(*r));
	drop = xcalloc(n, sizeof(*drop));
	for (size_t i = 0; i < n; i++)
		r[i] = (struct rank){i, spec->subcells[i].samples, spec->subcells[i].name};
	qsort(r, n, sizeof(*r), rank_cmp);
	for (size_t i = keep; i < n; i++) {
		drop[r[i].idx] = true;
		strbuf_addf(&names, "%s%s", i > keep ? ", " : "", r[i].name);
	}
	pr_warn("%zu %s exceed the limit of %u subcells per cell (rest included); the "
		"least-sampled go to rest: %s",
		n, what, max_subcells, names.buf);
	strbuf_release(&names);
	for (size_t i = 0; i < n; i++) {
		if (drop[i])
			subcell_release(&spec->subcells[i]);
		else
			spec->subcells[k++] = spec->subcells[i];
	}
	spec->nr_subcells = k;
	free(drop);
	free(r);
}

static void order_and_close(struct cell_spec *spec)
{
	if (!spec->nr_subcells)
		return;
	if (cell_spec_order_subcells(spec))
		pr_warn("subcells reordered so that no CommPrefix takes the threads of a subcell "
			"listed after it (scx_mitosis picks the first match)");
	cell_spec_add_rest(spec);
}

static void build_comm_layout(struct extract_mem *x, struct cell_spec *spec)
{
	const struct mem_summary_entry **sig;
	size_t n = significant_entries(x, &sig);

	for (size_t k = 0; k < n; k++) {
		const struct mem_summary_entry *e = sig[k];
		const char **pats = xmalloc((e->nr_comms + 1) * sizeof(*pats));
		size_t np = cluster_patterns(e, pats);
		struct subcell *sc;

		if (!x->opts.use_hints || e->nr_hints <= 1) {
			sc = cell_spec_add_subcell(spec, e->name);
			subcell_set_prefixes(sc, pats, np);
			subcell_add_entry_comms(sc, e);
			sc->samples = e->count;
		} else {
			struct hint_count *h = xmalloc(e->nr_hints * sizeof(*h));
			size_t nh = 0;

			for (size_t i = 0; i < e->nr_hints; i++)
				if (significant(e->hints[i].count, e->count))
					h[nh++] = e->hints[i];
			for (size_t i = 1; i < nh; i++) /* ascending hint: insertion sort, nh <= 19 */
				for (size_t j = i; j && h[j - 1].hint > h[j].hint; j--) {
					struct hint_count t = h[j];

					h[j] = h[j - 1];
					h[j - 1] = t;
				}
			for (size_t i = 0; i < nh; i++) {
				char *name = xasprintf("%s@hint=%llu", e->name,
						       (unsigned long long)h[i].hint);

				sc = cell_spec_add_subcell(spec, name);
				free(name);
				subcell_set_prefixes(sc, pats, np);
				subcell_add_entry_comms(sc, e);
				sc->has_hint = true;
				sc->hint = h[i].hint;
				sc->samples = h[i].count;
			}
			free(h);
		}
		free(pats);
	}
	free(sig);
	enforce_subcell_limit(spec, x->opts.max_subcells,
			      x->opts.use_hints ? "significant comm/hint subcells"
						: "significant comm clusters");
	order_and_close(spec);
}

static int subcell_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct subcell *)a)->name, ((const struct subcell *)b)->name);
}

static void build_locality_layout(struct extract_mem *x, const uint32_t *nid_entry,
				  struct cell_spec *spec)
{
	const struct mem_summary_entry **sig;
	size_t n = significant_entries(x, &sig);
	struct loc_unit *units = xcalloc(n + 1, sizeof(*units));
	bool *in_unit = xcalloc(x->nr_nids + 1, sizeof(*in_unit));
	struct loc_unit *rest = &units[n];

	for (size_t k = 0; k < n; k++) {
		const struct mem_summary_entry *e = sig[k];
		struct loc_unit *u = &units[k];
		const char **pats = xmalloc((e->nr_comms + 1) * sizeof(*pats));
		uint32_t nid = (uint32_t)*strmap_get(&x->nid_map, e->name, strlen(e->name));

		u->name = xstrdup(e->name);
		u->members = xmalloc(sizeof(*u->members));
		u->members[u->nr_members++] = xstrdup(e->name);
		u->nids = xmalloc(sizeof(*u->nids));
		u->nids[u->nr_nids++] = nid;
		in_unit[nid] = true;
		u->nr_patterns = cluster_patterns(e, pats);
		u->patterns = xmalloc((u->nr_patterns + 1) * sizeof(*u->patterns));
		for (size_t i = 0; i < u->nr_patterns; i++)
			u->patterns[i] = xstrndup(pats[i], utf8_truncate(pats[i], strlen(pats[i]),
									  CELL_MAX_PREFIX));
		u->samples = e->count;
		free(pats);
	}
	rest->name = xstrdup("rest");
	rest->rest = true;
	rest->nids = xmalloc((x->nr_nids + 1) * sizeof(*rest->nids));
	for (uint32_t nid = 0; nid < x->nr_nids; nid++) {
		if (!in_unit[nid]) {
			rest->nids[rest->nr_nids++] = nid;
			rest->samples += x->allot.e[nid_entry[nid]].count;
		}
	}
	free(in_unit);
	free(sig);

	loc_cluster(&x->pg, &x->clusters, units, n + 1, x->opts.affinity_threshold,
		    x->opts.max_subcells - 1, CELL_MAX_ORS, &x->merge);
	x->merged = true;
	for (size_t k = 0; k < n; k++) {
		const struct loc_unit *u = &units[k];
		struct subcell *sc;

		if (u->gone)
			continue;
		sc = cell_spec_add_subcell(spec, u->name);
		subcell_set_prefixes(sc, (const char *const *)u->patterns, u->nr_patterns);
		for (size_t i = 0; i < u->nr_nids; i++)
			subcell_add_entry_comms(sc, &x->allot.e[nid_entry[u->nids[i]]]);
		sc->samples = u->samples;
	}
	if (spec->nr_subcells > 1)
		qsort(spec->subcells, spec->nr_subcells, sizeof(*spec->subcells),
		      subcell_name_cmp);
	order_and_close(spec);
}

/* Which subcell the reader gives each nid (majority of its samples), then the score. */
static void score_layout(struct extract_mem *x, struct layout *l)
{
	size_t ns = l->spec.nr_subcells ? l->spec.nr_subcells : 1;
	uint64_t *votes = xcalloc(x->nr_nids * ns + 1, sizeof(*votes));

	l->subcell_of = xcalloc(x->nr_nids + 1, sizeof(*l->subcell_of));
	for (size_t gi = 0; gi < x->nr_groups; gi++) {
		const struct group *g = &x->groups[gi];

		if (g->type != GT_ALLOTMENT)
			continue;
		for (size_t i = 0; i < g->nr; i++) {
			const struct comm_stat *st = &g->stats[i];
			int s = l->spec.nr_subcells
					? cell_spec_assign(&l->spec, st->comm, st->len, st->hint0)
					: 0;

			votes[st->nid * ns + (size_t)(s < 0 ? 0 : s)] += st->count;
		}
	}
	for (size_t nid = 0; nid < x->nr_nids; nid++) {
		size_t best = 0;

		for (size_t s = 1; s < ns; s++)
			if (votes[nid * ns + s] > votes[nid * ns + best])
				best = s;
		l->subcell_of[nid] = (int)best;
	}
	free(votes);
	loc_score_compute(&x->pg, &x->clusters, l->subcell_of, ns, &l->score);
	l->scored = true;
}

static void spec_copy_subcells(struct cell_spec *dst, const struct cell_spec *src)
{
	for (size_t i = 0; i < src->nr_subcells; i++) {
		const struct subcell *s = &src->subcells[i];
		struct subcell *d = cell_spec_add_subcell(dst, s->name);

		for (size_t j = 0; j < s->nr_prefixes; j++)
			subcell_add_prefix(d, s->prefixes[j], strlen(s->prefixes[j]));
		for (size_t j = 0; j < s->nr_comms; j++)
			subcell_add_comm(d, s->comms[j], strlen(s->comms[j]));
		d->has_hint = s->has_hint;
		d->hint = s->hint;
		d->catch_all = s->catch_all;
		d->samples = s->samples;
	}
}

static uint64_t group_total(const struct extract_mem *x, const char *name)
{
	uint64_t *v = strmap_get(&x->group_names, name, strlen(name));

	return v ? x->groups[*v].total : 0;
}

void extract_mem_finish(struct extract_mem *x)
{
	size_t *order = groups_in_order(x), nr_allot = 0;
	uint32_t *nid_entry;
	const struct cell_spec *chosen;
	struct strbuf why = STRBUF_INIT;

	if (x->finished) {
		free(order);
		return;
	}
	x->finished = true;
	while (nr_allot < x->nr_groups && x->groups[order[nr_allot]].type == GT_ALLOTMENT)
		nr_allot++;
	summarize(x, order, nr_allot, &x->allot);
	free(order);
	x->allot_total = x->allot.total;
	nid_entry = xcalloc(x->nr_nids + 1, sizeof(*nid_entry));
	for (size_t i = 0; i < x->allot.n; i++) {
		const struct mem_summary_entry *e = &x->allot.e[i];

		nid_entry[*strmap_get(&x->nid_map, e->name, strlen(e->name))] = (uint32_t)i;
		if (!significant(e->count, x->allot_total))
			continue;
		for (size_t j = 0; j < e->nr_comms; j++)
			if (strlen(e->comms[j].comm) > CELL_MAX_PREFIX)
				pr_warn("comm '%s' is longer than %d bytes (task->comm holds %d): "
					"its CommPrefix is cut to %zu bytes",
					e->comms[j].comm, CELL_MAX_PREFIX, CELL_MAX_PREFIX,
					utf8_truncate(e->comms[j].comm, strlen(e->comms[j].comm),
						      CELL_MAX_PREFIX));
	}

	if (x->pages_on) {
		loc_pages_build(&x->pg, &x->pages);
		x->clusters = (struct loc_clusters){x->nr_cids, x->cid_gid, x->cid_nid, x->nr_nids};
		if (x->pages.shift)
			pr_warn("the page map reached %llu entries: locality is measured on a uniform "
				"1/%llu of the pages (raise --max-page-entries for more)",
				(unsigned long long)x->pages.max_entries, 1ull << x->pages.shift);
		if (x->cid_overflow)
			pr_warn("more than %u comm clusters in allotment cgroups: pages of the later "
				"ones are not tracked",
				LOC_MAX_CIDS);
	}
	build_comm_layout(x, &x->comm.spec);
	if (x->opts.cluster == EXTRACT_CLUSTER_LOCALITY)
		build_locality_layout(x, nid_entry, &x->loc.spec);
	if (x->pages_on) {
		score_layout(x, &x->comm);
		if (x->opts.cluster == EXTRACT_CLUSTER_LOCALITY)
			score_layout(x, &x->loc);
	}
	free(nid_entry);

	chosen = x->opts.cluster == EXTRACT_CLUSTER_LOCALITY ? &x->loc.spec : &x->comm.spec;
	if (x->allot_total)
		spec_copy_subcells(cell_config_add_spec(&x->config, "allotment",
							CELL_MATCH_CGROUP_REGEX, x->regex),
				   chosen);
	if (group_total(x, x->workload) && strcmp(x->workload, "rest"))
		cell_config_add_spec(&x->config, x->workload, CELL_MATCH_CGROUP_CONTAINS,
				     x->workload);
	if (group_total(x, "rest"))
		cell_config_add_spec(&x->config, "rest", CELL_MATCH_ALL, NULL);
	for (size_t i = 0; i < chosen->nr_subcells; i++) {
		if (chosen->subcells[i].has_hint) {
			pr_warn("--use-hints: the current scx_mitosis reader (mitosis-next) rejects "
				"the {\"Hint\": ...} terms of this config; it loads only CommPrefix");
			break;
		}
	}
	if (!x->config.nr_specs)
		pr_warn("no samples: the config is empty ([]), which scx_mitosis refuses to load");
	if (cell_config_check(&x->config, &why))
		pr_warn("internal error: the config breaks a reader limit: %s", why.buf);
	strbuf_release(&why);
}

const struct cell_config *extract_mem_config(const struct extract_mem *x)
{
	return &x->config;
}

static void layout_release(struct layout *l)
{
	for (size_t i = 0; i < l->spec.nr_subcells; i++)
		subcell_release(&l->spec.subcells[i]);
	free(l->spec.subcells);
	free(l->subcell_of);
	loc_score_release(&l->score);
}

void extract_mem_free(struct extract_mem *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nr_groups; i++) {
		struct group *g = &x->groups[i];

		for (size_t j = 0; j < g->nr; j++) {
			free(g->stats[j].comm);
			if (g->stats[j].hints) {
				u64map_release(g->stats[j].hints);
				free(g->stats[j].hints);
			}
		}
		free(g->stats);
		strmap_release(&g->comms);
		free(g->name);
	}
	free(x->groups);
	strmap_release(&x->cgroups);
	strmap_release(&x->group_names);
	strmap_release(&x->nid_map);
	for (size_t i = 0; i < x->nr_nids; i++)
		free(x->nid_names[i]);
	free(x->nid_names);
	u64map_release(&x->cid_map);
	free(x->cid_gid);
	free(x->cid_nid);
	if (x->pages_on)
		loc_map_release(&x->pages);
	loc_pages_release(&x->pg);
	mem_summary_release(&x->allot);
	layout_release(&x->comm);
	layout_release(&x->loc);
	if (x->merged)
		loc_result_release(&x->merge);
	cell_config_release(&x->config);
	pcre2_match_data_free(x->md);
	pcre2_code_free(x->re);
	free(x->workload);
	free(x->regex);
	free(x);
}

/* ---- reports ---- */

static void report_group(struct strbuf *o, const struct mem_summary *s, const char *name,
			 uint64_t global, int verbosity, bool use_hints)
{
	size_t below = 0;
	bool star = false;

	strbuf_addf(o, "\n%s: %llu samples (%.2f%%)\n", name, (unsigned long long)s->total,
		    pct(s->total, global));
	for (size_t i = 0; i < s->n; i++) {
		const struct mem_summary_entry *e = &s->e[i];
		double p = pct(e->count, s->total);

		if (verbosity < 2 && !(p > 1.0)) {
			below++;
			continue;
		}
		strbuf_addf(o, "  %s%s: %llu (%.2f%%)\n", e->name, e->aggregated ? "*" : "",
			    (unsigned long long)e->count, p);
		star |= e->aggregated;
		if (use_hints && e->nr_hints > 1) {
			size_t hb = 0;

			for (size_t j = 0; j < e->nr_hints; j++) {
				double hp = pct(e->hints[j].count, e->count);

				if (verbosity < 2 && !(hp > 1.0)) {
					hb++;
					continue;
				}
				strbuf_addf(o, "    hint=%llu: %llu (%.2f%%)\n",
					    (unsigned long long)e->hints[j].hint,
					    (unsigned long long)e->hints[j].count, hp);
			}
			if (hb)
				strbuf_addf(o, "    ... %zu more hints below 1%%\n", hb);
		}
		if (verbosity >= 2 && e->nr_comms > 1)
			for (size_t j = 0; j < e->nr_comms; j++)
				strbuf_addf(o, "    %s: %llu (%.2f%%)\n", e->comms[j].comm,
					    (unsigned long long)e->comms[j].count,
					    pct(e->comms[j].count, e->count));
	}
	if (below)
		strbuf_addf(o, "  ... %zu more below 1%%\n", below);
	if (star)
		strbuf_addstr(o, "  * trailing numeric suffixes merged\n");
}

static const struct mem_summary_entry *nid_summary(const struct extract_mem *x, uint32_t nid)
{
	for (size_t i = 0; i < x->allot.n; i++)
		if (!strcmp(x->allot.e[i].name, x->nid_names[nid]))
			return &x->allot.e[i];
	return NULL;
}

/* The nids a layout puts in subcell s, by samples (desc) then name. */
static size_t layout_members(const struct extract_mem *x, const struct layout *l, int s,
			     const struct mem_summary_entry **out)
{
	size_t n = 0;

	for (uint32_t nid = 0; nid < x->nr_nids; nid++)
		if (l->subcell_of[nid] == s)
			out[n++] = nid_summary(x, nid);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && entry_cmp(out[j - 1], out[j]) > 0; j--) {
			const struct mem_summary_entry *t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void report_retained(struct strbuf *o, const struct loc_score *sc)
{
	double r = loc_score_retained(sc);

	if (r < 0)
		strbuf_addstr(o, "n/a");
	else
		strbuf_addf(o, "%.2f%%", r * 100.0);
}

static void report_layout(struct strbuf *o, const struct extract_mem *x, const struct layout *l,
			  const char *mode, int verbosity)
{
	const struct mem_summary_entry **m = xmalloc((x->nr_nids + 1) * sizeof(*m));
	size_t ns = l->spec.nr_subcells ? l->spec.nr_subcells : 1;

	strbuf_addf(o, "  subcells with --cluster %s:\n", mode);
	for (size_t s = 0; s < ns; s++) {
		const struct loc_subcell_stats *st = &l->score.sc[s];
		size_t n = layout_members(x, l, (int)s, m), shown = verbosity >= 2 ? n : MIN(n, 6);
		uint64_t samples = 0;

		for (size_t i = 0; i < n; i++)
			samples += m[i]->count;
		strbuf_addf(o, "    %s: ", l->spec.nr_subcells ? l->spec.subcells[s].name : "rest");
		for (size_t i = 0; i < shown; i++)
			strbuf_addf(o, "%s%s%s", i ? ", " : "", m[i]->name, m[i]->aggregated ? "*" : "");
		if (shown < n)
			strbuf_addf(o, " and %zu more", n - shown);
		strbuf_addf(o, "%s (%llu samples, %llu pages: %llu private, %llu shared within, "
			       "%llu shared across)\n",
			    n ? "" : "nothing", (unsigned long long)samples, (unsigned long long)st->pages,
			    (unsigned long long)st->pages_private, (unsigned long long)st->pages_within,
			    (unsigned long long)st->pages_across);
	}
	free(m);
}

static void report_locality(struct strbuf *o, const struct extract_mem *x, int verbosity)
{
	const struct loc_result *r = &x->merge;
	bool loc = x->opts.cluster == EXTRACT_CLUSTER_LOCALITY;

	strbuf_addf(o, "\nlocality in allotment: %llu samples, %llu with a physical address, "
		       "%llu pages, %llu shared by several clusters\n",
		    (unsigned long long)x->allot_total, (unsigned long long)x->phys_samples,
		    (unsigned long long)x->pg.nr_pages,
		    (unsigned long long)x->comm.score.shared_pages);
	if (x->pages.shift)
		strbuf_addf(o, "  page sampling: 1/%llu of the pages (page map capped at %llu "
			       "entries)\n",
			    1ull << x->pages.shift, (unsigned long long)x->pages.max_entries);
	if (loc && x->merged) {
		size_t n = r->nr0, shown = 0, limit = verbosity >= 2 ? SIZE_MAX : 10;

		for (size_t a = 0; a < n; a++) {
			for (size_t b = a + 1; b < n; b++) {
				double aff = r->affinity0[a * n + b];

				if (aff <= 0 || b == n - 1)	/* rest is last */
					continue;
				if (shown++ >= limit)
					continue;
				strbuf_addf(o, "  affinity %s ~ %s: %.2f (%llu shared accesses)\n",
					    r->names0[a], r->names0[b], aff,
					    (unsigned long long)r->shared0[a * n + b]);
			}
		}
		if (shown > limit)
			strbuf_addf(o, "  ... %zu more affine pairs (-vv shows all)\n", shown - limit);
		if (!shown)
			strbuf_addstr(o, "  no two significant clusters share a page\n");
		for (size_t i = 0; i < r->nr_steps; i++) {
			const struct loc_step *st = &r->steps[i];

			if (st->forced)
				strbuf_addf(o, "  merged %s + %s to fit %u subcells (affinity %.2f)\n",
					    st->a, st->b, x->opts.max_subcells, st->affinity);
			else
				strbuf_addf(o, "  merged %s + %s: affinity %.2f > %.2f\n", st->a,
					    st->b, st->affinity, x->opts.affinity_threshold);
		}
		report_layout(o, x, &x->loc, "locality", verbosity);
	}
	report_layout(o, x, &x->comm, "comm", verbosity);
	strbuf_addstr(o, "  locality retained: ");
	if (loc) {
		report_retained(o, &x->loc.score);
		strbuf_addstr(o, " with --cluster locality, ");
	}
	report_retained(o, &x->comm.score);
	strbuf_addstr(o, " with --cluster comm");
	if (!x->comm.score.shared_accesses)
		strbuf_addstr(o, " (no page is shared by two clusters)");
	strbuf_addch(o, '\n');
}

void extract_mem_report(const struct extract_mem *x, int verbosity, struct strbuf *out)
{
	size_t *order;

	if (verbosity < 1)
		return;
	order = groups_in_order(x);
	strbuf_addf(out, "Total samples: %llu\n", (unsigned long long)x->total);
	for (size_t i = 0; i < x->nr_groups; i++) {
		const struct group *g = &x->groups[order[i]];
		struct mem_summary s;

		summarize(x, &order[i], 1, &s);
		report_group(out, &s, g->name, x->total, verbosity, x->opts.use_hints);
		mem_summary_release(&s);
	}
	free(order);
	if (x->pages_on && x->finished && x->allot_total)
		report_locality(out, x, verbosity);
}

static void json_layout(struct json_writer *w, const struct extract_mem *x,
			const struct layout *l, const char *mode, bool chosen)
{
	const struct mem_summary_entry **m = xmalloc((x->nr_nids + 1) * sizeof(*m));
	size_t ns = l->spec.nr_subcells ? l->spec.nr_subcells : 1;
	double r = loc_score_retained(&l->score);

	jw_obj_begin(w);
	jw_kv_str(w, "cluster", mode);
	jw_kv_bool(w, "chosen", chosen);
	jw_key(w, "locality_retained");
	if (r < 0)
		jw_null(w);
	else
		jw_double(w, r);
	jw_kv_u64(w, "shared_accesses", l->score.shared_accesses);
	jw_kv_u64(w, "retained_accesses", l->score.retained_accesses);
	jw_kv_u64(w, "shared_pages", l->score.shared_pages);
	jw_kv_u64(w, "retained_pages", l->score.retained_pages);
	jw_key(w, "subcells");
	jw_arr_begin(w);
	for (size_t s = 0; s < ns; s++) {
		const struct subcell *sc = l->spec.nr_subcells ? &l->spec.subcells[s] : NULL;
		const struct loc_subcell_stats *st = &l->score.sc[s];
		size_t n = layout_members(x, l, (int)s, m);
		uint64_t samples = 0;

		jw_obj_begin(w);
		jw_kv_str(w, "name", sc ? sc->name : "rest");
		jw_key(w, "prefixes");
		jw_arr_begin(w);
		for (size_t i = 0; sc && i < sc->nr_prefixes; i++)
			jw_str(w, sc->prefixes[i]);
		jw_arr_end(w);
		jw_key(w, "clusters");
		jw_arr_begin(w);
		for (size_t i = 0; i < n; i++) {
			jw_str(w, m[i]->name);
			samples += m[i]->count;
		}
		jw_arr_end(w);
		jw_kv_u64(w, "samples", samples);
		jw_kv_u64(w, "accesses", st->accesses);
		jw_kv_u64(w, "pages", st->pages);
		jw_kv_u64(w, "pages_private", st->pages_private);
		jw_kv_u64(w, "pages_shared_within", st->pages_within);
		jw_kv_u64(w, "pages_shared_across", st->pages_across);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	free(m);
}

void extract_mem_report_json(const struct extract_mem *x, struct strbuf *out)
{
	const struct loc_result *r = &x->merge;
	bool loc = x->opts.cluster == EXTRACT_CLUSTER_LOCALITY;
	struct json_writer w;

	jw_init(&w, out, JSON_PRETTY);
	jw_obj_begin(&w);
	jw_kv_str(&w, "cluster", loc ? "locality" : "comm");
	jw_kv_double(&w, "affinity_threshold", x->opts.affinity_threshold);
	jw_kv_u64(&w, "max_subcells", x->opts.max_subcells);
	jw_kv_u64(&w, "samples", x->total);
	jw_kv_u64(&w, "allotment_samples", x->allot_total);
	jw_kv_u64(&w, "phys_samples", x->phys_samples);
	jw_key(&w, "page_map");
	jw_obj_begin(&w);
	jw_kv_u64(&w, "max_entries", x->pages_on ? x->pages.max_entries : 0);
	jw_kv_u64(&w, "sampling", x->pages_on ? 1ull << x->pages.shift : 1);
	jw_kv_u64(&w, "unsampled_samples", x->pages_on ? x->pages.unsampled : 0);
	jw_kv_u64(&w, "pages", x->pg.nr_pages);
	jw_kv_u64(&w, "entries", x->pg.n);
	jw_obj_end(&w);
	jw_key(&w, "clusters");
	jw_arr_begin(&w);
	for (size_t i = 0; i < x->allot.n; i++) {
		const struct mem_summary_entry *e = &x->allot.e[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", e->name);
		jw_kv_u64(&w, "samples", e->count);
		jw_kv_bool(&w, "significant", significant(e->count, x->allot_total));
		jw_key(&w, "comms");
		jw_arr_begin(&w);
		for (size_t j = 0; j < e->nr_comms; j++)
			jw_str(&w, e->comms[j].comm);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "affinity");
	jw_arr_begin(&w);
	for (size_t a = 0; loc && x->merged && a < r->nr0; a++) {
		for (size_t b = a + 1; b + 1 < r->nr0; b++) {
			if (r->affinity0[a * r->nr0 + b] <= 0)
				continue;
			jw_obj_begin(&w);
			jw_kv_str(&w, "a", r->names0[a]);
			jw_kv_str(&w, "b", r->names0[b]);
			jw_kv_double(&w, "affinity", r->affinity0[a * r->nr0 + b]);
			jw_kv_u64(&w, "shared_accesses", r->shared0[a * r->nr0 + b]);
			jw_obj_end(&w);
		}
	}
	jw_arr_end(&w);
	jw_key(&w, "merges");
	jw_arr_begin(&w);
	for (size_t i = 0; loc && x->merged && i < r->nr_steps; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "a", r->steps[i].a);
		jw_kv_str(&w, "b", r->steps[i].b);
		jw_kv_double(&w, "affinity", r->steps[i].affinity);
		jw_kv_str(&w, "reason", r->steps[i].forced ? "limit" : "affinity");
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "layouts");
	jw_arr_begin(&w);
	if (loc && x->loc.scored)
		json_layout(&w, x, &x->loc, "locality", true);
	if (x->comm.scored)
		json_layout(&w, x, &x->comm, "comm", !loc);
	jw_arr_end(&w);
	jw_obj_end(&w);
	strbuf_addch(out, '\n');
}
