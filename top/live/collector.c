// SPDX-License-Identifier: GPL-2.0
#include "top/live/collector.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/scxtop.skel.h"
#include "common/bpfutil.h"
#include "common/err.h"
#include "common/log.h"
#include "common/util.h"

#define DEFAULT_RINGBUF_BYTES (8u << 20)

struct prog_desc {
	const char *tp;		/* tracepoint name (NULL: iterator) */
	bool required;
	bool aggregate_only;	/* only needed for statistics */
	bool stream_only;	/* does nothing for statistics: attached when streaming */
};

struct collector {
	struct scxtop_bpf *skel;
	struct collector_opts opts;
	struct ring_buffer *rb;
	int rb_fds[SCXTOP_MAX_RINGBUFS];
	unsigned nr_rb;
	unsigned nr_cpus;
	struct scxtop_cpu_stats *cpu_map;	/* mmap'ed cpu_stats */
	size_t cpu_map_len;
	struct bpf_link **links;
	struct bpf_link *iter_link;
	struct collector_prog_status *status;
	size_t nr_progs;
};

static const char *const event_names[SCXTOP_EV_MAX] = {
	[SCXTOP_EV_NONE] = "none",
#define SCXTOP_X_NAME(name, str) [SCXTOP_EV_##name] = str,
	SCXTOP_EVENT_TYPES(SCXTOP_X_NAME)
#undef SCXTOP_X_NAME
};

const char *scxtop_event_name(unsigned type)
{
	return type < SCXTOP_EV_MAX ? event_names[type] : "unknown";
}

unsigned scxtop_lat_slot(uint64_t ns)
{
	unsigned m;

	if (ns < (1ull << SCXTOP_LAT_MIN_SHIFT))
		return 0;
	m = 63 - (unsigned)__builtin_clzll(ns);
	if (m > SCXTOP_LAT_MAX_SHIFT)
		return SCXTOP_LAT_SLOTS - 1;
	return 1 + (m - SCXTOP_LAT_MIN_SHIFT) * 4 + (unsigned)((ns >> (m - 2)) & 3);
}

void scxtop_lat_slot_bounds(unsigned slot, uint64_t *lo, uint64_t *hi)
{
	unsigned top = 1 + (SCXTOP_LAT_MAX_SHIFT - SCXTOP_LAT_MIN_SHIFT + 1) * 4;

	if (slot == 0) {
		*lo = 0;
		*hi = 1ull << SCXTOP_LAT_MIN_SHIFT;
	} else if (slot >= top) {
		*lo = 1ull << (SCXTOP_LAT_MAX_SHIFT + 1);
		*hi = UINT64_MAX;
	} else {
		unsigned m = (slot - 1) / 4 + SCXTOP_LAT_MIN_SHIFT, sub = (slot - 1) % 4;
		uint64_t q = 1ull << (m - 2);

		*lo = (1ull << m) + sub * q;
		*hi = *lo + q;
	}
}

uint64_t scxtop_lat_percentile(const uint32_t *hist, double p, uint64_t min, uint64_t max)
{
	uint64_t count = 0, cum = 0, rank, lo, hi, v;
	unsigned s;

	for (s = 0; s < SCXTOP_LAT_SLOTS; s++)
		count += hist[s];
	if (!count)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)count);
	rank = rank < 1 ? 1 : (rank > count ? count : rank);
	for (s = 0; s < SCXTOP_LAT_SLOTS; s++) {
		if (cum + hist[s] >= rank)
			break;
		cum += hist[s];
	}
	scxtop_lat_slot_bounds(s, &lo, &hi);
	if (hi == UINT64_MAX)
		hi = max > lo ? max : lo;
	/* rank's position inside the slot, at the middle of its share */
	v = lo + (uint64_t)((double)(hi - lo) * ((double)(rank - cum) - 0.5) / hist[s]);
	if (max && v > max)
		v = max;
	if (v < min)
		v = min;
	return v;
}

/* Which tracepoint each program attaches to; must follow bpf/scxtop.bpf.c. */
static const struct prog_desc *prog_desc_of(const char *name)
{
	static const struct {
		const char *prog;
		struct prog_desc d;
	} table[] = {
		{"on_sched_switch", {"sched_switch", true, false, false}},
		{"on_sched_waking", {"sched_waking", true, false, false}},
		{"on_sched_wakeup", {"sched_wakeup", false, false, true}},
		{"on_sched_wakeup_new", {"sched_wakeup_new", true, false, false}},
		{"on_sched_migrate_task", {"sched_migrate_task", false, false, false}},
		{"on_sched_process_fork", {"sched_process_fork", false, false, true}},
		{"on_sched_process_exec", {"sched_process_exec", false, false, false}},
		{"on_sched_process_exit", {"sched_process_exit", false, false, true}},
		{"on_sched_process_free", {"sched_process_free", false, false, true}},
		{"on_task_rename", {"task_rename", false, false, true}},
		{"on_softirq_entry", {"softirq_entry", false, false, false}},
		{"on_softirq_exit", {"softirq_exit", false, false, false}},
		{"on_cpu_frequency", {"cpu_frequency", false, false, false}},
		{"dump_tasks", {NULL, true, true, false}},
	};

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].prog, name))
			return &table[i].d;
	return NULL;
}

