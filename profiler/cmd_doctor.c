// SPDX-License-Identifier: GPL-2.0
/*
 * scxprof doctor: before a 30-minute recording, tell the operator what this host
 * can record and why not. Every check runs the real thing where it can (load and
 * attach a BPF program, run perf) rather than guessing from versions.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "bpf/doctor.h"
#include "bpf/doctor.skel.h"
#include "common/bpfutil.h"
#include "common/child.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "profiler/commands.h"
#include "profiler/perf.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal "operation not supported", seen from bpf() */
#endif

enum check_status {
	CHECK_OK,
	CHECK_MISSING,
	CHECK_REFUSED,
	CHECK_UNKNOWN,
};

static const char *const status_names[] = {"ok", "missing", "refused", "unknown"};

struct check {
	const char *name;
	enum check_status status;
	char reason[512];
	char remedy[256];
};

enum {
	CHK_KERNEL,
	CHK_PRIVILEGES,
	CHK_BTF,
	CHK_TP_BTF,
	CHK_FENTRY,
	CHK_TASK_ITER,
	CHK_SCHED_EVENTS,
	CHK_PERF,
	CHK_PERF_CGROUP,
	CHK_PERF_MEM,
	CHK_SCHED_EXT,
	CHK_CGROUP2,
	NR_CHECKS,
};

static const char *const check_names[NR_CHECKS] = {
	[CHK_KERNEL] = "kernel",
	[CHK_PRIVILEGES] = "privileges",
	[CHK_BTF] = "btf",
	[CHK_TP_BTF] = "bpf-tp-btf",
	[CHK_FENTRY] = "bpf-fentry",
	[CHK_TASK_ITER] = "bpf-task-iter",
	[CHK_SCHED_EVENTS] = "sched-events",
	[CHK_PERF] = "perf",
	[CHK_PERF_CGROUP] = "perf-script-cgroup",
	[CHK_PERF_MEM] = "perf-mem",
	[CHK_SCHED_EXT] = "sched-ext",
	[CHK_CGROUP2] = "cgroup-v2",
};

struct doctor_opts {
	bool json;
	int verbose;
};

struct doctor_ctx {
	struct doctor_opts opts;
	struct check checks[NR_CHECKS];
	struct perf_info perf;
	int perf_err;
	int nr_sched_events;
};

static void set(struct doctor_ctx *d, int id, enum check_status st, const char *remedy,
		const char *fmt, ...) __printf(5, 6);

static void set(struct doctor_ctx *d, int id, enum check_status st, const char *remedy,
		const char *fmt, ...)
{
	struct check *c = &d->checks[id];
	va_list ap;

	c->name = check_names[id];
	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	snprintf(c->remedy, sizeof(c->remedy), "%s", remedy ? remedy : "");
}

static void check_kernel(struct doctor_ctx *d)
{
	struct utsname u;
	char lockdown[128] = "";
	FILE *fp;

	if (uname(&u)) {
		set(d, CHK_KERNEL, CHECK_UNKNOWN, NULL, "uname failed: %s", strerror(errno));
		return;
	}
	fp = fopen("/sys/kernel/security/lockdown", "r");
	if (fp) {
		char line[128], *b, *e;

		if (fgets(line, sizeof(line), fp) && (b = strchr(line, '[')) && (e = strchr(b, ']'))) {
			*e = '\0';
			snprintf(lockdown, sizeof(lockdown), ", lockdown=%s", b + 1);
		}
		fclose(fp);
	}
	set(d, CHK_KERNEL, CHECK_OK, NULL, "%s %s %s%s", u.sysname, u.release, u.machine,
	    lockdown);
}

