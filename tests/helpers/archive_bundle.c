// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark/test helper: archive a directory the way `scxprof record` does
 * (record_archive_write: libarchive, gzip, temporary file, read back, rename).
 *
 *   archive_bundle DIR ROOT OUT.tar.gz
 */
#include <stdio.h>

#include "common/err.h"
#include "common/log.h"
#include "profiler/record.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: archive_bundle DIR ROOT OUT.tar.gz\n");
		return 2;
	}
	log_set_prog("archive_bundle");
	return record_archive_write(argv[1], argv[2], argv[3]) ? 1 : 0;
}
