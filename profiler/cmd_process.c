// SPDX-License-Identifier: GPL-2.0
/*
 * scxprof process: a recorded bundle (directory or NAME.tar.gz) to
 * <profile>.out/{perf.jsonl, perf.sched.jsonl, hints.jsonl, summary.json}.
 *
 * A thin layer over libscxprof: it finds the inputs, extracts an archive
 * (bundle_in.c), streams each perf script (from the bundle, or from `perf
 * script` run on perf.data, never buffered whole and never written into the
 * input) through the library's streams into JSONL, and builds everything in a
 * staging directory that is renamed at the end, so a failure or Ctrl-C leaves
 * nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/child.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/json_writer.h"
#include "common/linereader.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "profiler/bundle.h"
#include "profiler/bundle_in.h"
#include "profiler/commands.h"
#include "profiler/libscxprof.h"
#include "profiler/perf.h"

#define OUT_FLUSH (256 * 1024)
#define EXTRACT_DIR ".bundle"	/* inside the staging directory, removed before commit */
#define SIG_CHECK_LINES 4096
#define PERF_STDERR_CAP (16 * 1024)	/* perf script's stderr kept for summary.json */
#define PERF_STDERR_SHOWN 2000		/* ... and shown in a message (log lines are <= 4 KiB) */

struct process_opts {
	const char *file;
	const char *output;
	int verbose;
	bool keep_scripts;
};

/* A file being written inside the staging directory. */
struct out_file {
	int fd;
	struct strbuf buf;
	uint64_t bytes;
	int err;
};

enum part_kind { PART_MEM, PART_SCHED };

/* What happened to one of the two perf scripts. */
struct part {
	enum part_kind kind;
	const char *output;		/* perf.jsonl / perf.sched.jsonl */
	const char *source;		/* bundle file used, NULL: none */
	bool generated;			/* perf script ran on source */
	const char *fields;		/* -F list when generated */
	char status[64];		/* perf script's exit status when generated */
	char *perf_stderr;		/* its trimmed stderr (owned), when generated */
	uint64_t script_bytes;
	struct scxprof_order order;	/* sample-order violations (stats only) */
	bool hinted;
};

struct process_ctx {
	struct process_opts o;
	const char *profile;		/* -f as given */
	bool archive;
	char *bundle;			/* directory read from (owned) */
	char *out_path;			/* final output directory (owned) */
	struct staging_dir sd;
	char recorded_perf[128];	/* the bundle's perf.version */
	struct perf_info perf;
	int perf_err;
	bool perf_probed;
	struct scxprof_hints *hints;
	struct scxprof_cgroups *cgroups;
	struct bundle_extract_stats ex;
	struct scxprof_mem_stats mem;
	struct scxprof_sched_stats sched;
	struct part parts[2];
	char **warnings;
	size_t nwarn, awarn;
	struct out_file *out, *keep;	/* current part's outputs */
};

static void warn_keep(struct process_ctx *c, const char *fmt, ...) __printf(2, 3);

/* A warning: on stderr now, and in summary.json. */
static void warn_keep(struct process_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	pr_warn("%s", msg);
	xgrow((void **)&c->warnings, &c->awarn, c->nwarn + 1, sizeof(*c->warnings));
	c->warnings[c->nwarn++] = msg;
}

/* ------------------------------------------------------------------------- */

static int out_open(struct out_file *f, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	int err = 0;

	memset(f, 0, sizeof(*f));
	strbuf_init(&f->buf, OUT_FLUSH + 4096);
	f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (f->fd < 0) {
		err = err_log(err_errno(), "cannot create %s", path);
		strbuf_release(&f->buf);
	}
	free(path);
	return err;
}

static void out_flush(struct out_file *f)
{
	const char *p = f->buf.buf;
	size_t n = f->buf.len;

	while (n && !f->err) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0) {
			if (errno != EINTR)
				f->err = err_errno();
			continue;
		}
		p += w;
		n -= (size_t)w;
		f->bytes += (uint64_t)w;
	}
	strbuf_reset(&f->buf);
}

static inline void out_maybe_flush(struct out_file *f)
{
	if (f->buf.len >= OUT_FLUSH)
		out_flush(f);
}

/* Flush and close; 0 or the first write error. */
static int out_close(struct out_file *f)
{
	int err;

	if (f->fd >= 0) {
		out_flush(f);
		if (close(f->fd) && !f->err)
			f->err = err_errno();
		f->fd = -1;
	}
	err = f->err;
	strbuf_release(&f->buf);
	return err;
}

/* ------------------------------------------------------------------------- */

static int on_mem(void *ctx, const struct scxprof_mem_sample *s)
{
	struct process_ctx *c = ctx;

	scxprof_mem_json(s, &c->out->buf);
	out_maybe_flush(c->out);
	return c->out->err;
}

