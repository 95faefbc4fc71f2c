// SPDX-License-Identifier: GPL-2.0
/*
 * Live resources and tools of the MCP server.
 *
 * From the kernel's files (no BPF needed): scheduler://current (sched_ext
 * state and ops), topology://info (sysfs), stats://system/{cpu,memory,network}
 * (procfs; CPU utilization between two reads), stats://scheduler/raw (the
 * running scheduler's scx_stats socket), stats://scheduler/scx (debugfs).
 *
 * From the BPF collector of top/live (root or CAP_BPF + CAP_PERFMON, a kernel
 * with BTF), opened on first use or with control_stats_collection:
 * stats://aggregated/{cpu,llc,node,process,thread} — the shared-stats model:
 * per CPU, per thread, per process (threads summed by tgid), per LLC and node
 * (CPUs summed by topology), with switch/wakeup/migration counts and wakeup
 * latency min/avg/max/samples (+ histogram p50/p99). analyze_waker_wakee and
 * analyze_softirq stream events for a bounded time. stats://aggregated/dsq
 * needs sched_ext DSQ probes the collector does not have yet: it says so.
 * bpf://programs lists the loaded BPF programs (bpf syscalls).
 * Without the collector each of these returns a clear error; the trace tools
 * keep working.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/err.h"
#include "common/json_writer.h"
#include "common/util.h"
#include "top/analyze/trace_model.h"
#include "top/live/collector.h"
#include "top/live/procstat.h"
#include "top/live/sampler.h"
#include "top/live/stats.h"
#include "top/live/topology.h"
#include "top/mcp/mcp_server.h"

#define SCX_STATS_SOCKET "/var/run/scx/root/stats"
#define MAX_STREAM_MS 10000
#define MAX_PAIRS 4096

struct wpair {
	int32_t waker, wakee;
	char waker_comm[16], wakee_comm[16];
	uint64_t n, lat_sum, lat_max;
};

struct live {
	struct sampler *smp;	/* collector + topology + sched_ext source (top/live) */
	struct stats_raw base;	/* the reading taken when collection started */
	struct stats_raw raw;	/* the latest reading */
	struct stats_snapshot snap;	/* base → raw */
	int err;
	char why[256];
	uint64_t opened_ns;
	struct procstat_cpu sys_cpu;	/* stats://system/cpu: the previous reading */
	bool have_sys_cpu;
	/* streaming captures */
	bool capture_wake, capture_softirq;
	struct wpair *pairs;
	size_t nr_pairs;
	uint64_t pairs_dropped;
	struct {
		int32_t pid;
		uint64_t ts;
		int32_t waker;
		char waker_comm[16];
	} pending[8192];	/* wakee → waking (hashed by pid) */
	uint64_t softirq_n[10], softirq_ns[10];
	uint64_t *softirq_cpu_ns;
	uint64_t *softirq_entry;
	unsigned nr_cpus;
	uint64_t events;
};

static void live_stop(struct live *l)
{
	sampler_close(l->smp);
	l->smp = NULL;
	stats_snapshot_release(&l->snap);
	stats_raw_release(&l->base);
	stats_raw_release(&l->raw);
	free(l->softirq_cpu_ns);
	free(l->softirq_entry);
	l->softirq_cpu_ns = l->softirq_entry = NULL;
}

void mcp_live_release(struct mcp_server *s)
{
	struct live *l = s->live;

	if (!l)
		return;
	live_stop(l);
	free(l->pairs);
	free(l);
	s->live = NULL;
}

static struct live *live_get(struct mcp_server *s)
{
	if (!s->live)
		s->live = xcalloc(1, sizeof(*s->live));
	return s->live;
}

static struct wpair *pair_get(struct live *l, int32_t waker, int32_t wakee)
{
	for (size_t i = 0; i < l->nr_pairs; i++)
		if (l->pairs[i].waker == waker && l->pairs[i].wakee == wakee)
			return &l->pairs[i];
	if (l->nr_pairs == MAX_PAIRS) {
		l->pairs_dropped++;
		return NULL;
	}
	l->pairs = xrealloc(l->pairs, (l->nr_pairs + 1) * sizeof(*l->pairs));
	memset(&l->pairs[l->nr_pairs], 0, sizeof(*l->pairs));
	l->pairs[l->nr_pairs].waker = waker;
	l->pairs[l->nr_pairs].wakee = wakee;
	return &l->pairs[l->nr_pairs++];
}

