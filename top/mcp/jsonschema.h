/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of tool arguments against their input JSON Schema (a subset, see .c). */
#ifndef SCX_TOP_MCP_JSONSCHEMA_H
#define SCX_TOP_MCP_JSONSCHEMA_H

#include <jansson.h>
#include <stddef.h>

/* 0 when value satisfies schema; -1 with a one-line reason in err otherwise. */
int jsonschema_validate(json_t *schema, json_t *value, char *err, size_t len);

#endif
