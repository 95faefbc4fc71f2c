/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scx_mitosis cell config (reference/cell-config.md): a model of what
 * `extract mem` emits, its serde-pretty writer, and a simulation of how the
 * reader (mitosis-next) places a thread in a subcell, used to order subcells so
 * that none steals another's threads and to measure locality.
 *
 * Shape written (the only one the reader loads):
 *   [{"name": s, "matches": {"CgroupRegex": re} | {"CgroupContains": s} | {},
 *     "subcells": [{"name": s, "matches": [[{"CommPrefix": p}(, {"Hint": h})], ...]},
 *                  ..., {"name": "rest", "matches": [[]]}]}, ...]
 * "subcells" is omitted when a spec has none.
 *
 * Reader limits (enforced by the builder in extract_mem, checked here by
 * cell_config_check): at most CELL_MAX_SUBCELLS subcells per spec including the
 * catch-all, CELL_MAX_ORS OR groups, CELL_MAX_ANDS terms per group, CommPrefix at
 * most CELL_MAX_PREFIX bytes.
 */
#ifndef SCX_EXTRACT_CELL_CONFIG_H
#define SCX_EXTRACT_CELL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

#define CELL_MAX_SUBCELLS 8
#define CELL_MAX_ORS 4
#define CELL_MAX_ANDS 4
#define CELL_MAX_PREFIX 15	/* task->comm is 16 bytes with the NUL */

enum cell_match {
	CELL_MATCH_ALL,			/* {} : the catch-all spec */
	CELL_MATCH_CGROUP_REGEX,
	CELL_MATCH_CGROUP_CONTAINS,
};

/*
 * A subcell: OR over prefixes[], each group being {"CommPrefix": prefix} plus
 * {"Hint": hint} when has_hint. A catch-all subcell has no prefixes ([[]]).
 * comms[] are the concrete comms the subcell was built for (not written; used to
 * order subcells and in reports).
 */
struct subcell {
	char *name;
	char **prefixes;
	size_t nr_prefixes;
	bool has_hint;
	uint64_t hint;
	bool catch_all;
	char **comms;
	size_t nr_comms;
	uint64_t samples;
};

struct cell_spec {
	char *name;
	enum cell_match match;
	char *arg;		/* regex or substring; NULL for CELL_MATCH_ALL */
	struct subcell *subcells;
	size_t nr_subcells;
};

struct cell_config {
	struct cell_spec *specs;
	size_t nr_specs;
};

struct cell_spec *cell_config_add_spec(struct cell_config *c, const char *name,
				       enum cell_match match, const char *arg);
struct subcell *cell_spec_add_subcell(struct cell_spec *spec, const char *name);
void subcell_add_prefix(struct subcell *sc, const char *prefix, size_t len);
void subcell_add_comm(struct subcell *sc, const char *comm, size_t len);
/* Append the catch-all {"name": "rest", "matches": [[]]}. */
void cell_spec_add_rest(struct cell_spec *spec);
void subcell_release(struct subcell *sc);
void cell_config_release(struct cell_config *c);

/*
 * Does the reader put a thread (comm, hint) in sc? CommPrefix is a byte prefix of
 * task->comm, which the kernel truncates to 15 bytes.
 */
bool subcell_matches(const struct subcell *sc, const char *comm, size_t len, uint64_t hint);
/*
 * Index in spec->subcells of the subcell the reader picks: the first non-catch-all
 * subcell in array order that matches, else the catch-all (or -1 when there is none).
 */
int cell_spec_assign(const struct cell_spec *spec, const char *comm, size_t len, uint64_t hint);
/*
 * Reorder the non-catch-all subcells so that no subcell's prefix catches the
 * comms of a subcell listed after it (which would silently take its threads:
 * the reader picks the first match). Among subcells free of such conflicts the
 * current order is kept, so a config without conflicts is unchanged. Catch-all
 * subcells go last. Returns the number of subcells that moved.
 */
size_t cell_spec_order_subcells(struct cell_spec *spec);

/*
 * Check the reader's limits; 0, or -EINVAL with a one-line reason in why.
 * An empty config ([]) is allowed here (the reader refuses it; callers warn).
 */
int cell_config_check(const struct cell_config *c, struct strbuf *why);

/* serde_json::to_string_pretty of the config, plus a trailing newline. */
void cell_config_write(const struct cell_config *c, struct strbuf *out);

/*
 * Longest prefix of s (len bytes) that fits in max bytes without splitting a
 * UTF-8 character.
 */
size_t utf8_truncate(const char *s, size_t len, size_t max);

#endif
