// SPDX-License-Identifier: GPL-2.0
/*
 * Locality clustering: page identity, the affinity and locality-retained
 * definitions on hand-computed examples, greedy merging (threshold, subcell
 * limit, OR-group limit), groups as separate cells, bounded page maps, and the
 * reports. Configs are checked against the cell-config schema and --report
 * documents against the extract-report schema.
 */
#include "test_common.h"

#include "extract/locality.h"
#include "extract_helpers.h"

#define PG(n) ((uint64_t)(n) * 4096)

static struct extract_mem *xm_locality(double threshold, unsigned max_subcells)
{
	struct extract_mem_opts o;

	extract_mem_opts_init(&o);
	o.cluster = EXTRACT_CLUSTER_LOCALITY;
	o.affinity_threshold = threshold;
	o.max_subcells = max_subcells;
	return xm_new(&o);
}

/* n accesses of comm to each of the pages [first, first + count) in cgroup cg. */
static void touch(struct extract_mem *x, const char *comm, const char *cg, unsigned first,
		  unsigned count, unsigned n)
{
	for (unsigned p = first; p < first + count; p++)
		add_n(x, comm, cg, 0, PG(p) + 64, n);
}

static char *report_json_checked(struct extract_mem *x)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096], cmd[8192];
	const char *src = getenv("SCX_SRC") ? getenv("SCX_SRC") : ".";
	FILE *fp;

	extract_mem_report_json(x, &sb);
	snprintf(path, sizeof(path), "%s/report.json", test_tmpdir());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(sb.buf, fp);
	fclose(fp);
	if (access("/usr/bin/python3", X_OK) == 0 &&
	    system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") == 0) {
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 %s/tests/tools/validate_json.py "
			 "%s/schemas/extract-report.schema.json %s",
			 src, src, path);
		assert_int_equal(system(cmd), 0);
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- page identity ---- */

static void pages__same_page_size_and_frame__one_entry(void **state)
{
	struct loc_page_map m;
	struct loc_pages p;

	loc_map_init(&m, 0);
	loc_map_add(&m, 0, 0x1000, 4096);
	loc_map_add(&m, 0, 0x1fff, 4096);
	loc_map_add(&m, 0, 0x2000, 4096);
	loc_map_add(&m, 0, 0x2000, 0);		/* unknown size: 4 KiB */
	loc_map_add(&m, 0, 0x200000, 2 << 20);	/* same 2 MiB page ... */
	loc_map_add(&m, 0, 0x3fffff, 2 << 20);	/* ... as this one */
	loc_map_add(&m, 0, 0x200000, 4096);	/* a 4 KiB page at the same address differs */
	loc_map_add(&m, 1, 0x1000, 4096);	/* another cluster on page 0x1000 */
	loc_pages_build(&p, &m);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.nr_pages, 4);
	assert_int_equal(m.samples, 8);
	/* Sorted by page then cid: the two clusters of page 0x1000 are adjacent. */
	for (size_t i = 0; i < p.n; i++) {
		if (loc_entry_page(&p.e[i]) != loc_entry_page(&p.e[0]))
			continue;
		assert_true(i < 2);
	}
	loc_pages_release(&p);
	loc_map_release(&m);
}

/* ---- affinity and score on a hand-computed example ---- */

