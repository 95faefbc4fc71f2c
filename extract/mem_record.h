/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader of one perf.jsonl record (DESIGN §4.4), the input of `extract mem`:
 *
 *   {"comm","tid","pid","time","time_ns","addr","cgroup","ip","sym","dso",
 *    "phys_addr","data_page_size","hint"[,"data_src","weight"]}
 *
 * Required, as upstream's reader requires them: comm, tid, pid, time, addr,
 * cgroup, ip, sym, dso, phys_addr, data_page_size. Optional: hint (default 0),
 * time_ns (upstream records have none). Unknown keys are ignored; a key given
 * twice, a wrong type or an out-of-range number is an error, like serde's.
 * Key order does not matter. Only the fields extract uses are returned.
 */
#ifndef SCX_EXTRACT_MEM_RECORD_H
#define SCX_EXTRACT_MEM_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/jscan.h"

/* One memory sample as extract groups it; strings are borrowed, not NUL-terminated. */
struct mem_sample {
	const char *comm;
	size_t comm_len;
	const char *cgroup;
	size_t cgroup_len;
	uint64_t hint;
	uint64_t phys_addr;	/* 0: no physical address */
	uint64_t page_size;	/* data_page_size in bytes; 0: unknown */
};

/*
 * Parse one line (without its '\n') with a reader from jscan_reader_init().
 * Returns 1 with *out filled (valid until the next call), 0 for a blank line,
 * or -EINVAL with r->err set.
 */
int mem_record_parse(struct jscan_reader *r, const char *line, size_t len, struct mem_sample *out);

#endif
