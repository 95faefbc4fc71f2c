// SPDX-License-Identifier: GPL-2.0
/*
 * Live recording for `scxtop trace` (see trace_live.h): the BPF collector
 * (top/live/collector.h) streams per-event records from its ring buffers; each
 * becomes a struct sched_event for the Perfetto writer as it arrives, so
 * memory stays bounded whatever the length. Records the kernel could not
 * queue are counted per CPU by the collector and written into the trace.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/bpfutil.h"
#include "common/err.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/util.h"
#include "top/live/collector.h"
#include "top/trace/pftrace_writer.h"
#include "top/trace/procscan.h"
#include "top/trace/trace_live.h"

struct live {
	struct pftrace_writer *w;
	struct collector *c;
	uint64_t start_ts, stop_ts;	/* record events in [start_ts, stop_ts) */
	uint64_t *dropped_seen;		/* per CPU, already told to the writer */
	struct scxtop_cpu_stats *cpus;
	unsigned nr_cpus;
	uint64_t records, outside, bad;
	uint32_t types;			/* streamed event types (collector mask) */
	int err;
};

static void task_from(struct sched_task *t, int32_t pid, int32_t tgid, int32_t prio,
		      const char comm[SCXTOP_COMM_LEN])
{
	t->tid = pid;
	t->tgid = tgid;
	t->prio = prio;
	memcpy(t->comm, comm, SCHED_COMM_LEN);
}

/* A collector record as a writer event; false for types the trace does not carry. */
static bool event_from(const struct scxtop_event *r, size_t size, struct sched_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts = r->hdr.ts;
	ev->cpu = r->hdr.cpu;
	ev->pid = r->hdr.pid;
	ev->tgid = -1;
	switch (r->hdr.type) {
	case SCXTOP_EV_SWITCH:
		if (size < offsetof(struct scxtop_event, sw) + sizeof(r->sw))
			return false;
		ev->kind = SCHED_EV_SWITCH;
		ev->tgid = r->sw.prev_tgid;
		task_from(&ev->sw.prev, r->sw.prev_pid, r->sw.prev_tgid, r->sw.prev_prio,
			  r->sw.prev_comm);
		task_from(&ev->sw.next, r->sw.next_pid, r->sw.next_tgid, r->sw.next_prio,
			  r->sw.next_comm);
		ev->sw.prev_state = r->sw.prev_state;
		return true;
	case SCXTOP_EV_WAKING:
	case SCXTOP_EV_WAKEUP:
	case SCXTOP_EV_WAKEUP_NEW:
		if (size < offsetof(struct scxtop_event, wake) + sizeof(r->wake))
			return false;
		ev->kind = r->hdr.type == SCXTOP_EV_WAKING  ? SCHED_EV_WAKING
			   : r->hdr.type == SCXTOP_EV_WAKEUP ? SCHED_EV_WAKEUP
							     : SCHED_EV_WAKEUP_NEW;
		task_from(&ev->wake.task, r->wake.pid, r->wake.tgid, r->wake.prio, r->wake.comm);
		ev->wake.target_cpu = r->wake.target_cpu;
		return true;
	case SCXTOP_EV_MIGRATE:
		if (size < offsetof(struct scxtop_event, migrate) + sizeof(r->migrate))
			return false;
		ev->kind = SCHED_EV_MIGRATE;
		task_from(&ev->migrate.task, r->migrate.pid, r->migrate.tgid, r->migrate.prio,
			  r->migrate.comm);
		ev->migrate.orig_cpu = r->migrate.orig_cpu;
		ev->migrate.dest_cpu = r->migrate.dest_cpu;
		return true;
	case SCXTOP_EV_FORK:
		if (size < offsetof(struct scxtop_event, fork) + sizeof(r->fork))
			return false;
		ev->kind = SCHED_EV_NEWTASK;
		ev->tgid = r->fork.parent_tgid;
		task_from(&ev->newtask.parent, r->fork.parent_pid, r->fork.parent_tgid, 0,
			  r->fork.parent_comm);
		task_from(&ev->newtask.child, r->fork.child_pid, r->fork.child_tgid, 0,
			  r->fork.child_comm);
		/* clone_flags are not in the tracepoint: the writer derives CLONE_THREAD */
		return true;
	case SCXTOP_EV_EXEC:
	case SCXTOP_EV_EXIT:
	case SCXTOP_EV_FREE:
	case SCXTOP_EV_RENAME:
		if (size < offsetof(struct scxtop_event, task) + sizeof(r->task))
			return false;
		ev->kind = r->hdr.type == SCXTOP_EV_EXEC   ? SCHED_EV_EXEC
			   : r->hdr.type == SCXTOP_EV_EXIT ? SCHED_EV_EXIT
			   : r->hdr.type == SCXTOP_EV_FREE ? SCHED_EV_FREE
							   : SCHED_EV_RENAME;
		/* exec/exit/rename run in the task itself; free runs elsewhere (RCU) */
		if (r->hdr.type != SCXTOP_EV_FREE && r->task.pid == r->hdr.pid)
			ev->tgid = r->task.tgid;
		task_from(&ev->exec.task, r->task.pid, r->task.tgid, r->task.prio, r->task.comm);
		if (r->hdr.type == SCXTOP_EV_EXEC)
			ev->exec.old_tid = r->task.old_pid;
		return true;
	case SCXTOP_EV_SOFTIRQ_ENTRY:
	case SCXTOP_EV_SOFTIRQ_EXIT:
		if (size < offsetof(struct scxtop_event, softirq) + sizeof(r->softirq))
			return false;
		ev->kind = r->hdr.type == SCXTOP_EV_SOFTIRQ_ENTRY ? SCHED_EV_SOFTIRQ_ENTRY
								   : SCHED_EV_SOFTIRQ_EXIT;
		ev->flags = SCHED_FLAG_SOFTIRQ;
		ev->softirq.vec = r->softirq.vec;
		return true;
	case SCXTOP_EV_CPU_FREQ:
		if (size < offsetof(struct scxtop_event, freq) + sizeof(r->freq))
			return false;
		ev->kind = SCHED_EV_CPU_FREQ;
		ev->freq.cpu_id = r->freq.cpu;
		ev->freq.khz = r->freq.khz;
		return true;
	default:
		return false;
	}
}

