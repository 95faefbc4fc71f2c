// SPDX-License-Identifier: GPL-2.0
/*
 * The hint recorder's user-space logic: hints.jsonl lines, and poll mode's
 * per-thread change tracking (first sight, changes, tid reuse, threads that
 * vanish). The BPF side is exercised by tests/integration/record_hints.sh.
 */
#include "test_common.h"

#include "bpf/hints_trace.h"
#include "common/log.h"
#include "profiler/hints_recorder.h"

static void rec_init(struct hints_recorder *r)
{
	memset(r, 0, sizeof(*r));
	u64map_init(&r->index);
	strbuf_init(&r->buf, 0);
}

static void feed(struct hints_recorder *r, int pid, int tgid, unsigned long long hint,
		 unsigned long long ts)
{
	struct hint_event e = {.pid = pid, .tgid = tgid, .hints = hint, .timestamp = ts};

	hints_poll_record(r, &e);
}

static void hints__format_line__upstream_keys_and_order(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	hints_format_line(&sb, 2001, 1000, 7, 100);
	hints_format_line(&sb, -1, 2147483647, 18446744073709551615ull, 0);
	assert_string_equal(sb.buf, "{\"pid\":2001,\"tgid\":1000,\"hints\":7,\"timestamp\":100}\n"
				    "{\"pid\":-1,\"tgid\":2147483647,\"hints\":18446744073709551615,"
				    "\"timestamp\":0}\n");
	strbuf_release(&sb);
}

static void hints__event__is_24_bytes_like_upstream(void **state)
{
	assert_int_equal(sizeof(struct hint_event), 24);
	assert_int_equal(offsetof(struct hint_event, hints), 8);
	assert_int_equal(offsetof(struct hint_event, timestamp), 16);
}

static void hints__poll_first_pass__records_every_hint(void **state)
{
	struct hints_recorder r;

	rec_init(&r);
	feed(&r, 10, 9, 5, 100);
	feed(&r, 11, 9, 0, 101);
	hints_poll_end_pass(&r, 150);
	assert_string_equal(r.buf.buf, "{\"pid\":10,\"tgid\":9,\"hints\":5,\"timestamp\":100}\n"
				       "{\"pid\":11,\"tgid\":9,\"hints\":0,\"timestamp\":101}\n");
	assert_int_equal(r.stats.lines, 2);
	hints_recorder_destroy(&r);
}

static void hints__poll_unchanged__writes_nothing_changed__one_line(void **state)
{
	struct hints_recorder r;

	rec_init(&r);
	feed(&r, 10, 9, 5, 100);
	feed(&r, 11, 9, 6, 100);
	hints_poll_end_pass(&r, 150);
	strbuf_reset(&r.buf);
	feed(&r, 10, 9, 5, 200);
	feed(&r, 11, 9, 7, 201);
	hints_poll_end_pass(&r, 250);
	assert_string_equal(r.buf.buf, "{\"pid\":11,\"tgid\":9,\"hints\":7,\"timestamp\":201}\n");
	hints_recorder_destroy(&r);
}

static void hints__poll_thread_gone__hint_zero_at_pass_end(void **state)
{
	struct hints_recorder r;

	rec_init(&r);
	feed(&r, 10, 9, 5, 100);
	feed(&r, 11, 9, 0, 100);
	hints_poll_end_pass(&r, 150);
	strbuf_reset(&r.buf);
	/* both vanish: 10 had a hint (line with 0), 11 had 0 already (no line) */
	hints_poll_end_pass(&r, 250);
	assert_string_equal(r.buf.buf, "{\"pid\":10,\"tgid\":9,\"hints\":0,\"timestamp\":250}\n");
	assert_int_equal(r.nr_seen, 0);
	strbuf_reset(&r.buf);
	/* it comes back: first sight again */
	feed(&r, 10, 9, 5, 300);
	hints_poll_end_pass(&r, 350);
	assert_string_equal(r.buf.buf, "{\"pid\":10,\"tgid\":9,\"hints\":5,\"timestamp\":300}\n");
	hints_recorder_destroy(&r);
}

