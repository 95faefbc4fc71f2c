/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loaded trace: flat per-CPU event arrays, thread/process tables, interned
 * strings, and the timelines derived from them (model_build()).
 *
 * Memory layout is chosen for large traces: every scheduling/irq event is one
 * 40-byte struct tev in its CPU's array (threads are referred to by utid, an
 * index into the thread table, not by tid); derived data is per thread, per CPU,
 * and one 32-byte struct wakeup per runnable→running transition. No per-event
 * heap allocation, no per-event strings.
 *
 * Definitions follow trace_processor (reference/perfetto.md §5), see
 * model_build.c for the rules and where we deliberately differ.
 */
#ifndef SCX_TOP_ANALYZE_TRACE_MODEL_H
#define SCX_TOP_ANALYZE_TRACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hashmap.h"

#define UTID_NONE UINT32_MAX
#define UTID_IDLE 0u		/* every CPU's idle task (tid 0, "swapper") */
#define SID_NONE 0u		/* string id 0 is "" */
#define CPU_NONE UINT16_MAX
#define MAX_CPUS 4096

/* wprof's synthetic process ids (reference/perfetto.md §2.3). */
#define WPROF_IDLE_PID 2000000000LL
#define WPROF_KERNEL_PID 2000000001LL

/*
 * Event types. X(name, text): `text` is the name used in events_by_type, query
 * filters and timelines (the ftrace event name where there is one).
 * Append only: fuzz corpora and tests refer to the order.
 */
#define TEV_TYPES(X)                                                                               \
	X(SWITCH, "sched_switch")                                                                  \
	X(SWITCH_COMPACT, "sched_switch")                                                          \
	X(WAKING, "sched_waking")                                                                  \
	X(WAKING_COMPACT, "sched_waking")                                                          \
	X(WAKEUP, "sched_wakeup")                                                                  \
	X(WAKEUP_NEW, "sched_wakeup_new")                                                          \
	X(MIGRATE, "sched_migrate_task")                                                           \
	X(NEWTASK, "task_newtask")                                                                 \
	X(RENAME, "task_rename")                                                                   \
	X(FORK, "sched_process_fork")                                                              \
	X(EXEC, "sched_process_exec")                                                              \
	X(EXIT, "sched_process_exit")                                                              \
	X(FREE, "sched_process_free")                                                              \
	X(SOFTIRQ_ENTRY, "softirq_entry")                                                          \
	X(SOFTIRQ_EXIT, "softirq_exit")                                                            \
	X(SOFTIRQ_RAISE, "softirq_raise")                                                          \
	X(IRQ_ENTRY, "irq_handler_entry")                                                          \
	X(IRQ_EXIT, "irq_handler_exit")                                                            \
	X(IPI_RAISE, "ipi_raise")                                                                  \
	X(CPU_FREQ, "cpu_frequency")                                                               \
	X(CPU_IDLE, "cpu_idle")                                                                    \
	X(ONCPU_BEGIN, "oncpu_begin")                                                              \
	X(ONCPU_END, "oncpu_end")                                                                  \
	X(WAKEE, "wakee")                                                                          \
	X(WAKER, "waker")

enum tev_type {
	TEV_NONE = 0,
#define X(n, s) TEV_##n,
	TEV_TYPES(X)
#undef X
	TEV_NR_TYPES
};

/* Printable name of a type ("sched_switch"); "?" when out of range. */
const char *tev_type_name(unsigned type);

enum tev_flags {
	TEVF_IRQ = 1 << 0,	/* waking from hard/soft irq context (common_flags & 0x18) */
	TEVF_MISMATCH = 1 << 1,	/* sched_switch whose prev_pid is not the CPU's current task */
	TEVF_SKIP = 1 << 2,	/* compact switch that opens no slice (first on its CPU) */
	TEVF_DELAY = 1 << 3,	/* ONCPU_BEGIN: arg holds wprof's waking_delay in ns */
	TEVF_NEW = 1 << 4,	/* WAKEE: WAKEE_NEW (a new task) */
	TEVF_PREEMPT = 1 << 5,	/* WAKEE: PREEMPTEE */
	TEVF_TRUNC_PS = 1 << 6,	/* prev_state did not fit 32 bits (invalid) */
};

