// SPDX-License-Identifier: GPL-2.0
/*
 * extract mem: upstream's extract tests (reference/scxprof-upstream.md §5.2,
 * tests 7-12), the worked -v report of §4.2, the serde-pretty golden config of
 * §4.3, the reader's limits, group collisions and regex handling. Every config
 * produced is checked against schemas/cell-config.schema.json at the end.
 */
#include "test_common.h"

#include "extract_helpers.h"

/* Upstream test data for 7 and 8: alpha 60 x h0, 20 x h7, 10 x h9; beta 10 x h0. */
static struct extract_mem *alpha_beta_hints(bool use_hints)
{
	struct extract_mem_opts o;
	struct extract_mem *x;

	extract_mem_opts_init(&o);
	o.use_hints = use_hints;
	x = xm_new(&o);
	add_n(x, "alpha", ALLOT_CG, 0, 0x1000, 60);
	add_n(x, "alpha", ALLOT_CG, 7, 0x1000, 20);
	add_n(x, "alpha", ALLOT_CG, 9, 0x1000, 10);
	add_n(x, "beta", ALLOT_CG, 0, 0x2000, 10);
	extract_mem_finish(x);
	return x;
}

/* Test 7. */
static void extract__hints_without_flag__no_split(void **state)
{
	struct extract_mem *x = alpha_beta_hints(false);
	json_t *cfg = config_json(x), *allot = spec_named(cfg, "allotment"), *alpha;

	assert_non_null(allot);
	alpha = subcell_named(allot, "alpha");
	assert_non_null(alpha);
	assert_null(json_object_get(alpha, "subcells"));
	assert_json_eq(json_object_get(alpha, "matches"), "[[{\"CommPrefix\":\"alpha\"}]]");
	assert_null(subcell_named(allot, "alpha@hint=0"));
	assert_int_equal(json_array_size(json_object_get(allot, "subcells")), 3);
	json_decref(cfg);
	extract_mem_free(x);
}

/* Test 8. */
static void extract__hints_with_flag__split_per_significant_hint(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *allot, *subs;
	char *text;

	logs_capture();
	x = alpha_beta_hints(true);
	text = config_text_checked(x, false); /* Hint terms: the reader (and schema) reject them */
	cfg = json_loads(text, 0, NULL);
	allot = spec_named(cfg, "allotment");
	subs = json_object_get(allot, "subcells");
	assert_int_equal(json_array_size(subs), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 0), "name")),
			    "alpha@hint=0");
	assert_json_eq(json_object_get(subcell_named(allot, "alpha@hint=0"), "matches"),
		       "[[{\"CommPrefix\":\"alpha\"},{\"Hint\":0}]]");
	assert_json_eq(json_object_get(subcell_named(allot, "alpha@hint=7"), "matches"),
		       "[[{\"CommPrefix\":\"alpha\"},{\"Hint\":7}]]");
	assert_json_eq(json_object_get(subcell_named(allot, "alpha@hint=9"), "matches"),
		       "[[{\"CommPrefix\":\"alpha\"},{\"Hint\":9}]]");
	assert_json_eq(json_object_get(subcell_named(allot, "beta"), "matches"),
		       "[[{\"CommPrefix\":\"beta\"}]]");
	assert_null(subcell_named(allot, "alpha"));
	assert_true(logs_have("rejects the {\"Hint\": ...} terms"));
	log_set_file(NULL);
	json_decref(cfg);
	free(text);
	extract_mem_free(x);
}

/* Test 9. */
static void extract__three_groups__top_level_matchers(void **state)
{
	struct extract_mem *x = xm_default();
	json_t *cfg;

	add_n(x, "alpha", ALLOT_CG, 0, 1, 10);
	add_n(x, "beta", WORKLOAD_CG, 0, 1, 10);
	add_n(x, "gamma", REST_CG, 0, 1, 10);
	extract_mem_finish(x);
	cfg = config_json(x);
	assert_int_equal(json_array_size(cfg), 3);
	assert_json_eq(json_object_get(json_array_get(cfg, 0), "matches"),
		       "{\"CgroupRegex\":\"workload-tw-[^/]+\\\\.allotment\\\\.slice\"}");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cfg, 1), "name")),
			    "workload.slice");
	assert_json_eq(json_object_get(json_array_get(cfg, 1), "matches"),
		       "{\"CgroupContains\":\"workload.slice\"}");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cfg, 2), "name")),
			    "rest");
	assert_json_eq(json_object_get(json_array_get(cfg, 2), "matches"), "{}");
	/* Only the allotment spec gets subcells (upstream: TODO for the others). */
	assert_null(json_object_get(json_array_get(cfg, 1), "subcells"));
	assert_null(json_object_get(json_array_get(cfg, 2), "subcells"));
	json_decref(cfg);
	extract_mem_free(x);
}

