// SPDX-License-Identifier: GPL-2.0
/*
 * The cell-config model: serde-pretty layout, the reader's subcell choice
 * (first match, 15-byte comm, hints, catch-all), subcell ordering against
 * prefix stealing, the limit checks and UTF-8-safe truncation.
 */
#include "test_common.h"

#include "extract_helpers.h"

static struct subcell *sub(struct cell_spec *spec, const char *name, const char *prefix,
			   const char *comm)
{
	struct subcell *sc = cell_spec_add_subcell(spec, name);

	if (prefix)
		subcell_add_prefix(sc, prefix, strlen(prefix));
	if (comm)
		subcell_add_comm(sc, comm, strlen(comm));
	return sc;
}

static void write__every_shape__serde_pretty_layout(void **state)
{
	struct cell_config c = {0};
	struct cell_spec *a = cell_config_add_spec(&c, "allotment", CELL_MATCH_CGROUP_REGEX,
						   "a\\.b\"/\x01");
	struct strbuf sb = STRBUF_INIT;
	struct subcell *two;

	two = sub(a, "x+y", "x", NULL);
	subcell_add_prefix(two, "y", 1);
	sub(a, "h", "h", NULL)->has_hint = true;
	a->subcells[1].hint = 7;
	cell_spec_add_rest(a);
	cell_config_add_spec(&c, "w", CELL_MATCH_CGROUP_CONTAINS, "w");
	cell_config_add_spec(&c, "rest", CELL_MATCH_ALL, NULL);
	cell_config_write(&c, &sb);
	assert_string_equal(sb.buf, "[\n"
				    "  {\n"
				    "    \"name\": \"allotment\",\n"
				    "    \"matches\": {\n"
				    "      \"CgroupRegex\": \"a\\\\.b\\\"/\\u0001\"\n"
				    "    },\n"
				    "    \"subcells\": [\n"
				    "      {\n"
				    "        \"name\": \"x+y\",\n"
				    "        \"matches\": [\n"
				    "          [\n"
				    "            {\n"
				    "              \"CommPrefix\": \"x\"\n"
				    "            }\n"
				    "          ],\n"
				    "          [\n"
				    "            {\n"
				    "              \"CommPrefix\": \"y\"\n"
				    "            }\n"
				    "          ]\n"
				    "        ]\n"
				    "      },\n"
				    "      {\n"
				    "        \"name\": \"h\",\n"
				    "        \"matches\": [\n"
				    "          [\n"
				    "            {\n"
				    "              \"CommPrefix\": \"h\"\n"
				    "            },\n"
				    "            {\n"
				    "              \"Hint\": 7\n"
				    "            }\n"
				    "          ]\n"
				    "        ]\n"
				    "      },\n"
				    "      {\n"
				    "        \"name\": \"rest\",\n"
				    "        \"matches\": [\n"
				    "          []\n"
				    "        ]\n"
				    "      }\n"
				    "    ]\n"
				    "  },\n"
				    "  {\n"
				    "    \"name\": \"w\",\n"
				    "    \"matches\": {\n"
				    "      \"CgroupContains\": \"w\"\n"
				    "    }\n"
				    "  },\n"
				    "  {\n"
				    "    \"name\": \"rest\",\n"
				    "    \"matches\": {}\n"
				    "  }\n"
				    "]\n");
	schema_record(sb.buf, false); /* the Hint term */
	strbuf_release(&sb);
	cell_config_release(&c);
}

static void write__empty__brackets(void **state)
{
	struct cell_config c = {0};
	struct strbuf sb = STRBUF_INIT;

	cell_config_write(&c, &sb);
	assert_string_equal(sb.buf, "[]\n");
	schema_record(sb.buf, false);
	strbuf_release(&sb);
}

static void assign__reader_rules__first_match_then_catch_all(void **state)
{
	struct cell_config c = {0};
	struct cell_spec *s = cell_config_add_spec(&c, "a", CELL_MATCH_ALL, NULL);
	struct subcell *h;

	cell_spec_add_rest(s); /* catch-all first: it is id 0 wherever it sits */
	sub(s, "web", "web", NULL);
	sub(s, "webserver", "webserver", NULL);
	h = sub(s, "db@7", "db", NULL);
	h->has_hint = true;
	h->hint = 7;
	sub(s, "long", "abcdefghijklmno", NULL);
	assert_int_equal(cell_spec_assign(s, "webserver", 9, 0), 1); /* web is listed first */
	assert_int_equal(cell_spec_assign(s, "web12", 5, 0), 1);
	assert_int_equal(cell_spec_assign(s, "we", 2, 0), 0);
	assert_int_equal(cell_spec_assign(s, "db1", 3, 7), 3);
	assert_int_equal(cell_spec_assign(s, "db1", 3, 8), 0);
	/* The kernel keeps 15 bytes of comm: a longer JSONL comm still matches. */
	assert_int_equal(cell_spec_assign(s, "abcdefghijklmnopq", 17, 0), 4);
	cell_config_release(&c);
}

