/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared between bpf/doctor.bpf.c and profiler/cmd_doctor.c. */
#ifndef SCX_BPF_DOCTOR_H
#define SCX_BPF_DOCTOR_H

/* Value doctor stores in its own task-storage slot and expects the iterator to read back. */
#define DOCTOR_STORAGE_MAGIC 0x5c7f0d0c70ull

struct doctor_counts {
	__u64 switches;		/* tp_btf/sched_switch hits */
	__u64 map_updates;	/* fentry/bpf_map_update_value hits */
	__u64 iter_tasks;	/* tasks visited by iter/task */
	__u64 iter_hits;	/* tasks with a value in doctor_storage */
	__u64 iter_value;	/* last value found */
};

#endif
