// SPDX-License-Identifier: GPL-2.0
/* scxprof record: cgroups.jsonl and meta.json (see record.h). */
#include "profiler/record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/err.h"
#include "common/json_writer.h"
#include "common/util.h"
#include "profiler/bundle.h"
#include "profiler/hints_recorder.h"

const char *record_cgroup_hierarchy(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return "unified";
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	return "v1";
}

/* Does the v1 controller list (e.g. "cpu,cpuacct") name the cpu controller? */
static bool has_cpu_controller(const char *list, size_t len)
{
	for (const char *p = list, *end = list + len; p < end;) {
		size_t n = strcspn(p, ",:");

		if (n == 3 && !strncmp(p, "cpu", 3))
			return true;
		p += n + 1;
	}
	return false;
}

bool record_cgroup_path(const char *text, struct strbuf *path)
{
	const char *first = NULL, *cpu = NULL;
	size_t first_len = 0, cpu_len = 0;

	strbuf_reset(path);
	/* Lines are "hierarchy-id:controllers:path"; cgroup2's is "0::path". */
	for (const char *line = text; *line;) {
		const char *end = line + strcspn(line, "\n");
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2) {
			const char *p = c2 + 1;
			size_t len = (size_t)(end - p);

			if (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1) {
				strbuf_add(path, p, len);
				return true;
			}
			if (!first) {
				first = p;
				first_len = len;
			}
			if (!cpu && has_cpu_controller(c1 + 1, (size_t)(c2 - c1 - 1))) {
				cpu = p;
				cpu_len = len;
			}
		}
		line = *end ? end + 1 : end;
	}
	if (cpu)
		strbuf_add(path, cpu, cpu_len);
	else if (first)
		strbuf_add(path, first, first_len);
	return first != NULL;
}

/* Read a small /proc file into sb; false when the task is gone. */
static bool read_small(int dirfd, const char *name, struct strbuf *sb)
{
	char buf[4096];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	strbuf_reset(sb);
	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
	close(fd);
	return n == 0;
}

static bool parse_id(const char *s, int32_t *out)
{
	uint64_t v;

	if (parse_u64(s, 1, INT32_MAX, &v))
		return false;
	*out = (int32_t)v;
	return true;
}

int record_cgroups_snapshot(FILE *fp, uint64_t timestamp, uint64_t *threads)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT, comm = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT;
	struct json_writer w;
	struct dirent *de;
	DIR *proc = opendir("/proc");
	int err = 0;

	*threads = 0;
	if (!proc)
		return err_errno();
	while ((de = readdir(proc)) && !err) {
		struct dirent *te;
		char dir[64];
		int32_t pid, tid;
		DIR *task;

		if (!parse_id(de->d_name, &pid))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
		task = opendir(dir);
		if (!task)
			continue; /* exited */
		while ((te = readdir(task)) && !err) {
			int tfd;

			if (!parse_id(te->d_name, &tid))
				continue;
			tfd = openat(dirfd(task), te->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (tfd < 0)
				continue;
			if (read_small(tfd, "cgroup", &text) && record_cgroup_path(text.buf, &path)) {
				if (!read_small(tfd, "comm", &comm))
					strbuf_reset(&comm);
				strbuf_rtrim(&comm);
				jw_init(&w, &line, 0);
				jw_obj_begin(&w);
				jw_kv_i64(&w, "tid", tid);
				jw_kv_i64(&w, "pid", pid);
				jw_kv_str(&w, "cgroup", path.buf);
				jw_kv_str(&w, "comm", comm.buf);
				jw_kv_u64(&w, "timestamp", timestamp);
				jw_obj_end(&w);
				strbuf_addch(&line, '\n');
				(*threads)++;
				if (line.len >= 64 * 1024) {
					err = strbuf_write(&line, fp);
					strbuf_reset(&line);
				}
			}
			close(tfd);
		}
		closedir(task);
	}
	closedir(proc);
	if (!err && line.len)
		err = strbuf_write(&line, fp);
	if (!err && fflush(fp))
		err = err_errno();
	strbuf_release(&text);
	strbuf_release(&path);
	strbuf_release(&comm);
	strbuf_release(&line);
	return err;
}

/* ---- meta.json ----------------------------------------------------------- */

static const char *const stop_names[] = {
	[RECORD_STOP_NONE] = "none",	   [RECORD_STOP_TIMEOUT] = "timeout",
	[RECORD_STOP_DISK] = "disk-space", [RECORD_STOP_CHILD] = "perf-exited",
	[RECORD_STOP_SIGNAL] = "signal",   [RECORD_STOP_ERROR] = "error",
};

