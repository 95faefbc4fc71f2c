// SPDX-License-Identifier: GPL-2.0
/*
 * Hint recorder, poll mode (for kernels that refuse fentry): an iter/task
 * program bound to the target task-storage map (user space hands the map's fd
 * to libbpf with bpf_map__reuse_fd() before load, so hint_map *is* that map).
 * Reading the iterator visits every thread once and writes one struct
 * hint_event per thread that holds a value:
 *   pid/tgid   of the task owning the value (the pidfd's target);
 *   hints      the first 8 bytes of the value;
 *   timestamp  bpf_ktime_get_ns() when this task was read (CLOCK_MONOTONIC).
 * The map is only looked up (flags 0): nothing is created or changed in it.
 * User space keeps the last value per thread and records only changes.
 * Nothing is dropped: a full seq buffer makes the kernel hand the same task
 * to the program again on the next read().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "hints_poll.h"

char LICENSE[] SEC("license") = "GPL";

struct hints_poll_stats stats;

/* Value type here is a placeholder: the reused map's real value_size (>= 8) applies. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} hint_map SEC(".maps");

SEC("iter/task")
int hints_poll(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct hint_event e;
	__u64 *v;

	if (!task)
		return 0;
	stats.tasks++;
	v = bpf_task_storage_get(&hint_map, task, 0, 0);
	if (!v)
		return 0;
	stats.hinted++;
	e.pid = task->pid;
	e.tgid = task->tgid;
	e.hints = *v;
	e.timestamp = bpf_ktime_get_ns();
	if (bpf_seq_write(seq, &e, sizeof(e)))
		stats.write_errors++;
	return 0;
}
