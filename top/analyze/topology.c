// SPDX-License-Identifier: GPL-2.0
/*
 * CPU → core / LLC / NUMA node maps, from a trace (scxtop's "scxtop_topo:" JSON
 * descriptor) or from sysfs (the live /sys/devices/system, or a copy of it
 * given with --topology). Used for cross-LLC / cross-NUMA migrations and the
 * per-LLC / per-node utilization.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/util.h"
#include "top/analyze/trace_model.h"

static void topo_alloc(struct topology *t)
{
	if (t->cpu_llc)
		return;
	t->cpu_llc = xmalloc(MAX_CPUS * sizeof(int32_t));
	t->cpu_node = xmalloc(MAX_CPUS * sizeof(int32_t));
	t->cpu_core = xmalloc(MAX_CPUS * sizeof(int32_t));
	for (int i = 0; i < MAX_CPUS; i++)
		t->cpu_llc[i] = t->cpu_node[i] = t->cpu_core[i] = -1;
}

void topology_release(struct topology *t)
{
	free(t->cpu_llc);
	free(t->cpu_node);
	free(t->cpu_core);
	memset(t, 0, sizeof(*t));
}

static void topo_count(struct topology *t)
{
	int32_t max_llc = -1, max_node = -1;

	t->nr_cpus = 0;
	for (int i = 0; i < MAX_CPUS; i++) {
		if (t->cpu_llc[i] < 0 && t->cpu_node[i] < 0 && t->cpu_core[i] < 0)
			continue;
		t->nr_cpus = (uint32_t)i + 1;
		if (t->cpu_llc[i] < 0)
			t->cpu_llc[i] = 0;
		if (t->cpu_node[i] < 0)
			t->cpu_node[i] = 0;
		max_llc = MAX(max_llc, t->cpu_llc[i]);
		max_node = MAX(max_node, t->cpu_node[i]);
	}
	t->nr_llcs = (uint32_t)(max_llc + 1);
	t->nr_nodes = (uint32_t)(max_node + 1);
	t->known = t->nr_cpus > 0;
}

static int json_map(json_t *root, const char *key, int32_t *dst)
{
	json_t *obj = json_object_get(root, key), *v;
	const char *k;
	int n = 0;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, k, v) {
		uint64_t cpu;

		if (parse_u64(k, 0, MAX_CPUS - 1, &cpu) || !json_is_integer(v) ||
		    json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
			return -EINVAL;
		dst[cpu] = (int32_t)json_integer_value(v);
		n++;
	}
	return n;
}

int topology_from_json(struct topology *t, const char *json, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	int n, err = 0;

	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	topo_alloc(t);
	n = json_map(root, "cpu_to_llc", t->cpu_llc);
	if (n <= 0 || json_map(root, "cpu_to_numa", t->cpu_node) < 0 ||
	    json_map(root, "cpu_to_core", t->cpu_core) < 0) {
		err = -EINVAL;
		goto out;
	}
	topo_count(t);
out:
	json_decref(root);
	if (err) {
		topology_release(t);
	}
	return err;
}

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "re");
	size_t n;

	if (!fp)
		return err_errno();
	n = fread(buf, 1, len - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* read_small() of a path built from fmt (too long a path is ENAMETOOLONG). */
static int read_at(char *buf, size_t len, const char *fmt, ...) __printf(3, 4);
static int read_at(char *buf, size_t len, const char *fmt, ...)
{
	char path[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return read_small(path, buf, len);
}

/* "0-3,8,10-11" → callback per CPU. */
static int cpulist_each(const char *s, void (*fn)(void *ctx, unsigned cpu), void *ctx)
{
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;

		if (end == s)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s)
				return -EINVAL;
		}
		if (a > b || b >= MAX_CPUS)
			return -ERANGE;
		for (unsigned long c = a; c <= b; c++)
			fn(ctx, (unsigned)c);
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return 0;
}

struct set_ctx {
	int32_t *map;
	int32_t val;
};

static void set_cpu(void *ctx, unsigned cpu)
{
	struct set_ctx *sc = ctx;

	sc->map[cpu] = sc->val;
}

