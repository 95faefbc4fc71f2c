/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a bundle (scxprof process): extracting NAME.tar.gz safely.
 *
 * The archive must hold exactly one top-level directory (its name does not
 * matter; "./" prefixes are ignored). Its contents are written below dest,
 * which must be an empty directory, with the *at() system calls and
 * O_NOFOLLOW, so nothing can be written outside dest. Refused, with the
 * reason in why: absolute paths, ".." components, symlinks or hard links whose
 * target leaves the bundle, paths through a symlink, device files, FIFOs and
 * sockets, more than one top-level entry, a top-level entry that is not a
 * directory, an empty archive, and any read error (truncated or corrupt gzip,
 * damaged tar). Ownership and permission bits are not restored (files 0644,
 * directories 0755, minus the umask).
 */
#ifndef SCX_PROFILER_BUNDLE_IN_H
#define SCX_PROFILER_BUNDLE_IN_H

#include <stdint.h>

#include "common/strbuf.h"

struct bundle_extract_stats {
	uint64_t files, dirs, links, bytes;
	char root[256];		/* the archive's top-level directory name */
};

/*
 * 0, -EINVAL (a bad archive), -EINTR (a watched signal arrived) or another
 * negative errno. why completes "archive 'NAME' ...": "appears to be empty",
 * "has a symlink pointing outside the bundle: 'a' -> '/etc'", ...
 */
int bundle_extract(const char *archive, const char *dest, struct bundle_extract_stats *stats,
		   struct strbuf *why);

#endif
