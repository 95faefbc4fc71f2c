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

static void insertion_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;

		while (j && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/*
 * Permute v in place into nb buckets by key (v[i] >> shift) & mask (< nb),
 * by cycle following: bucket b ends up at v[off[b] .. off[b + 1]). next is
 * scratch of nb entries.
 */
static void partition(uint64_t *v, size_t n, unsigned shift, uint64_t mask, size_t nb,
		      size_t *off, size_t *next)
{
	memset(off, 0, (nb + 1) * sizeof(*off));
	for (size_t i = 0; i < n; i++)
		off[((v[i] >> shift) & mask) + 1]++;
	for (size_t b = 0; b < nb; b++) {
		off[b + 1] += off[b];
		next[b] = off[b];
	}
	for (size_t b = 0; b < nb; b++) {
		while (next[b] < off[b + 1]) {
			uint64_t x = v[next[b]];
			size_t d = (x >> shift) & mask;

			while (d != b) {
				uint64_t t = v[next[d]];

				v[next[d]++] = x;
				x = t;
				d = (x >> shift) & mask;
			}
			v[next[b]++] = x;
		}
	}
}

/* 256 buckets by the byte at shift; cnt[b] and end[b] give each bucket's size and end. */
static void flag_partition(uint64_t *v, size_t n, int shift, size_t cnt[256], size_t end[256])
{
	size_t off[257], next[256];

	partition(v, n, (unsigned)shift, 0xff, 256, off, next);
	for (int b = 0; b < 256; b++) {
		cnt[b] = off[b + 1] - off[b];
		end[b] = off[b + 1];
	}
}

void u64_group_inplace(uint64_t *v, size_t n, unsigned shift, size_t nb, size_t *off)
{
	size_t *next = xmalloc((nb ? nb : 1) * sizeof(*next));

	partition(v, n, shift, UINT64_MAX, nb, off, next);
	free(next);
}

/*
 * In-place MSD radix sort (American flag sort): 8-bit digits from the highest
 * one that varies, buckets permuted by cycle-following, small buckets by
 * insertion sort. No temporary array: sorting millions of latencies does not
 * double the memory.
 */
static void flag_sort(uint64_t *v, size_t n, int shift)
{
	size_t cnt[256], end[256];

	if (n < 48) {
		insertion_u64(v, n);
		return;
	}
	flag_partition(v, n, shift, cnt, end);
	if (shift == 0)
		return;
	for (int b = 0; b < 256; b++)
		if (cnt[b] > 1)
			flag_sort(v + end[b] - cnt[b], cnt[b], shift - 8);
}

/* LSD radix sort, 11-bit digits (digits that never vary are skipped); needs a copy. */
static void lsd_sort(uint64_t *v, size_t n, uint64_t diff)
{
	uint64_t *tmp = xmalloc(n * sizeof(*tmp)), *src = v, *dst = tmp;
	size_t cnt[2048];

	for (unsigned shift = 0; shift < 64; shift += 11) {
		size_t sum = 0;

		if (((diff >> shift) & 2047) == 0)
			continue;
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 2047]++;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 2047]++] = src[i];
		uint64_t *t = src;

		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

void u64_sort_inplace(uint64_t *v, size_t n)
{
	uint64_t or_all = 0, and_all = UINT64_MAX, diff;

	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	diff = or_all ^ and_all;
	if (!diff)
		return;
	for (int b = 63; b >= 0; b--)
		if (diff >> b & 1) {
			flag_sort(v, n, b / 8 * 8);
			return;
		}
}

/*
 * Up to 4M values (a 32 MB copy) the faster LSD sort; above it the in-place
 * one, so the largest sorts never double their memory.
 */
#define LSD_MAX (4u << 20)