static int on_event(void *ctx, const struct scxtop_event *ev, size_t size)
{
	struct live *l = ctx;

	(void)size;
	l->events++;
	switch (ev->hdr.type) {
	case SCXTOP_EV_WAKING:
	case SCXTOP_EV_WAKEUP_NEW:
		if (l->capture_wake) {
			unsigned h = (unsigned)ev->wake.pid % ARRAY_SIZE(l->pending);

			l->pending[h].pid = ev->wake.pid;
			l->pending[h].ts = ev->hdr.ts;
			l->pending[h].waker = ev->hdr.pid;
			memset(l->pending[h].waker_comm, 0, 16);
		}
		break;
	case SCXTOP_EV_SWITCH:
		if (l->capture_wake) {
			unsigned h = (unsigned)ev->sw.next_pid % ARRAY_SIZE(l->pending);

			if (ev->sw.next_pid && l->pending[h].pid == ev->sw.next_pid && l->pending[h].ts) {
				struct wpair *p = pair_get(l, l->pending[h].waker, ev->sw.next_pid);
				uint64_t lat = ev->hdr.ts - l->pending[h].ts;

				if (p) {
					p->n++;
					p->lat_sum += lat;
					p->lat_max = MAX(p->lat_max, lat);
					memcpy(p->wakee_comm, ev->sw.next_comm, 15);
				}
				l->pending[h].ts = 0;
			}
			/* remember the waker's comm as it runs */
			for (size_t i = 0; i < l->nr_pairs; i++)
				if (l->pairs[i].waker == ev->sw.next_pid && !l->pairs[i].waker_comm[0])
					memcpy(l->pairs[i].waker_comm, ev->sw.next_comm, 15);
		}
		break;
	case SCXTOP_EV_SOFTIRQ_ENTRY:
		if (l->capture_softirq && ev->hdr.cpu < l->nr_cpus)
			l->softirq_entry[ev->hdr.cpu] = ev->hdr.ts;
		break;
	case SCXTOP_EV_SOFTIRQ_EXIT:
		if (l->capture_softirq && ev->hdr.cpu < l->nr_cpus && ev->softirq.vec < 10 &&
		    l->softirq_entry[ev->hdr.cpu] && ev->hdr.ts >= l->softirq_entry[ev->hdr.cpu]) {
			uint64_t d = ev->hdr.ts - l->softirq_entry[ev->hdr.cpu];

			l->softirq_n[ev->softirq.vec]++;
			l->softirq_ns[ev->softirq.vec] += d;
			l->softirq_cpu_ns[ev->hdr.cpu] += d;
			l->softirq_entry[ev->hdr.cpu] = 0;
		}
		break;
	}
	return 0;
}

/* The live sampler, opened on first use; a clear reason when it cannot be. */
static struct sampler *live_sampler(struct mcp_server *s, char *err, size_t len)
{
	struct live *l = live_get(s);
	struct sampler_opts o = {.on_event = on_event, .ctx = l};

	if (l->smp)
		return l->smp;
	if (s->sandbox) {
		snprintf(err, len, "live statistics are disabled (sandbox)");
		return NULL;
	}
	l->why[0] = '\0';
	l->err = sampler_open(&l->smp, &o, l->why, sizeof(l->why));
	if (l->err) {
		l->smp = NULL;
		snprintf(err, len, "live statistics are unavailable: %s (%s); they need root (or "
				   "CAP_BPF + CAP_PERFMON) and a kernel with BTF. The trace tools work without.",
			 l->why[0] ? l->why : "BPF collector failed", err_str(l->err));
		return NULL;
	}
	l->opened_ns = now_boot_ns();
	l->nr_cpus = collector_nr_cpus(sampler_collector(l->smp));
	stats_raw_init(&l->base, 0);
	stats_raw_init(&l->raw, 0);
	stats_snapshot_init(&l->snap);
	/* The baseline: /proc/stat shares and BPF counters both count from here. */
	l->err = sampler_read(l->smp, &l->base, true, true);
	if (l->err) {
		snprintf(err, len, "live statistics are unavailable: first reading failed: %s",
			 err_str(l->err));
		live_stop(l);
		return NULL;
	}
	/* a first read right after opening would show a few microseconds: collect a little */
	usleep(250000);
	l->softirq_cpu_ns = xcalloc(l->nr_cpus + 1, sizeof(uint64_t));
	l->softirq_entry = xcalloc(l->nr_cpus + 1, sizeof(uint64_t));
	return l->smp;
}

static struct collector *live_collector(struct mcp_server *s, char *err, size_t len)
{
	struct sampler *smp = live_sampler(s, err, len);

	return smp ? sampler_collector(smp) : NULL;
}

/* Read the counters and build the statistics since collection started. */
static const struct stats_snapshot *live_snapshot(struct mcp_server *s, bool tasks, char *err,
						  size_t len)
{
	struct sampler *smp = live_sampler(s, err, len);
	struct live *l = s->live;
	int rc;

	if (!smp)
		return NULL;
	rc = sampler_read(smp, &l->raw, tasks, true);
	if (rc) {
		snprintf(err, len, "reading the live statistics: %s", err_str(rc));
		return NULL;
	}
	stats_snapshot_build(&l->snap, sampler_topology(smp), &l->base, &l->raw);
	return &l->snap;
}

/* ------------------------------------------------------------- helpers -- */

