// SPDX-License-Identifier: GPL-2.0
/* The trace model's tables: strings, threads, processes, DSQs, per-CPU events. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/trace_model.h"

static const char *const tev_names[TEV_NR_TYPES] = {
	[TEV_NONE] = "none",
#define X(n, s) [TEV_##n] = s,
	TEV_TYPES(X)
#undef X
};

const char *const tstate_names[TS_NR] = {
	[TS_NONE] = "none", [TS_RUNNING] = "Running", [TS_R] = "R",   [TS_RPLUS] = "R+",
	[TS_S] = "S",       [TS_D] = "D",             [TS_I] = "I",   [TS_OTHER] = "other",
};

const char *tev_type_name(unsigned type)
{
	return type < TEV_NR_TYPES ? tev_names[type] : "?";
}

void model_init(struct trace_model *m)
{
	memset(m, 0, sizeof(*m));
	strmap_init(&m->str_map);
	u64map_init(&m->tid_map);
	u64map_init(&m->pid_map);
	model_intern(m, "", 0);
	/* utid 0: the idle tasks of every CPU, as trace_processor's "swapper". */
	model_thread(m, 0);
	m->threads[0].name = model_intern(m, "swapper", 7);
	m->threads[0].flags |= THF_IDLE | THF_TGID_KNOWN;
}

void model_release(struct trace_model *m)
{
	if (m->cache_free)
		m->cache_free(m->cache);
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		free(m->cpus[c].ev);
	free(m->cpus);
	free(m->threads);
	free(m->tid_direct);
	free(m->procs);
	for (size_t i = 0; i < m->nr_strs; i++)
		free((char *)m->strs[i]);
	free(m->strs);
	free(m->dsq_ids);
	free(m->dsq);
	free(m->wakeups);
	free(m->path);
	strmap_release(&m->str_map);
	u64map_release(&m->tid_map);
	u64map_release(&m->pid_map);
	trace_topology_release(&m->topo);
	memset(m, 0, sizeof(*m));
}

uint32_t model_intern(struct trace_model *m, const char *s, size_t len)
{
	bool created;
	uint64_t *v = strmap_upsert(&m->str_map, s, len, &created);

	if (created) {
		xgrow((void **)&m->strs, &m->strs_alloc, m->nr_strs + 1, sizeof(*m->strs));
		*v = m->nr_strs;
		m->strs[m->nr_strs++] = xstrndup(s, len);
	}
	return (uint32_t)*v;
}

static uint32_t thread_new(struct trace_model *m, int64_t tid)
{
	struct thread *t;

	xgrow((void **)&m->threads, &m->threads_alloc, m->nr_threads + 1, sizeof(*t));
	t = &m->threads[m->nr_threads];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tid;
	t->last_cpu = CPU_NONE;
	t->row_waker = UTID_NONE;
	t->row_cpu = CPU_NONE;
	return (uint32_t)m->nr_threads++;
}

#define TID_DIRECT_MAX (1u << 23)

uint32_t model_thread(struct trace_model *m, int64_t tid)
{
	uint64_t *v;
	bool created;

	if (tid == 0 && m->nr_threads)
		return UTID_IDLE;
	if (tid >= 0 && tid < TID_DIRECT_MAX) {
		uint32_t u;

		if ((size_t)tid >= m->tid_direct_n) {
			size_t n = m->tid_direct_n ? m->tid_direct_n : 4096;

			while (n <= (size_t)tid)
				n *= 2;
			m->tid_direct = xrealloc(m->tid_direct, n * sizeof(*m->tid_direct));
			memset(m->tid_direct + m->tid_direct_n, 0,
			       (n - m->tid_direct_n) * sizeof(*m->tid_direct));
			m->tid_direct_n = n;
		}
		u = m->tid_direct[tid];
		if (u)
			return u - 1;
		u = thread_new(m, tid);
		m->tid_direct[tid] = u + 1;
		return u;
	}
	v = u64map_upsert(&m->tid_map, (uint64_t)tid, &created);
	if (created)
		*v = thread_new(m, tid);
	return (uint32_t)*v;
}

void model_thread_set(struct trace_model *m, uint32_t utid, int64_t tgid, uint32_t name)
{
	struct thread *t;

	if (utid >= m->nr_threads || utid == UTID_IDLE)
		return;
	t = &m->threads[utid];
	if (tgid > 0) {
		t->tgid = tgid;
		t->flags |= THF_TGID_KNOWN;
	}
	if (name != SID_NONE)
		t->name = name;
}