static int on_sched(void *ctx, const struct scxprof_sched_event *e)
{
	struct process_ctx *c = ctx;

	scxprof_sched_json(e, &c->out->buf);
	out_maybe_flush(c->out);
	return c->out->err;
}

/* -v: upstream's verbose lines on stderr. */
static void on_reject(void *ctx, enum scxprof_reject why, const char *line, size_t len)
{
	struct process_ctx *c = ctx;
	const char *what;

	if (c->o.verbose < 1)
		return;
	switch (why) {
	case SCXPROF_REJECT_NO_PHYS: what = "skipped (no phys_addr)"; break;
	case SCXPROF_REJECT_COMM: what = "skipped (filtered comm)"; break;
	default: what = "unparseable"; break;
	}
	fprintf(stderr, "%s: %.*s\n", what, (int)len, line);
}

static void on_reject_sched(void *ctx, enum scxprof_reject why, const char *line, size_t len)
{
	struct process_ctx *c = ctx;

	if (c->o.verbose >= 1)
		fprintf(stderr, "unparseable sched line: %.*s\n", (int)len, line);
}

/* ------------------------------------------------------------------------- */

/* The parsing side of one part: a stream fed line by line. */
struct feeder {
	struct process_ctx *c;
	enum part_kind kind;
	struct scxprof_mem_stream mem;
	struct scxprof_sched_stream sched;
};

static void feeder_init(struct feeder *f, struct process_ctx *c, enum part_kind kind)
{
	memset(f, 0, sizeof(*f));
	f->c = c;
	f->kind = kind;
	if (kind == PART_MEM)
		scxprof_mem_stream_init(&f->mem, &(struct scxprof_mem_opts){
			.hints = c->hints, .cgroups = c->cgroups, .on_record = on_mem,
			.on_reject = on_reject, .ctx = c});
	else
		scxprof_sched_stream_init(&f->sched, &(struct scxprof_sched_opts){
			.hints = c->hints, .on_record = on_sched, .on_reject = on_reject_sched,
			.ctx = c});
}

static void feeder_done(struct feeder *f, struct part *p)
{
	const struct scxprof_order *o;

	if (f->kind == PART_MEM) {
		f->c->mem = f->mem.stats;
		o = &f->mem.ann.order;
	} else {
		f->c->sched = f->sched.stats;
		o = &f->sched.ann.order;
	}
	p->order = *o;
	memset(&p->order.seen, 0, sizeof(p->order.seen));
	if (f->kind == PART_MEM)
		scxprof_mem_stream_release(&f->mem);
	else
		scxprof_sched_stream_release(&f->sched);
}

/* Every line of lr into the stream (and into keep, when set). */
static int pump(struct feeder *f, struct line_reader *lr, struct out_file *keep)
{
	const char *line;
	size_t len;
	uint64_t n = 0;
	int r;

	while ((r = line_reader_next(lr, &line, &len)) > 0) {
		if (++n % SIG_CHECK_LINES == 0 && sigwatch_pending())
			return -EINTR;
		if (keep) {
			strbuf_add(&keep->buf, line, len);
			strbuf_addch(&keep->buf, '\n');
			out_maybe_flush(keep);
			if (keep->err)
				return keep->err;
		}
		r = f->kind == PART_MEM ? scxprof_mem_stream_line(&f->mem, line, len)
					: scxprof_sched_stream_line(&f->sched, line, len);
		if (r)
			return r;
	}
	return r;
}

/* ------------------------------------------------------------------------- */

static int probe_perf(struct process_ctx *c)
{
	if (!c->perf_probed) {
		c->perf_err = perf_probe(&c->perf);
		c->perf_probed = true;
	}
	if (c->perf_err == -ENOENT)
		pr_err("cannot run perf script: '%s' not found (install linux-perf, or set "
		       "SCXPROF_PERF)", c->perf.binary);
	else if (c->perf_err)
		pr_err("cannot run perf script: '%s version' failed: %s", c->perf.binary,
		       c->perf_err == -EPROTO ? "non-zero exit" : err_str(c->perf_err));
	return c->perf_err;
}

struct gen_read {
	struct child *child;
	uint64_t bytes;
};

static ssize_t gen_read_fn(void *ctx, void *buf, size_t n)
{
	struct gen_read *g = ctx;
	ssize_t r = child_read(g->child, buf, n);

	if (r > 0)
		g->bytes += (uint64_t)r;
	return r;
}

/* perf's stderr for a message: the first lines, and how much more summary.json has. */
static const char *excerpt(const char *s, struct strbuf *sb)
{
	size_t n = strlen(s), cut;
	const char *nl;

	if (n <= PERF_STDERR_SHOWN)
		return s;
	nl = memrchr(s, '\n', PERF_STDERR_SHOWN);
	cut = nl ? (size_t)(nl - s) : PERF_STDERR_SHOWN;
	strbuf_reset(sb);
	strbuf_add(sb, s, cut);
	strbuf_addf(sb, "\n... (%zu more bytes in %s)", n - cut, PROCESS_SUMMARY);
	return sb->buf;
}