static void hints__poll_tid_reused_by_other_process__recorded(void **state)
{
	struct hints_recorder r;

	rec_init(&r);
	feed(&r, 10, 9, 5, 100);
	hints_poll_end_pass(&r, 150);
	strbuf_reset(&r.buf);
	feed(&r, 10, 42, 5, 200); /* same tid and value, another process */
	hints_poll_end_pass(&r, 250);
	assert_string_equal(r.buf.buf, "{\"pid\":10,\"tgid\":42,\"hints\":5,\"timestamp\":200}\n");
	hints_recorder_destroy(&r);
}

/* Many threads coming and going: the index stays consistent with seen[]. */
static void hints__poll_churn__index_consistent(void **state)
{
	struct hints_recorder r;
	unsigned long long expect_lines = 0;
	unsigned seed = 12345;
	bool alive[4000] = {false};
	unsigned long long hint[4000] = {0};

	rec_init(&r);
	for (int pass = 0; pass < 50; pass++) {
		for (int tid = 1; tid < 4000; tid++) {
			seed = seed * 1103515245 + 12345;
			unsigned roll = (seed >> 16) % 100;
			if (alive[tid] && roll < 10) {
				alive[tid] = false; /* vanishes this pass */
				expect_lines += hint[tid] != 0;
				continue;
			}
			if (!alive[tid] && roll < 30) {
				alive[tid] = true;
				hint[tid] = roll % 3;
				expect_lines++;
			} else if (alive[tid] && roll > 90) {
				hint[tid]++;
				expect_lines++;
			}
			if (alive[tid])
				feed(&r, tid, 1, hint[tid], (unsigned long long)pass);
		}
		hints_poll_end_pass(&r, (unsigned long long)pass);
		strbuf_reset(&r.buf);
		/* invariant: every seen entry is indexed at its own position */
		size_t live = 0;
		for (int tid = 1; tid < 4000; tid++)
			live += alive[tid];
		assert_int_equal(r.nr_seen, live);
		for (size_t i = 0; i < r.nr_seen; i++) {
			uint64_t *slot = u64map_get(&r.index, (uint32_t)r.seen[i].tid);
			assert_non_null(slot);
			assert_int_equal(*slot, i + 1);
			assert_true(alive[r.seen[i].tid]);
			assert_int_equal(r.seen[i].hint, hint[r.seen[i].tid]);
		}
	}
	assert_int_equal(r.stats.lines, expect_lines);
	hints_recorder_destroy(&r);
}

static void hints__map_open__missing_pin__enoent_with_message(void **state)
{
	struct hints_map m;

	log_set_level(LOG_ERROR - 1); /* quiet */
	assert_int_equal(hints_map_open(&m, "/sys/fs/bpf/scxprof-no-such-map", 0) < 0, 1);
	assert_int_equal(m.fd, -1);
	hints_map_close(&m);
	log_set_level(LOG_INFO);
}

static void hints__map_open__not_bpffs__einval(void **state)
{
	struct hints_map m;

	log_set_level(LOG_ERROR - 1);
	assert_int_equal(hints_map_open(&m, "/proc/self/status", 0), -EINVAL);
	hints_map_close(&m);
	log_set_level(LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hints__format_line__upstream_keys_and_order),
		cmocka_unit_test(hints__event__is_24_bytes_like_upstream),
		cmocka_unit_test(hints__poll_first_pass__records_every_hint),
		cmocka_unit_test(hints__poll_unchanged__writes_nothing_changed__one_line),
		cmocka_unit_test(hints__poll_thread_gone__hint_zero_at_pass_end),
		cmocka_unit_test(hints__poll_tid_reused_by_other_process__recorded),
		cmocka_unit_test(hints__poll_churn__index_consistent),
		cmocka_unit_test(hints__map_open__missing_pin__enoent_with_message),
		cmocka_unit_test(hints__map_open__not_bpffs__einval),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("hints_recorder", tests, NULL, NULL);
}
