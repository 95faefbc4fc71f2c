// SPDX-License-Identifier: GPL-2.0
/*
 * The perf.jsonl record reader and the JSON scanner under it: our records,
 * upstream records (no time_ns, no hint), key order, escapes, and every kind
 * of bad line: malformed JSON, missing keys, wrong types, huge numbers,
 * invalid UTF-8, duplicates, trailing garbage.
 */
#include "test_common.h"

#include "extract/jscan.h"
#include "extract/mem_record.h"

#define OURS                                                                                       \
	"{\"comm\":\"web 1\",\"tid\":2001,\"pid\":1000,\"time\":\"0.000000100\","               \
	"\"time_ns\":100,\"addr\":\"7f00\",\"cgroup\":\"/workload.slice/x\",\"ip\":\"2\","      \
	"\"sym\":\"foo\",\"dso\":\"bar.so\",\"phys_addr\":\"1a2b3c000\",\"data_page_size\":4096," \
	"\"hint\":7,\"data_src\":\"0x68100142\",\"weight\":33}"

/* upstream §3.6, profile_basic line 2, without hint ([P] era) */
#define UPSTREAM                                                                                   \
	"{\"comm\":\"alpha worker\",\"tid\":2001,\"pid\":1000,\"time\":\"0.000000100\","        \
	"\"addr\":\"1\",\"cgroup\":\"/cg\",\"ip\":\"2\",\"sym\":\"foo\",\"dso\":\"bar.so\","    \
	"\"phys_addr\":\"3\",\"data_page_size\":4096}"

static struct jscan_reader rr;

static int setup(void **state)
{
	jscan_reader_init(&rr);
	return 0;
}

static int teardown(void **state)
{
	jscan_reader_release(&rr);
	return 0;
}

static int parse(const char *line, struct mem_sample *s)
{
	return mem_record_parse(&rr, line, strlen(line), s);
}

#define assert_str_n(p, n, lit)                                                                    \
	do {                                                                                       \
		assert_int_equal((n), strlen(lit));                                                \
		assert_memory_equal((p), (lit), (n));                                              \
	} while (0)

static void record__ours__fields_read(void **state)
{
	struct mem_sample s;

	assert_int_equal(parse(OURS, &s), 1);
	assert_str_n(s.comm, s.comm_len, "web 1");
	assert_str_n(s.cgroup, s.cgroup_len, "/workload.slice/x");
	assert_int_equal(s.hint, 7);
	assert_int_equal(s.phys_addr, 0x1a2b3c000ull);
	assert_int_equal(s.page_size, 4096);
}

static void record__upstream_without_hint__hint_zero(void **state)
{
	struct mem_sample s;

	assert_int_equal(parse(UPSTREAM, &s), 1);
	assert_str_n(s.comm, s.comm_len, "alpha worker");
	assert_int_equal(s.hint, 0);
	assert_int_equal(s.phys_addr, 3);
}

static void record__any_key_order_and_whitespace__accepted(void **state)
{
	struct mem_sample s;

	assert_int_equal(parse(" { \"hint\" : 9 , \"data_page_size\":2097152,\"phys_addr\":\"0x200000\","
			       "\"dso\":\"d\",\"sym\":\"s\",\"ip\":\"i\",\"cgroup\":\"c\",\"addr\":\"a\","
			       "\"time\":\"t\",\"pid\":1,\"tid\":2,\"comm\":\"x\",\"extra\":{\"n\":[1,{}]}}\r",
			       &s),
			 1);
	assert_int_equal(s.hint, 9);
	assert_int_equal(s.page_size, 2097152);
	assert_int_equal(s.phys_addr, 0x200000);
}

static void record__escapes__decoded(void **state)
{
	struct mem_sample s;

	assert_int_equal(parse("{\"comm\":\"a\\\"b\\\\c\\/\\t\\u00e9\\ud83d\\ude00\",\"tid\":1,"
			       "\"pid\":1,\"time\":\"t\",\"addr\":\"a\",\"cgroup\":\"/c\\u0041\","
			       "\"ip\":\"i\",\"sym\":\"s\",\"dso\":\"d\",\"phys_addr\":\"\","
			       "\"data_page_size\":0}",
			       &s),
			 1);
	assert_str_n(s.comm, s.comm_len, "a\"b\\c/\t\xc3\xa9\xf0\x9f\x98\x80");
	assert_str_n(s.cgroup, s.cgroup_len, "/cA"); /* both decoded strings stay valid */
	assert_int_equal(s.phys_addr, 0);	      /* "" = no physical address */
}

