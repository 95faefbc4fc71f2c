// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/hashmap.h"

static void assert_sane_u64map(const struct u64map *m)
{
	size_t full = 0, deleted = 0;

	for (size_t i = 0; i < m->cap; i++) {
		full += m->ctrl[i] == 1;
		deleted += m->ctrl[i] == 2;
	}
	assert_int_equal(full, m->len);
	assert_int_equal(full + deleted, m->used);
	assert_true(m->cap == 0 || (m->cap & (m->cap - 1)) == 0);
	assert_true(m->used * 4 <= m->cap * 3);
}

static void u64map__insert_get_update__values_kept(void **state)
{
	struct u64map m;
	bool created;

	u64map_init(&m);
	assert_null(u64map_get(&m, 0));
	for (uint64_t k = 0; k < 10000; k++) {
		*u64map_upsert(&m, k * 7919, &created) = k;
		assert_true(created);
	}
	assert_sane_u64map(&m);
	assert_int_equal(m.len, 10000);
	for (uint64_t k = 0; k < 10000; k++) {
		uint64_t *v = u64map_get(&m, k * 7919);
		assert_non_null(v);
		assert_int_equal(*v, k);
	}
	(*u64map_upsert(&m, 7919, &created))++;
	assert_false(created);
	assert_int_equal(*u64map_get(&m, 7919), 2);
	assert_null(u64map_get(&m, 1));
	u64map_release(&m);
}

static void u64map__delete_and_reinsert__no_leak_of_tombstones(void **state)
{
	struct u64map m;

	u64map_init(&m);
	/* Churn: the table must not grow without bound from tombstones. */
	for (uint64_t round = 0; round < 100; round++) {
		for (uint64_t k = 0; k < 100; k++)
			*u64map_upsert(&m, round * 1000 + k, NULL) = k;
		for (uint64_t k = 0; k < 100; k++)
			assert_true(u64map_del(&m, round * 1000 + k));
		assert_sane_u64map(&m);
	}
	assert_int_equal(m.len, 0);
	assert_true(m.cap <= 1024);
	assert_false(u64map_del(&m, 5));
	u64map_release(&m);
}

static void u64map__iterate__visits_each_once(void **state)
{
	struct u64map m;
	uint64_t key, *val, sum = 0;
	size_t n = 0;

	u64map_init(&m);
	for (uint64_t k = 1; k <= 1000; k++)
		*u64map_upsert(&m, k, NULL) = k;
	u64map_del(&m, 500);
	for (size_t it = 0; u64map_next(&m, &it, &key, &val);) {
		assert_int_equal(key, *val);
		sum += key;
		n++;
	}
	assert_int_equal(n, 999);
	assert_int_equal(sum, 1000 * 1001 / 2 - 500);
	u64map_release(&m);
}

static void strmap__binary_keys__distinct_entries(void **state)
{
	struct strmap m;
	bool created;
	char key[32];

	strmap_init(&m);
	*strmap_upsert(&m, "a\0b", 3, &created) = 1;
	assert_true(created);
	*strmap_upsert(&m, "a\0c", 3, &created) = 2;
	assert_true(created);
	*strmap_upsert(&m, "a", 1, &created) = 3;
	assert_true(created);
	assert_int_equal(*strmap_get(&m, "a\0b", 3), 1);
	assert_int_equal(*strmap_get(&m, "a\0c", 3), 2);
	assert_int_equal(*strmap_get(&m, "a", 1), 3);
	assert_null(strmap_get(&m, "b", 1));
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof(key), "comm-%d", i);
		*strmap_upsert(&m, key, (size_t)n, NULL) = (uint64_t)i;
	}
	assert_int_equal(m.len, 5003);
	assert_int_equal(*strmap_get(&m, "comm-4321", 9), 4321);
	strmap_upsert(&m, "comm-4321", 9, &created);
	assert_false(created);

	size_t n = 0, len;
	const char *k;
	uint64_t *v;
	for (size_t it = 0; strmap_next(&m, &it, &k, &len, &v);) {
		assert_int_equal(k[len], '\0');
		n++;
	}
	assert_int_equal(n, 5003);
	strmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u64map__insert_get_update__values_kept),
		cmocka_unit_test(u64map__delete_and_reinsert__no_leak_of_tombstones),
		cmocka_unit_test(u64map__iterate__visits_each_once),
		cmocka_unit_test(strmap__binary_keys__distinct_entries),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("hashmap", tests, NULL, NULL);
}
