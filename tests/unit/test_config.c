// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <sys/stat.h>

#include "common/strbuf.h"
#include "top/live/config.h"

static void config__defaults__upstream_values(void **state)
{
	struct tui_config c;

	config_defaults(&c);
	assert_string_equal(c.theme, "Default");
	assert_int_equal(c.tick_rate_ms, 250);
	assert_string_equal(c.chart, "bar");
	assert_string_equal(c.metric, "util");
	assert_string_equal(c.view, "cpu");
	assert_int_equal(keymap_lookup(&c.keymap, 'q'), ACT_QUIT);
	config_release(&c);
}

static void config__file__applied_over_defaults_keymap_merged(void **state)
{
	struct tui_config c;
	struct strbuf msgs = STRBUF_INIT;
	const char *text = "theme = \"nord\"\n"
			   "tick_rate_ms = 1000\n"
			   "chart = \"sparkline\"\n"
			   "metric = \"latency_p99\"\n"
			   "view = \"llc\"\n"
			   "show_cpu_freq = true\n"
			   "localize = true\n"
			   "[keymap]\n"
			   "\"F1\" = \"AppStateHelp\"\n"
			   "\"q\" = \"AppStatePause\"\n";

	config_defaults(&c);
	assert_int_equal(config_parse(&c, text, strlen(text), "scxtop.toml", &msgs), 0);
	assert_string_equal(msgs.buf, "");
	assert_string_equal(c.theme, "nord");
	assert_int_equal(c.tick_rate_ms, 1000);
	assert_string_equal(c.chart, "sparkline");
	assert_string_equal(c.metric, "latency_p99");
	assert_string_equal(c.view, "llc");
	assert_true(c.show_cpu_freq && c.localize);
	assert_int_equal(keymap_lookup(&c.keymap, TK_F0 + 1), ACT_VIEW_HELP);
	assert_int_equal(keymap_lookup(&c.keymap, 'q'), ACT_PAUSE);
	assert_int_equal(keymap_lookup(&c.keymap, 'Q'), ACT_QUIT);	/* defaults kept */
	config_release(&c);
	strbuf_release(&msgs);
}

/* Upstream's README sample: its bad action names and missing keys are reported, not fatal. */
static void config__upstream_readme_sample__reported_not_fatal(void **state)
{
	struct tui_config c;
	struct strbuf msgs = STRBUF_INIT;
	const char *text = "theme = \"IAmBlue\"\n"
			   "tick_rate_ms = 5\n"
			   "worker_threads = 4\n"
			   "stats_socket_path = \"/var/run/scx/root/stats\"\n"
			   "colour = \"red\"\n"
			   "[keymap]\n"
			   "d = \"AppStateDefault\"\n"
			   "P = \"RecordTrace\"\n"
			   "w = \"SetState(Power)\"\n"
			   "e = \"AppStateEvent\"\n"
			   "\"Hyper\" = \"Quit\"\n"
			   "z = 3\n"
			   "[other]\n"
			   "x = 1\n";

	config_defaults(&c);
	assert_int_equal(config_parse(&c, text, strlen(text), "scxtop.toml", &msgs), 8);
	assert_string_equal(
		msgs.buf,
		"scxtop.toml:2: tick_rate_ms must be an integer from 10 to 60000\n"
		"scxtop.toml:5: unknown key 'colour' (ignored)\n"
		"scxtop.toml:8: keymap: unknown action 'RecordTrace' (ignored)\n"
		"scxtop.toml:9: keymap: 'SetState(Power)' is an upstream scxtop action this build "
		"does not have (ignored)\n"
		"scxtop.toml:10: keymap: unknown action 'AppStateEvent' (ignored)\n"
		"scxtop.toml:11: keymap: unknown key name 'Hyper' (ignored)\n"
		"scxtop.toml:12: keymap: the action for 'z' must be a string\n"
		"scxtop.toml:13: unknown table [other] (ignored)\n");
	assert_string_equal(c.theme, "IAmBlue");
	assert_int_equal(c.tick_rate_ms, 250);	/* the bad value did not stick */
	assert_int_equal(keymap_lookup(&c.keymap, 'e'), ACT_VIEW_EVENTS);
	assert_int_equal(keymap_lookup(&c.keymap, 'P'), ACT_NONE);
	config_release(&c);
	strbuf_release(&msgs);
}

