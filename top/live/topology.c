// SPDX-License-Identifier: GPL-2.0
#include "top/live/topology.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fs.h"
#include "common/hashmap.h"
#include "common/strbuf.h"
#include "common/util.h"

#define CPULIST_MAX (1u << 16)	/* sanity bound on CPU ids read from files */

int cpulist_parse(const char *s, bool *set, unsigned n)
{
	unsigned top = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	while (*s && *s != '\n') {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (b < a || b >= CPULIST_MAX)
			return -EINVAL;
		for (unsigned long i = a; i <= b && i < n; i++)
			set[i] = true;
		top = MAX(top, (unsigned)b + 1);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n' && !isspace((unsigned char)*s))
			return -EINVAL;
		while (*s == ' ')
			s++;
	}
	return (int)top;
}

void cpulist_format(struct strbuf *out, const int *cpus, unsigned n)
{
	for (unsigned i = 0; i < n;) {
		unsigned j = i;

		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		if (i)
			strbuf_addch(out, ',');
		if (j > i)
			strbuf_addf(out, "%d-%d", cpus[i], cpus[j]);
		else
			strbuf_addf(out, "%d", cpus[i]);
		i = j + 1;
	}
}

/* The first line of a sysfs file under root into buf. */
static int read_file(const char *root, char *buf, size_t n, const char *fmt, ...) __printf(4, 5);

static int read_file(const char *root, char *buf, size_t n, const char *fmt, ...)
{
	char rel[256], path[512];
	size_t len;
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s%s", root, rel);
	err = fs_read_line(path, buf, n);
	for (len = strlen(buf); !err && len && buf[len - 1] == ' ';)
		buf[--len] = '\0';
	return err;
}

static int read_int(const char *root, int *out, const char *fmt, ...) __printf(3, 4);

static int read_int(const char *root, int *out, const char *fmt, ...)
{
	char rel[256], buf[64];
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (read_file(root, buf, sizeof(buf), "%s", rel) ||
	    parse_i64(buf, INT32_MIN, INT32_MAX, &v))
		return -ENOENT;
	*out = (int)v;
	return 0;
}

/* Parse the list file into set[0..n); absent file → err, set untouched. */
static int read_cpulist(const char *root, const char *rel, bool *set, unsigned n)
{
	char buf[4096];
	int err = read_file(root, buf, sizeof(buf), "%s", rel);

	if (err)
		return err;
	err = cpulist_parse(buf, set, n);
	return err < 0 ? err : 0;
}

struct llc_info {
	char key[160];		/* shared_cpu_list, or "pkg:N" without cache data */
	int kernel_id;		/* cache id file, -1 absent */
};