static int read_file(const char *path, struct strbuf *sb)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return err_errno();
	while ((n = read(fd, buf, sizeof(buf))) > 0 && sb->len < (4u << 20))
		strbuf_add(sb, buf, (size_t)n);
	if (n < 0)
		err = err_errno();
	close(fd);
	return err;
}

static void path_of(char *out, size_t len, const char *root, const char *rel)
{
	snprintf(out, len, "%s/%s", root, rel);
}

/* ------------------------------------------------------ resources: files -- */

static int r_scheduler(struct mcp_server *s, const char *uri, struct strbuf *text, char *err, size_t len)
{
	char p[512];
	struct strbuf state = STRBUF_INIT, ops = STRBUF_INIT;
	struct json_writer w;
	bool ext;

	(void)uri;
	(void)err;
	(void)len;
	path_of(p, sizeof(p), s->sysfs_root, "kernel/sched_ext/state");
	ext = !read_file(p, &state);
	path_of(p, sizeof(p), s->sysfs_root, "kernel/sched_ext/root/ops");
	if (read_file(p, &ops)) {
		path_of(p, sizeof(p), s->sysfs_root, "kernel/sched_ext/ops");
		read_file(p, &ops);
	}
	strbuf_rtrim(&state);
	strbuf_rtrim(&ops);
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_bool(&w, "sched_ext_supported", ext);
	if (ext)
		jw_kv_str(&w, "state", state.buf);
	else
		jw_kv_str(&w, "state", "unsupported");
	jw_key(&w, "name");
	if (ops.len)
		jw_str(&w, ops.buf);
	else
		jw_null(&w);
	jw_kv_str(&w, "class", ops.len ? "sched_ext" : "other");
	jw_kv_bool(&w, "active", ops.len > 0);
	if (!ext)
		jw_kv_str(&w, "note", "this kernel has no sched_ext (no /sys/kernel/sched_ext): tasks run under the kernel's own classes (EEVDF/RT)");
	jw_obj_end(&w);
	strbuf_release(&state);
	strbuf_release(&ops);
	return 0;
}

static void json_cpulist(struct json_writer *w, const char *key, const int *cpus, unsigned n)
{
	struct strbuf sb = STRBUF_INIT;

	cpulist_format(&sb, cpus, n);
	jw_kv_str(w, key, sb.buf);
	strbuf_release(&sb);
}

