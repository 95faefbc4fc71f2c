/* SPDX-License-Identifier: GPL-2.0 */
/* File-system helpers. All return 0 or a negative errno. */
#ifndef SCX_COMMON_FS_H
#define SCX_COMMON_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Remove path and everything below it; never follows symlinks. ENOENT is not an error. */
int fs_rmtree(const char *path);
/* fsync the directory at path (makes a rename durable). */
int fs_fsync_dir(const char *path);
/* Like mkdir -p (mode for the directories it creates). */
int fs_mkdir_p(const char *path, unsigned mode);
bool fs_exists(const char *path);
/* The first line of a (small) file into buf, without its newline. 0 or -errno. */
int fs_read_line(const char *path, char *buf, size_t n);
bool fs_is_dir(const char *path);
/*
 * Directory part of path ("." when there is none) and last component, ignoring
 * trailing slashes: "a/b/" → "a", "b". Return owned strings (caller frees).
 */
char *fs_dirname(const char *path);
char *fs_basename(const char *path);
/* Bytes available to an unprivileged writer on the file system holding path. */
int fs_free_bytes(const char *path, uint64_t *bytes);
/* Copy a regular file (dst is created 0644, must not exist). */
int fs_copy_file(const char *src, const char *dst);

#endif
