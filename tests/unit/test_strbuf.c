// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/strbuf.h"

/* git's assert_sane_strbuf: the invariants hold after every operation. */
static void assert_sane(const struct strbuf *sb)
{
	assert_non_null(sb->buf);
	if (!sb->alloc) {
		assert_int_equal(sb->len, 0);
		assert_ptr_equal(sb->buf, strbuf_empty);
	} else {
		assert_true(sb->len < sb->alloc);
	}
	assert_int_equal(sb->buf[sb->len], '\0');
}

static void strbuf__init__empty_and_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_sane(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_reset(&sb);
	assert_sane(&sb);
	strbuf_release(&sb);
	assert_sane(&sb);
}

static void strbuf__add_variants__concatenate(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "a");
	assert_sane(&sb);
	strbuf_addch(&sb, 'b');
	assert_sane(&sb);
	strbuf_add(&sb, "cdef", 2);
	assert_sane(&sb);
	strbuf_addf(&sb, "-%d-%s", 42, "x");
	assert_sane(&sb);
	strbuf_addchars(&sb, '.', 3);
	strbuf_addu64(&sb, 18446744073709551615ull);
	strbuf_addi64(&sb, -9223372036854775807ll - 1);
	strbuf_addu64(&sb, 0);
	assert_sane(&sb);
	assert_string_equal(sb.buf, "abcd-42-x...18446744073709551615-92233720368547758080");
	strbuf_release(&sb);
}

static void strbuf__addf_longer_than_buffer__grows(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addstr(&sb, "<");
	strbuf_addf(&sb, "%s>", big);
	assert_sane(&sb);
	assert_int_equal(sb.len, 5000 + 1);
	assert_int_equal(sb.buf[sb.len - 1], '>');
	strbuf_release(&sb);
}

static void strbuf__detach__caller_owns_and_sb_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;

	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	strbuf_addstr(&sb, "hello");
	s = strbuf_detach(&sb, &len);
	assert_sane(&sb);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	free(s);
}

static void strbuf__rtrim__strips_whitespace_and_crlf(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, " x y \t\r\n");
	strbuf_rtrim(&sb);
	assert_sane(&sb);
	assert_string_equal(sb.buf, " x y");
	strbuf_setlen(&sb, 0);
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void strbuf__write__writes_all_bytes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	FILE *fp;
	char *back;

	snprintf(path, sizeof(path), "%s/w.txt", test_tmpdir());
	strbuf_add(&sb, "a\0b", 3);
	fp = fopen(path, "w");
	assert_int_equal(strbuf_write(&sb, fp), 0);
	fclose(fp);
	size_t n;
	back = test_read_file(path, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(back, "a\0b", 3);
	free(back);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf__init__empty_and_terminated),
		cmocka_unit_test(strbuf__add_variants__concatenate),
		cmocka_unit_test(strbuf__addf_longer_than_buffer__grows),
		cmocka_unit_test(strbuf__detach__caller_owns_and_sb_empty),
		cmocka_unit_test(strbuf__rtrim__strips_whitespace_and_crlf),
		cmocka_unit_test(strbuf__write__writes_all_bytes),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
