// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes for `scxprof doctor`. User space loads one program at a time
 * (autoload off for the others) so that each failure is attributed to exactly
 * one feature:
 *   doctor_switch      tp_btf/sched_switch: BTF-typed tracepoints (scxtop, sched
 *                      tracing) work; counts context switches.
 *   doctor_map_update  fentry/bpf_map_update_value: the hint recorder's trace
 *                      mode; refused under lockdown or without ftrace direct calls.
 *   doctor_iter        iter/task reading a task-storage map: the hint recorder's
 *                      poll mode.
 * No ring buffer, nothing is dropped: results are counters in .bss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "doctor.h"

char LICENSE[] SEC("license") = "GPL";

struct doctor_counts counts;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} doctor_storage SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(doctor_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__sync_fetch_and_add(&counts.switches, 1);
	return 0;
}

SEC("fentry/bpf_map_update_value")
int BPF_PROG(doctor_map_update, struct bpf_map *map)
{
	__sync_fetch_and_add(&counts.map_updates, 1);
	return 0;
}

SEC("iter/task")
int doctor_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	__u64 *v;

	if (!task)
		return 0;
	counts.iter_tasks++;
	v = bpf_task_storage_get(&doctor_storage, task, 0, 0);
	if (v) {
		counts.iter_hits++;
		counts.iter_value = *v;
	}
	return 0;
}
