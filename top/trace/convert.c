// SPDX-License-Identifier: GPL-2.0
/*
 * `scxtop trace --convert`: perf sched recordings (scxprof's perf.sched.jsonl)
 * and Perfetto traces to a trace written by our writer (see convert.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/child.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/linereader.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/util.h"
#include "profiler/bundle.h"
#include "profiler/bundle_in.h"
#include "profiler/libscxprof.h"
#include "profiler/perf.h"
#include "top/trace/convert.h"
#include "top/trace/pftrace_read.h"

/* ---- perf's trace texts ---------------------------------------------------------------- */

int64_t convert_prev_state(const char *s, size_t len)
{
	int64_t st = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case 'S': st |= SCHED_STATE_INTERRUPTIBLE; break;
		case 'D': st |= SCHED_STATE_UNINTERRUPTIBLE; break;
		case 'T': st |= SCHED_STATE_STOPPED; break;
		case 't': st |= SCHED_STATE_TRACED; break;
		case 'X': st |= SCHED_STATE_EXIT_DEAD; break;
		case 'Z': st |= SCHED_STATE_EXIT_ZOMBIE; break;
		case 'P': st |= SCHED_STATE_PARKED; break;
		case 'I': st |= SCHED_STATE_IDLE; break;
		case '+': st |= SCHED_STATE_PREEMPTED; break;
		default: break;	/* R, '|', and letters of older kernels (K, W, N) */
		}
	}
	return st;
}

struct span {
	const char *p;
	size_t len;
};

/*
 * "k1=v1 k2=v2 ... kn=vn": the value of keys[i] runs to " keys[i+1]=" (so a
 * comm may hold spaces), the last one to the end. Keys absent from `keys`
 * stay inside the previous value; numbers are read from a value's start.
 */
static bool kv_seq(const char *s, const char *const *keys, unsigned n, struct span *vals)
{
	size_t klen = strlen(keys[0]);
	const char *v, *end = s + strlen(s);
	unsigned i;

	if (strncmp(s, keys[0], klen) || s[klen] != '=')
		return false;
	v = s + klen + 1;
	for (i = 0; i < n; i++) {
		const char *next = end;

		if (i + 1 < n) {
			char pat[40];

			snprintf(pat, sizeof(pat), " %s=", keys[i + 1]);
			next = strstr(v, pat);
			if (!next)
				return false;
		}
		vals[i].p = v;
		vals[i].len = (size_t)(next - v);
		if (i + 1 < n)
			v = next + strlen(keys[i + 1]) + 2;
	}
	return true;
}

static bool span_int(struct span sp, int base, int64_t *out)
{
	char buf[32], *end;
	size_t n = MIN(sp.len, sizeof(buf) - 1);

	memcpy(buf, sp.p, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, base);
	return end != buf && !errno;
}

static void span_comm(struct span sp, char comm[SCHED_COMM_LEN])
{
	size_t n = MIN(sp.len, SCHED_COMM_LEN - 1);

	memset(comm, 0, SCHED_COMM_LEN);
	memcpy(comm, sp.p, n);
}

static const char *span_scratch(struct span sp, struct perf_sched_record *r, size_t off)
{
	size_t n = MIN(sp.len, sizeof(r->scratch) - off - 1);

	memcpy(r->scratch + off, sp.p, n);
	r->scratch[off + n] = '\0';
	return r->scratch + off;
}

/* "comm:pid [prio] [success=1 ]CPU:001": libtraceevent's sched_wakeup plugin. */
static bool plugin_wakeup(const char *s, struct sched_task *t, int32_t *target)
{
	const char *cpu = strstr(s, "CPU:"), *rb, *lb, *colon;
	struct span sp;
	int64_t v;

	if (!cpu)
		return false;
	for (rb = cpu; rb > s && *rb != ']'; rb--)
		;
	for (lb = rb; lb > s && *lb != '['; lb--)
		;
	if (*rb != ']' || *lb != '[' || lb == s)
		return false;
	for (colon = lb; colon > s && *colon != ':'; colon--)
		;
	if (*colon != ':')
		return false;
	sp = (struct span){colon + 1, (size_t)(lb - colon - 1)};
	if (!span_int(sp, 10, &v))
		return false;
	t->tid = (int32_t)v;
	sp = (struct span){lb + 1, (size_t)(rb - lb - 1)};
	if (!span_int(sp, 10, &v))
		return false;
	t->prio = (int32_t)v;
	span_comm((struct span){s, (size_t)(colon - s)}, t->comm);
	sp = (struct span){cpu + 4, strlen(cpu + 4)};
	if (!span_int(sp, 10, &v))
		return false;
	*target = (int32_t)v;
	return true;
}