static void order__stealing_prefix__moved_after_its_victim(void **state)
{
	struct cell_config c = {0};
	struct cell_spec *s = cell_config_add_spec(&c, "a", CELL_MATCH_ALL, NULL);

	sub(s, "a", "a", "a1");
	sub(s, "web", "web", "web1");
	sub(s, "webserver", "webserver", "webserver");
	sub(s, "webs", "webs", "webs");
	sub(s, "z", "z", "z");
	cell_spec_add_rest(s);
	assert_int_equal(cell_spec_order_subcells(s), 3);
	/* web must follow webs and webserver; webs must follow webserver. */
	assert_string_equal(s->subcells[0].name, "a");
	assert_string_equal(s->subcells[1].name, "webserver");
	assert_string_equal(s->subcells[2].name, "webs");
	assert_string_equal(s->subcells[3].name, "web");
	assert_string_equal(s->subcells[4].name, "z");
	assert_string_equal(s->subcells[5].name, "rest");
	for (size_t i = 0; i + 1 < s->nr_subcells; i++)
		assert_int_equal(cell_spec_assign(s, s->subcells[i].comms[0],
						  strlen(s->subcells[i].comms[0]), 0),
				 (int)i);
	/* Already in a good order: nothing moves. */
	assert_int_equal(cell_spec_order_subcells(s), 0);
	{
		struct strbuf sb = STRBUF_INIT;

		cell_config_write(&c, &sb);
		schema_record(sb.buf, true);
		strbuf_release(&sb);
	}
	cell_config_release(&c);
}

static void order__different_hints__no_conflict(void **state)
{
	struct cell_config c = {0};
	struct cell_spec *s = cell_config_add_spec(&c, "a", CELL_MATCH_ALL, NULL);
	struct subcell *x = sub(s, "w@0", "w", "w1"), *y;

	x->has_hint = true;
	y = sub(s, "w@7", "w", "w1");
	y->has_hint = true;
	y->hint = 7;
	assert_int_equal(cell_spec_order_subcells(s), 0);
	cell_config_release(&c);
}

static void check__limits__one_line_reasons(void **state)
{
	struct cell_config c = {0};
	struct cell_spec *s = cell_config_add_spec(&c, "a", CELL_MATCH_CGROUP_CONTAINS, "a");
	struct strbuf why = STRBUF_INIT;
	char name[8];
	struct subcell *sc;

	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		sub(s, name, name, NULL);
	}
	assert_int_equal(cell_config_check(&c, &why), 0);	/* 7 + the default rest */
	cell_spec_add_rest(s);
	assert_int_equal(cell_config_check(&c, &why), 0);	/* 7 + rest */
	sub(s, "s7", "s7", NULL);
	assert_int_equal(cell_config_check(&c, &why), -EINVAL);
	assert_string_equal(why.buf, "cell 'a' has 9 subcells (max 8 including rest)");
	subcell_release(&s->subcells[--s->nr_subcells]);

	sc = &s->subcells[0];
	for (int i = 0; i < 4; i++)
		subcell_add_prefix(sc, "p", 1);
	strbuf_reset(&why);
	assert_int_equal(cell_config_check(&c, &why), -EINVAL);
	assert_string_equal(why.buf, "cell 'a' subcell 's0' has 5 OR groups (max 4)");
	sc->nr_prefixes = 1; /* the others leak into the test's end; freed below */
	free(sc->prefixes[1]);
	free(sc->prefixes[2]);
	free(sc->prefixes[3]);
	free(sc->prefixes[4]);
	free(sc->prefixes[0]);
	sc->prefixes[0] = xstrdup("abcdefghijklmnop");
	strbuf_reset(&why);
	assert_int_equal(cell_config_check(&c, &why), -EINVAL);
	assert_non_null(strstr(why.buf, "is longer than 15 bytes"));
	free(sc->prefixes[0]);
	sc->prefixes[0] = xstrdup("ok");

	cell_config_add_spec(&c, "r1", CELL_MATCH_ALL, NULL);
	cell_config_add_spec(&c, "r2", CELL_MATCH_ALL, NULL);
	strbuf_reset(&why);
	assert_int_equal(cell_config_check(&c, &why), -EINVAL);
	assert_string_equal(why.buf, "2 catch-all cell specs (max 1)");
	strbuf_release(&why);
	cell_config_release(&c);
}

static void truncate__utf8__never_splits_a_character(void **state)
{
	assert_int_equal(utf8_truncate("abc", 3, 15), 3);
	assert_int_equal(utf8_truncate("abcdefghijklmnop", 16, 15), 15);
	/* 14 ASCII + 'é' (2 bytes): the 15th byte is the lead byte, dropped. */
	assert_int_equal(utf8_truncate("abcdefghijklmn\xc3\xa9", 16, 15), 14);
	/* 13 ASCII + '€' (3 bytes) = 16: cut before the '€'. */
	assert_int_equal(utf8_truncate("abcdefghijklm\xe2\x82\xac", 16, 15), 13);
	/* 12 ASCII + '€' = 15 bytes fits. */
	assert_int_equal(utf8_truncate("abcdefghijkl\xe2\x82\xac", 15, 15), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write__every_shape__serde_pretty_layout),
		cmocka_unit_test(write__empty__brackets),
		cmocka_unit_test(assign__reader_rules__first_match_then_catch_all),
		cmocka_unit_test(order__stealing_prefix__moved_after_its_victim),
		cmocka_unit_test(order__different_hints__no_conflict),
		cmocka_unit_test(check__limits__one_line_reasons),
		cmocka_unit_test(truncate__utf8__never_splits_a_character),
		cmocka_unit_test(schema__every_config__validates),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
