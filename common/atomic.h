/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output that exists whole or not at all. A file (or a directory tree) is built
 * under a temporary name in the destination's directory, then fsync'ed and
 * renamed into place. Until commit, abort (or a failure inside commit) removes
 * the temporary, so an error, Ctrl-C, SIGTERM or SIGHUP never leaves a partial
 * output behind.
 *
 * Temporary names are "<dir>/.<name>.tmp.XXXXXX".
 *
 * An existing destination that is not a regular file is written in place:
 * renaming over /dev/null (as root) or a FIFO would replace the device or the
 * pipe with a regular file. A symlink is followed: the file it points to is
 * replaced atomically, the link stays. A directory is refused (-EISDIR).
 */
#ifndef SCX_COMMON_ATOMIC_H
#define SCX_COMMON_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>

enum atomic_flags {
	/* Fail with -EEXIST instead of replacing an existing destination. */
	ATOMIC_NOREPLACE = 1 << 0,
};

struct atomic_file {
	char *path;	/* final name (owned; the symlink's target when path was a link) */
	char *tmp_path;	/* temporary name (owned); NULL when writing in place */
	FILE *fp;	/* write here */
	unsigned flags;
	bool in_place;	/* the destination is a device, FIFO or socket */
};

/* Create the temporary file; af->fp is open for writing. */
int atomic_file_open(struct atomic_file *af, const char *path, unsigned flags);
/* Flush, check for write errors, fsync, rename into place. Aborts on failure. */
int atomic_file_commit(struct atomic_file *af);
/* Remove the temporary and free everything. Safe to call twice, or after commit. */
void atomic_file_abort(struct atomic_file *af);

struct staging_dir {
	char *path;	/* final name (owned) */
	char *tmp_path;	/* write files in here (owned) */
};

/* Create the temporary directory; refuses (-EEXIST) when path already exists. */
int staging_dir_create(struct staging_dir *sd, const char *path);
/* Rename the temporary directory to its final name (never over an existing one). */
int staging_dir_commit(struct staging_dir *sd);
/* Remove the temporary tree and free everything. Safe to call twice, or after commit. */
void staging_dir_abort(struct staging_dir *sd);

#endif