struct process *model_process(struct trace_model *m, int64_t pid)
{
	bool created;
	uint64_t *v = u64map_upsert(&m->pid_map, (uint64_t)pid, &created);

	if (created) {
		xgrow((void **)&m->procs, &m->procs_alloc, m->nr_procs + 1, sizeof(*m->procs));
		memset(&m->procs[m->nr_procs], 0, sizeof(*m->procs));
		m->procs[m->nr_procs].pid = pid;
		*v = m->nr_procs++;
	}
	return &m->procs[*v];
}

const struct process *model_process_find(const struct trace_model *m, int64_t pid)
{
	const uint64_t *v = u64map_get(&m->pid_map, (uint64_t)pid);

	return v ? &m->procs[*v] : NULL;
}

const char *model_process_name(const struct trace_model *m, int64_t pid)
{
	const struct process *p = model_process_find(m, pid);
	const uint32_t *u;

	if (pid == 0)
		return "swapper";
	if (p && p->name)
		return model_str(m, p->name);
	if (p && p->cmdline) {
		const char *s = model_str(m, p->cmdline), *slash = strrchr(s, '/');

		return slash && slash[1] ? slash + 1 : s;
	}
	if (pid > 0 && (size_t)pid < m->tid_direct_n && (u = &m->tid_direct[pid]) && *u)
		return model_str(m, m->threads[*u - 1].name);
	{
		const uint64_t *v = u64map_get(&m->tid_map, (uint64_t)pid);

		if (v)
			return model_str(m, m->threads[*v].name);
	}
	return "";
}

uint32_t model_dsq_index(struct trace_model *m, uint64_t dsq_id)
{
	for (size_t i = 0; i < m->nr_dsqs; i++)
		if (m->dsq_ids[i] == dsq_id)
			return (uint32_t)i;
	xgrow((void **)&m->dsq_ids, &m->dsqs_alloc, m->nr_dsqs + 1, sizeof(*m->dsq_ids));
	m->dsq_ids[m->nr_dsqs] = dsq_id;
	return (uint32_t)m->nr_dsqs++;
}

struct cpu_events *model_cpu(struct trace_model *m, uint32_t cpu)
{
	if (cpu >= m->nr_cpus) {
		uint32_t n = cpu + 1;

		m->cpus = xrealloc(m->cpus, n * sizeof(*m->cpus));
		memset(m->cpus + m->nr_cpus, 0, (n - m->nr_cpus) * sizeof(*m->cpus));
		m->nr_cpus = n;
	}
	return &m->cpus[cpu];
}

struct tev *model_event_add(struct trace_model *m, uint32_t cpu, uint64_t ts, unsigned type)
{
	struct cpu_events *c = model_cpu(m, cpu);
	struct tev *e;

	if (c->n == c->alloc)
		xgrow((void **)&c->ev, &c->alloc, c->n + 1, sizeof(*c->ev));
	if (ts < c->last_ts)
		c->unsorted = true;
	c->last_ts = ts;
	e = &c->ev[c->n++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->cpu = (uint16_t)cpu;
	e->type = (uint8_t)type;
	e->utid = UTID_NONE;
	e->other = UTID_NONE;
	e->arg2 = -1;
	return e;
}

/* Kernel >= 4.14 TASK_REPORT layout (reference/perfetto.md §1.3). */
enum tstate prev_state_to_tstate(int64_t ps)
{
	if (ps < 0 || ps >= 0x200)
		return TS_OTHER;
	if (ps & 0x100)
		return TS_RPLUS;
	if (ps == 0)
		return TS_R;
	if (ps & 0x2)
		return TS_D;
	if (ps & 0x1)
		return TS_S;
	if (ps & 0x80)
		return TS_I;
	return TS_OTHER;
}

const char *prev_state_str(int64_t ps, char buf[16])
{
	static const char letters[] = "SDTtXZPI";
	size_t n = 0;

	if (ps < 0 || ps >= 0x200)
		return NULL;
	if ((ps & 0xff) == 0) {
		strcpy(buf, ps & 0x100 ? "R+" : "R");
		return buf;
	}
	for (int b = 0; b < 8; b++)
		if (ps & (1 << b))
			buf[n++] = letters[b];
	if (ps & 0x100)
		buf[n++] = '+';
	buf[n] = '\0';
	return buf;
}
