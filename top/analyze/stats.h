/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics shared by every analyzer, with ONE percentile definition:
 *
 *   nearest rank: the p-th percentile of n sorted values v[0..n-1] is
 *   v[ceil(p * n) - 1] (p in (0, 1]); p50 of {1,2,3,4} is 2, p99 of 100
 *   values is the 99th smallest. Always an observed value, never interpolated.
 *
 * Quartiles (IQR outliers) and the median (MAD) use the same definition.
 */
#ifndef SCX_TOP_ANALYZE_STATS_H
#define SCX_TOP_ANALYZE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "top/analyze/report.h"

/* Sort ascending: LSD radix with a copy up to 4M values, in place (MSD radix) above. */
void u64_sort(uint64_t *v, size_t n);
/* Sort ascending in place, whatever the size (no temporary copy). */
void u64_sort_inplace(uint64_t *v, size_t n);

/*
 * Group v in place by key v[i] >> shift (< nb), keeping nothing else in order:
 * group b ends up at v[off[b] .. off[b + 1]) (off has nb + 1 entries). One
 * counting pass and one cycle-following pass, no copy.
 */
void u64_group_inplace(uint64_t *v, size_t n, unsigned shift, size_t nb, size_t *off);

/* Move the k smallest (by cmp) of n elements to the front, sorted; returns min(k, n). */
size_t top_k(void *base, size_t n, size_t size, size_t k, int (*cmp)(const void *, const void *));
/*
 * The best k of a stream (by cmp: "a before b" < 0) in O(k) memory: push()
 * copies elements in, finish() sorts what was kept and returns how many.
 */
struct topk_stream {
	char *h;
	size_t n, k, size;
	int (*cmp)(const void *, const void *);
};
void topk_init(struct topk_stream *t, size_t k, size_t size, int (*cmp)(const void *, const void *));
void topk_push(struct topk_stream *t, const void *elem);
size_t topk_finish(struct topk_stream *t);
void topk_release(struct topk_stream *t);

/* Nearest-rank percentile of sorted v (0 when n == 0). */
uint64_t pct_sorted(const uint64_t *v, size_t n, double p);
double pct_sorted_dbl(const double *v, size_t n, double p);

struct dist {
	uint64_t n, min, max, sum;
	uint64_t p50, p90, p95, p99, p999;
	double mean;
};
/* The mean, rounded to an integer. */
uint64_t dist_avg(const struct dist *d);
/* Summary of sorted values. */
void dist_of_sorted(struct dist *d, const uint64_t *v, size_t n);
/* The same summary of unsorted values without sorting them (v is reordered). */
void dist_of_values(struct dist *d, uint64_t *v, size_t n);
/* Write d as {count, min_ns, avg_ns, p50_ns, p90_ns, p95_ns, p99_ns, p999_ns, max_ns}. */
void rep_dist_ns(struct report *r, const char *key, const struct dist *d);

#endif
