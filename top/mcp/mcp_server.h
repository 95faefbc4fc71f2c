/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxtop's MCP server: JSON-RPC 2.0 messages, one per line (stdio transport),
 * handled one at a time. mcp_handle_message() takes one line and appends the
 * response line (if any: notifications get none) to out; notifications the
 * server sends while working (progress) go through emit. Nothing else is ever
 * written to stdout; diagnostics go to stderr (log.h).
 *
 * Protocol versions 2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05 are
 * spoken; initialize answers with the client's version when it is one of them,
 * otherwise with the newest. Errors: -32700 parse error, -32600 invalid
 * request (also over-long lines and requests before initialize), -32601
 * unknown method, -32602 invalid params (unknown tool/prompt, malformed
 * tools/call), -32002 unknown resource, -32603 internal error. A tool that
 * fails, or whose arguments do not match its input schema, returns a result
 * with isError: true and a message saying why.
 */
#ifndef SCX_TOP_MCP_SERVER_H
#define SCX_TOP_MCP_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "top/analyze/trace_model.h"

#define MCP_MAX_TRACES 8
#define MCP_DEFAULT_MAX_MESSAGE (16u << 20)
#define MCP_MAX_TRACE_EVENTS 200000000ull

struct mcp_trace {
	char *id;
	char *path;
	struct trace_model *m;		/* shared by ids naming the same file */
	uint64_t dev, ino, size, mtime;
	uint64_t load_ns;
};

struct live;

struct mcp_server {
	bool initialized;		/* initialize answered */
	char protocol[16];
	struct mcp_trace traces[MCP_MAX_TRACES];
	size_t nr_traces;
	char *last_trace;		/* default trace_id */
	struct live *live;		/* live statistics (lazily opened), NULL until used */
	const char *sysfs_root;		/* /sys (tests point elsewhere) */
	const char *procfs_root;	/* /proc */
	uint64_t max_trace_events;
	bool sandbox;			/* fuzzing: no BPF, no file reads or writes */
	/* write one complete line (a notification) now */
	void (*emit)(void *ctx, const char *line, size_t len);
	void *emit_ctx;
	json_t *progress_token;		/* of the request being handled */
	uint64_t requests;
};

void mcp_server_init(struct mcp_server *s);
void mcp_server_release(struct mcp_server *s);

/* Handle one message (a line without its '\n'); append the response line to out. */
void mcp_handle_message(struct mcp_server *s, const char *line, size_t len, struct strbuf *out);
/* Append the response to a line longer than the limit. */
void mcp_line_too_long(struct strbuf *out, size_t max);

/* --- shared with the tool/resource/prompt files ------------------------------------- */
struct mcp_tool {
	const char *name;
	const char *description;
	const char *schema;	/* inputSchema, JSON text */
	/* 0 with a JSON document in text, or a negative errno with a message in err */
	int (*call)(struct mcp_server *s, json_t *args, struct strbuf *text, char *err, size_t len);
};

extern const struct mcp_tool mcp_trace_tools[];
extern const size_t mcp_nr_trace_tools;
extern const struct mcp_tool mcp_live_tools[];
extern const size_t mcp_nr_live_tools;

struct mcp_resource {
	const char *uri;
	const char *name;
	const char *description;
	/* 0 with JSON text, or a negative errno with a message in err */
	int (*read)(struct mcp_server *s, const char *uri, struct strbuf *text, char *err, size_t len);
};

extern const struct mcp_resource mcp_live_resources[];
extern const size_t mcp_nr_live_resources;

/* Prompts: list and render (NULL when the name is unknown; err for bad arguments). */
json_t *mcp_prompts_list(void);
json_t *mcp_prompt_get(const char *name, json_t *args, char *err, size_t len);

void mcp_live_release(struct mcp_server *s);
/* A loaded trace by id (NULL id: the last loaded); NULL when unknown. */
struct mcp_trace *mcp_trace_find(struct mcp_server *s, const char *id);
/* Send notifications/progress for the current request (if it asked for progress). */
void mcp_progress(struct mcp_server *s, double progress, double total, const char *message);

#endif