static void config__trace_settings__upstream_keys_read_and_checked(void **state)
{
	struct tui_config c;
	struct strbuf msgs = STRBUF_INIT, out = STRBUF_INIT;
	const char *text = "trace_duration_ms = 3000\ntrace_warmup_ms = 0\n"
			   "trace_file_prefix = \"/tmp/run\"\n";
	const char *bad = "trace_duration_ms = 5\ntrace_warmup_ms = -1\ntrace_file_prefix = \"\"\n";

	config_defaults(&c);
	assert_int_equal(c.trace_duration_ms, 1250);	/* upstream's defaults */
	assert_int_equal(c.trace_warmup_ms, 750);
	assert_string_equal(c.trace_file_prefix, "scxtop_trace");
	assert_int_equal(config_parse(&c, text, strlen(text), "f", &msgs), 0);
	assert_int_equal(c.trace_duration_ms, 3000);
	assert_int_equal(c.trace_warmup_ms, 0);
	assert_string_equal(c.trace_file_prefix, "/tmp/run");
	config_format(&c, &out);
	assert_non_null(strstr(out.buf, "trace_duration_ms = 3000\ntrace_warmup_ms = 0\n"
					"trace_file_prefix = \"/tmp/run\"\n"));
	assert_int_equal(config_parse(&c, bad, strlen(bad), "f", &msgs), 3);
	assert_int_equal(c.trace_duration_ms, 3000);	/* unchanged */
	assert_string_equal(c.trace_file_prefix, "/tmp/run");
	config_release(&c);
	strbuf_release(&msgs);
	strbuf_release(&out);
}

static void config__bad_values__kept_defaults(void **state)
{
	struct tui_config c;
	struct strbuf msgs = STRBUF_INIT;
	const char *text = "theme = \"Neon\"\nchart = 1\nmetric = \"x\"\nview = \"thread\"\n"
			   "localize = \"yes\"\n";

	config_defaults(&c);
	assert_int_equal(config_parse(&c, text, strlen(text), "f", &msgs), 5);
	assert_string_equal(c.theme, "Default");
	assert_string_equal(c.chart, "bar");
	assert_string_equal(c.view, "cpu");	/* the thread view needs a process */
	assert_false(c.localize);
	config_release(&c);
	strbuf_release(&msgs);
}

static void config__save_then_load__same_settings(void **state)
{
	char path[512], dir[512];
	struct tui_config c, d;
	struct strbuf msgs = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/xdg", test_tmpdir());
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_path(path, sizeof(path)), 0);
	assert_true(str_has_suffix(path, "/xdg/scxtop/scxtop.toml"));
	config_defaults(&c);
	/* no file yet: defaults, no error */
	assert_int_equal(config_load(&c, path, &msgs), 0);
	snprintf(c.theme, sizeof(c.theme), "Dracula");
	c.tick_rate_ms = 750;
	keymap_bind(&c.keymap, ' ', ACT_QUIT);
	keymap_bind(&c.keymap, 0xe9, ACT_VIEW_LLC);
	assert_int_equal(config_save(&c, path), 0);	/* creates xdg/scxtop/ */
	assert_int_equal(stat(path, &st), 0);
	config_defaults(&d);
	assert_int_equal(config_load(&d, path, &msgs), 0);
	assert_string_equal(msgs.buf, "");
	config_format(&c, &a);
	config_format(&d, &b);
	assert_string_equal(a.buf, b.buf);
	assert_int_equal(keymap_lookup(&d.keymap, ' '), ACT_QUIT);
	assert_int_equal(keymap_lookup(&d.keymap, 0xe9), ACT_VIEW_LLC);
	assert_non_null(strstr(a.buf, "\"Space\" = \"Quit\""));
	/* HOME fallback, and a relative XDG_CONFIG_HOME is ignored (XDG spec) */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(config_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/home/u/.config/scxtop/scxtop.toml");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(config_path(path, sizeof(path)), -ENOENT);
	config_release(&c);
	config_release(&d);
	strbuf_release(&msgs);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void config__save_to_unwritable_place__error_nothing_left(void **state)
{
	struct tui_config c;
	char path[512];

	snprintf(path, sizeof(path), "%s/file", test_tmpdir());
	FILE *fp = fopen(path, "w");

	fclose(fp);
	strcat(path, "/scxtop/scxtop.toml");	/* a directory under a regular file */
	config_defaults(&c);
	assert_true(config_save(&c, path) < 0);
	config_release(&c);
}

static void config__directory_as_file__read_error(void **state)
{
	struct tui_config c;
	struct strbuf msgs = STRBUF_INIT;

	config_defaults(&c);
	assert_true(config_load(&c, test_tmpdir(), &msgs) < 0);
	config_release(&c);
	strbuf_release(&msgs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config__defaults__upstream_values),
		cmocka_unit_test(config__file__applied_over_defaults_keymap_merged),
		cmocka_unit_test(config__upstream_readme_sample__reported_not_fatal),
		cmocka_unit_test(config__trace_settings__upstream_keys_read_and_checked),
		cmocka_unit_test(config__bad_values__kept_defaults),
		cmocka_unit_test(config__save_then_load__same_settings),
		cmocka_unit_test(config__save_to_unwritable_place__error_nothing_left),
		cmocka_unit_test(config__directory_as_file__read_error),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
