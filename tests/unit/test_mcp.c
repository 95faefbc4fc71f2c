// SPDX-License-Identifier: GPL-2.0
/*
 * The MCP server's JSON-RPC handling, message by message (mcp_handle_message),
 * and the tool-argument schema validator.
 */
#include "test_common.h"

#include <jansson.h>

#include "top/mcp/jsonschema.h"
#include "top/mcp/mcp_server.h"
#include "top/trace/pftrace_writer.h"
#include "top/trace/synth.h"

/* A synthetic trace file (the project's writer and synthetic source). */
static const char *synth_trace(void)
{
	static char path[256];
	struct synth_opts so = SYNTH_OPTS_INIT;
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_writer *w;
	struct synth syn;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/synth.pftrace", test_tmpdir());
	fp = fopen(path, "w");
	assert_non_null(fp);
	so.nr_cpus = 4;
	so.nr_tasks = 32;
	so.seed = 7;
	po.release = "6.18.0-test";
	synth_init(&syn, &so);
	assert_int_equal(pftrace_writer_create(&w, fp, &po), 0);
	for (int i = 0; i < 20000; i++) {
		struct sched_event ev;

		synth_next(&syn, &ev);
		assert_int_equal(pftrace_write_event(w, &ev), 0);
	}
	assert_int_equal(pftrace_writer_finish(w), 0);
	pftrace_writer_destroy(w);
	synth_release(&syn);
	fclose(fp);
	return path;
}

/* Send one line; return the parsed response (NULL when there is none). */
static json_t *send(struct mcp_server *s, const char *line)
{
	struct strbuf out = STRBUF_INIT;
	json_error_t jerr;
	json_t *j = NULL;

	mcp_handle_message(s, line, strlen(line), &out);
	if (out.len) {
		assert_int_equal(out.buf[out.len - 1], '\n');
		assert_null(memchr(out.buf, '\n', out.len - 1));
		j = json_loads(out.buf, 0, &jerr);
		if (!j)
			fail_msg("response is not JSON: %s", out.buf);
	}
	strbuf_release(&out);
	return j;
}

static int err_code(json_t *r)
{
	json_t *c = json_object_get(json_object_get(r, "error"), "code");

	assert_true(json_is_integer(c));
	return (int)json_integer_value(c);
}

static void init(struct mcp_server *s)
{
	json_t *r;

	mcp_server_init(s);
	r = send(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
		    "\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "result"),
							       "protocolVersion")),
			    "2024-11-05");
	json_decref(r);
}

static void mcp__initialize__negotiates_version(void **state)
{
	struct mcp_server s;
	json_t *r, *res;

	(void)state;
	mcp_server_init(&s);
	/* before initialize: only ping works */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
	assert_true(json_is_object(json_object_get(r, "result")));
	assert_string_equal(json_string_value(json_object_get(r, "id")), "p");
	json_decref(r);
	/* missing clientInfo */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"x\",\"capabilities\":{}}}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	/* an unknown version gets our newest */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
		     "\"1999-01-01\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}");
	res = json_object_get(r, "result");
	assert_string_equal(json_string_value(json_object_get(res, "protocolVersion")), "2025-11-25");
	assert_non_null(json_object_get(json_object_get(res, "capabilities"), "tools"));
	assert_non_null(json_object_get(json_object_get(res, "capabilities"), "resources"));
	assert_non_null(json_object_get(json_object_get(res, "capabilities"), "prompts"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(res, "serverInfo"), "name")),
			    "scxtop-mcp");
	json_decref(r);
	mcp_server_release(&s);
}

static void mcp__bad_inputs__each_answered_correctly(void **state)
{
	struct mcp_server s;
	json_t *r;
	char *big;
	size_t n = 10u << 20;

	(void)state;
	init(&s);
	/* notifications: never answered, known or not, even malformed params */
	assert_null(send(&s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
	assert_null(send(&s, "{\"jsonrpc\":\"2.0\",\"method\":\"no/such\"}"));
	assert_null(send(&s, "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":5}"));
	/* blank lines are ignored */
	assert_null(send(&s, "   "));
	r = send(&s, "{not json");
	assert_int_equal(err_code(r), -32700);
	assert_true(json_is_null(json_object_get(r, "id")));
	json_decref(r);
	r = send(&s, "[]");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "42");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"1.0\",\"id\":4,\"method\":\"ping\"}");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7}");
	assert_int_equal(err_code(r), -32600);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 5);
	json_decref(r);
	/* huge ids: beyond 64 bits cannot be echoed; the largest int64 can */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}");
	assert_int_equal(err_code(r), -32600);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"method\":\"ping\"}");
	assert_true(json_integer_value(json_object_get(r, "id")) == INT64_MAX);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"no/such\"}");
	assert_int_equal(err_code(r), -32601);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\"}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"get_trace_summary\",\"arguments\":[]}}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	/* wrong argument types: a tool error the model can read */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"analyze_wakeup_latency\",\"arguments\":{\"limit\":\"ten\"}}}");
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"), "isError")));
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(r, "result"), "content"), 0), "text")),
			       "limit: must be of type integer"));
	json_decref(r);
	/* no trace loaded: a tool error saying what to do */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":{\"name\":\"get_trace_summary\"}}");
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"), "isError")));
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\",\"params\":{\"name\":\"load_perfetto_trace\",\"arguments\":{\"file_path\":\"/nonexistent/t.pftrace\"}}}");
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"), "isError")));
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"resources/read\",\"params\":{\"uri\":\"nope://x\"}}");
	assert_int_equal(err_code(r), -32002);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"prompts/get\",\"params\":{\"name\":\"nope\"}}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"prompts/get\",\"params\":{\"name\":\"analyze_scheduler_performance\",\"arguments\":{\"focus_area\":\"speed\"}}}");
	assert_int_equal(err_code(r), -32602);
	json_decref(r);
	/* a batch: answers for the requests only, in order */
	r = send(&s, "[{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"n\"},"
		     "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"nope\"}]");
	assert_int_equal(json_array_size(r), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "id")), 16);
	assert_int_equal(err_code(json_array_get(r, 1)), -32601);
	json_decref(r);
	/* a 10 MB request is still one request */
	big = xmalloc(n + 200);
	strcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"ping\",\"params\":{\"pad\":\"");
	memset(big + strlen(big), 'x', n);
	strcpy(big + strlen("{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"ping\",\"params\":{\"pad\":\"") + n, "\"}}");
	r = send(&s, big);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 18);
	assert_true(json_is_object(json_object_get(r, "result")));
	json_decref(r);
	free(big);
	/* and still alive */
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":19,\"method\":\"ping\"}");
	assert_true(json_is_object(json_object_get(r, "result")));
	json_decref(r);
	mcp_server_release(&s);
}