static void kv_time(struct json_writer *w, const char *key, uint64_t mono,
		    const struct timespec *real)
{
	char iso[64];
	struct tm tm;

	gmtime_r(&real->tv_sec, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(iso + strlen(iso), sizeof(iso) - strlen(iso), ".%06ldZ", real->tv_nsec / 1000);
	jw_key(w, key);
	jw_obj_begin(w);
	jw_kv_u64(w, "monotonic_ns", mono);
	jw_kv_u64(w, "realtime_ns", (uint64_t)real->tv_sec * 1000000000ull +
					    (uint64_t)real->tv_nsec);
	jw_kv_str(w, "utc", iso);
	jw_obj_end(w);
}

static void kv_str_or_null(struct json_writer *w, const char *key, const char *v)
{
	jw_key(w, key);
	if (v)
		jw_str(w, v);
	else
		jw_null(w);
}

static void write_options(struct json_writer *w, const struct record_opts *o)
{
	jw_key(w, "options");
	jw_obj_begin(w);
	jw_kv_u64(w, "timeout_s", o->timeout_s);
	jw_kv_u64(w, "ldlat", o->ldlat);
	kv_str_or_null(w, "mem_event", o->mem_event);
	jw_kv_bool(w, "disable_mem_trace", o->disable_mem);
	jw_kv_bool(w, "disable_sched_trace", o->disable_sched);
	kv_str_or_null(w, "hints_map", o->hints_map);
	jw_key(w, "hints_map_id");
	if (o->hints_map_id)
		jw_u64(w, o->hints_map_id);
	else
		jw_null(w);
	jw_kv_str(w, "hints_mode", hints_mode_names[o->hints_mode < 0 ? HINTS_AUTO : o->hints_mode]);
	jw_kv_u64(w, "hints_map_ring_sz_mb", o->ring_mb);
	jw_kv_u64(w, "hints_poll_ms", o->poll_ms);
	jw_kv_bool(w, "enable_perf_script", o->enable_script);
	jw_kv_bool(w, "disable_archive", o->disable_archive);
	jw_kv_u64(w, "stop_grace_s", o->stop_grace_s);
	jw_obj_end(w);
}

static void write_trace(struct json_writer *w, const struct record_ctx *ctx, const char *name)
{
	const struct record_trace *t = NULL;

	for (size_t i = 0; i < ctx->nr_traces; i++)
		if (!strcmp(ctx->traces[i].name, name))
			t = &ctx->traces[i];
	jw_key(w, name);
	jw_obj_begin(w);
	jw_kv_bool(w, "enabled", t != NULL);
	if (t) {
		jw_kv_str(w, "file", t->data);
		jw_key(w, "argv");
		jw_arr_begin(w);
		for (size_t i = 0; i < t->argc; i++)
			jw_str(w, t->argv[i]);
		jw_arr_end(w);
		jw_kv_str(w, "exit", t->status);
		jw_kv_bool(w, "killed", t->killed);
	}
	if (!strcmp(name, "mem")) {
		const char *kind = !t ? "none" : ctx->o->mem_event ? "event" : "perf-mem";

		jw_kv_str(w, "kind", kind);
		kv_str_or_null(w, "event", t ? ctx->o->mem_event : NULL);
	} else {
		jw_key(w, "events");
		jw_arr_begin(w);
		for (size_t i = 0; t && i < ctx->nr_sched_events; i++)
			jw_str(w, ctx->sched_events[i]);
		jw_arr_end(w);
		jw_key(w, "missing_events");
		jw_arr_begin(w);
		for (const char *p = ctx->missing_events.buf; t && *p;) {
			size_t len = strcspn(p, ",");
			jw_strn(w, p, len);
			p += len;
			while (*p == ',' || *p == ' ')
				p++;
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void write_hints(struct json_writer *w, const struct record_ctx *ctx)
{
	const struct hints_recorder *h = ctx->hints;

	jw_key(w, "hints");
	jw_obj_begin(w);
	jw_kv_bool(w, "enabled", h != NULL);
	if (h) {
		const struct hints_stats *s = &h->stats;

		jw_kv_str(w, "file", BUNDLE_HINTS);
		jw_kv_str(w, "mode", hints_mode_names[h->mode]);
		jw_kv_str(w, "fallback_reason", h->fallback_reason);
		jw_key(w, "map");
		jw_obj_begin(w);
		jw_kv_u64(w, "id", ctx->map->id);
		jw_kv_str(w, "name", ctx->map->name);
		kv_str_or_null(w, "pinned_path", ctx->o->hints_map);
		jw_kv_u64(w, "value_size", ctx->map->value_size);
		jw_obj_end(w);
		jw_kv_u64(w, "lines", s->lines);
		jw_kv_u64(w, "dropped_events", s->dropped);
		if (h->mode == HINTS_TRACE) {
			jw_kv_u64(w, "ring_sz_mb", ctx->o->ring_mb);
			jw_kv_u64(w, "trace_events", s->trace_events);
			jw_kv_bool(w, "initial_snapshot", h->snapshot);
			jw_kv_u64(w, "snapshot_lines", s->snapshot_lines);
		} else {
			jw_kv_u64(w, "poll_ms", h->poll_ms);
			jw_kv_u64(w, "polls", s->polls);
			jw_kv_u64(w, "poll_ns_avg", s->polls ? s->poll_ns_total / s->polls : 0);
			jw_kv_u64(w, "poll_ns_max", s->poll_ns_max);
			jw_kv_u64(w, "poll_interval_ns_max", s->interval_ns_max);
			jw_kv_u64(w, "tasks_last_poll", s->tasks);
			jw_kv_u64(w, "hinted_tasks_last_poll", s->hinted);
		}
	}
	jw_obj_end(w);
}

void record_meta_format(const struct record_ctx *ctx, struct strbuf *out)
{
	const struct record_opts *o = ctx->o;
	struct json_writer w;
	struct utsname u;
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	jw_init(&w, out, JSON_PRETTY);
	jw_obj_begin(&w);
	jw_kv_u64(&w, "format", 1);
	jw_kv_str(&w, "tool", "scxprof");
	jw_kv_str(&w, "version", scx_version());
	jw_kv_str(&w, "git_commit", scx_git_commit());
	jw_kv_str(&w, "name", ctx->root);
	jw_kv_str(&w, "hostname", host);
	jw_key(&w, "kernel");
	jw_obj_begin(&w);
	jw_kv_str(&w, "sysname", u.sysname);
	jw_kv_str(&w, "release", u.release);
	jw_kv_str(&w, "version", u.version);
	jw_kv_str(&w, "machine", u.machine);
	jw_obj_end(&w);
	jw_kv_u64(&w, "nr_cpus", ctx->rates.nr_cpus);
	jw_kv_str(&w, "clock", "CLOCK_MONOTONIC");
	kv_time(&w, "start", ctx->start_ns, &ctx->start_real);
	kv_time(&w, "end", ctx->end_ns, &ctx->end_real);
	jw_kv_u64(&w, "duration_ns", ctx->end_ns - ctx->start_ns);
	jw_kv_str(&w, "stop_reason", stop_names[ctx->stop]);
	write_options(&w, o);
	jw_key(&w, "perf");
	jw_obj_begin(&w);
	jw_kv_str(&w, "binary", ctx->perf->path);
	jw_kv_str(&w, "version", ctx->perf->version);
	jw_kv_bool(&w, "script_cgroup_field", ctx->perf->has_cgroup_field);
	jw_obj_end(&w);
	jw_key(&w, "traces");
	jw_obj_begin(&w);
	write_trace(&w, ctx, "mem");
	write_trace(&w, ctx, "sched");
	write_hints(&w, ctx);
	jw_obj_end(&w);
	jw_key(&w, "cgroups");
	jw_obj_begin(&w);
	jw_kv_str(&w, "file", BUNDLE_CGROUPS);
	jw_kv_str(&w, "hierarchy", record_cgroup_hierarchy());
	jw_kv_u64(&w, "threads_start", ctx->threads_start);
	jw_kv_u64(&w, "threads_end", ctx->threads_end);
	jw_obj_end(&w);
	jw_key(&w, "perf_scripts");
	jw_arr_begin(&w);
	for (size_t i = 0; i < ctx->nr_scripts; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "file", ctx->scripts[i].name);
		jw_kv_str(&w, "result", ctx->scripts[i].result);
		jw_kv_u64(&w, "bytes", ctx->scripts[i].bytes);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "estimate");
	jw_obj_begin(&w);
	jw_kv_u64(&w, "staging_bytes", ctx->est.staging_bytes);
	jw_kv_u64(&w, "archive_bytes", ctx->est.archive_bytes);
	jw_obj_end(&w);
	jw_obj_end(&w);
	strbuf_addch(out, '\n');
}