/*
 * One event (32 bytes). Field use per type:
 *   SWITCH*       utid=next  other=prev (inferred for compact)  arg=prev_state
 *                 prio=next_prio  str=next_comm
 *   WAKING, WAKEUP  utid=wakee  other=waker (FtraceEvent.pid; compact: the
 *                 CPU's current task, filled in by model_build)  arg=target_cpu
 *                 prio  str=comm
 *   MIGRATE       utid  arg=dest_cpu  arg2=orig_cpu (-1 unknown)  prio  str=comm
 *   NEWTASK       utid=child  other=parent  arg=clone_flags (low 32 bits)
 *   FORK          utid=child  other=parent
 *   EXEC          utid  str=filename        RENAME  utid  str=newcomm
 *   EXIT/FREE     utid  arg=tgid (EXIT)
 *   SOFTIRQ_*     utid=current  arg=vec     IRQ_*  utid=current  arg=irq  str=name
 *   IPI_RAISE     arg=target_cpus  str=reason
 *   CPU_FREQ      arg=kHz (cpu = cpu_id)    CPU_IDLE  arg=state (cpu = cpu_id)
 *   ONCPU_BEGIN   utid  other=waker or NONE  arg2=scx_layer_id (-1)  str=dsq index+1
 *                 (0 none)  arg=wprof's waking_delay in ns (capped, with TEVF_DELAY)
 *   ONCPU_END     utid  arg=prev_state (decoded from wprof's offcpu_reason)
 *   WAKEE         utid=wakee  other=waker (resolved from the flow)  WAKER  utid=waker
 */
struct tev {
	uint64_t ts;
	uint32_t utid;
	uint32_t other;
	int32_t arg;
	uint32_t str;
	int16_t prio;
	int16_t arg2;
	uint16_t cpu;
	uint8_t type;
	uint8_t flags;
};
_Static_assert(sizeof(struct tev) == 32, "struct tev is the per-event memory cost");

/* Thread states (trace_processor's thread_state.state, grouped). */
enum tstate {
	TS_NONE = 0,	/* no row yet */
	TS_RUNNING,
	TS_R,		/* runnable */
	TS_RPLUS,	/* runnable (preempted) */
	TS_S,
	TS_D,
	TS_I,		/* idle kernel thread (TASK_REPORT_IDLE) */
	TS_OTHER,	/* T, t, X, Z, P, ... */
	TS_NR
};
extern const char *const tstate_names[TS_NR];

enum thread_flags {
	THF_IDLE = 1 << 0,
	THF_KTHREAD = 1 << 1,
	THF_TGID_KNOWN = 1 << 2,
	THF_SEEN_SCHED = 1 << 3,	/* appears in a switch or waking */
};

/* Per-thread data: identity from the loader, aggregates from model_build(). */
struct thread {
	int64_t tid;
	int64_t tgid;		/* = tid when unknown */
	uint32_t name;		/* sid of the latest comm */
	uint32_t flags;
	/* aggregates */
	uint64_t runtime_ns;	/* sum of its sched slices (the last one up to trace end) */
	uint64_t nr_slices;
	uint64_t state_ns[TS_NR];	/* closed thread_state rows (+ the open one to trace end) */
	uint64_t nr_vol, nr_invol;	/* switch-outs blocked / still runnable */
	uint64_t nr_preempted;	/* switched out runnable while a non-idle task took the CPU */
	uint64_t nr_wakeups;	/* wakeup latency samples */
	uint64_t nr_migrations;	/* switch-in on another CPU than the previous one */
	uint64_t nr_migrate_events;	/* sched_migrate_task */
	uint64_t first_ts, last_ts;
	uint16_t last_cpu;
	/* current thread_state row (model_build's working state) */
	uint8_t row_state;
	uint8_t row_kind;	/* enum wakeup_kind of an R row */
	uint16_t row_cpu;	/* CPU of the waking that opened an R row */
	uint32_t row_waker;
	int16_t row_target;
	uint8_t row_flags;
	int32_t row_raw;	/* prev_state of a blocked row */
	uint64_t row_ts;
};

