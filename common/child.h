/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child processes (perf record, perf script, ...), git's run-command in spirit:
 *  - argv arrays, never a shell;
 *  - PR_SET_PDEATHSIG in the child, so it dies when we die (no orphaned
 *    system-wide perf), and optionally its own process group, so the terminal's
 *    Ctrl-C reaches only us and we decide the stop order;
 *  - a pidfd to poll for exit alongside other fds;
 *  - stderr drained while the child runs (a chatty child never blocks on a full
 *    pipe); the first err_cap bytes are kept for error messages, the rest counted;
 *  - exec failures (e.g. "perf" not installed) reported by child_spawn itself.
 *
 * Note: PDEATHSIG fires when the spawning *thread* exits; spawn from the main thread.
 */
#ifndef SCX_COMMON_CHILD_H
#define SCX_COMMON_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/strbuf.h"

enum child_io {
	CHILD_IO_INHERIT = 0,
	CHILD_IO_NULL,	/* /dev/null */
	CHILD_IO_PIPE,	/* a pipe to/from us (child.in_fd / out_fd / err_fd) */
	CHILD_IO_FD,	/* the given fd (dup'ed into place) */
};

typedef void (*child_line_fn)(void *ctx, const char *line);

struct child_opts {
	const char *const *argv;	/* argv[0] is searched in PATH */
	enum child_io in, out, err;
	int in_fd, out_fd, err_fd;	/* for CHILD_IO_FD */
	int pdeathsig;			/* default SIGKILL */
	bool new_pgrp;			/* own process group */
	const char *cwd;		/* chdir before exec */
	size_t err_cap;			/* stderr bytes kept (default 64 KiB) */
	child_line_fn err_line;		/* optional: each stderr line as it arrives */
	void *err_ctx;
};

struct child {
	pid_t pid;
	int pidfd;		/* -1 when the kernel has no pidfd_open */
	int in_fd, out_fd, err_fd;	/* our ends of CHILD_IO_PIPE streams, else -1 */
	bool exited;
	int status;		/* waitpid status, valid when exited */
	char *name;		/* argv[0], for messages */
	struct strbuf err;	/* captured stderr (at most err_cap bytes) */
	size_t err_cap;
	size_t err_dropped;	/* stderr bytes beyond err_cap */
	struct strbuf err_partial;	/* incomplete last line for err_line */
	child_line_fn err_line;
	void *err_ctx;
};

/* Start the child. On failure nothing is left running; -ENOENT when argv[0] is not found. */
int child_spawn(struct child *c, const struct child_opts *opts);
/* Read the stderr that is available now, without blocking. 1 at EOF, else 0. */
int child_drain(struct child *c);
/*
 * Wait until the child exits, draining stderr. timeout_ms < 0 waits forever.
 * 0 once exited, -ETIMEDOUT, or -EINTR when a watched signal arrived (sigwatch).
 */
int child_wait(struct child *c, int timeout_ms);
/* Non-blocking check: true when the child has exited (and is reaped). */
bool child_poll_exit(struct child *c);
/* Send sig; no-op after exit. 0 or negative errno. */
int child_kill(struct child *c, int sig);
/*
 * Read up to n bytes of the child's stdout pipe, draining stderr while waiting.
 * Returns bytes read, 0 at EOF, -EINTR when a watched signal arrived, or -errno.
 */
ssize_t child_read(struct child *c, void *buf, size_t n);
/* child_read with a void * child, to feed a line reader: line_reader_init_fn(&lr, child_read_cb, &c). */
ssize_t child_read_cb(void *child, void *buf, size_t n);
/* True when the child exited with status 0. */
bool child_success(const struct child *c);
/* True when the child died from signal sig (or exited 128+sig, as perf does). */
bool child_killed_by(const struct child *c, int sig);
/* "exited with status 1", "killed by signal 9 (SIGKILL)", "running". */
const char *child_status_str(const struct child *c, char *buf, size_t n);
/* Captured stderr with surrounding whitespace trimmed (borrowed). */
const char *child_stderr(struct child *c);
/*
 * Run argv to completion with stdin from /dev/null, stdout captured into out
 * (NULL: discarded) and stderr into c->err; kill it after timeout_ms (< 0: no
 * limit). 0 when it ran to the end (inspect c with child_success() and friends,
 * then child_release()), or a negative errno (not started, -ETIMEDOUT, -EINTR).
 */
int child_capture(struct child *c, const char *const *argv, const char *cwd, struct strbuf *out,
		  int timeout_ms);
/* Kill (SIGKILL) and reap if still running, close fds, free. Safe to call twice. */
void child_release(struct child *c);

#endif
