// SPDX-License-Identifier: GPL-2.0
/* MCP JSON-RPC dispatch: initialize, ping, tools, resources, prompts (see mcp_server.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/err.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/util.h"
#include "top/mcp/jsonschema.h"
#include "top/mcp/mcp_server.h"

enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	MCP_RESOURCE_NOT_FOUND = -32002,
};

static const char *const versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

void mcp_server_init(struct mcp_server *s)
{
	memset(s, 0, sizeof(*s));
	s->sysfs_root = "/sys";
	s->procfs_root = "/proc";
	s->max_trace_events = MCP_MAX_TRACE_EVENTS;
}

void mcp_server_release(struct mcp_server *s)
{
	for (size_t i = 0; i < s->nr_traces; i++) {
		struct mcp_trace *t = &s->traces[i];
		bool shared = false;

		for (size_t j = i + 1; j < s->nr_traces; j++)
			shared |= s->traces[j].m == t->m;
		if (!shared) {
			model_release(t->m);
			free(t->m);
		}
		free(t->id);
		free(t->path);
	}
	free(s->last_trace);
	mcp_live_release(s);
	json_decref(s->progress_token);
	memset(s, 0, sizeof(*s));
}

/* ----------------------------------------------------------------- output -- */

static void put(struct strbuf *out, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);

	if (text) {
		strbuf_addstr(out, text);
		strbuf_addch(out, '\n');
		free(text);
	}
	json_decref(msg);
}

static void respond(struct strbuf *out, json_t *id, json_t *result)
{
	put(out, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "result",
			   result));
}

/* A JSON string of bytes that may hold invalid UTF-8 (a truncated message). */
static json_t *jstr(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	utf8_sanitize(&sb, s, n);
	j = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return j ? j : json_string("");
}

static void respond_error(struct strbuf *out, json_t *id, int code, const char *msg, json_t *data)
{
	json_t *err = json_pack("{s:i, s:o}", "code", code, "message", jstr(msg, strlen(msg)));

	if (data)
		json_object_set_new(err, "data", data);
	put(out, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error",
			   err));
}

void mcp_line_too_long(struct strbuf *out, size_t max)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "Invalid Request: message longer than %zu bytes", max);
	respond_error(out, NULL, RPC_INVALID_REQUEST, msg, NULL);
}

void mcp_progress(struct mcp_server *s, double progress, double total, const char *message)
{
	json_t *n;
	char *text;

	if (!s->progress_token || !s->emit)
		return;
	n = json_pack("{s:s, s:s, s:{s:O, s:f, s:f, s:s}}", "jsonrpc", "2.0", "method",
		      "notifications/progress", "params", "progressToken", s->progress_token,
		      "progress", progress, "total", total, "message", message);
	text = json_dumps(n, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text) {
		s->emit(s->emit_ctx, text, strlen(text));
		free(text);
	}
	json_decref(n);
}

/* ---------------------------------------------------------------- methods -- */

static json_t *server_instructions(void)
{
	return json_string(
		"scxtop analyzes Linux scheduler traces (Perfetto: scxtop, systing, traced, wprof) "
		"and reports live scheduler statistics. Start with load_perfetto_trace (file_path), "
		"then get_trace_summary, run_all_analyzers or a specific analyze_* tool; "
		"find_scheduling_bottlenecks ranks problems. Durations are nanoseconds, timestamps "
		"are the trace's boot-clock nanoseconds, percentiles are nearest-rank. Live data: "
		"resources stats://..., topology://info, scheduler://current (needs root for BPF).");
}

static int m_initialize(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	const char *want = NULL, *chosen = versions[0];
	json_t *ci, *caps;

	if (!json_is_object(params) ||
	    json_unpack(params, "{s:s, s:o, s:o}", "protocolVersion", &want, "capabilities", &caps,
			"clientInfo", &ci) || !json_is_object(caps) || !json_is_object(ci)) {
		snprintf(err, len, "initialize needs protocolVersion (string), capabilities (object) "
				   "and clientInfo (object)");
		return RPC_INVALID_PARAMS;
	}
	if (!json_is_string(json_object_get(ci, "name"))) {
		snprintf(err, len, "clientInfo.name must be a string");
		return RPC_INVALID_PARAMS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++)
		if (!strcmp(want, versions[i]))
			chosen = versions[i];
	snprintf(s->protocol, sizeof(s->protocol), "%s", chosen);
	s->initialized = true;
	*result = json_pack("{s:s, s:{s:{s:b}, s:{s:b, s:b}, s:{s:b}, s:{}}, s:{s:s, s:s, s:s}, s:o}",
			    "protocolVersion", chosen, "capabilities", "tools", "listChanged", 0,
			    "resources", "subscribe", 0, "listChanged", 0, "prompts", "listChanged", 0,
			    "logging", "serverInfo", "name", "scxtop-mcp", "title", "scxtop", "version",
			    scx_version(), "instructions", server_instructions());
	return 0;
}