static void record__blank_lines__zero(void **state)
{
	struct mem_sample s;

	assert_int_equal(parse("", &s), 0);
	assert_int_equal(parse("  \t\r", &s), 0);
}

struct bad_case {
	const char *line;
	const char *err;
};

#define F_REST                                                                                     \
	"\"time\":\"t\",\"addr\":\"a\",\"cgroup\":\"c\",\"ip\":\"i\",\"sym\":\"s\",\"dso\":\"d\"," \
	"\"phys_addr\":\"1\",\"data_page_size\":4096"

static void record__bad_lines__one_line_reasons(void **state)
{
	static const struct bad_case cases[] = {
		{"{", "unexpected end of line inside a container (column 2)"},
		{"{\"comm\":\"x\"", "unexpected end of line inside a container (column 12)"},
		{"{\"comm\" \"x\"}", "expected ':' after a key (column 9)"},
		{"{\"comm\":\"x\",}", "expected a string key (column 13)"},
		{"{\"comm\":x}", "expected a value (column 9)"},
		{"[1]", "expected a JSON object, got an array"},
		{"\"just a string\"", "expected a JSON object, got a string"},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST "} trailing",
		 "unexpected characters after the JSON value (column "},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST "}{}",
		 "unexpected characters after the JSON value"},
		{"{\"tid\":1,\"pid\":1," F_REST "}", "missing key \"comm\""},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1,\"time\":\"t\",\"addr\":\"a\",\"cgroup\":\"c\","
		 "\"ip\":\"i\",\"sym\":\"s\",\"dso\":\"d\",\"data_page_size\":1}",
		 "missing key \"phys_addr\""},
		{"{\"comm\":1,\"tid\":1,\"pid\":1," F_REST "}",
		 "\"comm\": expected a string, got a number"},
		{"{\"comm\":\"x\",\"tid\":\"1\",\"pid\":1," F_REST "}",
		 "\"tid\": expected an unsigned 32-bit integer, got a string"},
		{"{\"comm\":\"x\",\"tid\":1.5,\"pid\":1," F_REST "}",
		 "\"tid\": expected an unsigned 32-bit integer, got a floating-point number"},
		{"{\"comm\":\"x\",\"tid\":-1,\"pid\":1," F_REST "}",
		 "\"tid\": expected an unsigned 32-bit integer, got a negative number"},
		{"{\"comm\":\"x\",\"tid\":4294967296,\"pid\":1," F_REST "}",
		 "\"tid\": 4294967296 is out of range (maximum 4294967295)"},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST ",\"hint\":18446744073709551616}",
		 "\"hint\": 18446744073709551616 is out of range (maximum 18446744073709551615)"},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST ",\"hint\":1e3}",
		 "\"hint\": expected an unsigned 64-bit integer, got a floating-point number"},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST ",\"hint\":null}",
		 "\"hint\": expected an unsigned 64-bit integer, got null"},
		{"{\"comm\":\"x\",\"comm\":\"y\",\"tid\":1,\"pid\":1," F_REST "}",
		 "duplicate key \"comm\""},
		{"{\"comm\":\"\xff\",\"tid\":1,\"pid\":1," F_REST "}", "invalid UTF-8 in string (column 10)"},
		{"{\"comm\":\"\xc0\xaf\",\"tid\":1}", "invalid UTF-8 in string (column 10)"},
		{"{\"comm\":\"\xed\xa0\x80\",\"tid\":1}", "invalid UTF-8 in string (column 10)"},
		{"{\"comm\":\"\xe2\x82\",\"tid\":1}", "invalid UTF-8 in string (column 10)"},
		{"{\"comm\":\"a\tb\"}", "control character in string (column 11)"},
		{"{\"comm\":\"\\x\"}", "invalid escape in string (column 10)"},
		{"{\"comm\":\"\\u12g4\"}", "invalid \\u escape (column 10)"},
		{"{\"comm\":\"\\ud800\"}", "lone leading surrogate in \\u escape (column 10)"},
		{"{\"comm\":\"\\udc00x\"}", "lone trailing surrogate in \\u escape (column 10)"},
		{"{\"comm\":\"a\\u0000b\",\"tid\":1,\"pid\":1," F_REST "}",
		 "\"comm\" contains a NUL character"},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1," F_REST ",\"phys_addr\":\"12zz\"}",
		 "duplicate key \"phys_addr\""},
		{"{\"comm\":\"x\",\"tid\":1,\"pid\":1,\"time\":\"t\",\"addr\":\"a\",\"cgroup\":\"c\","
		 "\"ip\":\"i\",\"sym\":\"s\",\"dso\":\"d\",\"phys_addr\":\"12zz\",\"data_page_size\":1}",
		 "\"phys_addr\": \"12zz\" is not a hex address"},
		{"{\"comm\":\"x\",\"tid\":01}", "expected ',' or '}' (column 20)"},
		{"{\"comm\":\"x\",\"tid\":1.}", "invalid number (column 21)"},
		{"{\"comm\":\"x\",\"tid\":-}", "invalid number (column 20)"},
		{"{\"comm\":tru}", "invalid literal (column 9)"},
		{"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]}",
		 "nesting too deep (column 69)"},
		{"{\"a\":[1 2]}", "expected ',' or ']' (column 9)"},
	};
	struct mem_sample s;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = parse(cases[i].line, &s);

		if (r != -EINVAL || !strstr(rr.err, cases[i].err)) {
			fprintf(stderr, "case %zu: %s\n  got %d '%s'\n  want '%s'\n", i, cases[i].line,
				r, rr.err, cases[i].err);
			fail();
		}
	}
}

