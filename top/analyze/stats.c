// SPDX-License-Identifier: GPL-2.0
/* Sorting and the one percentile definition (see stats.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

void u64_sort(uint64_t *v, size_t n)
{
	uint64_t *tmp, *src = v, *dst, or_all = 0, and_all = UINT64_MAX;
	size_t cnt[RADIX_SIZE];

	if (n < 512) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	tmp = xmalloc(n * sizeof(*tmp));
	dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += RADIX_BITS) {
		size_t sum = 0;

		/* every value has the same digit here: the pass would not move anything */
		if ((((or_all ^ and_all) >> shift) & (RADIX_SIZE - 1)) == 0)
			continue;
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
		for (size_t d = 0; d < RADIX_SIZE; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
		uint64_t *t = src;

		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

/*
 * The k first elements of base (n of them, size bytes each) in cmp order,
 * moved to the front and sorted; the rest is left in no particular order.
 * O(n log k): a bounded max-heap of the best k seen so far.
 */
static void swap_bytes(char *a, char *b, size_t size)
{
	char t[64];

	while (size) {
		size_t k = size < sizeof(t) ? size : sizeof(t);

		memcpy(t, a, k);
		memcpy(a, b, k);
		memcpy(b, t, k);
		a += k;
		b += k;
		size -= k;
	}
}

static void heap_fix(char *h, size_t n, size_t size, size_t i, int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;

		if (l < n && cmp(h + l * size, h + w * size) > 0)
			w = l;
		if (r < n && cmp(h + r * size, h + w * size) > 0)
			w = r;
		if (w == i)
			return;
		swap_bytes(h + i * size, h + w * size, size);
		i = w;
	}
}

size_t top_k(void *base, size_t n, size_t size, size_t k, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (k >= n) {
		qsort(base, n, size, cmp);
		return n;
	}
	if (!k)
		return 0;
	/* max-heap (by cmp) of the first k: its root is the worst kept */
	for (size_t i = k / 2; i-- > 0;)
		heap_fix(b, k, size, i, cmp);
	for (size_t i = k; i < n; i++) {
		if (cmp(b + i * size, b) < 0) {
			swap_bytes(b + i * size, b, size);
			heap_fix(b, k, size, 0, cmp);
		}
	}
	qsort(base, k, size, cmp);
	return k;
}

static size_t rank(size_t n, double p)
{
	double k = ceil(p * (double)n - 1e-9);

	if (k < 1)
		k = 1;
	if (k > (double)n)
		k = (double)n;
	return (size_t)k - 1;
}

uint64_t pct_sorted(const uint64_t *v, size_t n, double p)
{
	return n ? v[rank(n, p)] : 0;
}

double pct_sorted_dbl(const double *v, size_t n, double p)
{
	return n ? v[rank(n, p)] : 0;
}

void dist_of_sorted(struct dist *d, const uint64_t *v, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!n)
		return;
	d->min = v[0];
	d->max = v[n - 1];
	for (size_t i = 0; i < n; i++)
		d->sum += v[i];
	d->mean = (double)d->sum / (double)n;
	d->p50 = pct_sorted(v, n, 0.50);
	d->p90 = pct_sorted(v, n, 0.90);
	d->p95 = pct_sorted(v, n, 0.95);
	d->p99 = pct_sorted(v, n, 0.99);
	d->p999 = pct_sorted(v, n, 0.999);
}

void rep_dist_ns(struct report *r, const char *key, const struct dist *d)
{
	if (!report_is_json(r)) {
		struct strbuf sb = STRBUF_INIT;
		const struct {
			const char *name;
			uint64_t v;
		} f[] = {{"min", d->min}, {"avg", (uint64_t)llround(d->mean)}, {"p50", d->p50},
			 {"p90", d->p90}, {"p95", d->p95}, {"p99", d->p99}, {"p99.9", d->p999},
			 {"max", d->max}};

		strbuf_addf(&sb, "%s: %llu samples", key, (unsigned long long)d->n);
		for (size_t i = 0; d->n && i < sizeof(f) / sizeof(f[0]); i++) {
			strbuf_addf(&sb, "%s %s ", i ? "," : ":", f[i].name);
			fmt_ns(&sb, f[i].v);
		}
		rep_text(r, "%s", sb.buf);
		strbuf_release(&sb);
		return;
	}
	rep_obj(r, key);
	rep_u64(r, "count", d->n);
	rep_ns(r, "min_ns", d->min);
	rep_ns(r, "avg_ns", (uint64_t)llround(d->mean));
	rep_ns(r, "p50_ns", d->p50);
	rep_ns(r, "p90_ns", d->p90);
	rep_ns(r, "p95_ns", d->p95);
	rep_ns(r, "p99_ns", d->p99);
	rep_ns(r, "p999_ns", d->p999);
	rep_ns(r, "max_ns", d->max);
	rep_end(r);
}