/* The topology of top/live/topology (sysfs under the server's sysfs root). */
static int topo_json(struct mcp_server *s, struct strbuf *text, bool full, char *err, size_t len)
{
	struct topology t;
	struct json_writer w;
	char p[512];
	int rc;

	path_of(p, sizeof(p), s->sysfs_root, "devices/system");
	rc = topology_load_system(&t, p);
	if (rc) {
		topology_release(&t);
		snprintf(err, len, "cannot read the CPU topology from %s: %s", p, err_str(rc));
		return rc;
	}
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_u64(&w, "nr_cpus", t.nr_cpus);
	jw_kv_u64(&w, "nr_online", t.nr_online);
	jw_kv_u64(&w, "nr_cores", t.nr_cores);
	jw_kv_u64(&w, "nr_llcs", t.nr_llcs);
	jw_kv_u64(&w, "nr_nodes", t.nr_nodes);
	if (full) {
		jw_key(&w, "cpus");
		jw_arr_begin(&w);
		for (unsigned c = 0; c < t.nr_cpus; c++) {
			const struct topo_cpu *tc = &t.cpus[c];

			jw_obj_begin(&w);
			jw_kv_u64(&w, "id", c);
			jw_kv_bool(&w, "online", tc->online);
			jw_kv_bool(&w, "isolated", tc->isolated);
			jw_kv_i64(&w, "core_id", tc->core);
			jw_kv_i64(&w, "llc_id", tc->llc >= 0 ? t.llcs[tc->llc].id : -1);
			jw_kv_i64(&w, "node_id", tc->node >= 0 ? t.nodes[tc->node].id : -1);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_key(&w, "llcs");
		jw_arr_begin(&w);
		for (unsigned i = 0; i < t.nr_llcs; i++) {
			jw_obj_begin(&w);
			jw_kv_i64(&w, "llc_id", t.llcs[i].id);
			jw_kv_i64(&w, "node_id", t.llcs[i].node >= 0 ? t.nodes[t.llcs[i].node].id : -1);
			json_cpulist(&w, "cpus", t.llcs[i].cpus, t.llcs[i].nr_cpus);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_key(&w, "nodes");
		jw_arr_begin(&w);
		for (unsigned i = 0; i < t.nr_nodes; i++) {
			jw_obj_begin(&w);
			jw_kv_i64(&w, "node_id", t.nodes[i].id);
			json_cpulist(&w, "cpus", t.nodes[i].cpus, t.nodes[i].nr_cpus);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	topology_release(&t);
	return 0;
}

static int r_topology(struct mcp_server *s, const char *uri, struct strbuf *text, char *err, size_t len)
{
	(void)uri;
	return topo_json(s, text, true, err, len);
}

/* The whole machine's CPU time: the per-CPU rows of /proc/stat (top/live/procstat), summed. */
static int r_system_cpu(struct mcp_server *s, const char *uri, struct strbuf *text, char *err, size_t len)
{
	unsigned nr = (unsigned)MAX(1L, sysconf(_SC_NPROCESSORS_CONF));
	struct procstat_cpu *rows = xcalloc(nr, sizeof(*rows)), sum = {.valid = true};
	struct live *l = live_get(s);
	struct procstat_util u;
	struct json_writer w;
	char p[512];
	int rc;

	(void)uri;
	path_of(p, sizeof(p), s->procfs_root, "stat");
	rc = procstat_read(p, rows, nr);
	if (rc) {
		snprintf(err, len, "cannot read %s: %s", p, err_str(rc));
		free(rows);
		return rc;
	}
	for (unsigned i = 0; i < nr; i++) {
		if (!rows[i].valid)
			continue;
		sum.user += rows[i].user;
		sum.nice += rows[i].nice;
		sum.system += rows[i].system;
		sum.idle += rows[i].idle;
		sum.iowait += rows[i].iowait;
		sum.irq += rows[i].irq;
		sum.softirq += rows[i].softirq;
		sum.steal += rows[i].steal;
	}
	free(rows);
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	procstat_util(l->have_sys_cpu ? &l->sys_cpu : &(struct procstat_cpu){.valid = true}, &sum,
		      &u);
	jw_kv_double(&w, "utilization_pct", u.valid ? u.busy : 0);
	jw_kv_str(&w, "interval", l->have_sys_cpu ? "since the previous read of this resource"
						  : "since boot (read again for the current rate)");
	jw_kv_u64(&w, "user_ticks", sum.user + sum.nice);
	jw_kv_u64(&w, "system_ticks", sum.system);
	jw_kv_u64(&w, "idle_ticks", sum.idle);
	jw_kv_u64(&w, "iowait_ticks", sum.iowait);
	jw_kv_u64(&w, "irq_ticks", sum.irq + sum.softirq);
	jw_kv_u64(&w, "steal_ticks", sum.steal);
	jw_kv_u64(&w, "ticks_per_sec", (uint64_t)sysconf(_SC_CLK_TCK));
	jw_obj_end(&w);
	l->sys_cpu = sum;
	l->have_sys_cpu = true;
	return 0;
}

static int r_system_memory(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			   size_t len)
{
	static const char *const keys[] = {"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached",
					   "SwapTotal", "SwapFree"};
	static const char *const names[] = {"total_kb", "free_kb", "available_kb", "buffers_kb",
					    "cached_kb", "swap_total_kb", "swap_free_kb"};
	struct strbuf st = STRBUF_INIT;
	unsigned long long v[7] = {0};
	struct json_writer w;
	char p[512];
	int rc;

	(void)uri;
	path_of(p, sizeof(p), s->procfs_root, "meminfo");
	rc = read_file(p, &st);
	if (rc) {
		snprintf(err, len, "cannot read %s: %s", p, err_str(rc));
		strbuf_release(&st);
		return rc;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char pat[64];
		const char *at;

		snprintf(pat, sizeof(pat), "\n%s:", keys[i]);
		at = strstr(st.buf, pat);
		if (!at && !strncmp(st.buf, pat + 1, strlen(pat + 1)))
			at = st.buf - 1;
		if (at)
			sscanf(at + strlen(pat), "%llu", &v[i]);
	}
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		jw_kv_u64(&w, names[i], v[i]);
	jw_kv_double(&w, "free_ratio", v[0] ? (double)v[2] / (double)v[0] : 0);
	jw_kv_double(&w, "swap_ratio", v[5] ? (double)v[6] / (double)v[5] : 0);
	jw_obj_end(&w);
	strbuf_release(&st);
	return 0;
}

static int r_system_network(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			    size_t len)
{
	struct strbuf st = STRBUF_INIT;
	struct json_writer w;
	char p[512], *line, *save = NULL;
	uint64_t rx_total = 0, tx_total = 0;
	int rc;

	(void)uri;
	path_of(p, sizeof(p), s->procfs_root, "net/dev");
	rc = read_file(p, &st);
	if (rc) {
		snprintf(err, len, "cannot read %s: %s", p, err_str(rc));
		strbuf_release(&st);
		return rc;
	}
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_key(&w, "interfaces");
	jw_arr_begin(&w);
	for (line = strtok_r(st.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		unsigned long long f[16];
		char *colon = strchr(line, ':');

		if (!colon || sscanf(line, " %63[^:]:", name) != 1 ||
		    sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
			   &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9]) != 10)
			continue;
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", name);
		jw_kv_u64(&w, "recv_bytes", f[0]);
		jw_kv_u64(&w, "recv_packets", f[1]);
		jw_kv_u64(&w, "sent_bytes", f[8]);
		jw_kv_u64(&w, "sent_packets", f[9]);
		jw_obj_end(&w);
		rx_total += f[0];
		tx_total += f[8];
	}
	jw_arr_end(&w);
	jw_kv_u64(&w, "total_recv_bytes", rx_total);
	jw_kv_u64(&w, "total_sent_bytes", tx_total);
	jw_obj_end(&w);
	strbuf_release(&st);
	return 0;
}

/* The running scheduler's scx_stats: one JSON request line, one response line. */
static int r_scheduler_raw(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			   size_t len)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{}}\n";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct strbuf resp = STRBUF_INIT;
	int fd, rc = 0;
	uint64_t deadline = now_mono_ns() + 1000000000ull;

	(void)uri;
	if (s->sandbox) {
		snprintf(err, len, "disabled (sandbox)");
		return -EPERM;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SCX_STATS_SOCKET);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		rc = err_errno();
		snprintf(err, len, "no scx_stats server at %s (%s): no sched_ext scheduler with stats is running",
			 SCX_STATS_SOCKET, err_str(rc));
		goto out;
	}
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		rc = err_errno();
		snprintf(err, len, "scx_stats: write: %s", err_str(rc));
		goto out;
	}
	while (!memchr(resp.buf, '\n', resp.len) && resp.len < (1u << 20)) {
		struct pollfd pfd = {fd, POLLIN, 0};
		char buf[4096];
		ssize_t n;
		uint64_t now = now_mono_ns();

		if (now >= deadline || poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) <= 0) {
			rc = -ETIMEDOUT;
			snprintf(err, len, "scx_stats: no answer within 1 s");
			goto out;
		}
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			rc = n ? err_errno() : -ECONNRESET;
			snprintf(err, len, "scx_stats: %s", err_str(rc));
			goto out;
		}
		strbuf_add(&resp, buf, (size_t)n);
	}
	strbuf_rtrim(&resp);
	strbuf_addf(text, "{\"socket\":\"%s\",\"response\":", SCX_STATS_SOCKET);
	strbuf_add(text, resp.buf, resp.len);
	strbuf_addch(text, '}');
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&resp);
	return rc;
}

