// SPDX-License-Identifier: GPL-2.0
#include "extract/cell_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_writer.h"
#include "common/util.h"

struct cell_spec *cell_config_add_spec(struct cell_config *c, const char *name,
				       enum cell_match match, const char *arg)
{
	struct cell_spec *spec;

	c->specs = xrealloc(c->specs, (c->nr_specs + 1) * sizeof(*c->specs));
	spec = &c->specs[c->nr_specs++];
	memset(spec, 0, sizeof(*spec));
	spec->name = xstrdup(name);
	spec->match = match;
	spec->arg = arg ? xstrdup(arg) : NULL;
	return spec;
}

struct subcell *cell_spec_add_subcell(struct cell_spec *spec, const char *name)
{
	struct subcell *sc;

	spec->subcells = xrealloc(spec->subcells, (spec->nr_subcells + 1) * sizeof(*sc));
	sc = &spec->subcells[spec->nr_subcells++];
	memset(sc, 0, sizeof(*sc));
	sc->name = xstrdup(name);
	return sc;
}

static void strv_add(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrndup(s, len);
}

void subcell_add_prefix(struct subcell *sc, const char *prefix, size_t len)
{
	strv_add(&sc->prefixes, &sc->nr_prefixes, prefix, len);
}

void subcell_add_comm(struct subcell *sc, const char *comm, size_t len)
{
	strv_add(&sc->comms, &sc->nr_comms, comm, len);
}

