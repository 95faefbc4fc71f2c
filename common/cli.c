// SPDX-License-Identifier: GPL-2.0
#include "common/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "version.h"

#define HELP_COL 30

const char *scx_version(void)
{
	return SCX_VERSION;
}

const char *scx_git_commit(void)
{
	return SCX_GIT_COMMIT;
}

static const struct cli_option help_option = {
	.short_name = 'h',
	.long_name = "help",
	.type = CLI_FLAG,
	.help = "show this help and exit",
};

static bool opt_visible(const struct cli_option *o)
{
	return !(o->flags & CLI_HIDDEN);
}

static bool opt_takes_arg(const struct cli_option *o)
{
	return o->type != CLI_FLAG && o->type != CLI_COUNT;
}

static size_t nr_options(const struct cli_command *cmd)
{
	size_t n = 0;

	if (cmd->options)
		while (cmd->options[n].long_name || cmd->options[n].short_name)
			n++;
	return n;
}

/* Metavar shown in help: explicit, or the choices joined with '|'. */
static void opt_metavar(const struct cli_option *o, struct strbuf *sb)
{
	if (o->metavar) {
		strbuf_addstr(sb, o->metavar);
	} else if (o->type == CLI_CHOICE && o->choices) {
		for (const char *const *c = o->choices; *c; c++)
			strbuf_addf(sb, "%s%s", c == o->choices ? "" : "|", *c);
	} else if (opt_takes_arg(o)) {
		strbuf_addstr(sb, "VALUE");
	}
}

static void opt_spec(const struct cli_option *o, struct strbuf *sb)
{
	if (o->short_name)
		strbuf_addf(sb, "-%c", o->short_name);
	if (o->short_name && o->long_name)
		strbuf_addstr(sb, ", ");
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	if (opt_takes_arg(o)) {
		strbuf_addch(sb, ' ');
		opt_metavar(o, sb);
	}
}

static void print_option(FILE *fp, const struct cli_option *o)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, o->short_name ? "  " : "      ");
	opt_spec(o, &sb);
	if (sb.len + 2 > HELP_COL) {
		fprintf(fp, "%s\n%*s%s\n", sb.buf, HELP_COL, "", o->help ? o->help : "");
	} else {
		fprintf(fp, "%-*s%s\n", HELP_COL, sb.buf, o->help ? o->help : "");
	}
	strbuf_release(&sb);
}

static void print_text_block(FILE *fp, const char *text, const char *indent)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			fprintf(fp, "%s%.*s\n", indent, (int)n, p);
		else
			fputc('\n', fp);
		p += n + (nl ? 1 : 0);
	}
}

void cli_print_usage(const struct cli_ctx *ctx, FILE *fp)
{
	const char *u = ctx->cmd->usage ? ctx->cmd->usage : "[options]";
	const char *p = u, *nl;
	bool first = true;

	do {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(fp, "%s %s %.*s\n", first ? "Usage:" : "   or:", ctx->path, (int)n, p);
		first = false;
		p += n + (nl ? 1 : 0);
	} while (nl);
}

static const char *not_impl_suffix(const struct cli_command *cmd)
{
	return (cmd->flags & CLI_NOT_IMPLEMENTED) ? " (not implemented yet)" : "";
}