static json_t *tool_json(const struct mcp_tool *t)
{
	json_error_t jerr;
	json_t *schema = json_loads(t->schema, 0, &jerr);

	if (!schema) {
		pr_err("mcp: tool %s: bad built-in schema: %s", t->name, jerr.text);
		schema = json_pack("{s:s}", "type", "object");
	}
	return json_pack("{s:s, s:s, s:o}", "name", t->name, "description", t->description,
			 "inputSchema", schema);
}

static int m_tools_list(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	json_t *arr = json_array();

	(void)s;
	(void)params;
	(void)err;
	(void)len;
	for (size_t i = 0; i < mcp_nr_trace_tools; i++)
		json_array_append_new(arr, tool_json(&mcp_trace_tools[i]));
	for (size_t i = 0; i < mcp_nr_live_tools; i++)
		json_array_append_new(arr, tool_json(&mcp_live_tools[i]));
	*result = json_pack("{s:o}", "tools", arr);
	return 0;
}

static const struct mcp_tool *tool_find(const char *name)
{
	for (size_t i = 0; i < mcp_nr_trace_tools; i++)
		if (!strcmp(mcp_trace_tools[i].name, name))
			return &mcp_trace_tools[i];
	for (size_t i = 0; i < mcp_nr_live_tools; i++)
		if (!strcmp(mcp_live_tools[i].name, name))
			return &mcp_live_tools[i];
	return NULL;
}

static json_t *text_result(const char *text, size_t n, bool is_error)
{
	return json_pack("{s:[{s:s, s:o}], s:b}", "content", "type", "text", "text", jstr(text, n),
			 "isError", is_error);
}

static int m_tools_call(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	const struct mcp_tool *t;
	json_t *args, *schema;
	const char *name;
	struct strbuf text = STRBUF_INIT;
	char terr[512] = "";
	json_error_t jerr;
	int rc;

	if (!json_is_object(params) || !json_is_string(json_object_get(params, "name"))) {
		snprintf(err, len, "tools/call needs params.name (string)");
		return RPC_INVALID_PARAMS;
	}
	name = json_string_value(json_object_get(params, "name"));
	t = tool_find(name);
	if (!t) {
		snprintf(err, len, "Unknown tool: %.200s", name);
		return RPC_INVALID_PARAMS;
	}
	args = json_object_get(params, "arguments");
	if (args && !json_is_object(args) && !json_is_null(args)) {
		snprintf(err, len, "tools/call params.arguments must be an object");
		return RPC_INVALID_PARAMS;
	}
	args = json_is_object(args) ? json_incref(args) : json_object();
	schema = json_loads(t->schema, 0, &jerr);
	if (schema && jsonschema_validate(schema, args, terr, sizeof(terr))) {
		char msg[700];

		snprintf(msg, sizeof(msg), "Invalid arguments for %s: %s", t->name, terr);
		*result = text_result(msg, strlen(msg), true);
		json_decref(schema);
		json_decref(args);
		return 0;
	}
	json_decref(schema);
	rc = t->call(s, args, &text, terr, sizeof(terr));
	json_decref(args);
	if (rc) {
		if (!terr[0])
			snprintf(terr, sizeof(terr), "%s", err_str(rc));
		*result = text_result(terr, strlen(terr), true);
	} else {
		*result = text_result(text.buf, text.len, false);
	}
	strbuf_release(&text);
	return 0;
}

/* Trace resources: trace://<id>/summary for each loaded trace. */
static int m_resources_list(struct mcp_server *s, json_t *params, json_t **result, char *err,
			    size_t len)
{
	json_t *arr = json_array();

	(void)params;
	(void)err;
	(void)len;
	for (size_t i = 0; i < mcp_nr_live_resources; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "uri",
						     mcp_live_resources[i].uri, "name",
						     mcp_live_resources[i].name, "description",
						     mcp_live_resources[i].description, "mimeType",
						     "application/json"));
	for (size_t i = 0; i < s->nr_traces; i++) {
		char uri[512], desc[700];

		snprintf(uri, sizeof(uri), "trace://%s/summary", s->traces[i].id);
		snprintf(desc, sizeof(desc), "summary of the loaded trace %s", s->traces[i].path);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "uri", uri, "name",
						     s->traces[i].id, "description", desc, "mimeType",
						     "application/json"));
	}
	*result = json_pack("{s:o}", "resources", arr);
	return 0;
}

static int m_templates_list(struct mcp_server *s, json_t *params, json_t **result, char *err,
			    size_t len)
{
	(void)s;
	(void)params;
	(void)err;
	(void)len;
	*result = json_pack("{s:[{s:s, s:s, s:s, s:s}]}", "resourceTemplates", "uriTemplate",
			    "trace://{trace_id}/summary", "name", "trace summary", "description",
			    "summary of a trace loaded with load_perfetto_trace", "mimeType",
			    "application/json");
	return 0;
}