static void check_privileges(struct doctor_ctx *d)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};
	bool bpf, perfmon;

	if (geteuid() == 0) {
		set(d, CHK_PRIVILEGES, CHECK_OK, NULL, "running as root");
		return;
	}
	if (syscall(SYS_capget, &hdr, data)) {
		set(d, CHK_PRIVILEGES, CHECK_UNKNOWN, "run as root",
		    "not root and capget failed: %s", strerror(errno));
		return;
	}
	bpf = data[CAP_BPF / 32].effective & (1u << (CAP_BPF % 32));
	perfmon = data[CAP_PERFMON / 32].effective & (1u << (CAP_PERFMON % 32));
	if (bpf && perfmon)
		set(d, CHK_PRIVILEGES, CHECK_OK, NULL, "not root, but CAP_BPF and CAP_PERFMON");
	else
		set(d, CHK_PRIVILEGES, CHECK_MISSING, "run as root (sudo), or grant CAP_BPF+CAP_PERFMON",
		    "not root; missing%s%s", bpf ? "" : " CAP_BPF", perfmon ? "" : " CAP_PERFMON");
}

static void check_btf(struct doctor_ctx *d)
{
	struct stat st;

	if (stat("/sys/kernel/btf/vmlinux", &st))
		set(d, CHK_BTF, CHECK_MISSING, "use a kernel built with CONFIG_DEBUG_INFO_BTF=y",
		    "/sys/kernel/btf/vmlinux: %s", strerror(errno));
	else
		set(d, CHK_BTF, CHECK_OK, NULL, "/sys/kernel/btf/vmlinux (%.1f MiB)",
		    (double)st.st_size / (1 << 20));
}

/* Status for a failed bpf() load/attach, from its errno. */
static enum check_status bpf_err_status(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
	case ENOTSUPP:
	case EOPNOTSUPP:
		return CHECK_REFUSED;
	case ENOENT:
	case ESRCH:
	case EINVAL:
		return CHECK_MISSING;
	default:
		return CHECK_UNKNOWN;
	}
}

static const char *errno_name(int err)
{
	switch (-err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOTSUPP: return "ENOTSUPP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	default: return "errno";
	}
}

/*
 * Open the doctor object and load only the program named prog, so a failure is
 * attributed to exactly one feature. On failure the check is set (what failed,
 * errno, remedy) and NULL returned.
 */