void cli_print_help(const struct cli_ctx *ctx, FILE *fp)
{
	const struct cli_command *cmd = ctx->cmd;
	bool is_root = ctx->cmd == ctx->prog->root;
	size_t n = nr_options(cmd);

	cli_print_usage(ctx, fp);
	fputc('\n', fp);
	if (cmd->summary)
		fprintf(fp, "%s%s\n", cmd->summary, not_impl_suffix(cmd));
	if (cmd->description) {
		fputc('\n', fp);
		print_text_block(fp, cmd->description, "");
	}
	if (cmd->subcommands) {
		size_t w = 0;

		for (const struct cli_command *const *s = cmd->subcommands; *s; s++)
			w = MAX(w, strlen((*s)->name));
		fprintf(fp, "\nCommands:\n");
		for (const struct cli_command *const *s = cmd->subcommands; *s; s++) {
			if ((*s)->flags & CLI_CMD_HIDDEN)
				continue;
			bool def = cmd->default_subcommand &&
				   !strcmp(cmd->default_subcommand, (*s)->name);
			fprintf(fp, "  %-*s  %s%s%s\n", (int)w, (*s)->name, (*s)->summary,
				def ? " (default)" : "", not_impl_suffix(*s));
		}
	}
	fprintf(fp, "\nOptions:\n");
	for (size_t i = 0; i < n; i++)
		if (opt_visible(&cmd->options[i]))
			print_option(fp, &cmd->options[i]);
	print_option(fp, &help_option);
	if (is_root) {
		static const struct cli_option version_option = {
			.short_name = 'V', .long_name = "version", .help = "show version and exit"};
		print_option(fp, &version_option);
	}
	if (cmd->notes) {
		fputc('\n', fp);
		print_text_block(fp, cmd->notes, "");
	}
	if (cmd->examples) {
		fprintf(fp, "\nExamples:\n");
		print_text_block(fp, cmd->examples, "  ");
	}
	if (cmd->subcommands)
		fprintf(fp, "\nRun '%s <command> --help' for the options of a command.\n", ctx->path);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctx->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_print_usage(ctx, stderr);
	fprintf(stderr, "Try '%s --help' for more information.\n", ctx->path);
	return EXIT_USAGE;
}

static const char *opt_name(const struct cli_option *o, char *buf, size_t n)
{
	if (o->long_name)
		snprintf(buf, n, "--%s", o->long_name);
	else
		snprintf(buf, n, "-%c", o->short_name);
	return buf;
}

static int store_value(const struct cli_ctx *ctx, const struct cli_option *o, void *opts,
		       const char *arg)
{
	char *field = (char *)opts + o->offset;
	char name[64];
	int err;

	switch (o->type) {
	case CLI_FLAG:
		*(bool *)field = true;
		return 0;
	case CLI_COUNT:
		(*(int *)field)++;
		return 0;
	case CLI_STRING:
		*(const char **)field = arg;
		return 0;
	case CLI_U64:
	case CLI_INT: {
		uint64_t lo = o->min >= 0 ? (uint64_t)o->min : 0;
		uint64_t hi = (o->min || o->max) ? (uint64_t)o->max
						 : (o->type == CLI_INT ? INT32_MAX : UINT64_MAX);
		uint64_t v;

		if (o->type == CLI_INT && o->min < 0) {
			int64_t sv;

			err = parse_i64(arg, o->min, o->max, &sv);
			if (err)
				return cli_usage_error(ctx,
						       "invalid value for %s: '%s' (expected an "
						       "integer from %lld to %lld)",
						       opt_name(o, name, sizeof(name)), arg,
						       (long long)o->min, (long long)o->max);
			*(int *)field = (int)sv;
			return 0;
		}
		err = parse_u64(arg, lo, hi, &v);
		if (err)
			return cli_usage_error(ctx,
					       "invalid value for %s: '%s' (expected an integer "
					       "from %llu to %llu)",
					       opt_name(o, name, sizeof(name)), arg,
					       (unsigned long long)lo, (unsigned long long)hi);
		if (o->type == CLI_INT)
			*(int *)field = (int)v;
		else
			*(uint64_t *)field = v;
		return 0;
	}
	case CLI_DOUBLE: {
		char *end;
		double d;

		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || (o->max > o->min && (d < o->min || d > o->max)))
			return cli_usage_error(ctx, "invalid value for %s: '%s' (expected a number%s)",
					       opt_name(o, name, sizeof(name)), arg,
					       o->max > o->min ? " in range" : "");
		*(double *)field = d;
		return 0;
	}
	case CLI_CHOICE: {
		struct strbuf sb = STRBUF_INIT;
		int i;

		for (i = 0; o->choices[i]; i++) {
			if (!strcmp(o->choices[i], arg)) {
				*(int *)field = i;
				return 0;
			}
		}
		for (i = 0; o->choices[i]; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", o->choices[i]);
		err = cli_usage_error(ctx, "invalid value for %s: '%s' (expected one of: %s)",
				      opt_name(o, name, sizeof(name)), arg, sb.buf);
		strbuf_release(&sb);
		return err;
	}
	case CLI_STRINGS: {
		struct cli_strv *sv = (struct cli_strv *)field;

		sv->v = xrealloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
		sv->v[sv->n++] = arg;
		return 0;
	}
	case CLI_CALLBACK:
		err = o->callback(opts, arg);
		if (err)
			return cli_usage_error(ctx, "invalid value for %s: '%s' (%s)",
					       opt_name(o, name, sizeof(name)), arg, err_str(err));
		return 0;
	}
	return cli_usage_error(ctx, "internal error: bad option type");
}

