// SPDX-License-Identifier: GPL-2.0
#include "extract/extract_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/linereader.h"
#include "common/log.h"
#include "common/sigwatch.h"

#define SIGNAL_CHECK_LINES 65536

int extract_input_open(struct extract_input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	if (!strcmp(path, "-")) {
		in->label = "stdin";
		in->fd = STDIN_FILENO;
		return 0;
	}
	in->label = path;
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return err_log(err_errno(), "cannot open %s", path);
	in->owned = true;
	return 0;
}

void extract_input_close(struct extract_input *in)
{
	if (in->owned && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->owned = false;
}

/* read(2) that a signal interrupts even on a pipe with no data. */
static ssize_t read_or_signal(void *ctx, void *buf, size_t n)
{
	struct extract_input *in = ctx;
	struct pollfd p[2] = {{.fd = in->fd, .events = POLLIN}, {.fd = sigwatch_fd(), .events = POLLIN}};
	ssize_t r;

	for (;;) {
		if (sigwatch_pending())
			return -EINTR;
		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return err_errno();
		if (sigwatch_pending())
			return -EINTR;
		if (!p[0].revents)
			continue;
		r = read(in->fd, buf, n);
		if (r >= 0)
			return r;
		if (errno != EINTR && errno != EAGAIN)
			return err_errno();
	}
}

static int interrupted(void)
{
	pr_err("interrupted by %s: nothing written", signal_name(sigwatch_pending()));
	return -EINTR;
}

int extract_lines(struct extract_input *in, bool skip_bad, extract_line_fn fn, void *arg)
{
	struct line_reader lr;
	char why[512], first[600] = "";
	const char *line;
	size_t len;
	int r;

	sigwatch_install();
	line_reader_init_fn(&lr, read_or_signal, in);
	while ((r = line_reader_next(&lr, &line, &len)) > 0) {
		in->lines++;
		if (!(in->lines % SIGNAL_CHECK_LINES) && sigwatch_pending()) {
			r = -EINTR;
			break;
		}
		r = fn(arg, line, len, why, sizeof(why));
		if (r > 0) {
			in->records++;
		} else if (r == 0) {
			in->blank++;
		} else if (r != -EINVAL) {
			pr_err("%s", why);
			line_reader_release(&lr);
			return r;
		} else if (skip_bad) {
			if (!in->bad++)
				snprintf(first, sizeof(first), "line %llu: %s",
					 (unsigned long long)in->lines, why);
		} else {
			pr_err("%s:%llu: %s", in->label, (unsigned long long)in->lines, why);
			line_reader_release(&lr);
			return r;
		}
	}
	line_reader_release(&lr);
	if (r == -EINTR)
		return interrupted();
	if (r < 0)
		return err_log(r, "cannot read %s", in->label);
	if (in->bad)
		pr_warn("skipped %llu malformed line%s of %s (first: %s)",
			(unsigned long long)in->bad, in->bad == 1 ? "" : "s", in->label, first);
	return 0;
}

void extract_outputs_init(struct extract_outputs *o)
{
	memset(o, 0, sizeof(*o));
}

static int output_open(struct extract_output *o, const char *path)
{
	/* atomic_file writes devices and FIFOs in place and refuses a directory. */
	int r = atomic_file_open(&o->af, path, 0);

	o->path = path;
	if (r)
		return err_log(r, "cannot create %s", path);
	o->open = true;
	return 0;
}

int extract_outputs_open(struct extract_outputs *o, const char *out_path, const char *rep_path)
{
	int r = 0;

	if (out_path)
		r = output_open(&o->out, out_path);
	if (!r && rep_path)
		r = output_open(&o->rep, rep_path);
	return r;
}

static int output_commit(struct extract_output *o, const struct strbuf *sb)
{
	int r;

	if (sigwatch_pending())
		return interrupted();
	o->open = false;
	r = strbuf_write(sb, o->af.fp);
	if (!r)
		r = atomic_file_commit(&o->af);
	else
		atomic_file_abort(&o->af);
	if (r)
		return err_log(r, "cannot write %s", o->path);
	return 0;
}

int extract_outputs_commit(struct extract_outputs *o, const struct strbuf *out,
			   const struct strbuf *rep)
{
	int r;

	if (rep && o->rep.open) {
		r = output_commit(&o->rep, rep);
		if (r)
			return r;
	}
	if (o->out.open)
		return output_commit(&o->out, out);
	if (sigwatch_pending())
		return interrupted();
	r = strbuf_write(out, stdout);
	if (!r && fflush(stdout))
		r = err_errno();
	if (r)
		return err_log(r, "cannot write to stdout");
	return 0;
}

static void output_abort(struct extract_output *o)
{
	if (!o->open)
		return;
	atomic_file_abort(&o->af);
	o->open = false;
}

void extract_outputs_abort(struct extract_outputs *o)
{
	output_abort(&o->out);
	output_abort(&o->rep);
}
