// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto loader on arbitrary bytes, then every analyzer on what it
 * loaded: no crash, no leak (ASan), the JSON report parses, and a load either
 * succeeds or fails with a message.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "top/analyze/analyzers.h"
#include "top/analyze/trace_load.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_model m;
	struct analyze_params p;
	struct strbuf out = STRBUF_INIT;
	const struct analyzer *list[32];
	struct load_opts o = {.max_events = 1000000};
	struct report *r;
	json_error_t jerr;
	json_t *doc;
	char msg[256];
	int err;

	model_init(&m);
	err = trace_load_mem(&m, data, size, &o, msg, sizeof(msg));
	if (err) {
		if (!msg[0])
			abort();
		model_release(&m);
		return 0;
	}
	analyze_params_init(&p);
	p.limit = 5;
	for (size_t i = 0; i < nr_analyzers; i++)
		list[i] = &analyzer_table[i];
	r = report_json(&out, 0);
	analyze_document(&m, &p, list, nr_analyzers, r);
	report_free(r);
	doc = json_loadb(out.buf, out.len, 0, &jerr);
	if (!doc)
		abort();
	json_decref(doc);
	strbuf_release(&out);
	/* the text renderer too */
	r = report_text(&out, m.start_ts);
	analyze_document(&m, &p, list, nr_analyzers, r);
	report_free(r);
	strbuf_release(&out);
	model_release(&m);
	return 0;
}