static void affinity__overlap_of_the_smaller__hand_computed(void **state)
{
	/* cids 0 = (g0, A), 1 = (g0, B), 2 = (g1, A). */
	static const uint32_t gid[] = {0, 0, 1}, nid[] = {0, 1, 0};
	struct loc_clusters c = {3, gid, nid, 2};
	struct loc_page_map m;
	struct loc_pages p;
	uint64_t shared[4], tracked[2];
	int unit_of[2] = {0, 1}, subcell_of[2];
	struct loc_score sc;

	loc_map_init(&m, 0);
	for (int i = 0; i < 4; i++)
		loc_map_add(&m, 0, PG(1), 4096); /* p1: A 4, B 2 */
	for (int i = 0; i < 2; i++)
		loc_map_add(&m, 1, PG(1), 4096);
	loc_map_add(&m, 0, PG(2), 4096);	/* p2: A 1 */
	for (int i = 0; i < 3; i++)
		loc_map_add(&m, 1, PG(3), 4096); /* p3: B 3 */
	for (int i = 0; i < 5; i++)
		loc_map_add(&m, 2, PG(4), 4096); /* p4: A in another cell 5, B 1 */
	loc_map_add(&m, 1, PG(4), 4096);
	loc_pages_build(&p, &m);

	loc_affinity(&p, &c, unit_of, 2, shared, tracked);
	assert_int_equal(tracked[0], 10);
	assert_int_equal(tracked[1], 6);
	/* min(4, 2) on p1; p4 is shared across cells, which no subcell layout can keep. */
	assert_int_equal(shared[0 * 2 + 1], 2);
	assert_int_equal(shared[1 * 2 + 0], 2);
	assert_int_equal(shared[0], 0);

	/* A and B together: p1 retained (6 accesses); p4 spans two cells (6), not retained. */
	subcell_of[0] = subcell_of[1] = 0;
	loc_score_compute(&p, &c, subcell_of, 1, &sc);
	assert_int_equal(sc.pages, 4);
	assert_int_equal(sc.accesses, 16);
	assert_int_equal(sc.shared_pages, 2);
	assert_int_equal(sc.shared_accesses, 12);
	assert_int_equal(sc.retained_accesses, 6);
	assert_true(loc_score_retained(&sc) == 0.5);
	assert_int_equal(sc.sc[0].pages_private, 2);
	assert_int_equal(sc.sc[0].pages_within, 1);
	assert_int_equal(sc.sc[0].pages_across, 1);
	loc_score_release(&sc);

	/* Apart: nothing retained; each subcell sees p1 and p4 as shared across. */
	subcell_of[1] = 1;
	loc_score_compute(&p, &c, subcell_of, 2, &sc);
	assert_int_equal(sc.retained_accesses, 0);
	assert_true(loc_score_retained(&sc) == 0.0);
	assert_int_equal(sc.sc[0].pages, 3);
	assert_int_equal(sc.sc[0].pages_across, 2);
	assert_int_equal(sc.sc[1].pages, 3);
	assert_int_equal(sc.sc[1].pages_private, 1);
	assert_int_equal(sc.sc[1].accesses, 6);
	loc_score_release(&sc);
	loc_pages_release(&p);
	loc_map_release(&m);
}

static void patterns__prefix_of_another__kept_once(void **state)
{
	char a[] = "webserver", b[] = "web", c[] = "mc", d[] = "web", e[] = "mcrouter", f[] = "x";
	char *in[] = {a, b, c, d, e, f};
	char *out[6];
	size_t n = loc_patterns_minimal(in, 6, out);

	assert_int_equal(n, 3);
	assert_string_equal(out[0], "mc");
	assert_string_equal(out[1], "web");
	assert_string_equal(out[2], "x");
}

/* ---- end to end through extract_mem ---- */

/* web1/web2 and memcached share 100 pages; mcrouter has its own; tiny is noise. */
static void feed_web_memcached(struct extract_mem *x)
{
	touch(x, "web1", ALLOT_CG, 0, 100, 3);
	touch(x, "web2", ALLOT_CG, 0, 50, 2);
	touch(x, "memcached", ALLOT_CG, 0, 100, 2);
	touch(x, "memcached", ALLOT_CG, 500, 20, 1);
	touch(x, "mcrouter", ALLOT_CG, 1000, 100, 3);
	touch(x, "tiny", ALLOT_CG, 2000, 5, 1);
	add_n(x, "web1", ALLOT_CG, 0, 0, 10); /* no physical address: grouped, not tracked */
}