int mcp_trace_summary_text(struct mcp_server *s, const char *id, struct strbuf *text, char *err,
			   size_t len);

static int m_resources_read(struct mcp_server *s, json_t *params, json_t **result, char *err,
			    size_t len)
{
	const char *uri;
	struct strbuf text = STRBUF_INIT;
	int rc = 1;

	if (!json_is_object(params) || !json_is_string(json_object_get(params, "uri"))) {
		snprintf(err, len, "resources/read needs params.uri (string)");
		return RPC_INVALID_PARAMS;
	}
	uri = json_string_value(json_object_get(params, "uri"));
	for (size_t i = 0; i < mcp_nr_live_resources; i++)
		if (!strcmp(mcp_live_resources[i].uri, uri))
			rc = mcp_live_resources[i].read(s, uri, &text, err, len);
	if (rc == 1 && !strncmp(uri, "trace://", 8)) {
		const char *slash = strchr(uri + 8, '/');

		if (slash && !strcmp(slash, "/summary")) {
			char id[256];

			snprintf(id, sizeof(id), "%.*s", (int)MIN(slash - (uri + 8), 255), uri + 8);
			rc = mcp_trace_summary_text(s, id, &text, err, len);
			if (rc == -ENOENT)
				rc = 1;
		}
	}
	if (rc == 1) {
		snprintf(err, len, "Resource not found: %.300s", uri);
		strbuf_release(&text);
		return MCP_RESOURCE_NOT_FOUND;
	}
	if (rc) {
		strbuf_release(&text);
		return RPC_INTERNAL_ERROR;
	}
	*result = json_pack("{s:[{s:s, s:s, s:o}]}", "contents", "uri", uri, "mimeType",
			    "application/json", "text", jstr(text.buf, text.len));
	strbuf_release(&text);
	return 0;
}

static int m_prompts_list(struct mcp_server *s, json_t *params, json_t **result, char *err,
			  size_t len)
{
	(void)s;
	(void)params;
	(void)err;
	(void)len;
	*result = json_pack("{s:o}", "prompts", mcp_prompts_list());
	return 0;
}

static int m_prompts_get(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	json_t *args;
	const char *name;

	(void)s;
	if (!json_is_object(params) || !json_is_string(json_object_get(params, "name"))) {
		snprintf(err, len, "prompts/get needs params.name (string)");
		return RPC_INVALID_PARAMS;
	}
	name = json_string_value(json_object_get(params, "name"));
	args = json_object_get(params, "arguments");
	if (args && !json_is_object(args) && !json_is_null(args)) {
		snprintf(err, len, "prompts/get params.arguments must be an object");
		return RPC_INVALID_PARAMS;
	}
	*result = mcp_prompt_get(name, json_is_object(args) ? args : NULL, err, len);
	if (!*result) {
		if (!err[0])
			snprintf(err, len, "Unknown prompt: %.200s", name);
		return RPC_INVALID_PARAMS;
	}
	return 0;
}

static int m_ping(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	(void)s;
	(void)params;
	(void)err;
	(void)len;
	*result = json_object();
	return 0;
}

static int m_set_level(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len)
{
	static const char *const levels[] = {"emergency", "alert", "critical", "error", "warning",
					     "notice",	  "info",  "debug"};
	const char *lv;

	(void)s;
	if (!json_is_object(params) || !json_is_string(json_object_get(params, "level"))) {
		snprintf(err, len, "logging/setLevel needs params.level (string)");
		return RPC_INVALID_PARAMS;
	}
	lv = json_string_value(json_object_get(params, "level"));
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
		if (!strcmp(lv, levels[i])) {
			/* our diagnostics go to stderr; the level maps onto it */
			log_set_level(i <= 3 ? LOG_ERROR : i == 4 ? LOG_WARN : i <= 6 ? LOG_INFO : LOG_DEBUG);
			*result = json_object();
			return 0;
		}
	}
	snprintf(err, len, "unknown logging level '%.50s'", lv);
	return RPC_INVALID_PARAMS;
}

struct method {
	const char *name;
	int (*fn)(struct mcp_server *s, json_t *params, json_t **result, char *err, size_t len);
};

static const struct method methods[] = {
	{"initialize", m_initialize},
	{"ping", m_ping},
	{"tools/list", m_tools_list},
	{"tools/call", m_tools_call},
	{"resources/list", m_resources_list},
	{"resources/templates/list", m_templates_list},
	{"resources/read", m_resources_read},
	{"prompts/list", m_prompts_list},
	{"prompts/get", m_prompts_get},
	{"logging/setLevel", m_set_level},
};

static bool id_valid(json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_real(id) || json_is_null(id);
}

