// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "common/atomic.h"
#include "common/fs.h"

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", test_tmpdir(), name);
}

/* Number of entries in dir whose name starts with prefix (temporaries included). */
static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (str_has_prefix(e->d_name, prefix))
			n++;
	closedir(d);
	return n;
}

static void atomic_file__commit__content_appears_whole(void **state)
{
	char *p = path_in("out.json");
	struct atomic_file af;
	char *back;

	assert_int_equal(atomic_file_open(&af, p, 0), 0);
	fputs("{\"a\":1}\n", af.fp);
	/* Not visible before commit. */
	assert_false(fs_exists(p));
	assert_int_equal(count_entries(test_tmpdir(), ".out.json.tmp."), 1);
	assert_int_equal(atomic_file_commit(&af), 0);
	back = test_read_file(p, NULL);
	assert_string_equal(back, "{\"a\":1}\n");
	assert_int_equal(count_entries(test_tmpdir(), ".out.json.tmp."), 0);
	free(back);
	atomic_file_abort(&af); /* harmless after commit */
	unlink(p);
	free(p);
}

static void atomic_file__abort__old_file_untouched_no_temp_left(void **state)
{
	char *p = path_in("keep.txt");
	struct atomic_file af;
	FILE *fp = fopen(p, "w");
	char *back;

	fputs("old", fp);
	fclose(fp);
	assert_int_equal(atomic_file_open(&af, p, 0), 0);
	fputs("new half-written", af.fp);
	atomic_file_abort(&af);
	back = test_read_file(p, NULL);
	assert_string_equal(back, "old");
	assert_int_equal(count_entries(test_tmpdir(), ".keep.txt.tmp."), 0);
	free(back);
	unlink(p);
	free(p);
}

static void atomic_file__replace__overwrites(void **state)
{
	char *p = path_in("rep.txt");
	struct atomic_file af;
	FILE *fp = fopen(p, "w");
	char *back;

	fputs("old", fp);
	fclose(fp);
	assert_int_equal(atomic_file_open(&af, p, 0), 0);
	fputs("new", af.fp);
	assert_int_equal(atomic_file_commit(&af), 0);
	back = test_read_file(p, NULL);
	assert_string_equal(back, "new");
	free(back);
	unlink(p);
	free(p);
}

static void atomic_file__noreplace__existing_refused(void **state)
{
	char *p = path_in("exists.txt");
	struct atomic_file af;
	FILE *fp = fopen(p, "w");

	fclose(fp);
	assert_int_equal(atomic_file_open(&af, p, ATOMIC_NOREPLACE), -EEXIST);
	unlink(p);
	/* Created by someone else between open and commit: still refused. */
	assert_int_equal(atomic_file_open(&af, p, ATOMIC_NOREPLACE), 0);
	fp = fopen(p, "w");
	fclose(fp);
	assert_int_equal(atomic_file_commit(&af), -EEXIST);
	assert_int_equal(count_entries(test_tmpdir(), ".exists.txt.tmp."), 0);
	unlink(p);
	free(p);
}

static void atomic_file__missing_directory__error(void **state)
{
	struct atomic_file af;

	assert_int_equal(atomic_file_open(&af, "/nonexistent-dir/x", 0), -ENOENT);
}

static void atomic_file__write_error__commit_fails_and_cleans(void **state)
{
	struct atomic_file af;

	SKIP_UNLESS(fs_exists("/dev/full"), "no /dev/full");
	/* Point the stream at /dev/full: the flush inside commit must fail with ENOSPC. */
	char *p = path_in("full.txt");
	assert_int_equal(atomic_file_open(&af, p, 0), 0);
	FILE *full = freopen("/dev/full", "w", af.fp);
	assert_non_null(full);
	af.fp = full;
	fputs("data", af.fp);
	assert_int_equal(atomic_file_commit(&af), -ENOSPC);
	assert_false(fs_exists(p));
	assert_int_equal(count_entries(test_tmpdir(), ".full.txt.tmp."), 0);
	free(p);
}

