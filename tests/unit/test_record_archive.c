// SPDX-License-Identifier: GPL-2.0
/*
 * record_archive.c: NAME.tar.gz with one top-level directory, written through a
 * verified temporary file; never over an existing archive; interruptible; and
 * the verifier catches truncation, corruption and unexpected contents.
 */
#include "test_common.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/sigwatch.h"
#include "profiler/record.h"

static char *path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_bytes(const char *dir, const char *name, size_t len, bool random)
{
	char *p = path_in(dir, name);
	FILE *fp = fopen(p, "w");
	unsigned seed = 7;

	assert_non_null(fp);
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		fputc(random ? (int)(seed >> 16) & 0xff : 'a' + (int)(i % 26), fp);
	}
	fclose(fp);
	free(p);
}

/* A bundle directory: a few files, one empty, one of 3 MiB of noise. */
static char *make_bundle(const char *name)
{
	char *dir = path_in(test_tmpdir(), name);

	assert_int_equal(fs_mkdir_p(dir, 0755), 0);
	write_bytes(dir, "perf.version", 21, false);
	write_bytes(dir, "hints.jsonl", 0, false);
	write_bytes(dir, "perf.data", 3 << 20, true);
	write_bytes(dir, "meta.json", 4000, false);
	return dir;
}

/* "name:size" of every entry, in archive order, joined by spaces. */
static char *list_archive(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct strbuf sb = STRBUF_INIT;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK)
		strbuf_addf(&sb, "%s%s:%lld", sb.len ? " " : "", archive_entry_pathname(e),
			    (long long)archive_entry_size(e));
	archive_read_free(a);
	return strbuf_detach(&sb, NULL);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void archive__write__one_top_level_dir_sorted_files(void **state)
{
	char *dir = make_bundle("b1");
	char *out = path_in(test_tmpdir(), "out1");
	char *arch, *list;

	assert_int_equal(fs_mkdir_p(out, 0755), 0);
	arch = path_in(out, "run1.tar.gz");
	assert_int_equal(record_archive_write(dir, "run1", arch), 0);
	list = list_archive(arch);
	assert_string_equal(list, "run1/:0 run1/hints.jsonl:0 run1/meta.json:4000 "
				  "run1/perf.data:3145728 run1/perf.version:21");
	assert_int_equal(count_entries(out), 1); /* no temporary left */
	assert_true(fs_exists(dir));		  /* the caller removes the staging dir */
	free(list);
	free(arch);
	free(out);
	free(dir);
}

static void archive__write__content_round_trips(void **state)
{
	char *dir = make_bundle("b2");
	char *arch = path_in(test_tmpdir(), "rt.tar.gz");
	char *orig = path_in(dir, "perf.data");
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t len;
	char *want = test_read_file(orig, &len);
	bool found = false;

	assert_int_equal(record_archive_write(dir, "rt", arch), 0);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, arch, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), "rt/perf.data"))
			continue;
		char *got = xmalloc(len);
		size_t off = 0;
		la_ssize_t n;

		while ((n = archive_read_data(a, got + off, len - off)) > 0)
			off += (size_t)n;
		assert_int_equal(off, len);
		assert_memory_equal(got, want, len);
		free(got);
		found = true;
	}
	assert_true(found);
	archive_read_free(a);
	free(want);
	free(orig);
	free(arch);
	free(dir);
}

