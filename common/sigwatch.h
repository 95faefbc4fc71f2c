/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIGINT, SIGTERM and SIGHUP turned into data. The handler only records the
 * signal and makes an eventfd readable (async-signal-safe), so:
 *   - a poll loop puts sigwatch_fd() in its set and wakes up at once;
 *   - a long computation calls sigwatch_pending() between units of work;
 *   - sigwatch_count() tells a second Ctrl-C (force) from the first.
 * Handlers use SA_RESTART, so interrupted blocking reads resume; code that can
 * block for long must poll sigwatch_fd() too.
 */
#ifndef SCX_COMMON_SIGWATCH_H
#define SCX_COMMON_SIGWATCH_H

/* Install the handlers (idempotent). 0 or negative errno. */
int sigwatch_install(void);
/* Restore default dispositions and close the eventfd. */
void sigwatch_uninstall(void);
/* Readable after a signal arrived, until sigwatch_clear(). -1 if not installed. */
int sigwatch_fd(void);
/* The first signal received since the last clear, or 0. */
int sigwatch_pending(void);
/* Signals received since install (a second Ctrl-C forces a stop). */
unsigned sigwatch_count(void);
/* Forget the pending signal and make the fd unreadable again. */
void sigwatch_clear(void);
/* Name such as "SIGINT" (never NULL). */
const char *signal_name(int sig);

#endif
