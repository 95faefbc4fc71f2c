/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the extract unit drivers (header-only: each driver is its own
 * program): feeding samples, capturing warnings, reading configs back with
 * jansson, and checking every config a driver produced against
 * schemas/cell-config.schema.json (one python run per driver, at the end).
 */
#ifndef SCX_TEST_EXTRACT_HELPERS_H
#define SCX_TEST_EXTRACT_HELPERS_H

#include <jansson.h>

#include "common/log.h"
#include "common/strbuf.h"
#include "extract/cell_config.h"
#include "extract/extract_mem.h"

#define ALLOT_CG "/workload.slice/workload-tw-foo.allotment.slice"
#define WORKLOAD_CG "/workload.slice/other.service"
#define REST_CG "/system.slice/cron.service"

static struct strbuf test_logs = STRBUF_INIT;

static void test_log_capture(void *ctx, enum log_level level, const char *line)
{
	strbuf_addstr(&test_logs, line);
	strbuf_addch(&test_logs, '\n');
}

/* Start capturing warnings (cleared). */
static inline void logs_capture(void)
{
	strbuf_reset(&test_logs);
	log_set_sink(test_log_capture, NULL);
}

static inline bool logs_have(const char *needle)
{
	return test_logs.len && strstr(test_logs.buf, needle);
}

static inline struct extract_mem *xm_new(const struct extract_mem_opts *o)
{
	struct strbuf err = STRBUF_INIT;
	struct extract_mem *x = NULL;

	if (extract_mem_new(o, &x, &err)) {
		fprintf(stderr, "extract_mem_new: %s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
	return x;
}

static inline struct extract_mem *xm_default(void)
{
	struct extract_mem_opts o;

	extract_mem_opts_init(&o);
	return xm_new(&o);
}

/* n samples of (comm, cgroup, hint) at physical address phys (0: none), 4 KiB pages. */
static inline void add_n(struct extract_mem *x, const char *comm, const char *cgroup, uint64_t hint,
			 uint64_t phys, unsigned n)
{
	struct mem_sample s = {
		.comm = comm, .comm_len = strlen(comm), .cgroup = cgroup,
		.cgroup_len = strlen(cgroup), .hint = hint, .phys_addr = phys, .page_size = 4096,
	};

	for (unsigned i = 0; i < n; i++)
		extract_mem_add(x, &s);
}

/* ---- schema validation of everything produced ---- */

static char test_configs_valid[4096], test_configs_invalid[4096];
static unsigned test_nr_valid, test_nr_invalid;

/* Remember a config for the final schema check (expect_valid: must pass). */
static inline void schema_record(const char *text, bool expect_valid)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	char *compact;
	FILE *fp;

	assert_non_null(j);
	if (!test_configs_valid[0]) {
		snprintf(test_configs_valid, sizeof(test_configs_valid), "%s/configs-valid.jsonl",
			 test_tmpdir());
		snprintf(test_configs_invalid, sizeof(test_configs_invalid),
			 "%s/configs-invalid.jsonl", test_tmpdir());
	}
	compact = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	fp = fopen(expect_valid ? test_configs_valid : test_configs_invalid, "a");
	assert_non_null(fp);
	fprintf(fp, "%s\n", compact);
	fclose(fp);
	free(compact);
	json_decref(j);
	if (expect_valid)
		test_nr_valid++;
	else
		test_nr_invalid++;
}

/* The config as text (pretty), recorded for the schema check. */
static inline char *config_text_checked(struct extract_mem *x, bool expect_valid)
{
	struct strbuf sb = STRBUF_INIT;

	cell_config_write(extract_mem_config(x), &sb);
	schema_record(sb.buf, expect_valid);
	return strbuf_detach(&sb, NULL);
}

static inline json_t *config_json(struct extract_mem *x)
{
	char *text = config_text_checked(x, true);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	assert_non_null(j);
	free(text);
	return j;
}

/* The cell spec called name, or NULL. */
static inline json_t *spec_named(json_t *cfg, const char *name)
{
	size_t i;
	json_t *s;

	json_array_foreach(cfg, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			return s;
	return NULL;
}

static inline json_t *subcell_named(json_t *spec, const char *name)
{
	json_t *subs = json_object_get(spec, "subcells"), *s;
	size_t i;

	json_array_foreach(subs, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			return s;
	return NULL;
}

/* Compact text of a JSON value, for comparisons against literals. */
static inline char *jcompact(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

#define assert_json_eq(j, literal)                                                                 \
	do {                                                                                       \
		char *_t = jcompact(j);                                                            \
		assert_string_equal(_t, literal);                                                  \
		free(_t);                                                                          \
	} while (0)

static inline int run_validator(const char *file, bool each_invalid)
{
	char cmd[16384];
	const char *src = getenv("SCX_SRC") ? getenv("SCX_SRC") : ".";

	if (each_invalid)
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 -c 'import json,sys,jsonschema\n"
			 "s=json.load(open(sys.argv[1]))\n"
			 "v=jsonschema.Draft202012Validator(s)\n"
			 "bad=[n for n,l in enumerate(open(sys.argv[2]),1) if v.is_valid(json.loads(l))]\n"
			 "print(\"unexpectedly valid lines:\",bad) if bad else None\n"
			 "sys.exit(1 if bad else 0)' %s/schemas/cell-config.schema.json %s",
			 src, file);
	else
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 %s/tests/tools/validate_json.py "
			 "%s/schemas/cell-config.schema.json %s --jsonl",
			 src, src, file);
	return system(cmd);
}

/* Last test of a driver: every recorded config against the schema. */
static inline void schema__every_config__validates(void **state)
{
	SKIP_UNLESS(access("/usr/bin/python3", X_OK) == 0 &&
			    system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") == 0,
		    "/usr/bin/python3 with jsonschema is not installed");
	printf("schema: %u configs expected valid, %u expected rejected\n", test_nr_valid,
	       test_nr_invalid);
	assert_true(test_nr_valid + test_nr_invalid > 0);
	if (test_nr_valid)
		assert_int_equal(run_validator(test_configs_valid, false), 0);
	if (test_nr_invalid)
		assert_int_equal(run_validator(test_configs_invalid, true), 0);
}

#endif
