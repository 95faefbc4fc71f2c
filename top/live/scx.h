/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sched_ext side of scxtop: whether the kernel has sched_ext and which
 * scheduler runs (sysfs, under a root directory for tests), and, where the
 * kernel has it, the bpf/scxtop_scx.bpf.c programs that measure DSQ latency,
 * slice consumed, vtime and nr_queued. Without sched_ext nothing is loaded and
 * the reason is reported (struct stats_sched); that is never an error.
 */
#ifndef SCX_TOP_LIVE_SCX_H
#define SCX_TOP_LIVE_SCX_H

#include <stdbool.h>
#include <stddef.h>

#include "top/live/collector.h"
#include "top/live/stats.h"

struct scx_source;

/*
 * What this kernel offers: reads <root>/sys/kernel/sched_ext/{state,root/ops}
 * (root "" or NULL: the real sysfs) and looks for struct sched_ext_entity in the
 * BTF at btf_path (NULL: the running kernel's). Returns true when the sched_ext
 * programs can be loaded; out->reason says why not otherwise.
 */
bool scx_probe(const char *root, const char *btf_path, struct stats_sched *out);

/*
 * Probe and, where sched_ext exists, load and attach the programs. Always
 * returns a source (the scheduler name is followed either way); a load failure
 * is reported in its sched state and program list, never returned.
 */
struct scx_source *scx_source_open(const char *root);
void scx_source_close(struct scx_source *s);
/* Fill r->sched, and r->dsqs / r->scx_tasks when the programs run. 0 or -errno. */
int scx_source_read(struct scx_source *s, struct stats_raw *r);
/* Close the sampling window (see collector_epoch_advance); 0 when not loaded. */
uint32_t scx_source_epoch_advance(struct scx_source *s);
/* Program status as the core collector reports it (n = 0 when not loaded). */
const struct collector_prog_status *scx_source_programs(const struct scx_source *s, size_t *n);

#endif
