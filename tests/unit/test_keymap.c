// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "top/live/keymap.h"

static uint32_t key(const char *s)
{
	uint32_t k = 0;

	assert_int_equal(keymap_key_parse(s, &k), 0);
	return k;
}

static void keymap__defaults__upstream_keys(void **state)
{
	struct keymap km;

	keymap_init_default(&km);
	assert_int_equal(keymap_lookup(&km, 'd'), ACT_VIEW_CPU);
	assert_int_equal(keymap_lookup(&km, 'l'), ACT_VIEW_LLC);
	assert_int_equal(keymap_lookup(&km, 'n'), ACT_VIEW_NODE);
	assert_int_equal(keymap_lookup(&km, 'p'), ACT_VIEW_PROCESS);
	assert_int_equal(keymap_lookup(&km, 's'), ACT_VIEW_SCHED);
	assert_int_equal(keymap_lookup(&km, 'e'), ACT_VIEW_EVENTS);
	assert_int_equal(keymap_lookup(&km, 'h'), ACT_VIEW_HELP);
	assert_int_equal(keymap_lookup(&km, '?'), ACT_VIEW_HELP);
	assert_int_equal(keymap_lookup(&km, ' '), ACT_PAUSE);
	assert_int_equal(keymap_lookup(&km, 'f'), ACT_FILTER);
	assert_int_equal(keymap_lookup(&km, 'F'), ACT_TOGGLE_FREQ);
	assert_int_equal(keymap_lookup(&km, 'L'), ACT_TOGGLE_LOCALIZE);
	assert_int_equal(keymap_lookup(&km, 'S'), ACT_SAVE_CONFIG);
	assert_int_equal(keymap_lookup(&km, 'a'), ACT_TRACE);
	assert_int_equal(keymap_lookup(&km, 'x'), ACT_METRIC_RESET);
	assert_int_equal(keymap_lookup(&km, 'j'), ACT_METRIC_PREV);
	assert_int_equal(keymap_lookup(&km, 'k'), ACT_METRIC_NEXT);
	assert_int_equal(keymap_lookup(&km, 't'), ACT_THEME);
	assert_int_equal(keymap_lookup(&km, '-'), ACT_TICK_FASTER);
	assert_int_equal(keymap_lookup(&km, '+'), ACT_TICK_SLOWER);
	assert_int_equal(keymap_lookup(&km, 'v'), ACT_CHART_MODE);
	assert_int_equal(keymap_lookup(&km, 'q'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, 'Q'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, TK_UP), ACT_UP);
	assert_int_equal(keymap_lookup(&km, TK_PAGEDOWN), ACT_PAGE_DOWN);
	assert_int_equal(keymap_lookup(&km, TK_ENTER), ACT_ENTER);
	assert_int_equal(keymap_lookup(&km, TK_ESC), ACT_ESC);
	assert_int_equal(keymap_lookup(&km, TK_BACKSPACE), ACT_BACKSPACE);
	assert_int_equal(keymap_lookup(&km, 'z'), ACT_NONE);
	/* every action reachable by default */
	for (int a = ACT_NONE + 1; a < ACT_MAX; a++) {
		uint32_t keys[4];

		assert_true(keymap_keys(&km, (enum tui_action)a, keys, 4) > 0);
	}
	keymap_release(&km);
}

static void keymap__bind__replaces_and_adds(void **state)
{
	struct keymap km, copy = {0};
	uint32_t keys[4];

	keymap_init_default(&km);
	keymap_bind(&km, 'q', ACT_VIEW_HELP);
	assert_int_equal(keymap_lookup(&km, 'q'), ACT_VIEW_HELP);
	assert_int_equal(keymap_lookup(&km, 'Q'), ACT_QUIT);	/* others unchanged */
	keymap_bind(&km, TK_F0 + 10, ACT_QUIT);
	assert_int_equal(keymap_keys(&km, ACT_QUIT, keys, 4), 2);
	keymap_copy(&copy, &km);
	assert_int_equal(keymap_lookup(&copy, TK_F0 + 10), ACT_QUIT);
	keymap_release(&km);
	keymap_release(&copy);
}

