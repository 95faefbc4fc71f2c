/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leveled logging to one sink (stderr by default). Data goes to stdout or files,
 * diagnostics come here. A TUI or an MCP server redirects the sink (a file, or a
 * callback that keeps messages for display) so nothing is written over the screen
 * or into the protocol stream.
 *
 *   error:  "<prog>: <message>"
 *   warn:   "<prog>: warning: <message>"
 *   info:   "<message>"
 *   debug:  "<prog>: debug: <message>" (shown from -v on)
 */
#ifndef SCX_COMMON_LOG_H
#define SCX_COMMON_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "common/util.h"

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
	LOG_DEBUG2 = 4,
};

typedef void (*log_sink_fn)(void *ctx, enum log_level level, const char *line);

/* Program name used as the message prefix (default "scx"). Borrowed pointer. */
void log_set_prog(const char *prog);
const char *log_prog(void);
/* Messages above this level are dropped. Default LOG_INFO. */
void log_set_level(int level);
int log_level(void);
/* Raise the level by n (for each -v). */
void log_add_verbosity(int n);
/* Send formatted lines to fp (NULL: stderr). Clears any callback sink. */
void log_set_file(FILE *fp);
/* Send formatted lines (prefix included, no trailing newline) to fn. */
void log_set_sink(log_sink_fn fn, void *ctx);

void log_msg(enum log_level level, const char *fmt, ...) __printf(2, 3);
void log_vmsg(enum log_level level, const char *fmt, va_list ap) __printf(2, 0);

#define pr_err(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define pr_debug2(...) log_msg(LOG_DEBUG2, __VA_ARGS__)

#endif