/* Test 10. */
static void extract__numeric_suffixes__merged_into_significant_stem(void **state)
{
	struct extract_mem *x = xm_default();
	json_t *cfg, *allot;

	add_n(x, "mcrpxy-webNR1", ALLOT_CG, 0, 1, 4);
	add_n(x, "mcrpxy-webNR2", ALLOT_CG, 0, 1, 4);
	add_n(x, "beta", ALLOT_CG, 0, 1, 92);
	extract_mem_finish(x);
	cfg = config_json(x);
	allot = spec_named(cfg, "allotment");
	assert_json_eq(json_object_get(subcell_named(allot, "mcrpxy-webNR"), "matches"),
		       "[[{\"CommPrefix\":\"mcrpxy-webNR\"}]]");
	assert_null(subcell_named(allot, "mcrpxy-webNR1"));
	assert_null(subcell_named(allot, "mcrpxy-webNR2"));
	json_decref(cfg);
	extract_mem_free(x);
}

/* Test 11. */
static void extract__merged_comm_with_hints__split_by_hint(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	json_t *cfg, *allot;
	char *text;

	extract_mem_opts_init(&o);
	o.use_hints = true;
	logs_capture();
	x = xm_new(&o);
	add_n(x, "mcrpxy-webNR1", ALLOT_CG, 0, 1, 3);
	add_n(x, "mcrpxy-webNR1", ALLOT_CG, 7, 1, 1);
	add_n(x, "mcrpxy-webNR2", ALLOT_CG, 7, 1, 3);
	add_n(x, "mcrpxy-webNR2", ALLOT_CG, 9, 1, 1);
	add_n(x, "beta", ALLOT_CG, 0, 1, 92);
	extract_mem_finish(x);
	text = config_text_checked(x, false);
	cfg = json_loads(text, 0, NULL);
	allot = spec_named(cfg, "allotment");
	for (unsigned h = 0; h <= 9; h++) {
		char name[64], want[128];
		json_t *sc;

		snprintf(name, sizeof(name), "mcrpxy-webNR@hint=%u", h);
		sc = subcell_named(allot, name);
		if (h != 0 && h != 7 && h != 9) {
			assert_null(sc);
			continue;
		}
		assert_non_null(sc);
		snprintf(want, sizeof(want), "[[{\"CommPrefix\":\"mcrpxy-webNR\"},{\"Hint\":%u}]]", h);
		assert_json_eq(json_object_get(sc, "matches"), want);
	}
	log_set_file(NULL);
	json_decref(cfg);
	free(text);
	extract_mem_free(x);
}

/* Test 12. */
static void summary__merged_comm__counts_hints_and_concrete_comms(void **state)
{
	struct extract_mem *x = xm_default();
	struct mem_summary s;

	add_n(x, "mcrpxy-webNR1", ALLOT_CG, 0, 1, 1);
	add_n(x, "mcrpxy-webNR2", ALLOT_CG, 7, 1, 1);
	add_n(x, "mcrpxy-webNR3", ALLOT_CG, 7, 1, 1);
	extract_mem_finish(x);
	assert_int_equal(extract_mem_summarize(x, "workload-tw-foo.allotment.slice", &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.e[0].name, "mcrpxy-webNR");
	assert_int_equal(s.e[0].count, 3);
	assert_true(s.e[0].aggregated);
	assert_int_equal(s.e[0].nr_hints, 2);
	assert_int_equal(s.e[0].hints[0].hint, 7);
	assert_int_equal(s.e[0].hints[0].count, 2);
	assert_int_equal(s.e[0].hints[1].hint, 0);
	assert_int_equal(s.e[0].hints[1].count, 1);
	assert_int_equal(s.e[0].nr_comms, 3);
	for (int i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof(want), "mcrpxy-webNR%d", i + 1);
		assert_string_equal(s.e[0].comms[i].comm, want);
		assert_int_equal(s.e[0].comms[i].count, 1);
	}
	mem_summary_release(&s);
	assert_int_equal(extract_mem_summarize(x, "no-such-group", &s), -ENOENT);
	extract_mem_free(x);
}