static void locality__shared_pages__web_and_memcached_together(void **state)
{
	struct extract_mem *x = xm_locality(EXTRACT_DEFAULT_AFFINITY, CELL_MAX_SUBCELLS);
	json_t *cfg, *subs, *rep;
	char *text;

	feed_web_memcached(x);
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	assert_json_eq(subs, "[{\"name\":\"mcrouter\",\"matches\":[[{\"CommPrefix\":\"mcrouter\"}]]},"
			     "{\"name\":\"memcached+web\",\"matches\":[[{\"CommPrefix\":"
			     "\"memcached\"}],[{\"CommPrefix\":\"web\"}]]},"
			     "{\"name\":\"rest\",\"matches\":[[]]}]");
	json_decref(cfg);

	text = report_json_checked(x);
	rep = json_loads(text, 0, NULL);
	assert_non_null(rep);
	{
		json_t *layouts = json_object_get(rep, "layouts");
		json_t *loc = json_array_get(layouts, 0), *comm = json_array_get(layouts, 1);

		assert_string_equal(json_string_value(json_object_get(loc, "cluster")), "locality");
		assert_true(json_is_true(json_object_get(loc, "chosen")));
		assert_string_equal(json_string_value(json_object_get(comm, "cluster")), "comm");
		/* Every shared page (0..99) is kept together by locality, none by comm. */
		assert_true(json_real_value(json_object_get(loc, "locality_retained")) == 1.0);
		assert_true(json_real_value(json_object_get(comm, "locality_retained")) == 0.0);
		assert_int_equal(json_integer_value(json_object_get(loc, "shared_pages")), 100);
		/* web: 400 tracked accesses, memcached 220; pages 0-49: min(5, 2), pages 50-99:
		 * min(3, 2), so 200 shared; the overlap of the smaller is 200 / 220. */
		assert_non_null(strstr(text, "\"affinity\": [\n    {\n      \"a\": \"memcached\",\n"
					     "      \"b\": \"web\",\n      \"affinity\": "
					     "0.9090909090909091,\n      \"shared_accesses\": 200\n"));
		assert_int_equal(json_array_size(json_object_get(rep, "merges")), 1);
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(rep, "merges"), 0), "reason")),
				    "affinity");
	}
	json_decref(rep);
	free(text);
	extract_mem_free(x);
}

static void locality__verbose_report__sections_and_scores(void **state)
{
	struct extract_mem *x = xm_locality(EXTRACT_DEFAULT_AFFINITY, CELL_MAX_SUBCELLS);
	struct strbuf sb = STRBUF_INIT;
	const char *loc;

	feed_web_memcached(x);
	extract_mem_finish(x);
	extract_mem_report(x, 1, &sb);
	loc = strstr(sb.buf, "\nlocality in allotment:");
	assert_non_null(loc);
	assert_string_equal(
		loc,
		"\nlocality in allotment: 935 samples, 925 with a physical address, 225 pages, "
		"100 shared by several clusters\n"
		"  affinity memcached ~ web: 0.91 (200 shared accesses)\n"
		"  merged memcached + web: affinity 0.91 > 0.10\n"
		"  subcells with --cluster locality:\n"
		"    mcrouter: mcrouter (300 samples, 100 pages: 100 private, 0 shared within, 0 "
		"shared across)\n"
		"    memcached+web: web*, memcached (630 samples, 120 pages: 20 private, 100 shared "
		"within, 0 shared across)\n"
		"    rest: tiny (5 samples, 5 pages: 5 private, 0 shared within, 0 shared across)\n"
		"  subcells with --cluster comm:\n"
		"    mcrouter: mcrouter (300 samples, 100 pages: 100 private, 0 shared within, 0 "
		"shared across)\n"
		"    memcached: memcached (220 samples, 120 pages: 20 private, 0 shared within, 100 "
		"shared across)\n"
		"    web: web* (410 samples, 100 pages: 0 private, 0 shared within, 100 shared "
		"across)\n"
		"    rest: tiny (5 samples, 5 pages: 5 private, 0 shared within, 0 shared across)\n"
		"  locality retained: 100.00% with --cluster locality, 0.00% with --cluster comm\n");
	strbuf_release(&sb);
	extract_mem_free(x);
}

static void locality__below_threshold__kept_apart(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *allot;

	/* a and b share 1 page out of 50 each: affinity 1/50 = 0.02. */
	for (int pass = 0; pass < 2; pass++) {
		x = xm_locality(pass ? 0.01 : 0.05, CELL_MAX_SUBCELLS);
		touch(x, "a", ALLOT_CG, 0, 50, 1);
		touch(x, "b", ALLOT_CG, 49, 50, 1);
		extract_mem_finish(x);
		cfg = config_json(x);
		allot = spec_named(cfg, "allotment");
		if (pass) {
			assert_non_null(subcell_named(allot, "a+b"));
		} else {
			assert_non_null(subcell_named(allot, "a"));
			assert_non_null(subcell_named(allot, "b"));
		}
		json_decref(cfg);
		extract_mem_free(x);
	}
}