/* The event type a tracepoint's program streams (SCXTOP_EV_NONE if none). */
static unsigned tp_event_type(const char *tp)
{
	for (unsigned i = 1; i < SCXTOP_EV_MAX; i++)
		if (!strcmp(event_names[i], tp))
			return i;
	return SCXTOP_EV_NONE;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct collector *c = ctx;
	const struct scxtop_event *ev = data;

	if (size < sizeof(ev->hdr) || !c->opts.on_event)
		return 0;
	return c->opts.on_event(c->opts.ctx, ev, size);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * Make every online CPU switch once, so each CPU's current task is known: a
 * task that never sleeps (a pinned busy loop) would otherwise never show up.
 */
static void prime_cpus(unsigned nr_cpus)
{
	cpu_set_t saved, one;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return;
	for (unsigned cpu = 0; cpu < nr_cpus && cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &saved))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) == 0)
			usleep(100);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
}

static int fail(char *why, size_t n, int err, const char *fmt, ...) __printf(4, 5);

static int fail(char *why, size_t n, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && n) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return err;
}

static const char *perm_hint(int err)
{
	return (err == -EPERM || err == -EACCES)
		       ? " (needs root, or CAP_BPF and CAP_PERFMON; see `scxprof doctor`)"
		       : "";
}

