/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O frame shared by the extract commands: a JSONL input (a file or "-" for
 * stdin) read line by line, stopping at SIGINT/SIGTERM/SIGHUP even while blocked
 * on a pipe; malformed lines either stop the run (naming the line) or, with
 * skip_bad, are counted and reported once; and outputs that are opened (as
 * temporary files) before the input is read, so a bad -o path fails at once,
 * and appear whole at the end or not at all.
 *
 * Every function here reports its own error ("scxprof: <what>: <why>") and
 * returns a negative errno (-EINTR when a signal stopped it).
 */
#ifndef SCX_EXTRACT_EXTRACT_IO_H
#define SCX_EXTRACT_EXTRACT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/atomic.h"
#include "common/strbuf.h"

struct extract_input {
	const char *label;	/* the path, or "stdin" */
	int fd;
	bool owned;
	uint64_t lines, records, blank, bad;
};

int extract_input_open(struct extract_input *in, const char *path);
void extract_input_close(struct extract_input *in);

/*
 * Called per line: 1 for a record, 0 for a blank line, -EINVAL for a malformed
 * line, another negative errno to stop at once; the reason goes to why.
 */
typedef int (*extract_line_fn)(void *arg, const char *line, size_t len, char *why,
			      size_t why_len);

/* Feed every line to fn. */
int extract_lines(struct extract_input *in, bool skip_bad, extract_line_fn fn, void *arg);

/*
 * One output file: written under a temporary name and renamed, except when the
 * path is a device, FIFO or socket (-o /dev/null, /dev/stdout, a pipe), which
 * is written in place: renaming over /dev/null as root would replace the device.
 */
struct extract_output {
	struct atomic_file af;
	const char *path;
	bool open;
};

struct extract_outputs {
	struct extract_output out, rep;
};

void extract_outputs_init(struct extract_outputs *o);
/* Create the temporaries of the output (NULL: stdout) and of the optional report. */
int extract_outputs_open(struct extract_outputs *o, const char *out_path, const char *rep_path);
/* Write and rename into place (out to stdout when no path was given). */
int extract_outputs_commit(struct extract_outputs *o, const struct strbuf *out,
			  const struct strbuf *rep);
/* Remove whatever was not committed. */
void extract_outputs_abort(struct extract_outputs *o);

#endif
