/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxprof record: the recorder behind profiler/cmd_record.c.
 *
 *   record.c          validation, children, the poll loop, stop order, outcomes
 *   record_check.c    name and path checks, the disk-space estimate
 *   record_bundle.c   cgroups.jsonl, meta.json
 *   record_archive.c  NAME.tar.gz with libarchive, verified before it is renamed
 *
 * Functions log their own one-line error and return 0 or a negative errno;
 * -EINTR means a signal (SIGINT/SIGTERM/SIGHUP) stopped the recording.
 */
#ifndef SCX_PROFILER_RECORD_H
#define SCX_PROFILER_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "common/child.h"
#include "common/strbuf.h"
#include "profiler/perf.h"

#define RECORD_DEFAULT_OUTPUT "scxprof.out"
#define RECORD_DEFAULT_TIMEOUT_S 30
#define RECORD_DEFAULT_LDLAT 10
#define RECORD_DEFAULT_RING_MB 8
#define RECORD_DEFAULT_STOP_GRACE_S 60
#define RECORD_MMAP_PAGES "8M"	/* perf -m, as upstream */

struct record_opts {
	const char *output;	/* -o: the bundle directory (staging unless --disable-archive) */
	const char *file;	/* -f: archive path (default <output>.tar.gz) */
	uint64_t timeout_s;
	uint64_t ldlat;
	const char *hints_map;	/* pinned path */
	uint64_t hints_map_id;	/* 0: not given */
	int hints_mode;		/* enum hints_mode; -1 when not given */
	uint64_t ring_mb;
	uint64_t poll_ms;
	const char *mem_event;
	bool disable_mem;
	bool disable_sched;
	bool enable_script;
	bool disable_archive;
	uint64_t stop_grace_s;
	int verbose;
};

/* ---- record_check.c ---------------------------------------------------- */

/*
 * Check o for usage errors (conflicting or missing options, a bad archive
 * name, a ring size that is not a power of two). Returns NULL when fine, else
 * a message for the usage error (static storage).
 */
const char *record_opts_check(const struct record_opts *o);
/*
 * The archive's top-level directory name: the file name of path without
 * ".tar.gz". Returns an owned string, or NULL when path does not end in
 * .tar.gz or has nothing before it.
 */
char *record_archive_root(const char *path);

/* Activity measured over a short interval, to size the recording. */
struct record_rates {
	double ctxt;		/* context switches / s, all CPUs */
	double irq;		/* interrupts / s */
	double softirq;		/* softirqs / s */
	double faults;		/* page faults / s */
	double busy_cpus;	/* CPUs' worth of non-idle time */
	unsigned nr_cpus;
	uint64_t threads;	/* threads now */
	uint64_t maps;		/* memory mappings of all processes (perf synthesizes them) */
};

struct record_estimate {
	uint64_t mem_bytes;	/* perf.data */
	uint64_t sched_bytes;	/* perf.sched.data */
	uint64_t script_bytes;	/* perf.script + perf.sched.script (--enable-perf-script) */
	uint64_t other_bytes;	/* cgroups.jsonl, hints.jsonl, meta.json */
	uint64_t staging_bytes;	/* all of the above */
	uint64_t archive_bytes;	/* the .tar.gz (0 with --disable-archive) */
};

/* Measure rates over interval_ms (interruptible: -EINTR). */
int record_rates_measure(struct record_rates *r, unsigned interval_ms);
/* The expected sizes for o given the rates (pure arithmetic). */
void record_estimate_compute(const struct record_opts *o, const struct record_rates *r,
			     struct record_estimate *e);
/* "12.3 MiB" into buf. */
const char *record_fmt_bytes(uint64_t bytes, char *buf, size_t n);

/* ---- record.c ---------------------------------------------------------- */

/* Record as o says. 0, -EINTR (interrupted: nothing kept), or another error (logged). */
int record_run(const struct record_opts *o);

