// SPDX-License-Identifier: GPL-2.0
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

int err_errno(void)
{
	return errno ? -errno : -EIO;
}

const char *err_str(int err)
{
	const char *s = strerrordesc_np(err < 0 ? -err : err);

	return s ? s : "Unknown error";
}

int err_log(int err, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s: %s", msg, err_str(err));
	return err;
}

int err_exit_code(int err)
{
	if (err == 0)
		return EXIT_OK;
	if (err == -EINTR)
		return EXIT_INTERRUPTED;
	return EXIT_FAIL;
}
