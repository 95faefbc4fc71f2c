// SPDX-License-Identifier: GPL-2.0
#include "common/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"

static int rmtree_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int r = (type == FTW_DP) ? rmdir(path) : unlink(path);

	return (r && errno != ENOENT) ? -1 : 0;
}

int fs_rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : err_errno();
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? err_errno() : 0;
	if (nftw(path, rmtree_one, 32, FTW_DEPTH | FTW_PHYS))
		return err_errno();
	return 0;
}

int fs_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return err_errno();
	if (fsync(fd) && errno != EINVAL)
		err = err_errno();
	close(fd);
	return err;
}

int fs_mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path), *s;
	int err = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			err = err_errno();
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!err && !fs_is_dir(path))
		err = -ENOTDIR;
	free(p);
	return err;
}

bool fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Length of path without trailing slashes (but keep a lone "/"). */
static size_t trimmed_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

char *fs_dirname(const char *path)
{
	size_t n = trimmed_len(path);

	while (n && path[n - 1] != '/')
		n--;
	if (!n)
		return xstrdup(".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	return xstrndup(path, n);
}

char *fs_basename(const char *path)
{
	size_t n = trimmed_len(path), s = n;

	while (s && path[s - 1] != '/')
		s--;
	return xstrndup(path + s, n - s);
}

int fs_free_bytes(const char *path, uint64_t *bytes)
{
	struct statvfs sv;

	if (statvfs(path, &sv))
		return err_errno();
	*bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

int fs_copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in, out, err = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return err_errno();
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		err = err_errno();
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = err_errno();
			break;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				err = err_errno();
				goto out;
			}
			off += w;
		}
	}
out:
	close(in);
	if (close(out) && !err)
		err = err_errno();
	if (err)
		unlink(dst);
	return err;
}

int fs_read_line(const char *path, char *buf, size_t n)
{
	FILE *fp = fopen(path, "re");

	if (!fp)
		return -errno;
	if (!fgets(buf, (int)n, fp))
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