int cli_parse(const struct cli_ctx *ctx, int argc, char **argv, void *opts, int *first_arg)
{
	const struct cli_command *cmd = ctx->cmd;
	size_t n = nr_options(cmd), nl = 0;
	struct option *longopts = xcalloc(n + 2, sizeof(*longopts));
	struct strbuf shortopts = STRBUF_INIT;
	int ret = CLI_CONTINUE, c, longidx;

	/* ':' first: report missing arguments as ':' instead of printing. */
	strbuf_addstr(&shortopts, ":h");
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->options[i];

		if (o->short_name) {
			strbuf_addch(&shortopts, (char)o->short_name);
			if (opt_takes_arg(o))
				strbuf_addch(&shortopts, ':');
		}
		if (o->long_name)
			longopts[nl++] = (struct option){
				.name = o->long_name,
				.has_arg = opt_takes_arg(o) ? required_argument : no_argument,
				.val = 256 + (int)i,
			};
	}
	longopts[nl++] = (struct option){.name = "help", .val = 'h'};

	optind = 0; /* full getopt reset (GNU) */
	opterr = 0;
	while (ret == CLI_CONTINUE &&
	       (c = getopt_long(argc, argv, shortopts.buf, longopts, &longidx)) != -1) {
		const struct cli_option *o = NULL;

		if (c == 'h') {
			cli_print_help(ctx, stdout);
			ret = EXIT_OK;
			break;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			if (c == '?' && optopt && optopt < 256 && !(bad[0] == '-' && bad[1] == '-'))
				ret = cli_usage_error(ctx, "unknown option '-%c'", optopt);
			else if (c == '?')
				ret = cli_usage_error(ctx, "unknown option '%s'", bad);
			else
				ret = cli_usage_error(ctx, "option '%s' requires an argument", bad);
			break;
		}
		if (c >= 256) {
			o = &cmd->options[c - 256];
		} else {
			for (size_t i = 0; i < n; i++)
				if (cmd->options[i].short_name == c)
					o = &cmd->options[i];
		}
		if (!o) {
			ret = cli_usage_error(ctx, "unknown option");
			break;
		}
		int r = store_value(ctx, o, opts, optarg);
		if (r)
			ret = r;
	}
	if (ret == CLI_CONTINUE && (cmd->flags & CLI_NO_ARGS) && optind < argc)
		ret = cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (ret == CLI_CONTINUE)
		*first_arg = optind;
	free(longopts);
	strbuf_release(&shortopts);
	return ret;
}

static const struct cli_command *find_sub(const struct cli_command *cmd, const char *name)
{
	if (!cmd->subcommands)
		return NULL;
	for (const struct cli_command *const *s = cmd->subcommands; *s; s++)
		if (!strcmp((*s)->name, name))
			return *s;
	return NULL;
}

static void ctx_descend(struct cli_ctx *ctx, const struct cli_command *sub)
{
	size_t len = strlen(ctx->path);

	snprintf(ctx->path + len, sizeof(ctx->path) - len, " %s", sub->name);
	ctx->cmd = sub;
}

static int dispatch(struct cli_ctx *ctx, int argc, char **argv);

static int run_command(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;

	if (cmd->subcommands)
		return dispatch(ctx, argc, argv);
	if (cmd->flags & CLI_NOT_IMPLEMENTED) {
		/* Options are still checked, so --help works and a typo is a usage error. */
		int first, ret = cli_parse(ctx, argc, argv, NULL, &first);

		if (ret != CLI_CONTINUE)
			return ret;
		fprintf(stderr, "%s: not implemented yet\n", ctx->path);
		return EXIT_FAIL;
	}
	return cmd->run(ctx, argc, argv);
}

