// SPDX-License-Identifier: GPL-2.0
/*
 * Streams: upstream scx_characterize's per-line rules over a sequence of perf
 * script lines (reference §3.7-3.10): count, filter, join hints, fill cgroups,
 * hand each record to a callback. Input comes as lines, arbitrary chunks, a
 * buffer or a FILE*; nothing is kept beyond the current line.
 */
#include <errno.h>
#include <string.h>

#include "common/linereader.h"
#include "common/util.h"
#include "profiler/libscxprof.h"

/* The line without its "\n"/"\r\n" (what verbose output prints). */
static size_t strip_eol(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

static void reject(scxprof_reject_fn fn, void *ctx, enum scxprof_reject why, const char *line,
		   size_t len)
{
	if (fn)
		fn(ctx, why, line, strip_eol(line, len));
}

/* Feed arbitrary chunks: complete lines go to fn, the remainder waits in partial. */
typedef int (*stream_line_fn)(void *st, const char *line, size_t len);

static int feed(struct strbuf *partial, const char *buf, size_t len, stream_line_fn fn, void *st)
{
	const char *p = buf, *e = buf + len, *nl;
	int r;

	while ((nl = memchr(p, '\n', (size_t)(e - p)))) {
		if (partial->len) {
			strbuf_add(partial, p, (size_t)(nl - p));
			r = fn(st, partial->buf, partial->len);
			strbuf_reset(partial);
		} else {
			r = fn(st, p, (size_t)(nl - p));
		}
		if (r)
			return r;
		p = nl + 1;
	}
	if (p < e)
		strbuf_add(partial, p, (size_t)(e - p));
	return 0;
}

static int feed_end(struct strbuf *partial, stream_line_fn fn, void *st)
{
	int r = 0;

	if (partial->len)
		r = fn(st, partial->buf, partial->len);
	strbuf_reset(partial);
	return r;
}

static int read_all(struct line_reader *lr, stream_line_fn fn, void *st)
{
	const char *line;
	size_t len;
	int r;

	while ((r = line_reader_next(lr, &line, &len)) > 0) {
		r = fn(st, line, len);
		if (r)
			break;
	}
	line_reader_release(lr);
	return r;
}

/* ------------------------------------------------------------------------- */

void scxprof_mem_stream_init(struct scxprof_mem_stream *st, const struct scxprof_mem_opts *o)
{
	memset(st, 0, sizeof(*st));
	st->o = *o;
	strbuf_init(&st->partial, 0);
	scxprof_annotator_init(&st->ann, o->hints);
}

void scxprof_mem_stream_release(struct scxprof_mem_stream *st)
{
	scxprof_annotator_release(&st->ann);
	strbuf_release(&st->partial);
}

int scxprof_mem_stream_line(struct scxprof_mem_stream *st, const char *line, size_t len)
{
	struct scxprof_mem_sample *s = &st->s;
	enum scxprof_mem_skip skip;

	switch (scxprof_mem_parse(line, len, s)) {
	case SCXPROF_BLANK:
		return 0;
	case SCXPROF_UNPARSEABLE:
		st->stats.lines++;
		st->stats.unparseable++;
		reject(st->o.on_reject, st->o.ctx, SCXPROF_REJECT_UNPARSEABLE, line, len);
		return 0;
	case SCXPROF_PARSED:
		break;
	}
	st->stats.lines++;
	skip = scxprof_mem_skip(s);
	if (skip == SCXPROF_MEM_SKIP_NO_PHYS) {
		st->stats.skipped_no_phys++;
		reject(st->o.on_reject, st->o.ctx, SCXPROF_REJECT_NO_PHYS, line, len);
		return 0;
	}
	if (skip == SCXPROF_MEM_SKIP_COMM) {
		st->stats.skipped_comm++;
		reject(st->o.on_reject, st->o.ctx, SCXPROF_REJECT_COMM, line, len);
		return 0;
	}
	if (s->cgroup_pos == SCXPROF_CGROUP_NONE) {
		if (st->o.cgroups && scxprof_cgroups_lookup(st->o.cgroups, s->tid, s->pid, &s->cgroup)) {
			s->cgroup_pos = SCXPROF_CGROUP_FILLED;
		} else {
			s->cgroup = (struct scx_span){.p = "unknown", .len = 7};
			s->cgroup_pos = SCXPROF_CGROUP_UNKNOWN;
		}
	}
	st->stats.cgroup[s->cgroup_pos]++;
	if (!s->time_ok)
		st->stats.no_time++;
	else if (st->o.hints && scxprof_annotator_resolve(&st->ann, s->tid, s->time_ns, &s->hint))
		st->stats.with_hint++;
	st->stats.with_addr_sym += s->has_addr_sym;
	st->stats.with_data_src += s->has_data_src;
	st->stats.records++;
	return st->o.on_record ? st->o.on_record(st->o.ctx, s) : 0;
}

static int mem_line(void *st, const char *line, size_t len)
{
	return scxprof_mem_stream_line(st, line, len);
}

int scxprof_mem_stream_feed(struct scxprof_mem_stream *st, const char *buf, size_t len)
{
	return feed(&st->partial, buf, len, mem_line, st);
}

int scxprof_mem_stream_end(struct scxprof_mem_stream *st)
{
	return feed_end(&st->partial, mem_line, st);
}

int scxprof_mem_stream_buf(struct scxprof_mem_stream *st, const char *buf, size_t len)
{
	struct line_reader lr;

	line_reader_init_mem(&lr, buf, len);
	return read_all(&lr, mem_line, st);
}

int scxprof_mem_stream_file(struct scxprof_mem_stream *st, FILE *fp)
{
	struct line_reader lr;

	line_reader_init_file(&lr, fp);
	return read_all(&lr, mem_line, st);
}

void scxprof_mem_summary(const struct scxprof_mem_stats *s, struct strbuf *out)
{
	uint64_t skipped = s->skipped_no_phys + s->skipped_comm;

	strbuf_addf(out, "Parsed %llu of %llu records (%llu skipped, %llu unparseable)",
		    (unsigned long long)s->records,
		    (unsigned long long)(s->records + skipped + s->unparseable),
		    (unsigned long long)skipped, (unsigned long long)s->unparseable);
}

/* ------------------------------------------------------------------------- */

void scxprof_sched_stream_init(struct scxprof_sched_stream *st,
			       const struct scxprof_sched_opts *o)
{
	memset(st, 0, sizeof(*st));
	st->o = *o;
	strbuf_init(&st->partial, 0);
	scxprof_annotator_init(&st->ann, o->hints);
}

void scxprof_sched_stream_release(struct scxprof_sched_stream *st)
{
	scxprof_annotator_release(&st->ann);
	strbuf_release(&st->partial);
}

static bool is_switch(const struct scxprof_sched_event *e)
{
	return e->event.len == 18 && !memcmp(e->event.p, "sched:sched_switch", 18);
}

int scxprof_sched_stream_line(struct scxprof_sched_stream *st, const char *line, size_t len)
{
	struct scxprof_sched_event *e = &st->e;

	switch (scxprof_sched_parse(line, len, e)) {
	case SCXPROF_BLANK:
		return 0;
	case SCXPROF_UNPARSEABLE:
		st->stats.lines++;
		st->stats.unparseable++;
		reject(st->o.on_reject, st->o.ctx, SCXPROF_REJECT_UNPARSEABLE, line, len);
		return 0;
	case SCXPROF_PARSED:
		break;
	}
	st->stats.lines++;
	if (is_switch(e)) {
		st->stats.switches++;
		if (e->fields != SCXPROF_FIELDS_SWITCH)
			st->stats.switches_unparsed++;
		else if (e->sw.format == SCXPROF_SWITCH_RAW)
			st->stats.switches_raw++;
	}
	if (st->o.hints && e->time_ok) {
		if (e->tid >= 0 &&
		    scxprof_annotator_resolve(&st->ann, (uint32_t)e->tid, e->time_ns, &e->hint))
			st->stats.with_hint++;
		if (e->fields == SCXPROF_FIELDS_SWITCH) {
			e->switch_hints = true;
			e->prev_hint = e->hint;
			if (e->sw.next_pid >= 0 && e->sw.next_pid <= UINT32_MAX)
				scxprof_annotator_resolve(&st->ann, (uint32_t)e->sw.next_pid,
							  e->time_ns, &e->next_hint);
		}
	}
	st->stats.records++;
	return st->o.on_record ? st->o.on_record(st->o.ctx, e) : 0;
}

static int sched_line(void *st, const char *line, size_t len)
{
	return scxprof_sched_stream_line(st, line, len);
}

int scxprof_sched_stream_feed(struct scxprof_sched_stream *st, const char *buf, size_t len)
{
	return feed(&st->partial, buf, len, sched_line, st);
}

int scxprof_sched_stream_end(struct scxprof_sched_stream *st)
{
	return feed_end(&st->partial, sched_line, st);
}

int scxprof_sched_stream_buf(struct scxprof_sched_stream *st, const char *buf, size_t len)
{
	struct line_reader lr;

	line_reader_init_mem(&lr, buf, len);
	return read_all(&lr, sched_line, st);
}

int scxprof_sched_stream_file(struct scxprof_sched_stream *st, FILE *fp)
{
	struct line_reader lr;

	line_reader_init_file(&lr, fp);
	return read_all(&lr, sched_line, st);
}

void scxprof_sched_summary(const struct scxprof_sched_stats *s, struct strbuf *out)
{
	strbuf_addf(out, "Parsed %llu of %llu sched trace records (%llu unparseable)",
		    (unsigned long long)s->records,
		    (unsigned long long)(s->records + s->unparseable),
		    (unsigned long long)s->unparseable);
}
