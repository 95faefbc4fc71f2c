// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/json_writer.h"

static char *escaped(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	json_escape(&sb, s, len);
	return strbuf_detach(&sb, NULL);
}

#define assert_escape(in, want)                                                                    \
	do {                                                                                       \
		char *got = escaped(in, sizeof(in) - 1);                                           \
		assert_string_equal(got, want);                                                    \
		free(got);                                                                         \
	} while (0)

static void escape__serde_set__only_seven_short_escapes(void **state)
{
	assert_escape("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_escape("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	assert_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
	assert_escape("/path/ok", "\"/path/ok\"");
	assert_escape("", "\"\"");
}

static void escape__nul_byte__u0000(void **state)
{
	assert_escape("a\0b", "\"a\\u0000b\"");
}

static void escape__valid_utf8__kept_raw(void **state)
{
	assert_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void escape__invalid_utf8__replaced_per_maximal_subpart(void **state)
{
	/* Lone continuation, lone lead, truncated 3-byte, overlong, surrogate, > U+10FFFF. */
	assert_escape("\x80", "\"\xef\xbf\xbd\"");
	assert_escape("a\xc3z", "\"a\xef\xbf\xbdz\"");
	assert_escape("\xe2\x82z", "\"\xef\xbf\xbdz\"");
	assert_escape("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_escape("\xe0\x80\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_escape("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_escape("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_escape("\xf0\x9f\x98", "\"\xef\xbf\xbd\"");
}

static void sanitize__counts_replacements(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(utf8_sanitize(&sb, "ok\xff\xfe!", 6), 2);
	assert_string_equal(sb.buf, "ok\xef\xbf\xbd\xef\xbf\xbd!");
	strbuf_release(&sb);
}

static char *fmt_double(double v)
{
	struct strbuf sb = STRBUF_INIT;

	json_format_double(&sb, v);
	return strbuf_detach(&sb, NULL);
}

#define assert_double_fmt(v, want)                                                                 \
	do {                                                                                       \
		char *got = fmt_double(v);                                                         \
		assert_string_equal(got, want);                                                    \
		free(got);                                                                         \
	} while (0)

static void double__ryu_layout__matches_serde(void **state)
{
	assert_double_fmt(0.0, "0.0");
	assert_double_fmt(-0.0, "-0.0");
	assert_double_fmt(1.0, "1.0");
	assert_double_fmt(100.0, "100.0");
	assert_double_fmt(50.0, "50.0");
	assert_double_fmt(1234.56789, "1234.56789");
	assert_double_fmt(6691.267977, "6691.267977");
	assert_double_fmt(0.1, "0.1");
	assert_double_fmt(0.001234, "0.001234");
	assert_double_fmt(1e-5, "0.00001");
	assert_double_fmt(1e-6, "1e-6");
	assert_double_fmt(1.2e-7, "1.2e-7");
	assert_double_fmt(5e-8, "5e-8");
	assert_double_fmt(1e15, "1000000000000000.0");
	assert_double_fmt(1e16, "1e16");
	assert_double_fmt(1.5e300, "1.5e300");
	assert_double_fmt(-2.5, "-2.5");
	assert_double_fmt(1.0 / 3.0, "0.3333333333333333");
	assert_double_fmt(5e-324, "5e-324");
	assert_double_fmt(1.7976931348623157e308, "1.7976931348623157e308");
}

static void double__not_finite__null(void **state)
{
	assert_double_fmt(0.0 / 0.0, "null");
	assert_double_fmt(1.0 / 0.0, "null");
}

/* The worked example of reference/scxprof-upstream.md §4.3, byte for byte. */
static void pretty__cell_config__identical_to_serde_to_string_pretty(void **state)
{
	static const char *const subs[] = {"alpha", "beta"};
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char *want;

	jw_init(&w, &sb, JSON_PRETTY);
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "allotment");
	jw_key(&w, "matches");
	jw_obj_begin(&w);
	jw_kv_str(&w, "CgroupRegex", "workload-tw-[^/]+\\.allotment\\.slice");
	jw_obj_end(&w);
	jw_key(&w, "subcells");
	jw_arr_begin(&w);
	for (int i = 0; i < 2; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", subs[i]);
		jw_key(&w, "matches");
		jw_arr_begin(&w);
		jw_arr_begin(&w);
		jw_obj_begin(&w);
		jw_kv_str(&w, "CommPrefix", subs[i]);
		jw_obj_end(&w);
		jw_arr_end(&w);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "rest");
	jw_key(&w, "matches");
	jw_arr_begin(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "workload.slice");
	jw_key(&w, "matches");
	jw_obj_begin(&w);
	jw_kv_str(&w, "CgroupContains", "workload.slice");
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "rest");
	jw_key(&w, "matches");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);

	want = test_read_file(test_data_path("json/serde_pretty_cell_config.json"), NULL);
	assert_non_null(want);
	/* the fixture ends with the newline println! adds */
	strbuf_addch(&sb, '\n');
	assert_string_equal(sb.buf, want);
	free(want);
	strbuf_release(&sb);
}

static void pretty__empty_containers__brackets_only(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	jw_init(&w, &sb, JSON_PRETTY);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	assert_string_equal(sb.buf, "[]");
	strbuf_reset(&sb);
	jw_reset(&w);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_key(&w, "b");
	jw_arr_begin(&w);
	jw_u64(&w, 1);
	jw_arr_end(&w);
	jw_obj_end(&w);
	assert_string_equal(sb.buf, "{\n  \"a\": {},\n  \"b\": [\n    1\n  ]\n}");
	strbuf_release(&sb);
}

static void compact__jsonl_record__no_spaces(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	jw_init(&w, &sb, 0);
	jw_obj_begin(&w);
	jw_kv_str(&w, "comm", "alpha worker");
	jw_kv_u64(&w, "tid", 2001);
	jw_kv_i64(&w, "pid", -1);
	jw_kv_double(&w, "time", 1.2e-7);
	jw_kv_bool(&w, "idle", false);
	jw_key(&w, "fields");
	jw_obj_begin(&w);
	jw_key(&w, "x");
	jw_null(&w);
	jw_obj_end(&w);
	jw_key(&w, "raw");
	jw_raw(&w, "[1,2]", 5);
	jw_obj_end(&w);
	assert_string_equal(sb.buf, "{\"comm\":\"alpha worker\",\"tid\":2001,\"pid\":-1,"
				    "\"time\":1.2e-7,\"idle\":false,\"fields\":{\"x\":null},"
				    "\"raw\":[1,2]}");
	/* a second record in the same buffer after reset */
	jw_reset(&w);
	strbuf_addch(&sb, '\n');
	jw_obj_begin(&w);
	jw_kv_u64(&w, "n", 18446744073709551615ull);
	jw_obj_end(&w);
	assert_string_equal(strchr(sb.buf, '\n') + 1, "{\"n\":18446744073709551615}");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape__serde_set__only_seven_short_escapes),
		cmocka_unit_test(escape__nul_byte__u0000),
		cmocka_unit_test(escape__valid_utf8__kept_raw),
		cmocka_unit_test(escape__invalid_utf8__replaced_per_maximal_subpart),
		cmocka_unit_test(sanitize__counts_replacements),
		cmocka_unit_test(double__ryu_layout__matches_serde),
		cmocka_unit_test(double__not_finite__null),
		cmocka_unit_test(pretty__cell_config__identical_to_serde_to_string_pretty),
		cmocka_unit_test(pretty__empty_containers__brackets_only),
		cmocka_unit_test(compact__jsonl_record__no_spaces),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