void u64_sort(uint64_t *v, size_t n)
{
	uint64_t or_all = 0, and_all = UINT64_MAX, diff;
	int shift = 0;

	if (n < 2)
		return;
	if (n < 512) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	diff = or_all ^ and_all;
	if (!diff)
		return; /* all equal */
	if (n <= LSD_MAX) {
		lsd_sort(v, n, diff);
		return;
	}
	/* the highest byte in which values differ */
	for (int b = 63; b >= 0; b--)
		if (diff >> b & 1) {
			shift = b / 8 * 8;
			break;
		}
	flag_sort(v, n, shift);
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

	if (n < 2)
		return n;
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

void topk_init(struct topk_stream *t, size_t k, size_t size, int (*cmp)(const void *, const void *))
{
	t->h = xmalloc((k ? k : 1) * size);
	t->n = 0;
	t->k = k;
	t->size = size;
	t->cmp = cmp;
}

void topk_push(struct topk_stream *t, const void *elem)
{
	size_t sz = t->size;

	if (t->n < t->k) {
		/* sift up in a max-heap (root = the worst kept) */
		size_t i = t->n++;

		memcpy(t->h + i * sz, elem, sz);
		while (i && t->cmp(t->h + i * sz, t->h + ((i - 1) / 2) * sz) > 0) {
			swap_bytes(t->h + i * sz, t->h + ((i - 1) / 2) * sz, sz);
			i = (i - 1) / 2;
		}
	} else if (t->k && t->cmp(elem, t->h) < 0) {
		memcpy(t->h, elem, sz);
		heap_fix(t->h, t->n, sz, 0, t->cmp);
	}
}

size_t topk_finish(struct topk_stream *t)
{
	if (t->n > 1)
		qsort(t->h, t->n, t->size, t->cmp);
	return t->n;
}

void topk_release(struct topk_stream *t)
{
	free(t->h);
	t->h = NULL;
	t->n = 0;
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

uint64_t dist_avg(const struct dist *d)
{
	/* the sum / n rounded; computed in integers (a double mean may exceed int64) */
	return d->n ? (d->sum + d->n / 2) / d->n : 0;
}

/*
 * The values at sorted positions ranks[0..k) (ascending) of v, by MSD radix
 * partitioning into only the buckets that hold a wanted position: about one
 * pass over v instead of a sort. v is reordered.
 */
static void select_ranks(uint64_t *v, size_t n, int shift, const size_t *ranks, size_t k,
			 uint64_t *out)
{
	size_t cnt[256], end[256], j = 0;

	if (n < 48) {
		insertion_u64(v, n);
		for (size_t i = 0; i < k; i++)
			out[i] = v[ranks[i]];
		return;
	}
	flag_partition(v, n, shift, cnt, end);
	for (int b = 0; b < 256 && j < k; b++) {
		size_t start = end[b] - cnt[b], first = j, rel[8];

		while (j < k && ranks[j] < end[b])
			j++;
		if (j == first)
			continue;
		if (shift == 0 || cnt[b] == 1) {
			for (size_t i = first; i < j; i++)
				out[i] = v[start];
			continue;
		}
		for (size_t i = first; i < j; i++)
			rel[i - first] = ranks[i] - start;
		select_ranks(v + start, cnt[b], shift - 8, rel, j - first, out + first);
	}
}

void dist_of_values(struct dist *d, uint64_t *v, size_t n)
{
	static const double ps[] = {0.50, 0.90, 0.95, 0.99, 0.999};
	uint64_t or_all = 0, and_all = UINT64_MAX, diff, out[5];
	size_t ranks[5];
	int shift = 0;

	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!n)
		return;
	d->min = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		d->min = MIN(d->min, v[i]);
		d->max = MAX(d->max, v[i]);
		d->sum += v[i];
		or_all |= v[i];
		and_all &= v[i];
	}
	d->mean = (double)d->sum / (double)n;
	for (size_t i = 0; i < 5; i++)
		ranks[i] = rank(n, ps[i]);
	diff = or_all ^ and_all;
	for (int b = 63; b >= 0; b--)
		if (diff >> b & 1) {
			shift = b / 8 * 8;
			break;
		}
	if (!diff) {
		for (size_t i = 0; i < 5; i++)
			out[i] = v[0];
	} else {
		select_ranks(v, n, shift, ranks, 5, out);
	}
	d->p50 = out[0];
	d->p90 = out[1];
	d->p95 = out[2];
	d->p99 = out[3];
	d->p999 = out[4];
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
		} f[] = {{"min", d->min}, {"avg", dist_avg(d)}, {"p50", d->p50},
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
	rep_ns(r, "avg_ns", dist_avg(d));
	rep_ns(r, "p50_ns", d->p50);
	rep_ns(r, "p90_ns", d->p90);
	rep_ns(r, "p95_ns", d->p95);
	rep_ns(r, "p99_ns", d->p99);
	rep_ns(r, "p999_ns", d->p999);
	rep_ns(r, "max_ns", d->max);
	rep_end(r);
}