static void locality__over_limit__best_affinity_then_least_sampled(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *subs, *rep, *merges;
	char *text, comm[8];

	/* Nine clusters ca..ci of 10-18 % (20..12 pages); only ch and ci share pages
	 * (4 of ch's 13: affinity 0.31), below the 0.9 threshold. The limit (3 = 2 +
	 * rest) forces merges: first the only affine pair, then the least-sampled
	 * units go to rest one by one. */
	logs_capture();
	x = xm_locality(0.9, 3);
	for (int i = 0; i < 9; i++) {
		snprintf(comm, sizeof(comm), "c%c", 'a' + i);
		touch(x, comm, ALLOT_CG, (unsigned)i * 100, 20 - (unsigned)i, 1);
	}
	touch(x, "ci", ALLOT_CG, 700, 4, 1); /* ci: 12 + 4 accesses, 4 on ch's pages */
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	assert_int_equal(json_array_size(subs), 3);
	text = report_json_checked(x);
	rep = json_loads(text, 0, NULL);
	merges = json_object_get(rep, "merges");
	assert_json_eq(json_array_get(merges, 0),
		       "{\"a\":\"ch\",\"b\":\"ci\",\"affinity\":0.30769230769230771,"
		       "\"reason\":\"limit\"}");
	/* ch+ci now has 29 samples: more than cb..cg, which go to rest, least first. */
	assert_int_equal(json_array_size(merges), 7);
	for (int i = 1; i < 7; i++) {
		json_t *m = json_array_get(merges, (size_t)i);

		snprintf(comm, sizeof(comm), "c%c", 'g' - (i - 1));
		assert_string_equal(json_string_value(json_object_get(m, "a")), comm);
		assert_string_equal(json_string_value(json_object_get(m, "b")), "rest");
		assert_string_equal(json_string_value(json_object_get(m, "reason")), "limit");
	}
	/* Left: ca (20) and ch+ci (29); cb (19) was the last to go. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 0), "name")), "ca");
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 1), "name")),
			    "ch+ci");
	log_set_file(NULL);
	json_decref(rep);
	free(text);
	json_decref(cfg);
	extract_mem_free(x);
}

static void locality__six_sharing_clusters__at_most_four_or_groups(void **state)
{
	struct extract_mem *x = xm_locality(0.0, CELL_MAX_SUBCELLS);
	json_t *cfg, *subs, *sc;
	size_t i, total = 0;
	char comm[8];

	for (int k = 0; k < 6; k++) {
		snprintf(comm, sizeof(comm), "s%c", 'a' + k);
		touch(x, comm, ALLOT_CG, 0, 10, 1);
	}
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	json_array_foreach(subs, i, sc) {
		size_t ors = json_array_size(json_object_get(sc, "matches"));

		assert_true(ors <= CELL_MAX_ORS);
		if (strcmp(json_string_value(json_object_get(sc, "name")), "rest"))
			total += ors;
	}
	assert_int_equal(total, 6);
	assert_non_null(subcell_named(spec_named(cfg, "allotment"), "sa+sb+sc+sd"));
	assert_non_null(subcell_named(spec_named(cfg, "allotment"), "se+sf"));
	json_decref(cfg);
	extract_mem_free(x);
}

static void locality__different_cells__never_merged(void **state)
{
	struct extract_mem *x = xm_locality(EXTRACT_DEFAULT_AFFINITY, CELL_MAX_SUBCELLS);
	json_t *cfg, *allot;
	char *text;

	touch(x, "web", "/workload.slice/workload-tw-a.allotment.slice", 0, 50, 2);
	touch(x, "memcached", "/workload.slice/workload-tw-b.allotment.slice", 0, 50, 2);
	extract_mem_finish(x);
	cfg = config_json(x);
	allot = spec_named(cfg, "allotment");
	assert_non_null(subcell_named(allot, "web"));
	assert_non_null(subcell_named(allot, "memcached"));
	text = report_json_checked(x);
	{
		json_t *rep = json_loads(text, 0, NULL);
		json_t *loc = json_array_get(json_object_get(rep, "layouts"), 0);

		assert_int_equal(json_array_size(json_object_get(rep, "affinity")), 0);
		assert_int_equal(json_integer_value(json_object_get(loc, "shared_pages")), 50);
		assert_true(json_real_value(json_object_get(loc, "locality_retained")) == 0.0);
		json_decref(rep);
	}
	free(text);
	json_decref(cfg);
	extract_mem_free(x);
}

static void locality__small_page_cap__uniform_page_sampling(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	json_t *rep, *pm, *loc;
	char *text;

	extract_mem_opts_init(&o);
	o.cluster = EXTRACT_CLUSTER_LOCALITY;
	o.max_page_entries = 256;
	logs_capture();
	x = xm_new(&o);
	/* 4000 pages shared by two clusters (8000 entries), 2000 private to a third. */
	touch(x, "a", ALLOT_CG, 0, 4000, 1);
	touch(x, "b", ALLOT_CG, 0, 4000, 1);
	touch(x, "c", ALLOT_CG, 10000, 2000, 2);
	extract_mem_finish(x);
	assert_true(logs_have("locality is measured on a uniform 1/"));
	text = report_json_checked(x);
	rep = json_loads(text, 0, NULL);
	pm = json_object_get(rep, "page_map");
	assert_true(json_integer_value(json_object_get(pm, "sampling")) >= 32);
	assert_true(json_integer_value(json_object_get(pm, "entries")) <= 256);
	assert_true(json_integer_value(json_object_get(pm, "entries")) > 0);
	/* The estimate stays exact here: every sampled shared page is kept together. */
	loc = json_array_get(json_object_get(rep, "layouts"), 0);
	assert_true(json_real_value(json_object_get(loc, "locality_retained")) == 1.0);
	json_decref(rep);
	rep = config_json(x);
	assert_non_null(subcell_named(spec_named(rep, "allotment"), "a+b"));
	log_set_file(NULL);
	json_decref(rep);
	free(text);
	extract_mem_free(x);
}

