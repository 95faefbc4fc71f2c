// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <poll.h>
#include <signal.h>

#include "common/sigwatch.h"

static void sigwatch__signal__fd_readable_and_pending(void **state)
{
	struct pollfd pfd;

	assert_int_equal(sigwatch_install(), 0);
	assert_int_equal(sigwatch_install(), 0); /* idempotent */
	pfd = (struct pollfd){.fd = sigwatch_fd(), .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_int_equal(sigwatch_pending(), 0);

	raise(SIGINT);
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	assert_int_equal(sigwatch_pending(), SIGINT);
	assert_int_equal(sigwatch_count(), 1);

	/* A second signal keeps the first as pending and bumps the count (force stop). */
	raise(SIGHUP);
	assert_int_equal(sigwatch_pending(), SIGINT);
	assert_int_equal(sigwatch_count(), 2);

	sigwatch_clear();
	assert_int_equal(sigwatch_pending(), 0);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	raise(SIGTERM);
	assert_int_equal(sigwatch_pending(), SIGTERM);
	sigwatch_uninstall();
	assert_int_equal(sigwatch_fd(), -1);
}

static void signal_name__known_and_unknown(void **state)
{
	assert_string_equal(signal_name(SIGINT), "SIGINT");
	assert_string_equal(signal_name(SIGKILL), "SIGKILL");
	assert_string_equal(signal_name(0), "signal");
	assert_string_equal(signal_name(200), "signal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sigwatch__signal__fd_readable_and_pending),
		cmocka_unit_test(signal_name__known_and_unknown),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("sigwatch", tests, NULL, NULL);
}