/* The LLC of an online CPU: its highest-level data/unified cache. */
static void cpu_llc(const char *root, int cpu, int package, struct llc_info *li)
{
	int best = -1;

	li->key[0] = '\0';
	li->kernel_id = -1;
	for (int idx = 0; idx < 16; idx++) {
		char rel[128], type[32], lv[16], idb[32], list[sizeof(li->key)];
		int64_t level, id;

		snprintf(rel, sizeof(rel), "/cpu/cpu%d/cache/index%d", cpu, idx);
		if (read_file(root, type, sizeof(type), "%s/type", rel))
			continue;	/* a partial copy of sysfs may leave out some levels */
		if (strcmp(type, "Data") && strcmp(type, "Unified"))
			continue;
		if (read_file(root, lv, sizeof(lv), "%s/level", rel) || parse_i64(lv, 0, 16, &level))
			continue;
		if (level <= best)
			continue;
		if (read_file(root, list, sizeof(list), "%s/shared_cpu_list", rel) || !list[0])
			continue;
		best = (int)level;
		snprintf(li->key, sizeof(li->key), "%s", list);
		li->kernel_id = -1;
		if (!read_file(root, idb, sizeof(idb), "%s/id", rel) &&
		    !parse_i64(idb, 0, INT32_MAX, &id))
			li->kernel_id = (int)id;
	}
	if (best < 0)
		snprintf(li->key, sizeof(li->key), "pkg:%d", package);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Fill groups' member lists from the CPUs' group index (field at offset). */
static void fill_members(struct topology *t, struct topo_group *g, unsigned ng, bool llc)
{
	for (unsigned i = 0; i < t->nr_cpus; i++) {
		const struct topo_cpu *c = &t->cpus[i];
		int gi = llc ? c->llc : c->node;

		if (!c->online || gi < 0 || (unsigned)gi >= ng)
			continue;
		g[gi].cpus = xrealloc(g[gi].cpus, (g[gi].nr_cpus + 1) * sizeof(int));
		g[gi].cpus[g[gi].nr_cpus++] = c->id;
	}
}

static int load_nodes(struct topology *t, const char *root)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	int *ids = NULL;
	size_t n = 0, alloc = 0;
	bool *set = xcalloc(t->nr_cpus, sizeof(bool));

	snprintf(path, sizeof(path), "%s/node", root);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			int64_t v;
			char rel[64];
			bool any = false;

			if (strncmp(de->d_name, "node", 4) || parse_i64(de->d_name + 4, 0, INT32_MAX, &v))
				continue;
			memset(set, 0, t->nr_cpus);
			snprintf(rel, sizeof(rel), "/node/node%d/cpulist", (int)v);
			if (read_cpulist(root, rel, set, t->nr_cpus))
				continue;
			for (unsigned i = 0; i < t->nr_cpus; i++)
				any |= set[i] && t->cpus[i].online;
			if (!any)
				continue;	/* memory-only node */
			xgrow((void **)&ids, &alloc, n + 1, sizeof(int));
			ids[n++] = (int)v;
		}
		closedir(d);
	}
	if (n)
		qsort(ids, n, sizeof(int), cmp_int);
	if (!n) {
		/* No NUMA information: one node 0 holding every online CPU. */
		t->nr_nodes = 1;
		t->nodes = xcalloc(1, sizeof(*t->nodes));
		t->nodes[0].id = 0;
		for (unsigned i = 0; i < t->nr_cpus; i++)
			if (t->cpus[i].online)
				t->cpus[i].node = 0;
	} else {
		t->nr_nodes = (unsigned)n;
		t->nodes = xcalloc(n, sizeof(*t->nodes));
		for (size_t k = 0; k < n; k++) {
			char rel[64];

			t->nodes[k].id = ids[k];
			t->nodes[k].node = (int)k;
			memset(set, 0, t->nr_cpus);
			snprintf(rel, sizeof(rel), "/node/node%d/cpulist", ids[k]);
			read_cpulist(root, rel, set, t->nr_cpus);
			for (unsigned i = 0; i < t->nr_cpus; i++)
				if (set[i] && t->cpus[i].online)
					t->cpus[i].node = (int)k;
		}
	}
	fill_members(t, t->nodes, t->nr_nodes, false);
	free(ids);
	free(set);
	return 0;
}

/*
 * A partial sysfs copy without cpu/possible or cpu/present: the cpuN
 * directories are the CPUs ("0-3,8" into buf). 0 or -ENOENT.
 */
static int cpus_from_dirs(const char *root, char *buf, size_t n)
{
	char path[4200];
	struct strbuf sb = STRBUF_INIT;
	struct dirent *de;
	int *ids = NULL, nr = 0;
	size_t alloc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cpu", root);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		uint64_t id;

		if (strncmp(de->d_name, "cpu", 3) || parse_u64(de->d_name + 3, 0, 1u << 20, &id))
			continue;
		xgrow((void **)&ids, &alloc, (size_t)nr + 1, sizeof(*ids));
		ids[nr++] = (int)id;
	}
	closedir(d);
	qsort(ids, (size_t)nr, sizeof(*ids), cmp_int);
	cpulist_format(&sb, ids, (unsigned)nr);
	snprintf(buf, n, "%s", sb.buf);
	strbuf_release(&sb);
	free(ids);
	return nr ? 0 : -ENOENT;
}

int topology_load(struct topology *t, const char *root)
{
	char *sys = xasprintf("%s/sys/devices/system", root ? root : "");
	int err = topology_load_system(t, sys);

	free(sys);
	return err;
}