static void locality__comm_mode_report__comm_layout_only(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	json_t *rep;
	char *text;

	extract_mem_opts_init(&o);
	o.track_pages = true;
	x = xm_new(&o);
	feed_web_memcached(x);
	extract_mem_finish(x);
	text = report_json_checked(x);
	rep = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(rep, "cluster")), "comm");
	assert_int_equal(json_array_size(json_object_get(rep, "layouts")), 1);
	assert_int_equal(json_array_size(json_object_get(rep, "merges")), 0);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(rep, "layouts"), 0),
						 "chosen")));
	json_decref(rep);
	free(text);
	extract_mem_free(x);
}

static void locality__no_physical_addresses__comm_layout_unchanged(void **state)
{
	struct extract_mem *x = xm_locality(EXTRACT_DEFAULT_AFFINITY, CELL_MAX_SUBCELLS);
	struct strbuf sb = STRBUF_INIT;
	json_t *cfg;

	add_n(x, "web", ALLOT_CG, 0, 0, 10);
	add_n(x, "db", ALLOT_CG, 0, 0, 10);
	extract_mem_finish(x);
	cfg = config_json(x);
	assert_non_null(subcell_named(spec_named(cfg, "allotment"), "web"));
	assert_non_null(subcell_named(spec_named(cfg, "allotment"), "db"));
	extract_mem_report(x, 1, &sb);
	assert_non_null(strstr(sb.buf, "  no two significant clusters share a page\n"));
	assert_non_null(strstr(sb.buf, "locality retained: n/a with --cluster locality, n/a with "
				       "--cluster comm (no page is shared by two clusters)\n"));
	strbuf_release(&sb);
	json_decref(cfg);
	extract_mem_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages__same_page_size_and_frame__one_entry),
		cmocka_unit_test(affinity__overlap_of_the_smaller__hand_computed),
		cmocka_unit_test(patterns__prefix_of_another__kept_once),
		cmocka_unit_test(locality__shared_pages__web_and_memcached_together),
		cmocka_unit_test(locality__verbose_report__sections_and_scores),
		cmocka_unit_test(locality__below_threshold__kept_apart),
		cmocka_unit_test(locality__over_limit__best_affinity_then_least_sampled),
		cmocka_unit_test(locality__six_sharing_clusters__at_most_four_or_groups),
		cmocka_unit_test(locality__different_cells__never_merged),
		cmocka_unit_test(locality__small_page_cap__uniform_page_sampling),
		cmocka_unit_test(locality__comm_mode_report__comm_layout_only),
		cmocka_unit_test(locality__no_physical_addresses__comm_layout_unchanged),
		cmocka_unit_test(schema__every_config__validates),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