/* One request or notification (an element of a batch, or the whole message). */
static void handle_one(struct mcp_server *s, json_t *msg, struct strbuf *out)
{
	json_t *id = json_object_get(msg, "id"), *params, *result = NULL, *jv, *mt;
	bool notification = !json_is_object(msg) || !json_object_get(msg, "id");
	const char *method;
	char err[600] = "";
	int rc;

	if (!json_is_object(msg)) {
		respond_error(out, NULL, RPC_INVALID_REQUEST, "Invalid Request: not a JSON object", NULL);
		return;
	}
	jv = json_object_get(msg, "jsonrpc");
	mt = json_object_get(msg, "method");
	if (!notification && !id_valid(id)) {
		respond_error(out, NULL, RPC_INVALID_REQUEST,
			      "Invalid Request: id must be a string or a number", NULL);
		return;
	}
	if (!json_is_string(jv) || strcmp(json_string_value(jv), "2.0")) {
		if (!notification || json_object_get(msg, "method"))
			respond_error(out, id, RPC_INVALID_REQUEST,
				      "Invalid Request: jsonrpc must be \"2.0\"", NULL);
		return;
	}
	if (!mt) {
		/* a response from the client (we send no requests): nothing to answer */
		if (json_object_get(msg, "result") || json_object_get(msg, "error"))
			return;
		respond_error(out, id, RPC_INVALID_REQUEST, "Invalid Request: no method", NULL);
		return;
	}
	if (!json_is_string(mt)) {
		if (!notification)
			respond_error(out, id, RPC_INVALID_REQUEST,
				      "Invalid Request: method must be a string", NULL);
		return;
	}
	method = json_string_value(mt);
	params = json_object_get(msg, "params");
	if (params && !json_is_object(params) && !json_is_array(params)) {
		if (!notification)
			respond_error(out, id, RPC_INVALID_PARAMS,
				      "Invalid params: params must be an object", NULL);
		return;
	}
	if (notification) {
		/* notifications/initialized, notifications/cancelled, ...: never answered */
		return;
	}
	s->requests++;
	if (!s->initialized && strcmp(method, "initialize") && strcmp(method, "ping")) {
		respond_error(out, id, RPC_INVALID_REQUEST,
			      "Invalid Request: the server is not initialized (send initialize first)",
			      NULL);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
		if (strcmp(methods[i].name, method))
			continue;
		json_decref(s->progress_token);
		s->progress_token = json_incref(
			json_object_get(json_object_get(params, "_meta"), "progressToken"));
		rc = methods[i].fn(s, params, &result, err, sizeof(err));
		json_decref(s->progress_token);
		s->progress_token = NULL;
		if (rc)
			respond_error(out, id, rc, err[0] ? err : "error", NULL);
		else
			respond(out, id, result);
		return;
	}
	respond_error(out, id, RPC_METHOD_NOT_FOUND, "Method not found",
		      json_pack("{s:s}", "method", method));
}

void mcp_handle_message(struct mcp_server *s, const char *line, size_t len, struct strbuf *out)
{
	json_error_t jerr;
	json_t *msg;
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == len)
		return; /* blank line */
	msg = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!msg && strstr(jerr.text, "too big"))
		msg = json_loadb(line, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!msg) {
		char m[300];

		snprintf(m, sizeof(m), "Parse error: %s (line 1, column %d)", jerr.text, jerr.column);
		respond_error(out, NULL, RPC_PARSE_ERROR, m, NULL);
		return;
	}
	if (json_is_real(json_object_get(msg, "id"))) {
		/* an integer id beyond 64 bits, or a fractional one: cannot be echoed faithfully */
		respond_error(out, NULL, RPC_INVALID_REQUEST,
			      "Invalid Request: id must be a string or an integer that fits in 64 bits",
			      NULL);
		json_decref(msg);
		return;
	}
	if (json_is_array(msg)) {
		struct strbuf parts = STRBUF_INIT;
		size_t n = json_array_size(msg), answered = 0;

		if (!n) {
			respond_error(out, NULL, RPC_INVALID_REQUEST, "Invalid Request: empty batch", NULL);
		} else {
			strbuf_addch(&parts, '[');
			for (size_t k = 0; k < n; k++) {
				struct strbuf one = STRBUF_INIT;

				handle_one(s, json_array_get(msg, k), &one);
				if (one.len) {
					strbuf_rtrim(&one);
					if (answered++)
						strbuf_addch(&parts, ',');
					strbuf_add(&parts, one.buf, one.len);
				}
				strbuf_release(&one);
			}
			strbuf_addstr(&parts, "]\n");
			if (answered)
				strbuf_add(out, parts.buf, parts.len);
		}
		strbuf_release(&parts);
	} else {
		handle_one(s, msg, out);
	}
	json_decref(msg);
}