/* argv[0] is the name of ctx->cmd, which has subcommands. */
static int dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd, *sub;
	const char *arg = argc > 1 ? argv[1] : NULL;

	if (arg && (!strcmp(arg, "--help") || !strcmp(arg, "-h"))) {
		cli_print_help(ctx, stdout);
		return EXIT_OK;
	}
	if (arg && (sub = find_sub(cmd, arg))) {
		ctx_descend(ctx, sub);
		return run_command(ctx, argc - 1, argv + 1);
	}
	if (cmd->default_subcommand && (!arg || arg[0] == '-')) {
		/* `scxtop --headless` = `scxtop tui --headless`: argv[0] stands for the command. */
		ctx_descend(ctx, find_sub(cmd, cmd->default_subcommand));
		return run_command(ctx, argc, argv);
	}
	if (!arg) {
		cli_print_help(ctx, stderr);
		return EXIT_USAGE;
	}
	if (arg[0] == '-')
		return cli_usage_error(ctx, "unknown option '%s'", arg);
	return cli_usage_error(ctx, "unknown command '%s'", arg);
}

/* ---- man page and bash completion, generated from the same tables ---- */

static void roff_text(FILE *fp, const char *s)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", fp);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

static void roff_block(FILE *fp, const char *text, bool preformatted)
{
	if (preformatted)
		fputs(".nf\n", fp);
	roff_text(fp, text);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', fp);
	if (preformatted)
		fputs(".fi\n", fp);
}

static void man_options(FILE *fp, const struct cli_command *cmd)
{
	size_t n = nr_options(cmd);

	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->options[i];
		struct strbuf sb = STRBUF_INIT;

		if (!opt_visible(o))
			continue;
		opt_spec(o, &sb);
		fputs(".TP\n.B ", fp);
		roff_text(fp, sb.buf);
		fputc('\n', fp);
		roff_text(fp, o->help ? o->help : "");
		fputc('\n', fp);
		strbuf_release(&sb);
	}
}

static void man_command(FILE *fp, const struct cli_ctx *parent, const struct cli_command *cmd)
{
	struct cli_ctx ctx = *parent;

	ctx_descend(&ctx, cmd);
	if (cmd->flags & CLI_CMD_HIDDEN)
		return;
	fputs(".SS \"", fp);
	roff_text(fp, ctx.path);
	fputs("\"\n", fp);
	fputs(".nf\n", fp);
	for (const char *p = cmd->usage ? cmd->usage : "[options]", *nl;; p = nl + 1) {
		nl = strchr(p, '\n');
		fputs(".B ", fp);
		roff_text(fp, ctx.path);
		fputc(' ', fp);
		struct strbuf sb = STRBUF_INIT;
		strbuf_add(&sb, p, nl ? (size_t)(nl - p) : strlen(p));
		roff_text(fp, sb.buf);
		strbuf_release(&sb);
		fputc('\n', fp);
		if (!nl)
			break;
	}
	fputs(".fi\n.PP\n", fp);
	roff_text(fp, cmd->summary);
	fputs(not_impl_suffix(cmd), fp);
	fputs(".\n", fp);
	if (cmd->description) {
		fputs(".PP\n", fp);
		roff_block(fp, cmd->description, true);
	}
	man_options(fp, cmd);
	if (cmd->notes) {
		fputs(".PP\n", fp);
		roff_block(fp, cmd->notes, true);
	}
	if (cmd->examples) {
		fputs(".PP\nExamples:\n.PP\n", fp);
		roff_block(fp, cmd->examples, true);
	}
	if (cmd->subcommands)
		for (const struct cli_command *const *s = cmd->subcommands; *s; s++)
			man_command(fp, &ctx, *s);
}

