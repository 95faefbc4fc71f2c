// SPDX-License-Identifier: GPL-2.0
/*
 * MCP trace tools: load Perfetto traces (several at once, by id) and run the
 * analyzers of top/analyze on them. Every result is one JSON document (no
 * prose around it); every list is bounded by `limit`, whose default and
 * maximum are stated in each input schema and never depend on the host.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomic.h"
#include "common/err.h"
#include "common/util.h"
#include "top/analyze/analyzers.h"
#include "top/analyze/trace_load.h"
#include "top/mcp/mcp_server.h"

/* ---------------------------------------------------------- trace store -- */

struct mcp_trace *mcp_trace_find(struct mcp_server *s, const char *id)
{
	if (!id)
		id = s->last_trace;
	if (!id)
		return NULL;
	for (size_t i = 0; i < s->nr_traces; i++)
		if (!strcmp(s->traces[i].id, id))
			return &s->traces[i];
	return NULL;
}

static void trace_drop(struct mcp_server *s, size_t i)
{
	struct mcp_trace *t = &s->traces[i];
	bool shared = false;

	for (size_t j = 0; j < s->nr_traces; j++)
		shared |= j != i && s->traces[j].m == t->m;
	if (!shared) {
		model_release(t->m);
		free(t->m);
	}
	if (s->last_trace && !strcmp(s->last_trace, t->id)) {
		free(s->last_trace);
		s->last_trace = NULL;
	}
	free(t->id);
	free(t->path);
	memmove(t, t + 1, (s->nr_traces - i - 1) * sizeof(*t));
	s->nr_traces--;
}

