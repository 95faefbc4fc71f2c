// SPDX-License-Identifier: GPL-2.0
/* Safe extraction of a bundle archive with libarchive (see bundle_in.h). */
#include "profiler/bundle_in.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "common/err.h"
#include "common/sigwatch.h"
#include "common/util.h"

#define MAX_COMPONENTS 256

struct path {
	char *buf;			/* owned copy, '/' replaced by '\0' */
	const char *comp[MAX_COMPONENTS];
	size_t n;
};

static void path_release(struct path *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* Split an archive path into components, dropping "" and "."; refuse "/..." and "..". */
static int path_split(const char *s, struct path *p, struct strbuf *why)
{
	char *c, *save = NULL;

	memset(p, 0, sizeof(*p));
	if (!s || !*s) {
		strbuf_addstr(why, "has an entry with an empty path");
		return -EINVAL;
	}
	if (s[0] == '/') {
		strbuf_addf(why, "has an entry with an absolute path: '%s'", s);
		return -EINVAL;
	}
	p->buf = xstrdup(s);
	for (c = strtok_r(p->buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			strbuf_addf(why, "has an entry with a '..' component: '%s'", s);
			path_release(p);
			return -EINVAL;
		}
		if (p->n == MAX_COMPONENTS) {
			strbuf_addf(why, "has an entry nested too deeply: '%s'", s);
			path_release(p);
			return -EINVAL;
		}
		p->comp[p->n++] = c;
	}
	return 0;
}

/* Does a symlink at entry (components below the root) with this target stay inside? */
static bool link_inside(const struct path *entry, const char *target)
{
	long depth = (long)entry->n - 2;	/* the link's directory, below the top-level dir */
	char *t, *c, *save = NULL;
	bool ok = true;

	if (!*target || target[0] == '/')
		return false;
	t = xstrdup(target);
	for (c = strtok_r(t, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		depth += strcmp(c, "..") ? 1 : -1;
		if (depth < 0) {
			ok = false;
			break;
		}
	}
	free(t);
	return ok;
}

/*
 * The directory holding components [1, upto) of p, below rootfd, creating
 * missing directories and refusing to go through anything but a directory.
 */
static int open_dir(int rootfd, const struct path *p, size_t upto, int *out, struct strbuf *why)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), nfd, err;

	if (fd < 0)
		return err_errno();
	for (size_t i = 1; i < upto; i++) {
		if (mkdirat(fd, p->comp[i], 0755) && errno != EEXIST) {
			err = err_errno();
			strbuf_addf(why, "could not be extracted: cannot create directory '%s': %s",
				    p->comp[i], err_str(err));
			close(fd);
			return err;
		}
		nfd = openat(fd, p->comp[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		err = nfd < 0 ? err_errno() : 0;
		close(fd);
		if (err) {
			strbuf_addf(why, "has an entry whose path goes through '%s', which is not a "
				    "directory", p->comp[i]);
			return err == -ELOOP || err == -ENOTDIR ? -EINVAL : err;
		}
		fd = nfd;
	}
	*out = fd;
	return 0;
}

static int write_file(struct archive *a, int dirfd, const char *name, const char *entry,
		      int64_t size, struct bundle_extract_stats *st, struct strbuf *why)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	const void *buf;
	size_t len;
	la_int64_t off;
	int64_t end = 0;
	int r, err = 0;

	if (fd < 0) {
		err = err_errno();
		if (err == -EEXIST)
			strbuf_addf(why, "has an entry twice: '%s'", entry);
		else
			strbuf_addf(why, "could not be extracted: cannot create '%s': %s", entry,
				    err_str(err));
		return err == -EEXIST ? -EINVAL : err;
	}
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *p = buf;

		if (sigwatch_pending()) {
			err = -EINTR;
			goto out;
		}
		while (len) {
			ssize_t n = pwrite(fd, p, len, off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				err = err_errno();
				strbuf_addf(why, "could not be extracted: cannot write '%s': %s", entry,
					    err_str(err));
				goto out;
			}
			p += n;
			len -= (size_t)n;
			off += n;
			st->bytes += (uint64_t)n;
		}
		end = MAX(end, (int64_t)off);
	}
	if (r != ARCHIVE_EOF) {
		strbuf_addf(why, "is truncated or corrupt (in '%s'): %s", entry,
			    archive_error_string(a));
		err = -EINVAL;
		goto out;
	}
	if (size > end && ftruncate(fd, size)) {	/* a sparse file's hole at the end */
		err = err_errno();
		strbuf_addf(why, "could not be extracted: cannot write '%s': %s", entry,
			    err_str(err));
		goto out;
	}
	st->files++;
out:
	if (close(fd) && !err) {
		err = err_errno();
		strbuf_addf(why, "could not be extracted: cannot write '%s': %s", entry,
			    err_str(err));
	}
	return err;
}

static const char *type_name(mode_t t)
{
	switch (t) {
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	default: return "of an unknown type";
	}
}

