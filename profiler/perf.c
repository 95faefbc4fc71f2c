// SPDX-License-Identifier: GPL-2.0
#include "profiler/perf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bpfutil.h"
#include "common/child.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/util.h"

#define PERF_PROBE_TIMEOUT_MS 10000

const char *const perf_sched_events[] = {
	"sched:sched_switch",		   "sched:sched_wakeup",
	"sched:sched_wakeup_new",	   "sched:sched_waking",
	"sched:sched_stat_runtime",	   "irq:irq_handler_entry",
	"irq:irq_handler_exit",		   "irq:softirq_entry",
	"irq:softirq_exit",		   "irq:softirq_raise",
	"irq_vectors:local_timer_entry",   "irq_vectors:local_timer_exit",
	"irq_vectors:reschedule_entry",	   "irq_vectors:reschedule_exit",
	"nmi:nmi_handler",
};

const char *perf_binary(void)
{
	const char *p = getenv("SCXPROF_PERF");

	if (p && *p)
		return p;
	p = getenv("SCX_CHARACTERIZE_PERF");
	if (p && *p)
		return p;
	return "perf";
}

int perf_version_parse(const char *line, int *major, int *minor)
{
	const char *p = strstr(line, "version ");

	if (!p || sscanf(p + 8, "%d.%d", major, minor) != 2)
		return -EINVAL;
	return 0;
}

/* Where execvp would find name. */
static void resolve_path(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");

	snprintf(out, n, "%s", name);
	if (strchr(name, '/') || !path)
		return;
	while (*path) {
		size_t len = strcspn(path, ":");
		char *cand = xasprintf("%.*s/%s", (int)len, len ? path : ".", name);
		bool ok = access(cand, X_OK) == 0;

		if (ok)
			snprintf(out, n, "%s", cand);
		free(cand);
		if (ok)
			return;
		path += len + (path[len] == ':');
	}
}

static bool version_at_least(const struct perf_info *pi, int major, int minor)
{
	return pi->major > major || (pi->major == major && pi->minor >= minor);
}

int perf_probe(struct perf_info *pi)
{
	struct strbuf out = STRBUF_INIT;
	char tmpdir[] = "/tmp/scxprof-perf-probe.XXXXXX";
	struct child c;
	int err;

	memset(pi, 0, sizeof(*pi));
	pi->major = pi->minor = -1;
	snprintf(pi->binary, sizeof(pi->binary), "%s", perf_binary());
	resolve_path(pi->binary, pi->path, sizeof(pi->path));

	const char *const ver_argv[] = {pi->binary, "version", NULL};
	err = child_capture(&c, ver_argv, NULL, &out, PERF_PROBE_TIMEOUT_MS);
	if (err)
		goto out;
	if (!child_success(&c)) {
		err = -EPROTO;
		goto out;
	}
	strbuf_rtrim(&out);
	snprintf(pi->version_line, sizeof(pi->version_line), "%s", out.buf);
	if (perf_version_parse(out.buf, &pi->major, &pi->minor) == 0) {
		const char *v = strstr(out.buf, "version ") + 8;
		snprintf(pi->version, sizeof(pi->version), "%.*s", (int)strcspn(v, " \n"), v);
	}
	child_release(&c);

	/* Ask perf itself: an unknown -F field fails before the input is opened. */
	pi->has_cgroup_field = version_at_least(pi, PERF_CGROUP_FIELD_MAJOR, PERF_CGROUP_FIELD_MINOR);
	if (mkdtemp(tmpdir)) {
		char *input = xasprintf("%s/absent.data", tmpdir);
		const char *const argv[] = {pi->binary, "script", "-F", "comm,cgroup", "-i", input,
					    NULL};

		if (child_capture(&c, argv, tmpdir, NULL, PERF_PROBE_TIMEOUT_MS) == 0) {
			pi->has_cgroup_field = !strstr(c.err.buf, "Invalid field requested");
			pi->cgroup_probed = true;
		}
		free(input);
		fs_rmtree(tmpdir);
	}
out:
	child_release(&c);
	strbuf_release(&out);
	return err;
}

int perf_mem_probe(const char *binary, char *why, size_t n)
{
	const char *const argv[] = {binary, "mem", "record", "-e", "list", NULL};
	struct strbuf out = STRBUF_INIT;
	char tmpdir[] = "/tmp/scxprof-perf-mem.XXXXXX";
	struct child c;
	int err;

	if (!mkdtemp(tmpdir))
		return err_errno();
	err = child_capture(&c, argv, tmpdir, &out, PERF_PROBE_TIMEOUT_MS);
	if (!err) {
		strbuf_addstr(&out, c.err.buf);
		if (child_success(&c) && strstr(out.buf, "available") &&
		    !strstr(out.buf, "not supported")) {
			err = 1;
		} else {
			strbuf_rtrim(&out);
			snprintf(why, n, "%.*s", (int)strcspn(out.buf, "\n"),
				 out.len ? out.buf : "nothing");
		}
	}
	child_release(&c);
	strbuf_release(&out);
	fs_rmtree(tmpdir);
	return err;
}

int perf_sched_events_probe(bool present[PERF_NR_SCHED_EVENTS])
{
	const char *names[PERF_NR_SCHED_EVENTS];

	for (size_t i = 0; i < PERF_NR_SCHED_EVENTS; i++)
		names[i] = strchr(perf_sched_events[i], ':') + 1;
	return bpfutil_probe_tracepoints(names, PERF_NR_SCHED_EVENTS, present);
}
