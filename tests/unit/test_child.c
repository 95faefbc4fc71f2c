// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "common/child.h"
#include "common/sigwatch.h"

static void child__capture__stdout_and_status(void **state)
{
	const char *const argv[] = {"sh", "-c", "echo hello; echo oops >&2; exit 3", NULL};
	struct strbuf out = STRBUF_INIT;
	struct child c;
	char buf[64];

	assert_int_equal(child_capture(&c, argv, NULL, &out, 5000), 0);
	assert_string_equal(out.buf, "hello\n");
	assert_string_equal(child_stderr(&c), "oops");
	assert_false(child_success(&c));
	assert_string_equal(child_status_str(&c, buf, sizeof(buf)), "exited with status 3");
	child_release(&c);
	child_release(&c);
	strbuf_release(&out);
}

static void child__missing_binary__enoent_from_spawn(void **state)
{
	const char *const argv[] = {"/nonexistent/perf", "version", NULL};
	struct child c;

	assert_int_equal(child_capture(&c, argv, NULL, NULL, 5000), -ENOENT);
	child_release(&c);
}

static void child__stderr_flood__no_deadlock_and_capped(void **state)
{
	/* 1 MiB of stderr, far beyond a pipe buffer, then a clean exit. */
	const char *const argv[] = {"sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x >&2; echo done",
				    NULL};
	struct strbuf out = STRBUF_INIT;
	struct child c;

	assert_int_equal(child_capture(&c, argv, NULL, &out, 20000), 0);
	assert_true(child_success(&c));
	assert_string_equal(out.buf, "done\n");
	assert_int_equal(c.err.len, 64 * 1024);
	assert_int_equal(c.err.len + c.err_dropped, 1048576);
	child_release(&c);
	strbuf_release(&out);
}