static int r_scheduler_scx(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			   size_t len)
{
	struct strbuf c = STRBUF_INIT;
	char p[512];
	int rc;

	(void)uri;
	path_of(p, sizeof(p), s->sysfs_root, "kernel/debug/sched/ext");
	rc = read_file(p, &c);
	if (rc) {
		snprintf(err, len, "cannot read %s: %s (needs sched_ext and debugfs)", p, err_str(rc));
		strbuf_release(&c);
		return rc;
	}
	strbuf_addstr(text, "{\"path\":");
	json_escape(text, p, strlen(p));
	strbuf_addstr(text, ",\"content\":");
	json_escape(text, c.buf, c.len);
	strbuf_addch(text, '}');
	strbuf_release(&c);
	return 0;
}

static int r_bpf_programs(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			  size_t len)
{
	struct json_writer w;
	__u32 id = 0;
	int n = 0, rc = 0;

	(void)uri;
	if (s->sandbox) {
		snprintf(err, len, "disabled (sandbox)");
		return -EPERM;
	}
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_key(&w, "programs");
	jw_arr_begin(&w);
	while (n < 4096) {
		struct bpf_prog_info info = {0};
		__u32 ilen = sizeof(info);
		int fd;

		if (bpf_prog_get_next_id(id, &id)) {
			if (errno != ENOENT)
				rc = err_errno();
			break;
		}
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
			jw_obj_begin(&w);
			jw_kv_u64(&w, "id", info.id);
			jw_kv_str(&w, "name", info.name);
			jw_kv_u64(&w, "type", info.type);
			jw_kv_u64(&w, "run_time_ns", info.run_time_ns);
			jw_kv_u64(&w, "run_cnt", info.run_cnt);
			jw_kv_u64(&w, "recursion_misses", info.recursion_misses);
			jw_kv_u64(&w, "nr_map_ids", info.nr_map_ids);
			jw_obj_end(&w);
			n++;
		}
		close(fd);
	}
	jw_arr_end(&w);
	jw_kv_u64(&w, "total", (uint64_t)n);
	jw_kv_str(&w, "note", "run_time_ns/run_cnt count only while BPF stats are enabled (sysctl kernel.bpf_stats_enabled)");
	jw_obj_end(&w);
	if (rc) {
		snprintf(err, len, "cannot list BPF programs: %s (needs root or CAP_SYS_ADMIN)", err_str(rc));
		strbuf_reset(text);
	}
	return rc;
}

/* --------------------------------------------------- resources: collector -- */

/*
 * Statistics since the collector started, from top/live/stats (the model the
 * TUI and `scxtop --headless` print, with the shared-stats field names).
 */