static void atomic_file__device_or_fifo__written_in_place(void **state)
{
	char *fifo = path_in("out.fifo");
	struct atomic_file af;
	struct stat st;

	/*
	 * A character device stays one (renaming over /dev/null as root would replace
	 * it). A private node of the null device keeps the test off the real /dev/null.
	 */
	char *dev = path_in("null.dev");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_int_equal(atomic_file_open(&af, dev, 0), 0);
		assert_true(af.in_place);
		fputs("discarded", af.fp);
		assert_int_equal(atomic_file_commit(&af), 0);
		assert_int_equal(stat(dev, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(count_entries(test_tmpdir(), ".null.dev.tmp."), 0);
		unlink(dev);
	} else {
		printf("SKIP: %s: device part needs root (mknod)\n", __func__);
	}
	free(dev);

	/* A FIFO receives the data and stays a FIFO. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char buf[16] = "";
		FILE *fp = fopen(fifo, "r");
		size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
		_exit(n == 5 && !strcmp(buf, "hello") ? 0 : 1);
	}
	assert_int_equal(atomic_file_open(&af, fifo, 0), 0);
	fputs("hello", af.fp);
	assert_int_equal(atomic_file_commit(&af), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(fifo);
	free(fifo);
}

static void atomic_file__symlink__target_replaced_link_kept(void **state)
{
	char *target = path_in("real.json"), *link = path_in("link.json");
	struct atomic_file af;
	struct stat st;
	char *back;

	fclose(fopen(target, "w"));
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(atomic_file_open(&af, link, 0), 0);
	fputs("new", af.fp);
	assert_int_equal(atomic_file_commit(&af), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	back = test_read_file(target, NULL);
	assert_string_equal(back, "new");
	free(back);
	unlink(link);
	unlink(target);
	free(target);
	free(link);
}

static void atomic_file__directory__eisdir(void **state)
{
	struct atomic_file af;

	assert_int_equal(atomic_file_open(&af, test_tmpdir(), 0), -EISDIR);
}

static void staging_dir__commit__renamed_with_contents(void **state)
{
	char *p = path_in("bundle.out");
	struct staging_dir sd;
	char *f;

	assert_int_equal(staging_dir_create(&sd, p), 0);
	f = xasprintf("%s/perf.jsonl", sd.tmp_path);
	FILE *fp = fopen(f, "w");
	fputs("{}\n", fp);
	fclose(fp);
	free(f);
	assert_false(fs_exists(p));
	assert_int_equal(staging_dir_commit(&sd), 0);
	f = xasprintf("%s/perf.jsonl", p);
	assert_true(fs_exists(f));
	free(f);
	assert_int_equal(count_entries(test_tmpdir(), ".bundle.out.tmp."), 0);
	assert_int_equal(fs_rmtree(p), 0);
	assert_false(fs_exists(p));
	free(p);
}

static void staging_dir__abort__nothing_left(void **state)
{
	char *p = path_in("aborted.out");
	struct staging_dir sd;

	assert_int_equal(staging_dir_create(&sd, p), 0);
	char *sub = xasprintf("%s/a/b", sd.tmp_path);
	assert_int_equal(fs_mkdir_p(sub, 0755), 0);
	free(sub);
	staging_dir_abort(&sd);
	staging_dir_abort(&sd);
	assert_false(fs_exists(p));
	assert_int_equal(count_entries(test_tmpdir(), ".aborted.out.tmp."), 0);
	free(p);
}

static void staging_dir__exists__refused_before_and_at_commit(void **state)
{
	char *p = path_in("taken.out");
	struct staging_dir sd;

	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(staging_dir_create(&sd, p), -EEXIST);
	rmdir(p);
	assert_int_equal(staging_dir_create(&sd, p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(staging_dir_commit(&sd), -EEXIST);
	staging_dir_abort(&sd);
	assert_int_equal(count_entries(test_tmpdir(), ".taken.out.tmp."), 0);
	rmdir(p);
	free(p);
}

static void fs__rmtree__does_not_follow_symlinks(void **state)
{
	char *outside = path_in("outside");
	char *tree = path_in("tree");
	char *link = xasprintf("%s/link", tree);
	char *victim = xasprintf("%s/victim", outside);

	assert_int_equal(fs_mkdir_p(outside, 0755), 0);
	assert_int_equal(fs_mkdir_p(tree, 0755), 0);
	fclose(fopen(victim, "w"));
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(fs_rmtree(tree), 0);
	assert_false(fs_exists(tree));
	assert_true(fs_exists(victim));
	assert_int_equal(fs_rmtree(outside), 0);
	assert_int_equal(fs_rmtree(outside), 0); /* ENOENT is fine */
	free(outside);
	free(tree);
	free(link);
	free(victim);
}

static void fs__dirname_basename__trailing_slashes(void **state)
{
	static const char *const cases[][3] = {
		{"a/b", "a", "b"},	 {"a/b/", "a", "b"}, {"b", ".", "b"},
		{"/b", "/", "b"},	 {"/a//b//", "/a", "b"}, {"./x.tar.gz", ".", "x.tar.gz"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *d = fs_dirname(cases[i][0]), *b = fs_basename(cases[i][0]);

		assert_string_equal(d, cases[i][1]);
		assert_string_equal(b, cases[i][2]);
		free(d);
		free(b);
	}
}

static void fs__copy_file__identical_and_no_clobber(void **state)
{
	char *src = path_in("src.bin"), *dst = path_in("dst.bin");
	FILE *fp = fopen(src, "w");
	char *a, *b;
	size_t na, nb;

	for (int i = 0; i < 200000; i++)
		fputc(i & 0xff, fp);
	fclose(fp);
	assert_int_equal(fs_copy_file(src, dst), 0);
	a = test_read_file(src, &na);
	b = test_read_file(dst, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_int_equal(fs_copy_file(src, dst), -EEXIST);
	free(a);
	free(b);
	unlink(src);
	unlink(dst);
	free(src);
	free(dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atomic_file__commit__content_appears_whole),
		cmocka_unit_test(atomic_file__abort__old_file_untouched_no_temp_left),
		cmocka_unit_test(atomic_file__replace__overwrites),
		cmocka_unit_test(atomic_file__noreplace__existing_refused),
		cmocka_unit_test(atomic_file__missing_directory__error),
		cmocka_unit_test(atomic_file__write_error__commit_fails_and_cleans),
		cmocka_unit_test(atomic_file__device_or_fifo__written_in_place),
		cmocka_unit_test(atomic_file__symlink__target_replaced_link_kept),
		cmocka_unit_test(atomic_file__directory__eisdir),
		cmocka_unit_test(staging_dir__commit__renamed_with_contents),
		cmocka_unit_test(staging_dir__abort__nothing_left),
		cmocka_unit_test(staging_dir__exists__refused_before_and_at_commit),
		cmocka_unit_test(fs__rmtree__does_not_follow_symlinks),
		cmocka_unit_test(fs__dirname_basename__trailing_slashes),
		cmocka_unit_test(fs__copy_file__identical_and_no_clobber),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("atomic", tests, NULL, NULL);
}
