/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error convention: every fallible function returns 0 or a negative errno
 * (libbpf 1.x's contract); pointer-returning constructors return NULL with errno
 * set. Capture errno on the line after the failing call: `err = err_errno();`.
 */
#ifndef SCX_COMMON_ERR_H
#define SCX_COMMON_ERR_H

#include <errno.h>

#include "common/util.h"

/* Process exit codes, mapped in one place (main). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	/* 128 + SIGINT: a recording stopped by a signal (shells use the same). */
	EXIT_INTERRUPTED = 130,
};

/* -errno, or -EIO when errno is 0 (so a failure is never reported as success). */
int err_errno(void);
/* strerror(-err); thread-safe, never NULL. */
const char *err_str(int err);
/* Log "<prog>: <message>: <strerror(-err)>" at error level and return err. */
int err_log(int err, const char *fmt, ...) __printf(2, 3);
/* 0 → EXIT_OK, -EINTR → EXIT_INTERRUPTED, other negative → EXIT_FAIL. */
int err_exit_code(int err);

#endif