int collector_open(struct collector **out, const struct collector_opts *opts, char *why,
		   size_t why_len)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	struct bpf_program *prog;
	const char *tps[32];
	bool present[32];
	size_t ntp = 0, i;
	char eb[128];
	int err, ncpus;

	*out = NULL;
	c->opts = *opts;
	for (i = 0; i < SCXTOP_MAX_RINGBUFS; i++)
		c->rb_fds[i] = -1;
	if (!c->opts.ringbuf_bytes)
		c->opts.ringbuf_bytes = DEFAULT_RINGBUF_BYTES;
	if (!is_pow2(c->opts.ringbuf_bytes) || c->opts.ringbuf_bytes < 4096 ||
	    c->opts.ringbuf_bytes > (1ull << 31)) {
		err = fail(why, why_len, -EINVAL,
			   "ring buffer size %zu is not a power of two between 4 KiB and 2 GiB",
			   c->opts.ringbuf_bytes);
		goto fail;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		err = fail(why, why_len, ncpus ? ncpus : -EINVAL, "cannot count possible CPUs");
		goto fail;
	}
	c->nr_cpus = (unsigned)ncpus;
	c->nr_rb = c->opts.nr_ringbufs;
	if (!c->nr_rb) {
		c->nr_rb = 1;
		while (c->nr_rb * 8 < c->nr_cpus && c->nr_rb < SCXTOP_MAX_RINGBUFS)
			c->nr_rb *= 2;
	}
	if (!is_pow2(c->nr_rb) || c->nr_rb > SCXTOP_MAX_RINGBUFS) {
		err = fail(why, why_len, -EINVAL, "number of ring buffers must be a power of two <= %d",
			   SCXTOP_MAX_RINGBUFS);
		goto fail;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		err = fail(why, why_len, -ENOENT,
			   "this kernel has no BTF (/sys/kernel/btf/vmlinux): tp_btf programs "
			   "cannot load");
		goto fail;
	}

	c->skel = scxtop_bpf__open();
	if (!c->skel) {
		err = err_errno();
		err = fail(why, why_len, err, "cannot open the BPF object: %s", err_str(err));
		goto fail;
	}
	c->skel->rodata->aggregate = c->opts.aggregate;
	c->skel->rodata->rb_mask = c->nr_rb - 1;
	c->skel->rodata->wakeup_bytes = c->opts.ringbuf_bytes / 4;
	c->skel->bss->stream = c->opts.stream;
	c->skel->data->stream_types = c->opts.stream_types ? c->opts.stream_types : ~0u;
	bpf_map__set_max_entries(c->skel->maps.cpu_stats, c->nr_cpus);
	/*
	 * The inner ring-buffer template keeps its size: the kernel does not compare
	 * max_entries of ring buffers placed in a map-in-map (bpf_map_meta_equal), and
	 * libbpf 1.1 cannot resize inner maps. The real ones are created below.
	 */

	/* Which tracepoints exist here; programs for missing optional ones are not loaded. */
	bpf_object__for_each_program(prog, c->skel->obj) {
		const struct prog_desc *d = prog_desc_of(bpf_program__name(prog));

		if (d && d->tp && ntp < ARRAY_SIZE(tps))
			tps[ntp++] = d->tp;
	}
	err = bpfutil_probe_tracepoints(tps, ntp, present);
	if (err) {
		err = fail(why, why_len, err, "cannot read kernel BTF: %s", err_str(err));
		goto fail;
	}
	c->nr_progs = 0;
	bpf_object__for_each_program(prog, c->skel->obj)
		c->nr_progs++;
	c->status = xcalloc(c->nr_progs, sizeof(*c->status));
	c->links = xcalloc(c->nr_progs, sizeof(*c->links));
	i = 0;
	size_t t = 0;
	bpf_object__for_each_program(prog, c->skel->obj) {
		const struct prog_desc *d = prog_desc_of(bpf_program__name(prog));
		struct collector_prog_status *st = &c->status[i++];

		st->name = bpf_program__name(prog);
		st->attach = bpf_program__section_name(prog);
		st->required = d && d->required && (!d->aggregate_only || c->opts.aggregate);
		st->state = COLLECTOR_PROG_ATTACHED;
		if (d && d->aggregate_only && !c->opts.aggregate) {
			bpf_program__set_autoload(prog, false);
			st->state = COLLECTOR_PROG_UNAVAILABLE;
		}
		/* Streaming only, with a type mask: a program would run for nothing. */
		if (d && d->tp && !c->opts.aggregate && c->opts.stream_types &&
		    !(c->opts.stream_types & (1u << tp_event_type(d->tp)))) {
			bpf_program__set_autoload(prog, false);
			st->state = COLLECTOR_PROG_UNAVAILABLE;
			st->required = false;
		}
		if (d && d->tp) {
			if (!present[t]) {
				if (st->required) {
					err = fail(why, why_len, -ENOENT,
						   "the kernel has no tracepoint %s", d->tp);
					goto fail;
				}
				bpf_program__set_autoload(prog, false);
				st->state = COLLECTOR_PROG_UNAVAILABLE;
			}
			t++;
		}
	}

	err = scxtop_bpf__load(c->skel);
	if (err) {
		err = fail(why, why_len, err, "cannot load the BPF programs: %s%s",
			   bpfutil_strerror(err, eb, sizeof(eb)), perm_hint(err));
		goto fail;
	}

	/* Ring buffers: one per group of CPUs, in the outer array. */
	for (unsigned r = 0; r < c->nr_rb; r++) {
		__u32 key = r;

		c->rb_fds[r] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "scxtop_rb", 0, 0,
					      (__u32)c->opts.ringbuf_bytes, NULL);
		if (c->rb_fds[r] < 0) {
			err = err_errno();
			err = fail(why, why_len, err, "cannot create a %zu-byte ring buffer: %s",
				   c->opts.ringbuf_bytes, err_str(err));
			goto fail;
		}
		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.rbs), &key, &c->rb_fds[r],
					BPF_ANY)) {
			err = err_errno();
			err = fail(why, why_len, err, "cannot install ring buffer %u: %s", r,
				   err_str(err));
			goto fail;
		}
		if (r == 0) {
			c->rb = ring_buffer__new(c->rb_fds[r], on_record, c, NULL);
			err = c->rb ? 0 : err_errno();
		} else {
			err = ring_buffer__add(c->rb, c->rb_fds[r], on_record, c);
		}
		if (err) {
			err = fail(why, why_len, err, "cannot set up ring buffer polling: %s",
				   err_str(err));
			goto fail;
		}
	}

	c->cpu_map_len = (size_t)c->nr_cpus * sizeof(struct scxtop_cpu_stats);
	c->cpu_map_len = (c->cpu_map_len + (size_t)getpagesize() - 1) & ~((size_t)getpagesize() - 1);
	c->cpu_map = mmap(NULL, c->cpu_map_len, PROT_READ, MAP_SHARED,
			  bpf_map__fd(c->skel->maps.cpu_stats), 0);
	if (c->cpu_map == MAP_FAILED) {
		c->cpu_map = NULL;
		err = err_errno();
		err = fail(why, why_len, err, "cannot map the per-CPU statistics: %s", err_str(err));
		goto fail;
	}

	i = 0;
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct collector_prog_status *st = &c->status[i];

		const struct prog_desc *d = prog_desc_of(st->name);

		if (st->state == COLLECTOR_PROG_UNAVAILABLE) {
			i++;
			continue;
		}
		/* a hot tracepoint with nothing to count: attach when streaming starts */
		if (!c->opts.stream && d && d->stream_only) {
			st->state = COLLECTOR_PROG_ON_DEMAND;
			i++;
			continue;
		}
		if (!strcmp(st->name, "dump_tasks"))
			c->iter_link = c->links[i] = bpf_program__attach_iter(prog, NULL);
		else
			c->links[i] = bpf_program__attach(prog);
		if (!c->links[i]) {
			st->state = COLLECTOR_PROG_FAILED;
			st->err = err_errno();
			if (st->required) {
				err = fail(why, why_len, st->err, "cannot attach %s: %s%s", st->attach,
					   bpfutil_strerror(st->err, eb, sizeof(eb)),
					   perm_hint(st->err));
				goto fail;
			}
			pr_debug("optional program %s not attached: %s", st->attach,
				 bpfutil_strerror(st->err, eb, sizeof(eb)));
		}
		i++;
	}
	if (c->opts.aggregate)
		prime_cpus(c->nr_cpus);
	*out = c;
	return 0;
