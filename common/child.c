// SPDX-License-Identifier: GPL-2.0
#include "common/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/sigwatch.h"
#include "common/util.h"

#define CHILD_ERR_CAP_DEFAULT (64 * 1024)

static int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child after fork: set up one standard stream. Returns 0 or -1. */
static int setup_stream(int target, enum child_io io, int given_fd, const int pipefd[2],
			bool child_reads)
{
	int fd;

	switch (io) {
	case CHILD_IO_INHERIT:
		return 0;
	case CHILD_IO_NULL:
		fd = open("/dev/null", child_reads ? O_RDONLY : O_WRONLY);
		if (fd < 0)
			return -1;
		break;
	case CHILD_IO_PIPE:
		fd = child_reads ? pipefd[0] : pipefd[1];
		break;
	case CHILD_IO_FD:
		fd = given_fd;
		break;
	default:
		return -1;
	}
	if (fd != target && dup2(fd, target) < 0)
		return -1;
	return 0;
}

static __noreturn void child_exec(const struct child_opts *o, pid_t parent, int pipes[3][2],
				  int errpipe)
{
	sigset_t none;
	int e;

	prctl(PR_SET_PDEATHSIG, o->pdeathsig ? o->pdeathsig : SIGKILL);
	/* The parent may have died between fork and prctl. */
	if (getppid() != parent)
		_exit(127);
	if (o->new_pgrp)
		setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	if (setup_stream(STDIN_FILENO, o->in, o->in_fd, pipes[0], true) ||
	    setup_stream(STDOUT_FILENO, o->out, o->out_fd, pipes[1], false) ||
	    setup_stream(STDERR_FILENO, o->err, o->err_fd, pipes[2], false))
		goto fail;
	if (o->cwd && chdir(o->cwd))
		goto fail;
	execvp(o->argv[0], (char *const *)o->argv);
fail:
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0) {
		/* the parent will see a plain exit 127 */
	}
	_exit(127);
}