static int on_record(void *ctx, const struct scxtop_event *r, size_t size)
{
	struct live *l = ctx;
	struct sched_event ev;
	int err;

	l->records++;
	if (r->hdr.ts < l->start_ts || r->hdr.ts >= l->stop_ts) {
		l->outside++;	/* queued before the start or after the end */
		return 0;
	}
	if (!event_from(r, size, &ev) || ev.cpu >= PFTRACE_MAX_CPUS) {
		l->bad++;
		return 0;
	}
	err = pftrace_write_event(l->w, &ev);
	if (err) {
		l->err = err;
		return 1;	/* stop this poll; the loop sees l->err */
	}
	return 0;
}

/* Tell the writer about records the kernel dropped since the last call. */
static void note_drops(struct live *l)
{
	unsigned n = collector_read_cpus(l->c, l->cpus, l->nr_cpus), i;

	for (i = 0; i < n && i < PFTRACE_MAX_CPUS; i++) {
		if (l->cpus[i].dropped > l->dropped_seen[i]) {
			pftrace_note_dropped(l->w, (int)i, l->cpus[i].dropped - l->dropped_seen[i]);
			l->dropped_seen[i] = l->cpus[i].dropped;
		}
	}
}

static void report_programs(const struct collector *c, uint32_t types)
{
	const struct collector_prog_status *ps;
	size_t n, i;

	ps = collector_programs(c, &n);
	for (i = 0; i < n; i++) {
		/* left out on purpose: the iterator (statistics) and sched_wakeup unless asked */
		if (!strcmp(ps[i].name, "dump_tasks") ||
		    (!(types & (1u << SCXTOP_EV_WAKEUP)) && !strcmp(ps[i].name, "on_sched_wakeup")))
			continue;
		if (ps[i].state == COLLECTOR_PROG_UNAVAILABLE)
			pr_info("note: %s is not available on this kernel: its events are not recorded",
				ps[i].attach);
		else if (ps[i].state == COLLECTOR_PROG_FAILED)
			pr_warn("%s could not be attached (%s): its events are not recorded",
				ps[i].attach, err_str(ps[i].err));
	}
}