static struct doctor_bpf *load_only(struct doctor_ctx *d, int id, const char *prog,
				    const char *what, const char *remedy)
{
	struct doctor_bpf *skel = doctor_bpf__open();
	struct bpf_program *p;
	char eb[128];
	int err;

	if (!skel) {
		err = err_errno();
		set(d, id, CHECK_UNKNOWN, remedy, "cannot open BPF object: %s", err_str(err));
		return NULL;
	}
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	err = doctor_bpf__load(skel);
	if (err) {
		set(d, id, bpf_err_status(err), remedy, "%s failed to load: %s (%s)", what,
		    bpfutil_strerror(err, eb, sizeof(eb)), errno_name(err));
		doctor_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Attach failed: record why. */
static void set_attach_failed(struct doctor_ctx *d, int id, const char *what, const char *remedy,
			      const char *consequence)
{
	int err = err_errno();
	char eb[128];

	set(d, id, bpf_err_status(err), remedy, "%s loads, but attach failed: %s (%s)%s", what,
	    bpfutil_strerror(err, eb, sizeof(eb)), errno_name(err), consequence);
}

static void check_tp_btf(struct doctor_ctx *d)
{
	const char *remedy = "run as root on a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y)";
	const char *what = "tp_btf/sched_switch";
	struct doctor_bpf *skel = load_only(d, CHK_TP_BTF, "doctor_switch", what, remedy);
	struct bpf_link *link;

	if (!skel)
		return;
	link = bpf_program__attach(skel->progs.doctor_switch);
	if (!link) {
		set_attach_failed(d, CHK_TP_BTF, what, remedy, "");
		goto out;
	}
	/* Force a few context switches on this CPU. */
	for (int i = 0; i < 20 && !skel->bss->counts.switches; i++)
		usleep(1000);
	if (skel->bss->counts.switches)
		set(d, CHK_TP_BTF, CHECK_OK, NULL, "%s loaded and attached; saw %llu context switches",
		    what, (unsigned long long)skel->bss->counts.switches);
	else
		set(d, CHK_TP_BTF, CHECK_UNKNOWN, NULL,
		    "%s attached but saw no context switch in 20 ms", what);
	bpf_link__destroy(link);
out:
	doctor_bpf__destroy(skel);
}

static void check_fentry(struct doctor_ctx *d)
{
	const char *remedy = "scxprof record --hints-mode auto falls back to poll mode";
	const char *what = "fentry/bpf_map_update_value";
	struct doctor_bpf *skel = load_only(d, CHK_FENTRY, "doctor_map_update", what, remedy);
	struct bpf_link *link;

	if (!skel) {
		/* load_only's reason; add what it means for the recorder */
		strncat(d->checks[CHK_FENTRY].reason, "; hint trace mode unavailable",
			sizeof(d->checks[CHK_FENTRY].reason) - strlen(d->checks[CHK_FENTRY].reason) - 1);
		return;
	}
	link = bpf_program__attach(skel->progs.doctor_map_update);
	if (!link) {
		set_attach_failed(d, CHK_FENTRY, what, remedy, "; hint trace mode unavailable");
		goto out;
	}
	set(d, CHK_FENTRY, CHECK_OK, NULL, "%s loads and attaches; hint trace mode available", what);
	bpf_link__destroy(link);
out:
	doctor_bpf__destroy(skel);
}

static void check_task_iter(struct doctor_ctx *d)
{
	const char *remedy = "needs root and a kernel with BPF task storage and iterators (5.11+)";
	const char *what = "iter/task with a task-storage map";
	struct doctor_bpf *skel = load_only(d, CHK_TASK_ITER, "doctor_iter", what, remedy);
	struct bpf_link *link = NULL;
	__u64 magic = DOCTOR_STORAGE_MAGIC;
	int err, pidfd = -1, iter_fd = -1;
	char buf[64];

	if (!skel)
		return;
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0 || bpf_map_update_elem(bpf_map__fd(skel->maps.doctor_storage), &pidfd,
					     &magic, BPF_ANY)) {
		err = err_errno();
		set(d, CHK_TASK_ITER, bpf_err_status(err), remedy,
		    "cannot store a value in a task-storage map through a pidfd: %s",
		    err_str(err));
		goto out;
	}
	link = bpf_program__attach_iter(skel->progs.doctor_iter, NULL);
	if (!link) {
		set_attach_failed(d, CHK_TASK_ITER, what, remedy, "");
		goto out;
	}
	iter_fd = bpf_iter_create(bpf_link__fd(link));
	if (iter_fd < 0) {
		err = err_errno();
		set(d, CHK_TASK_ITER, bpf_err_status(err), remedy, "bpf_iter_create failed: %s",
		    err_str(err));
		goto out;
	}
	while (read(iter_fd, buf, sizeof(buf)) > 0)
		;
	if (skel->bss->counts.iter_hits && skel->bss->counts.iter_value == DOCTOR_STORAGE_MAGIC)
		set(d, CHK_TASK_ITER, CHECK_OK, NULL,
		    "iter/task visited %llu tasks and read back this process's task-storage "
		    "value; hint poll mode available",
		    (unsigned long long)skel->bss->counts.iter_tasks);
	else
		set(d, CHK_TASK_ITER, CHECK_UNKNOWN, remedy,
		    "iter/task ran over %llu tasks but did not find the stored value",
		    (unsigned long long)skel->bss->counts.iter_tasks);
out:
	if (iter_fd >= 0)
		close(iter_fd);
	if (pidfd >= 0)
		close(pidfd);
	bpf_link__destroy(link);
	doctor_bpf__destroy(skel);
}

static void check_sched_events(struct doctor_ctx *d)
{
	bool present[PERF_NR_SCHED_EVENTS];
	struct strbuf missing = STRBUF_INIT;
	int err = perf_sched_events_probe(present);

	if (err) {
		set(d, CHK_SCHED_EVENTS, CHECK_UNKNOWN, NULL,
		    "cannot read vmlinux BTF to list tracepoints: %s", err_str(err));
		return;
	}
	for (int i = 0; i < PERF_NR_SCHED_EVENTS; i++) {
		if (present[i])
			d->nr_sched_events++;
		else
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", perf_sched_events[i]);
	}
	if (!missing.len)
		set(d, CHK_SCHED_EVENTS, CHECK_OK, NULL,
		    "all %d sched/irq/nmi tracepoints of the sched trace exist",
		    PERF_NR_SCHED_EVENTS);
	else if (present[0])
		set(d, CHK_SCHED_EVENTS, CHECK_OK, NULL,
		    "%d of %d tracepoints exist; record leaves out: %s", d->nr_sched_events,
		    PERF_NR_SCHED_EVENTS, missing.buf);
	else
		set(d, CHK_SCHED_EVENTS, CHECK_MISSING, "record with --disable-sched-trace",
		    "sched:sched_switch is missing; absent: %s", missing.buf);
	strbuf_release(&missing);
}

static void check_perf(struct doctor_ctx *d)
{
	struct perf_info *pi = &d->perf;

	d->perf_err = perf_probe(pi);
	if (d->perf_err == -ENOENT) {
		set(d, CHK_PERF, CHECK_MISSING,
		    "install linux-perf (apt install linux-perf) or set SCXPROF_PERF",
		    "'%s' not found", pi->binary);
		set(d, CHK_PERF_CGROUP, CHECK_UNKNOWN, NULL, "perf not available");
		return;
	}
	if (d->perf_err) {
		set(d, CHK_PERF, CHECK_UNKNOWN, "check that SCXPROF_PERF points to a working perf",
		    "'%s version' failed: %s", pi->binary,
		    d->perf_err == -EPROTO ? "non-zero exit" : err_str(d->perf_err));
		set(d, CHK_PERF_CGROUP, CHECK_UNKNOWN, NULL, "perf not available");
		return;
	}
	set(d, CHK_PERF, CHECK_OK, NULL, "%s: %s", pi->path, pi->version_line);
	if (pi->has_cgroup_field)
		set(d, CHK_PERF_CGROUP, CHECK_OK, NULL,
		    "perf script prints the cgroup field (%s)",
		    pi->cgroup_probed ? "probed" : "perf >= 6.3");
	else
		set(d, CHK_PERF_CGROUP, CHECK_MISSING,
		    "nothing to do: process takes cgroups from the bundle's cgroups.jsonl",
		    "perf %s has no `cgroup` script field (added in 6.3)",
		    pi->version[0] ? pi->version : "(unknown version)");
}

static void check_perf_mem(struct doctor_ctx *d)
{
	static const char *const pmus[][2] = {
		{"/sys/bus/event_source/devices/cpu/events/mem-loads", "Intel PEBS mem-loads"},
		{"/sys/bus/event_source/devices/cpu_core/events/mem-loads", "Intel hybrid PEBS"},
		{"/sys/bus/event_source/devices/ibs_op", "AMD IBS"},
		{"/sys/bus/event_source/devices/arm_spe_0", "Arm SPE"},
	};
	const char *remedy = "record with --mem-event page-faults (software event, no PMU needed)";
	const char *pmu = NULL;
	char why[256] = "";
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(pmus) && !pmu; i++)
		if (fs_exists(pmus[i][0]))
			pmu = pmus[i][1];
	if (d->perf_err) {
		set(d, CHK_PERF_MEM, pmu ? CHECK_UNKNOWN : CHECK_MISSING, remedy,
		    "perf not available; memory-sampling PMU: %s", pmu ? pmu : "none found");
		return;
	}
	r = perf_mem_probe(d->perf.binary, why, sizeof(why));
	if (r < 0)
		set(d, CHK_PERF_MEM, CHECK_UNKNOWN, remedy, "'perf mem record -e list' failed: %s",
		    err_str(r));
	else if (r > 0)
		set(d, CHK_PERF_MEM, CHECK_OK, NULL, "perf mem events available (%s)",
		    pmu ? pmu : "PMU");
	else
		set(d, CHK_PERF_MEM, CHECK_MISSING, remedy,
		    "no memory-sampling PMU (PEBS/IBS/SPE): perf says \"%s\"", why);
}

