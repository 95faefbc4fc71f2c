// SPDX-License-Identifier: GPL-2.0
/* common/log, common/err and common/util. */
#include "test_common.h"

#include <errno.h>

#include "common/err.h"
#include "common/log.h"
#include "common/strbuf.h"

static struct strbuf captured = STRBUF_INIT;

static void capture(void *ctx, enum log_level level, const char *line)
{
	strbuf_addf(&captured, "%d:%s\n", (int)level, line);
}

static void log__levels_and_prefixes__as_documented(void **state)
{
	strbuf_reset(&captured);
	log_set_prog("scxprof");
	log_set_sink(capture, NULL);
	log_set_level(LOG_INFO);
	pr_err("cannot open '%s'", "x");
	pr_warn("dropped %d events", 3);
	pr_info("plain info\n");
	pr_debug("hidden");
	log_add_verbosity(1);
	pr_debug("shown");
	pr_debug2("hidden too");
	assert_string_equal(captured.buf, "0:scxprof: cannot open 'x'\n"
					  "1:scxprof: warning: dropped 3 events\n"
					  "2:plain info\n"
					  "3:scxprof: debug: shown\n");
	log_set_file(NULL);
	log_set_level(LOG_INFO);
}

static void log__file_sink__lines_written(void **state)
{
	char path[4096];
	FILE *fp;
	char *text;

	snprintf(path, sizeof(path), "%s/log.txt", test_tmpdir());
	fp = fopen(path, "w");
	log_set_prog("scxtop");
	log_set_file(fp);
	pr_err("boom");
	log_set_file(NULL);
	fclose(fp);
	text = test_read_file(path, NULL);
	assert_string_equal(text, "scxtop: boom\n");
	free(text);
}

static void err__log_and_exit_codes(void **state)
{
	strbuf_reset(&captured);
	log_set_prog("scxprof");
	log_set_sink(capture, NULL);
	assert_int_equal(err_log(-ENOENT, "cannot open '%s'", "f"), -ENOENT);
	assert_string_equal(captured.buf, "0:scxprof: cannot open 'f': No such file or directory\n");
	log_set_file(NULL);
	assert_string_equal(err_str(-EEXIST), "File exists");
	assert_string_equal(err_str(EEXIST), "File exists");
	assert_int_equal(err_exit_code(0), EXIT_OK);
	assert_int_equal(err_exit_code(-EINTR), EXIT_INTERRUPTED);
	assert_int_equal(err_exit_code(-EIO), EXIT_FAIL);
	errno = 0;
	assert_int_equal(err_errno(), -EIO);
	errno = EACCES;
	assert_int_equal(err_errno(), -EACCES);
}

static void util__parse_numbers__strict(void **state)
{
	uint64_t u;
	int64_t i;

	assert_int_equal(parse_u64("30", 0, 100, &u), 0);
	assert_int_equal(u, 30);
	assert_int_equal(parse_u64("18446744073709551615", 0, UINT64_MAX, &u), 0);
	assert_int_equal(parse_u64("18446744073709551616", 0, UINT64_MAX, &u), -ERANGE);
	assert_int_equal(parse_u64("", 0, 100, &u), -EINVAL);
	assert_int_equal(parse_u64(" 3", 0, 100, &u), -EINVAL);
	assert_int_equal(parse_u64("-3", 0, 100, &u), -EINVAL);
	assert_int_equal(parse_u64("3x", 0, 100, &u), -EINVAL);
	assert_int_equal(parse_u64("101", 0, 100, &u), -ERANGE);
	assert_int_equal(parse_u64("0", 1, 100, &u), -ERANGE);
	assert_int_equal(parse_i64("-5", -10, 10, &i), 0);
	assert_int_equal(i, -5);
	assert_int_equal(parse_i64("-", -10, 10, &i), -EINVAL);
	assert_int_equal(parse_i64("-11", -10, 10, &i), -ERANGE);
}

static void util__strings_and_growth(void **state)
{
	int *v = NULL;
	size_t alloc = 0;

	assert_true(str_has_prefix("sched:sched_switch", "sched:"));
	assert_false(str_has_prefix("s", "sched"));
	assert_true(str_has_suffix("run1.tar.gz", ".tar.gz"));
	assert_false(str_has_suffix("gz", ".tar.gz"));
	xgrow((void **)&v, &alloc, 100, sizeof(*v));
	assert_true(alloc >= 100);
	v[99] = 1;
	free(v);
	char *s = xasprintf("%s-%d", "a", 7);
	assert_string_equal(s, "a-7");
	free(s);
	assert_true(now_mono_ns() > 0);
	uint64_t mono = now_mono_ns();
	assert_true(now_boot_ns() >= mono);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log__levels_and_prefixes__as_documented),
		cmocka_unit_test(log__file_sink__lines_written),
		cmocka_unit_test(err__log_and_exit_codes),
		cmocka_unit_test(util__parse_numbers__strict),
		cmocka_unit_test(util__strings_and_growth),
	};
	int r;

	test_setup_stdio();
	r = cmocka_run_group_tests_name("log_err_util", tests, NULL, NULL);
	strbuf_release(&captured);
	return r;
}
