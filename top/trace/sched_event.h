/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neutral scheduler event: what the Perfetto writer (pftrace_writer.h)
 * consumes, whatever produced it — the live BPF collector, `scxtop trace
 * --convert` (perf sched recordings) or the synthetic generator (tests and
 * benchmarks). One struct per event, filled from the kernel tracepoint of the
 * same name, with the conventions of ftrace:
 *
 *   ts    CLOCK_BOOTTIME nanoseconds (sources on another clock convert first);
 *   cpu   the CPU the event fired on (a waking is on the waker's CPU);
 *   pid   tid of the task running on that CPU when it fired (0 = idle);
 *   tgid  its thread-group id, or -1 when the source does not know it.
 *
 * Tasks named in the payload carry their own tid/tgid/prio/comm (tgid -1:
 * unknown). Comms are the kernel's 16-byte task->comm (NUL-terminated or
 * exactly 16 bytes; bytes after the NUL are ignored).
 */
#ifndef SCX_TOP_TRACE_SCHED_EVENT_H
#define SCX_TOP_TRACE_SCHED_EVENT_H

#include <stdint.h>
#include <string.h>

#define SCHED_COMM_LEN 16

enum sched_event_kind {
	SCHED_EV_NONE = 0,
	SCHED_EV_SWITCH,	/* sched_switch: prev → next on cpu */
	SCHED_EV_WAKING,	/* sched_waking: task made runnable (waker = pid) */
	SCHED_EV_WAKEUP,	/* sched_wakeup */
	SCHED_EV_WAKEUP_NEW,	/* sched_wakeup_new: first wakeup of a new task */
	SCHED_EV_MIGRATE,	/* sched_migrate_task */
	SCHED_EV_NEWTASK,	/* task_newtask + sched_process_fork (pid = parent) */
	SCHED_EV_EXEC,		/* sched_process_exec (task's new comm = after exec) */
	SCHED_EV_RENAME,	/* task_rename (prctl PR_SET_NAME, exec) */
	SCHED_EV_EXIT,		/* sched_process_exit */
	SCHED_EV_FREE,		/* sched_process_free (the tid may be reused after) */
	SCHED_EV_SOFTIRQ_ENTRY,
	SCHED_EV_SOFTIRQ_EXIT,
	SCHED_EV_SOFTIRQ_RAISE,
	SCHED_EV_IRQ_ENTRY,	/* irq_handler_entry */
	SCHED_EV_IRQ_EXIT,	/* irq_handler_exit */
	SCHED_EV_CPU_FREQ,	/* cpu_frequency */
	SCHED_EV_CPU_IDLE,	/* cpu_idle (state SCHED_CPU_IDLE_EXIT: leaves idle) */
	SCHED_EV_DSQ,		/* sched_ext: a task left a DSQ (latency, queue depth) */
	SCHED_EV_NR_KINDS,
};

/* Kernel TRACE_FLAG_* bits of `flags` (trace_processor reads the IRQ context). */
enum {
	SCHED_FLAG_HARDIRQ = 0x08,
	SCHED_FLAG_SOFTIRQ = 0x10,
};

/*
 * prev_state as the kernel's sched_switch tracepoint reports it (Linux ≥ 4.14):
 * one TASK_REPORT bit, 0 for runnable, plus SCHED_STATE_PREEMPTED (printed "+")
 * when the task was preempted while runnable.
 */
enum {
	SCHED_STATE_RUNNING = 0,	/* R */
	SCHED_STATE_INTERRUPTIBLE = 0x1,	/* S */
	SCHED_STATE_UNINTERRUPTIBLE = 0x2,	/* D */
	SCHED_STATE_STOPPED = 0x4,	/* T */
	SCHED_STATE_TRACED = 0x8,	/* t */
	SCHED_STATE_EXIT_DEAD = 0x10,	/* X */
	SCHED_STATE_EXIT_ZOMBIE = 0x20,	/* Z */
	SCHED_STATE_PARKED = 0x40,	/* P */
	SCHED_STATE_IDLE = 0x80,	/* I */
	SCHED_STATE_PREEMPTED = 0x100,	/* R+ (TASK_REPORT_MAX) */
};

#define SCHED_CPU_IDLE_EXIT 0xffffffffu

struct sched_task {
	int32_t tid;
	int32_t tgid;		/* -1: unknown */
	int32_t prio;		/* kernel prio (120 = nice 0); -1 for deadline tasks */
	char comm[SCHED_COMM_LEN];
};

/* sched_ext DSQ ids with a meaning (include/linux/sched/ext.h). */
#define SCX_DSQ_FLAG_BUILTIN ((uint64_t)1 << 63)
#define SCX_DSQ_FLAG_LOCAL_ON ((uint64_t)1 << 62)
#define SCX_DSQ_INVALID (SCX_DSQ_FLAG_BUILTIN | 0)
#define SCX_DSQ_GLOBAL (SCX_DSQ_FLAG_BUILTIN | 1)
#define SCX_DSQ_LOCAL (SCX_DSQ_FLAG_BUILTIN | 2)
#define SCX_DSQ_LOCAL_CPU_MASK ((uint64_t)0xffffffff)

struct sched_event {
	uint64_t ts;
	uint32_t cpu;
	uint16_t kind;		/* enum sched_event_kind */
	uint16_t flags;		/* SCHED_FLAG_* */
	int32_t pid;
	int32_t tgid;
	union {
		struct {
			struct sched_task prev, next;
			int64_t prev_state;	/* SCHED_STATE_* */
		} sw;
		/* WAKING, WAKEUP, WAKEUP_NEW */
		struct {
			struct sched_task task;
			int32_t target_cpu;
		} wake;
		struct {
			struct sched_task task;
			int32_t orig_cpu, dest_cpu;
		} migrate;
		struct {
			struct sched_task parent, child;	/* child.comm = parent's at fork */
			uint64_t clone_flags;	/* CLONE_THREAD (0x10000) makes a thread */
		} newtask;
		struct {
			struct sched_task task;	/* comm: after exec */
			int32_t old_tid;	/* differs when a non-leader thread exec'ed */
			const char *filename;	/* borrowed, may be NULL */
		} exec;
		struct {
			struct sched_task task;	/* comm: the new name */
			char oldcomm[SCHED_COMM_LEN];
		} rename;
		/* EXIT, FREE */
		struct {
			struct sched_task task;
		} exit;
		struct {
			uint32_t vec;
		} softirq;
		struct {
			int32_t irq;
			int32_t ret;		/* IRQ_EXIT: IRQ_HANDLED (1) / IRQ_NONE (0) */
			const char *name;	/* IRQ_ENTRY: borrowed, may be NULL */
		} irq;
		struct {
			uint32_t cpu_id;
			uint32_t khz;
		} freq;
		struct {
			uint32_t cpu_id;
			uint32_t state;
		} idle;
		struct {
			uint64_t dsq_id;
			uint64_t latency_ns;	/* enqueue → leaves the DSQ */
			uint64_t nr_queued;	/* tasks left in the DSQ */
			int32_t tid;		/* the task that left it */
		} dsq;
	};
};

/* Set a comm from a C string: at most 15 bytes kept, NUL-padded. NULL → "". */
static inline void sched_comm_set(char dst[SCHED_COMM_LEN], const char *src)
{
	size_t n = 0;

	while (src && n < SCHED_COMM_LEN - 1 && src[n])
		n++;
	if (n)
		memcpy(dst, src, n);
	memset(dst + n, 0, SCHED_COMM_LEN - n);
}

/* "sched_switch", ... ("?" for an unknown kind). */
const char *sched_event_kind_name(unsigned kind);

#endif
