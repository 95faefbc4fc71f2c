// SPDX-License-Identifier: GPL-2.0
/*
 * The subset of JSON Schema (draft 2020-12) our tool input schemas use:
 * type (string or list), properties, required, additionalProperties (false),
 * enum, minimum, maximum, minLength, maxLength, items, minItems, maxItems.
 * Errors name the JSON path, e.g. "limit: must be <= 1000".
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "top/mcp/jsonschema.h"

static bool type_ok(const char *t, json_t *v)
{
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v) ||
		       (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v) &&
			fabs(json_real_value(v)) < 9.007199254740992e15);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	return false;
}

static double num(json_t *v)
{
	return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

static int fail(char *err, size_t len, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t len, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, len, "%s: %s", path[0] ? path : "arguments", msg);
	return -1;
}

static int validate(json_t *schema, json_t *v, const char *path, char *err, size_t len)
{
	json_t *t = json_object_get(schema, "type"), *x;
	char sub[512];

	if (json_is_string(t) && !type_ok(json_string_value(t), v)) {
		return fail(err, len, path, "must be of type %s", json_string_value(t));
	} else if (json_is_array(t)) {
		size_t i;
		json_t *e;
		bool any = false;

		json_array_foreach(t, i, e)
			any |= json_is_string(e) && type_ok(json_string_value(e), v);
		if (!any)
			return fail(err, len, path, "has the wrong type%s", "");
	}
	if ((x = json_object_get(schema, "enum"))) {
		size_t i;
		json_t *e;
		bool any = false;
		char list[200] = "";

		json_array_foreach(x, i, e) {
			any |= json_equal(e, v);
			if (json_is_string(e) && strlen(list) + strlen(json_string_value(e)) + 4 < sizeof(list))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 i ? ", " : "", json_string_value(e));
		}
		if (!any)
			return fail(err, len, path, "must be one of: %s", list);
	}
	if (json_is_number(v)) {
		if ((x = json_object_get(schema, "minimum")) && num(v) < num(x)) {
			char b[64];

			snprintf(b, sizeof(b), "%.17g", num(x));
			return fail(err, len, path, "must be >= %s", b);
		}
		if ((x = json_object_get(schema, "maximum")) && num(v) > num(x)) {
			char b[64];

			snprintf(b, sizeof(b), "%.17g", num(x));
			return fail(err, len, path, "must be <= %s", b);
		}
	}
	if (json_is_string(v)) {
		size_t n = json_string_length(v);

		if ((x = json_object_get(schema, "minLength")) && (json_int_t)n < json_integer_value(x))
			return fail(err, len, path, "is too short%s", "");
		if ((x = json_object_get(schema, "maxLength")) && (json_int_t)n > json_integer_value(x))
			return fail(err, len, path, "is too long%s", "");
	}
	if (json_is_array(v)) {
		size_t i, n = json_array_size(v);
		json_t *e, *items = json_object_get(schema, "items");

		if ((x = json_object_get(schema, "minItems")) && (json_int_t)n < json_integer_value(x))
			return fail(err, len, path, "has too few items%s", "");
		if ((x = json_object_get(schema, "maxItems")) && (json_int_t)n > json_integer_value(x))
			return fail(err, len, path, "has too many items%s", "");
		if (items)
			json_array_foreach(v, i, e) {
				snprintf(sub, sizeof(sub), "%s[%zu]", path[0] ? path : "arguments", i);
				if (validate(items, e, sub, err, len))
					return -1;
			}
	}
	if (json_is_object(v)) {
		json_t *props = json_object_get(schema, "properties"), *req = json_object_get(schema, "required");
		json_t *addl = json_object_get(schema, "additionalProperties"), *e;
		const char *k;
		size_t i;

		json_array_foreach(req, i, e) {
			if (json_is_string(e) && !json_object_get(v, json_string_value(e))) {
				snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "",
					 json_string_value(e));
				return fail(err, len, sub, "is required%s", "");
			}
		}
		json_object_foreach(v, k, e) {
			json_t *ps = json_object_get(props, k);

			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", k);
			if (!ps) {
				if (json_is_false(addl))
					return fail(err, len, sub, "is not a known argument%s", "");
				continue;
			}
			if (validate(ps, e, sub, err, len))
				return -1;
		}
	}
	return 0;
}

int jsonschema_validate(json_t *schema, json_t *value, char *err, size_t len)
{
	if (err && len)
		err[0] = '\0';
	return validate(schema, value, "", err, len);
}