static bool mentions_cgroup(const char *s)
{
	return strcasestr(s, "cgroup") != NULL;
}

/*
 * perf script on a data file, streamed into the feeder. *retry is set when
 * perf refused the cgroup field and wrote nothing (the caller runs it again
 * without it).
 */
static int run_perf_script(struct process_ctx *c, struct feeder *f, struct part *p,
			   const char *data, bool *retry)
{
	const char *const argv[] = {c->perf.binary, "script", PERF_SCRIPT_ARGS, "-F", p->fields,
				    "-i", data, NULL};
	struct child_opts co = {
		.argv = argv,
		.in = CHILD_IO_NULL,
		.out = CHILD_IO_PIPE,
		.err = CHILD_IO_PIPE,
		.new_pgrp = true,
		.err_cap = PERF_STDERR_CAP,
	};
	struct child child;
	struct gen_read g = {.child = &child};
	struct line_reader lr;
	struct strbuf sb = STRBUF_INIT;
	char st[64];
	int err;

	*retry = false;
	err = child_spawn(&child, &co);
	if (err) {
		if (err == -ENOENT)
			return probe_perf(c) ?: err_log(err, "cannot run %s", c->perf.binary);
		return err_log(err, "cannot run %s script", c->perf.binary);
	}
	line_reader_init_fn(&lr, gen_read_fn, &g);
	err = pump(f, &lr, c->keep);
	line_reader_release(&lr);
	if (err) {
		/* write errors are reported by the caller; child_release kills perf */
		if (err != -EINTR && !c->out->err && !(c->keep && c->keep->err))
			err_log(err, "cannot read the output of perf script");
		goto out;
	}
	err = child_wait(&child, -1);
	if (err)
		goto out;
	child_status_str(&child, st, sizeof(st));
	snprintf(p->status, sizeof(p->status), "%s", st);
	free(p->perf_stderr);
	if (child.err_dropped)
		p->perf_stderr = xasprintf("%s\n... (%zu more bytes)", child_stderr(&child),
					   child.err_dropped);
	else
		p->perf_stderr = xstrdup(child_stderr(&child));
	p->script_bytes = g.bytes;
	if (child_success(&child)) {
		if (*p->perf_stderr)
			warn_keep(c, "perf script reported diagnostics for %s:\n%s", data,
				  excerpt(p->perf_stderr, &sb));
	} else if (g.bytes > 0) {
		warn_keep(c, "perf script %s after writing %llu bytes from %s. Continuing with the "
			  "generated output because the output is non-empty.", st,
			  (unsigned long long)g.bytes, data);
		if (*p->perf_stderr)
			warn_keep(c, "perf script reported diagnostics for %s:\n%s", data,
				  excerpt(p->perf_stderr, &sb));
		if (strstr(p->perf_stderr, "failed to process type: 9 [Bad address]"))
			warn_keep(c, "perf script stopped at a sample it cannot attribute to any event "
				  "of %s: this happens when another system-wide perf session sampled "
				  "the same software event during the recording (its samples carry "
				  "the other session's event id). The samples after that point are "
				  "lost; record again with no other perf running.",
				  data);
	} else if (strstr(p->fields, "cgroup") && mentions_cgroup(p->perf_stderr)) {
		*retry = true;
	} else {
		pr_err("perf script failed with status: %s%s%s", st, *p->perf_stderr ? ": " : "",
		       excerpt(p->perf_stderr, &sb));
		err = -EPROTO;
	}
out:
	child_release(&child);
	strbuf_release(&sb);
	return err;
}

static const char *const mem_scripts[] = {BUNDLE_MEM_SCRIPT, BUNDLE_UPSTREAM_MEM_SCRIPT, NULL};
static const char *const mem_datas[] = {BUNDLE_MEM_DATA, BUNDLE_UPSTREAM_MEM_DATA, NULL};
static const char *const sched_scripts[] = {BUNDLE_SCHED_SCRIPT, NULL};
static const char *const sched_datas[] = {BUNDLE_SCHED_DATA, NULL};

static const char *find_in(struct process_ctx *c, const char *const *names)
{
	for (; *names; names++) {
		char *path = xasprintf("%s/%s", c->bundle, *names);
		bool ok = fs_exists(path);

		free(path);
		if (ok)
			return *names;
	}
	return NULL;
}