static void generate_man(const struct cli_program *prog, FILE *fp)
{
	const struct cli_command *root = prog->root;
	struct cli_ctx ctx = {.prog = prog, .cmd = root};
	char upper[64];
	size_t i;

	for (i = 0; root->name[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)(root->name[i] >= 'a' && root->name[i] <= 'z' ? root->name[i] - 32
										 : root->name[i]);
	upper[i] = '\0';
	snprintf(ctx.path, sizeof(ctx.path), "%s", root->name);

	fprintf(fp, ".\\\" Generated by `%s --generate=man`; do not edit.\n", root->name);
	fprintf(fp, ".TH %s 1 \"\" \"%s %s\" \"User Commands\"\n", upper, root->name,
		scx_version());
	fputs(".SH NAME\n", fp);
	roff_text(fp, root->name);
	fputs(" \\- ", fp);
	roff_text(fp, root->summary);
	fputs("\n.SH SYNOPSIS\n.B ", fp);
	roff_text(fp, root->name);
	fputs("\n.I command\n[options]\n", fp);
	if (root->description) {
		fputs(".SH DESCRIPTION\n", fp);
		roff_block(fp, root->description, true);
	}
	fputs(".SH OPTIONS\n", fp);
	fputs(".TP\n.B \\-h, \\-\\-help\nshow help (every command accepts it) and exit\n", fp);
	fputs(".TP\n.B \\-V, \\-\\-version\nshow version and git commit, and exit\n", fp);
	man_options(fp, root);
	fputs(".SH COMMANDS\n", fp);
	for (const struct cli_command *const *s = root->subcommands; *s; s++)
		man_command(fp, &ctx, *s);
	if (prog->environment) {
		fputs(".SH ENVIRONMENT\n", fp);
		roff_block(fp, prog->environment, true);
	}
	if (prog->exit_status) {
		fputs(".SH EXIT STATUS\n", fp);
		roff_block(fp, prog->exit_status, true);
	}
	if (prog->see_also) {
		fputs(".SH SEE ALSO\n", fp);
		roff_block(fp, prog->see_also, false);
	}
}

static void bash_word_list(FILE *fp, const struct cli_command *cmd, bool is_root)
{
	size_t n = nr_options(cmd);

	fputs("opts='--help", fp);
	if (is_root)
		fputs(" --version", fp);
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->options[i];

		if (!opt_visible(o))
			continue;
		if (o->long_name)
			fprintf(fp, " --%s", o->long_name);
		if (o->short_name)
			fprintf(fp, " -%c", o->short_name);
	}
	fputs("'; subs='", fp);
	if (cmd->subcommands)
		for (const struct cli_command *const *s = cmd->subcommands; *s; s++)
			if (!((*s)->flags & CLI_CMD_HIDDEN))
				fprintf(fp, "%s%s", s == cmd->subcommands ? "" : " ", (*s)->name);
	fputs("'", fp);
}

static void bash_collect(FILE *fp, const struct cli_ctx *ctx, int pass)
{
	const struct cli_command *cmd = ctx->cmd;
	size_t n = nr_options(cmd);

	if (pass == 0) {
		/* path transitions */
		if (cmd->subcommands)
			for (const struct cli_command *const *s = cmd->subcommands; *s; s++)
				fprintf(fp, "\t\t\"%s %s\") path=\"$path $w\" ;;\n", ctx->path,
					(*s)->name);
	} else if (pass == 1) {
		fprintf(fp, "\t\"%s\") ", ctx->path);
		bash_word_list(fp, cmd, ctx->cmd == ctx->prog->root);
		fputs(" ;;\n", fp);
	} else {
		/* option arguments */
		for (size_t i = 0; i < n; i++) {
			const struct cli_option *o = &cmd->options[i];
			struct strbuf pat = STRBUF_INIT;

			if (!opt_takes_arg(o))
				continue;
			if (o->short_name)
				strbuf_addf(&pat, "\"%s:-%c\"", ctx->path, o->short_name);
			if (o->long_name)
				strbuf_addf(&pat, "%s\"%s:--%s\"", pat.len ? "|" : "", ctx->path,
					    o->long_name);
			fprintf(fp, "\t%s) ", pat.buf);
			if (o->type == CLI_CHOICE) {
				fputs("COMPREPLY=($(compgen -W '", fp);
				for (const char *const *c = o->choices; *c; c++)
					fprintf(fp, "%s%s", c == o->choices ? "" : " ", *c);
				fputs("' -- \"$cur\")); return ;;\n", fp);
			} else if (o->flags & CLI_DIR) {
				fputs("COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", fp);
			} else if (o->flags & CLI_FILE) {
				fputs("COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", fp);
			} else {
				fputs("return ;;\n", fp);
			}
			strbuf_release(&pat);
		}
	}
	if (cmd->subcommands) {
		for (const struct cli_command *const *s = cmd->subcommands; *s; s++) {
			struct cli_ctx sub = *ctx;

			if ((*s)->flags & CLI_CMD_HIDDEN)
				continue;
			ctx_descend(&sub, *s);
			bash_collect(fp, &sub, pass);
		}
	}
}