struct process {
	int64_t pid;
	uint32_t name;		/* sid */
	uint32_t cmdline;	/* sid */
};

/* One runnable → running transition (a wakeup/preemption latency sample). */
enum wakeup_kind {
	WK_WAKEUP = 0,	/* runnable after sched_waking (or WAKEE, or sched_wakeup fallback) */
	WK_NEW,		/* new task (task_newtask / wakeup_new) */
	WK_PREEMPT,	/* runnable since it was switched out runnable (R / R+) */
};

struct wakeup {
	uint64_t ts;		/* became runnable */
	uint64_t lat;		/* ns until it ran */
	uint32_t utid;
	uint32_t waker;		/* UTID_NONE when unknown */
	uint16_t waker_cpu;	/* CPU the waking was recorded on (CPU_NONE) */
	uint16_t cpu;		/* CPU it ran on */
	int16_t target_cpu;	/* waking's target_cpu (-1 unknown) */
	uint8_t kind;
	uint8_t flags;		/* TEVF_IRQ */
};

struct cpu_events {
	struct tev *ev;
	size_t n, alloc;
	bool unsorted;		/* an event went before its predecessor */
	uint64_t last_ts;
	/* aggregates from model_build() */
	uint64_t busy_ns, idle_ns;	/* closed slices, the last one up to trace end */
	uint64_t nr_switches;
	uint64_t nr_mismatch;
	uint64_t first_switch_ts;
	uint64_t nr_wakeups_in;	/* latency samples that ran here */
	uint64_t nr_preemptions;
	uint64_t nr_migrations_in;
	uint64_t softirq_ns, irq_ns;
	uint64_t nr_softirq, nr_irq;
	uint32_t last_freq_khz;
};

/* sched_ext DSQ data: counter tracks (scxtop) and wprof DSQ slices/annotations. */
enum dsq_sample_kind {
	DSQ_LAT_US = 0,		/* scxtop "DSQ <id> latency ns" counter (its value is µs) */
	DSQ_NR_QUEUED,		/* scxtop "DSQ <id> nr_queued" counter */
	DSQ_RESIDENCY,		/* wprof DSQ:<type>_0x<id> slice: insert → dispatch, ns */
	DSQ_LAT_NS,		/* our "DSQ <id> latency" counter (ns) */
};

struct dsq_sample {
	uint64_t ts;
	int64_t value;
	uint32_t dsq;		/* index into model.dsq_ids */
	uint32_t utid;
	uint8_t kind;
	int32_t layer;
};

struct trace_topology {
	bool known;
	const char *source;	/* "trace", "sysfs:<dir>" */
	uint32_t nr_cpus;
	int32_t *cpu_llc;	/* [MAX_CPUS] or NULL; -1 unknown */
	int32_t *cpu_node;
	int32_t *cpu_core;
	uint32_t nr_llcs, nr_nodes;
};

enum sched_source {
	SRC_NONE = 0,
	SRC_FTRACE,		/* sched_switch / compact_sched */
	SRC_TRACK_EVENT,	/* wprof ONCPU slices */
};