static int run_part(struct process_ctx *c, enum part_kind kind)
{
	struct part *p = &c->parts[kind];
	const char *script = find_in(c, kind == PART_MEM ? mem_scripts : sched_scripts);
	const char *data = find_in(c, kind == PART_MEM ? mem_datas : sched_datas);
	struct out_file out = {.fd = -1}, keep = {.fd = -1};
	struct feeder f;
	char *path = NULL;
	struct strbuf sb = STRBUF_INIT;
	int err, kerr;

	p->kind = kind;
	p->output = kind == PART_MEM ? PROCESS_MEM_JSONL : PROCESS_SCHED_JSONL;
	if (!script && !data) {
		printf("Skipping %s: neither %s nor %s is present\n", p->output,
		       kind == PART_MEM ? BUNDLE_MEM_SCRIPT : BUNDLE_SCHED_SCRIPT,
		       kind == PART_MEM ? BUNDLE_MEM_DATA : BUNDLE_SCHED_DATA);
		return 0;
	}
	err = out_open(&out, c->sd.tmp_path, p->output);
	if (err)
		return err;
	c->out = &out;
	feeder_init(&f, c, kind);
	if (script) {
		struct line_reader lr;
		int fd;

		p->source = script;
		path = xasprintf("%s/%s", c->bundle, script);
		printf("Parsing %s to generate %s...\n", script, p->output);
		fflush(stdout);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = err_log(err_errno(), "cannot open %s", path);
			goto out;
		}
		line_reader_init_fd(&lr, fd);
		err = pump(&f, &lr, NULL);
		if (err < 0 && err != -EINTR && !out.err)
			err_log(err, "cannot read %s", path);
		line_reader_release(&lr);
		close(fd);
	} else {
		bool retry;

		p->source = data;
		p->generated = true;
		path = xasprintf("%s/%s", c->bundle, data);
		err = probe_perf(c);
		if (err)
			goto out;
		p->fields = kind == PART_SCHED ? PERF_SCHED_SCRIPT_FIELDS
			    : c->perf.has_cgroup_field ? PERF_MEM_SCRIPT_FIELDS
						       : PERF_MEM_SCRIPT_FIELDS_NO_CGROUP;
		printf("Generating %s from %s with perf script (%s)...\n", p->output, data,
		       c->perf.version_line[0] ? c->perf.version_line : c->perf.binary);
		fflush(stdout);
		if (c->o.keep_scripts) {
			err = out_open(&keep, c->sd.tmp_path,
				       kind == PART_MEM ? BUNDLE_MEM_SCRIPT : BUNDLE_SCHED_SCRIPT);
			if (err)
				goto out;
			c->keep = &keep;
		}
		err = run_perf_script(c, &f, p, path, &retry);
		if (!err && retry) {
			warn_keep(c, "%s has no cgroup in its samples (recorded without "
				  "--all-cgroups?): running perf script again without the cgroup "
				  "field. perf said:\n%s", path, excerpt(p->perf_stderr, &sb));
			p->fields = PERF_MEM_SCRIPT_FIELDS_NO_CGROUP;
			err = run_perf_script(c, &f, p, path, &retry);
		}
	}
	if (out.err || keep.err) {
		err = err_log(out.err ?: keep.err, "cannot write %s/%s", c->out_path,
			      out.err ? p->output : kind == PART_MEM ? BUNDLE_MEM_SCRIPT
								: BUNDLE_SCHED_SCRIPT);
		goto out;
	}
	if (err)
		goto out;

	if (kind == PART_MEM) {
		const struct scxprof_mem_stats *s = &f.mem.stats;
		scxprof_mem_summary(s, &sb);
		printf("%s\n", sb.buf);
		if (s->cgroup[SCXPROF_CGROUP_FILLED] || s->cgroup[SCXPROF_CGROUP_UNKNOWN]) {
			strbuf_reset(&sb);
			if (p->generated)
				strbuf_addf(&sb, "perf %s has no cgroup field in perf script (added "
					    "in 6.3): ", c->perf.version[0] ? c->perf.version : "");
			else
				strbuf_addf(&sb, "%s has no cgroup field (written by perf < 6.3): ",
					    script);
			if (c->cgroups)
				strbuf_addf(&sb, "%llu records took their cgroup from %s, %llu are "
					    "\"unknown\"",
					    (unsigned long long)s->cgroup[SCXPROF_CGROUP_FILLED],
					    BUNDLE_CGROUPS,
					    (unsigned long long)s->cgroup[SCXPROF_CGROUP_UNKNOWN]);
			else
				strbuf_addf(&sb, "the bundle has no %s, so cgroup is \"unknown\" in "
					    "all %llu records", BUNDLE_CGROUPS,
					    (unsigned long long)s->cgroup[SCXPROF_CGROUP_UNKNOWN]);
			if (s->cgroup[SCXPROF_CGROUP_UNKNOWN])
				warn_keep(c, "%s", sb.buf);
			else
				printf("%s\n", sb.buf);
		}
	} else {
		const struct scxprof_sched_stats *s = &f.sched.stats;
		scxprof_sched_summary(s, &sb);
		printf("%s\n", sb.buf);
		if (s->switches_unparsed)
			warn_keep(c, "%llu of %llu sched_switch events have a trace text in neither "
				  "known format (no fields)",
				  (unsigned long long)s->switches_unparsed,
				  (unsigned long long)s->switches);
	}
	p->hinted = c->hints != NULL;
	if ((kind == PART_MEM ? f.mem.ann.order.violations : f.sched.ann.order.violations)) {
		char *where = xasprintf("%s/%s", c->out_path, p->output);
		strbuf_reset(&sb);
		scxprof_samples_order_warning(kind == PART_MEM ? &f.mem.ann.order
							       : &f.sched.ann.order,
					      where, &sb);
		fprintf(stderr, "%s\n", sb.buf);
		free(where);
	}
