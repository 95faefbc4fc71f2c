// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <fcntl.h>

#include "common/linereader.h"
#include "common/strbuf.h"

/* Feed data in chunks of `chunk` bytes to exercise refills at every boundary. */
struct chunked {
	const char *data;
	size_t len, pos, chunk;
};

static ssize_t chunk_read(void *ctx, void *buf, size_t n)
{
	struct chunked *c = ctx;
	size_t k = MIN(MIN(n, c->chunk), c->len - c->pos);

	memcpy(buf, c->data + c->pos, k);
	c->pos += k;
	return (ssize_t)k;
}

/* All lines of data joined with '|' (each line's bytes verbatim). */
static char *collect(struct line_reader *lr)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line;
	size_t len;
	int r;

	while ((r = line_reader_next(lr, &line, &len)) == 1) {
		strbuf_add(&sb, line, len);
		strbuf_addch(&sb, '|');
	}
	assert_int_equal(r, 0);
	return strbuf_detach(&sb, NULL);
}

static void linereader__mem__splits_on_newline_keeps_cr(void **state)
{
	static const char data[] = "a\nbb\r\n\nlast";
	struct line_reader lr;
	char *s;

	line_reader_init_mem(&lr, data, sizeof(data) - 1);
	s = collect(&lr);
	assert_string_equal(s, "a|bb\r||last|");
	assert_int_equal(lr.lineno, 4);
	assert_int_equal(lr.bytes, sizeof(data) - 1);
	free(s);
	line_reader_release(&lr);
}

static void linereader__empty_input__no_lines(void **state)
{
	struct line_reader lr;
	char *s;

	line_reader_init_mem(&lr, "", 0);
	s = collect(&lr);
	assert_string_equal(s, "");
	free(s);
	line_reader_release(&lr);
}

static void linereader__every_chunk_size__same_lines(void **state)
{
	static const char data[] = "first line\nsecond\n\nthird has more text\nx";
	char *ref = NULL;

	for (size_t chunk = 1; chunk <= sizeof(data); chunk++) {
		struct chunked c = {.data = data, .len = sizeof(data) - 1, .chunk = chunk};
		struct line_reader lr;
		char *s;

		line_reader_init_fn(&lr, chunk_read, &c);
		s = collect(&lr);
		if (!ref)
			ref = xstrdup(s);
		assert_string_equal(s, ref);
		free(s);
		line_reader_release(&lr);
	}
	assert_string_equal(ref, "first line|second||third has more text|x|");
	free(ref);
}

static void linereader__line_longer_than_buffer__returned_whole(void **state)
{
	size_t big = (3u << 20) + 17; /* larger than the 1 MiB initial buffer */
	char *data = xmalloc(big + 4);
	struct chunked c;
	struct line_reader lr;
	const char *line;
	size_t len;

	memset(data, 'z', big);
	memcpy(data + big, "\nok\n", 4);
	c = (struct chunked){.data = data, .len = big + 4, .chunk = 65536};
	line_reader_init_fn(&lr, chunk_read, &c);
	assert_int_equal(line_reader_next(&lr, &line, &len), 1);
	assert_int_equal(len, big);
	assert_int_equal(line[0], 'z');
	assert_int_equal(line[big - 1], 'z');
	assert_int_equal(line_reader_next(&lr, &line, &len), 1);
	assert_int_equal(len, 2);
	assert_memory_equal(line, "ok", 2);
	assert_int_equal(line_reader_next(&lr, &line, &len), 0);
	line_reader_release(&lr);
	free(data);
}

static void linereader__fd__reads_file(void **state)
{
	char path[4096];
	struct line_reader lr;
	FILE *fp;
	char *s;
	int fd;

	snprintf(path, sizeof(path), "%s/lines.txt", test_tmpdir());
	fp = fopen(path, "w");
	for (int i = 0; i < 100000; i++)
		fprintf(fp, "%d\n", i);
	fclose(fp);
	fd = open(path, O_RDONLY);
	line_reader_init_fd(&lr, fd);
	s = collect(&lr);
	assert_int_equal(lr.lineno, 100000);
	assert_true(str_has_suffix(s, "|99998|99999|"));
	assert_true(str_has_prefix(s, "0|1|2|"));
	free(s);
	line_reader_release(&lr);
	close(fd);
}

static void linereader__stdio_stream__reads_all_lines(void **state)
{
	FILE *fp = fmemopen((void *)"one\ntwo\nthree", 13, "r");
	struct line_reader lr;
	char *s;

	assert_non_null(fp);
	line_reader_init_file(&lr, fp);
	s = collect(&lr);
	assert_string_equal(s, "one|two|three|");
	free(s);
	line_reader_release(&lr);
	fclose(fp);
}

static ssize_t failing_read(void *ctx, void *buf, size_t n)
{
	int *calls = ctx;

	if ((*calls)++ == 0) {
		memcpy(buf, "partial", 7);
		return 7;
	}
	return -EIO;
}

static void linereader__read_error__reported(void **state)
{
	struct line_reader lr;
	const char *line;
	size_t len;
	int calls = 0;

	line_reader_init_fn(&lr, failing_read, &calls);
	assert_int_equal(line_reader_next(&lr, &line, &len), -EIO);
	line_reader_release(&lr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linereader__mem__splits_on_newline_keeps_cr),
		cmocka_unit_test(linereader__empty_input__no_lines),
		cmocka_unit_test(linereader__every_chunk_size__same_lines),
		cmocka_unit_test(linereader__line_longer_than_buffer__returned_whole),
		cmocka_unit_test(linereader__fd__reads_file),
		cmocka_unit_test(linereader__stdio_stream__reads_all_lines),
		cmocka_unit_test(linereader__read_error__reported),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("linereader", tests, NULL, NULL);
}