static int read_line(const char *path, char *buf, size_t n)
{
	FILE *fp = fopen(path, "r");

	if (!fp)
		return err_errno();
	if (!fgets(buf, (int)n, fp))
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void check_sched_ext(struct doctor_ctx *d)
{
	char state[64], ops[128];

	if (read_line("/sys/kernel/sched_ext/state", state, sizeof(state))) {
		set(d, CHK_SCHED_EXT, CHECK_MISSING,
		    "use a kernel with CONFIG_SCHED_CLASS_EXT=y (6.12+) to run scx_mitosis",
		    "no /sys/kernel/sched_ext: this kernel has no sched_ext");
		return;
	}
	if (!read_line("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops)) && ops[0])
		set(d, CHK_SCHED_EXT, CHECK_OK, NULL, "sched_ext %s, running scheduler: %s", state,
		    ops);
	else
		set(d, CHK_SCHED_EXT, CHECK_OK, NULL, "sched_ext %s, no scheduler loaded", state);
}

static void check_cgroup2(struct doctor_ctx *d)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf)) {
		set(d, CHK_CGROUP2, CHECK_UNKNOWN, NULL, "statfs /sys/fs/cgroup: %s",
		    strerror(errno));
		return;
	}
	if (sf.f_type == CGROUP2_SUPER_MAGIC) {
		set(d, CHK_CGROUP2, CHECK_OK, NULL, "unified hierarchy at /sys/fs/cgroup");
		return;
	}
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		set(d, CHK_CGROUP2, CHECK_MISSING,
		    "boot with systemd.unified_cgroup_hierarchy=1 for scx_mitosis cells",
		    "hybrid hierarchy: cgroup2 at /sys/fs/cgroup/unified, controllers on v1; "
		    "cgroup paths are recorded, but scx_mitosis matches the unified hierarchy");
	else
		set(d, CHK_CGROUP2, CHECK_MISSING,
		    "boot with systemd.unified_cgroup_hierarchy=1",
		    "cgroup v1 only: no cgroup2 file system mounted");
}

