// SPDX-License-Identifier: GPL-2.0
/* The hint recorder: see hints_recorder.h. */
#include "profiler/hints_recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "bpf/hints_poll.h"
#include "bpf/hints_poll.skel.h"
#include "bpf/hints_trace.h"
#include "bpf/hints_trace.skel.h"
#include "common/bpfutil.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal "operation not supported", seen from bpf() */
#endif

_Static_assert(sizeof(struct hint_event) == HINT_EVENT_SIZE, "hint_event is 24 bytes");

const char *const hints_mode_names[] = {"auto", "trace", "poll", NULL};

/* ---- the target map ---------------------------------------------------- */

/* True when fd is a BPF map (not a program or link pinned at the same kind of path). */
static bool fd_is_map(int fd)
{
	char path[64], line[128];
	bool map = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	fp = fopen(path, "r");
	if (!fp)
		return true; /* cannot tell; the info query decides */
	while (fgets(line, sizeof(line), fp))
		if (str_has_prefix(line, "map_type:"))
			map = true;
	fclose(fp);
	return map;
}

static const char *map_type_name(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	return s ? s : "unknown";
}

int hints_map_open(struct hints_map *m, const char *pin_path, uint32_t id)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int err;

	memset(m, 0, sizeof(*m));
	if (pin_path) {
		struct statfs sf;

		snprintf(m->desc, sizeof(m->desc), "'%s'", pin_path);
		if (statfs(pin_path, &sf) == 0 && sf.f_type != BPF_FS_MAGIC) {
			pr_err("hints map %s: not on a bpf file system (pinned maps live on bpffs, "
			       "usually /sys/fs/bpf)",
			       m->desc);
			m->fd = -1;
			return -EINVAL;
		}
		m->fd = bpf_obj_get(pin_path);
	} else {
		snprintf(m->desc, sizeof(m->desc), "id %u", id);
		m->fd = bpf_map_get_fd_by_id(id);
	}
	if (m->fd < 0) {
		err = err_errno();
		m->fd = -1;
		if (err == -ENOENT && pin_path)
			pr_err("hints map %s: no such pinned object (is bpffs mounted and the map "
			       "pinned there, e.g. scx_layered --task-hint-map?)",
			       m->desc);
		else if (err == -ENOENT)
			pr_err("hints map %s: no BPF map with this id", m->desc);
		else if (err == -EPERM && pin_path && strchr(strrchr(pin_path, '/') ?: pin_path, '.'))
			pr_err("hints map %s: bpffs names cannot contain '.'", m->desc);
		else if (err == -EPERM || err == -EACCES)
			pr_err("hints map %s: %s (needs root or CAP_BPF)", m->desc, err_str(err));
		else
			pr_err("hints map %s: %s", m->desc, err_str(err));
		return err;
	}
	if (!fd_is_map(m->fd)) {
		pr_err("hints map %s: the pinned object is not a map", m->desc);
		err = -EINVAL;
		goto fail;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(m->fd, &info, &len)) {
		err = err_errno();
		pr_err("hints map %s: cannot query map info: %s", m->desc, err_str(err));
		goto fail;
	}
	m->id = info.id;
	m->type = info.type;
	m->key_size = info.key_size;
	m->value_size = info.value_size;
	snprintf(m->name, sizeof(m->name), "%s", info.name);
	if (info.type != BPF_MAP_TYPE_TASK_STORAGE) {
		pr_err("hints map %s: a %s map (id %u, '%s'), not a task-storage map", m->desc,
		       map_type_name(info.type), info.id, info.name);
		err = -EINVAL;
		goto fail;
	}
	if (info.value_size < sizeof(__u64)) {
		pr_err("hints map %s: values are %u bytes; a task hint needs at least 8", m->desc,
		       info.value_size);
		err = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	hints_map_close(m);
	return err;
}

