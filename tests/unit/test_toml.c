// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/strbuf.h"
#include "top/live/toml.h"

/* Records every callback as a line of text. */
struct rec {
	struct strbuf out;
};

static void value_text(struct strbuf *sb, const struct toml_value *v)
{
	switch (v->type) {
	case TOML_STRING:
		strbuf_addf(sb, "s:%s", v->str);
		break;
	case TOML_INT:
		strbuf_addf(sb, "i:%lld", (long long)v->i);
		break;
	case TOML_BOOL:
		strbuf_addf(sb, "b:%d", v->b);
		break;
	case TOML_ARRAY:
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			value_text(sb, &v->items[i]);
		}
		strbuf_addch(sb, ']');
		break;
	}
}

static const char *on_value(void *ctx, const char *table, const char *key,
			    const struct toml_value *v, unsigned line)
{
	struct rec *r = ctx;

	strbuf_addf(&r->out, "%u %s.%s=", line, table, key);
	value_text(&r->out, v);
	strbuf_addch(&r->out, '\n');
	return !strcmp(key, "reject") ? "rejected by the handler" : NULL;
}

static void on_table(void *ctx, const char *table, unsigned line)
{
	strbuf_addf(&((struct rec *)ctx)->out, "%u [%s]\n", line, table);
}

static void on_error(void *ctx, unsigned line, const char *msg)
{
	strbuf_addf(&((struct rec *)ctx)->out, "%u ERROR %s\n", line, msg);
}

static unsigned parse(const char *text, struct rec *r)
{
	struct toml_handler h = {on_value, on_table, on_error, r};

	strbuf_init(&r->out, 0);
	return toml_parse(text, strlen(text), &h);
}

static void toml__supported_subset__values_and_tables(void **state)
{
	struct rec r;
	const char *text =
		"# comment\n"
		"theme = \"Nord\" # trailing comment\n"
		"tick = 250\n"
		"neg = -3\n"
		"big = 1_000_000\n"
		"hex = 0xff\n"
		"bin = 0b101\n"
		"flag = true\n"
		"off = false\n"
		"lit = 'C:\\path'\n"
		"esc = \"a\\\"b\\\\c\\n\\u00e9\\U0001F600\"\n"
		"\t  indented = 1\r\n"
		"empty = []\n"
		"list = [\"a\", 'b', 3, true,]\n"
		"multi = [\n"
		"  \"x\", # first\n"
		"  \"y\"\n"
		"]\n"
		"\n"
		"[keymap]\n"
		"\"q\" = \"Quit\"\n"
		"\" \" = \"AppStatePause\"\n"
		"[ a . \"b c\" ]\n"
		"k-1_x = 2\n";

	assert_int_equal(parse(text, &r), 0);
	assert_string_equal(r.out.buf,
			    "2 .theme=s:Nord\n"
			    "3 .tick=i:250\n"
			    "4 .neg=i:-3\n"
			    "5 .big=i:1000000\n"
			    "6 .hex=i:255\n"
			    "7 .bin=i:5\n"
			    "8 .flag=b:1\n"
			    "9 .off=b:0\n"
			    "10 .lit=s:C:\\path\n"
			    "11 .esc=s:a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80\n"
			    "12 .indented=i:1\n"
			    "13 .empty=[]\n"
			    "14 .list=[s:a,s:b,i:3,b:1]\n"
			    "15 .multi=[s:x,s:y]\n"
			    "20 [keymap]\n"
			    "21 keymap.q=s:Quit\n"
			    "22 keymap. =s:AppStatePause\n"
			    "23 [a.b c]\n"
			    "24 a.b c.k-1_x=i:2\n");
	strbuf_release(&r.out);
}

static void toml__bad_lines__reported_with_line_numbers_and_skipped(void **state)
{
	struct rec r;
	const char *text =
		"a = \"unterminated\n"
		"b = 1.5\n"
		"c = 1979-05-27\n"
		"d = {x = 1}\n"
		"e = \"\"\"multi\"\"\"\n"
		"f = bare\n"
		"g = 1 2\n"
		"h\n"
		"[[arr]]\n"
		"[unclosed\n"
		"i = [1, [2]]\n"
		"j = \"\\q\"\n"
		"k.l = 1\n"
		"m = 99999999999999999999\n"
		"reject = 1\n"
		"ok = 7\n"
		"n = [1,\n";

	unsigned nerr = parse(text, &r);
	assert_int_equal(nerr, 16);
	assert_string_equal(r.out.buf,
			    "1 ERROR unterminated string\n"
			    "2 ERROR floats are not supported\n"
			    "3 ERROR dates are not supported\n"
			    "4 ERROR inline tables are not supported\n"
			    "5 ERROR multi-line strings are not supported\n"
			    "6 ERROR expected a value (quote strings)\n"
			    "7 ERROR unexpected text after the value\n"
			    "8 ERROR expected '=' after the key\n"
			    "9 ERROR arrays of tables ([[...]]) are not supported\n"
			    "10 ERROR expected ']' after the table name\n"
			    "11 ERROR nested arrays are not supported\n"
			    "12 ERROR unknown escape in a string\n"
			    "13 ERROR dotted keys are not supported\n"
			    "14 ERROR integer out of range\n"
			    "15 .reject=i:1\n"
			    "15 ERROR rejected by the handler\n"
			    "16 .ok=i:7\n"
			    "17 ERROR unterminated array\n");
	strbuf_release(&r.out);
}

static void toml__writers__round_trip(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct rec r;

	toml_write_key(&sb, "plain_key-1");
	strbuf_addstr(&sb, " = ");
	toml_write_string(&sb, "q\"b\\s\n\t\x01\xc3\xa9");
	strbuf_addch(&sb, '\n');
	toml_write_key(&sb, " ");
	strbuf_addstr(&sb, " = 1\n");
	toml_write_key(&sb, "");
	strbuf_addstr(&sb, " = 2\n");
	assert_string_equal(sb.buf, "plain_key-1 = \"q\\\"b\\\\s\\n\\t\\u0001\xc3\xa9\"\n"
				    "\" \" = 1\n"
				    "\"\" = 2\n");
	assert_int_equal(parse(sb.buf, &r), 0);
	assert_string_equal(r.out.buf, "1 .plain_key-1=s:q\"b\\s\n\t\x01\xc3\xa9\n"
				       "2 . =i:1\n"
				       "3 .=i:2\n");
	strbuf_release(&r.out);
	strbuf_release(&sb);
}

static void toml__empty_and_nul__no_crash(void **state)
{
	struct rec r;
	struct toml_handler h = {on_value, on_table, on_error, &r};
	const char nul[] = "a = \"x\0y\"\nb = 1\n";

	assert_int_equal(parse("", &r), 0);
	strbuf_release(&r.out);
	strbuf_init(&r.out, 0);
	assert_int_equal(toml_parse(nul, sizeof(nul) - 1, &h), 1);
	assert_non_null(strstr(r.out.buf, "2 .b=i:1"));
	strbuf_release(&r.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(toml__supported_subset__values_and_tables),
		cmocka_unit_test(toml__bad_lines__reported_with_line_numbers_and_skipped),
		cmocka_unit_test(toml__writers__round_trip),
		cmocka_unit_test(toml__empty_and_nul__no_crash),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("toml", tests, NULL, NULL);
}