/* What `scxprof record` will do on this host, derived from the checks. */
struct verdict {
	const char *mem, *mem_detail;
	const char *hints, *hints_detail;
	bool sched;
	const char *cgroup_source;
};

static void verdict(const struct doctor_ctx *d, struct verdict *v)
{
	const struct check *c = d->checks;
	bool bpf = c[CHK_PRIVILEGES].status == CHECK_OK;

	if (c[CHK_PERF].status != CHECK_OK) {
		v->mem = "none";
		v->mem_detail = "perf is not available";
	} else if (c[CHK_PERF_MEM].status == CHECK_OK) {
		v->mem = "perf-mem";
		v->mem_detail = "perf mem record (hardware memory sampling)";
	} else {
		v->mem = "mem-event";
		v->mem_detail = "only with --mem-event page-faults (no memory-sampling PMU)";
	}
	if (bpf && c[CHK_FENTRY].status == CHECK_OK) {
		v->hints = "trace";
		v->hints_detail = "trace mode (fentry on bpf_map_update_value)";
	} else if (bpf && c[CHK_TASK_ITER].status == CHECK_OK) {
		v->hints = "poll";
		v->hints_detail = "poll mode (iter/task; fentry unavailable)";
	} else {
		v->hints = "none";
		v->hints_detail = "not possible (no fentry, no task iterator)";
	}
	v->sched = c[CHK_PERF].status == CHECK_OK && c[CHK_SCHED_EVENTS].status == CHECK_OK;
	v->cgroup_source = c[CHK_PERF_CGROUP].status == CHECK_OK ? "perf" : "cgroups.jsonl";
}

static void print_table(const struct doctor_ctx *d)
{
	struct verdict v;
	int w = 0;

	for (int i = 0; i < NR_CHECKS; i++)
		w = MAX(w, (int)strlen(d->checks[i].name));
	printf("%-*s  %-8s %s\n", w, "CHECK", "STATUS", "DETAIL");
	for (int i = 0; i < NR_CHECKS; i++) {
		const struct check *c = &d->checks[i];

		printf("%-*s  %-8s %s\n", w, c->name, status_names[c->status], c->reason);
		if (c->status != CHECK_OK && c->remedy[0])
			printf("%-*s  %-8s -> %s\n", w, "", "", c->remedy);
	}
	verdict(d, &v);
	printf("\nWhat `scxprof record` can do on this host:\n");
	printf("  memory samples: %s\n", v.mem_detail);
	printf("  sched trace:    %s\n",
	       v.sched ? "yes" : "no (use --disable-sched-trace)");
	printf("  task hints:     %s\n", v.hints_detail);
	printf("  cgroup of a sample: %s\n",
	       strcmp(v.cgroup_source, "perf") ? "from cgroups.jsonl (perf script has no cgroup field)"
					       : "from perf script");
}