static bool parse_wake(const char *s, struct sched_event *ev)
{
	static const char *const keys[] = {"comm", "pid", "prio", "target_cpu"};
	struct span v[4];
	int64_t pid, prio, cpu;

	if (!kv_seq(s, keys, 4, v))
		return plugin_wakeup(s, &ev->wake.task, &ev->wake.target_cpu);
	if (!span_int(v[1], 10, &pid) || !span_int(v[2], 10, &prio) || !span_int(v[3], 10, &cpu))
		return false;
	span_comm(v[0], ev->wake.task.comm);
	ev->wake.task.tid = (int32_t)pid;
	ev->wake.task.prio = (int32_t)prio;
	ev->wake.target_cpu = (int32_t)cpu;
	return true;
}

/* comm=X pid=N prio=N: sched_process_exit, sched_process_free */
static bool parse_cpp(const char *s, struct sched_task *t)
{
	static const char *const keys[] = {"comm", "pid", "prio"};
	struct span v[3];
	int64_t pid, prio;

	if (!kv_seq(s, keys, 3, v) || !span_int(v[1], 10, &pid) || !span_int(v[2], 10, &prio))
		return false;
	span_comm(v[0], t->comm);
	t->tid = (int32_t)pid;
	t->prio = (int32_t)prio;
	return true;
}

static bool parse_migrate(const char *s, struct sched_event *ev)
{
	static const char *const keys[] = {"comm", "pid", "prio", "orig_cpu", "dest_cpu"};
	struct span v[5];
	int64_t pid, prio, o, d;

	if (!kv_seq(s, keys, 5, v) || !span_int(v[1], 10, &pid) || !span_int(v[2], 10, &prio) ||
	    !span_int(v[3], 10, &o) || !span_int(v[4], 10, &d))
		return false;
	span_comm(v[0], ev->migrate.task.comm);
	ev->migrate.task.tid = (int32_t)pid;
	ev->migrate.task.prio = (int32_t)prio;
	ev->migrate.orig_cpu = (int32_t)o;
	ev->migrate.dest_cpu = (int32_t)d;
	return true;
}

static bool parse_newtask(const char *s, struct sched_event *ev, const struct perf_sched_record *r)
{
	static const char *const keys[] = {"pid", "comm", "clone_flags"};
	struct span v[3];
	int64_t pid, flags;

	if (!kv_seq(s, keys, 3, v) || !span_int(v[0], 10, &pid) || !span_int(v[2], 16, &flags))
		return false;
	ev->newtask.parent.tid = r->tid;
	ev->newtask.parent.tgid = r->pid;
	sched_comm_set(ev->newtask.parent.comm, r->comm);
	ev->newtask.child.tid = (int32_t)pid;
	ev->newtask.child.tgid = (flags & 0x10000) ? r->pid : (int32_t)pid;
	span_comm(v[1], ev->newtask.child.comm);
	ev->newtask.clone_flags = (uint64_t)flags;
	return true;
}

static bool parse_fork(const char *s, struct sched_event *ev)
{
	static const char *const keys[] = {"comm", "pid", "child_comm", "child_pid"};
	struct span v[4];
	int64_t pid, cpid;

	if (!kv_seq(s, keys, 4, v) || !span_int(v[1], 10, &pid) || !span_int(v[3], 10, &cpid))
		return false;
	span_comm(v[0], ev->newtask.parent.comm);
	ev->newtask.parent.tid = (int32_t)pid;
	span_comm(v[2], ev->newtask.child.comm);
	ev->newtask.child.tid = (int32_t)cpid;
	return true;
}

static bool parse_rename(const char *s, struct sched_event *ev)
{
	static const char *const keys[] = {"pid", "oldcomm", "newcomm", "oom_score_adj"};
	struct span v[4];
	int64_t pid;

	if (!kv_seq(s, keys, 4, v) || !span_int(v[0], 10, &pid))
		return false;
	ev->rename.task.tid = (int32_t)pid;
	span_comm(v[1], ev->rename.oldcomm);
	span_comm(v[2], ev->rename.task.comm);
	return true;
}

static bool parse_exec(const char *s, struct sched_event *ev, struct perf_sched_record *r)
{
	static const char *const keys[] = {"filename", "pid", "old_pid"};
	struct span v[3];
	int64_t pid, old;

	if (!kv_seq(s, keys, 3, v) || !span_int(v[1], 10, &pid) || !span_int(v[2], 10, &old))
		return false;
	ev->exec.filename = span_scratch(v[0], r, 0);
	ev->exec.task.tid = (int32_t)pid;
	ev->exec.old_tid = (int32_t)old;
	/* The comm after exec is the task's own (the record's comm). */
	sched_comm_set(ev->exec.task.comm, r->comm);
	return true;
}