/* Why the recording phase ended. */
enum record_stop {
	RECORD_STOP_NONE = 0,
	RECORD_STOP_TIMEOUT,	/* -t elapsed */
	RECORD_STOP_DISK,	/* free space ran low: stopped early, bundle kept */
	RECORD_STOP_CHILD,	/* a perf exited by itself: error */
	RECORD_STOP_SIGNAL,	/* SIGINT/SIGTERM/SIGHUP: nothing kept */
	RECORD_STOP_ERROR,	/* hint recorder or write error */
};

/* One perf record child. */
struct record_trace {
	const char *name;	/* "mem" or "sched" (meta.json key, message prefix) */
	const char *label;	/* "perf mem record", "perf record (sched)" */
	const char *data;	/* file in the bundle */
	const char **argv;	/* NULL-terminated; strings are static or owned by ctx */
	size_t argc;
	struct child *c;
	bool started, exited_early, killed;
	bool quiet;		/* stop showing perf's stderr (after a signal) */
	unsigned lines_shown;
	uint64_t lines_hidden;
	char status[80];
};

/* perf script run at record time (--enable-perf-script). */
struct record_script {
	const char *name;	/* bundle file */
	const char *result;	/* "ok", "partial", "failed", "skipped" */
	uint64_t bytes;
};

struct hints_map;
struct hints_recorder;

/* Everything one recording knows; record.c owns it, record_bundle.c reports it. */
struct record_ctx {
	const struct record_opts *o;
	char *archive_path;	/* NULL with --disable-archive */
	char *root;		/* the bundle's name: archive stem, or basename of -o */
	char *stage_dir;	/* where files are written (temporary name) */
	struct perf_info *perf;
	const char *sched_events[PERF_NR_SCHED_EVENTS];
	size_t nr_sched_events;
	struct strbuf missing_events;	/* ", "-separated */
	struct hints_map *map;		/* NULL without hints */
	struct hints_recorder *hints;	/* NULL without hints */
	struct record_trace traces[2];
	size_t nr_traces;
	struct record_script scripts[2];
	size_t nr_scripts;
	struct record_rates rates;
	struct record_estimate est;
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC around the recording */
	struct timespec start_real, end_real;
	uint64_t threads_start, threads_end;
	enum record_stop stop;
	int signal;		/* the first signal received, 0 if none */
	bool forced;		/* a second signal forced the stop */
};

/* ---- record_bundle.c --------------------------------------------------- */

/* How /sys/fs/cgroup is organized: "unified", "hybrid" or "v1". */
const char *record_cgroup_hierarchy(void);
/*
 * From the text of /proc/<pid>/task/<tid>/cgroup, the path perf reports: the
 * cgroup2 ("0::") path, else the v1 cpu controller's, else the first line's.
 * Returns false when none is found.
 */
bool record_cgroup_path(const char *proc_cgroup, struct strbuf *path);
/*
 * Append one {"tid","pid","cgroup","comm","timestamp"} line per thread of the
 * host to fp. *threads gets the count. 0 or negative errno (write error).
 */
int record_cgroups_snapshot(FILE *fp, uint64_t timestamp, uint64_t *threads);
/* meta.json for a completed recording (pretty JSON, schemas/meta.schema.json). */
void record_meta_format(const struct record_ctx *ctx, struct strbuf *out);

/* ---- record_archive.c -------------------------------------------------- */

/*
 * Write the regular files of dir into a gzip'ed tar at path, under one
 * top-level directory root, through a temporary file in path's directory that
 * is verified (table of contents and sizes re-read) and then renamed into place
 * without replacing anything. Interruptible (-EINTR). Nothing is left at path
 * or beside it on failure.
 */
int record_archive_write(const char *dir, const char *root, const char *path);
/*
 * Read the archive at path and check it holds exactly root/ and, below it,
 * the nr files names[] with sizes[] (any order). 0, -EINTR, or -EBADMSG with
 * why filled.
 */
int record_archive_verify(const char *path, const char *root, const char *const *names,
			  const uint64_t *sizes, size_t nr, char *why, size_t n);

#endif
