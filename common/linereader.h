/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast line reader over an fd, a read callback or a memory buffer. Lines of any
 * length; the returned line excludes the '\n' (a '\r' before it is kept, callers
 * that accept CRLF strip it). A last line without '\n' is returned too.
 * Memory: one buffer of the longest line seen (at least 1 MiB).
 */
#ifndef SCX_COMMON_LINEREADER_H
#define SCX_COMMON_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Read up to n bytes: bytes read, 0 at EOF, negative errno on error. */
typedef ssize_t (*line_read_fn)(void *ctx, void *buf, size_t n);

struct line_reader {
	char *buf;
	size_t alloc;
	size_t start, end;	/* unconsumed data is buf[start, end) */
	size_t scan;		/* buf[start, scan) is known to hold no '\n' */
	bool eof, owned;
	int fd;
	line_read_fn read;
	void *ctx;
	uint64_t lineno;	/* number of the line last returned (1-based) */
	uint64_t bytes;		/* bytes consumed so far */
};

void line_reader_init_fd(struct line_reader *lr, int fd);
void line_reader_init_fn(struct line_reader *lr, line_read_fn fn, void *ctx);
/* Read from a stdio stream (borrowed; fread errors become -EIO). */
void line_reader_init_file(struct line_reader *lr, FILE *fp);
/* Read from memory (borrowed; must outlive the reader). */
void line_reader_init_mem(struct line_reader *lr, const char *data, size_t len);
/*
 * Next line: 1 with *line and *len set (valid until the next call), 0 at EOF,
 * negative errno on a read error.
 */
int line_reader_next(struct line_reader *lr, const char **line, size_t *len);
void line_reader_release(struct line_reader *lr);

#endif
