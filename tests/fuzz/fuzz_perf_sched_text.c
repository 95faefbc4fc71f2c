// SPDX-License-Identifier: GPL-2.0
/*
 * perf's sched event texts (convert_perf_record) on arbitrary bytes: the
 * first line is the event name, the rest the trace text. Never crashes; a
 * parsed event goes through the writer without error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top/trace/convert.h"
#include "top/trace/pftrace_writer.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct perf_sched_switch sw = {"prev", "R+", "next", 1, 120, 2, 120};
	struct perf_sched_record r;
	struct pftrace_writer *w;
	struct sched_event ev;
	char *text = malloc(size + 1), *nl, *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	int rc;

	if (!text || !fp)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	memset(&r, 0, sizeof(r));
	r.comm = "fuzz";
	r.pid = 10;
	r.tid = 11;
	r.cpu = size % 4;
	r.ts = 1000;
	r.event = text;
	r.trace = "";
	if (nl) {
		*nl = '\0';
		r.trace = nl + 1;
	}
	r.sw = size & 1 ? &sw : NULL;
	rc = convert_perf_record(&r, &ev);
	if (rc < -EINVAL || rc > 1)
		abort();
	po.no_clock_snapshot = true;
	po.sysname = po.release = po.version = po.machine = "";
	if (pftrace_writer_create(&w, fp, &po))
		abort();
	if (rc == 1 && pftrace_write_event(w, &ev))
		abort();
	if (pftrace_writer_finish(w))
		abort();
	pftrace_writer_destroy(w);
	fclose(fp);
	free(out);
	free(text);
	return 0;
}
