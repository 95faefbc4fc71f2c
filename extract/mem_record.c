// SPDX-License-Identifier: GPL-2.0
#include "extract/mem_record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "extract/jscan.h"

enum field {
	F_COMM,
	F_TID,
	F_PID,
	F_TIME,
	F_TIME_NS,
	F_ADDR,
	F_CGROUP,
	F_IP,
	F_SYM,
	F_DSO,
	F_PHYS_ADDR,
	F_DATA_PAGE_SIZE,
	F_HINT,
	NR_FIELDS,
};

enum kind {
	K_STR,
	K_U32,
	K_U64,
};

static const struct jscan_field fields[NR_FIELDS] = {
	[F_COMM] = {"comm", true},
	[F_TID] = {"tid", true},
	[F_PID] = {"pid", true},
	[F_TIME] = {"time", true},
	[F_TIME_NS] = {"time_ns", false},
	[F_ADDR] = {"addr", true},
	[F_CGROUP] = {"cgroup", true},
	[F_IP] = {"ip", true},
	[F_SYM] = {"sym", true},
	[F_DSO] = {"dso", true},
	[F_PHYS_ADDR] = {"phys_addr", true},
	[F_DATA_PAGE_SIZE] = {"data_page_size", true},
	[F_HINT] = {"hint", false},
};

static const enum kind kinds[NR_FIELDS] = {
	[F_TID] = K_U32,
	[F_PID] = K_U32,
	[F_TIME_NS] = K_U64,
	[F_DATA_PAGE_SIZE] = K_U64,
	[F_HINT] = K_U64,
};

/* Keys are matched on length and first byte before memcmp: this is the hot loop. */
static int field_lookup(struct jstr k)
{
	switch (k.len) {
	case 2:
		return jstr_eq(k, "ip") ? F_IP : -1;
	case 3:
		if (k.p[0] == 't')
			return jstr_eq(k, "tid") ? F_TID : -1;
		if (k.p[0] == 'p')
			return jstr_eq(k, "pid") ? F_PID : -1;
		if (k.p[0] == 's')
			return jstr_eq(k, "sym") ? F_SYM : -1;
		return jstr_eq(k, "dso") ? F_DSO : -1;
	case 4:
		if (k.p[0] == 'c')
			return jstr_eq(k, "comm") ? F_COMM : -1;
		if (k.p[0] == 't')
			return jstr_eq(k, "time") ? F_TIME : -1;
		if (k.p[0] == 'a')
			return jstr_eq(k, "addr") ? F_ADDR : -1;
		return jstr_eq(k, "hint") ? F_HINT : -1;
	case 6:
		return jstr_eq(k, "cgroup") ? F_CGROUP : -1;
	case 7:
		return jstr_eq(k, "time_ns") ? F_TIME_NS : -1;
	case 9:
		return jstr_eq(k, "phys_addr") ? F_PHYS_ADDR : -1;
	case 14:
		return jstr_eq(k, "data_page_size") ? F_DATA_PAGE_SIZE : -1;
	default:
		return -1;
	}
}

/* Hex digits without "0x" as perf prints them (a "0x" prefix is tolerated). "" and "0": none. */
static int parse_hex(struct jstr v, uint64_t *out)
{
	const char *p = v.p, *end = v.p + v.len;
	uint64_t x = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (p == end)
		return v.len ? -EINVAL : (*out = 0, 0);
	for (; p < end; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -EINVAL;
		if (x >> 60)
			return -ERANGE;
		x = x << 4 | d;
	}
	*out = x;
	return 0;
}

static int mem_field(void *ctx, struct jscan_reader *r, struct jscan *s, int f,
		     const struct jval *v)
{
	struct mem_sample *out = ctx;
	enum kind k = kinds[f];

	if (k == K_STR ? v->type != J_STRING
		       : v->type != J_NUMBER || !v->is_int || v->str.p[0] == '-')
		return jscan_reader_fail(r, NULL, "\"%s\": expected %s, got %s", fields[f].name,
					 k == K_STR   ? "a string"
					 : k == K_U32 ? "an unsigned 32-bit integer"
						      : "an unsigned 64-bit integer",
					 k == K_STR || v->type != J_NUMBER ? jtype_name(v->type)
					 : !v->is_int			    ? "a floating-point number"
									    : "a negative number");
	if (k != K_STR && (!v->is_u64 || (k == K_U32 && v->u > UINT32_MAX)))
		return jscan_reader_fail(r, NULL, "\"%s\": %.*s is out of range (maximum %s)",
					 fields[f].name, (int)MIN(v->str.len, 40), v->str.p,
					 k == K_U32 ? "4294967295" : "18446744073709551615");
	switch (f) {
	case F_COMM:
		if (memchr(v->str.p, '\0', v->str.len))
			return jscan_reader_fail(r, NULL, "\"comm\" contains a NUL character");
		out->comm = v->str.p;
		out->comm_len = v->str.len;
		break;
	case F_CGROUP:
		out->cgroup = v->str.p;
		out->cgroup_len = v->str.len;
		break;
	case F_PHYS_ADDR:
		if (parse_hex(v->str, &out->phys_addr))
			return jscan_reader_fail(r, NULL, "\"phys_addr\": \"%.*s\" is not a hex address",
						 (int)MIN(v->str.len, 40), v->str.p);
		break;
	case F_DATA_PAGE_SIZE:
		out->page_size = v->u;
		break;
	case F_HINT:
		out->hint = v->u;
		break;
	}
	return 0;
}

int mem_record_parse(struct jscan_reader *r, const char *line, size_t len, struct mem_sample *out)
{
	memset(out, 0, sizeof(*out));
	return jscan_record(r, line, len, fields, NR_FIELDS, field_lookup, mem_field, out);
}
