// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/fs.h"

static void fs_read_line__first_line_without_newline(void **state)
{
	char path[512], buf[8];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/line", test_tmpdir());
	fp = fopen(path, "w");
	fputs("enabled\nsecond\n", fp);
	fclose(fp);
	assert_int_equal(fs_read_line(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "enabled");
	assert_int_equal(fs_read_line(path, buf, 4), 0);	/* truncated, terminated */
	assert_string_equal(buf, "ena");
	fp = fopen(path, "w");
	fclose(fp);
	assert_int_equal(fs_read_line(path, buf, sizeof(buf)), 0);	/* empty file */
	assert_string_equal(buf, "");
	assert_int_equal(fs_read_line("/nonexistent/x", buf, sizeof(buf)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fs_read_line__first_line_without_newline),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("fs", tests, NULL, NULL);
}