int child_spawn(struct child *c, const struct child_opts *o)
{
	int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	enum child_io ios[3] = {o->in, o->out, o->err};
	int errpipe[2] = {-1, -1};
	pid_t parent = getpid();
	int err = 0, child_errno = 0;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->pidfd = c->in_fd = c->out_fd = c->err_fd = -1;
	c->name = xstrdup(o->argv[0]);
	c->err_cap = o->err_cap ? o->err_cap : CHILD_ERR_CAP_DEFAULT;
	c->err_line = o->err_line;
	c->err_ctx = o->err_ctx;
	strbuf_init(&c->err, 0);
	strbuf_init(&c->err_partial, 0);

	for (int i = 0; i < 3; i++) {
		if (ios[i] == CHILD_IO_PIPE && pipe2(pipes[i], O_CLOEXEC)) {
			err = err_errno();
			goto fail;
		}
	}
	if (pipe2(errpipe, O_CLOEXEC)) {
		err = err_errno();
		goto fail;
	}
	if (log_level() >= LOG_DEBUG) {
		struct strbuf sb = STRBUF_INIT;

		for (const char *const *a = o->argv; *a; a++)
			strbuf_addf(&sb, "%s%s", a == o->argv ? "" : " ", *a);
		pr_debug("running: %s", sb.buf);
		strbuf_release(&sb);
	}

	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		err = err_errno();
		goto fail;
	}
	if (c->pid == 0)
		child_exec(o, parent, pipes, errpipe[1]);

	close_fd(&errpipe[1]);
	/* EOF means exec succeeded (the pipe is close-on-exec). */
	do {
		n = read(errpipe[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close_fd(&errpipe[0]);
	if (n == sizeof(child_errno)) {
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
		err = -child_errno;
		goto fail;
	}

	c->pidfd = sys_pidfd_open(c->pid);
	if (o->in == CHILD_IO_PIPE) {
		c->in_fd = pipes[0][1];
		pipes[0][1] = -1;
	}
	if (o->out == CHILD_IO_PIPE) {
		c->out_fd = pipes[1][0];
		pipes[1][0] = -1;
	}
	if (o->err == CHILD_IO_PIPE) {
		c->err_fd = pipes[2][0];
		pipes[2][0] = -1;
		fcntl(c->err_fd, F_SETFL, fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
	}
	for (int i = 0; i < 3; i++) {
		close_fd(&pipes[i][0]);
		close_fd(&pipes[i][1]);
	}
	return 0;

fail:
	for (int i = 0; i < 3; i++) {
		close_fd(&pipes[i][0]);
		close_fd(&pipes[i][1]);
	}
	close_fd(&errpipe[0]);
	close_fd(&errpipe[1]);
	child_release(c);
	return err;
}

static void emit_err_lines(struct child *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		strbuf_add(&c->err_partial, p, (size_t)(nl - p));
		c->err_line(c->err_ctx, c->err_partial.buf);
		strbuf_reset(&c->err_partial);
		p = nl + 1;
	}
	strbuf_add(&c->err_partial, p, (size_t)(end - p));
}

int child_drain(struct child *c)
{
	char buf[8192];
	ssize_t n;

	if (c->err_fd < 0)
		return 1;
	for (;;) {
		n = read(c->err_fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* EAGAIN, or an error we cannot do anything about */
		}
		if (n == 0) {
			close_fd(&c->err_fd);
			if (c->err_line && c->err_partial.len) {
				c->err_line(c->err_ctx, c->err_partial.buf);
				strbuf_reset(&c->err_partial);
			}
			return 1;
		}
		size_t keep = MIN((size_t)n, c->err_cap - MIN(c->err_cap, c->err.len));
		strbuf_add(&c->err, buf, keep);
		c->err_dropped += (size_t)n - keep;
		if (c->err_line)
			emit_err_lines(c, buf, (size_t)n);
	}
}

bool child_poll_exit(struct child *c)
{
	int status;
	pid_t r;

	if (c->exited)
		return true;
	if (c->pid <= 0)
		return false;
	do {
		r = waitpid(c->pid, &status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == c->pid) {
		c->exited = true;
		c->status = status;
		close_fd(&c->pidfd);
	}
	return c->exited;
}

int child_wait(struct child *c, int timeout_ms)
{
	uint64_t deadline = timeout_ms >= 0 ? now_mono_ns() + (uint64_t)timeout_ms * 1000000 : 0;

	for (;;) {
		struct pollfd pfd[3];
		int nfds = 0, wait_ms;

		if (child_poll_exit(c)) {
			/* Collect what the child wrote just before exiting. */
			child_drain(c);
			return 0;
		}
		if (timeout_ms >= 0) {
			uint64_t now = now_mono_ns();
			if (now >= deadline)
				return -ETIMEDOUT;
			wait_ms = (int)((deadline - now + 999999) / 1000000);
		} else {
			wait_ms = -1;
		}
		/* Without a pidfd, poll exit status every 10 ms. */
		if (c->pidfd >= 0)
			pfd[nfds++] = (struct pollfd){.fd = c->pidfd, .events = POLLIN};
		else if (wait_ms < 0 || wait_ms > 10)
			wait_ms = 10;
		if (c->err_fd >= 0)
			pfd[nfds++] = (struct pollfd){.fd = c->err_fd, .events = POLLIN};
		if (sigwatch_fd() >= 0)
			pfd[nfds++] = (struct pollfd){.fd = sigwatch_fd(), .events = POLLIN};
		if (poll(pfd, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			return err_errno();
		child_drain(c);
		if (sigwatch_pending())
			return -EINTR;
	}
}

int child_kill(struct child *c, int sig)
{
	if (c->pid <= 0 || child_poll_exit(c))
		return 0;
	if (c->pidfd >= 0) {
		if (sys_pidfd_send_signal(c->pidfd, sig) == 0)
			return 0;
		if (errno != ENOSYS)
			return errno == ESRCH ? 0 : err_errno();
	}
	if (kill(c->pid, sig))
		return errno == ESRCH ? 0 : err_errno();
	return 0;
}

ssize_t child_read(struct child *c, void *buf, size_t n)
{
	for (;;) {
		struct pollfd pfd[3];
		int nfds = 0;
		ssize_t r;

		if (c->out_fd < 0)
			return 0;
		pfd[nfds++] = (struct pollfd){.fd = c->out_fd, .events = POLLIN};
		if (c->err_fd >= 0)
			pfd[nfds++] = (struct pollfd){.fd = c->err_fd, .events = POLLIN};
		if (sigwatch_fd() >= 0)
			pfd[nfds++] = (struct pollfd){.fd = sigwatch_fd(), .events = POLLIN};
		if (poll(pfd, (nfds_t)nfds, -1) < 0 && errno != EINTR)
			return err_errno();
		if (sigwatch_pending())
			return -EINTR;
		if (c->err_fd >= 0)
			child_drain(c);
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(c->out_fd, buf, n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return err_errno();
		}
		if (r == 0)
			close_fd(&c->out_fd);
		return r;
	}
}

int child_capture(struct child *c, const char *const *argv, const char *cwd, struct strbuf *out,
		  int timeout_ms)
{
	struct child_opts o = {
		.argv = argv,
		.in = CHILD_IO_NULL,
		.out = out ? CHILD_IO_PIPE : CHILD_IO_NULL,
		.err = CHILD_IO_PIPE,
		.cwd = cwd,
	};
	uint64_t deadline = timeout_ms >= 0 ? now_mono_ns() + (uint64_t)timeout_ms * 1000000 : 0;
	char buf[8192];
	int err;

	err = child_spawn(c, &o);
	if (err)
		return err;
	if (out) {
		fcntl(c->out_fd, F_SETFL, fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
		while (c->out_fd >= 0) {
			struct pollfd pfd[2] = {{.fd = c->out_fd, .events = POLLIN},
						{.fd = c->err_fd, .events = POLLIN}};
			int wait_ms = -1;
			ssize_t n;

			if (timeout_ms >= 0) {
				uint64_t now = now_mono_ns();
				if (now >= deadline)
					return -ETIMEDOUT;
				wait_ms = (int)((deadline - now + 999999) / 1000000);
			}
			if (poll(pfd, c->err_fd >= 0 ? 2 : 1, wait_ms) < 0 && errno != EINTR)
				return err_errno();
			child_drain(c);
			n = read(c->out_fd, buf, sizeof(buf));
			if (n > 0)
				strbuf_add(out, buf, (size_t)n);
			else if (n == 0)
				close_fd(&c->out_fd);
			else if (errno != EAGAIN && errno != EINTR)
				return err_errno();
		}
	}
	if (timeout_ms >= 0) {
		uint64_t now = now_mono_ns();
		timeout_ms = now >= deadline ? 0 : (int)((deadline - now) / 1000000);
	}
	err = child_wait(c, timeout_ms);
	return err;
}

ssize_t child_read_cb(void *child, void *buf, size_t n)
{
	return child_read(child, buf, n);
}

bool child_success(const struct child *c)
{
	return c->exited && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

bool child_killed_by(const struct child *c, int sig)
{
	if (!c->exited)
		return false;
	if (WIFSIGNALED(c->status))
		return WTERMSIG(c->status) == sig;
	return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 128 + sig;
}

const char *child_status_str(const struct child *c, char *buf, size_t n)
{
	if (!c->exited)
		snprintf(buf, n, "running");
	else if (WIFEXITED(c->status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(c->status));
	else if (WIFSIGNALED(c->status))
		snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(c->status),
			 signal_name(WTERMSIG(c->status)));
	else
		snprintf(buf, n, "stopped (status 0x%x)", c->status);
	return buf;
}

const char *child_stderr(struct child *c)
{
	size_t start = 0;

	strbuf_rtrim(&c->err);
	while (start < c->err.len && (c->err.buf[start] == ' ' || c->err.buf[start] == '\n' ||
				      c->err.buf[start] == '\t' || c->err.buf[start] == '\r'))
		start++;
	return c->err.buf + start;
}

void child_release(struct child *c)
{
	if (c->pid > 0 && !child_poll_exit(c)) {
		child_kill(c, SIGKILL);
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
		c->exited = true;
	}
	c->pid = -1;
	close_fd(&c->pidfd);
	close_fd(&c->in_fd);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	strbuf_release(&c->err);
	strbuf_release(&c->err_partial);
	free(c->name);
	c->name = NULL;
}
