/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming Perfetto trace writer: struct sched_event in, a Perfetto protobuf
 * trace (ui.perfetto.dev, trace_processor, `scxtop analyze`) out.
 *
 * Usage:
 *	struct pftrace_opts o = PFTRACE_OPTS_INIT;
 *	struct pftrace_writer *w;
 *	err = pftrace_writer_create(&w, fp, &o);	// writes the header packets
 *	for (...) err = pftrace_write_event(w, &ev);	// any number, any CPU
 *	err = pftrace_writer_finish(w);			// flushes; fp is then complete
 *	pftrace_writer_destroy(w);			// frees (also after errors)
 * The caller owns fp (write it through common/atomic.h for an all-or-nothing
 * file) and checks nothing else: every function returns 0 or a negative errno,
 * and the first write error sticks (later calls return it again).
 *
 * What lands in the file (all packets on one trusted_packet_sequence_id; the
 * first has SEQ_INCREMENTAL_STATE_CLEARED and first_packet_on_sequence, track
 * events SEQ_NEEDS_INCREMENTAL_STATE):
 *   - SystemInfo (utsname: trace_processor decodes prev_state by kernel
 *     release), ClockSnapshot (BOOTTIME/MONOTONIC/REALTIME) unless disabled,
 *     FtraceStats at the start and the end (per-CPU events read, events the
 *     source dropped as `overrun`: trace_processor's ftrace_cpu_overrun_end);
 *   - per-CPU FtraceEventBundles, `cpu` always set, flushed every
 *     bundle_events events per CPU (memory is bounded by nr_cpus bundles).
 *     sched_switch and sched_waking go into compact_sched (delta timestamps,
 *     comms interned per bundle) unless opts.verbose_sched; every other kind
 *     is a full FtraceEvent with `pid` always set: sched_wakeup,
 *     sched_wakeup_new, sched_migrate_task (with orig_cpu), task_newtask AND
 *     sched_process_fork, sched_process_exec (+ task_rename when the comm
 *     changed), task_rename, sched_process_exit, sched_process_free,
 *     softirq_entry/exit/raise, irq_handler_entry/exit, cpu_frequency, cpu_idle.
 *     Events of one CPU should come in time order; an event older than the
 *     previous one of its kind on that CPU closes the bundle (trace_processor
 *     sorts across bundles), so nothing is lost or reordered within a bundle.
 *     A bundle following dropped events (pftrace_note_dropped) has lost_events.
 *   - ProcessTree packets: every task the events name, with its tgid once
 *     known and its current comm; re-emitted when the comm changes (exec,
 *     prctl), so trace_processor's thread and process names stay current. The
 *     idle task (tid 0) is left to trace_processor ("swapper").
 *     pftrace_write_process/_thread add what /proc knows (cmdline, ppid).
 *   - sched_ext DSQs: two counter tracks per DSQ, "DSQ <id> latency" (unit
 *     TIME_NS, value in ns) and "DSQ <id> nr_queued" (unit COUNT), where <id>
 *     is GLOBAL, LOCAL, LOCAL_ON <cpu> or the decimal id of a user DSQ.
 *
 * Timestamps are written as given: BOOTTIME ns, trace_processor's default
 * clock for ftrace data and packets.
 */
#ifndef SCX_TOP_TRACE_PFTRACE_WRITER_H
#define SCX_TOP_TRACE_PFTRACE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "top/trace/sched_event.h"

/* trace_processor ignores bundles of CPUs ≥ this. */
#define PFTRACE_MAX_CPUS 1024
#define PFTRACE_DEFAULT_SEQ_ID 1
#define PFTRACE_DEFAULT_BUNDLE_EVENTS 8192

struct pftrace_clocks {
	uint64_t boottime, monotonic, realtime;	/* the same instant, ns */
};

struct pftrace_opts {
	/* CPUs of the traced machine (FtraceStats rows); 0: those seen. */
	unsigned nr_cpus;
	/* Utsname; NULL members: this host's uname(). */
	const char *sysname, *release, *version, *machine;
	/* ClockSnapshot at trace start; NULL: read the clocks now. */
	const struct pftrace_clocks *clocks;
	/* Write no ClockSnapshot (converted traces from another host and time). */
	bool no_clock_snapshot;
	/* sched_switch and sched_waking as full FtraceEvents instead of compact_sched. */
	bool verbose_sched;
	/* Write SCHED_EV_WAKEUP events (trace_processor only lists them in ftrace_event). */
	bool keep_wakeup;
	uint32_t sequence_id;		/* 0: PFTRACE_DEFAULT_SEQ_ID */
	unsigned bundle_events;		/* 0: PFTRACE_DEFAULT_BUNDLE_EVENTS */
};

#define PFTRACE_OPTS_INIT {.keep_wakeup = true}

struct pftrace_stats {
	uint64_t events;		/* accepted by pftrace_write_event */
	uint64_t by_kind[SCHED_EV_NR_KINDS];
	uint64_t skipped;		/* kinds the options leave out */
	uint64_t dropped;		/* pftrace_note_dropped total */
	uint64_t bundles, packets, bytes;
	/*
	 * Bytes of compact_sched's switch columns (tags and lengths included) plus
	 * the comm intern tables they share with wakings: switch_bytes /
	 * by_kind[SCHED_EV_SWITCH] is what a context switch costs in the file.
	 */
	uint64_t switch_bytes;
	uint64_t threads, processes;	/* ProcessTree entries written */
	uint64_t dsq_tracks;
	uint64_t first_ts, last_ts;	/* over all events (0 if none) */
};

struct pftrace_writer;

/* Write the header packets to fp. */
int pftrace_writer_create(struct pftrace_writer **wp, FILE *fp, const struct pftrace_opts *opts);

/* One event (copied; borrowed strings are used before returning). -EINVAL: bad cpu/kind. */
int pftrace_write_event(struct pftrace_writer *w, const struct sched_event *ev);

/*
 * What /proc (or the source) knows about a process or thread, at ts: written
 * as a ProcessTree entry, and remembered so events naming the task add nothing.
 * cmdline: argv joined by NULs (len bytes, a trailing NUL is ignored); NULL or
 * empty → [comm] with cmdline_is_comm; with PFTRACE_CMDLINE_IS_COMM, cmdline
 * is a name longer than a comm (kernel threads' "kworker/0:1-events").
 * ppid < 0: unknown; ppid 2 (kthreadd): trace_processor files the process as a
 * thread of kthreadd, and so does the writer from then on.
 */
enum { PFTRACE_CMDLINE_IS_COMM = 1 };
int pftrace_write_process(struct pftrace_writer *w, uint64_t ts, int32_t pid, int32_t ppid,
			  const char *comm, const char *cmdline, size_t len, unsigned flags);
int pftrace_write_thread(struct pftrace_writer *w, uint64_t ts, int32_t tid, int32_t tgid,
			 const char *comm);

/*
 * The source lost n events on cpu (ring buffer full, ...): counted into the
 * end-of-trace FtraceStats, and that CPU's next bundle says lost_events.
 * cpu -1: unknown CPU (counted on CPU 0's row, every CPU's next bundle flagged).
 */
int pftrace_note_dropped(struct pftrace_writer *w, int cpu, uint64_t n);

/* Flush everything buffered and write the end-of-trace stats; fflush(fp). */
int pftrace_writer_finish(struct pftrace_writer *w);

/* Free (NULL is fine). Does not close fp. */
void pftrace_writer_destroy(struct pftrace_writer *w);

const struct pftrace_stats *pftrace_writer_stats(const struct pftrace_writer *w);

/* "DSQ GLOBAL", "DSQ LOCAL_ON 3", "DSQ 42" (the counter track name prefix). */
void pftrace_dsq_name(uint64_t dsq_id, char *buf, size_t size);

#endif
