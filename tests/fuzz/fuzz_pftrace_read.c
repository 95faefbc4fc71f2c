// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto reader on arbitrary bytes: never crashes, returns 0 or an error;
 * whatever events it returns, our writer encodes into a trace that the reader
 * then reads back completely, with the same number of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "top/trace/pftrace_read.h"
#include "top/trace/pftrace_writer.h"
#include "tests/fuzz/fuzz.h"

struct ctx {
	struct pftrace_writer *w;
	uint64_t written;
};

static int on_event(void *p, const struct sched_event *ev)
{
	struct ctx *c = p;
	int err = pftrace_write_event(c->w, ev);

	if (!err)
		c->written++;
	return err == -EINVAL ? 0 : err;
}

static int count(void *p, const struct sched_event *ev)
{
	(*(uint64_t *)p)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pftrace_read_ops ops = {.event = on_event};
	static const struct pftrace_read_ops count_ops = {.event = count};
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_read_stats st;
	struct ctx c = {0};
	char *buf = NULL;
	size_t len = 0;
	uint64_t n = 0;
	FILE *fp = open_memstream(&buf, &len);
	int rc;

	po.no_clock_snapshot = true;
	po.sysname = po.release = po.version = po.machine = "";
	if (!fp || pftrace_writer_create(&c.w, fp, &po))
		abort();
	rc = pftrace_read_mem(data, size, &ops, &c, &st);
	if (rc != 0 && rc != -EBADMSG)
		abort();
	if (st.bytes > size)
		abort();
	if (pftrace_writer_finish(c.w))
		abort();
	fflush(fp);
	if (pftrace_read_mem(buf, len, &count_ops, &n, &st) != 0)
		abort();
	/* exec events come back with the task_rename the writer adds when a comm changes */
	if (n < c.written)
		abort();
	pftrace_writer_destroy(c.w);
	fclose(fp);
	free(buf);
	return 0;
}
