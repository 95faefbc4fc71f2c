/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol-buffer wire encoding into a growable byte buffer, for the trace
 * writer's hot path (protobuf-c would build and pack a message struct per
 * event). Only what proto2 Perfetto messages need: varints (int32 values are
 * sign-extended to 64 bits, as protobuf does), length-delimited fields, fixed64
 * and doubles. Nested messages are opened with pb_open() and closed with
 * pb_close(), which writes the exact (minimal) length varint.
 */
#ifndef SCX_TOP_TRACE_PBWIRE_H
#define SCX_TOP_TRACE_PBWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum pb_wire_type {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

#define PB_VARINT_MAX 10

struct pbuf {
	uint8_t *data;
	size_t len, cap;
};

#define PBUF_INIT {0}

/* Make room for `need` more bytes (aborts on OOM like xmalloc). */
void pbuf_grow(struct pbuf *b, size_t need);
void pbuf_release(struct pbuf *b);

static inline void pbuf_reserve(struct pbuf *b, size_t need)
{
	if (b->cap - b->len < need)
		pbuf_grow(b, need);
}

static inline void pbuf_reset(struct pbuf *b)
{
	b->len = 0;
}

/* Bytes needed by v as a varint (1..10). */
static inline size_t pb_varint_size(uint64_t v)
{
	return ((unsigned)(64 - __builtin_clzll(v | 1)) + 6) / 7;
}

/* Unchecked: p has room for PB_VARINT_MAX bytes. Returns the end. */
static inline uint8_t *pb_put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline void pb_varint(struct pbuf *b, uint64_t v)
{
	pbuf_reserve(b, PB_VARINT_MAX);
	b->len = (size_t)(pb_put_varint(b->data + b->len, v) - b->data);
}

static inline uint64_t pb_tag_value(unsigned field, enum pb_wire_type wt)
{
	return ((uint64_t)field << 3) | wt;
}

static inline void pb_raw(struct pbuf *b, const void *data, size_t len)
{
	pbuf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

/* uint32, uint64, bool and enum fields. */
static inline void pb_uint(struct pbuf *b, unsigned field, uint64_t v)
{
	uint8_t *p;

	pbuf_reserve(b, 2 * PB_VARINT_MAX);
	p = pb_put_varint(b->data + b->len, pb_tag_value(field, PB_VARINT));
	b->len = (size_t)(pb_put_varint(p, v) - b->data);
}

/* int32 and int64 fields (negative values take 10 bytes, as in protobuf). */
static inline void pb_int(struct pbuf *b, unsigned field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}

static inline void pb_bytes(struct pbuf *b, unsigned field, const void *data, size_t len)
{
	uint8_t *p;

	pbuf_reserve(b, 2 * PB_VARINT_MAX + len);
	p = pb_put_varint(b->data + b->len, pb_tag_value(field, PB_LEN));
	p = pb_put_varint(p, len);
	if (len)
		memcpy(p, data, len);
	b->len = (size_t)(p + len - b->data);
}

static inline void pb_string(struct pbuf *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* A comm: at most 16 bytes, up to the first NUL. */
static inline void pb_comm(struct pbuf *b, unsigned field, const char comm[16])
{
	pb_bytes(b, field, comm, strnlen(comm, 16));
}

static inline void pb_fixed64(struct pbuf *b, unsigned field, uint64_t v)
{
	uint8_t *p;
	int i;

	pbuf_reserve(b, PB_VARINT_MAX + 8);
	p = pb_put_varint(b->data + b->len, pb_tag_value(field, PB_FIXED64));
	for (i = 0; i < 8; i++)
		*p++ = (uint8_t)(v >> (8 * i));
	b->len = (size_t)(p - b->data);
}

static inline void pb_double(struct pbuf *b, unsigned field, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	pb_fixed64(b, field, v);
}

/*
 * Start a nested message (or any length-delimited field built in place): write
 * the tag and one length byte; returns the body's start offset for pb_close().
 */
static inline size_t pb_open(struct pbuf *b, unsigned field)
{
	pb_varint(b, pb_tag_value(field, PB_LEN));
	pbuf_reserve(b, 1);
	b->data[b->len++] = 0;
	return b->len;
}

/* Finish the field opened at `start`: write its length, moving the body if needed. */
void pb_close_slow(struct pbuf *b, size_t start, size_t len);

static inline void pb_close(struct pbuf *b, size_t start)
{
	size_t len = b->len - start;

	if (len < 0x80)
		b->data[start - 1] = (uint8_t)len;
	else
		pb_close_slow(b, start, len);
}

#endif
