/* SPDX-License-Identifier: GPL-2.0 */
/* libbpf glue shared by scxprof and scxtop. */
#ifndef SCX_COMMON_BPFUTIL_H
#define SCX_COMMON_BPFUTIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Route libbpf's messages through common/log: warnings and info at debug level
 * (-v), libbpf debug output at -vv. Without -v nothing from libbpf reaches the
 * terminal; callers report failures in one line themselves.
 */
void bpfutil_setup_logging(void);
/* libbpf_strerror() into buf; returns buf. */
const char *bpfutil_strerror(int err, char *buf, size_t n);
/*
 * For each tracepoint name (without subsystem, e.g. "sched_switch"), whether
 * the running kernel has it, judged by the btf_trace_<name> typedef in vmlinux
 * BTF (present for every tracepoint of a BTF kernel). 0, or negative errno when
 * vmlinux BTF cannot be loaded.
 */
int bpfutil_probe_tracepoints(const char *const *names, size_t n, bool *present);
/*
 * Run a BPF iterator (its link fd) whose program writes fixed-size records of
 * rec_size bytes (at most 64 KiB) with bpf_seq_write, calling fn for each whole
 * record. 0 or a negative errno.
 */
int bpfutil_iter_read(int link_fd, size_t rec_size, void (*fn)(void *ctx, const void *rec),
		      void *ctx);

#endif