static void archive__existing_destination__eexist_untouched(void **state)
{
	char *dir = make_bundle("b3");
	char *arch = path_in(test_tmpdir(), "exists.tar.gz");
	size_t len;
	char *content;

	write_bytes(test_tmpdir(), "exists.tar.gz", 5, false);
	log_set_level(-1);
	assert_int_equal(record_archive_write(dir, "exists", arch), -EEXIST);
	log_set_level(LOG_INFO);
	content = test_read_file(arch, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(content, "abcde", 5);
	free(content);
	free(arch);
	free(dir);
}

static void archive__signal__eintr_nothing_left(void **state)
{
	char *dir = make_bundle("b4");
	char *out = path_in(test_tmpdir(), "out4");
	char *arch;

	assert_int_equal(fs_mkdir_p(out, 0755), 0);
	arch = path_in(out, "sig.tar.gz");
	assert_int_equal(sigwatch_install(), 0);
	raise(SIGINT);
	assert_int_equal(record_archive_write(dir, "sig", arch), -EINTR);
	sigwatch_uninstall();
	assert_int_equal(count_entries(out), 0);
	free(arch);
	free(out);
	free(dir);
}

static void archive__skips_non_regular_files(void **state)
{
	char *dir = make_bundle("b5");
	char *link = path_in(dir, "link");
	char *sub = path_in(dir, "subdir");
	char *arch = path_in(test_tmpdir(), "nr.tar.gz");
	char *list;

	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	log_set_level(-1);
	assert_int_equal(record_archive_write(dir, "nr", arch), 0);
	log_set_level(LOG_INFO);
	list = list_archive(arch);
	assert_null(strstr(list, "link"));
	assert_null(strstr(list, "subdir"));
	free(list);
	free(arch);
	free(sub);
	free(link);
	free(dir);
}

static void archive__unwritable_destination__error_nothing_left(void **state)
{
	char *dir = make_bundle("b6");

	log_set_level(-1);
	assert_true(record_archive_write(dir, "x", "/nonexistent-dir/x.tar.gz") < 0);
	log_set_level(LOG_INFO);
	free(dir);
}

/* The verifier, on a good archive and on damaged or unexpected ones. */
static void archive__verify__catches_damage_and_surprises(void **state)
{
	char *dir = make_bundle("b7");
	char *arch = path_in(test_tmpdir(), "v.tar.gz");
	char *bad = path_in(test_tmpdir(), "v-bad.tar.gz");
	const char *names[] = {"hints.jsonl", "meta.json", "perf.data", "perf.version"};
	uint64_t sizes[] = {0, 4000, 3 << 20, 21};
	uint64_t wrong[] = {0, 4000, 3 << 20, 22};
	char why[256];
	struct stat st;
	int fd;

	assert_int_equal(record_archive_write(dir, "v", arch), 0);
	assert_int_equal(record_archive_verify(arch, "v", names, sizes, 4, why, sizeof(why)), 0);
	/* different expectations */
	assert_int_equal(record_archive_verify(arch, "w", names, sizes, 4, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "outside 'w/'"));
	assert_int_equal(record_archive_verify(arch, "v", names, wrong, 4, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "expected 22"));
	assert_int_equal(record_archive_verify(arch, "v", names, sizes, 3, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "unexpected entry 'v/perf.version'"));
	const char *more[] = {"hints.jsonl", "meta.json", "perf.data", "perf.version", "x"};
	uint64_t more_sizes[] = {0, 4000, 3 << 20, 21, 1};
	assert_int_equal(record_archive_verify(arch, "v", more, more_sizes, 5, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "'v/x' is missing"));

	/* truncated: the gzip stream ends early */
	assert_int_equal(stat(arch, &st), 0);
	assert_int_equal(fs_copy_file(arch, bad), 0);
	assert_int_equal(truncate(bad, st.st_size / 2), 0);
	assert_int_equal(record_archive_verify(bad, "v", names, sizes, 4, why, sizeof(why)),
			 -EBADMSG);
	unlink(bad);
	/* corrupted in the middle of the compressed data */
	assert_int_equal(fs_copy_file(arch, bad), 0);
	fd = open(bad, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "garbage!garbage!", 16, st.st_size / 2), 16);
	close(fd);
	assert_int_equal(record_archive_verify(bad, "v", names, sizes, 4, why, sizeof(why)),
			 -EBADMSG);
	unlink(bad);
	free(bad);
	free(arch);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(archive__write__one_top_level_dir_sorted_files),
		cmocka_unit_test(archive__write__content_round_trips),
		cmocka_unit_test(archive__existing_destination__eexist_untouched),
		cmocka_unit_test(archive__signal__eintr_nothing_left),
		cmocka_unit_test(archive__skips_non_regular_files),
		cmocka_unit_test(archive__unwritable_destination__error_nothing_left),
		cmocka_unit_test(archive__verify__catches_damage_and_surprises),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("record_archive", tests, NULL, NULL);
}
