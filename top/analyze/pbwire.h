/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protocol-buffer wire-format reader for the trace loader's hot path.
 *
 * A struct pb is a cursor over [p, end). Every reader checks bounds and sets
 * pb->err instead of returning errors, so a decoder can read a whole message
 * and test pb_ok() once at the end; after an error every read returns 0 and
 * the cursor sits at end. Nothing allocates.
 *
 * Wire types (protobuf encoding spec): 0 varint, 1 fixed64, 2 length-delimited,
 * 5 fixed32; 3/4 (groups) are rejected. Field numbers come from the official
 * Perfetto protos (see trace_fields.h).
 */
#ifndef SCX_TOP_ANALYZE_PBWIRE_H
#define SCX_TOP_ANALYZE_PBWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

struct pb {
	const uint8_t *p, *end;
	bool err;
};

/* A length-delimited field's bytes. */
struct pb_bytes {
	const uint8_t *p;
	size_t len;
};

static inline void pb_init(struct pb *pb, const void *data, size_t len)
{
	static const uint8_t empty[1];

	if (!data) {
		data = empty;
		len = 0;
	}
	pb->p = data;
	pb->end = (const uint8_t *)data + len;
	pb->err = false;
}

static inline struct pb pb_sub(struct pb_bytes b)
{
	struct pb s;

	pb_init(&s, b.p, b.len);
	return s;
}

static inline bool pb_ok(const struct pb *pb)
{
	return !pb->err;
}

static inline bool pb_more(const struct pb *pb)
{
	return pb->p < pb->end;
}

static inline void pb_fail(struct pb *pb)
{
	pb->err = true;
	pb->p = pb->end;
}

static inline uint64_t pb_varint_slow(struct pb *pb)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (pb->p >= pb->end)
			break;
		b = *pb->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	pb_fail(pb);
	return 0;
}

static inline uint64_t pb_varint(struct pb *pb)
{
	/* One- and two-byte varints dominate (deltas, pids, prios). */
	if (pb->end - pb->p >= 2) {
		uint8_t b0 = pb->p[0];

		if (!(b0 & 0x80)) {
			pb->p++;
			return b0;
		}
		if (!(pb->p[1] & 0x80)) {
			uint64_t v = (b0 & 0x7f) | ((uint64_t)pb->p[1] << 7);

			pb->p += 2;
			return v;
		}
	}
	return pb_varint_slow(pb);
}

static inline uint64_t pb_fixed64(struct pb *pb)
{
	uint64_t v;

	if (pb->end - pb->p < 8) {
		pb_fail(pb);
		return 0;
	}
	memcpy(&v, pb->p, 8);
	pb->p += 8;
	return v;
}

static inline uint32_t pb_fixed32(struct pb *pb)
{
	uint32_t v;

	if (pb->end - pb->p < 4) {
		pb_fail(pb);
		return 0;
	}
	memcpy(&v, pb->p, 4);
	pb->p += 4;
	return v;
}

static inline double pb_double(struct pb *pb)
{
	uint64_t u = pb_fixed64(pb);
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* Next field: returns false at the end (or after an error). */
static inline bool pb_field(struct pb *pb, uint32_t *field, unsigned *wire)
{
	uint64_t tag;

	if (pb->p >= pb->end)
		return false;
	tag = pb_varint(pb);
	if (pb->err || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) {
		pb_fail(pb);
		return false;
	}
	*field = (uint32_t)(tag >> 3);
	*wire = tag & 7;
	return true;
}

static inline struct pb_bytes pb_bytes(struct pb *pb)
{
	struct pb_bytes b = {NULL, 0};
	uint64_t len = pb_varint(pb);

	if (pb->err || len > (uint64_t)(pb->end - pb->p)) {
		pb_fail(pb);
		return b;
	}
	b.p = pb->p;
	b.len = (size_t)len;
	pb->p += len;
	return b;
}

static inline void pb_skip(struct pb *pb, unsigned wire)
{
	switch (wire) {
	case PB_VARINT:
		pb_varint(pb);
		break;
	case PB_FIXED64:
		pb_fixed64(pb);
		break;
	case PB_LEN:
		pb_bytes(pb);
		break;
	case PB_FIXED32:
		pb_fixed32(pb);
		break;
	default:
		pb_fail(pb);
	}
}

/*
 * Scalar of a field whose declared type is an integer: accepts the wire type it
 * was written with (varint, or fixed for sloppy writers); anything else marks
 * the message invalid.
 */
static inline uint64_t pb_uint(struct pb *pb, unsigned wire)
{
	switch (wire) {
	case PB_VARINT:
		return pb_varint(pb);
	case PB_FIXED64:
		return pb_fixed64(pb);
	case PB_FIXED32:
		return pb_fixed32(pb);
	default:
		pb_fail(pb);
		return 0;
	}
}

static inline int64_t pb_zigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/*
 * Packed repeated varints, also accepting the unpacked form (one element per
 * occurrence). pb_packed_begin() gives a sub-cursor over the elements for a
 * PB_LEN field; for a PB_VARINT field the caller reads the single element.
 */
static inline bool pb_packed_next(struct pb *arr, uint64_t *v)
{
	if (arr->p >= arr->end)
		return false;
	*v = pb_varint(arr);
	return !arr->err;
}

#endif