static bool parse_irq(const char *s, struct sched_event *ev, struct perf_sched_record *r)
{
	static const char *const ekeys[] = {"irq", "name"}, *const xkeys[] = {"irq", "ret"};
	struct span v[2];
	int64_t irq;

	if (ev->kind == SCHED_EV_IRQ_ENTRY) {
		if (!kv_seq(s, ekeys, 2, v) || !span_int(v[0], 10, &irq))
			return false;
		ev->irq.name = span_scratch(v[1], r, 0);
	} else {
		if (!kv_seq(s, xkeys, 2, v) || !span_int(v[0], 10, &irq))
			return false;
		ev->irq.ret = v[1].len >= 7 && !strncmp(v[1].p, "handled", 7) ? 1 : 0;
	}
	ev->irq.irq = (int32_t)irq;
	return true;
}

static bool parse_switch(const struct perf_sched_record *r, struct sched_event *ev)
{
	const struct perf_sched_switch *sw = r->sw;

	if (!sw)
		return false;
	sched_comm_set(ev->sw.prev.comm, sw->prev_comm);
	ev->sw.prev.tid = (int32_t)sw->prev_pid;
	ev->sw.prev.prio = (int32_t)sw->prev_prio;
	ev->sw.prev.tgid = sw->prev_pid == r->tid ? r->pid : -1;
	ev->sw.prev_state = convert_prev_state(sw->prev_state, strlen(sw->prev_state));
	sched_comm_set(ev->sw.next.comm, sw->next_comm);
	ev->sw.next.tid = (int32_t)sw->next_pid;
	ev->sw.next.prio = (int32_t)sw->next_prio;
	ev->sw.next.tgid = sw->next_pid == 0 ? 0 : -1;
	return true;
}

struct event_map {
	const char *name;	/* without the "subsys:" prefix */
	uint16_t kind;
};

static const struct event_map events[] = {
	{"sched_switch", SCHED_EV_SWITCH},
	{"sched_waking", SCHED_EV_WAKING},
	{"sched_wakeup", SCHED_EV_WAKEUP},
	{"sched_wakeup_new", SCHED_EV_WAKEUP_NEW},
	{"sched_migrate_task", SCHED_EV_MIGRATE},
	{"task_newtask", SCHED_EV_NEWTASK},
	{"sched_process_fork", SCHED_EV_NEWTASK},
	{"sched_process_exec", SCHED_EV_EXEC},
	{"task_rename", SCHED_EV_RENAME},
	{"sched_process_exit", SCHED_EV_EXIT},
	{"sched_process_free", SCHED_EV_FREE},
	{"softirq_entry", SCHED_EV_SOFTIRQ_ENTRY},
	{"softirq_exit", SCHED_EV_SOFTIRQ_EXIT},
	{"softirq_raise", SCHED_EV_SOFTIRQ_RAISE},
	{"irq_handler_entry", SCHED_EV_IRQ_ENTRY},
	{"irq_handler_exit", SCHED_EV_IRQ_EXIT},
	{"cpu_frequency", SCHED_EV_CPU_FREQ},
	{"cpu_idle", SCHED_EV_CPU_IDLE},
};

