/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analyzer set shared by `scxtop analyze` and `scxtop mcp`. Each analyzer
 * reads a built trace_model and describes its result through report.h, so the
 * same code produces the human report, --json, the MCP tool results and the
 * export document. Every list is bounded by params.limit (a fixed default,
 * never dependent on the host).
 */
#ifndef SCX_TOP_ANALYZE_ANALYZERS_H
#define SCX_TOP_ANALYZE_ANALYZERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/analyze/report.h"
#include "top/analyze/trace_model.h"

#define ANALYZE_DEFAULT_LIMIT 20
#define ANALYZE_MAX_LIMIT 10000

enum outlier_method { OM_ALL = 0, OM_IQR, OM_MAD, OM_ZSCORE };
enum outlier_category { OC_ALL = 0, OC_LATENCY, OC_RUNTIME, OC_CPU };

struct analyze_params {
	uint64_t limit;		/* rows per list (default ANALYZE_DEFAULT_LIMIT) */
	int64_t pid;		/* process filter (-1: none) */
	int64_t tid;		/* thread filter (-1: none) */
	int64_t cpu;		/* CPU filter (-1: none) */
	uint64_t start_ns, end_ns;	/* absolute time window (0: open) */
	enum outlier_method method;
	enum outlier_category category;
	const char *event_type;	/* query: event name or NULL */
	const char *group_by;	/* query: cpu|pid|tid|type|comm or NULL */
	bool per_thread;	/* process_runtime/task_states: threads instead of processes */
	int64_t layer;		/* scx_layers filter (-1: none) */
};

void analyze_params_init(struct analyze_params *p);

struct analyzer {
	const char *name;
	const char *description;
	bool in_default;	/* part of the default report / export */
	/* NULL when it applies; otherwise why not (static string) */
	const char *(*not_applicable)(const struct trace_model *m);
	int (*run)(const struct trace_model *m, const struct analyze_params *p, struct report *r);
};

extern const struct analyzer analyzer_table[];
extern const size_t nr_analyzers;

const struct analyzer *analyzer_find(const char *name);

/*
 * Run one analyzer into r as an object under its name ({"wakeup_latency": {...}}),
 * or {"applicable": false, "reason": ...} when it does not apply.
 */
int analyzer_run(const struct analyzer *a, const struct trace_model *m,
		 const struct analyze_params *p, struct report *r);

/*
 * The whole report: for JSON {"tool", "version", "trace", "percentile_definition",
 * "params", "analyzers": {name: result...}} (schemas/analyze.schema.json); for
 * text a header line and one section per analyzer. Returns the first error.
 */
int analyze_document(const struct trace_model *m, const struct analyze_params *p,
		     const struct analyzer *const *list, size_t n, struct report *r);

/* --- helpers shared by the analyzer files ----------------------------------- */
const char *thread_comm(const struct trace_model *m, uint32_t utid);
int64_t thread_pid(const struct trace_model *m, uint32_t utid);
uint64_t trace_duration(const struct trace_model *m);
bool params_match_thread(const struct trace_model *m, const struct analyze_params *p, uint32_t utid);

/* Dense process ids: utid → group index (pid, or tid with per_thread); idle excluded. */
struct groups {
	bool per_thread;
	uint32_t *of_utid;	/* [nr_threads] group index, UINT32_MAX for none */
	int64_t *id;		/* [n] pid or tid */
	uint32_t *rep;		/* [n] a representative utid (main thread if seen) */
	size_t n;
};
void groups_build(struct groups *g, const struct trace_model *m, bool per_thread);
void groups_release(struct groups *g);
const char *group_name(const struct trace_model *m, const struct groups *g, size_t gi,
		       bool per_thread);

/* Per-group sorted samples: values[off[g] .. off[g+1]) are group g's, ascending. */
struct grouped {
	uint64_t *values;
	size_t *off;		/* [ngroups + 1] */
	size_t ngroups;
};
void grouped_release(struct grouped *gs);
/* Indices 0..n-1 ordered by key descending (caller frees). */
uint32_t *order_desc(const double *key, size_t n);
/*
 * The groups to list: by key descending, at most p->limit, only p->pid's (and
 * p->tid's for threads), stopping at the first key <= floor. *out (freed by the
 * caller) holds the group indices; returns how many.
 */
size_t top_groups(const struct trace_model *m, const struct groups *g,
		  const struct analyze_params *p, const double *key, double floor, uint32_t **out);

/* Analyzer entry points (one per file section). */
int an_summary(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_cpu_utilization(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_process_runtime(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_wakeup_latency(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_migrations(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_preemptions(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_task_states(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_dsq(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_scx_layers(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_oncpu_slices(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_bottlenecks(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_outliers(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_correlation(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_timeline(const struct trace_model *m, const struct analyze_params *p, struct report *r);
int an_query(const struct trace_model *m, const struct analyze_params *p, struct report *r);

/* Wakeup latency samples (kind) per group, sorted (cached in the model; do not free). */
const struct grouped *latency_by_group(const struct trace_model *m, const struct groups *g,
				       unsigned kind);
/* Every latency sample of a kind, sorted (cached in the model; do not free). */
struct dist;
/* The distribution of every sample of a kind (from the per-process samples). */
void latency_dist_all(const struct trace_model *m, unsigned kind, struct dist *d);

#endif