int topology_from_sysfs(struct topology *t, const char *dir)
{
	char cpudir[4096], path[4200], buf[4096];
	char nodedir[4200];
	char **llc_lists = NULL;
	size_t nr_lists = 0;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int err = 0;

	snprintf(cpudir, sizeof(cpudir), "%s/cpu", dir);
	snprintf(nodedir, sizeof(nodedir), "%s/node", dir);
	if (stat(cpudir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(cpudir, sizeof(cpudir), "%s", dir);
		snprintf(nodedir, sizeof(nodedir), "%s/../node", dir);
	}
	d = opendir(cpudir);
	if (!d)
		return err_errno();
	topo_alloc(t);
	while ((de = readdir(d))) {
		uint64_t cpu;
		int best_level = -1;
		char best_list[4096] = "";

		if (strncmp(de->d_name, "cpu", 3) || parse_u64(de->d_name + 3, 0, MAX_CPUS - 1, &cpu))
			continue;
		if (!read_at(buf, sizeof(buf), "%s/%s/topology/core_id", cpudir, de->d_name))
			t->cpu_core[cpu] = atoi(buf);
		else
			t->cpu_core[cpu] = (int32_t)cpu;
		for (int idx = 0; idx < 16; idx++) {
			char type[64];
			int level;

			if (read_at(buf, sizeof(buf), "%s/%s/cache/index%d/level", cpudir, de->d_name, idx))
				continue; /* copies may leave out some levels */
			level = atoi(buf);
			if (!read_at(type, sizeof(type), "%s/%s/cache/index%d/type", cpudir, de->d_name, idx) &&
			    !strcmp(type, "Instruction"))
				continue;
			if (level > best_level &&
			    !read_at(buf, sizeof(buf), "%s/%s/cache/index%d/shared_cpu_list", cpudir,
				     de->d_name, idx)) {
				best_level = level;
				snprintf(best_list, sizeof(best_list), "%s", buf);
			}
		}
		if (best_level < 0) {
			/* no cache info: one LLC per package */
			t->cpu_llc[cpu] = read_at(buf, sizeof(buf), "%s/%s/topology/physical_package_id",
						  cpudir, de->d_name) ? 0 : atoi(buf);
			continue;
		}
		{
			size_t i;

			for (i = 0; i < nr_lists; i++)
				if (!strcmp(llc_lists[i], best_list))
					break;
			if (i == nr_lists) {
				llc_lists = xrealloc(llc_lists, (nr_lists + 1) * sizeof(*llc_lists));
				llc_lists[nr_lists++] = xstrdup(best_list);
			}
			t->cpu_llc[cpu] = (int32_t)i;
		}
	}
	closedir(d);
	/* LLC ids in the order of their first CPU, so they read naturally */
	{
		int32_t remap[MAX_CPUS];
		int32_t next = 0;

		for (int i = 0; i < MAX_CPUS; i++)
			remap[i] = -1;
		for (int c = 0; c < MAX_CPUS; c++) {
			int32_t l = t->cpu_llc[c];

			if (l >= 0 && l < MAX_CPUS && remap[l] < 0)
				remap[l] = next++;
		}
		for (int c = 0; c < MAX_CPUS; c++)
			if (t->cpu_llc[c] >= 0 && t->cpu_llc[c] < MAX_CPUS)
				t->cpu_llc[c] = remap[t->cpu_llc[c]];
	}
	for (size_t i = 0; i < nr_lists; i++)
		free(llc_lists[i]);
	free(llc_lists);

	/* nodes: <dir>/node/nodeN/cpulist (absent on non-NUMA kernels: node 0) */
	snprintf(path, sizeof(path), "%s", nodedir);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			uint64_t node;
			struct set_ctx sc;

			if (strncmp(de->d_name, "node", 4) || parse_u64(de->d_name + 4, 0, 1 << 20, &node))
				continue;
			if (read_at(buf, sizeof(buf), "%s/%s/cpulist", path, de->d_name))
				continue;
			sc.map = t->cpu_node;
			sc.val = (int32_t)node;
			if (cpulist_each(buf, set_cpu, &sc))
				continue;
		}
		closedir(d);
	}
	topo_count(t);
	if (!t->known) {
		err = -ENOENT;
		topology_release(t);
	}
	return err;
}
