// SPDX-License-Identifier: GPL-2.0
/*
 * Hint recorder, trace mode: fentry on bpf_map_update_value, the
 * bpf(BPF_MAP_UPDATE_ELEM) syscall path in kernel/bpf/syscall.c (signature
 * (map, map_file, key, value, flags) since v6.2). Every update of the one
 * task-storage map whose id user space writes into target_map_id before load
 * becomes a struct hint_event in the ring buffer:
 *   pid/tgid   of the calling thread (upstream's attribution: right when threads
 *              set their own hints, which is how task hints are used);
 *   hints      the first 8 bytes of the new value;
 *   timestamp  bpf_ktime_get_ns() (CLOCK_MONOTONIC).
 * Only user-space updates go through this function; updates made by BPF
 * programs (bpf_task_storage_get(..., F_CREATE)) are not seen.
 * Drop policy: when the ring buffer is full the event is counted in
 * stats.dropped_events and lost; user space reports the count.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "hints_trace.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_map_id = 0;

struct hints_trace_stats stats;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* resized by user space (--hints-map-ring-sz) */
} events SEC(".maps");

SEC("fentry/bpf_map_update_value")
int BPF_PROG(hints_map_update, struct bpf_map *map, struct file *map_file, void *key, void *value)
{
	struct task_struct *task;
	struct hint_event *e;
	__u64 hint;

	if (BPF_CORE_READ(map, map_type) != BPF_MAP_TYPE_TASK_STORAGE)
		return 0;
	if (BPF_CORE_READ(map, id) != target_map_id)
		return 0;
	if (bpf_probe_read_kernel(&hint, sizeof(hint), value)) {
		__sync_fetch_and_add(&stats.read_errors, 1);
		return 0;
	}
	__sync_fetch_and_add(&stats.events, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&stats.dropped_events, 1);
		return 0;
	}
	task = bpf_get_current_task_btf();
	e->pid = BPF_CORE_READ(task, pid);
	e->tgid = BPF_CORE_READ(task, tgid);
	e->hints = hint;
	e->timestamp = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}
