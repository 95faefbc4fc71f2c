// SPDX-License-Identifier: GPL-2.0
#include "top/live/sampler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bpfutil.h"
#include "common/err.h"
#include "common/util.h"
#include "top/live/procstat.h"
#include "top/live/scx.h"

struct sampler {
	struct topology topo;
	struct collector *col;
	struct scx_source *scx;
	uint64_t start_ns;
	unsigned nr_cpus;
	struct stats_prog *progs;
	char (*prog_err)[96];
	size_t nr_progs;
};

int sampler_open(struct sampler **out, const struct sampler_opts *opts, char *why, size_t n)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	struct collector_opts co = {
		.aggregate = true,
		.stream = opts && opts->stream,
		.on_event = opts ? opts->on_event : NULL,
		.ctx = opts ? opts->ctx : NULL,
	};
	int err;

	*out = NULL;
	err = topology_load(&s->topo, NULL);
	if (err) {
		snprintf(why, n, "cannot read the CPU topology from /sys/devices/system/cpu: %s",
			 err_str(err));
		goto fail;
	}
	err = collector_open(&s->col, &co, why, n);
	if (err)
		goto fail;
	s->start_ns = now_boot_ns();
	s->nr_cpus = MAX(collector_nr_cpus(s->col), s->topo.nr_cpus);
	s->scx = scx_source_open(NULL);
	*out = s;
	return 0;
fail:
	sampler_close(s);
	return err;
}

void sampler_close(struct sampler *s)
{
	if (!s)
		return;
	scx_source_close(s->scx);
	collector_close(s->col);
	topology_release(&s->topo);
	free(s->progs);
	free(s->prog_err);
	free(s);
}

static void on_task(void *ctx, const struct scxtop_task_rec *rec)
{
	*stats_raw_add_task(ctx) = *rec;
}

int sampler_read(struct sampler *s, struct stats_raw *r, bool tasks, bool freq)
{
	int err = 0, e;

	if (r->nr_cpus != s->nr_cpus || !r->cpus) {
		stats_raw_release(r);
		stats_raw_init(r, s->nr_cpus);
	}
	if (!r->proc)
		r->proc = xcalloc(s->nr_cpus, sizeof(*r->proc));
	r->start_ns = s->start_ns;
	r->ts_ns = now_boot_ns();
	memset(r->cpus, 0, s->nr_cpus * sizeof(*r->cpus));
	collector_read_cpus(s->col, r->cpus, s->nr_cpus);
	e = procstat_read(NULL, r->proc, s->nr_cpus);
	if (e)
		err = e;
	if (freq) {
		if (!r->freq_khz)
			r->freq_khz = xcalloc(s->nr_cpus, sizeof(*r->freq_khz));
		for (unsigned i = 0; i < s->nr_cpus; i++)
			r->freq_khz[i] = s->topo.cpus && i < s->topo.nr_cpus && s->topo.cpus[i].online
						 ? cpufreq_read_khz(NULL, (int)i)
						 : 0;
	} else {
		free(r->freq_khz);
		r->freq_khz = NULL;
	}
	r->nr_tasks = 0;
	r->have_tasks = tasks;
	if (tasks) {
		e = collector_read_tasks(s->col, on_task, r);
		if (e && !err)
			err = e;
	}
	e = scx_source_read(s->scx, r);
	if (e && !err)
		err = e;
	r->dropped = collector_dropped(s->col);
	r->epoch = collector_epoch_advance(s->col);
	r->scx_epoch = scx_source_epoch_advance(s->scx);
	return err;
}

const struct topology *sampler_topology(const struct sampler *s)
{
	return &s->topo;
}

struct collector *sampler_collector(struct sampler *s)
{
	return s->col;
}

static const char *const state_names[] = {
	[COLLECTOR_PROG_ATTACHED] = "attached",
	[COLLECTOR_PROG_UNAVAILABLE] = "unavailable",
	[COLLECTOR_PROG_FAILED] = "failed",
	[COLLECTOR_PROG_ON_DEMAND] = "on_demand",
};

const struct stats_prog *sampler_programs(struct sampler *s, size_t *n)
{
	const struct collector_prog_status *a, *b;
	size_t na, nb;

	a = collector_programs(s->col, &na);
	b = scx_source_programs(s->scx, &nb);
	if (!s->progs) {
		s->progs = xcalloc(MAX(na + nb, (size_t)1), sizeof(*s->progs));
		s->prog_err = xcalloc(MAX(na + nb, (size_t)1), sizeof(*s->prog_err));
	}
	for (size_t i = 0; i < na + nb; i++) {
		const struct collector_prog_status *p = i < na ? &a[i] : &b[i - na];
		struct stats_prog *o = &s->progs[i];

		o->name = p->name;
		o->attach = p->attach;
		o->required = p->required;
		o->state = state_names[p->state];
		o->error = NULL;
		if (p->state == COLLECTOR_PROG_FAILED) {
			bpfutil_strerror(p->err, s->prog_err[i], sizeof(s->prog_err[i]));
			o->error = s->prog_err[i];
		}
	}
	s->nr_progs = na + nb;
	*n = s->nr_progs;
	return s->progs;
}
