// SPDX-License-Identifier: GPL-2.0
#include "top/live/keymap.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "top/live/utf8.h"

static const char *const names[ACT_MAX] = {
	[ACT_NONE] = "None",
#define TUI_X_NAME(id, name, help) [ACT_##id] = name,
	TUI_ACTIONS(TUI_X_NAME)
#undef TUI_X_NAME
};

static const char *const helps[ACT_MAX] = {
	[ACT_NONE] = "",
#define TUI_X_HELP(id, name, help) [ACT_##id] = help,
	TUI_ACTIONS(TUI_X_HELP)
#undef TUI_X_HELP
};

/* Upstream scxtop actions this build has no view or feature for. */
static const char *const unsupported[] = {
	"AppStateKprobeEvent", "AppStatePerfTop", "AppStateBpfPrograms", "AppStateBpfProgramDetail",
	"AppStateMemory", "AppStateNetwork", "AppStateBandwidth", "AppStateMangoApp",
	"AppStatePower", "AppStateTracing", "ToggleUncoreFreq", "ToggleHwPressure",
	"DecBpfSampleRate", "IncBpfSampleRate",
};

static const struct {
	const char *key;
	enum tui_action action;
} defaults[] = {
	{"d", ACT_VIEW_CPU},	{"l", ACT_VIEW_LLC},	  {"n", ACT_VIEW_NODE},
	{"p", ACT_VIEW_PROCESS}, {"s", ACT_VIEW_SCHED},   {"e", ACT_VIEW_EVENTS},
	{"h", ACT_VIEW_HELP},	{"?", ACT_VIEW_HELP},	  {" ", ACT_PAUSE},
	{"f", ACT_FILTER},	{"F", ACT_TOGGLE_FREQ},  {"L", ACT_TOGGLE_LOCALIZE},
	{"S", ACT_SAVE_CONFIG}, {"a", ACT_TRACE},	  {"x", ACT_METRIC_RESET},
	{"j", ACT_METRIC_PREV}, {"k", ACT_METRIC_NEXT},  {"t", ACT_THEME},
	{"-", ACT_TICK_FASTER}, {"+", ACT_TICK_SLOWER},  {"v", ACT_CHART_MODE},
	{">", ACT_SORT_NEXT},	{"<", ACT_SORT_PREV},	  {"I", ACT_SORT_REVERSE},
	{"q", ACT_QUIT},	{"Q", ACT_QUIT},	  {"Up", ACT_UP},
	{"Down", ACT_DOWN},	{"PageUp", ACT_PAGE_UP}, {"PageDown", ACT_PAGE_DOWN},
	{"Home", ACT_HOME},	{"End", ACT_END},	  {"Enter", ACT_ENTER},
	{"Esc", ACT_ESC},	{"Backspace", ACT_BACKSPACE},
};

void keymap_init_default(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		uint32_t key;

		if (keymap_key_parse(defaults[i].key, &key))
			abort();	/* the table above is wrong */
		keymap_bind(km, key, defaults[i].action);
	}
}

void keymap_release(struct keymap *km)
{
	free(km->b);
	memset(km, 0, sizeof(*km));
}

void keymap_copy(struct keymap *dst, const struct keymap *src)
{
	keymap_release(dst);
	dst->b = xcalloc(MAX(src->n, (size_t)1), sizeof(*dst->b));
	if (src->n)
		memcpy(dst->b, src->b, src->n * sizeof(*dst->b));
	dst->n = dst->alloc = src->n;
}

void keymap_bind(struct keymap *km, uint32_t key, enum tui_action action)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key) {
			km->b[i].action = action;
			return;
		}
	xgrow((void **)&km->b, &km->alloc, km->n + 1, sizeof(*km->b));
	km->b[km->n++] = (struct key_binding){key, action};
}

enum tui_action keymap_lookup(const struct keymap *km, uint32_t key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].action;
	return ACT_NONE;
}

size_t keymap_keys(const struct keymap *km, enum tui_action action, uint32_t *keys, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < km->n && k < max; i++)
		if (km->b[i].action == action)
			keys[k++] = km->b[i].key;
	return k;
}

