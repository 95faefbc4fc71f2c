// SPDX-License-Identifier: GPL-2.0
#include "top/live/scx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/scxtop_scx.skel.h"
#include "common/bpfutil.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

struct scx_source {
	char *root;
	struct stats_sched sched;
	char last_name[64];
	struct scxtop_scx_bpf *skel;
	struct bpf_link **links;
	struct bpf_link *iter_link;
	struct collector_prog_status *status;
	size_t nr_progs;
};

static int read_line(const char *root, const char *rel, char *buf, size_t n)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", root ? root : "", rel);
	return fs_read_line(path, buf, n);
}

/* sysfs part of the probe: state and scheduler name. false: no sched_ext. */
static bool read_state(const char *root, struct stats_sched *out)
{
	char state[64], ops[64];

	out->name[0] = '\0';
	if (read_line(root, "/sys/kernel/sched_ext/state", state, sizeof(state))) {
		out->state = STATS_SCHED_UNSUPPORTED;
		snprintf(out->reason, sizeof(out->reason),
			 "this kernel has no sched_ext (no /sys/kernel/sched_ext; needs "
			 "CONFIG_SCHED_CLASS_EXT, Linux 6.12+)");
		return false;
	}
	if (!strcmp(state, "enabled") &&
	    !read_line(root, "/sys/kernel/sched_ext/root/ops", ops, sizeof(ops)) && ops[0]) {
		out->state = STATS_SCHED_RUNNING;
		snprintf(out->name, sizeof(out->name), "%s", ops);
		out->reason[0] = '\0';
	} else {
		out->state = STATS_SCHED_NONE;
		snprintf(out->reason, sizeof(out->reason),
			 "no sched_ext scheduler is loaded (sched_ext state: %s)",
			 state[0] ? state : "unknown");
	}
	return true;
}

bool scx_probe(const char *root, const char *btf_path, struct stats_sched *out)
{
	struct btf *btf;
	bool has;

	memset(out, 0, sizeof(*out));
	if (!read_state(root, out))
		return false;
	btf = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf) {
		snprintf(out->reason, sizeof(out->reason),
			 "cannot read kernel BTF (%s): sched_ext statistics unavailable",
			 err_str(err_errno()));
		return false;
	}
	has = btf__find_by_name_kind(btf, "sched_ext_entity", BTF_KIND_STRUCT) >= 0;
	btf__free(btf);
	if (!has) {
		snprintf(out->reason, sizeof(out->reason),
			 "the kernel BTF has no sched_ext types (struct sched_ext_entity): "
			 "sched_ext statistics unavailable");
		return false;
	}
	return true;
}

/* Kernel function a kprobe program needs (from its section name), or NULL. */
static const char *kprobe_target(struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	return str_has_prefix(sec, "kprobe/") ? sec + strlen("kprobe/") : NULL;
}

static void unload(struct scx_source *s)
{
	for (size_t i = 0; s->links && i < s->nr_progs; i++)
		bpf_link__destroy(s->links[i]);
	free(s->links);
	s->links = NULL;
	s->iter_link = NULL;
	scxtop_scx_bpf__destroy(s->skel);
	s->skel = NULL;
}

static void load(struct scx_source *s)
{
	struct bpf_program *prog;
	struct btf *btf = btf__load_vmlinux_btf();
	size_t i = 0, inserts = 0;
	bool switch_ok = false, iter_ok = false;
	char eb[128];
	int err;

	s->skel = scxtop_scx_bpf__open();
	if (!s->skel || !btf) {
		err = err_errno();
		snprintf(s->sched.reason, sizeof(s->sched.reason),
			 "cannot open the sched_ext BPF object: %s", err_str(err));
		goto fail;
	}
	bpf_object__for_each_program(prog, s->skel->obj)
		s->nr_progs++;
	s->status = xcalloc(s->nr_progs, sizeof(*s->status));
	s->links = xcalloc(s->nr_progs, sizeof(*s->links));
	bpf_object__for_each_program(prog, s->skel->obj) {
		struct collector_prog_status *st = &s->status[i++];
		const char *fn = kprobe_target(prog);

		st->name = bpf_program__name(prog);
		st->attach = bpf_program__section_name(prog);
		st->required = !fn;
		st->state = COLLECTOR_PROG_ATTACHED;
		/* kfunc names changed across kernels: load only those this one has */
		if (fn && btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) < 0) {
			bpf_program__set_autoload(prog, false);
			st->state = COLLECTOR_PROG_UNAVAILABLE;
		}
	}
	err = scxtop_scx_bpf__load(s->skel);
	if (err) {
		snprintf(s->sched.reason, sizeof(s->sched.reason),
			 "the sched_ext BPF programs failed to load: %s",
			 bpfutil_strerror(err, eb, sizeof(eb)));
		for (i = 0; i < s->nr_progs; i++)
			if (s->status[i].state == COLLECTOR_PROG_ATTACHED) {
				s->status[i].state = COLLECTOR_PROG_FAILED;
				s->status[i].err = err;
			}
		goto fail;
	}
	i = 0;
	bpf_object__for_each_program(prog, s->skel->obj) {
		struct collector_prog_status *st = &s->status[i];

		if (st->state == COLLECTOR_PROG_ATTACHED) {
			bool iter = !strcmp(st->name, "dump_scx_tasks");

			s->links[i] = iter ? bpf_program__attach_iter(prog, NULL)
					   : bpf_program__attach(prog);
			if (!s->links[i]) {
				st->state = COLLECTOR_PROG_FAILED;
				st->err = err_errno();
				pr_debug("sched_ext program %s not attached: %s", st->attach,
					 bpfutil_strerror(st->err, eb, sizeof(eb)));
			} else if (iter) {
				s->iter_link = s->links[i];
				iter_ok = true;
			} else if (kprobe_target(prog)) {
				inserts++;
			} else {
				switch_ok = true;
			}
		}
		i++;
	}
	if (!switch_ok || !iter_ok || !inserts) {
		snprintf(s->sched.reason, sizeof(s->sched.reason),
			 "sched_ext programs could not attach (%s): DSQ statistics unavailable",
			 !inserts ? "no DSQ insert kfunc could be probed" : "sched_switch or iterator");
		goto fail_attached;
	}
	s->sched.collecting = true;
	btf__free(btf);
	return;
