/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys and actions of the TUI. Every action has a stable name that round-trips
 * through the config file ([keymap] "key" = "Action"); names follow upstream
 * scxtop where the action exists there (AppStateLlc, NextViewState, ...).
 * Upstream actions this build does not implement (AppStatePerfTop, ...) are
 * recognised and reported as unsupported rather than as typos.
 *
 * Key codes are Unicode code points for characters and TK_* above that for
 * special keys; the curses layer translates its KEY_* codes into these.
 */
#ifndef SCX_TOP_LIVE_KEYMAP_H
#define SCX_TOP_LIVE_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

enum {
	TK_UP = 0x110000,
	TK_DOWN,
	TK_LEFT,
	TK_RIGHT,
	TK_PAGEUP,
	TK_PAGEDOWN,
	TK_HOME,
	TK_END,
	TK_ENTER,
	TK_ESC,
	TK_BACKSPACE,
	TK_TAB,
	TK_BACKTAB,
	TK_DELETE,
	TK_INSERT,
	TK_F0,		/* TK_F0 + n is F(n), n = 1..24 */
	TK_MAX = TK_F0 + 25,
};

/* X-macro: action, config name, help text. Append only (names are persisted). */
#define TUI_ACTIONS(X)                                                                             \
	X(VIEW_CPU, "AppStateDefault", "CPU view (the default view)")                              \
	X(VIEW_LLC, "AppStateLlc", "LLC view")                                                     \
	X(VIEW_NODE, "AppStateNode", "NUMA node view")                                             \
	X(VIEW_PROCESS, "AppStateProcess", "process table (Enter: its threads)")                   \
	X(VIEW_SCHED, "AppStateScheduler", "scheduler view (sched_ext DSQs)")                      \
	X(VIEW_EVENTS, "AppStateEvents", "event stream and BPF program status")                    \
	X(VIEW_HELP, "AppStateHelp", "this help")                                                  \
	X(PAUSE, "AppStatePause", "pause / resume updates")                                        \
	X(FILTER, "Filter", "filter processes, threads or DSQs (Enter keeps, Esc clears)")         \
	X(TOGGLE_FREQ, "ToggleCpuFreq", "show CPU frequencies")                                    \
	X(TOGGLE_LOCALIZE, "ToggleLocalization", "full numbers with thousands separators")         \
	X(SAVE_CONFIG, "SaveConfig", "save settings and keymap to the config file")                \
	X(TRACE, "RequestTrace", "record a Perfetto trace")                                        \
	X(METRIC_RESET, "ClearEvent", "chart the default metric (CPU utilisation)")                \
	X(METRIC_PREV, "PrevEvent", "chart the previous metric")                                   \
	X(METRIC_NEXT, "NextEvent", "chart the next metric")                                       \
	X(THEME, "ChangeTheme", "next colour theme")                                               \
	X(TICK_FASTER, "DecTickRate", "update faster (shorter tick)")                              \
	X(TICK_SLOWER, "IncTickRate", "update slower (longer tick)")                               \
	X(CHART_MODE, "NextViewState", "bar chart / sparkline history / line gauge")               \
	X(SORT_NEXT, "SortNext", "sort tables by the next column")                                 \
	X(SORT_PREV, "SortPrev", "sort tables by the previous column")                             \
	X(SORT_REVERSE, "SortReverse", "reverse the sort order")                                   \
	X(QUIT, "Quit", "quit (in help or the thread table: go back)")                             \
	X(UP, "Up", "select / scroll up")                                                          \
	X(DOWN, "Down", "select / scroll down")                                                    \
	X(PAGE_UP, "PageUp", "page up")                                                            \
	X(PAGE_DOWN, "PageDown", "page down")                                                      \
	X(HOME, "Home", "first row")                                                               \
	X(END, "End", "last row")                                                                  \
	X(ENTER, "Enter", "open the selected process's threads; keep the filter")                  \
	X(ESC, "Esc", "clear the filter, go back, or quit")                                        \
	X(BACKSPACE, "Backspace", "edit the filter")

enum tui_action {
	ACT_NONE = 0,
#define TUI_X_ENUM(id, name, help) ACT_##id,
	TUI_ACTIONS(TUI_X_ENUM)
#undef TUI_X_ENUM
	ACT_MAX,
};

struct key_binding {
	uint32_t key;
	enum tui_action action;
};

struct keymap {
	struct key_binding *b;
	size_t n, alloc;
};

/* The defaults: upstream scxtop's current keymap for the actions we have. */
void keymap_init_default(struct keymap *km);
void keymap_release(struct keymap *km);
void keymap_copy(struct keymap *dst, const struct keymap *src);
/* Bind key (replacing its previous action). */
void keymap_bind(struct keymap *km, uint32_t key, enum tui_action action);
enum tui_action keymap_lookup(const struct keymap *km, uint32_t key);
/* Keys bound to action, in binding order; returns how many (up to max). */
size_t keymap_keys(const struct keymap *km, enum tui_action action, uint32_t *keys, size_t max);

/*
 * Key names: one character is itself ("a", "?", " ", any UTF-8 character);
 * otherwise Up, Down, Left, Right, PageUp, PageDown, Home, End, Enter, Esc,
 * Backspace, Tab, BackTab, Delete, Insert, Space, F1..F24 or F(n), case-
 * insensitive, with spaces ignored ("page up" = PageUp, "escape" = Esc).
 * Returns 0 or -EINVAL.
 */
int keymap_key_parse(const char *s, uint32_t *key);
/* The canonical name ("a", "Space", "PageUp", "F5") into buf; returns buf. */
const char *keymap_key_name(uint32_t key, char *buf, size_t n);

/*
 * Action names: ours, plus upstream's SetState(Xxx) form and AppStatePerfEvent
 * (its `e` key, which here opens the events view). 0, -ENOTSUP for an upstream
 * action this build lacks, -EINVAL for an unknown name.
 */
int action_parse(const char *s, enum tui_action *action);
const char *action_name(enum tui_action action);
const char *action_help(enum tui_action action);

#endif
