// SPDX-License-Identifier: GPL-2.0
#include "common/linereader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"

#define LR_INITIAL (1u << 20)

static ssize_t fd_read(void *ctx, void *buf, size_t n)
{
	struct line_reader *lr = ctx;
	ssize_t r;

	do {
		r = read(lr->fd, buf, n);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? err_errno() : r;
}

static void init_common(struct line_reader *lr)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = -1;
}

void line_reader_init_fd(struct line_reader *lr, int fd)
{
	init_common(lr);
	lr->fd = fd;
	lr->read = fd_read;
	lr->ctx = lr;
	lr->owned = true;
}

void line_reader_init_fn(struct line_reader *lr, line_read_fn fn, void *ctx)
{
	init_common(lr);
	lr->read = fn;
	lr->ctx = ctx;
	lr->owned = true;
}

static ssize_t file_read(void *ctx, void *buf, size_t n)
{
	FILE *fp = ctx;
	size_t r = fread(buf, 1, n, fp);

	if (r == 0 && ferror(fp))
		return -EIO;
	return (ssize_t)r;
}

void line_reader_init_file(struct line_reader *lr, FILE *fp)
{
	line_reader_init_fn(lr, file_read, fp);
}

void line_reader_init_mem(struct line_reader *lr, const char *data, size_t len)
{
	init_common(lr);
	lr->buf = (char *)data;
	lr->end = len;
	lr->alloc = len;
	lr->eof = true;
}

/* Make room and read more. 1 if data arrived, 0 at EOF, negative errno. */
static int fill(struct line_reader *lr)
{
	ssize_t n;

	if (lr->eof)
		return 0;
	if (lr->start > 0 && (lr->end == lr->alloc || lr->start >= lr->alloc / 2)) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->scan -= lr->start;
		lr->start = 0;
	}
	if (lr->end == lr->alloc)
		xgrow((void **)&lr->buf, &lr->alloc, lr->alloc ? lr->alloc * 2 : LR_INITIAL, 1);
	n = lr->read(lr->ctx, lr->buf + lr->end, lr->alloc - lr->end);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		lr->eof = true;
		return 0;
	}
	lr->end += (size_t)n;
	return 1;
}

int line_reader_next(struct line_reader *lr, const char **line, size_t *len)
{
	char *nl;
	int r;

	if (lr->scan < lr->start)
		lr->scan = lr->start;
	for (;;) {
		nl = lr->end > lr->scan ? memchr(lr->buf + lr->scan, '\n', lr->end - lr->scan) : NULL;
		if (nl)
			break;
		lr->scan = lr->end;
		r = fill(lr);
		if (r < 0)
			return r;
		if (r == 0) {
			if (lr->start == lr->end)
				return 0;
			/* Last line without a newline. */
			*line = lr->buf + lr->start;
			*len = lr->end - lr->start;
			lr->bytes += *len;
			lr->start = lr->scan = lr->end;
			lr->lineno++;
			return 1;
		}
	}
	*line = lr->buf + lr->start;
	*len = (size_t)(nl - (lr->buf + lr->start));
	lr->bytes += *len + 1;
	lr->start = lr->scan = (size_t)(nl - lr->buf) + 1;
	lr->lineno++;
	return 1;
}

void line_reader_release(struct line_reader *lr)
{
	if (lr->owned)
		free(lr->buf);
	init_common(lr);
}