/* Where the loader stopped and what it could not use. */
struct load_stats {
	uint64_t bytes;			/* file size (uncompressed bytes read) */
	uint64_t packets;
	uint64_t bad_packets;		/* invalid wire data inside a packet (skipped) */
	bool truncated;			/* stopped inside a packet or on garbage */
	uint64_t stop_offset;		/* byte offset of the first unread packet */
	char stop_reason[160];		/* why it stopped early ("" when it did not) */
	bool gzip;
	uint64_t compressed_packets;
	uint64_t unknown_packets;	/* packets with no field we use */
	uint64_t compact_parse_errors;	/* unequal compact arrays, bad comm index */
	uint64_t interned_missing;	/* iid not found on its sequence */
	uint64_t unresolved_tracks;	/* TrackEvents whose track has no thread */
	uint64_t track_events;		/* TrackEvents seen */
	uint64_t dropped_other_source;	/* sched events ignored: the other source is used */
	uint64_t lost_event_bundles;	/* FtraceEventBundle.lost_events */
	uint64_t clock_unconverted;	/* timestamps on a clock we could not convert */
	uint64_t cpus_resorted;		/* CPUs whose events were not in time order */
	/* from model_build (trace_processor's stat names) */
	uint64_t mismatched_sched_switch_tids;
	uint64_t compact_sched_switch_skipped;
	uint64_t compact_sched_waking_skipped;
	uint64_t spurious_wakeups;	/* waking of a runnable or running thread */
	uint64_t thread_state_data_loss;	/* switch-out of a thread not Running */
};

struct trace_meta {
	uint32_t sysname, release, machine;	/* sids (SystemInfo.utsname) */
	uint32_t num_cpus;			/* SystemInfo.num_cpus */
	bool has_system_info, has_clock_snapshot, has_process_tree;
	uint64_t snap_boot, snap_realtime;	/* first ClockSnapshot, 0 when absent */
	bool wprof;		/* wprof-looking trace (IDLE pid, ONCPU categories) */
	bool scxtop;		/* DSQ counter tracks or scxtop_topo */
	uint32_t writer;	/* sid of a guess: "scxtop", "wprof", "systing", "perfetto", ... */
};

struct trace_model {
	char *path;
	/* strings: sid → NUL-terminated string (sid 0 = "") */
	struct strmap str_map;
	const char **strs;
	size_t nr_strs, strs_alloc;

	struct cpu_events *cpus;	/* [nr_cpus] */
	uint32_t nr_cpus;		/* highest CPU id + 1 */

	struct thread *threads;		/* utid-indexed; [0] = idle */
	size_t nr_threads, threads_alloc;
	uint32_t *tid_direct;		/* tid → utid+1 for 0 <= tid < tid_direct_n */
	size_t tid_direct_n;
	struct u64map tid_map;		/* other tids → utid */

	struct process *procs;
	size_t nr_procs, procs_alloc;
	struct u64map pid_map;		/* pid → index into procs */

	uint64_t *dsq_ids;		/* DSQ ids seen (counter tracks, annotations) */
	size_t nr_dsqs, dsqs_alloc;
	struct dsq_sample *dsq;
	size_t nr_dsq, dsq_alloc;
	bool has_layers;		/* scx_layer_id annotations */

	struct wakeup *wakeups;		/* built by model_build(), by time of running */
	size_t nr_wakeups, wakeups_alloc;

	uint64_t type_counts[TEV_NR_TYPES];
	uint64_t total_events;		/* sched/irq events kept (both sources' counts excluded) */
	uint64_t start_ts, end_ts;	/* min / max event timestamp (0 timestamps ignored) */
	enum sched_source sched_src;
	bool waking_src_wakeup;		/* no sched_waking: sched_wakeup starts runnable rows */
	uint64_t migrate_cross_llc, migrate_cross_node, migrate_same_llc, migrate_unknown;
	uint64_t nr_migrate_inferred;

	struct trace_topology topo;
	struct trace_meta meta;
	struct load_stats stats;
	bool built;
	/* analyzers' derived data, computed on first use (analyzers.c) */
	void *cache;
	void (*cache_free)(void *cache);
};

/* --- strings ------------------------------------------------------------------ */
uint32_t model_intern(struct trace_model *m, const char *s, size_t len);
static inline const char *model_str(const struct trace_model *m, uint32_t sid)
{
	return sid < m->nr_strs ? m->strs[sid] : "";
}

