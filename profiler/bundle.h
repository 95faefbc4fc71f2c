/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bundle `scxprof record` writes and `scxprof process` reads (DESIGN §4.2):
 * one directory NAME, archived as NAME.tar.gz whose single top-level entry is NAME.
 * Names of the files inside it, shared by the writer and the reader.
 */
#ifndef SCX_PROFILER_BUNDLE_H
#define SCX_PROFILER_BUNDLE_H

#define BUNDLE_SUFFIX ".tar.gz"

/* perf mem record (or perf record -e EVENT -d --phys-data ...) output */
#define BUNDLE_MEM_DATA "perf.data"
/* perf record -a of the sched/irq/nmi events */
#define BUNDLE_SCHED_DATA "perf.sched.data"
/* perf script text, only with record --enable-perf-script */
#define BUNDLE_MEM_SCRIPT "perf.script"
#define BUNDLE_SCHED_SCRIPT "perf.sched.script"
/* {"pid","tgid","hints","timestamp"} per hint-map update */
#define BUNDLE_HINTS "hints.jsonl"
/* {"tid","pid","cgroup"} per thread, at start and end (perf < 6.3 has no cgroup field) */
#define BUNDLE_CGROUPS "cgroups.jsonl"
/* `perf version` output */
#define BUNDLE_PERF_VERSION "perf.version"
/* scxprof version, host, options, times, traces, hint mode, drops */
#define BUNDLE_META "meta.json"

/* Names used by upstream scx_characterize bundles (read, never written). */
#define BUNDLE_UPSTREAM_MEM_DATA "perf.mem.data"
#define BUNDLE_UPSTREAM_MEM_SCRIPT "perf.mem.script"
/* gzip'ed tar archives: NAME.tar.gz, also accepted as NAME.tgz */
#define BUNDLE_SUFFIX_TGZ ".tgz"

/* process output directory: <profile>.out/ */
#define PROCESS_OUT_SUFFIX ".out"
#define PROCESS_MEM_JSONL "perf.jsonl"
#define PROCESS_SCHED_JSONL "perf.sched.jsonl"
#define PROCESS_SUMMARY "summary.json"

/*
 * perf script options that go with the field lists below: exact nanosecond
 * times (the hint join compares them with CLOCK_MONOTONIC ns), and one line per
 * sample even when callchains were recorded. process runs
 *   perf script PERF_SCRIPT_ARGS -F <fields> -i <data>
 */
#define PERF_SCRIPT_ARGS "--ns", "-G"

/* perf script -F field lists (perf prints fields in its own order, not this one). */
#define PERF_MEM_SCRIPT_FIELDS "comm,tid,pid,time,cgroup,ip,addr,phys_addr,data_page_size,dso,sym"
#define PERF_MEM_SCRIPT_FIELDS_NO_CGROUP "comm,tid,pid,time,ip,addr,phys_addr,data_page_size,dso,sym"
#define PERF_SCHED_SCRIPT_FIELDS "comm,pid,tid,cpu,time,event,trace"

#endif