/* §4.2's input: allotment alpha (hints 0x600, 7x200, 9x95, 3x5), beta x100, web1 x30,
 * web2 x25, tiny x5; workload.slice svc1 x100; rest gamma x100. */
static struct extract_mem *worked_example(bool use_hints)
{
	struct extract_mem_opts o;
	struct extract_mem *x;

	extract_mem_opts_init(&o);
	o.use_hints = use_hints;
	x = xm_new(&o);
	add_n(x, "alpha", ALLOT_CG, 0, 1, 600);
	add_n(x, "alpha", ALLOT_CG, 7, 1, 200);
	add_n(x, "alpha", ALLOT_CG, 9, 1, 95);
	add_n(x, "alpha", ALLOT_CG, 3, 1, 5);
	add_n(x, "beta", ALLOT_CG, 0, 1, 100);
	add_n(x, "web1", ALLOT_CG, 0, 1, 30);
	add_n(x, "web2", ALLOT_CG, 0, 1, 25);
	add_n(x, "tiny", ALLOT_CG, 0, 1, 5);
	add_n(x, "svc1", "/workload.slice/svc.service", 0, 1, 100);
	add_n(x, "gamma", REST_CG, 0, 1, 100);
	extract_mem_finish(x);
	return x;
}

static void report__worked_example_v__upstream_text(void **state)
{
	static const char want[] = "Total samples: 1260\n"
				   "\n"
				   "workload-tw-foo.allotment.slice: 1060 samples (84.13%)\n"
				   "  alpha: 900 (84.91%)\n"
				   "    hint=0: 600 (66.67%)\n"
				   "    hint=7: 200 (22.22%)\n"
				   "    hint=9: 95 (10.56%)\n"
				   "    ... 1 more hints below 1%\n"
				   "  beta: 100 (9.43%)\n"
				   "  web*: 55 (5.19%)\n"
				   "  ... 1 more below 1%\n"
				   "  * trailing numeric suffixes merged\n"
				   "\n"
				   "workload.slice: 100 samples (7.94%)\n"
				   "  svc: 100 (100.00%)\n"
				   "\n"
				   "rest: 100 samples (7.94%)\n"
				   "  gamma: 100 (100.00%)\n";
	struct strbuf sb = STRBUF_INIT;
	struct extract_mem *x;

	logs_capture();
	x = worked_example(true);
	extract_mem_report(x, 1, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_reset(&sb);
	extract_mem_report(x, 0, &sb);
	assert_string_equal(sb.buf, "");
	log_set_file(NULL);
	strbuf_release(&sb);
	extract_mem_free(x);
}

static void report__worked_example_vv__every_hint_and_comm(void **state)
{
	static const char want[] = "Total samples: 1260\n"
				   "\n"
				   "workload-tw-foo.allotment.slice: 1060 samples (84.13%)\n"
				   "  alpha: 900 (84.91%)\n"
				   "    hint=0: 600 (66.67%)\n"
				   "    hint=7: 200 (22.22%)\n"
				   "    hint=9: 95 (10.56%)\n"
				   "    hint=3: 5 (0.56%)\n"
				   "  beta: 100 (9.43%)\n"
				   "  web*: 55 (5.19%)\n"
				   "    web1: 30 (54.55%)\n"
				   "    web2: 25 (45.45%)\n"
				   "  tiny: 5 (0.47%)\n"
				   "  * trailing numeric suffixes merged\n"
				   "\n"
				   "workload.slice: 100 samples (7.94%)\n"
				   "  svc: 100 (100.00%)\n"
				   "\n"
				   "rest: 100 samples (7.94%)\n"
				   "  gamma: 100 (100.00%)\n";
	struct strbuf sb = STRBUF_INIT;
	struct extract_mem *x;

	logs_capture();
	x = worked_example(true);
	extract_mem_report(x, 2, &sb);
	assert_string_equal(sb.buf, want);
	log_set_file(NULL);
	strbuf_release(&sb);
	extract_mem_free(x);
}

static void report__without_hints__no_hint_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct extract_mem *x = worked_example(false);

	extract_mem_report(x, 1, &sb);
	assert_null(strstr(sb.buf, "hint="));
	assert_non_null(strstr(sb.buf, "  alpha: 900 (84.91%)\n  beta: 100 (9.43%)\n"));
	strbuf_release(&sb);
	extract_mem_free(x);
}