fail:
	collector_close(c);
	return err;
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->links && i < c->nr_progs; i++)
		bpf_link__destroy(c->links[i]);
	ring_buffer__free(c->rb);
	for (unsigned r = 0; r < SCXTOP_MAX_RINGBUFS; r++)
		if (c->rb_fds[r] >= 0)
			close(c->rb_fds[r]);
	if (c->cpu_map)
		munmap(c->cpu_map, c->cpu_map_len);
	scxtop_bpf__destroy(c->skel);
	free(c->links);
	free(c->status);
	free(c);
}

int collector_poll(struct collector *c, int timeout_ms)
{
	int n = ring_buffer__poll(c->rb, timeout_ms);

	return n == -EINTR ? -EINTR : n;
}

int collector_drain(struct collector *c)
{
	return ring_buffer__consume(c->rb);
}

int collector_fd(const struct collector *c)
{
	return ring_buffer__epoll_fd(c->rb);
}

void collector_prime_cpus(const struct collector *c)
{
	prime_cpus(c->nr_cpus);
}

void collector_set_stream(struct collector *c, bool on, uint32_t types)
{
	struct bpf_program *prog;
	size_t i = 0;
	char eb[128];

	if (on) {
		bpf_object__for_each_program(prog, c->skel->obj) {
			struct collector_prog_status *st = &c->status[i];

			if (st->state == COLLECTOR_PROG_ON_DEMAND) {
				c->links[i] = bpf_program__attach(prog);
				if (c->links[i]) {
					st->state = COLLECTOR_PROG_ATTACHED;
				} else {
					st->state = COLLECTOR_PROG_FAILED;
					st->err = err_errno();
					pr_debug("optional program %s not attached: %s", st->attach,
						 bpfutil_strerror(st->err, eb, sizeof(eb)));
				}
			}
			i++;
		}
	}
	c->skel->data->stream_types = types ? types : ~0u;
	__atomic_store_n(&c->skel->bss->stream, on ? 1u : 0u, __ATOMIC_RELEASE);
}

unsigned collector_nr_cpus(const struct collector *c)
{
	return c->nr_cpus;
}

unsigned collector_read_cpus(struct collector *c, struct scxtop_cpu_stats *out, unsigned nr)
{
	uint64_t now = now_boot_ns();

	nr = MIN(nr, c->nr_cpus);
	memcpy(out, c->cpu_map, nr * sizeof(*out));
	for (unsigned i = 0; i < nr; i++) {
		struct scxtop_cpu_stats *s = &out[i];

		if (!s->last_switch_ts || now <= s->last_switch_ts)
			continue;
		if (s->curr_pid)
			s->busy_ns += now - s->last_switch_ts;
		else
			s->idle_ns += now - s->last_switch_ts;
	}
	return nr;
}

struct task_cb {
	collector_task_fn fn;
	void *ctx;
};

static void on_task_rec(void *ctx, const void *rec)
{
	struct task_cb *cb = ctx;
	struct scxtop_task_rec r;

	memcpy(&r, rec, sizeof(r));	/* the buffer is not aligned for the record */
	cb->fn(cb->ctx, &r);
}

int collector_read_tasks(struct collector *c, collector_task_fn fn, void *ctx)
{
	struct task_cb cb = {fn, ctx};

	if (!c->iter_link)
		return -EOPNOTSUPP;
	/* runtime_ns of a running task is up to date: the iterator added it */
	return bpfutil_iter_read(bpf_link__fd(c->iter_link), sizeof(struct scxtop_task_rec),
				 on_task_rec, &cb);
}

uint32_t collector_epoch_advance(struct collector *c)
{
	return __atomic_fetch_add(&c->skel->bss->epoch, 1, __ATOMIC_ACQ_REL);
}

uint64_t collector_dropped(struct collector *c)
{
	uint64_t d = 0;

	for (unsigned i = 0; i < c->nr_cpus; i++)
		d += c->cpu_map[i].dropped;
	return d;
}

const struct collector_prog_status *collector_programs(const struct collector *c, size_t *n)
{
	*n = c->nr_progs;
	return c->status;
}