static const struct {
	const char *name;	/* canonical */
	uint32_t key;
} special[] = {
	{"Up", TK_UP},		 {"Down", TK_DOWN},	  {"Left", TK_LEFT},
	{"Right", TK_RIGHT},	 {"PageUp", TK_PAGEUP},  {"PageDown", TK_PAGEDOWN},
	{"Home", TK_HOME},	 {"End", TK_END},	  {"Enter", TK_ENTER},
	{"Esc", TK_ESC},	 {"Backspace", TK_BACKSPACE}, {"Tab", TK_TAB},
	{"BackTab", TK_BACKTAB}, {"Delete", TK_DELETE}, {"Insert", TK_INSERT},
	{"Space", ' '},		 {"Escape", TK_ESC},	  {"Return", TK_ENTER},
	{"Del", TK_DELETE},	 {"PgUp", TK_PAGEUP},	  {"PgDn", TK_PAGEDOWN},
};

int keymap_key_parse(const char *s, uint32_t *key)
{
	char norm[32];
	size_t k = 0, n;
	uint32_t cp;

	if (!s || !*s)
		return -EINVAL;
	n = utf8_decode(s, &cp);
	if (cp != UTF8_INVALID && !s[n]) {
		if (cp < 0x20 || cp == 0x7f)
			return -EINVAL;
		*key = cp;
		return 0;
	}
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '_' || *p == '-')
			continue;
		if (k + 1 >= sizeof(norm))
			return -EINVAL;
		norm[k++] = *p;
	}
	norm[k] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(special); i++)
		if (!strcasecmp(norm, special[i].name)) {
			*key = special[i].key;
			return 0;
		}
	if ((norm[0] == 'F' || norm[0] == 'f') && norm[1]) {
		const char *d = norm + 1;
		char buf[8];
		uint64_t v;

		if (*d == '(') {	/* crossterm's F(5) */
			size_t len = strlen(d);

			if (len < 3 || d[len - 1] != ')' || len - 2 >= sizeof(buf))
				return -EINVAL;
			memcpy(buf, d + 1, len - 2);
			buf[len - 2] = '\0';
			d = buf;
		}
		if (!parse_u64(d, 1, 24, &v)) {
			*key = TK_F0 + (uint32_t)v;
			return 0;
		}
	}
	return -EINVAL;
}

const char *keymap_key_name(uint32_t key, char *buf, size_t n)
{
	if (key == ' ') {
		snprintf(buf, n, "Space");
		return buf;
	}
	if (key >= TK_F0 + 1 && key < TK_MAX) {
		snprintf(buf, n, "F%u", key - TK_F0);
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(special); i++)
		if (special[i].key == key) {
			snprintf(buf, n, "%s", special[i].name);
			return buf;
		}
	{
		char enc[4];
		size_t len = key <= 0x10ffff ? utf8_encode(key, enc) : 0;

		snprintf(buf, n, "%.*s", (int)len, enc);
	}
	return buf;
}

int action_parse(const char *s, enum tui_action *action)
{
	char buf[64];

	/* upstream's SetState(Xxx) is AppStateXxx */
	if (str_has_prefix(s, "SetState(") && str_has_suffix(s, ")")) {
		snprintf(buf, sizeof(buf), "AppState%.*s", (int)(strlen(s) - 10), s + 9);
		s = buf;
	}
	if (!strcmp(s, "AppStatePerfEvent")) {
		*action = ACT_VIEW_EVENTS;
		return 0;
	}
	for (int a = ACT_NONE + 1; a < ACT_MAX; a++)
		if (!strcmp(s, names[a])) {
			*action = (enum tui_action)a;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (!strcmp(s, unsupported[i]))
			return -ENOTSUP;
	return -EINVAL;
}

const char *action_name(enum tui_action action)
{
	return action < ACT_MAX ? names[action] : "None";
}

const char *action_help(enum tui_action action)
{
	return action < ACT_MAX ? helps[action] : "";
}