/* §4.3's worked example (alpha 90 %, beta 10 %, plus workload and rest samples) is
 * byte-identical to serde_json::to_string_pretty. */
static void config__upstream_example__serde_pretty_golden(void **state)
{
	struct extract_mem *x = xm_default();
	char *text, *want;
	size_t len = 0;

	add_n(x, "alpha", ALLOT_CG, 0, 1, 90);
	add_n(x, "beta", ALLOT_CG, 0, 1, 10);
	add_n(x, "svc", WORKLOAD_CG, 0, 1, 10);
	add_n(x, "gamma", REST_CG, 0, 1, 10);
	extract_mem_finish(x);
	text = config_text_checked(x, true);
	want = test_read_file(test_data_path("json/serde_pretty_cell_config.json"), &len);
	assert_non_null(want);
	/* With the trailing newline println! adds. */
	assert_int_equal(strlen(text), len);
	assert_memory_equal(text, want, len);
	free(want);
	free(text);
	extract_mem_free(x);
}

static void config__no_samples__empty_array_and_warning(void **state)
{
	struct extract_mem *x;
	struct strbuf sb = STRBUF_INIT;
	char *text;

	logs_capture();
	x = xm_default();
	extract_mem_finish(x);
	text = config_text_checked(x, false); /* the reader refuses [] */
	assert_string_equal(text, "[]\n");
	assert_true(logs_have("no samples"));
	extract_mem_report(x, 1, &sb);
	assert_string_equal(sb.buf, "Total samples: 0\n");
	log_set_file(NULL);
	strbuf_release(&sb);
	free(text);
	extract_mem_free(x);
}

static void config__only_rest__catch_all_spec(void **state)
{
	struct extract_mem *x = xm_default();
	char *text;

	add_n(x, "gamma", REST_CG, 0, 1, 3);
	extract_mem_finish(x);
	text = config_text_checked(x, true);
	assert_string_equal(text, "[\n  {\n    \"name\": \"rest\",\n    \"matches\": {}\n  }\n]\n");
	free(text);
	extract_mem_free(x);
}

static void significance__exactly_5_percent__not_significant(void **state)
{
	struct extract_mem *x = xm_default();
	json_t *cfg, *allot;

	/* 5 / 100 = 5.00 % exactly: not > 5; 6 / 100 is. */
	add_n(x, "five", ALLOT_CG, 0, 1, 5);
	add_n(x, "six", ALLOT_CG, 0, 1, 6);
	add_n(x, "big", ALLOT_CG, 0, 1, 89);
	extract_mem_finish(x);
	cfg = config_json(x);
	allot = spec_named(cfg, "allotment");
	assert_null(subcell_named(allot, "five"));
	assert_non_null(subcell_named(allot, "six"));
	assert_non_null(subcell_named(allot, "big"));
	json_decref(cfg);
	extract_mem_free(x);
}

static void significance__none__no_subcells_at_all(void **state)
{
	struct extract_mem *x = xm_default();
	json_t *cfg;
	char name[8];

	for (int i = 0; i < 25; i++) { /* 25 comms of 4 % each */
		snprintf(name, sizeof(name), "c%c", 'a' + i);
		add_n(x, name, ALLOT_CG, 0, 1, 4);
	}
	extract_mem_finish(x);
	cfg = config_json(x);
	assert_null(json_object_get(spec_named(cfg, "allotment"), "subcells"));
	json_decref(cfg);
	extract_mem_free(x);
}