void cell_spec_add_rest(struct cell_spec *spec)
{
	cell_spec_add_subcell(spec, "rest")->catch_all = true;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void subcell_release(struct subcell *sc)
{
	free(sc->name);
	strv_free(sc->prefixes, sc->nr_prefixes);
	strv_free(sc->comms, sc->nr_comms);
	memset(sc, 0, sizeof(*sc));
}

void cell_config_release(struct cell_config *c)
{
	for (size_t i = 0; i < c->nr_specs; i++) {
		struct cell_spec *spec = &c->specs[i];

		for (size_t j = 0; j < spec->nr_subcells; j++)
			subcell_release(&spec->subcells[j]);
		free(spec->subcells);
		free(spec->name);
		free(spec->arg);
	}
	free(c->specs);
	memset(c, 0, sizeof(*c));
}

bool subcell_matches(const struct subcell *sc, const char *comm, size_t len, uint64_t hint)
{
	if (sc->catch_all)
		return true;
	if (sc->has_hint && hint != sc->hint)
		return false;
	len = MIN(len, (size_t)CELL_MAX_PREFIX);
	for (size_t i = 0; i < sc->nr_prefixes; i++) {
		size_t n = MIN(strlen(sc->prefixes[i]), (size_t)CELL_MAX_PREFIX);

		if (n <= len && !memcmp(comm, sc->prefixes[i], n))
			return true;
	}
	return false;
}

int cell_spec_assign(const struct cell_spec *spec, const char *comm, size_t len, uint64_t hint)
{
	int rest = -1;

	for (size_t i = 0; i < spec->nr_subcells; i++) {
		const struct subcell *sc = &spec->subcells[i];

		if (sc->catch_all) {
			if (rest < 0)
				rest = (int)i;
			continue;
		}
		if (subcell_matches(sc, comm, len, hint))
			return (int)i;
	}
	return rest;
}

/* Would x, listed before y, take threads y was built for? */
static bool steals(const struct subcell *x, const struct subcell *y)
{
	if (x->has_hint && y->has_hint && x->hint != y->hint)
		return false;
	for (size_t i = 0; i < y->nr_comms; i++) {
		struct subcell tmp = *x;

		/* A hinted x catches y's threads that carry x's hint. */
		tmp.has_hint = false;
		if (subcell_matches(&tmp, y->comms[i], strlen(y->comms[i]), 0))
			return true;
	}
	return false;
}

size_t cell_spec_order_subcells(struct cell_spec *spec)
{
	size_t n = spec->nr_subcells, nr = 0, moved = 0;
	struct subcell *out = xcalloc(n ? n : 1, sizeof(*out));
	bool *done = xcalloc(n ? n : 1, sizeof(*done));

	for (size_t k = 0; k < n; k++) {
		size_t pick = SIZE_MAX;

		for (size_t i = 0; i < n && pick == SIZE_MAX; i++) {
			bool blocked = false;

			if (done[i] || spec->subcells[i].catch_all)
				continue;
			for (size_t j = 0; j < n && !blocked; j++)
				blocked = j != i && !done[j] && !spec->subcells[j].catch_all &&
					  steals(&spec->subcells[i], &spec->subcells[j]) &&
					  !steals(&spec->subcells[j], &spec->subcells[i]);
			if (!blocked)
				pick = i;
		}
		if (pick == SIZE_MAX) {
			/* Only catch-alls (or a cycle of mutual prefixes) remain: keep order. */
			for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
				if (!done[i] && !spec->subcells[i].catch_all)
					pick = i;
		}
		if (pick == SIZE_MAX)
			break;
		if (pick != nr)
			moved++;
		done[pick] = true;
		out[nr++] = spec->subcells[pick];
	}
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			out[nr++] = spec->subcells[i];
	if (n)
		memcpy(spec->subcells, out, n * sizeof(*out));
	free(out);
	free(done);
	return moved;
}

int cell_config_check(const struct cell_config *c, struct strbuf *why)
{
	size_t catch_all_specs = 0;

	for (size_t i = 0; i < c->nr_specs; i++) {
		const struct cell_spec *spec = &c->specs[i];
		size_t catch_all = 0;

		catch_all_specs += spec->match == CELL_MATCH_ALL;
		for (size_t j = 0; j < spec->nr_subcells; j++) {
			const struct subcell *sc = &spec->subcells[j];

			catch_all += sc->catch_all;
			if (sc->catch_all)
				continue;
			if (sc->nr_prefixes > CELL_MAX_ORS) {
				strbuf_addf(why, "cell '%s' subcell '%s' has %zu OR groups (max %d)",
					    spec->name, sc->name, sc->nr_prefixes, CELL_MAX_ORS);
				return -EINVAL;
			}
			if (!sc->nr_prefixes) {
				strbuf_addf(why, "cell '%s' subcell '%s' matches nothing", spec->name,
					    sc->name);
				return -EINVAL;
			}
			for (size_t k = 0; k < sc->nr_prefixes; k++) {
				if (strlen(sc->prefixes[k]) > CELL_MAX_PREFIX) {
					strbuf_addf(why,
						    "cell '%s' subcell '%s': CommPrefix '%s' is longer "
						    "than %d bytes",
						    spec->name, sc->name, sc->prefixes[k], CELL_MAX_PREFIX);
					return -EINVAL;
				}
			}
		}
		if (catch_all > 1) {
			strbuf_addf(why, "cell '%s' has %zu catch-all subcells", spec->name, catch_all);
			return -EINVAL;
		}
		if (spec->nr_subcells + (catch_all ? 0 : !!spec->nr_subcells) > CELL_MAX_SUBCELLS) {
			strbuf_addf(why, "cell '%s' has %zu subcells (max %d including rest)",
				    spec->name, spec->nr_subcells, CELL_MAX_SUBCELLS);
			return -EINVAL;
		}
	}
	if (catch_all_specs > 1) {
		strbuf_addf(why, "%zu catch-all cell specs (max 1)", catch_all_specs);
		return -EINVAL;
	}
	return 0;
}

static void write_subcell(struct json_writer *w, const struct subcell *sc)
{
	jw_obj_begin(w);
	jw_kv_str(w, "name", sc->name);
	jw_key(w, "matches");
	jw_arr_begin(w);
	if (sc->catch_all) {
		jw_arr_begin(w);
		jw_arr_end(w);
	}
	for (size_t i = 0; i < sc->nr_prefixes; i++) {
		jw_arr_begin(w);
		jw_obj_begin(w);
		jw_kv_str(w, "CommPrefix", sc->prefixes[i]);
		jw_obj_end(w);
		if (sc->has_hint) {
			jw_obj_begin(w);
			jw_kv_u64(w, "Hint", sc->hint);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void cell_config_write(const struct cell_config *c, struct strbuf *out)
{
	static const char *const match_keys[] = {
		[CELL_MATCH_CGROUP_REGEX] = "CgroupRegex",
		[CELL_MATCH_CGROUP_CONTAINS] = "CgroupContains",
	};
	struct json_writer w;

	jw_init(&w, out, JSON_PRETTY);
	jw_arr_begin(&w);
	for (size_t i = 0; i < c->nr_specs; i++) {
		const struct cell_spec *spec = &c->specs[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", spec->name);
		jw_key(&w, "matches");
		jw_obj_begin(&w);
		if (spec->match != CELL_MATCH_ALL)
			jw_kv_str(&w, match_keys[spec->match], spec->arg);
		jw_obj_end(&w);
		if (spec->nr_subcells) {
			jw_key(&w, "subcells");
			jw_arr_begin(&w);
			for (size_t j = 0; j < spec->nr_subcells; j++)
				write_subcell(&w, &spec->subcells[j]);
			jw_arr_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	strbuf_addch(out, '\n');
}

size_t utf8_truncate(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	/* Back off continuation bytes, then drop the lead byte of the cut character. */
	while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}