static void mcp__trace_tools__load_and_analyze(void **state)
{
	const char *trace = synth_trace();
	struct mcp_server s;
	char line[1024];
	json_t *r, *doc;
	const char *text;
	json_error_t jerr;

	(void)state;
	init(&s);
	snprintf(line, sizeof(line),
		 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"load_perfetto_trace\","
		 "\"arguments\":{\"file_path\":\"%s\",\"trace_id\":\"a\"}}}", trace);
	r = send(&s, line);
	text = json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(r, "result"), "content"), 0), "text"));
	doc = json_loads(text, 0, &jerr);
	assert_non_null(doc);
	assert_true(json_integer_value(json_object_get(doc, "total_events")) > 0);
	json_decref(doc);
	json_decref(r);
	/* the same file under another id shares the model */
	snprintf(line, sizeof(line),
		 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"load_perfetto_trace\","
		 "\"arguments\":{\"file_path\":\"%s\",\"trace_id\":\"b\"}}}", trace);
	json_decref(send(&s, line));
	assert_int_equal(s.nr_traces, 2);
	assert_ptr_equal(s.traces[0].m, s.traces[1].m);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"find_scheduling_bottlenecks\",\"arguments\":{\"trace_id\":\"a\",\"limit\":3}}}");
	assert_true(json_is_false(json_object_get(json_object_get(r, "result"), "isError")));
	json_decref(r);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"unload_trace\",\"arguments\":{\"trace_id\":\"a\"}}}");
	assert_true(json_is_false(json_object_get(json_object_get(r, "result"), "isError")));
	json_decref(r);
	assert_int_equal(s.nr_traces, 1);
	mcp_server_release(&s);
}

static void jsonschema__subset__accepts_and_rejects(void **state)
{
	json_error_t jerr;
	json_t *schema = json_loads("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\","
				    "\"minimum\":1,\"maximum\":10},\"m\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},"
				    "\"l\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":2}},"
				    "\"required\":[\"n\"],\"additionalProperties\":false}", 0, &jerr);
	static const struct {
		const char *doc;
		const char *err;
	} cases[] = {
		{"{\"n\":5}", NULL},
		{"{\"n\":5,\"m\":\"a\",\"l\":[\"x\"]}", NULL},
		{"{}", "n: is required"},
		{"{\"n\":0}", "n: must be >= 1"},
		{"{\"n\":11}", "n: must be <= 10"},
		{"{\"n\":1.5}", "n: must be of type integer"},
		{"{\"n\":1,\"m\":\"c\"}", "m: must be one of: a, b"},
		{"{\"n\":1,\"z\":1}", "z: is not a known argument"},
		{"{\"n\":1,\"l\":[1]}", "l[0]: must be of type string"},
		{"{\"n\":1,\"l\":[\"a\",\"b\",\"c\"]}", "l: has too many items"},
	};
	char err[256];

	(void)state;
	assert_non_null(schema);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *v = json_loads(cases[i].doc, 0, &jerr);
		int rc = jsonschema_validate(schema, v, err, sizeof(err));

		if (!cases[i].err) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, cases[i].err);
		}
		json_decref(v);
	}
	json_decref(schema);
}

static void mcp__tool_schemas__are_valid_json(void **state)
{
	struct mcp_server s;
	json_t *r, *tools;
	size_t i;
	json_t *t;

	(void)state;
	init(&s);
	r = send(&s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
	tools = json_object_get(json_object_get(r, "result"), "tools");
	assert_true(json_array_size(tools) >= 25);
	json_array_foreach(tools, i, t) {
		json_t *sch = json_object_get(t, "inputSchema");

		assert_string_equal(json_string_value(json_object_get(sch, "type")), "object");
		assert_true(json_is_object(json_object_get(sch, "properties")));
		assert_true(json_string_length(json_object_get(t, "description")) > 10);
	}
	json_decref(r);
	mcp_server_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp__initialize__negotiates_version),
		cmocka_unit_test(mcp__bad_inputs__each_answered_correctly),
		cmocka_unit_test(mcp__trace_tools__load_and_analyze),
		cmocka_unit_test(jsonschema__subset__accepts_and_rejects),
		cmocka_unit_test(mcp__tool_schemas__are_valid_json),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