out:
	feeder_done(&f, p);
	c->out = NULL;
	c->keep = NULL;
	kerr = out_close(&out);
	if (kerr && !err)
		err = err_log(kerr, "cannot write %s/%s", c->out_path, p->output);
	if (keep.fd >= 0 || keep.buf.alloc) {
		kerr = out_close(&keep);
		if (kerr && !err)
			err = err_log(kerr, "cannot write %s", c->out_path);
	}
	strbuf_release(&sb);
	free(path);
	return err;
}

/* ------------------------------------------------------------------------- */

static bool has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcasecmp(s + n - m, suffix);
}

/* Where the input is, and the default output name. */
static int resolve_input(struct process_ctx *c)
{
	const char *f = c->o.file;
	struct stat st;
	size_t n = strlen(f);
	char *base;

	while (n > 1 && f[n - 1] == '/')
		n--;
	base = xstrndup(f, n);
	if (stat(f, &st)) {
		int err = err_errno();
		free(base);
		return err_log(err, "%s", f);
	}
	if (S_ISDIR(st.st_mode)) {
		c->bundle = xstrdup(f);
	} else if (S_ISREG(st.st_mode) &&
		   (has_suffix_ci(base, BUNDLE_SUFFIX) || has_suffix_ci(base, BUNDLE_SUFFIX_TGZ))) {
		c->archive = true;
		base[n - (has_suffix_ci(base, BUNDLE_SUFFIX) ? strlen(BUNDLE_SUFFIX)
							     : strlen(BUNDLE_SUFFIX_TGZ))] = '\0';
	} else {
		pr_err("'%s' is not a directory or tar.gz archive", f);
		free(base);
		return -EINVAL;
	}
	c->out_path = c->o.output ? xstrdup(c->o.output) : xasprintf("%s%s", base,
								    PROCESS_OUT_SUFFIX);
	free(base);
	return 0;
}

static int extract(struct process_ctx *c)
{
	struct strbuf why = STRBUF_INIT;
	int err;

	c->bundle = xasprintf("%s/%s", c->sd.tmp_path, EXTRACT_DIR);
	if (mkdir(c->bundle, 0700))
		return err_log(err_errno(), "cannot create %s", c->bundle);
	printf("Extracting %s...\n", c->profile);
	fflush(stdout);
	err = bundle_extract(c->profile, c->bundle, &c->ex, &why);
	if (err && err != -EINTR)
		pr_err("archive '%s' %s", c->profile, why.buf);
	strbuf_release(&why);
	return err;
}

static void read_perf_version(struct process_ctx *c)
{
	char *path = xasprintf("%s/%s", c->bundle, BUNDLE_PERF_VERSION);
	FILE *fp = fopen(path, "r");

	if (fp) {
		if (fgets(c->recorded_perf, sizeof(c->recorded_perf), fp))
			c->recorded_perf[strcspn(c->recorded_perf, "\r\n")] = '\0';
		fclose(fp);
	}
	free(path);
}

static int load_hints(struct process_ctx *c)
{
	char *path = xasprintf("%s/%s", c->bundle, BUNDLE_HINTS);
	char why[256] = "", *dst;
	uint64_t lineno = 0;
	FILE *fp;
	int err = 0;

	fp = fopen(path, "r");
	if (!fp) {
		if (errno != ENOENT)
			err = err_log(err_errno(), "cannot open %s", path);
		goto out;
	}
	c->hints = scxprof_hints_new();
	err = scxprof_hints_load_file(c->hints, fp, &lineno, why, sizeof(why));
	fclose(fp);
	if (err) {
		pr_err("failed to parse hints.jsonl record: %s:%llu: %s", path,
		       (unsigned long long)lineno, why);
		goto out;
	}
	scxprof_hints_finish(c->hints);
	if (scxprof_hints_order(c->hints)->violations) {
		struct strbuf sb = STRBUF_INIT;
		scxprof_hints_order_warning(scxprof_hints_order(c->hints), &sb);
		fprintf(stderr, "%s\n", sb.buf);
		strbuf_release(&sb);
	}
	dst = xasprintf("%s/%s", c->sd.tmp_path, BUNDLE_HINTS);
	err = fs_copy_file(path, dst);
	if (err)
		err_log(err, "cannot copy %s to %s", path, c->out_path);
	free(dst);
out:
	free(path);
	return err;
}