/* Wait until `until` (BOOTTIME ns) or a signal, consuming records. */
static int pump(struct live *l, uint64_t until)
{
	for (;;) {
		uint64_t now = now_boot_ns();
		int n, timeout;

		if (l->err)
			return l->err;
		if (sigwatch_pending())
			return -EINTR;
		if (now >= until)
			return 0;
		timeout = (int)MIN((until - now) / 1000000 + 1, 100);
		n = collector_poll(l->c, timeout);
		if (n < 0 && n != -EINTR)
			return err_log(n, "reading the ring buffers");
		note_drops(l);
	}
}

int live_trace_run(const struct live_trace_opts *o, FILE *fp, struct live_trace_stats *out)
{
	struct collector_opts co = {0};
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct procscan_stats ps;
	struct live l;
	char why[256] = "";
	int err, stop;

	memset(&l, 0, sizeof(l));
	memset(out, 0, sizeof(*out));
	co.stream = false;	/* on when the recording starts, after the warmup */
	/*
	 * sched_wakeup repeats sched_waking a moment later (trace_processor only
	 * lists it): left out unless asked for, it is a third of all wake events.
	 */
	l.types = o->sched_wakeup ? 0 : ~0u & ~(1u << SCXTOP_EV_WAKEUP);
	co.stream_types = l.types;
	co.on_event = on_record;
	co.ctx = &l;
	bpfutil_setup_logging();	/* libbpf's messages with -v/-vv only */
	err = collector_open(&l.c, &co, why, sizeof(why));
	if (err) {
		pr_err("trace: %s", why[0] ? why : err_str(err));
		return err;
	}
	report_programs(l.c, l.types);
	l.nr_cpus = collector_nr_cpus(l.c);
	l.cpus = xcalloc(l.nr_cpus, sizeof(*l.cpus));
	l.dropped_seen = xcalloc(l.nr_cpus, sizeof(*l.dropped_seen));
	collector_read_cpus(l.c, l.cpus, l.nr_cpus);
	for (unsigned i = 0; i < l.nr_cpus; i++)
		l.dropped_seen[i] = l.cpus[i].dropped;

	if (o->warmup_ns) {
		pr_info("attached; recording starts in %.1f s", (double)o->warmup_ns / 1e9);
		l.start_ts = l.stop_ts = 0;
		err = pump(&l, now_boot_ns() + o->warmup_ns);
		if (err)
			goto out;	/* interrupted before anything was recorded */
	}

	po.nr_cpus = l.nr_cpus;
	po.verbose_sched = o->verbose_sched;
	err = pftrace_writer_create(&l.w, fp, &po);
	if (err)
		goto out;
	/* What runs now, with names and command lines, before the first event. */
	err = procscan_write(l.w, now_boot_ns(), NULL, &ps);
	if (err)
		goto out;
	out->processes = ps.processes;
	out->threads = ps.threads;
	l.start_ts = now_boot_ns();
	l.stop_ts = UINT64_MAX;
	collector_set_stream(l.c, true, l.types);
	/*
	 * Make every CPU switch once, so the task running on each one is known
	 * from the start (compact_sched names the previous task of a switch only
	 * through the switch before it): a pinned busy loop shows up at once.
	 */
	collector_prime_cpus(l.c);
	pr_info("recording %.3f s (Ctrl-C stops early)", (double)o->duration_ns / 1e9);
	stop = pump(&l, l.start_ts + o->duration_ns);
	l.stop_ts = now_boot_ns();
	collector_set_stream(l.c, false, l.types);
	/* What is still queued up to the stop time belongs to the trace. */
	while ((err = collector_drain(l.c)) > 0 && !l.err)
		;
	note_drops(&l);
	err = l.err;
	if (!err && stop && stop != -EINTR)
		err = stop;
	if (!err)
		err = pftrace_writer_finish(l.w);
	out->complete = !err;
	if (!err && stop == -EINTR) {
		pr_info("stopped by %s after %.3f s", signal_name(sigwatch_pending()),
			(double)(l.stop_ts - l.start_ts) / 1e9);
		err = -EINTR;
	}
	out->duration_ns = l.stop_ts - l.start_ts;
	out->ignored = l.bad;
	if (l.w)
		out->writer = *pftrace_writer_stats(l.w);
out:
	pftrace_writer_destroy(l.w);
	collector_close(l.c);
	free(l.cpus);
	free(l.dropped_seen);
	return err;
}