static void child__timeout__reported_then_killed_on_release(void **state)
{
	const char *const argv[] = {"sleep", "30", NULL};
	struct child c;
	pid_t pid;

	assert_int_equal(child_capture(&c, argv, NULL, NULL, 100), -ETIMEDOUT);
	pid = c.pid;
	child_release(&c);
	/* reaped: the pid is gone */
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

static void child__sigint__status_names_signal(void **state)
{
	const char *const argv[] = {"sleep", "30", NULL};
	struct child_opts o = {.argv = argv, .in = CHILD_IO_NULL, .new_pgrp = true};
	struct child c;
	char buf[64];

	assert_int_equal(child_spawn(&c, &o), 0);
	assert_true(c.pidfd >= 0);
	assert_false(child_poll_exit(&c));
	assert_int_equal(child_kill(&c, SIGINT), 0);
	assert_int_equal(child_wait(&c, 5000), 0);
	assert_true(child_killed_by(&c, SIGINT));
	assert_string_equal(child_status_str(&c, buf, sizeof(buf)), "killed by signal 2 (SIGINT)");
	/* kill after exit is a no-op */
	assert_int_equal(child_kill(&c, SIGKILL), 0);
	child_release(&c);
}

static void child__exit_130__counts_as_killed_by_sigint(void **state)
{
	const char *const argv[] = {"sh", "-c", "exit 130", NULL};
	struct child c;

	assert_int_equal(child_capture(&c, argv, NULL, NULL, 5000), 0);
	assert_true(child_killed_by(&c, SIGINT));
	child_release(&c);
}

static void child__read__streams_stdout_while_draining_stderr(void **state)
{
	const char *const argv[] = {
		"sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line$i; echo err$i >&2; i=$((i+1)); done",
		NULL};
	struct child_opts o = {.argv = argv, .in = CHILD_IO_NULL, .out = CHILD_IO_PIPE,
			       .err = CHILD_IO_PIPE};
	struct strbuf out = STRBUF_INIT;
	struct child c;
	char buf[4096];
	ssize_t n;

	assert_int_equal(child_spawn(&c, &o), 0);
	while ((n = child_read(&c, buf, sizeof(buf))) > 0)
		strbuf_add(&out, buf, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(child_wait(&c, 5000), 0);
	assert_true(child_success(&c));
	assert_true(str_has_prefix(out.buf, "line0\nline1\n"));
	assert_true(str_has_suffix(out.buf, "line1999\n"));
	assert_true(str_has_suffix(c.err.buf, "err1999\n"));
	child_release(&c);
	strbuf_release(&out);
}

static int nlines;
static void count_line(void *ctx, const char *line)
{
	assert_true(str_has_prefix(line, "warn"));
	nlines++;
}

static void child__err_line_callback__each_line_once(void **state)
{
	const char *const argv[] = {"sh", "-c", "printf 'warn 1\\nwarn 2\\nwarn 3'  >&2", NULL};
	struct child_opts o = {.argv = argv, .in = CHILD_IO_NULL, .err = CHILD_IO_PIPE,
			       .err_line = count_line};
	struct child c;

	nlines = 0;
	assert_int_equal(child_spawn(&c, &o), 0);
	assert_int_equal(child_wait(&c, 5000), 0);
	assert_int_equal(nlines, 3);
	child_release(&c);
}

static void child__parent_dies__child_killed_by_pdeathsig(void **state)
{
	/* An intermediate process spawns a long sleep and exits; the sleep must die. */
	int fds[2];
	pid_t mid, grandchild = 0;

	assert_int_equal(pipe(fds), 0);
	mid = fork();
	if (mid == 0) {
		const char *const argv[] = {"sleep", "30", NULL};
		struct child_opts o = {.argv = argv, .in = CHILD_IO_NULL};
		struct child c;

		if (child_spawn(&c, &o))
			_exit(1);
		if (write(fds[1], &c.pid, sizeof(c.pid)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(fds[0]);
	waitpid(mid, NULL, 0);
	/* The orphan is reparented and killed; give the kernel a moment. */
	for (int i = 0; i < 200 && kill(grandchild, 0) == 0; i++) {
		/* It may linger as a zombie of init/subreaper; check its state. */
		char path[64], st = 0;
		FILE *fp;

		snprintf(path, sizeof(path), "/proc/%d/stat", grandchild);
		fp = fopen(path, "r");
		if (!fp)
			break;
		if (fscanf(fp, "%*d %*s %c", &st) == 1 && st == 'Z') {
			fclose(fp);
			break;
		}
		fclose(fp);
		usleep(10000);
	}
	char path[64], st = 'Z';
	snprintf(path, sizeof(path), "/proc/%d/stat", grandchild);
	FILE *fp = fopen(path, "r");
	if (fp) {
		if (fscanf(fp, "%*d %*s %c", &st) != 1)
			st = 'Z';
		fclose(fp);
	}
	assert_true(st == 'Z' || st == 'X');
}

static void child__sigwatch__wait_returns_eintr(void **state)
{
	const char *const argv[] = {"sleep", "30", NULL};
	struct child_opts o = {.argv = argv, .in = CHILD_IO_NULL, .new_pgrp = true};
	struct child c;

	assert_int_equal(sigwatch_install(), 0);
	assert_int_equal(child_spawn(&c, &o), 0);
	raise(SIGTERM);
	assert_int_equal(child_wait(&c, 5000), -EINTR);
	assert_int_equal(sigwatch_pending(), SIGTERM);
	child_release(&c);
	sigwatch_uninstall();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(child__capture__stdout_and_status),
		cmocka_unit_test(child__missing_binary__enoent_from_spawn),
		cmocka_unit_test(child__stderr_flood__no_deadlock_and_capped),
		cmocka_unit_test(child__timeout__reported_then_killed_on_release),
		cmocka_unit_test(child__sigint__status_names_signal),
		cmocka_unit_test(child__exit_130__counts_as_killed_by_sigint),
		cmocka_unit_test(child__read__streams_stdout_while_draining_stderr),
		cmocka_unit_test(child__err_line_callback__each_line_once),
		cmocka_unit_test(child__parent_dies__child_killed_by_pdeathsig),
		cmocka_unit_test(child__sigwatch__wait_returns_eintr),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
