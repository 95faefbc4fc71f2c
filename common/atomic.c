// SPDX-License-Identifier: GPL-2.0
#include "common/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fs.h"
#include "common/util.h"

static char *tmp_template(const char *path)
{
	char *dir = fs_dirname(path), *base = fs_basename(path);
	char *t = xasprintf("%s/.%s.tmp.XXXXXX", dir, base);

	free(dir);
	free(base);
	return t;
}

static mode_t current_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

/* rename(2) that can refuse to replace; falls back to link+unlink where
 * renameat2(RENAME_NOREPLACE) is not supported by the file system. */
static int rename_into_place(const char *from, const char *to, bool noreplace)
{
	if (!noreplace)
		return rename(from, to) ? err_errno() : 0;
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return err_errno();
	if (link(from, to) == 0) {
		unlink(from);
		return 0;
	}
	if (errno != EPERM)
		return err_errno();
	/* A directory on a file system without RENAME_NOREPLACE: check, then rename. */
	if (fs_exists(to))
		return -EEXIST;
	return rename(from, to) ? err_errno() : 0;
}

static int fsync_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int fd;

	if (type != FTW_F && type != FTW_DP)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int atomic_file_open(struct atomic_file *af, const char *path, unsigned flags)
{
	struct stat st;
	int fd, err;

	memset(af, 0, sizeof(*af));
	if ((flags & ATOMIC_NOREPLACE) && fs_exists(path))
		return -EEXIST;
	af->flags = flags;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode)) {
			/* A device, FIFO or socket: write through it, never rename over it. */
			af->fp = fopen(path, "w");
			if (!af->fp)
				return err_errno();
			af->path = xstrdup(path);
			af->in_place = true;
			return 0;
		}
		/* Follow a symlink: replace the file, keep the link. */
		af->path = realpath(path, NULL);
	}
	if (!af->path)
		af->path = xstrdup(path);
	af->tmp_path = tmp_template(path);
	fd = mkostemp(af->tmp_path, O_CLOEXEC);
	if (fd < 0) {
		err = err_errno();
		goto fail;
	}
	/* mkostemp creates 0600; give the file the mode open(2) would. */
	fchmod(fd, 0666 & ~current_umask());
	af->fp = fdopen(fd, "w");
	if (!af->fp) {
		err = err_errno();
		close(fd);
		unlink(af->tmp_path);
		goto fail;
	}
	return 0;
fail:
	free(af->path);
	free(af->tmp_path);
	memset(af, 0, sizeof(*af));
	return err;
}

int atomic_file_commit(struct atomic_file *af)
{
	char *dir;
	int err = 0;

	if (!af->fp)
		return -EBADF;
	if (fflush(af->fp) || ferror(af->fp))
		err = err_errno();
	else if (!af->in_place && fsync(fileno(af->fp)))
		err = err_errno();
	if (af->in_place) {
		if (fclose(af->fp) && !err)
			err = err_errno();
		af->fp = NULL;
		atomic_file_abort(af);
		return err;
	}
	if (fclose(af->fp) && !err)
		err = err_errno();
	af->fp = NULL;
	if (!err)
		err = rename_into_place(af->tmp_path, af->path, af->flags & ATOMIC_NOREPLACE);
	if (err) {
		atomic_file_abort(af);
		return err;
	}
	dir = fs_dirname(af->path);
	fs_fsync_dir(dir);
	free(dir);
	free(af->tmp_path);
	af->tmp_path = NULL;
	atomic_file_abort(af);
	return 0;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp_path)
		unlink(af->tmp_path);
	free(af->tmp_path);
	free(af->path);
	memset(af, 0, sizeof(*af));
}

int staging_dir_create(struct staging_dir *sd, const char *path)
{
	memset(sd, 0, sizeof(*sd));
	if (fs_exists(path))
		return -EEXIST;
	sd->path = xstrdup(path);
	sd->tmp_path = tmp_template(path);
	if (!mkdtemp(sd->tmp_path)) {
		int err = err_errno();

		free(sd->path);
		free(sd->tmp_path);
		memset(sd, 0, sizeof(*sd));
		return err;
	}
	chmod(sd->tmp_path, 0777 & ~current_umask());
	return 0;
}

int staging_dir_commit(struct staging_dir *sd)
{
	char *dir;
	int err;

	if (!sd->tmp_path)
		return -EBADF;
	/* Make the contents durable before the name appears. */
	nftw(sd->tmp_path, fsync_one, 32, FTW_DEPTH | FTW_PHYS);
	err = rename_into_place(sd->tmp_path, sd->path, true);
	if (err)
		return err;
	dir = fs_dirname(sd->path);
	fs_fsync_dir(dir);
	free(dir);
	free(sd->tmp_path);
	sd->tmp_path = NULL;
	staging_dir_abort(sd);
	return 0;
}

void staging_dir_abort(struct staging_dir *sd)
{
	if (sd->tmp_path)
		fs_rmtree(sd->tmp_path);
	free(sd->tmp_path);
	free(sd->path);
	memset(sd, 0, sizeof(*sd));
}
