/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locality clustering by shared physical pages (`extract mem --cluster locality`).
 *
 * Vocabulary:
 *  - page: a physical address rounded down to its data page size (4 KiB when the
 *    sample has none); a 2 MiB page and a 4 KiB page at the same address differ.
 *  - cluster: one normalized comm (trailing digits removed) in one allotment
 *    cgroup group; identified by a cid and mapped to (gid, nid), nid being the
 *    normalized comm across groups. Subcells are templates over nids: the same
 *    layout is applied to every cell, so a page shared between two groups can
 *    never be kept together (different cells) and counts as shared, not retained.
 *  - a_p(c): sampled accesses of cluster c to page p; n(c) = Σ_p a_p(c).
 *  - unit: a set of nids that would form one subcell.
 *  - affinity(U, V) = Σ_g Σ_p min(U_{g,p}, V_{g,p}) / min(n(U), n(V)), in [0, 1]:
 *    the share of the smaller unit's accesses that go to pages the other unit of
 *    the same cell touches at least as often (overlap coefficient).
 *  - shared page: touched by two or more clusters. Locality retained of an
 *    assignment nid → subcell = accesses to shared pages whose touching clusters
 *    all sit in the same cell and subcell, divided by all accesses to shared pages.
 *
 * Memory: the page map is the only per-page state: one entry per (page, cluster)
 * pair, at most max_entries of them. When full it switches to page sampling: it
 * keeps the pages whose hash has its top `shift` bits zero (a uniform 1/2^shift
 * subset of pages, chosen independently of the data), drops the others and
 * raises shift until under half the cap. Ratios (affinity, locality retained)
 * remain unbiased estimates over the sampled pages.
 */
#ifndef SCX_EXTRACT_LOCALITY_H
#define SCX_EXTRACT_LOCALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hashmap.h"

#define LOC_MAX_CIDS 65535u		/* cids are 16 bits in a page-map key */
#define LOC_CID_OVERFLOW 65535u		/* every cluster past the limit shares this cid */
#define LOC_DEFAULT_MAX_ENTRIES (24ull << 20)	/* ~0.6 GB of map at the cap */

struct loc_page_map {
	struct u64map map;	/* (cid << 48 | page) -> sampled accesses */
	uint64_t max_entries;
	unsigned shift;		/* page sampling: keep pages with hash >> (64 - shift) == 0 */
	uint64_t samples;	/* samples offered (with a physical address) */
	uint64_t unsampled;	/* of which on pages dropped by page sampling */
};

void loc_map_init(struct loc_page_map *m, uint64_t max_entries);
void loc_map_release(struct loc_page_map *m);
void loc_map_add(struct loc_page_map *m, uint32_t cid, uint64_t phys_addr, uint64_t page_size);

/* The map's entries sorted by (page, cid): per-page work is a linear scan. */
struct loc_entry {
	uint64_t key;		/* page << 16 | cid */
	uint64_t count;
};

struct loc_pages {
	struct loc_entry *e;
	size_t n;
	uint64_t nr_pages;
};

void loc_pages_build(struct loc_pages *p, const struct loc_page_map *m);
void loc_pages_release(struct loc_pages *p);

static inline uint64_t loc_entry_page(const struct loc_entry *e)
{
	return e->key >> 16;
}

static inline uint32_t loc_entry_cid(const struct loc_entry *e)
{
	return (uint32_t)(e->key & 0xffff);
}

/* cid → (gid, nid), owned by the caller. */
struct loc_clusters {
	size_t nr_cids;
	const uint32_t *gid;
	const uint32_t *nid;
	size_t nr_nids;
};

/*
 * Σ_g Σ_p min(U, V) for every pair of units (shared[u * nr_units + v], symmetric)
 * and n(U) (tracked[u]). unit_of[nid] < 0: the nid belongs to no unit.
 */
void loc_affinity(const struct loc_pages *p, const struct loc_clusters *c, const int *unit_of,
		  size_t nr_units, uint64_t *shared, uint64_t *tracked);

struct loc_subcell_stats {
	uint64_t accesses;	/* sampled accesses to tracked pages */
	uint64_t pages;		/* pages its clusters touch */
	uint64_t pages_private;	/* touched by one cluster only */
	uint64_t pages_within;	/* shared, every sharer in this subcell (same cell) */
	uint64_t pages_across;	/* shared with a cluster elsewhere */
};

struct loc_score {
	uint64_t accesses, pages;
	uint64_t shared_accesses, shared_pages;
	uint64_t retained_accesses, retained_pages;
	struct loc_subcell_stats *sc;	/* [nr_subcells] */
	size_t nr_subcells;
};

/* Score an assignment nid → subcell index (subcell_of[nid] in [0, nr_subcells)). */
void loc_score_compute(const struct loc_pages *p, const struct loc_clusters *c,
		       const int *subcell_of, size_t nr_subcells, struct loc_score *out);
void loc_score_release(struct loc_score *s);
/* retained / shared accesses, or a negative value when nothing is shared. */
double loc_score_retained(const struct loc_score *s);

/* Greedy merging of units (the last unit given is `rest`). */
struct loc_unit {
	char *name;		/* members joined with '+' */
	char **members;		/* normalized comm names, sorted */
	size_t nr_members;
	uint32_t *nids;
	size_t nr_nids;
	char **patterns;	/* CommPrefix OR groups */
	size_t nr_patterns;
	uint64_t samples;	/* all samples, with or without a physical address */
	bool rest;
	bool gone;		/* merged into another unit */
};

struct loc_step {
	char *a, *b;		/* names before the merge; b is "rest" for a move into rest */
	double affinity;
	bool forced;		/* made to fit the subcell limit, not by affinity */
};

struct loc_result {
	struct loc_unit *units;	/* the caller's array; merged units have gone = true */
	size_t nr_units;
	struct loc_step *steps;
	size_t nr_steps;
	/* affinity among the initial units (rest last), for reports */
	char **names0;
	double *affinity0;
	uint64_t *shared0;
	size_t nr0;
};

/*
 * Merge units greedily: the pair with the highest affinity while it is above
 * threshold, then, while more than max_units non-rest units remain, the best
 * pair or a move into rest (the least-sampled unit when no affinity is left). A
 * merge never makes a unit exceed max_patterns OR groups (prefixes of another
 * pattern of the unit do not count twice). Takes ownership of units.
 */
void loc_cluster(const struct loc_pages *p, const struct loc_clusters *c, struct loc_unit *units,
		 size_t nr_units, double threshold, size_t max_units, size_t max_patterns,
		 struct loc_result *out);
void loc_result_release(struct loc_result *r);
/* Patterns of a unit after dropping those that another of its patterns prefixes. */
size_t loc_patterns_minimal(char **patterns, size_t n, char **out);

#endif
