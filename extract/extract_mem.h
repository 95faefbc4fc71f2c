/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `extract mem` as a library (DESIGN §8.4): feed memory samples from memory (no
 * files needed), then ask for the scx_mitosis cell config and the reports.
 *
 *	struct extract_mem_opts o;
 *	struct extract_mem *x;
 *
 *	extract_mem_opts_init(&o);
 *	o.cluster = EXTRACT_CLUSTER_LOCALITY;
 *	if (extract_mem_new(&o, &x, &err))   // err: why the regex does not compile
 *		...;
 *	for (each sample)
 *		extract_mem_add(x, &sample);
 *	extract_mem_finish(x);
 *	cell_config_write(extract_mem_config(x), &out);
 *	extract_mem_report(x, 1, &text);
 *	extract_mem_free(x);
 *
 * Semantics follow upstream scx_characterize (reference/scxprof-upstream.md §4.1-4.3):
 *  - a sample's cgroup not containing the workload substring is in group "rest";
 *    else the allotment regex's leftmost match text names its group; else it is
 *    in the workload group;
 *  - comms are grouped by normalized comm (trailing ASCII digits removed, unless
 *    nothing would be left); a cluster of the merged allotment groups is
 *    significant when count / total * 100 > 5.0 (strictly);
 *  - with use_hints a significant cluster with several hints is split into one
 *    subcell per hint above 5 % of the cluster.
 * Beyond upstream: the reader's limits are enforced (max_subcells including
 * rest: the least-sampled clusters go to rest; CommPrefix cut to 15 bytes),
 * subcells are ordered so that no prefix takes another subcell's threads, and
 * EXTRACT_CLUSTER_LOCALITY merges clusters that share physical pages
 * (extract/locality.h).
 *
 * Memory: O(groups x comms x hints) plus, when pages are tracked, the bounded
 * page map. Warnings (limits, truncation, page sampling) go to log.h.
 */
#ifndef SCX_EXTRACT_EXTRACT_MEM_H
#define SCX_EXTRACT_EXTRACT_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "extract/cell_config.h"
#include "extract/mem_record.h"

#define EXTRACT_DEFAULT_WORKLOAD "workload.slice"
#define EXTRACT_DEFAULT_ALLOTMENT_REGEX "workload-tw-[^/]+\\.allotment\\.slice"
#define EXTRACT_DEFAULT_AFFINITY 0.10
#define EXTRACT_SIGNIFICANT_PCT 5.0

enum extract_cluster {
	EXTRACT_CLUSTER_COMM,		/* upstream: one subcell per significant comm */
	EXTRACT_CLUSTER_LOCALITY,	/* merge comm clusters that share pages */
};

struct extract_mem_opts {
	const char *workload;		/* substring test; default "workload.slice" */
	const char *allotment_regex;	/* PCRE2, unanchored, leftmost match */
	bool use_hints;			/* split significant clusters by hint (comm mode) */
	enum extract_cluster cluster;
	double affinity_threshold;	/* merge while affinity > this (locality) */
	unsigned max_subcells;		/* per cell including rest, 1..8 */
	uint64_t max_page_entries;	/* page map cap; 0: LOC_DEFAULT_MAX_ENTRIES */
	bool track_pages;		/* measure locality in comm mode too (for reports) */
};

void extract_mem_opts_init(struct extract_mem_opts *o);

struct extract_mem;

/* -EINVAL with a one-line reason in err when the regex does not compile or opts conflict. */
int extract_mem_new(const struct extract_mem_opts *opts, struct extract_mem **out,
		    struct strbuf *err);
void extract_mem_add(struct extract_mem *x, const struct mem_sample *s);
/* Cluster and build the config; call once, after the last sample. */
void extract_mem_finish(struct extract_mem *x);
const struct cell_config *extract_mem_config(const struct extract_mem *x);
/* The -v (1) / -vv (2) report, upstream's format plus the locality section. */
void extract_mem_report(const struct extract_mem *x, int verbosity, struct strbuf *out);
/* The --report document (schemas/extract-report.schema.json); needs tracked pages. */
void extract_mem_report_json(const struct extract_mem *x, struct strbuf *out);
void extract_mem_free(struct extract_mem *x);

/* Per-group summary by normalized comm, as the report prints it. */
struct hint_count {
	uint64_t hint, count;
};

struct comm_count {
	char *comm;
	uint64_t count;
};

struct mem_summary_entry {
	char *name;		/* normalized comm */
	uint64_t count;
	bool aggregated;	/* more than one concrete comm ('*' in reports) */
	struct hint_count *hints;	/* count desc, then hint asc */
	size_t nr_hints;
	struct comm_count *comms;	/* count desc, then comm asc (byte order) */
	size_t nr_comms;
};

struct mem_summary {
	struct mem_summary_entry *e;	/* count desc, then name asc */
	size_t n;
	uint64_t total;
};

/* Summary of one group by name; -ENOENT when there is no such group. */
int extract_mem_summarize(const struct extract_mem *x, const char *group, struct mem_summary *out);
void mem_summary_release(struct mem_summary *s);
/* Length of comm without its trailing ASCII digits (the whole comm if all digits). */
size_t comm_normalize(const char *comm, size_t len);

#endif
