// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <fcntl.h>

#include "common/cli.h"
#include "common/err.h"

struct opts {
	bool flag;
	int verbose;
	const char *out;
	uint64_t secs;
	int small;
	double ratio;
	int mode;
	struct cli_strv names;
	int cb_calls;
};

static int cb(void *o, const char *arg)
{
	struct opts *op = o;

	if (!strcmp(arg, "bad"))
		return -EINVAL;
	op->cb_calls++;
	return 0;
}

static const char *const modes[] = {"auto", "trace", "poll", NULL};

static const struct cli_option options[] = {
	CLI_OPT('f', "flag", CLI_FLAG, struct opts, flag, NULL, "a flag"),
	CLI_OPT('v', "verbose", CLI_COUNT, struct opts, verbose, NULL, "more"),
	CLI_OPT('o', "output", CLI_STRING, struct opts, out, "DIR", "where", .flags = CLI_DIR),
	CLI_OPT('t', "timeout", CLI_U64, struct opts, secs, "SECS", "how long"),
	CLI_OPT(0, "small", CLI_INT, struct opts, small, "N", "1..8", .min = 1, .max = 8),
	CLI_OPT(0, "ratio", CLI_DOUBLE, struct opts, ratio, "R", "0..1", .min = 0, .max = 1),
	CLI_OPT(0, "mode", CLI_CHOICE, struct opts, mode, NULL, "mode", .choices = modes),
	CLI_OPT('n', "name", CLI_STRINGS, struct opts, names, "NAME", "repeatable"),
	CLI_OPT(0, "cb", CLI_CALLBACK, struct opts, cb_calls, "X", "callback", .callback = cb),
	CLI_OPT(0, "secret", CLI_FLAG, struct opts, flag, NULL, "hidden", .flags = CLI_HIDDEN),
	CLI_OPT_END,
};

static const struct cli_command cmd = {
	.name = "thing",
	.summary = "Do a thing",
	.usage = "[options] FILE",
	.options = options,
};

static const struct cli_command cmd_noargs = {
	.name = "thing",
	.summary = "Options only",
	.options = options,
	.flags = CLI_NO_ARGS,
};

static const struct cli_command root = {.name = "prog", .summary = "root"};
static const struct cli_program prog = {.root = &root};

static int parse(struct opts *o, int *first, int argc, ...)
{
	struct cli_ctx ctx = {.prog = &prog, .cmd = &cmd, .path = "prog thing"};
	char *argv[32];
	va_list ap;
	int ret;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	memset(o, 0, sizeof(*o));
	/* help and usage errors go to stdout/stderr: keep them out of the report */
	fflush(stdout);
	int saved_out = dup(1), saved_err = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	ret = cli_parse(&ctx, argc, argv, o, first);
	fflush(stdout);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(null);
	return ret;
}

static void cli_parse__every_type__stored_by_offset(void **state)
{
	struct opts o;
	int first;

	assert_int_equal(parse(&o, &first, 18, "thing", "-f", "-vv", "--output", "d", "-t", "30",
			       "--small=8", "--ratio", "0.5", "--mode", "poll", "-n", "a", "--name",
			       "b", "file.txt", "--cb=x"),
			 CLI_CONTINUE);
	assert_true(o.flag);
	assert_int_equal(o.verbose, 2);
	assert_string_equal(o.out, "d");
	assert_int_equal(o.secs, 30);
	assert_int_equal(o.small, 8);
	assert_true(o.ratio == 0.5);
	assert_int_equal(o.mode, 2);
	assert_int_equal(o.names.n, 2);
	assert_string_equal(o.names.v[1], "b");
	assert_int_equal(o.cb_calls, 1);
	/* GNU permutation: the positional ends up after the options */
	assert_int_equal(first, 17);
	free(o.names.v);
}

static void cli_parse__bad_values__usage_exit_2(void **state)
{
	struct opts o;
	int first;

	assert_int_equal(parse(&o, &first, 3, "thing", "-t", "abc"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 3, "thing", "-t", "-1"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 3, "thing", "-t", "99999999999999999999999"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--small=9"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--small=0"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--ratio=2"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--ratio=x"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--mode=fast"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--cb=bad"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--nope"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "-Z"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "-t"), EXIT_USAGE);
	assert_int_equal(parse(&o, &first, 2, "thing", "--output"), EXIT_USAGE);
}

static void cli_parse__help__exit_0(void **state)
{
	struct opts o;
	int first;

	assert_int_equal(parse(&o, &first, 2, "thing", "--help"), EXIT_OK);
	assert_int_equal(parse(&o, &first, 3, "thing", "-f", "-h"), EXIT_OK);
}

static void cli_parse__reentrant__second_parse_starts_fresh(void **state)
{
	struct opts o;
	int first;

	assert_int_equal(parse(&o, &first, 3, "thing", "-v", "x"), CLI_CONTINUE);
	assert_int_equal(first, 2);
	assert_int_equal(parse(&o, &first, 2, "thing", "y"), CLI_CONTINUE);
	assert_int_equal(first, 1);
	assert_int_equal(o.verbose, 0);
}

static void cli_parse__no_args_command__positional_refused(void **state)
{
	struct cli_ctx ctx = {.prog = &prog, .cmd = &cmd_noargs, .path = "prog thing"};
	char a0[] = "thing", a1[] = "-f", a2[] = "stray";
	char *ok[] = {a0, a1, NULL}, *bad[] = {a0, a1, a2, NULL};
	struct opts o = {0};
	int first, saved = dup(2), null = open("/dev/null", O_WRONLY);

	assert_int_equal(cli_parse(&ctx, 2, ok, &o, &first), CLI_CONTINUE);
	assert_int_equal(first, 2);
	dup2(null, 2);
	assert_int_equal(cli_parse(&ctx, 3, bad, &o, &first), EXIT_USAGE);
	dup2(saved, 2);
	close(saved);
	close(null);
}

static void cli_help__lists_visible_options_only(void **state)
{
	struct cli_ctx ctx = {.prog = &prog, .cmd = &cmd, .path = "prog thing"};
	char path[4096];
	FILE *fp;
	char *text;

	snprintf(path, sizeof(path), "%s/help.txt", test_tmpdir());
	fp = fopen(path, "w");
	cli_print_help(&ctx, fp);
	fclose(fp);
	text = test_read_file(path, NULL);
	assert_non_null(strstr(text, "Usage: prog thing [options] FILE\n"));
	assert_non_null(strstr(text, "  -o, --output DIR"));
	assert_non_null(strstr(text, "      --mode auto|trace|poll"));
	assert_non_null(strstr(text, "  -h, --help"));
	assert_null(strstr(text, "--secret"));
	assert_null(strstr(text, "--version")); /* only at the root */
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_parse__every_type__stored_by_offset),
		cmocka_unit_test(cli_parse__bad_values__usage_exit_2),
		cmocka_unit_test(cli_parse__help__exit_0),
		cmocka_unit_test(cli_parse__reentrant__second_parse_starts_fresh),
		cmocka_unit_test(cli_parse__no_args_command__positional_refused),
		cmocka_unit_test(cli_help__lists_visible_options_only),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