fail:
	btf__free(btf);
	unload(s);
	return;
fail_attached:
	btf__free(btf);
	unload(s);
}

struct scx_source *scx_source_open(const char *root)
{
	struct scx_source *s = xcalloc(1, sizeof(*s));

	s->root = xstrdup(root ? root : "");
	if (scx_probe(s->root, NULL, &s->sched))
		load(s);
	snprintf(s->last_name, sizeof(s->last_name), "%s", s->sched.name);
	return s;
}

void scx_source_close(struct scx_source *s)
{
	if (!s)
		return;
	unload(s);
	free(s->status);
	free(s->root);
	free(s);
}

/* A new scheduler: DSQ ids of the old one mean nothing any more. */
static void clear_dsqs(struct scx_source *s)
{
	int fd = bpf_map__fd(s->skel->maps.dsq_stats);
	__u64 key, next;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		key = next;
		if (bpf_map_delete_elem(fd, &key))
			break;
	}
}

static int read_dsqs(struct scx_source *s, struct stats_raw *r)
{
	int fd = bpf_map__fd(s->skel->maps.dsq_stats);
	__u64 key, next;
	const __u64 *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct scxtop_dsq_rec *d = stats_raw_add_dsq(r);

		key = next;
		prev = &key;
		d->dsq_id = key;
		if (bpf_map_lookup_elem(fd, &key, &d->st))
			r->nr_dsqs--;	/* deleted meanwhile */
	}
	return 0;
}

static void on_scx_task(void *ctx, const void *rec)
{
	memcpy(stats_raw_add_scx_task(ctx), rec, sizeof(struct scxtop_scx_task_rec));
}

static int read_tasks(struct scx_source *s, struct stats_raw *r)
{
	return bpfutil_iter_read(bpf_link__fd(s->iter_link), sizeof(struct scxtop_scx_task_rec),
				 on_scx_task, r);
}

int scx_source_read(struct scx_source *s, struct stats_raw *r)
{
	bool collecting = s->sched.collecting;
	char reason[sizeof(s->sched.reason)];
	int err = 0;

	r->nr_dsqs = r->nr_scx_tasks = 0;
	memcpy(reason, s->sched.reason, sizeof(reason));
	read_state(s->root, &s->sched);
	if (collecting) {
		if (strcmp(s->last_name, s->sched.name)) {
			clear_dsqs(s);
			snprintf(s->last_name, sizeof(s->last_name), "%s", s->sched.name);
		}
		err = read_dsqs(s, r);
		if (!err)
			err = read_tasks(s, r);
	} else if (s->sched.state != STATS_SCHED_UNSUPPORTED && reason[0] &&
		   !str_has_prefix(reason, "no sched_ext scheduler")) {
		/* keep the load failure visible rather than "no scheduler" */
		memcpy(s->sched.reason, reason, sizeof(reason));
	}
	s->sched.collecting = collecting;
	r->sched = s->sched;
	return err;
}

uint32_t scx_source_epoch_advance(struct scx_source *s)
{
	if (!s->skel)
		return 0;
	return __atomic_fetch_add(&s->skel->bss->epoch, 1, __ATOMIC_ACQ_REL);
}

const struct collector_prog_status *scx_source_programs(const struct scx_source *s, size_t *n)
{
	*n = s->nr_progs;
	return s->status;
}
