// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <math.h>

#include "top/live/procstat.h"

static void procstat__offline_cpus__matched_by_label(void **state)
{
	struct procstat_cpu a[8], b[8];
	struct procstat_util u;

	assert_int_equal(procstat_read(test_data_path("procstat/offline.stat"), a, 8), 0);
	assert_int_equal(procstat_read(test_data_path("procstat/offline-later.stat"), b, 8), 0);
	assert_true(a[0].valid && a[1].valid && a[2].valid && a[7].valid);
	assert_false(a[3].valid || a[4].valid || a[5].valid || a[6].valid);
	/* a short row (old kernel) keeps what it has */
	assert_int_equal(a[7].user, 1);
	assert_int_equal(a[7].idle, 4);
	assert_int_equal(a[7].iowait, 0);
	/* cpu0: user 60 + nice 20, system 20, irq 10, idle 80 → 110 of 190 busy */
	procstat_util(&a[0], &b[0], &u);
	assert_true(u.valid);
	assert_true(fabs(u.busy - 100.0 * 110 / 190) < 1e-9);
	assert_true(fabs(u.user - 100.0 * 80 / 190) < 1e-9);
	assert_true(fabs(u.irq - 100.0 * 10 / 190) < 1e-9);
	procstat_util(&a[1], &b[1], &u);
	assert_true(u.valid && u.busy == 0.0);
	procstat_util(&a[2], &b[2], &u);
	assert_true(u.valid && u.busy == 100.0);
	/* no time passed: valid, 0 % */
	procstat_util(&a[7], &b[7], &u);
	assert_true(u.valid && u.busy == 0.0);
	procstat_util(&a[3], &b[3], &u);
	assert_false(u.valid);
}

static void procstat__missing_file__enoent(void **state)
{
	struct procstat_cpu a[2];

	assert_int_equal(procstat_read("/nonexistent/stat", a, 2), -ENOENT);
}

static void procstat__this_machine__cpu0_present(void **state)
{
	struct procstat_cpu a[1];

	assert_int_equal(procstat_read(NULL, a, 1), 0);
	assert_true(a[0].valid);
	assert_true(a[0].user + a[0].system + a[0].idle > 0);
}

static void cpufreq__absent__zero(void **state)
{
	assert_int_equal(cpufreq_read_khz("/nonexistent", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(procstat__offline_cpus__matched_by_label),
		cmocka_unit_test(procstat__missing_file__enoent),
		cmocka_unit_test(procstat__this_machine__cpu0_present),
		cmocka_unit_test(cpufreq__absent__zero),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("procstat", tests, NULL, NULL);
}