static void key_parse__names__canonical_round_trip(void **state)
{
	char buf[16];
	uint32_t k;

	assert_int_equal(key("a"), 'a');
	assert_int_equal(key(" "), ' ');
	assert_int_equal(key("Space"), ' ');
	assert_int_equal(key("Up"), TK_UP);
	assert_int_equal(key("page up"), TK_PAGEUP);
	assert_int_equal(key("pagedown"), TK_PAGEDOWN);
	assert_int_equal(key("PgDn"), TK_PAGEDOWN);
	assert_int_equal(key("escape"), TK_ESC);
	assert_int_equal(key("Esc"), TK_ESC);
	assert_int_equal(key("ENTER"), TK_ENTER);
	assert_int_equal(key("F5"), TK_F0 + 5);
	assert_int_equal(key("F(12)"), TK_F0 + 12);
	assert_int_equal(key("\xc3\xa9"), 0xe9);	/* é */
	assert_int_equal(keymap_key_parse("", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("F0", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("F25", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("F(", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("Hyper", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("\t", &k), -EINVAL);
	assert_int_equal(keymap_key_parse("\xff", &k), -EINVAL);
	/* every canonical name parses back to its key */
	const uint32_t all[] = {'a', '?', ' ', '+', TK_UP, TK_DOWN, TK_LEFT, TK_RIGHT, TK_PAGEUP,
				TK_PAGEDOWN, TK_HOME, TK_END, TK_ENTER, TK_ESC, TK_BACKSPACE,
				TK_TAB, TK_BACKTAB, TK_DELETE, TK_INSERT, TK_F0 + 1, TK_F0 + 24,
				0xe9, 0x20ac, 0x1f600};

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		keymap_key_name(all[i], buf, sizeof(buf));
		assert_int_equal(keymap_key_parse(buf, &k), 0);
		assert_int_equal(k, all[i]);
	}
	assert_string_equal(keymap_key_name(' ', buf, sizeof(buf)), "Space");
	assert_string_equal(keymap_key_name(TK_PAGEUP, buf, sizeof(buf)), "PageUp");
	assert_string_equal(keymap_key_name(TK_F0 + 3, buf, sizeof(buf)), "F3");
}

static void action_parse__ours_upstream_and_unknown(void **state)
{
	enum tui_action a;

	for (int i = ACT_NONE + 1; i < ACT_MAX; i++) {
		assert_int_equal(action_parse(action_name((enum tui_action)i), &a), 0);
		assert_int_equal(a, i);
		assert_true(action_help((enum tui_action)i)[0] != '\0');
	}
	assert_int_equal(action_parse("SetState(Llc)", &a), 0);
	assert_int_equal(a, ACT_VIEW_LLC);
	assert_int_equal(action_parse("AppStatePerfEvent", &a), 0);
	assert_int_equal(a, ACT_VIEW_EVENTS);
	assert_int_equal(action_parse("SetState(Power)", &a), -ENOTSUP);
	assert_int_equal(action_parse("AppStatePerfTop", &a), -ENOTSUP);
	assert_int_equal(action_parse("IncBpfSampleRate", &a), -ENOTSUP);
	/* the upstream README's names that upstream itself rejects */
	assert_int_equal(action_parse("RecordTrace", &a), -EINVAL);
	assert_int_equal(action_parse("AppStateEvent", &a), -EINVAL);
	assert_int_equal(action_parse("", &a), -EINVAL);
	assert_string_equal(action_name(ACT_MAX), "None");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keymap__defaults__upstream_keys),
		cmocka_unit_test(keymap__bind__replaces_and_adds),
		cmocka_unit_test(key_parse__names__canonical_round_trip),
		cmocka_unit_test(action_parse__ours_upstream_and_unknown),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