int convert_perf_record(struct perf_sched_record *r, struct sched_event *ev)
{
	const char *name = strchr(r->event, ':'), *s = r->trace;
	const struct event_map *m = NULL;
	bool ok = false;
	int64_t v = 0;
	size_t i;

	name = name ? name + 1 : r->event;
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		if (!strcmp(name, events[i].name)) {
			m = &events[i];
			break;
		}
	}
	if (!m)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->ts = r->ts;
	ev->cpu = r->cpu;
	ev->kind = m->kind;
	ev->pid = r->tid;
	ev->tgid = r->pid;
	switch (m->kind) {
	case SCHED_EV_SWITCH:
		ok = parse_switch(r, ev);
		break;
	case SCHED_EV_WAKING:
	case SCHED_EV_WAKEUP:
	case SCHED_EV_WAKEUP_NEW:
		ok = parse_wake(s, ev);
		ev->wake.task.tgid = -1;
		break;
	case SCHED_EV_MIGRATE:
		ok = parse_migrate(s, ev);
		ev->migrate.task.tgid = -1;
		break;
	case SCHED_EV_NEWTASK:
		/* task_newtask has the clone flags; sched_process_fork only names the child. */
		if (!strcmp(name, "sched_process_fork")) {
			ok = parse_fork(s, ev);
			ev->newtask.parent.tgid = ev->newtask.parent.tid == r->tid ? r->pid : -1;
			ev->newtask.child.tgid = -1;
		} else {
			ok = parse_newtask(s, ev, r);
		}
		break;
	case SCHED_EV_EXEC:
		ok = parse_exec(s, ev, r);
		ev->exec.task.tgid = r->pid;
		break;
	case SCHED_EV_RENAME:
		ok = parse_rename(s, ev);
		ev->rename.task.tgid = ev->rename.task.tid == r->tid ? r->pid : -1;
		break;
	case SCHED_EV_EXIT:
	case SCHED_EV_FREE:
		ok = parse_cpp(s, &ev->exit.task);
		ev->exit.task.tgid = ev->exit.task.tid == r->tid ? r->pid : -1;
		break;
	case SCHED_EV_SOFTIRQ_ENTRY:
	case SCHED_EV_SOFTIRQ_EXIT:
	case SCHED_EV_SOFTIRQ_RAISE: {
		static const char *const keys[] = {"vec"};
		struct span sp;

		ok = kv_seq(s, keys, 1, &sp) && span_int(sp, 10, &v);
		ev->softirq.vec = (uint32_t)v;
		break;
	}
	case SCHED_EV_IRQ_ENTRY:
	case SCHED_EV_IRQ_EXIT:
		ok = parse_irq(s, ev, r);
		break;
	case SCHED_EV_CPU_FREQ:
	case SCHED_EV_CPU_IDLE: {
		static const char *const keys[] = {"state", "cpu_id"};
		struct span sp[2];
		int64_t id = 0;

		/* Same layout: freq {cpu_id, khz} and idle {cpu_id, state}. */
		ok = kv_seq(s, keys, 2, sp) && span_int(sp[0], 10, &v) && span_int(sp[1], 10, &id);
		if (m->kind == SCHED_EV_CPU_FREQ) {
			ev->freq.khz = (uint32_t)v;
			ev->freq.cpu_id = (uint32_t)id;
		} else {
			ev->idle.state = (uint32_t)v;
			ev->idle.cpu_id = (uint32_t)id;
		}
		break;
	}
	default:
		break;
	}
	return ok ? 1 : -EINVAL;
}