int topology_load_system(struct topology *t, const char *root)
{
	char buf[4096];
	bool *set = NULL;
	struct strmap llc_keys, core_keys;
	struct llc_info *li = NULL;
	int n, err;

	memset(t, 0, sizeof(*t));
	strmap_init(&llc_keys);
	strmap_init(&core_keys);

	err = read_file(root, buf, sizeof(buf), "/cpu/possible");
	if (err)
		err = read_file(root, buf, sizeof(buf), "/cpu/present");
	if (err)
		err = cpus_from_dirs(root, buf, sizeof(buf));
	if (err)
		goto out;
	n = cpulist_parse(buf, NULL, 0);
	if (n <= 0) {
		err = n ? n : -ENOENT;
		goto out;
	}
	t->nr_cpus = (unsigned)n;
	t->cpus = xcalloc(t->nr_cpus, sizeof(*t->cpus));
	set = xcalloc(t->nr_cpus, sizeof(bool));
	cpulist_parse(buf, set, t->nr_cpus);
	for (unsigned i = 0; i < t->nr_cpus; i++) {
		struct topo_cpu *c = &t->cpus[i];

		c->id = (int)i;
		c->possible = set[i];
		c->package = c->core_id = c->core = c->llc = c->node = -1;
	}
	memset(set, 0, t->nr_cpus);
	if (read_cpulist(root, "/cpu/present", set, t->nr_cpus))
		for (unsigned i = 0; i < t->nr_cpus; i++)
			set[i] = t->cpus[i].possible;
	for (unsigned i = 0; i < t->nr_cpus; i++)
		t->cpus[i].present = set[i] && t->cpus[i].possible;
	memset(set, 0, t->nr_cpus);
	if (read_cpulist(root, "/cpu/online", set, t->nr_cpus))
		for (unsigned i = 0; i < t->nr_cpus; i++)
			set[i] = t->cpus[i].present;
	for (unsigned i = 0; i < t->nr_cpus; i++) {
		t->cpus[i].online = set[i] && t->cpus[i].present;
		t->nr_online += t->cpus[i].online;
	}
	memset(set, 0, t->nr_cpus);
	read_cpulist(root, "/cpu/isolated", set, t->nr_cpus);
	for (unsigned i = 0; i < t->nr_cpus; i++)
		t->cpus[i].isolated = set[i] && t->cpus[i].possible;

	/* Cores and LLCs of online CPUs (offline ones have no topology directory). */
	li = xcalloc(t->nr_cpus, sizeof(*li));
	for (unsigned i = 0; i < t->nr_cpus; i++) {
		struct topo_cpu *c = &t->cpus[i];
		char key[64];
		bool created;
		uint64_t *v;

		if (!c->online)
			continue;
		read_int(root, &c->package, "/cpu/cpu%d/topology/physical_package_id",
			 c->id);
		read_int(root, &c->core_id, "/cpu/cpu%d/topology/core_id", c->id);
		if (c->core_id >= 0)
			snprintf(key, sizeof(key), "%d/%d", c->package, c->core_id);
		else
			snprintf(key, sizeof(key), "cpu%d", c->id);
		v = strmap_upsert(&core_keys, key, strlen(key), &created);
		if (created)
			*v = t->nr_cores++;
		c->core = (int)*v;

		cpu_llc(root, c->id, c->package, &li[i]);
		v = strmap_upsert(&llc_keys, li[i].key, strlen(li[i].key), &created);
		if (created)
			*v = t->nr_llcs++;
		c->llc = (int)*v;
	}
	t->llcs = xcalloc(MAX(t->nr_llcs, 1u), sizeof(*t->llcs));
	{
		/* Kernel cache ids when every LLC has a distinct one; dense otherwise. */
		bool kernel_ids = true;
		int *kid = xcalloc(MAX(t->nr_llcs, 1u), sizeof(int));

		for (unsigned l = 0; l < t->nr_llcs; l++)
			kid[l] = -2;
		for (unsigned i = 0; i < t->nr_cpus; i++) {
			int l = t->cpus[i].llc;

			if (l < 0)
				continue;
			if (li[i].kernel_id < 0 || (kid[l] != -2 && kid[l] != li[i].kernel_id))
				kernel_ids = false;
			kid[l] = li[i].kernel_id;
		}
		for (unsigned l = 0; l < t->nr_llcs && kernel_ids; l++)
			for (unsigned m = l + 1; m < t->nr_llcs; m++)
				if (kid[l] == kid[m])
					kernel_ids = false;
		for (unsigned l = 0; l < t->nr_llcs; l++)
			t->llcs[l].id = kernel_ids ? kid[l] : (int)l;
		free(kid);
	}
	fill_members(t, t->llcs, t->nr_llcs, true);
	err = load_nodes(t, root);
	for (unsigned l = 0; l < t->nr_llcs; l++)
		t->llcs[l].node = t->llcs[l].nr_cpus ? t->cpus[t->llcs[l].cpus[0]].node : -1;
out:
	free(li);
	free(set);
	strmap_release(&llc_keys);
	strmap_release(&core_keys);
	return err;
}

void topology_release(struct topology *t)
{
	for (unsigned i = 0; i < t->nr_llcs; i++)
		free(t->llcs[i].cpus);
	for (unsigned i = 0; i < t->nr_nodes; i++)
		free(t->nodes[i].cpus);
	free(t->llcs);
	free(t->nodes);
	free(t->cpus);
	memset(t, 0, sizeof(*t));
}

const struct topo_cpu *topology_cpu(const struct topology *t, int cpu)
{
	return cpu >= 0 && (unsigned)cpu < t->nr_cpus ? &t->cpus[cpu] : NULL;
}