static int extract_entry(struct archive *a, struct archive_entry *ent, int rootfd,
			 struct bundle_extract_stats *st, struct strbuf *why)
{
	const char *name = archive_entry_pathname(ent), *hl = archive_entry_hardlink(ent);
	mode_t type = archive_entry_filetype(ent);
	struct path p, t = {0};
	int dirfd = -1, err;

	err = path_split(name, &p, why);
	if (err)
		return err;
	if (p.n == 0)	/* "./" itself */
		goto out;
	if (!st->root[0]) {
		snprintf(st->root, sizeof(st->root), "%s", p.comp[0]);
	} else if (strcmp(st->root, p.comp[0])) {
		strbuf_addstr(why, "contains multiple top-level entries; unable to extract into a "
				   "single profile directory");
		err = -EINVAL;
		goto out;
	}
	if (p.n == 1) {
		if (type != AE_IFDIR || hl) {
			strbuf_addf(why, "has a top-level entry that is not a directory: '%s'",
				    p.comp[0]);
			err = -EINVAL;
		}
		goto out;
	}
	if (hl) {
		/* a hard link to an earlier entry of the same bundle */
		err = path_split(hl, &t, why);
		if (err)
			goto out;
		if (t.n < 2 || strcmp(t.comp[0], st->root)) {
			strbuf_addf(why, "has a hard link pointing outside the bundle: '%s' -> '%s'",
				    name, hl);
			err = -EINVAL;
			goto out;
		}
	} else if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(ent);
		if (!target || !link_inside(&p, target)) {
			strbuf_addf(why, "has a symlink pointing outside the bundle: '%s' -> '%s'",
				    name, target ? target : "");
			err = -EINVAL;
			goto out;
		}
	} else if (type != AE_IFREG && type != AE_IFDIR) {
		strbuf_addf(why, "has an entry that is %s: '%s'", type_name(type), name);
		err = -EINVAL;
		goto out;
	}
	err = open_dir(rootfd, &p, p.n - 1, &dirfd, why);
	if (err)
		goto out;
	const char *leaf = p.comp[p.n - 1];
	if (hl) {
		int tfd;

		err = open_dir(rootfd, &t, t.n - 1, &tfd, why);
		if (err)
			goto out;
		if (linkat(tfd, t.comp[t.n - 1], dirfd, leaf, 0)) {
			err = err_errno();
			strbuf_addf(why, "has a hard link that cannot be made: '%s' -> '%s': %s", name,
				    hl, err_str(err));
			if (err == -ENOENT || err == -EEXIST)
				err = -EINVAL;
		} else {
			st->links++;
		}
		close(tfd);
	} else if (type == AE_IFLNK) {
		if (symlinkat(archive_entry_symlink(ent), dirfd, leaf)) {
			err = err_errno();
			strbuf_addf(why, "has a symlink that cannot be made: '%s': %s", name,
				    err_str(err));
			if (err == -EEXIST)
				err = -EINVAL;
		} else {
			st->links++;
		}
	} else if (type == AE_IFDIR) {
		struct stat sb;

		if (mkdirat(dirfd, leaf, 0755) &&
		    (errno != EEXIST || fstatat(dirfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) ||
		     !S_ISDIR(sb.st_mode))) {
			err = err_errno();
			strbuf_addf(why, "has a directory that cannot be made: '%s'", name);
			if (err == -EEXIST)
				err = -EINVAL;
		} else {
			st->dirs++;
		}
	} else {
		err = write_file(a, dirfd, leaf, name, archive_entry_size_is_set(ent) ?
			archive_entry_size(ent) : 0, st, why);
	}
out:
	if (dirfd >= 0)
		close(dirfd);
	path_release(&t);
	path_release(&p);
	return err;
}

int bundle_extract(const char *archive, const char *dest, struct bundle_extract_stats *st,
		   struct strbuf *why)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	int rootfd = -1, r, err = 0;

	memset(st, 0, sizeof(*st));
	if (!a)
		die_oom();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	rootfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		err = err_errno();
		strbuf_addf(why, "could not be extracted: cannot open '%s': %s", dest, err_str(err));
		goto out;
	}
	if (archive_read_open_filename(a, archive, 1 << 16) != ARCHIVE_OK) {
		err = archive_errno(a) == ENOENT ? -ENOENT : -EINVAL;
		strbuf_addf(why, "cannot be read: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (sigwatch_pending()) {
			err = -EINTR;
			goto out;
		}
		err = extract_entry(a, ent, rootfd, st, why);
		if (err)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		strbuf_addf(why, "is truncated or corrupt: %s", archive_error_string(a));
		err = -EINVAL;
		goto out;
	}
	if (!st->root[0]) {
		strbuf_addstr(why, "appears to be empty");
		err = -EINVAL;
	}
out:
	if (rootfd >= 0)
		close(rootfd);
	archive_read_free(a);
	return err;
}