static int load_cgroups(struct process_ctx *c)
{
	char *path = xasprintf("%s/%s", c->bundle, BUNDLE_CGROUPS);
	char why[256] = "";
	uint64_t lineno = 0;
	FILE *fp;
	int err = 0;

	fp = fopen(path, "r");
	if (!fp) {
		if (errno != ENOENT)
			err = err_log(err_errno(), "cannot open %s", path);
		goto out;
	}
	c->cgroups = scxprof_cgroups_new();
	err = scxprof_cgroups_load_file(c->cgroups, fp, &lineno, why, sizeof(why));
	fclose(fp);
	if (err)
		pr_err("failed to parse cgroups.jsonl record: %s:%llu: %s", path,
		       (unsigned long long)lineno, why);
	else if (scxprof_cgroups_moved(c->cgroups))
		warn_keep(c, "%llu threads are in different cgroups at the start and the end of "
			  "the recording (%s); their samples get the last one",
			  (unsigned long long)scxprof_cgroups_moved(c->cgroups), BUNDLE_CGROUPS);
out:
	free(path);
	return err;
}

/* ------------------------------------------------------------------------- */

static void order_json(struct json_writer *w, const char *key, const struct scxprof_order *o)
{
	jw_key(w, key);
	jw_obj_begin(w);
	jw_kv_u64(w, "violations", o->violations);
	jw_kv_u64(w, "tids", o->tids);
	jw_key(w, "example_tids");
	jw_arr_begin(w);
	for (unsigned i = 0; i < o->nexample; i++)
		jw_i64(w, o->example[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void str_or_null(struct json_writer *w, const char *key, const char *v)
{
	jw_key(w, key);
	if (v && *v)
		jw_str(w, v);
	else
		jw_null(w);
}

static void part_json(struct process_ctx *c, struct json_writer *w, enum part_kind kind)
{
	const struct part *p = &c->parts[kind];

	jw_key(w, kind == PART_MEM ? "mem" : "sched");
	if (!p->source) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kv_str(w, "output", p->output);
	jw_kv_str(w, "source", p->source);
	jw_kv_bool(w, "generated", p->generated);
	if (p->generated) {
		jw_key(w, "perf_script");
		jw_obj_begin(w);
		jw_kv_str(w, "fields", p->fields);
		jw_kv_str(w, "status", p->status);
		jw_kv_u64(w, "bytes", p->script_bytes);
		jw_kv_str(w, "stderr", p->perf_stderr ? p->perf_stderr : "");
		jw_obj_end(w);
	}
	if (kind == PART_MEM) {
		const struct scxprof_mem_stats *s = &c->mem;
		jw_kv_u64(w, "lines", s->lines);
		jw_kv_u64(w, "records", s->records);
		jw_kv_u64(w, "skipped", s->skipped_no_phys + s->skipped_comm);
		jw_kv_u64(w, "skipped_no_phys", s->skipped_no_phys);
		jw_kv_u64(w, "skipped_comm", s->skipped_comm);
		jw_kv_u64(w, "unparseable", s->unparseable);
		jw_kv_u64(w, "no_time", s->no_time);
		jw_kv_u64(w, "with_hint", s->with_hint);
		jw_kv_u64(w, "with_addr_sym", s->with_addr_sym);
		jw_kv_u64(w, "with_data_src", s->with_data_src);
		jw_key(w, "cgroup_from");
		jw_obj_begin(w);
		jw_kv_u64(w, "perf_before_ip", s->cgroup[SCXPROF_CGROUP_BEFORE_IP]);
		jw_kv_u64(w, "perf_at_end", s->cgroup[SCXPROF_CGROUP_AT_END]);
		jw_kv_u64(w, "cgroups_jsonl", s->cgroup[SCXPROF_CGROUP_FILLED]);
		jw_kv_u64(w, "unknown", s->cgroup[SCXPROF_CGROUP_UNKNOWN]);
		jw_obj_end(w);
	} else {
		const struct scxprof_sched_stats *s = &c->sched;
		jw_kv_u64(w, "lines", s->lines);
		jw_kv_u64(w, "records", s->records);
		jw_kv_u64(w, "unparseable", s->unparseable);
		jw_kv_u64(w, "switches", s->switches);
		jw_kv_u64(w, "switches_raw_format", s->switches_raw);
		jw_kv_u64(w, "switches_without_fields", s->switches_unparsed);
		jw_kv_u64(w, "with_hint", s->with_hint);
	}
	if (p->hinted)
		order_json(w, "out_of_order", &p->order);
	else {
		jw_key(w, "out_of_order");
		jw_null(w);
	}
	jw_obj_end(w);
}

static int write_summary(struct process_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct atomic_file af;
	char *path = xasprintf("%s/%s", c->sd.tmp_path, PROCESS_SUMMARY);
	int err;

	jw_init(&w, &sb, JSON_PRETTY);
	jw_obj_begin(&w);
	jw_kv_str(&w, "tool", "scxprof");
	jw_kv_str(&w, "version", scx_version());
	jw_kv_str(&w, "git_commit", scx_git_commit());
	jw_kv_str(&w, "profile", c->profile);
	jw_kv_str(&w, "input", c->archive ? "archive" : "directory");
	jw_kv_str(&w, "output", c->out_path);
	if (c->archive) {
		jw_key(&w, "archive");
		jw_obj_begin(&w);
		jw_kv_str(&w, "root", c->ex.root);
		jw_kv_u64(&w, "files", c->ex.files);
		jw_kv_u64(&w, "bytes", c->ex.bytes);
		jw_obj_end(&w);
	}
	jw_key(&w, "perf");
	jw_obj_begin(&w);
	str_or_null(&w, "recorded", c->recorded_perf);
	if (c->perf_probed && !c->perf_err) {
		jw_kv_str(&w, "binary", c->perf.path);
		jw_kv_str(&w, "version", c->perf.version);
		jw_kv_bool(&w, "cgroup_field", c->perf.has_cgroup_field);
	} else {
		str_or_null(&w, "binary", NULL);
		str_or_null(&w, "version", NULL);
		jw_key(&w, "cgroup_field");
		jw_null(&w);
	}
	jw_obj_end(&w);
	jw_key(&w, "hints");
	if (c->hints) {
		jw_obj_begin(&w);
		jw_kv_u64(&w, "records", scxprof_hints_count(c->hints));
		jw_kv_u64(&w, "tids", scxprof_hints_tids(c->hints));
		jw_kv_u64(&w, "dropped_negative_pid", scxprof_hints_dropped(c->hints));
		order_json(&w, "out_of_order", scxprof_hints_order(c->hints));
		jw_obj_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "cgroups");
	if (c->cgroups) {
		jw_obj_begin(&w);
		jw_kv_u64(&w, "threads", scxprof_cgroups_threads(c->cgroups));
		jw_kv_u64(&w, "moved", scxprof_cgroups_moved(c->cgroups));
		jw_obj_end(&w);
	} else {
		jw_null(&w);
	}
	part_json(c, &w, PART_MEM);
	part_json(c, &w, PART_SCHED);
	jw_key(&w, "warnings");
	jw_arr_begin(&w);
	for (size_t i = 0; i < c->nwarn; i++)
		jw_str(&w, c->warnings[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	strbuf_addch(&sb, '\n');

	err = atomic_file_open(&af, path, ATOMIC_NOREPLACE);
	if (!err) {
		strbuf_write(&sb, af.fp);
		err = atomic_file_commit(&af);
	}
	if (err)
		err_log(err, "cannot write %s", path);
	strbuf_release(&sb);
	free(path);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "Output contents:" and one "  name (size bytes)" per file, sorted. */
static void print_contents(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	printf("Output contents:\n");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	if (!n)
		printf("  (empty)\n");
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		struct stat st;

		if (!stat(p, &st))
			printf("  %s (%lld bytes)\n", names[i], (long long)st.st_size);
		free(p);
		free(names[i]);
	}
	free(names);
}

static bool bundle_has(struct process_ctx *c, const char *name)
{
	char *path = xasprintf("%s/%s", c->bundle, name);
	bool ok = fs_exists(path);

	free(path);
	return ok;
}

static int process(struct process_ctx *c)
{
	char *extracted;
	int err;

	err = resolve_input(c);
	if (err)
		return err;
	err = staging_dir_create(&c->sd, c->out_path);
	if (err == -EEXIST) {
		pr_err("output directory '%s' already exists", c->out_path);
		return err;
	}
	if (err)
		return err_log(err, "cannot create output directory %s", c->out_path);
	printf("Output directory: %s\n", c->out_path);
	fflush(stdout);
	if (c->archive) {
		err = extract(c);
		if (err)
			return err;
	}
	if (!find_in(c, mem_scripts) && !find_in(c, mem_datas) && !find_in(c, sched_scripts) &&
	    !find_in(c, sched_datas) && !bundle_has(c, BUNDLE_HINTS)) {
		pr_err("'%s' is not a scxprof bundle: it has none of %s, %s, %s, %s, %s", c->profile,
		       BUNDLE_MEM_DATA, BUNDLE_MEM_SCRIPT, BUNDLE_SCHED_DATA, BUNDLE_SCHED_SCRIPT,
		       BUNDLE_HINTS);
		return -EINVAL;
	}
	read_perf_version(c);
	err = load_hints(c);
	if (!err)
		err = load_cgroups(c);
	if (!err)
		err = run_part(c, PART_MEM);
	if (!err)
		err = run_part(c, PART_SCHED);
	if (!err && sigwatch_pending())
		err = -EINTR;
	if (err)
		return err;
	if (c->archive) {
		extracted = c->bundle;
		c->bundle = NULL;
		err = fs_rmtree(extracted);
		free(extracted);
		if (err)
			return err_log(err, "cannot remove the extracted bundle");
	}
	err = write_summary(c);
	if (err)
		return err;
	err = staging_dir_commit(&c->sd);
	if (err)
		return err_log(err, "cannot rename the output into %s", c->out_path);
	print_contents(c->out_path);
	return 0;
}

static int process_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct process_ctx c;
	int ret, argi, err;

	memset(&c, 0, sizeof(c));
	ret = cli_parse(cli, argc, argv, &c.o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (!c.o.file)
		return cli_usage_error(cli, "-f/--file PROFILE is required");
	if (c.o.verbose > 1)
		log_add_verbosity(c.o.verbose - 1);
	c.profile = c.o.file;
	err = sigwatch_install();
	if (err)
		return err_exit_code(err_log(err, "cannot install signal handlers"));

	err = process(&c);
	if (err == -EINTR)
		pr_err("interrupted by %s: nothing written", signal_name(sigwatch_pending()));
	staging_dir_abort(&c.sd);	/* no-op after commit */
	scxprof_hints_free(c.hints);
	scxprof_cgroups_free(c.cgroups);
	for (int i = 0; i < 2; i++)
		free(c.parts[i].perf_stderr);
	for (size_t i = 0; i < c.nwarn; i++)
		free(c.warnings[i]);
	free(c.warnings);
	free(c.bundle);
	free(c.out_path);
	if (fflush(stdout) && !err)
		err = err_log(err_errno(), "write failure on standard output");
	return err_exit_code(err);
}

static const struct cli_option process_options[] = {
	CLI_OPT('f', "file", CLI_STRING, struct process_opts, file, "PROFILE",
		"the bundle: a directory, or NAME.tar.gz (required)", .flags = CLI_FILE),
	CLI_OPT('o', "output", CLI_STRING, struct process_opts, output, "DIR",
		"output directory (default: PROFILE without .tar.gz, plus .out); must not exist",
		.flags = CLI_DIR),
	CLI_OPT('v', "verbose", CLI_COUNT, struct process_opts, verbose, NULL,
		"print skipped and unparseable lines to stderr (-vv: also debug messages)"),
	CLI_OPT(0, "keep-scripts", CLI_FLAG, struct process_opts, keep_scripts, NULL,
		"also write the perf script text generated from perf.data into the output "
		"directory"),
	CLI_OPT_END,
};

const struct cli_command cmd_process = {
	.name = "process",
	.summary = "Turn a recorded bundle into perf.jsonl and perf.sched.jsonl",
	.usage = "-f PROFILE(.tar.gz|dir) [-o OUTDIR] [-v] [--keep-scripts]",
	.description =
		"Reads a bundle written by `scxprof record` (or by upstream scx_characterize:\n"
		"perf.mem.data / perf.mem.script are accepted) and writes OUTDIR with:\n"
		"  perf.jsonl        one memory sample per line (schemas/perf.schema.json)\n"
		"  perf.sched.jsonl  one scheduler event per line, when the bundle has a sched\n"
		"                    trace (schemas/perf.sched.schema.json)\n"
		"  hints.jsonl       a copy of the bundle's task-hint updates, when present\n"
		"  summary.json      counts, perf versions, inputs used, warnings\n"
		"                    (schemas/summary.schema.json)\n"
		"\n"
		"A .tar.gz is extracted (libarchive) into a hidden directory inside the\n"
		"output being built, and removed before it is renamed into place; archives\n"
		"with absolute paths, '..', links leaving the bundle, device files or more\n"
		"than one top-level entry are refused. A script missing from the bundle is\n"
		"generated with `perf script --ns -G -F <fields> -i perf.data`, streamed into\n"
		"the parser (never written into the input). perf older than 6.3 has no\n"
		"cgroup field: the cgroup then comes from the bundle's cgroups.jsonl.\n"
		"Samples get the task hint their thread had at that time (hints.jsonl).\n"
		"The output is built under a temporary name and renamed when complete: an\n"
		"error, or Ctrl-C, SIGTERM or SIGHUP (exit 130), leaves nothing behind.",
	.options = process_options,
	.examples = "scxprof process -f run1.tar.gz                 # -> run1.out/\n"
		    "scxprof process -f run1 -o /tmp/run1.processed -v\n"
		    "SCXPROF_PERF=/opt/perf/perf scxprof process -f run1.tar.gz",
	.run = process_run,
	.flags = CLI_NO_ARGS,
};