static int stats_section(struct mcp_server *s, const char *what, uint64_t limit,
			 struct strbuf *text, char *err, size_t len)
{
	bool tasks = !strcmp(what, "process") || !strcmp(what, "thread");
	struct stats_json_opts jo = {.proc_limit = limit, .thread_limit = limit,
				     .active_only = true};
	const struct stats_snapshot *snap = live_snapshot(s, tasks, err, len);
	struct json_writer w;

	if (!snap)
		return -EOPNOTSUPP;
	if (!strcmp(what, "dsq") && !snap->sched.collecting) {
		snprintf(err, len, "DSQ statistics need a running sched_ext scheduler: %s",
			 snap->sched.reason[0] ? snap->sched.reason
					       : stats_sched_state_name(snap->sched.state));
		return -EOPNOTSUPP;
	}
	/* Each section is one object; the interval is the snapshot's (since collection started). */
	jw_init(&w, text, 0);
	if (!strcmp(what, "cpu"))
		stats_json_cpus(&w, snap);
	else if (!strcmp(what, "llc"))
		stats_json_llcs(&w, snap);
	else if (!strcmp(what, "node"))
		stats_json_nodes(&w, snap);
	else if (!strcmp(what, "process"))
		stats_json_processes(&w, snap, &jo);
	else if (!strcmp(what, "thread"))
		stats_json_threads(&w, snap, &jo);
	else
		stats_json_dsqs(&w, snap);
	return 0;
}

static int r_aggregated(struct mcp_server *s, const char *uri, struct strbuf *text, char *err,
			size_t len)
{
	return stats_section(s, uri + strlen("stats://aggregated/"), 100, text, err, len);
}

const struct mcp_resource mcp_live_resources[] = {
	{"scheduler://current", "current scheduler", "sched_ext state and the running scheduler's name", r_scheduler},
	{"topology://info", "CPU topology", "CPUs with their core, LLC and NUMA node (sysfs)", r_topology},
	{"stats://aggregated/cpu", "per-CPU statistics", "live per-CPU switches, wakeups, migrations, busy time, wakeup latency (BPF)", r_aggregated},
	{"stats://aggregated/llc", "per-LLC statistics", "live per-LLC sums (BPF + sysfs topology)", r_aggregated},
	{"stats://aggregated/node", "per-NUMA-node statistics", "live per-node sums (BPF + sysfs topology)", r_aggregated},
	{"stats://aggregated/dsq", "per-DSQ statistics", "sched_ext dispatch queues (needs sched_ext)", r_aggregated},
	{"stats://aggregated/process", "per-process statistics", "live statistics per process (threads summed by tgid), top 100 by switches (BPF)", r_aggregated},
	{"stats://aggregated/thread", "per-thread statistics", "live statistics per thread, top 100 by switches (BPF)", r_aggregated},
	{"stats://scheduler/raw", "scheduler stats", "the running sched_ext scheduler's scx_stats output", r_scheduler_raw},
	{"stats://scheduler/scx", "sched_ext debug state", "/sys/kernel/debug/sched/ext", r_scheduler_scx},
	{"stats://system/cpu", "system CPU", "CPU utilization from /proc/stat (between two reads)", r_system_cpu},
	{"stats://system/memory", "system memory", "/proc/meminfo summary", r_system_memory},
	{"stats://system/network", "system network", "per-interface bytes and packets (/proc/net/dev)", r_system_network},
	{"bpf://programs", "BPF programs", "loaded BPF programs with run statistics", r_bpf_programs},
};
const size_t mcp_nr_live_resources = ARRAY_SIZE(mcp_live_resources);

/* ------------------------------------------------------------------ tools -- */

static const char *astr(json_t *args, const char *k, const char *def)
{
	json_t *v = json_object_get(args, k);

	return json_is_string(v) ? json_string_value(v) : def;
}

static int64_t aint(json_t *args, const char *k, int64_t def)
{
	json_t *v = json_object_get(args, k);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static int t_query_stats(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	static const struct {
		const char *type, *uri;
	} map[] = {
		{"cpu", "stats://aggregated/cpu"},	 {"llc", "stats://aggregated/llc"},
		{"node", "stats://aggregated/node"},	 {"dsq", "stats://aggregated/dsq"},
		{"process", "stats://aggregated/process"}, {"thread", "stats://aggregated/thread"},
		{"scheduler", "scheduler://current"},	 {"system", "stats://system/cpu"},
	};
	const char *type = astr(args, "stat_type", "cpu");
	int64_t limit = aint(args, "limit", 100);

	if (!strcmp(type, "process") || !strcmp(type, "thread"))
		return stats_section(s, type, (uint64_t)limit, text, err, len);
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].type, type))
			for (size_t k = 0; k < mcp_nr_live_resources; k++)
				if (!strcmp(mcp_live_resources[k].uri, map[i].uri))
					return mcp_live_resources[k].read(s, map[i].uri, text, err, len);
	snprintf(err, len, "unknown stat_type '%.40s'", type);
	return -EINVAL;
}