void hints_map_close(struct hints_map *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

/* ---- output -------------------------------------------------------------- */

void hints_format_line(struct strbuf *sb, int32_t pid, int32_t tgid, uint64_t hints,
		       uint64_t timestamp)
{
	strbuf_addstr(sb, "{\"pid\":");
	strbuf_addi64(sb, pid);
	strbuf_addstr(sb, ",\"tgid\":");
	strbuf_addi64(sb, tgid);
	strbuf_addstr(sb, ",\"hints\":");
	strbuf_addu64(sb, hints);
	strbuf_addstr(sb, ",\"timestamp\":");
	strbuf_addu64(sb, timestamp);
	strbuf_addstr(sb, "}\n");
}

static void add_line(struct hints_recorder *r, int32_t pid, int32_t tgid, uint64_t hints,
		     uint64_t ts)
{
	hints_format_line(&r->buf, pid, tgid, hints, ts);
	r->stats.lines++;
}

static int flush_lines(struct hints_recorder *r)
{
	int err;

	if (r->err)
		return r->err;
	if (r->buf.len) {
		err = strbuf_write(&r->buf, r->out);
		strbuf_reset(&r->buf);
		if (err)
			goto fail;
	}
	if (fflush(r->out)) {
		err = err_errno();
		goto fail;
	}
	return 0;
fail:
	r->err = err;
	pr_err("writing hints.jsonl: %s", err_str(err));
	return err;
}

/* ---- poll mode bookkeeping ---------------------------------------------- */

void hints_poll_record(struct hints_recorder *r, const void *rec)
{
	struct hint_event e;
	struct hints_seen *s;
	uint64_t *slot;
	bool created;

	memcpy(&e, rec, sizeof(e));
	slot = u64map_upsert(&r->index, (uint32_t)e.pid, &created);
	if (created) {
		xgrow((void **)&r->seen, &r->alloc_seen, r->nr_seen + 1, sizeof(*r->seen));
		*slot = ++r->nr_seen;
		s = &r->seen[r->nr_seen - 1];
		*s = (struct hints_seen){.tid = e.pid, .tgid = e.tgid, .hint = e.hints};
		add_line(r, e.pid, e.tgid, e.hints, e.timestamp);
	} else {
		s = &r->seen[*slot - 1];
		/* A new value, or the tid now belongs to another process. */
		if (s->hint != e.hints || s->tgid != e.tgid) {
			s->hint = e.hints;
			s->tgid = e.tgid;
			add_line(r, e.pid, e.tgid, e.hints, e.timestamp);
		}
	}
	s->pass = r->pass;
}

void hints_poll_end_pass(struct hints_recorder *r, uint64_t end_ns)
{
	size_t i = 0;

	while (i < r->nr_seen) {
		struct hints_seen *s = &r->seen[i];

		if (s->pass == r->pass) {
			i++;
			continue;
		}
		/* Gone since the last pass: the thread exited or its value was deleted. */
		if (s->hint)
			add_line(r, s->tid, s->tgid, 0, end_ns);
		u64map_del(&r->index, (uint32_t)s->tid);
		if (i != r->nr_seen - 1) {
			*s = r->seen[r->nr_seen - 1];
			*u64map_get(&r->index, (uint32_t)s->tid) = i + 1;
		}
		r->nr_seen--;
	}
	r->pass++;
}

/* CPU time of this thread (the iterator runs in our read() calls). */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One iterator pass: every thread's current value. */
static int poll_pass(struct hints_recorder *r)
{
	char buf[HINT_EVENT_SIZE * 512];
	uint64_t t0 = thread_cpu_ns(), dt;
	size_t have = 0;
	int fd, err = 0;
	ssize_t n;

	fd = bpf_iter_create(bpf_link__fd(r->iter_link));
	if (fd < 0) {
		err = err_errno();
		pr_err("hints poll: bpf_iter_create: %s", err_str(err));
		return err;
	}
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = err_errno();
			pr_err("hints poll: reading the task iterator: %s", err_str(err));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		size_t whole = have - have % HINT_EVENT_SIZE;
		for (size_t off = 0; off < whole; off += HINT_EVENT_SIZE)
			hints_poll_record(r, buf + off);
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	close(fd);
	if (err)
		return err;
	hints_poll_end_pass(r, now_mono_ns());
	dt = thread_cpu_ns() - t0;
	r->last_pass_ns = dt;
	r->stats.polls++;
	r->stats.poll_ns_total += dt;
	r->stats.poll_ns_max = MAX(r->stats.poll_ns_max, dt);
	r->stats.tasks = r->poll->bss->stats.tasks;
	r->stats.hinted = r->poll->bss->stats.hinted;
	r->poll->bss->stats.tasks = 0;
	r->poll->bss->stats.hinted = 0;
	return 0;
}

/* ---- loading ------------------------------------------------------------- */

static bool refused(int err)
{
	return err == -EPERM || err == -EACCES || err == -ENOTSUPP || err == -EOPNOTSUPP;
}

/* "<what>: <libbpf error>" for the trace program, with the usual causes named. */
static void trace_failure(char *out, size_t n, const char *what, int err)
{
	char eb[128];

	bpfutil_strerror(err, eb, sizeof(eb));
	if (refused(err))
		snprintf(out, n, "fentry not permitted on this kernel (%s fentry/bpf_map_update_value: "
			 "%s)", what, eb);
	else if (err == -ENOENT || err == -ESRCH || err == -EINVAL)
		snprintf(out, n, "bpf_map_update_value cannot be traced on this kernel (%s "
			 "fentry: %s; not in BTF, or inlined)", what, eb);
	else
		snprintf(out, n, "%s fentry/bpf_map_update_value: %s", what, eb);
}

static int trace_start(struct hints_recorder *r, const struct hints_opts *o, char *why, size_t n)
{
	struct hints_trace_bpf *skel;
	int err;

	skel = hints_trace_bpf__open();
	if (!skel) {
		err = err_errno();
		snprintf(why, n, "cannot open the trace BPF object: %s", err_str(err));
		return err;
	}
	skel->rodata->target_map_id = r->map->id;
	err = bpf_map__set_max_entries(skel->maps.events, o->ring_mb * 1024u * 1024u);
	if (!err)
		err = hints_trace_bpf__load(skel);
	if (err) {
		trace_failure(why, n, "loading", err);
		goto fail;
	}
	err = hints_trace_bpf__attach(skel);
	if (err) {
		trace_failure(why, n, "attaching", err);
		goto fail;
	}
	r->trace = skel;
	return 0;
fail:
	hints_trace_bpf__destroy(skel);
	return err;
}

static int handle_trace_event(void *ctx, void *data, size_t size)
{
	struct hints_recorder *r = ctx;
	struct hint_event e;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	add_line(r, e.pid, e.tgid, e.hints, e.timestamp);
	return 0;
}

static int poll_start(struct hints_recorder *r, char *why, size_t n)
{
	struct hints_poll_bpf *skel;
	char eb[128];
	int err;

	skel = hints_poll_bpf__open();
	if (!skel) {
		err = err_errno();
		snprintf(why, n, "cannot open the poll BPF object: %s", err_str(err));
		return err;
	}
	err = bpf_map__reuse_fd(skel->maps.hint_map, r->map->fd);
	if (err) {
		snprintf(why, n, "binding the iterator to the map: %s",
			 bpfutil_strerror(err, eb, sizeof(eb)));
		goto fail;
	}
	err = hints_poll_bpf__load(skel);
	if (err) {
		snprintf(why, n, "loading iter/task: %s%s", bpfutil_strerror(err, eb, sizeof(eb)),
			 refused(err) ? " (needs root or CAP_BPF+CAP_PERFMON)" : "");
		goto fail;
	}
	r->iter_link = bpf_program__attach_iter(skel->progs.hints_poll, NULL);
	if (!r->iter_link) {
		err = err_errno();
		snprintf(why, n, "attaching iter/task: %s", bpfutil_strerror(err, eb, sizeof(eb)));
		goto fail;
	}
	r->poll = skel;
	return 0;
fail:
	hints_poll_bpf__destroy(skel);
	return err;
}

int hints_recorder_start(struct hints_recorder *r, const struct hints_map *map,
			 const struct hints_opts *o, FILE *out)
{
	char why[512] = "";
	int err;

	memset(r, 0, sizeof(*r));
	r->map = map;
	r->out = out;
	r->poll_ms = o->poll_ms ? o->poll_ms : HINTS_POLL_MS_DEFAULT;
	u64map_init(&r->index);
	strbuf_init(&r->buf, 0);
	bpfutil_setup_logging();

	if (o->mode != HINTS_POLL) {
		err = trace_start(r, o, why, sizeof(why));
		if (!err) {
			r->rb = ring_buffer__new(bpf_map__fd(r->trace->maps.events),
						 handle_trace_event, r, NULL);
			if (!r->rb) {
				err = err_errno();
				pr_err("hints trace: ring buffer: %s", err_str(err));
				goto fail;
			}
			r->mode = HINTS_TRACE;
			/* Hints set before recording: one iterator pass, when it works. */
			if (poll_start(r, why, sizeof(why)) == 0) {
				err = poll_pass(r);
				if (err)
					goto fail;
				r->stats.snapshot_lines = r->stats.lines;
				r->snapshot = true;
				bpf_link__destroy(r->iter_link);
				r->iter_link = NULL;
				hints_poll_bpf__destroy(r->poll);
				r->poll = NULL;
			} else {
				pr_debug("hints: no initial snapshot: %s", why);
			}
			pr_info("hints: trace mode (fentry on bpf_map_update_value), map %s, id %u",
				map->desc, map->id);
			return 0;
		}
		if (o->mode == HINTS_TRACE) {
			pr_err("hint trace mode: %s; use --hints-mode poll (or auto)", why);
			goto fail;
		}
		snprintf(r->fallback_reason, sizeof(r->fallback_reason), "%s", why);
	}
	err = poll_start(r, why, sizeof(why));
	if (err) {
		if (r->fallback_reason[0])
			pr_err("hints: trace mode unavailable (%s), and poll mode failed: %s",
			       r->fallback_reason, why);
		else
			pr_err("hint poll mode: %s", why);
		goto fail;
	}
	r->mode = HINTS_POLL;
	r->next_poll_ns = now_mono_ns();
	if (r->fallback_reason[0])
		pr_info("hints: poll mode every %u ms, map %s, id %u (trace mode unavailable: %s)",
			r->poll_ms, map->desc, map->id, r->fallback_reason);
	else
		pr_info("hints: poll mode every %u ms, map %s, id %u", r->poll_ms, map->desc,
			map->id);
	return 0;
fail:
	hints_recorder_destroy(r);
	return err;
}

int hints_recorder_fd(const struct hints_recorder *r)
{
	return r->rb && !r->stopped ? ring_buffer__epoll_fd(r->rb) : -1;
}

int hints_recorder_timeout_ms(const struct hints_recorder *r)
{
	uint64_t now;

	if (r->mode != HINTS_POLL || r->stopped)
		return -1;
	now = now_mono_ns();
	if (now >= r->next_poll_ns)
		return 0;
	return (int)((r->next_poll_ns - now + 999999) / 1000000);
}

int hints_recorder_service(struct hints_recorder *r)
{
	int err = 0;

	if (r->stopped)
		return r->err;
	if (r->rb) {
		err = ring_buffer__consume(r->rb);
		if (err < 0 && err != -EINTR) {
			pr_err("hints trace: reading the ring buffer: %s", err_str(err));
			return err;
		}
	} else if (r->poll && now_mono_ns() >= r->next_poll_ns) {
		uint64_t start = now_mono_ns(), interval = (uint64_t)r->poll_ms * 1000000, dt;


		err = poll_pass(r);
		if (err)
			return err;
		/*
		 * A pass visits every thread of the host (~0.6 us each): keep its cost
		 * under 1/HINTS_POLL_DUTY of a CPU by stretching the interval.
		 */
		dt = r->last_pass_ns; /* CPU time: a pass that was preempted does not count */
		if (dt * HINTS_POLL_DUTY > interval) {
			uint64_t avg = r->stats.poll_ns_total / r->stats.polls;

			interval = dt * HINTS_POLL_DUTY;
			/* Say so once it is the rule, not one pass that was preempted. */
			if (!r->stretched && r->stats.polls >= 20 && avg * HINTS_POLL_DUTY > interval / 2) {
				r->stretched = true;
				pr_warn("hints poll: a pass over %llu threads takes %.1f ms; polling "
					"every %.0f ms instead of %u ms to stay under %d%% of a CPU",
					(unsigned long long)r->stats.tasks, (double)avg / 1e6,
					(double)avg * HINTS_POLL_DUTY / 1e6, r->poll_ms,
					100 / HINTS_POLL_DUTY);
			}
		}
		r->stats.interval_ns_max = MAX(r->stats.interval_ns_max, interval);
		/* Fixed rate; after an overrun, the next pass waits a full interval. */
		r->next_poll_ns += interval;
		if (r->next_poll_ns <= start)
			r->next_poll_ns = start + interval;
	}
	return flush_lines(r);
}

int hints_recorder_stop(struct hints_recorder *r)
{
	int err = 0;

	if (r->stopped)
		return r->err;
	if (r->trace) {
		/* Detach first so no new event arrives, then take what is buffered. */
		hints_trace_bpf__detach(r->trace);
		if (r->rb) {
			err = ring_buffer__consume(r->rb);
			if (err > 0)
				err = 0;
		}
		r->stats.trace_events = r->trace->bss->stats.events;
		r->stats.dropped = r->trace->bss->stats.dropped_events;
	} else if (r->poll) {
		err = poll_pass(r);
	}
	if (!err)
		err = flush_lines(r);
	r->stopped = true;
	if (r->stats.dropped)
		pr_warn("%llu hints events were dropped due to full ring buffer, consider "
			"increasing --hints-map-ring-sz",
			(unsigned long long)r->stats.dropped);
	if (err && !r->err)
		r->err = err;
	return err;
}

void hints_recorder_destroy(struct hints_recorder *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	hints_trace_bpf__destroy(r->trace);
	r->trace = NULL;
	bpf_link__destroy(r->iter_link);
	r->iter_link = NULL;
	hints_poll_bpf__destroy(r->poll);
	r->poll = NULL;
	u64map_release(&r->index);
	free(r->seen);
	r->seen = NULL;
	r->nr_seen = r->alloc_seen = 0;
	strbuf_release(&r->buf);
}