static void generate_bash(const struct cli_program *prog, FILE *fp)
{
	const char *name = prog->root->name;
	struct cli_ctx ctx = {.prog = prog, .cmd = prog->root};

	snprintf(ctx.path, sizeof(ctx.path), "%s", name);
	fprintf(fp, "# bash completion for %s; generated by `%s --generate=bash-completion`\n",
		name, name);
	fprintf(fp, "_%s()\n{\n", name);
	fputs("\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n", fp);
	fprintf(fp, "\tlocal path=%s opts subs w i\n", name);
	fputs("\tfor ((i = 1; i < COMP_CWORD; i++)); do\n\t\tw=${COMP_WORDS[i]}\n", fp);
	fputs("\t\tcase \"$path $w\" in\n", fp);
	bash_collect(fp, &ctx, 0);
	fputs("\t\tesac\n\tdone\n", fp);
	fputs("\tcase \"$path:$prev\" in\n", fp);
	bash_collect(fp, &ctx, 2);
	fputs("\tesac\n\tcase \"$path\" in\n", fp);
	bash_collect(fp, &ctx, 1);
	fputs("\tesac\n", fp);
	fputs("\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n",
	      fp);
	fputs("\telif [[ -n $subs ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n",
	      fp);
	fputs("\telse\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\tfi\n}\n", fp);
	fprintf(fp, "complete -F _%s %s\n", name, name);
}

static int check_stdout(const char *prog)
{
	/* perf's run_builtin: a full disk or closed pipe must not look like success. */
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return EXIT_OK;
		fprintf(stderr, "%s: write failure on standard output: %s\n", prog,
			strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_main(const struct cli_program *prog, int argc, char **argv)
{
	struct cli_ctx ctx = {.prog = prog, .cmd = prog->root};
	const char *arg = argc > 1 ? argv[1] : NULL;
	int ret;

	log_set_prog(prog->root->name);
	snprintf(ctx.path, sizeof(ctx.path), "%s", prog->root->name);

	if (arg && (!strcmp(arg, "--version") || !strcmp(arg, "-V"))) {
		printf("%s %s (git %s)\n", prog->root->name, scx_version(), scx_git_commit());
		ret = EXIT_OK;
	} else if (arg && !strcmp(arg, "--generate=man")) {
		generate_man(prog, stdout);
		ret = EXIT_OK;
	} else if (arg && !strcmp(arg, "--generate=bash-completion")) {
		generate_bash(prog, stdout);
		ret = EXIT_OK;
	} else if (arg && !strcmp(arg, "help")) {
		/* `prog help a b` = `prog a b --help` */
		for (int i = 2; i < argc; i++) {
			const struct cli_command *sub = find_sub(ctx.cmd, argv[i]);

			if (!sub)
				return cli_usage_error(&ctx, "unknown command '%s'", argv[i]);
			ctx_descend(&ctx, sub);
		}
		cli_print_help(&ctx, stdout);
		ret = EXIT_OK;
	} else {
		ret = dispatch(&ctx, argc, argv);
	}
	if (check_stdout(prog->root->name) != EXIT_OK && ret == EXIT_OK)
		ret = EXIT_FAIL;
	return ret;
}
