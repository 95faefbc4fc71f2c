/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the cmocka drivers (cmocka 1.1.5, Debian 12):
 *  - cmocka's headers in the order it needs;
 *  - test_data_path(): fixtures under $SCX_SRC/tests/data;
 *  - test_tmpdir(): a scratch directory removed at exit;
 *  - SKIP_UNLESS(cond, reason): prints "SKIP: reason" (the runner lists it) and skips.
 * Test names read as specs: <unit>__<scenario>__<expectation>.
 */
#ifndef SCX_TEST_COMMON_H
#define SCX_TEST_COMMON_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fs.h"
#include "common/util.h"

#define SKIP_UNLESS(cond, reason)                                                                  \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("SKIP: %s: %s\n", __func__, reason);                               \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* Path of a fixture: $SCX_SRC/tests/data/<rel> (static buffer). */
static inline const char *test_data_path(const char *rel)
{
	static char buf[4096];
	const char *src = getenv("SCX_SRC");

	snprintf(buf, sizeof(buf), "%s/tests/data/%s", src ? src : ".", rel);
	return buf;
}

static char test_tmp[64];

static inline void test_tmpdir_cleanup(void)
{
	if (test_tmp[0])
		fs_rmtree(test_tmp);
}

/* A scratch directory for this driver, created once, removed at exit. */
static inline const char *test_tmpdir(void)
{
	if (!test_tmp[0]) {
		snprintf(test_tmp, sizeof(test_tmp), "/tmp/scx-unit.XXXXXX");
		if (!mkdtemp(test_tmp))
			abort();
		atexit(test_tmpdir_cleanup);
	}
	return test_tmp;
}

/* Read a whole file into a NUL-terminated malloc'ed buffer (NULL on error). */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Unbuffered output so a crash does not lose earlier lines. */
static inline void test_setup_stdio(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

#endif