static void limits__ten_significant_comms__seven_kept_rest_takes_others(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *subs;
	char name[8];

	logs_capture();
	x = xm_default();
	for (int i = 0; i < 10; i++) { /* c0 has the most samples, c9 the fewest */
		snprintf(name, sizeof(name), "c%c", 'a' + i);
		add_n(x, name, ALLOT_CG, 0, 1, 20 - (unsigned)i);
	}
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	assert_int_equal(json_array_size(subs), CELL_MAX_SUBCELLS);
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "c%c", 'a' + i);
		assert_string_equal(json_string_value(json_object_get(json_array_get(subs, (size_t)i),
								      "name")),
				    name);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 7), "name")),
			    "rest");
	assert_true(logs_have("10 significant comm clusters exceed the limit of 8 subcells per "
			      "cell (rest included); the least-sampled go to rest: ch, ci, cj"));
	log_set_file(NULL);
	json_decref(cfg);
	extract_mem_free(x);
}

static void limits__max_subcells_option__smaller_cells(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	json_t *cfg, *subs;

	extract_mem_opts_init(&o);
	o.max_subcells = 3;
	logs_capture();
	x = xm_new(&o);
	add_n(x, "aa", ALLOT_CG, 0, 1, 40);
	add_n(x, "bb", ALLOT_CG, 0, 1, 30);
	add_n(x, "cc", ALLOT_CG, 0, 1, 30);
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	/* bb and cc tie on samples: the name breaks it, cc goes to rest. */
	assert_json_eq(subs, "[{\"name\":\"aa\",\"matches\":[[{\"CommPrefix\":\"aa\"}]]},"
			     "{\"name\":\"bb\",\"matches\":[[{\"CommPrefix\":\"bb\"}]]},"
			     "{\"name\":\"rest\",\"matches\":[[]]}]");
	log_set_file(NULL);
	json_decref(cfg);
	extract_mem_free(x);

	o.max_subcells = 9;
	{
		struct strbuf err = STRBUF_INIT;

		assert_int_equal(extract_mem_new(&o, &x, &err), -EINVAL);
		assert_non_null(strstr(err.buf, "max subcells"));
		strbuf_release(&err);
	}
}

static void limits__16_byte_comm__prefix_cut_to_15(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *allot;

	logs_capture();
	x = xm_default();
	add_n(x, "abcdefghijklmnop", ALLOT_CG, 0, 1, 50);	  /* 16 bytes */
	add_n(x, "abcdefghijklmn\xc3\xa9", ALLOT_CG, 0, 1, 50); /* 14 + a 2-byte character */
	extract_mem_finish(x);
	cfg = config_json(x);
	allot = spec_named(cfg, "allotment");
	assert_json_eq(json_object_get(subcell_named(allot, "abcdefghijklmnop"), "matches"),
		       "[[{\"CommPrefix\":\"abcdefghijklmno\"}]]");
	/* Cut before the 'é', never inside it. */
	assert_json_eq(json_object_get(subcell_named(allot, "abcdefghijklmn\xc3\xa9"), "matches"),
		       "[[{\"CommPrefix\":\"abcdefghijklmn\"}]]");
	assert_true(logs_have("comm 'abcdefghijklmnop' is longer than 15 bytes"));
	log_set_file(NULL);
	json_decref(cfg);
	extract_mem_free(x);
}