static const char *arg_str(json_t *args, const char *k)
{
	json_t *v = json_object_get(args, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t arg_int(json_t *args, const char *k, int64_t def)
{
	json_t *v = json_object_get(args, k);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return def;
}

static struct mcp_trace *need_trace(struct mcp_server *s, json_t *args, char *err, size_t len)
{
	const char *id = arg_str(args, "trace_id");
	struct mcp_trace *t = mcp_trace_find(s, id);

	if (!t) {
		if (!s->nr_traces)
			snprintf(err, len, "no trace is loaded: call load_perfetto_trace with file_path first");
		else if (id)
			snprintf(err, len, "trace '%.100s' is not loaded (loaded: %zu trace(s); list_traces shows them)",
				 id, s->nr_traces);
		else
			snprintf(err, len, "trace_id is required");
	}
	return t;
}

struct load_progress {
	struct mcp_server *s;
	uint64_t last;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct load_progress *lp = ctx;

	if (total && done - lp->last >= total / 20) {
		lp->last = done;
		mcp_progress(lp->s, (double)done, (double)total, "loading trace");
	}
}

static void stem(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/'), *dot;

	b = b ? b + 1 : path;
	dot = strchr(b, '.');
	snprintf(out, len, "%.*s", (int)(dot && dot > b ? dot - b : (ptrdiff_t)strlen(b)), b);
	if (!out[0])
		snprintf(out, len, "trace");
}

static void loaded_summary(struct mcp_trace *t, struct strbuf *text, bool reused)
{
	struct json_writer w;
	const struct trace_model *m = t->m;

	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_str(&w, "trace_id", t->id);
	jw_kv_str(&w, "file_path", t->path);
	jw_kv_bool(&w, "already_loaded", reused);
	jw_kv_u64(&w, "load_time_ms", t->load_ns / 1000000);
	jw_kv_u64(&w, "start_ts", m->start_ts);
	jw_kv_u64(&w, "end_ts", m->end_ts);
	jw_kv_u64(&w, "duration_ns", trace_duration(m));
	jw_kv_u64(&w, "total_events", m->total_events);
	jw_kv_u64(&w, "max_cpu_id", m->nr_cpus ? m->nr_cpus - 1 : 0);
	jw_kv_str(&w, "writer", m->meta.writer ? model_str(m, m->meta.writer) : "unknown");
	jw_kv_bool(&w, "truncated", m->stats.truncated);
	if (m->stats.truncated)
		jw_kv_str(&w, "stop_reason", m->stats.stop_reason);
	jw_key(&w, "applicable_analyzers");
	jw_arr_begin(&w);
	for (size_t i = 0; i < nr_analyzers; i++)
		if (!analyzer_table[i].not_applicable || !analyzer_table[i].not_applicable(m))
			jw_str(&w, analyzer_table[i].name);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static int t_load(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *path = arg_str(args, "file_path"), *want = arg_str(args, "trace_id");
	struct load_progress lp = {s, 0};
	struct load_opts lo = {.progress = on_progress, .ctx = &lp, .max_events = s->max_trace_events};
	struct trace_model *m = NULL;
	struct mcp_trace *t;
	char id[256], msg[300];
	struct stat st;
	uint64_t t0;
	int rc;

	if (s->sandbox) {
		snprintf(err, len, "file access is disabled (sandbox)");
		return -EPERM;
	}
	if (want)
		snprintf(id, sizeof(id), "%s", want);
	else
		stem(path, id, sizeof(id));
	if (stat(path, &st)) {
		rc = err_errno();
		snprintf(err, len, "cannot open %.300s: %s", path, err_str(rc));
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, len, "%.300s is not a regular file", path);
		return -EINVAL;
	}
	/* the same file under this id, or under another id: share the loaded model */
	for (size_t i = 0; i < s->nr_traces; i++) {
		t = &s->traces[i];
		if (t->dev == (uint64_t)st.st_dev && t->ino == (uint64_t)st.st_ino &&
		    t->size == (uint64_t)st.st_size && t->mtime == (uint64_t)st.st_mtime) {
			if (!strcmp(t->id, id)) {
				free(s->last_trace);
				s->last_trace = xstrdup(id);
				loaded_summary(t, text, true);
				return 0;
			}
			m = t->m;
		}
	}
	if (!m) {
		m = xmalloc(sizeof(*m));
		model_init(m);
		/* a first notification well before the result (clients drop late ones) */
		mcp_progress(s, 0, (double)st.st_size, "loading trace");
		t0 = now_mono_ns();
		rc = trace_load_file(m, path, &lo, msg, sizeof(msg));
		if (rc) {
			snprintf(err, len, "cannot load %.300s: %s", path, msg[0] ? msg : err_str(rc));
			model_release(m);
			free(m);
			return rc;
		}
		t0 = now_mono_ns() - t0;
	} else {
		t0 = 0;
	}
	for (size_t i = 0; i < s->nr_traces; i++)
		if (!strcmp(s->traces[i].id, id)) {
			trace_drop(s, i);
			break;
		}
	if (s->nr_traces == MCP_MAX_TRACES) {
		snprintf(err, len, "%d traces are loaded already (the limit): unload_trace one first",
			 MCP_MAX_TRACES);
		for (size_t i = 0; i < s->nr_traces; i++)
			if (s->traces[i].m == m)
				m = NULL;
		if (m) {
			model_release(m);
			free(m);
		}
		return -ENOSPC;
	}
	t = &s->traces[s->nr_traces++];
	memset(t, 0, sizeof(*t));
	t->id = xstrdup(id);
	t->path = xstrdup(path);
	t->m = m;
	t->dev = (uint64_t)st.st_dev;
	t->ino = (uint64_t)st.st_ino;
	t->size = (uint64_t)st.st_size;
	t->mtime = (uint64_t)st.st_mtime;
	t->load_ns = t0;
	free(s->last_trace);
	s->last_trace = xstrdup(id);
	loaded_summary(t, text, false);
	return 0;
}

static int t_list(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	struct json_writer w;

	(void)args;
	(void)err;
	(void)len;
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_u64(&w, "max_traces", MCP_MAX_TRACES);
	jw_kv_str(&w, "default_trace_id", s->last_trace ? s->last_trace : "");
	jw_key(&w, "traces");
	jw_arr_begin(&w);
	for (size_t i = 0; i < s->nr_traces; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "trace_id", s->traces[i].id);
		jw_kv_str(&w, "file_path", s->traces[i].path);
		jw_kv_u64(&w, "total_events", s->traces[i].m->total_events);
		jw_kv_u64(&w, "duration_ns", trace_duration(s->traces[i].m));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	return 0;
}

static int t_unload(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *id = arg_str(args, "trace_id");

	for (size_t i = 0; i < s->nr_traces; i++)
		if (!strcmp(s->traces[i].id, id)) {
			trace_drop(s, i);
			strbuf_addf(text, "{\"unloaded\":true,\"remaining\":%zu}", s->nr_traces);
			return 0;
		}
	snprintf(err, len, "trace '%.100s' is not loaded", id);
	return -ENOENT;
}

/* --------------------------------------------------------------- params -- */

static const char *method_names[] = {"all", "IQR", "MAD", "StdDev", NULL};

static int params_from(struct mcp_trace *t, json_t *args, struct analyze_params *p, uint64_t def_limit,
		       char *err, size_t len)
{
	const char *s;

	analyze_params_init(p);
	p->limit = (uint64_t)arg_int(args, "limit", (int64_t)def_limit);
	p->pid = arg_int(args, "pid", -1);
	p->tid = arg_int(args, "tid", -1);
	p->cpu = arg_int(args, "cpu", -1);
	p->layer = arg_int(args, "layer_id", -1);
	p->start_ns = (uint64_t)arg_int(args, "start_time_ns", 0);
	p->end_ns = (uint64_t)arg_int(args, "end_time_ns", 0);
	if (p->start_ns && p->end_ns && p->end_ns < p->start_ns) {
		snprintf(err, len, "end_time_ns is before start_time_ns");
		return -EINVAL;
	}
	if (p->cpu >= 0 && (uint64_t)p->cpu >= t->m->nr_cpus) {
		snprintf(err, len, "cpu %lld is not in the trace (CPUs 0..%u)", (long long)p->cpu,
			 t->m->nr_cpus ? t->m->nr_cpus - 1 : 0);
		return -EINVAL;
	}
	s = arg_str(args, "aggregation_mode");
	p->per_thread = s && !strcmp(s, "per_thread");
	s = arg_str(args, "method");
	if (s) {
		for (int i = 0; method_names[i]; i++)
			if (!strcasecmp(s, method_names[i]))
				p->method = (enum outlier_method)i;
		if (!strcasecmp(s, "zscore"))
			p->method = OM_ZSCORE;
	}
	s = arg_str(args, "category");
	if (s)
		p->category = !strcmp(s, "latency") ? OC_LATENCY : !strcmp(s, "runtime") ? OC_RUNTIME
			      : !strcmp(s, "cpu") ? OC_CPU : OC_ALL;
	p->event_type = arg_str(args, "event_type");
	p->group_by = arg_str(args, "group_by");
	return 0;
}

/* Run analyzers by name into text as one JSON document (report_json). */
static int run(struct mcp_server *s, json_t *args, const char *const *names, size_t n,
	       uint64_t def_limit, struct strbuf *text, char *err, size_t len)
{
	const struct analyzer *list[32];
	struct analyze_params p;
	struct mcp_trace *t = need_trace(s, args, err, len);
	struct report *r;
	uint64_t t0 = now_mono_ns();
	int rc;

	if (!t)
		return -ENOENT;
	rc = params_from(t, args, &p, def_limit, err, len);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && i < ARRAY_SIZE(list); i++) {
		list[i] = analyzer_find(names[i] ? names[i] : "");
		if (!list[i]) {
			snprintf(err, len, "unknown analyzer '%.60s'", names[i] ? names[i] : "");
			return -EINVAL;
		}
	}
	r = report_json(text, 0);
	rep_obj(r, NULL);
	rep_str(r, "trace_id", t->id);
	rep_obj(r, "results");
	for (size_t i = 0; i < n && i < ARRAY_SIZE(list); i++) {
		rc = analyzer_run(list[i], t->m, &p, r);
		if (rc)
			break;
	}
	rep_end(r);
	rep_u64(r, "analysis_ms", (now_mono_ns() - t0) / 1000000);
	rep_end(r);
	report_free(r);
	if (rc == -EINVAL && p.event_type)
		snprintf(err, len, "unknown event_type '%.60s'", p.event_type);
	return rc;
}

#define ONE(fn, analyzer, def)                                                                     \
	static int fn(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len) \
	{                                                                                          \
		static const char *const names[] = {analyzer};                                     \
		return run(s, args, names, 1, def, text, err, len);                                \
	}

ONE(t_summary, "summary", 20)
ONE(t_cpu, "cpu_utilization", 20)
ONE(t_runtime, "process_runtime", 20)
ONE(t_latency, "wakeup_latency", 20)
ONE(t_migrations, "migrations", 20)
ONE(t_preemptions, "preemptions", 20)
ONE(t_states, "task_states", 20)
ONE(t_dsq, "dsq", 20)
ONE(t_slices, "oncpu_slices", 20)
ONE(t_layers, "scx_layers", 20)
ONE(t_bottlenecks, "bottlenecks", 10)
ONE(t_outliers, "outliers", 20)
ONE(t_correlate, "correlation", 100)
ONE(t_query, "query", 100)
ONE(t_timeline, "timeline", 100)

int mcp_trace_summary_text(struct mcp_server *s, const char *id, struct strbuf *text, char *err,
			   size_t len);
int mcp_trace_summary_text(struct mcp_server *s, const char *id, struct strbuf *text, char *err,
			   size_t len)
{
	json_t *args = json_pack("{s:s}", "trace_id", id);
	int rc;

	if (!mcp_trace_find(s, id)) {
		json_decref(args);
		return -ENOENT;
	}
	rc = t_summary(s, args, text, err, len);
	json_decref(args);
	return rc;
}

static int t_scheduling(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *type = arg_str(args, "analysis_type");

	return run(s, args, &type, 1, 20, text, err, len);
}

static int t_run_all(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *names[32];
	size_t n = 0;

	for (size_t i = 0; i < nr_analyzers; i++)
		if (analyzer_table[i].in_default && strcmp(analyzer_table[i].name, "summary"))
			names[n++] = analyzer_table[i].name;
	return run(s, args, names, n, 10, text, err, len);
}

static int t_discover(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	struct mcp_trace *t = need_trace(s, args, err, len);
	struct json_writer w;

	if (!t)
		return -ENOENT;
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_str(&w, "trace_id", t->id);
	jw_key(&w, "analyzers");
	jw_arr_begin(&w);
	for (size_t i = 0; i < nr_analyzers; i++) {
		const struct analyzer *a = &analyzer_table[i];
		const char *why = a->not_applicable ? a->not_applicable(t->m) : NULL;

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", a->name);
		jw_kv_str(&w, "description", a->description);
		jw_kv_bool(&w, "applicable", !why);
		if (why)
			jw_kv_str(&w, "reason", why);
		jw_kv_bool(&w, "in_run_all", a->in_default && strcmp(a->name, "summary"));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	return 0;
}

static int t_process_timeline(struct mcp_server *s, json_t *args, struct strbuf *text, char *err,
			      size_t len)
{
	json_object_del(args, "cpu");
	return t_timeline(s, args, text, err, len);
}

static int t_cpu_timeline(struct mcp_server *s, json_t *args, struct strbuf *text, char *err,
			  size_t len)
{
	json_object_del(args, "pid");
	json_object_del(args, "tid");
	return t_timeline(s, args, text, err, len);
}

static int t_export(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *out = arg_str(args, "output_path");
	json_t *types = json_object_get(args, "analysis_types");
	const struct analyzer *list[32];
	struct analyze_params p;
	struct mcp_trace *t = need_trace(s, args, err, len);
	struct strbuf doc = STRBUF_INIT;
	struct atomic_file af;
	struct report *r;
	size_t n = 0;
	int rc;

	if (!t)
		return -ENOENT;
	if (s->sandbox) {
		snprintf(err, len, "file access is disabled (sandbox)");
		return -EPERM;
	}
	rc = params_from(t, args, &p, ANALYZE_DEFAULT_LIMIT, err, len);
	if (rc)
		return rc;
	if (json_array_size(types)) {
		size_t i;
		json_t *v;

		json_array_foreach(types, i, v)
			if (n < ARRAY_SIZE(list) && json_is_string(v) && analyzer_find(json_string_value(v)))
				list[n++] = analyzer_find(json_string_value(v));
	} else {
		for (size_t i = 0; i < nr_analyzers && n < ARRAY_SIZE(list); i++)
			if (analyzer_table[i].in_default)
				list[n++] = &analyzer_table[i];
	}
	r = report_json(&doc, JSON_PRETTY);
	analyze_document(t->m, &p, list, n, r);
	report_free(r);
	strbuf_addch(&doc, '\n');
	rc = atomic_file_open(&af, out, 0);
	if (!rc) {
		rc = strbuf_write(&doc, af.fp);
		if (rc)
			atomic_file_abort(&af);
		else
			rc = atomic_file_commit(&af);
	}
	if (rc) {
		snprintf(err, len, "cannot write %.300s: %s", out, err_str(rc));
	} else {
		struct json_writer w;

		jw_init(&w, text, 0);
		jw_obj_begin(&w);
		jw_kv_str(&w, "trace_id", t->id);
		jw_kv_str(&w, "output_path", out);
		jw_kv_u64(&w, "bytes", doc.len);
		jw_key(&w, "analyzers");
		jw_arr_begin(&w);
		for (size_t i = 0; i < n; i++)
			jw_str(&w, list[i]->name);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	strbuf_release(&doc);
	return rc;
}

/* -------------------------------------------------------------- schemas -- */

#define P_TRACE "\"trace_id\":{\"type\":\"string\",\"description\":\"id given to load_perfetto_trace (default: the last loaded trace)\"}"
#define P_LIMIT(def, max)                                                                          \
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":" #max ",\"default\":" #def       \
	",\"description\":\"rows per list (default " #def ", at most " #max ")\"}"
#define P_PID "\"pid\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"only this process (tgid)\"}"
#define P_TID "\"tid\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"only this thread\"}"
#define P_CPU "\"cpu\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":4095,\"description\":\"only this CPU\"}"
#define P_WINDOW                                                                                   \
	"\"start_time_ns\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"window start (trace timestamp, ns)\"},"                 \
	"\"end_time_ns\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"window end (trace timestamp, ns)\"}"
#define P_AGG "\"aggregation_mode\":{\"type\":\"string\",\"enum\":[\"per_process\",\"per_thread\"],\"default\":\"per_process\"}"
#define OBJ(...) "{\"type\":\"object\",\"properties\":{" __VA_ARGS__ "},\"additionalProperties\":false}"
#define OBJ_REQ(req, ...)                                                                          \
	"{\"type\":\"object\",\"properties\":{" __VA_ARGS__ "},\"required\":[" req                   \
	"],\"additionalProperties\":false}"
#define ANALYZER_ENUM                                                                              \
	"[\"summary\",\"cpu_utilization\",\"process_runtime\",\"wakeup_latency\",\"migrations\","   \
	"\"preemptions\",\"task_states\",\"dsq\",\"scx_layers\",\"oncpu_slices\",\"bottlenecks\","  \
	"\"outliers\",\"correlation\",\"timeline\",\"query\"]"
#define EVENT_ENUM                                                                                 \
	"[\"all\",\"sched_switch\",\"sched_waking\",\"sched_wakeup\",\"sched_wakeup_new\","         \
	"\"sched_migrate_task\",\"task_newtask\",\"task_rename\",\"sched_process_fork\","           \
	"\"sched_process_exec\",\"sched_process_exit\",\"sched_process_free\",\"softirq_entry\","    \
	"\"softirq_exit\",\"softirq_raise\",\"irq_handler_entry\",\"irq_handler_exit\","            \
	"\"ipi_raise\",\"cpu_frequency\",\"cpu_idle\",\"oncpu_begin\",\"oncpu_end\",\"wakee\","     \
	"\"waker\"]"

const struct mcp_tool mcp_trace_tools[] = {
	{"load_perfetto_trace",
	 "Load a Perfetto trace file (scxtop, systing, traced, wprof; gzip ok) under an id. Loading "
	 "the same file again is free. At most 8 traces at once.",
	 OBJ_REQ("\"file_path\"",
		 "\"file_path\":{\"type\":\"string\",\"minLength\":1,\"description\":\"path of the trace\"},"
		 "\"trace_id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,\"description\":\"id to "
		 "refer to it (default: the file name without extension)\"}"),
	 t_load},
	{"list_traces", "The loaded traces and the default trace_id.", OBJ(""), t_list},
	{"unload_trace", "Forget a loaded trace and free its memory.",
	 OBJ_REQ("\"trace_id\"", "\"trace_id\":{\"type\":\"string\"}"), t_unload},
	{"get_trace_summary",
	 "Duration, CPUs, processes, threads, total_events and events_by_type, data quality (truncation, "
	 "broken switch chains) and which analyzers apply.",
	 OBJ(P_TRACE), t_summary},
	{"discover_analyzers", "Every analyzer, with whether it applies to the trace and why not.",
	 OBJ(P_TRACE ",\"category\":{\"type\":\"string\",\"description\":\"ignored (kept for upstream compatibility)\"}"),
	 t_discover},
	{"run_all_analyzers",
	 "Run the standard set (utilization, runtime, wakeup latency, migrations, preemptions, task "
	 "states, DSQ, layers, bottlenecks, outliers) with short lists.",
	 OBJ(P_TRACE "," P_LIMIT(10, 1000) ",\"category\":{\"type\":\"string\"}"), t_run_all},
	{"analyze_trace_scheduling", "Run one analyzer by name (analysis_type).",
	 OBJ_REQ("\"analysis_type\"",
		 "\"analysis_type\":{\"type\":\"string\",\"enum\":" ANALYZER_ENUM "}," P_TRACE
		 "," P_LIMIT(20, 10000) "," P_PID "," P_TID "," P_CPU "," P_WINDOW "," P_AGG
		 ",\"method\":{\"type\":\"string\"},\"category\":{\"type\":\"string\"},"
		 "\"event_type\":{\"type\":\"string\"},\"group_by\":{\"type\":\"string\"},"
		 "\"layer_id\":{\"type\":\"integer\",\"minimum\":0},\"use_parallel\":{\"type\":\"boolean\"}"),
	 t_scheduling},
	{"analyze_cpu_utilization", "Busy/idle time, switch rate, softirq time per CPU; per LLC and NUMA node when the topology is known.",
	 OBJ(P_TRACE "," P_CPU ",\"use_parallel\":{\"type\":\"boolean\"}"), t_cpu},
	{"analyze_process_runtime", "CPU time per process (or thread), slices, voluntary/involuntary switches.",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_AGG), t_runtime},
	{"analyze_wakeup_latency",
	 "Waking → running latency (p50/p95/p99/p99.9, nearest rank) overall, per process and per CPU; cross-CPU wakeups.",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_CPU "," P_AGG), t_latency},
	{"analyze_migration_patterns", "Migrations per process; cross-LLC and cross-NUMA with a topology.",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_AGG), t_migrations},
	{"analyze_preemptions", "Preemptions per process, who preempts whom, time to run again.",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_AGG), t_preemptions},
	{"analyze_task_states", "Time running, runnable, preempted, sleeping, blocked per process (or thread).",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_AGG), t_states},
	{"analyze_dsq", "sched_ext dispatch queues: latency, depth, residency, dispatch rate.",
	 OBJ(P_TRACE), t_dsq},
	{"analyze_oncpu_slices", "On-CPU slice lengths per thread or process (p50/p99/max).",
	 OBJ(P_TRACE "," P_LIMIT(20, 10000) "," P_PID "," P_CPU "," P_AGG
		 ",\"extract_scx_metadata\":{\"type\":\"boolean\"}"),
	 t_slices},
	{"analyze_scx_layer_behavior", "sched_ext layers of wprof traces (scx_layer_id): runtime, threads, CPUs, latency, DSQs.",
	 OBJ(P_TRACE ",\"layer_id\":{\"type\":\"integer\",\"minimum\":0}"), t_layers},
	{"find_scheduling_bottlenecks", "Ranked findings (0-10 severity) with the numbers behind them.",
	 OBJ(P_TRACE "," P_LIMIT(10, 100)), t_bottlenecks},
	{"detect_outliers", "Outlier processes/CPUs by IQR, MAD or z-score (StdDev) in latency, runtime or CPU load.",
	 OBJ(P_TRACE "," P_LIMIT(20, 1000)
		 ",\"method\":{\"type\":\"string\",\"enum\":[\"IQR\",\"MAD\",\"StdDev\",\"zscore\",\"all\"],\"default\":\"all\"},"
		 "\"category\":{\"type\":\"string\",\"enum\":[\"latency\",\"runtime\",\"cpu\",\"all\"],\"default\":\"all\"}"),
	 t_outliers},
	{"query_trace_events", "Count and list events filtered by type, CPU, process, thread and time; group counts by cpu/pid/tid/type/comm.",
	 OBJ(P_TRACE "," P_LIMIT(100, 10000) "," P_PID "," P_TID "," P_CPU "," P_WINDOW
		 ",\"event_type\":{\"type\":\"string\",\"enum\":" EVENT_ENUM "},"
		 "\"group_by\":{\"type\":\"string\",\"enum\":[\"cpu\",\"pid\",\"tid\",\"type\",\"comm\"]}"),
	 t_query},
	{"get_process_timeline", "The events of one process (or thread) in time order.",
	 OBJ_REQ("\"pid\"", P_TRACE "," P_PID "," P_TID "," P_WINDOW "," P_LIMIT(100, 10000)
		 ",\"event_type\":{\"type\":\"string\",\"enum\":" EVENT_ENUM "}"),
	 t_process_timeline},
	{"get_cpu_timeline", "The sched slices of one CPU in time order (who ran, how long, how it ended).",
	 OBJ_REQ("\"cpu\"", P_TRACE "," P_CPU "," P_WINDOW "," P_LIMIT(100, 10000)), t_cpu_timeline},
	{"correlate_wakeup_to_schedule",
	 "Each wakeup paired with the switch that ran the task: slowest pairs and busiest waker→wakee pairs; statistics over all pairs.",
	 OBJ(P_TRACE "," P_LIMIT(100, 10000) "," P_PID "," P_TID "," P_CPU "," P_WINDOW), t_correlate},
	{"export_trace_analysis", "Write the analyzers' results as one JSON document (schemas/analyze.schema.json) to output_path (atomically).",
	 OBJ_REQ("\"output_path\"", P_TRACE ",\"output_path\":{\"type\":\"string\",\"minLength\":1},"
		 "\"analysis_types\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":" ANALYZER_ENUM
		 "},\"maxItems\":32}," P_LIMIT(20, 10000)),
	 t_export},
};
const size_t mcp_nr_trace_tools = ARRAY_SIZE(mcp_trace_tools);