static int t_topology(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	return topo_json(s, text, !strcmp(astr(args, "detail_level", "summary"), "full"), err, len);
}

static int t_control(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *action = astr(args, "action", "status");
	struct live *l = live_get(s);

	if (!strcmp(action, "start") && !live_collector(s, err, len))
		return -EOPNOTSUPP;
	if (!strcmp(action, "stop") && l->smp)
		live_stop(l);
	strbuf_addf(text, "{\"collecting\":%s", l->smp ? "true" : "false");
	if (l->smp) {
		strbuf_addf(text, ",\"since_ns\":%llu,\"nr_cpus\":%u,\"dropped_events\":%llu",
			    (unsigned long long)(now_boot_ns() - l->opened_ns), l->nr_cpus,
			    (unsigned long long)collector_dropped(sampler_collector(l->smp)));
	} else if (l->err) {
		strbuf_addstr(text, ",\"last_error\":");
		json_escape(text, l->why, strlen(l->why));
	}
	strbuf_addch(text, '}');
	return 0;
}

/* Stream events for duration_ms (bounded), then report. */
static int stream_for(struct mcp_server *s, uint32_t types, int64_t ms, char *err, size_t len)
{
	struct collector *c = live_collector(s, err, len);
	uint64_t end;

	if (!c)
		return -EOPNOTSUPP;
	collector_set_stream(c, true, types);
	end = now_mono_ns() + (uint64_t)ms * 1000000ull;
	while (now_mono_ns() < end) {
		int rc = collector_poll(c, 50);

		if (rc < 0 && rc != -EINTR) {
			collector_set_stream(c, false, 0);
			snprintf(err, len, "reading events: %s", err_str(rc));
			return rc;
		}
		mcp_progress(s, (double)(ms - (int64_t)((end - MIN(end, now_mono_ns())) / 1000000)),
			     (double)ms, "sampling");
	}
	collector_drain(c);
	collector_set_stream(c, false, 0);
	return 0;
}

static int cmp_pair_n(const void *x, const void *y)
{
	const struct wpair *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->lat_max > b->lat_max ? -1 : a->lat_max < b->lat_max;
}

static int cmp_pair_lat(const void *x, const void *y)
{
	const struct wpair *a = x, *b = y;

	if (a->lat_max != b->lat_max)
		return a->lat_max > b->lat_max ? -1 : 1;
	return a->n > b->n ? -1 : a->n < b->n;
}