static void print_json(const struct doctor_ctx *d)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct verdict v;
	int counts[4] = {0};
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	verdict(d, &v);
	jw_init(&w, &sb, JSON_PRETTY);
	jw_obj_begin(&w);
	jw_kv_str(&w, "tool", "scxprof");
	jw_kv_str(&w, "version", scx_version());
	jw_kv_str(&w, "git_commit", scx_git_commit());
	jw_kv_str(&w, "hostname", host);
	jw_key(&w, "checks");
	jw_arr_begin(&w);
	for (int i = 0; i < NR_CHECKS; i++) {
		const struct check *c = &d->checks[i];

		counts[c->status]++;
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", c->name);
		jw_kv_str(&w, "status", status_names[c->status]);
		jw_kv_str(&w, "reason", c->reason);
		jw_kv_str(&w, "remedy", c->remedy);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "summary");
	jw_obj_begin(&w);
	for (int i = 0; i < 4; i++)
		jw_kv_u64(&w, status_names[i], (uint64_t)counts[i]);
	jw_obj_end(&w);
	jw_key(&w, "record");
	jw_obj_begin(&w);
	jw_kv_str(&w, "mem", v.mem);
	jw_kv_str(&w, "hints", v.hints);
	jw_kv_bool(&w, "sched_trace", v.sched);
	jw_kv_str(&w, "cgroup_source", v.cgroup_source);
	jw_obj_end(&w);
	jw_key(&w, "perf");
	jw_obj_begin(&w);
	jw_kv_str(&w, "binary", d->perf.path);
	jw_kv_str(&w, "version", d->perf.version);
	jw_kv_bool(&w, "cgroup_field", d->perf.has_cgroup_field);
	jw_obj_end(&w);
	jw_obj_end(&w);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

static int doctor_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct doctor_ctx d;
	int ret, argi;

	memset(&d, 0, sizeof(d));
	ret = cli_parse(cli, argc, argv, &d.opts, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	log_add_verbosity(d.opts.verbose);
	bpfutil_setup_logging();

	check_kernel(&d);
	check_privileges(&d);
	check_btf(&d);
	check_tp_btf(&d);
	check_fentry(&d);
	check_task_iter(&d);
	check_sched_events(&d);
	check_perf(&d);
	check_perf_mem(&d);
	check_sched_ext(&d);
	check_cgroup2(&d);

	if (d.opts.json)
		print_json(&d);
	else
		print_table(&d);
	return EXIT_OK;
}

static const struct cli_option doctor_options[] = {
	CLI_OPT(0, "json", CLI_FLAG, struct doctor_opts, json, NULL,
		"print JSON (schemas/doctor.schema.json) instead of a table"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct doctor_opts, verbose, NULL,
		"show libbpf messages (-vv: libbpf debug output)"),
	CLI_OPT_END,
};

const struct cli_command cmd_doctor = {
	.name = "doctor",
	.summary = "Check what this host can record, and why not",
	.usage = "[--json] [-v]",
	.description =
		"Runs each capability for real and reports ok / missing / refused / unknown\n"
		"with a one-line reason and a remedy: kernel and lockdown, root or\n"
		"CAP_BPF+CAP_PERFMON, BTF, a tp_btf/sched_switch program, an fentry program on\n"
		"bpf_map_update_value (hint trace mode), an iter/task program reading a\n"
		"task-storage map (hint poll mode), the sched trace tracepoints, the perf\n"
		"binary ($SCXPROF_PERF) and its version, whether `perf script` has the cgroup\n"
		"field, whether `perf mem` works (memory-sampling PMU), sched_ext and the\n"
		"running scheduler, and cgroup v2. Ends with what `scxprof record` will do\n"
		"here. Nothing is written to disk. Exits 0 whenever the probe ran.",
	.options = doctor_options,
	.examples = "sudo scxprof doctor\n"
		    "sudo scxprof doctor --json | jq '.checks[] | select(.status != \"ok\")'",
	.run = doctor_run,
	.flags = CLI_NO_ARGS,
};