/* --- threads and processes -------------------------------------------------------- */
/* utid for tid (created on first use; tid 0 and idle conventions map to UTID_IDLE). */
uint32_t model_thread(struct trace_model *m, int64_t tid);
/* Record tgid/name for a thread (name only if non-empty). */
void model_thread_set(struct trace_model *m, uint32_t utid, int64_t tgid, uint32_t name);
struct process *model_process(struct trace_model *m, int64_t pid);
const struct process *model_process_find(const struct trace_model *m, int64_t pid);
/* Best name of a process: its name, cmdline, or its main thread's comm. */
const char *model_process_name(const struct trace_model *m, int64_t pid);
uint32_t model_dsq_index(struct trace_model *m, uint64_t dsq_id);

/* --- events ------------------------------------------------------------------- */
/* The CPU's event array (created empty on first use; cpu < MAX_CPUS). */
struct cpu_events *model_cpu(struct trace_model *m, uint32_t cpu);
struct tev *model_event_add(struct trace_model *m, uint32_t cpu, uint64_t ts, unsigned type);

void model_init(struct trace_model *m);
void model_release(struct trace_model *m);

/* Sort per-CPU arrays and derive the timelines and aggregates (idempotent). */
int model_build(struct trace_model *m);

/*
 * Optional observers of the derived timelines, called in time order while
 * model_build() runs (tests compare them with trace_processor's tables).
 * A slice with dur == -1 was left open (mismatched switch, or the last one).
 */
struct sched_slice {
	uint64_t ts;
	int64_t dur;
	uint32_t utid;
	uint16_t cpu;
	int16_t prio;
	int32_t end_state;	/* raw prev_state of the closing switch; -1 when open */
};
struct state_row {
	uint64_t ts;
	int64_t dur;		/* -1: never closed */
	uint32_t utid;
	uint8_t state;		/* enum tstate */
	int32_t raw_state;	/* prev_state for blocked rows, -1 otherwise */
	uint16_t cpu;		/* Running rows */
};
struct build_observer {
	void (*slice)(void *ctx, const struct sched_slice *s);
	void (*state)(void *ctx, const struct state_row *r);
	void *ctx;
};
/*
 * The sched slices of one CPU in time order (the model must be built); open is
 * the event that opened the slice (an ONCPU_BEGIN carries wprof's layer/DSQ).
 */
void model_cpu_slices(const struct trace_model *m, uint32_t cpu,
		      void (*fn)(void *ctx, const struct sched_slice *s, const struct tev *open),
		      void *ctx);
/* Re-run the timeline derivation with observers (the model must be built). */
int model_replay(struct trace_model *m, const struct build_observer *obs);

/* --- topology ---------------------------------------------------------------- */
/* Parse scxtop's topology JSON (cpu_to_llc, cpu_to_numa, cpu_to_core). */
int trace_topology_from_json(struct trace_topology *t, const char *json, size_t len);
/*
 * Read a sysfs topology with top/live/topology: DIR is /sys/devices/system (or a
 * copy of it), or its cpu/ subdirectory.
 */
int trace_topology_from_sysfs(struct trace_topology *t, const char *dir);
void trace_topology_release(struct trace_topology *t);
static inline int32_t topo_llc(const struct trace_topology *t, unsigned cpu)
{
	return t->known && t->cpu_llc && cpu < MAX_CPUS ? t->cpu_llc[cpu] : -1;
}
static inline int32_t topo_node(const struct trace_topology *t, unsigned cpu)
{
	return t->known && t->cpu_node && cpu < MAX_CPUS ? t->cpu_node[cpu] : -1;
}

/* Stable sort of events by time (an ONCPU end sorts before a begin at the same time). */
void tev_sort(struct tev *v, size_t n);

/* A switch-out of victim in state into next counts as a preemption. */
bool is_preemption(uint32_t victim, int32_t state, uint32_t next);

/* prev_state (kernel >= 4.14 layout) → state, and its trace_processor letters. */
enum tstate prev_state_to_tstate(int64_t prev_state);
/* "R", "R+", "S", "D", "I", "T", combined letters; NULL when invalid. */
const char *prev_state_str(int64_t prev_state, char buf[16]);

#endif