static int t_waker_wakee(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	const char *mode = astr(args, "mode", "frequency");
	int64_t pid = aint(args, "pid", -1), limit = aint(args, "limit", 20);
	int64_t ms = aint(args, "duration_ms", 1000);
	struct live *l = live_get(s);
	struct json_writer w;
	size_t shown = 0;
	int rc;

	l->nr_pairs = 0;
	l->pairs_dropped = 0;
	memset(l->pending, 0, sizeof(l->pending));
	l->capture_wake = true;
	rc = stream_for(s, (1u << SCXTOP_EV_WAKING) | (1u << SCXTOP_EV_WAKEUP_NEW) |
				   (1u << SCXTOP_EV_SWITCH), ms, err, len);
	l->capture_wake = false;
	if (rc)
		return rc;
	if (l->nr_pairs > 1)
		qsort(l->pairs, l->nr_pairs, sizeof(*l->pairs),
	      !strcmp(mode, "latency") || !strcmp(mode, "critical") ? cmp_pair_lat : cmp_pair_n);
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_str(&w, "mode", mode);
	jw_kv_u64(&w, "duration_ms", (uint64_t)ms);
	jw_kv_u64(&w, "total_pairs", l->nr_pairs);
	jw_kv_u64(&w, "pairs_not_tracked", l->pairs_dropped);
	jw_key(&w, "pairs");
	jw_arr_begin(&w);
	for (size_t i = 0; i < l->nr_pairs && shown < (size_t)limit; i++) {
		struct wpair *p = &l->pairs[i];

		if (pid >= 0 && p->waker != pid && p->wakee != pid)
			continue;
		shown++;
		jw_obj_begin(&w);
		jw_kv_i64(&w, "waker_tid", p->waker);
		jw_kv_str(&w, "waker_comm", p->waker_comm);
		jw_kv_i64(&w, "wakee_tid", p->wakee);
		jw_kv_str(&w, "wakee_comm", p->wakee_comm);
		jw_kv_u64(&w, "count", p->n);
		jw_kv_u64(&w, "avg_latency_ns", p->n ? p->lat_sum / p->n : 0);
		jw_kv_u64(&w, "max_latency_ns", p->lat_max);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kv_u64(&w, "shown", shown);
	jw_obj_end(&w);
	return 0;
}

static int t_softirq(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len)
{
	static const char *const vecs[] = {"HI",	"TIMER", "NET_TX",  "NET_RX", "BLOCK",
					   "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};
	int64_t ms = aint(args, "duration_ms", 1000), only = aint(args, "softirq_nr", -1);
	struct live *l = live_get(s);
	struct json_writer w;
	int rc;

	if (!live_collector(s, err, len))
		return -EOPNOTSUPP;
	memset(l->softirq_n, 0, sizeof(l->softirq_n));
	memset(l->softirq_ns, 0, sizeof(l->softirq_ns));
	memset(l->softirq_cpu_ns, 0, l->nr_cpus * sizeof(uint64_t));
	memset(l->softirq_entry, 0, l->nr_cpus * sizeof(uint64_t));
	l->capture_softirq = true;
	rc = stream_for(s, (1u << SCXTOP_EV_SOFTIRQ_ENTRY) | (1u << SCXTOP_EV_SOFTIRQ_EXIT), ms, err, len);
	l->capture_softirq = false;
	if (rc)
		return rc;
	jw_init(&w, text, 0);
	jw_obj_begin(&w);
	jw_kv_u64(&w, "duration_ms", (uint64_t)ms);
	jw_key(&w, "by_type");
	jw_arr_begin(&w);
	for (int v = 0; v < 10; v++) {
		if (only >= 0 && v != only)
			continue;
		jw_obj_begin(&w);
		jw_kv_u64(&w, "softirq_nr", (uint64_t)v);
		jw_kv_str(&w, "name", vecs[v]);
		jw_kv_u64(&w, "count", l->softirq_n[v]);
		jw_kv_u64(&w, "total_ns", l->softirq_ns[v]);
		jw_kv_u64(&w, "avg_ns", l->softirq_n[v] ? l->softirq_ns[v] / l->softirq_n[v] : 0);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "by_cpu");
	jw_arr_begin(&w);
	for (unsigned c = 0; c < l->nr_cpus; c++) {
		jw_obj_begin(&w);
		jw_kv_u64(&w, "cpu", c);
		jw_kv_u64(&w, "total_ns", l->softirq_cpu_ns[c]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	return 0;
}

#define DURATION_ARG                                                                               \
	"\"duration_ms\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":10000,\"default\":1000,"   \
	"\"description\":\"how long to sample events (default 1000, at most 10000)\"}"

const struct mcp_tool mcp_live_tools[] = {
	{"query_stats",
	 "Live scheduler statistics (BPF) of this host: per cpu, llc, node, process, thread; or "
	 "scheduler / system summaries. Needs root.",
	 "{\"type\":\"object\",\"properties\":{\"stat_type\":{\"type\":\"string\",\"enum\":[\"cpu\",\"llc\","
	 "\"node\",\"dsq\",\"process\",\"thread\",\"scheduler\",\"system\"],\"default\":\"cpu\"},"
	 "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000,\"default\":100}},"
	 "\"additionalProperties\":false}",
	 t_query_stats},
	{"get_topology", "CPU topology of this host (sysfs): counts, or every CPU with core/LLC/node.",
	 "{\"type\":\"object\",\"properties\":{\"detail_level\":{\"type\":\"string\",\"enum\":[\"summary\","
	 "\"full\"],\"default\":\"summary\"},\"include_offline\":{\"type\":\"boolean\"}},"
	 "\"additionalProperties\":false}",
	 t_topology},
	{"control_stats_collection", "Start, stop or query the live BPF statistics collector.",
	 "{\"type\":\"object\",\"properties\":{\"action\":{\"type\":\"string\",\"enum\":[\"start\",\"stop\","
	 "\"status\"]},\"interval_ms\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":10000}},"
	 "\"required\":[\"action\"],\"additionalProperties\":false}",
	 t_control},
	{"analyze_waker_wakee",
	 "Sample wakeups live for duration_ms: who wakes whom, how often, and how long the wakee "
	 "waited to run. Needs root.",
	 "{\"type\":\"object\",\"properties\":{\"mode\":{\"type\":\"string\",\"enum\":[\"frequency\","
	 "\"latency\",\"critical\",\"bidirectional\",\"for_pid\",\"summary\"],\"default\":\"frequency\"},"
	 "\"pid\":{\"type\":\"integer\",\"minimum\":0},\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	 "\"maximum\":1000,\"default\":20}," DURATION_ARG "},\"additionalProperties\":false}",
	 t_waker_wakee},
	{"analyze_softirq", "Sample softirqs live for duration_ms: count and time per type and per CPU. Needs root.",
	 "{\"type\":\"object\",\"properties\":{\"mode\":{\"type\":\"string\",\"enum\":[\"summary\","
	 "\"by_type\",\"by_cpu\",\"by_process\"],\"default\":\"summary\"},\"softirq_nr\":{\"type\":"
	 "\"integer\",\"minimum\":0,\"maximum\":9},\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	 "\"maximum\":100}," DURATION_ARG "},\"additionalProperties\":false}",
	 t_softirq},
};
const size_t mcp_nr_live_tools = ARRAY_SIZE(mcp_live_tools);