static void record__hex_phys_addr__forms(void **state)
{
	struct mem_sample s;
	char line[512];
	static const struct {
		const char *text;
		uint64_t want;
		int rc;
	} cases[] = {
		{"0", 0, 1},		  {"", 0, 1},	   {"ABCdef", 0xabcdef, 1},
		{"0x1000", 0x1000, 1},	  {"0x", 0, -EINVAL}, {"ffffffffffffffff", UINT64_MAX, 1},
		{"1ffffffffffffffff", 0, -EINVAL}, {"-1", 0, -EINVAL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line),
			 "{\"comm\":\"x\",\"tid\":1,\"pid\":1,\"time\":\"t\",\"addr\":\"a\","
			 "\"cgroup\":\"c\",\"ip\":\"i\",\"sym\":\"s\",\"dso\":\"d\",\"phys_addr\":\"%s\","
			 "\"data_page_size\":1}",
			 cases[i].text);
		assert_int_equal(parse(line, &s), cases[i].rc);
		if (cases[i].rc == 1)
			assert_int_equal(s.phys_addr, cases[i].want);
	}
}

static void jscan__numbers__integer_classes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct jscan s;
	struct jval v;
	static const struct {
		const char *text;
		bool is_u64, is_i64, is_int;
	} cases[] = {
		{"0", true, true, true},
		{"-0", false, true, true},
		{"18446744073709551615", true, false, true},
		{"18446744073709551616", false, false, true},
		{"-9223372036854775808", false, true, true},
		{"-9223372036854775809", false, false, true},
		{"1.5e-3", false, false, false},
		{"2E+10", false, false, false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		jscan_init(&s, cases[i].text, strlen(cases[i].text), &sb);
		assert_int_equal(jscan_value(&s, &v), 0);
		assert_int_equal(jscan_finish(&s), 0);
		assert_int_equal(v.type, J_NUMBER);
		assert_int_equal(v.is_u64, cases[i].is_u64);
		assert_int_equal(v.is_i64, cases[i].is_i64);
		assert_int_equal(v.is_int, cases[i].is_int);
	}
	jscan_init(&s, "-9223372036854775808", 20, &sb);
	assert_int_equal(jscan_value(&s, &v), 0);
	assert_true(v.i == INT64_MIN);
	strbuf_release(&sb);
}

static void jscan__utf8_validator__boundaries(void **state)
{
	assert_int_equal(utf8_valid_prefix("ok\xf4\x8f\xbf\xbf", 6), 6); /* U+10FFFF */
	assert_int_equal(utf8_valid_prefix("ok\xf4\x90\x80\x80", 6), 2); /* above */
	assert_int_equal(utf8_valid_prefix("\xef\xbf\xbd", 3), 3);
	assert_int_equal(utf8_valid_prefix("a\x80", 2), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__ours__fields_read),
		cmocka_unit_test(record__upstream_without_hint__hint_zero),
		cmocka_unit_test(record__any_key_order_and_whitespace__accepted),
		cmocka_unit_test(record__escapes__decoded),
		cmocka_unit_test(record__blank_lines__zero),
		cmocka_unit_test(record__bad_lines__one_line_reasons),
		cmocka_unit_test(record__hex_phys_addr__forms),
		cmocka_unit_test(jscan__numbers__integer_classes),
		cmocka_unit_test(jscan__utf8_validator__boundaries),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, setup, teardown);
}