/* ---- perf.sched.jsonl ------------------------------------------------------------------ */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jint(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

struct conv {
	struct pftrace_writer *w;
	const char *path;	/* to read */
	const char *name;	/* for messages */
	struct convert_stats *st;
	int32_t newtask_child;	/* child of the last task_newtask */
	struct strbuf strs;	/* NUL-terminated copies of a perf script line's fields */
};

static void note_unparsed(struct conv *c, uint64_t line, const char *why)
{
	c->st->unparsed++;
	if (!c->st->unparsed_example[0])
		snprintf(c->st->unparsed_example, sizeof(c->st->unparsed_example),
			 "line %" PRIu64 ": %s", line, why);
}

/* One perf record (any source) into the writer, with the bookkeeping. */
static int conv_record(struct conv *c, struct perf_sched_record *r, uint64_t line)
{
	struct sched_event ev;
	int rc = convert_perf_record(r, &ev);

	if (rc == 0) {
		c->st->ignored++;
		if (!c->st->ignored_example[0])
			snprintf(c->st->ignored_example, sizeof(c->st->ignored_example), "%s", r->event);
		return 0;
	}
	if (rc < 0) {
		char why[128];

		snprintf(why, sizeof(why), "%s: trace text does not parse", r->event);
		note_unparsed(c, line, why);
		return 0;
	}
	c->st->converted++;
	if (ev.kind == SCHED_EV_NEWTASK) {
		/* The kernel fires task_newtask, then sched_process_fork: one fork. */
		bool fork = str_has_suffix(r->event, "sched_process_fork");

		if (fork && ev.newtask.child.tid == c->newtask_child)
			return 0;
		c->newtask_child = fork ? 0 : ev.newtask.child.tid;
	}
	return pftrace_write_event(c->w, &ev);
}

/*
 * NUL-terminated copies of a parsed line's spans in c->strs. strs_begin makes
 * room for all of them first, so the returned pointers stay valid until the
 * next line.
 */
static void strs_begin(struct conv *c, const struct scxprof_sched_event *e)
{
	strbuf_reset(&c->strs);
	strbuf_grow(&c->strs, e->comm.len + e->event.len + e->trace.len + e->sw.prev_comm.len +
				      e->sw.prev_state.len + e->sw.next_comm.len + 6);
}

static const char *strs_add(struct conv *c, struct scx_span sp)
{
	size_t at = c->strs.len;

	strbuf_add(&c->strs, sp.p, sp.len);
	strbuf_addch(&c->strs, '\0');
	return c->strs.buf + at;
}

/* The parsed sched_switch of libscxprof as NUL-terminated strings (after strs_begin). */
static bool switch_from_scxprof(struct conv *c, const struct scxprof_sched_event *e,
				struct perf_sched_switch *sw)
{
	if (e->fields != SCXPROF_FIELDS_SWITCH)
		return false;
	sw->prev_comm = strs_add(c, e->sw.prev_comm);
	sw->prev_state = strs_add(c, e->sw.prev_state);
	sw->next_comm = strs_add(c, e->sw.next_comm);
	sw->prev_pid = e->sw.prev_pid;
	sw->prev_prio = e->sw.prev_prio;
	sw->next_pid = e->sw.next_pid;
	sw->next_prio = e->sw.next_prio;
	return true;
}

static int jsonl_record(struct conv *c, json_t *o, uint64_t line)
{
	struct perf_sched_record r;
	struct perf_sched_switch sw;
	json_t *fields;
	int64_t pid, tid, cpu, ns;

	memset(&r, 0, sizeof(r));
	r.comm = jstr(o, "comm");
	r.event = jstr(o, "event");
	r.trace = jstr(o, "trace");
	if (!r.comm || !r.event || !r.trace || !jint(o, "pid", &pid) || !jint(o, "tid", &tid) ||
	    !jint(o, "cpu", &cpu) || cpu < 0 || cpu >= PFTRACE_MAX_CPUS) {
		note_unparsed(c, line, "not a perf.sched.jsonl record (comm, pid, tid, cpu, event, trace)");
		return 0;
	}
	if (!jint(o, "time_ns", &ns)) {
		json_t *t = json_object_get(o, "time");

		/* Upstream's records: seconds as a double (µs precision from perf script). */
		if (!json_is_number(t) || json_number_value(t) < 0) {
			note_unparsed(c, line, "no time_ns or time");
			return 0;
		}
		ns = (int64_t)(json_number_value(t) * 1e9 + 0.5);
	}
	r.pid = (int32_t)pid;
	r.tid = (int32_t)tid;
	r.cpu = (uint32_t)cpu;
	r.ts = (uint64_t)ns;
	fields = json_object_get(o, "fields");
	if (json_is_object(fields) && jstr(fields, "prev_comm") && jstr(fields, "next_comm") &&
	    jstr(fields, "prev_state") && jint(fields, "prev_pid", &sw.prev_pid) &&
	    jint(fields, "prev_prio", &sw.prev_prio) && jint(fields, "next_pid", &sw.next_pid) &&
	    jint(fields, "next_prio", &sw.next_prio)) {
		sw.prev_comm = jstr(fields, "prev_comm");
		sw.next_comm = jstr(fields, "next_comm");
		sw.prev_state = jstr(fields, "prev_state");
		r.sw = &sw;
	} else if (str_has_suffix(r.event, "sched_switch")) {
		/* Upstream's jsonl has no fields for perf's raw format: parse the text. */
		struct scxprof_sched_event e;

		memset(&e, 0, sizeof(e));
		e.event = (struct scx_span){r.event, strlen(r.event)};
		e.trace = (struct scx_span){r.trace, strlen(r.trace)};
		scxprof_sched_parse_fields(&e);
		strs_begin(c, &e);
		if (switch_from_scxprof(c, &e, &sw))
			r.sw = &sw;
	}
	return conv_record(c, &r, line);
}

static int convert_jsonl(struct conv *c)
{
	struct line_reader lr;
	const char *line;
	size_t len;
	int fd, rc, err = 0;

	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_log(err_errno(), "%s", c->path);
	line_reader_init_fd(&lr, fd);
	while ((rc = line_reader_next(&lr, &line, &len)) > 0) {
		json_error_t jerr;
		json_t *o;

		if (len && line[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		if (sigwatch_pending()) {
			err = -EINTR;
			break;
		}
		c->st->records++;
		o = json_loadb(line, len, 0, &jerr);
		if (!json_is_object(o)) {
			pr_err("%s:%" PRIu64 ": not a JSON object: %s", c->name, lr.lineno,
			       o ? "other JSON value" : jerr.text);
			json_decref(o);
			err = -EINVAL;
			break;
		}
		err = jsonl_record(c, o, lr.lineno);
		json_decref(o);
		if (err)
			break;
	}
	if (rc < 0)
		err = err_log(rc, "%s", c->name);
	line_reader_release(&lr);
	close(fd);
	return err;
}

/* ---- perf.sched.data, through perf script ---------------------------------------------- */

static int script_line(struct conv *c, const char *line, size_t len, uint64_t lineno)
{
	struct scxprof_sched_event e;
	struct perf_sched_record r;
	struct perf_sched_switch sw;

	switch (scxprof_sched_parse(line, len, &e)) {
	case SCXPROF_BLANK:
		return 0;
	case SCXPROF_UNPARSEABLE:
		c->st->records++;
		note_unparsed(c, lineno, "not a perf script sched line");
		return 0;
	default:
		break;
	}
	c->st->records++;
	if (!e.time_ok || e.cpu >= PFTRACE_MAX_CPUS) {
		note_unparsed(c, lineno, e.time_ok ? "CPU out of range" : "time does not parse");
		return 0;
	}
	memset(&r, 0, sizeof(r));
	strs_begin(c, &e);
	if (switch_from_scxprof(c, &e, &sw))
		r.sw = &sw;
	r.comm = strs_add(c, e.comm);
	r.event = strs_add(c, e.event);
	r.trace = strs_add(c, e.trace);
	r.pid = e.pid;
	r.tid = e.tid;
	r.cpu = e.cpu;
	r.ts = e.time_ns;
	return conv_record(c, &r, lineno);
}

/*
 * perf.sched.data: `perf script --ns` streamed line by line ($SCXPROF_PERF
 * picks the perf binary, as for scxprof). The data was recorded with -k
 * CLOCK_MONOTONIC, like the perf.sched.jsonl made from it.
 */
static int convert_perf_data(struct conv *c)
{
	const char *perf = perf_binary();
	const char *const argv[] = {perf, "script", PERF_SCRIPT_ARGS, "-F", PERF_SCHED_SCRIPT_FIELDS,
				    "-i", c->path, NULL};
	struct child_opts co = {
		.argv = argv,
		.in = CHILD_IO_NULL,
		.out = CHILD_IO_PIPE,
		.err = CHILD_IO_PIPE,
		.new_pgrp = true,
	};
	struct line_reader lr;
	struct child child;
	const char *line;
	size_t len;
	char st[64];
	int rc, err;

	err = child_spawn(&child, &co);
	if (err) {
		if (err == -ENOENT)
			pr_err("cannot run %s: not found (install linux-perf, or set SCXPROF_PERF)",
			       perf);
		else
			err_log(err, "cannot run %s script", perf);
		return err;
	}
	line_reader_init_fn(&lr, child_read_cb, &child);
	while (!err && (rc = line_reader_next(&lr, &line, &len)) > 0) {
		if (sigwatch_pending())
			err = -EINTR;
		else
			err = script_line(c, line, len, lr.lineno);
	}
	if (!err && rc < 0)
		err = rc == -EINTR ? rc : err_log(rc, "reading %s script output", perf);
	line_reader_release(&lr);
	if (!err)
		err = child_wait(&child, -1);
	if (!err && !child_success(&child)) {
		child_status_str(&child, st, sizeof(st));
		if (c->st->records) {
			pr_warn("%s script %s after %" PRIu64 " records of %s: %s", perf, st,
				c->st->records, c->name, child_stderr(&child));
		} else {
			pr_err("%s script %s on %s: %s", perf, st, c->name, child_stderr(&child));
			err = -EPROTO;
		}
	}
	child_release(&child);
	return err;
}

/* ---- Perfetto traces ------------------------------------------------------------------- */

static int pf_event(void *ctx, const struct sched_event *ev)
{
	struct conv *c = ctx;

	if (!(++c->st->records & 0xfff) && sigwatch_pending())
		return -EINTR;
	c->st->converted++;
	return pftrace_write_event(c->w, ev);
}

static int pf_thread(void *ctx, uint64_t ts, int32_t tid, int32_t tgid, const char *name)
{
	struct conv *c = ctx;

	return tid > 0 && tgid > 0 ? pftrace_write_thread(c->w, ts, tid, tgid, name) : 0;
}

static int pf_process(void *ctx, uint64_t ts, int32_t pid, int32_t ppid, const char *cmdline,
		      size_t len, bool is_comm)
{
	struct conv *c = ctx;

	if (pid <= 0)
		return 0;
	return pftrace_write_process(c->w, ts, pid, ppid, NULL, cmdline, len,
				     is_comm ? PFTRACE_CMDLINE_IS_COMM : 0);
}

static int convert_pftrace(struct conv *c)
{
	static const struct pftrace_read_ops ops = {
		.event = pf_event,
		.thread = pf_thread,
		.process = pf_process,
	};
	struct pftrace_read_stats rs;
	int fd, err;

	fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_log(err_errno(), "%s", c->path);
	err = pftrace_read(fd, &ops, c, &rs);
	close(fd);
	if (err == -EINTR)
		;	/* reported by the caller */
	else if (err == -EBADMSG)
		pr_err("%s: not a valid Perfetto trace (packet %" PRIu64 ", byte %" PRIu64
		       "; -v for details)", c->name, rs.packets, rs.bytes);
	else if (err)
		err_log(err, "%s", c->name);
	c->st->ignored += rs.unknown_events + rs.counters;
	if (rs.unknown_events && !c->st->ignored_example[0])
		snprintf(c->st->ignored_example, sizeof(c->st->ignored_example),
			 "ftrace events of other kinds");
	return err;
}

/* ---- detection ------------------------------------------------------------------------- */

static enum convert_format sniff(const char *path)
{
	unsigned char b[8] = {0};
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return CONVERT_UNKNOWN;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n >= 8 && !memcmp(b, "PERFILE2", 8))
		return CONVERT_PERF_DATA;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return CONVERT_BUNDLE_ARCHIVE;
	if (n >= 1 && b[0] == '{')
		return CONVERT_JSONL;
	if (n >= 2 && b[0] == 0x0a)
		return CONVERT_PFTRACE;
	return CONVERT_UNKNOWN;
}

/* A scxprof bundle or process output directory: its processed or raw sched recording. */
static char *find_in_dir(const char *dir)
{
	static const char *const names[] = {PROCESS_SCHED_JSONL, BUNDLE_SCHED_DATA};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		if (!access(p, R_OK))
			return p;
		free(p);
	}
	return NULL;
}

/* A .tar.gz bundle, extracted (safely) into a temporary directory. */
static int open_archive(const char *archive, struct convert_input *in)
{
	struct bundle_extract_stats bs;
	struct strbuf why = STRBUF_INIT;
	const char *tmp = getenv("TMPDIR");
	int err;

	in->tmpdir = xasprintf("%s/scxtop-convert.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(in->tmpdir)) {
		err = err_log(err_errno(), "creating a temporary directory in %s", tmp ? tmp : "/tmp");
		free(in->tmpdir);
		in->tmpdir = NULL;
		return err;
	}
	err = bundle_extract(archive, in->tmpdir, &bs, &why);
	if (err) {
		if (err == -EINVAL)
			pr_err("archive '%s' %s", archive, why.buf);
		else if (err != -EINTR)
			err_log(err, "extracting %s", archive);
		strbuf_release(&why);
		return err;
	}
	strbuf_release(&why);
	/* The top-level directory's contents are extracted into tmpdir itself. */
	in->path = find_in_dir(in->tmpdir);
	if (!in->path) {
		pr_err("%s: the bundle has no %s (recorded with --disable-sched-trace?)", archive,
		       BUNDLE_SCHED_DATA);
		return -ENOENT;
	}
	in->name = xasprintf("%s:%s", archive, strrchr(in->path, '/') + 1);
	return 0;
}

int convert_open(const char *input, struct convert_input *in)
{
	struct stat sb;
	int err;

	memset(in, 0, sizeof(*in));
	if (stat(input, &sb))
		return err_log(err_errno(), "%s", input);
	if (S_ISDIR(sb.st_mode)) {
		in->path = find_in_dir(input);
		if (!in->path) {
			pr_err("%s: no %s or %s in this directory", input, PROCESS_SCHED_JSONL,
			       BUNDLE_SCHED_DATA);
			return -ENOENT;
		}
	} else {
		in->path = xstrdup(input);
	}
	in->fmt = sniff(in->path);
	if (in->fmt == CONVERT_BUNDLE_ARCHIVE) {
		free(in->path);
		in->path = NULL;
		err = open_archive(input, in);
		if (err) {
			convert_input_release(in);
			return err;
		}
		in->fmt = sniff(in->path);
	}
	if (!in->name)
		in->name = xstrdup(in->path);
	if (in->fmt == CONVERT_UNKNOWN || in->fmt == CONVERT_BUNDLE_ARCHIVE) {
		struct stat fs;

		if (!stat(in->path, &fs) && fs.st_size == 0)
			pr_err("%s: empty file", in->name);
		else
			pr_err("%s: not a perf.sched.jsonl, perf.sched.data, scxprof bundle or "
			       "Perfetto trace", in->name);
		convert_input_release(in);
		return -EINVAL;
	}
	return 0;
}

void convert_input_release(struct convert_input *in)
{
	if (in->tmpdir)
		fs_rmtree(in->tmpdir);
	free(in->tmpdir);
	free(in->path);
	free(in->name);
	memset(in, 0, sizeof(*in));
}

/* meta.json of a scxprof bundle: next to the input, or in the bundle of a .out dir. */
static json_t *load_meta(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *cand;
	json_t *meta = NULL;
	size_t n;

	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	cand = xasprintf("%s/%s", dir, BUNDLE_META);
	meta = json_load_file(cand, 0, NULL);
	free(cand);
	n = strlen(dir);
	if (!meta && n > 4 && !strcmp(dir + n - 4, ".out")) {
		dir[n - 4] = '\0';
		cand = xasprintf("%s/%s", dir, BUNDLE_META);
		meta = json_load_file(cand, 0, NULL);
		free(cand);
	}
	free(dir);
	if (meta && !json_is_object(meta)) {
		json_decref(meta);
		meta = NULL;
	}
	return meta;
}

static int find_sysinfo(void *ctx, const Perfetto__Protos__TracePacket *p)
{
	struct pftrace_opts *o = ctx;

	if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_SYSTEM_INFO)
		return 1;
	if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_FTRACE_EVENTS)
		return 2;
	(void)o;
	return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int convert_prepare(const char *path, enum convert_format fmt, struct pftrace_opts *o,
		    struct convert_info *info)
{
	memset(info, 0, sizeof(*info));
	o->no_clock_snapshot = true;
	if (fmt == CONVERT_PFTRACE) {
		static const struct pftrace_read_ops ops = {.packet = find_sysinfo};
		struct pftrace_read_stats rs;
		int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

		if (fd < 0)
			return err_log(err_errno(), "%s", path);
		/* Stops at SystemInfo (1) or at the first bundle (2); read up to there only. */
		rc = pftrace_read(fd, &ops, o, &rs);
		close(fd);
		if (rc == 1 || rc == 2 || rc == 0) {
			if (rs.release[0]) {
				copy_str(info->release, sizeof(info->release), rs.release);
				o->release = info->release;
				o->sysname = "Linux";
				o->version = o->machine = "";
			}
			if (rs.nr_cpus)
				o->nr_cpus = rs.nr_cpus;
		}
		return 0;
	}
	if (fmt == CONVERT_JSONL || fmt == CONVERT_PERF_DATA) {
		json_t *meta = load_meta(path), *k, *start;
		int64_t v;

		if (!meta)
			return 0;
		k = json_object_get(meta, "kernel");
		if (json_is_object(k) && jstr(k, "release")) {
			copy_str(info->sysname, sizeof(info->sysname),
				 jstr(k, "sysname") ? jstr(k, "sysname") : "Linux");
			copy_str(info->release, sizeof(info->release), jstr(k, "release"));
			copy_str(info->version, sizeof(info->version), jstr(k, "version"));
			copy_str(info->machine, sizeof(info->machine), jstr(k, "machine"));
			o->sysname = info->sysname;
			o->release = info->release;
			o->version = info->version;
			o->machine = info->machine;
		}
		if (jint(meta, "nr_cpus", &v) && v > 0 && v < PFTRACE_MAX_CPUS)
			o->nr_cpus = (unsigned)v;
		start = json_object_get(meta, "start");
		if (json_is_object(start) && jint(start, "monotonic_ns", &v) && v > 0) {
			int64_t real;

			if (jint(start, "realtime_ns", &real) && real > 0) {
				/* Our timeline is the recording's MONOTONIC clock. */
				info->clocks.boottime = info->clocks.monotonic = (uint64_t)v;
				info->clocks.realtime = (uint64_t)real;
				o->clocks = &info->clocks;
				o->no_clock_snapshot = false;
			}
		}
		json_decref(meta);
	}
	return 0;
}

int convert_run(struct pftrace_writer *w, const struct convert_input *in,
		struct convert_stats *st)
{
	struct conv c = {.w = w, .path = in->path, .name = in->name, .st = st,
			 .strs = STRBUF_INIT};
	int err;

	memset(st, 0, sizeof(*st));
	switch (in->fmt) {
	case CONVERT_JSONL:
		err = convert_jsonl(&c);
		break;
	case CONVERT_PFTRACE:
		err = convert_pftrace(&c);
		break;
	case CONVERT_PERF_DATA:
		err = convert_perf_data(&c);
		break;
	default:
		err = -EINVAL;
		break;
	}
	strbuf_release(&c.strs);
	return err;
}
