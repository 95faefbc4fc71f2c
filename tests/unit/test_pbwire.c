// SPDX-License-Identifier: GPL-2.0
/* The protobuf wire encoder of the trace writer, against hand-computed bytes. */
#include "test_common.h"

#include "top/trace/pbwire.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void expect_bytes(const struct pbuf *b, const uint8_t *want, size_t n)
{
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

static void pbwire__varints__minimal_little_endian_groups(void **state)
{
	struct pbuf b = PBUF_INIT;

	pb_varint(&b, 0);
	pb_varint(&b, 1);
	pb_varint(&b, 127);
	pb_varint(&b, 128);
	pb_varint(&b, 300);
	pb_varint(&b, UINT64_MAX);
	expect_bytes(&b, BYTES(0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff,
			       0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
	assert_int_equal(pb_varint_size(0), 1);
	assert_int_equal(pb_varint_size(127), 1);
	assert_int_equal(pb_varint_size(128), 2);
	assert_int_equal(pb_varint_size(16383), 2);
	assert_int_equal(pb_varint_size(16384), 3);
	assert_int_equal(pb_varint_size(UINT64_MAX), 10);
	pbuf_release(&b);
}

static void pbwire__scalar_fields__tag_then_value(void **state)
{
	struct pbuf b = PBUF_INIT;

	pb_uint(&b, 1, 150);		/* the protobuf docs' example: 08 96 01 */
	pb_int(&b, 2, -1);		/* int32/int64 -1: ten bytes */
	pb_uint(&b, 491, 5);		/* tag 3928 = 0xd8 0x1e */
	pb_string(&b, 2, "testing");
	pb_fixed64(&b, 47, 0x0102030405060708ULL);
	pb_double(&b, 5, 1.0);
	expect_bytes(&b, BYTES(0x08, 0x96, 0x01,
			       0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
			       0xd8, 0x1e, 0x05,
			       0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g',
			       0xf9, 0x02, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
			       0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f));
	pbuf_release(&b);
}

static void pbwire__comm__stops_at_nul_or_16_bytes(void **state)
{
	struct pbuf b = PBUF_INIT;
	char full[16];

	memset(full, 'x', sizeof(full));
	pb_comm(&b, 1, "ab\0garbage-after");
	pb_comm(&b, 1, full);
	assert_int_equal(b.len, 4 + 18);
	assert_memory_equal(b.data, "\x0a\x02" "ab" "\x0a\x10", 6);
	assert_memory_equal(b.data + 6, full, 16);
	pbuf_release(&b);
}

static void pbwire__nested_short__one_length_byte(void **state)
{
	struct pbuf b = PBUF_INIT;
	size_t outer, inner;

	outer = pb_open(&b, 4);
	pb_uint(&b, 1, 1);
	inner = pb_open(&b, 2);
	pb_uint(&b, 3, 7);
	pb_close(&b, inner);
	pb_close(&b, outer);
	expect_bytes(&b, BYTES(0x22, 0x06, 0x08, 0x01, 0x12, 0x02, 0x18, 0x07));
	pbuf_release(&b);
}

static void pbwire__nested_long__body_moves_for_longer_length(void **state)
{
	struct pbuf b = PBUF_INIT;
	char payload[300];
	size_t outer;

	memset(payload, 'p', sizeof(payload));
	pb_uint(&b, 1, 9);
	outer = pb_open(&b, 2);
	pb_bytes(&b, 3, payload, sizeof(payload));	/* 1 + 2 + 300 = 303 bytes */
	pb_close(&b, outer);
	pb_uint(&b, 4, 1);
	/* 303 = 0xaf 0x02 */
	assert_int_equal(b.len, 2 + 1 + 2 + 303 + 2);
	assert_memory_equal(b.data, "\x08\x09\x12\xaf\x02\x1a\xac\x02", 8);
	assert_memory_equal(b.data + 8, payload, 300);
	assert_memory_equal(b.data + 308, "\x20\x01", 2);
	pbuf_release(&b);
}

static void pbwire__grow__many_small_writes_keep_content(void **state)
{
	struct pbuf b = PBUF_INIT;
	uint64_t i;

	for (i = 0; i < 100000; i++)
		pb_varint(&b, i & 0x7f);
	assert_int_equal(b.len, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], i & 0x7f);
	pbuf_reset(&b);
	assert_int_equal(b.len, 0);
	pbuf_release(&b);
	assert_null(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pbwire__varints__minimal_little_endian_groups),
		cmocka_unit_test(pbwire__scalar_fields__tag_then_value),
		cmocka_unit_test(pbwire__comm__stops_at_nul_or_16_bytes),
		cmocka_unit_test(pbwire__nested_short__one_length_byte),
		cmocka_unit_test(pbwire__nested_long__body_moves_for_longer_length),
		cmocka_unit_test(pbwire__grow__many_small_writes_keep_content),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("pbwire", tests, NULL, NULL);
}