static void order__prefix_of_another__longer_first(void **state)
{
	struct extract_mem *x;
	json_t *cfg, *subs;

	logs_capture();
	x = xm_default();
	add_n(x, "web1", ALLOT_CG, 0, 1, 30);
	add_n(x, "web2", ALLOT_CG, 0, 1, 30);
	add_n(x, "webserver", ALLOT_CG, 0, 1, 40);
	extract_mem_finish(x);
	cfg = config_json(x);
	subs = json_object_get(spec_named(cfg, "allotment"), "subcells");
	/* Upstream order (by name) would let "web" catch webserver's threads. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 0), "name")),
			    "webserver");
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 1), "name")),
			    "web");
	assert_true(logs_have("subcells reordered"));
	log_set_file(NULL);
	json_decref(cfg);
	extract_mem_free(x);
}

static void order__single_comm_quirk__name_differs_from_prefix(void **state)
{
	struct extract_mem *x = xm_default();
	json_t *cfg, *allot;

	add_n(x, "worker1", ALLOT_CG, 0, 1, 10);
	add_n(x, "beta", ALLOT_CG, 0, 1, 10);
	extract_mem_finish(x);
	cfg = config_json(x);
	allot = spec_named(cfg, "allotment");
	assert_json_eq(json_object_get(subcell_named(allot, "worker"), "matches"),
		       "[[{\"CommPrefix\":\"worker1\"}]]");
	json_decref(cfg);
	extract_mem_free(x);
}

static void classify__groups__substring_regex_match_text(void **state)
{
	struct extract_mem *x = xm_default();
	struct strbuf sb = STRBUF_INIT;
	json_t *cfg;

	add_n(x, "a", "/workload.slice/workload-tw-one.allotment.slice/x", 0, 1, 3);
	add_n(x, "a", "/workload.slice/workload-tw-two.allotment.slice", 0, 1, 2);
	add_n(x, "b", "/workload.slice/plain.service", 0, 1, 1);
	add_n(x, "c", "/workload-tw-x.allotment.slice", 0, 1, 1); /* no "workload.slice": rest */
	add_n(x, "d", "", 0, 1, 1);
	extract_mem_finish(x);
	extract_mem_report(x, 1, &sb);
	/* Allotment groups first (by name), then workload, then rest. */
	assert_string_equal(sb.buf, "Total samples: 8\n"
				    "\n"
				    "workload-tw-one.allotment.slice: 3 samples (37.50%)\n"
				    "  a: 3 (100.00%)\n"
				    "\n"
				    "workload-tw-two.allotment.slice: 2 samples (25.00%)\n"
				    "  a: 2 (100.00%)\n"
				    "\n"
				    "workload.slice: 1 samples (12.50%)\n"
				    "  b: 1 (100.00%)\n"
				    "\n"
				    "rest: 2 samples (25.00%)\n"
				    "  c: 1 (50.00%)\n"
				    "  d: 1 (50.00%)\n");
	/* The allotment groups are clustered together: a has 5 of 5. */
	cfg = config_json(x);
	assert_non_null(subcell_named(spec_named(cfg, "allotment"), "a"));
	json_decref(cfg);
	strbuf_release(&sb);
	extract_mem_free(x);
}

static void classify__match_text_collisions__merge_into_workload_and_rest(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	struct strbuf sb = STRBUF_INIT;

	extract_mem_opts_init(&o);
	o.allotment_regex = "workload\\.slice|rest";
	x = xm_new(&o);
	add_n(x, "a", "/workload.slice/x", 0, 1, 1);	     /* match text = workload string */
	add_n(x, "b", "/workload.slice-rest/y", 0, 1, 1); /* leftmost match: workload.slice */
	add_n(x, "c", "/rest/workload.slice", 0, 1, 1);   /* leftmost match: rest */
	extract_mem_finish(x);
	extract_mem_report(x, 1, &sb);
	assert_string_equal(sb.buf, "Total samples: 3\n"
				    "\n"
				    "workload.slice: 2 samples (66.67%)\n"
				    "  a: 1 (50.00%)\n"
				    "  b: 1 (50.00%)\n"
				    "\n"
				    "rest: 1 samples (33.33%)\n"
				    "  c: 1 (100.00%)\n");
	strbuf_release(&sb);
	extract_mem_free(x);
}

static void normalize__trailing_digits__stem_or_whole(void **state)
{
	assert_int_equal(comm_normalize("web12", 5), 3);
	assert_int_equal(comm_normalize("web", 3), 3);
	assert_int_equal(comm_normalize("1234", 4), 4);	/* all digits keep their name */
	assert_int_equal(comm_normalize("a1b2", 4), 3);
	assert_int_equal(comm_normalize("", 0), 0);
}

static void regex__invalid__pcre2_message_and_offset(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x = NULL;
	struct strbuf err = STRBUF_INIT;

	extract_mem_opts_init(&o);
	o.allotment_regex = "workload-(tw";
	assert_int_equal(extract_mem_new(&o, &x, &err), -EINVAL);
	assert_null(x);
	assert_string_equal(err.buf, "invalid allotment regex 'workload-(tw': missing closing "
				     "parenthesis at offset 12");
	strbuf_release(&err);
}

