// SPDX-License-Identifier: GPL-2.0
/* Protocol-buffer wire encoding: the out-of-line parts of pbwire.h. */
#include <stdlib.h>

#include "common/util.h"
#include "top/trace/pbwire.h"

void pbuf_grow(struct pbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;

	if (b->len + need < b->len)
		die_oom();
	while (cap - b->len < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void pbuf_release(struct pbuf *b)
{
	free(b->data);
	*b = (struct pbuf)PBUF_INIT;
}

void pb_close_slow(struct pbuf *b, size_t start, size_t len)
{
	size_t extra = pb_varint_size(len) - 1;

	pbuf_reserve(b, extra);
	memmove(b->data + start + extra, b->data + start, len);
	pb_put_varint(b->data + start - 1, len);
	b->len += extra;
}
