/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line front end shared by scxprof and scxtop.
 *
 * Each binary has one dispatch table (its root command's subcommands); each
 * subcommand lives in its own file and describes itself with a struct
 * cli_command: summary, usage, description, examples and a declarative option
 * table. That description is the single source for:
 *   - getopt_long parsing (cli_parse fills the command's option struct by offset),
 *   - `--help` at every level (and `<prog> help <command>`),
 *   - the man page (`<prog> --generate=man`),
 *   - bash completion (`<prog> --generate=bash-completion`).
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage (unknown option, bad value, ...).
 */
#ifndef SCX_COMMON_CLI_H
#define SCX_COMMON_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/util.h"

enum cli_opt_type {
	CLI_FLAG,	/* bool = true */
	CLI_COUNT,	/* int += 1 (-v -v) */
	CLI_STRING,	/* const char * (borrowed from argv) */
	CLI_U64,	/* uint64_t within [min, max] */
	CLI_INT,	/* int within [min, max] */
	CLI_DOUBLE,	/* double within [min, max] when max > min */
	CLI_CHOICE,	/* int = index of the argument in choices[] */
	CLI_STRINGS,	/* struct cli_strv, one entry per occurrence */
	CLI_CALLBACK,	/* callback(opts, arg) returns 0 or a negative errno */
};

enum cli_opt_flags {
	CLI_HIDDEN = 1 << 0,	/* parsed, but not in help/man/completion */
	CLI_FILE = 1 << 1,	/* completion: the argument is a file */
	CLI_DIR = 1 << 2,	/* completion: the argument is a directory */
};

struct cli_strv {
	const char **v;
	size_t n;
};

struct cli_option {
	int short_name;		/* 'o', or 0 for a long-only option */
	const char *long_name;	/* "output" */
	enum cli_opt_type type;
	size_t offset;		/* where the value goes in the command's option struct */
	const char *metavar;	/* "DIR"; NULL for flags */
	const char *help;	/* one line */
	int64_t min, max;	/* numeric range (inclusive); both 0: no limit */
	const char *const *choices;	/* CLI_CHOICE, NULL-terminated */
	int (*callback)(void *opts, const char *arg);
	unsigned flags;
};

#define CLI_OPT(s, l, t, T, field, mv, h, ...)                                                     \
	{.short_name = (s), .long_name = (l), .type = (t), .offset = offsetof(T, field),          \
	 .metavar = (mv), .help = (h), __VA_ARGS__}
#define CLI_OPT_END {0}

enum cli_cmd_flags {
	CLI_NOT_IMPLEMENTED = 1 << 0,	/* dispatch says "not implemented yet", exit 1 */
	CLI_CMD_HIDDEN = 1 << 1,
	CLI_NO_ARGS = 1 << 2,		/* options only: cli_parse refuses positional arguments */
};

struct cli_ctx;

struct cli_command {
	const char *name;
	const char *summary;		/* one line for the parent's command list */
	const char *usage;		/* after the command path; '\n' separates forms */
	const char *description;	/* pre-wrapped paragraphs */
	const struct cli_option *options;
	const char *examples;		/* pre-wrapped lines */
	const char *notes;		/* extra section printed after the options */
	int (*run)(const struct cli_ctx *ctx, int argc, char **argv);
	const struct cli_command *const *subcommands;	/* NULL-terminated */
	const char *default_subcommand;	/* when the first argument is not a subcommand */
	unsigned flags;
};

struct cli_program {
	const struct cli_command *root;	/* root->name is the binary name */
	const char *environment;	/* man ENVIRONMENT section (pre-wrapped) */
	const char *exit_status;	/* man EXIT STATUS section */
	const char *see_also;		/* man SEE ALSO section */
};

struct cli_ctx {
	const struct cli_program *prog;
	const struct cli_command *cmd;
	char path[128];			/* "scxprof extract mem" */
};

enum { CLI_CONTINUE = -1 };

/* Entry point for main(): handles --help, --version, --generate=..., dispatch. */
int cli_main(const struct cli_program *prog, int argc, char **argv);

/*
 * Parse argv (argv[0] is the command name) into opts according to
 * ctx->cmd->options. Prints help for -h/--help. On CLI_CONTINUE, *first_arg is
 * the index of the first positional argument; otherwise the return value is the
 * exit code (0 after --help, 2 after a usage error, already reported).
 */
int cli_parse(const struct cli_ctx *ctx, int argc, char **argv, void *opts, int *first_arg);

/* Print "<path>: <message>", the usage lines and a --help hint to stderr; returns 2. */
int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...) __printf(2, 3);

void cli_print_help(const struct cli_ctx *ctx, FILE *fp);
void cli_print_usage(const struct cli_ctx *ctx, FILE *fp);

/* "0.1.0" and "abc123def456" (or "unknown"). */
const char *scx_version(void);
const char *scx_git_commit(void);

#endif