static void regex__anchored_or_lookaround__warned(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;

	extract_mem_opts_init(&o);
	logs_capture();
	o.allotment_regex = "^/workload\\.slice/.*allotment";
	x = xm_new(&o);
	assert_true(logs_have("is anchored at the start"));
	extract_mem_free(x);
	logs_capture();
	o.allotment_regex = "tw-(?!x)[a-z]+";
	x = xm_new(&o);
	assert_true(logs_have("uses look-around"));
	extract_mem_free(x);
	logs_capture();
	o.allotment_regex = "(a)\\1";
	x = xm_new(&o);
	assert_true(logs_have("uses back-references"));
	extract_mem_free(x);
	logs_capture();
	o.allotment_regex = EXTRACT_DEFAULT_ALLOTMENT_REGEX;
	x = xm_new(&o);
	assert_int_equal(test_logs.len, 0);
	extract_mem_free(x);
	log_set_file(NULL);
}

static void opts__hints_with_locality__refused(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x = NULL;
	struct strbuf err = STRBUF_INIT;

	extract_mem_opts_init(&o);
	o.use_hints = true;
	o.cluster = EXTRACT_CLUSTER_LOCALITY;
	assert_int_equal(extract_mem_new(&o, &x, &err), -EINVAL);
	assert_non_null(strstr(err.buf, "--use-hints cannot be combined"));
	strbuf_release(&err);
}

static void hints__single_hint_or_none_significant__no_split(void **state)
{
	struct extract_mem_opts o;
	struct extract_mem *x;
	json_t *cfg, *allot;
	char *text;

	extract_mem_opts_init(&o);
	o.use_hints = true;
	logs_capture();
	x = xm_new(&o);
	add_n(x, "one", ALLOT_CG, 42, 1, 50); /* a single hint: no split */
	for (unsigned h = 0; h < 25; h++)     /* 25 hints of 4 %: none significant */
		add_n(x, "many", ALLOT_CG, h, 1, 2);
	extract_mem_finish(x);
	text = config_text_checked(x, true);
	cfg = json_loads(text, 0, NULL);
	allot = spec_named(cfg, "allotment");
	assert_non_null(subcell_named(allot, "one"));
	assert_null(subcell_named(allot, "many"));
	assert_int_equal(json_array_size(json_object_get(allot, "subcells")), 2);
	log_set_file(NULL);
	json_decref(cfg);
	free(text);
	extract_mem_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extract__hints_without_flag__no_split),
		cmocka_unit_test(extract__hints_with_flag__split_per_significant_hint),
		cmocka_unit_test(extract__three_groups__top_level_matchers),
		cmocka_unit_test(extract__numeric_suffixes__merged_into_significant_stem),
		cmocka_unit_test(extract__merged_comm_with_hints__split_by_hint),
		cmocka_unit_test(summary__merged_comm__counts_hints_and_concrete_comms),
		cmocka_unit_test(report__worked_example_v__upstream_text),
		cmocka_unit_test(report__worked_example_vv__every_hint_and_comm),
		cmocka_unit_test(report__without_hints__no_hint_lines),
		cmocka_unit_test(config__upstream_example__serde_pretty_golden),
		cmocka_unit_test(config__no_samples__empty_array_and_warning),
		cmocka_unit_test(config__only_rest__catch_all_spec),
		cmocka_unit_test(significance__exactly_5_percent__not_significant),
		cmocka_unit_test(significance__none__no_subcells_at_all),
		cmocka_unit_test(limits__ten_significant_comms__seven_kept_rest_takes_others),
		cmocka_unit_test(limits__max_subcells_option__smaller_cells),
		cmocka_unit_test(limits__16_byte_comm__prefix_cut_to_15),
		cmocka_unit_test(order__prefix_of_another__longer_first),
		cmocka_unit_test(order__single_comm_quirk__name_differs_from_prefix),
		cmocka_unit_test(classify__groups__substring_regex_match_text),
		cmocka_unit_test(classify__match_text_collisions__merge_into_workload_and_rest),
		cmocka_unit_test(normalize__trailing_digits__stem_or_whole),
		cmocka_unit_test(regex__invalid__pcre2_message_and_offset),
		cmocka_unit_test(regex__anchored_or_lookaround__warned),
		cmocka_unit_test(opts__hints_with_locality__refused),
		cmocka_unit_test(hints__single_hint_or_none_significant__no_split),
		cmocka_unit_test(schema__every_config__validates),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
