// SPDX-License-Identifier: GPL-2.0
#include "extract/mem_record.h"

#include <errno.h>
#include <stdarg.h>
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

static const struct {
	const char *name;
	enum kind kind;
	bool required;
} fields[NR_FIELDS] = {
	[F_COMM] = {"comm", K_STR, true},
	[F_TID] = {"tid", K_U32, true},
	[F_PID] = {"pid", K_U32, true},
	[F_TIME] = {"time", K_STR, true},
	[F_TIME_NS] = {"time_ns", K_U64, false},
	[F_ADDR] = {"addr", K_STR, true},
	[F_CGROUP] = {"cgroup", K_STR, true},
	[F_IP] = {"ip", K_STR, true},
	[F_SYM] = {"sym", K_STR, true},
	[F_DSO] = {"dso", K_STR, true},
	[F_PHYS_ADDR] = {"phys_addr", K_STR, true},
	[F_DATA_PAGE_SIZE] = {"data_page_size", K_U64, true},
	[F_HINT] = {"hint", K_U64, false},
};

void mem_record_reader_init(struct mem_record_reader *r)
{
	strbuf_init(&r->scratch, 4096);
	r->err[0] = '\0';
}

void mem_record_reader_release(struct mem_record_reader *r)
{
	strbuf_release(&r->scratch);
}

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

static int reject(struct mem_record_reader *r, const struct jscan *s, const char *fmt, ...)
	__printf(3, 4);

static int reject(struct mem_record_reader *r, const struct jscan *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	if (s && n < sizeof(r->err))
		snprintf(r->err + n, sizeof(r->err) - n, " (column %zu)", jscan_err_column(s));
	return -EINVAL;
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

int mem_record_parse(struct mem_record_reader *r, const char *line, size_t len,
		     struct mem_sample *out)
{
	struct jscan s;
	struct jval v;
	struct jstr key;
	unsigned seen = 0;
	int ret;

	jscan_init(&s, line, len, &r->scratch);
	if (jscan_blank(&s))
		return 0;
	memset(out, 0, sizeof(*out));
	if (jscan_value(&s, &v))
		goto syntax;
	if (v.type != J_OBJECT)
		return reject(r, NULL, "expected a JSON object, got %s", jtype_name(v.type));
	while ((ret = jscan_object_next(&s, &key)) == 1) {
		int f = field_lookup(key);

		if (f < 0) {
			if (jscan_skip_value(&s))
				goto syntax;
			continue;
		}
		if (seen & (1u << f))
			return reject(r, NULL, "duplicate key \"%s\"", fields[f].name);
		seen |= 1u << f;
		if (jscan_value(&s, &v))
			goto syntax;
		switch (fields[f].kind) {
		case K_STR:
			if (v.type != J_STRING)
				goto wrong_type;
			break;
		case K_U32:
		case K_U64:
			if (v.type != J_NUMBER || !v.is_int || v.str.p[0] == '-')
				goto wrong_type;
			if (!v.is_u64 || (fields[f].kind == K_U32 && v.u > UINT32_MAX))
				return reject(r, NULL, "\"%s\": %.*s is out of range (maximum %s)",
					      fields[f].name, (int)MIN(v.str.len, 40), v.str.p,
					      fields[f].kind == K_U32 ? "4294967295"
								      : "18446744073709551615");
			break;
		}
		switch (f) {
		case F_COMM:
			if (memchr(v.str.p, '\0', v.str.len))
				return reject(r, NULL, "\"comm\" contains a NUL character");
			out->comm = v.str.p;
			out->comm_len = v.str.len;
			break;
		case F_CGROUP:
			out->cgroup = v.str.p;
			out->cgroup_len = v.str.len;
			break;
		case F_PHYS_ADDR:
			if (parse_hex(v.str, &out->phys_addr))
				return reject(r, NULL, "\"phys_addr\": \"%.*s\" is not a hex address",
					      (int)MIN(v.str.len, 40), v.str.p);
			break;
		case F_DATA_PAGE_SIZE:
			out->page_size = v.u;
			break;
		case F_HINT:
			out->hint = v.u;
			break;
		default:
			break;
		}
		continue;
wrong_type:
		return reject(r, NULL, "\"%s\": expected %s, got %s", fields[f].name,
			      fields[f].kind == K_STR	  ? "a string"
			      : fields[f].kind == K_U32 ? "an unsigned 32-bit integer"
							: "an unsigned 64-bit integer",
			      fields[f].kind == K_STR || v.type != J_NUMBER ? jtype_name(v.type)
			      : !v.is_int				 ? "a floating-point number"
									 : "a negative number");
	}
	if (ret < 0 || jscan_finish(&s))
		goto syntax;
	for (int f = 0; f < NR_FIELDS; f++)
		if (fields[f].required && !(seen & (1u << f)))
			return reject(r, NULL, "missing key \"%s\"", fields[f].name);
	return 1;
syntax:
	return reject(r, &s, "%s", s.err);
}
