// SPDX-License-Identifier: GPL-2.0
#include "common/log.h"

#include <string.h>

/* The only mutable file-scope state besides the signal flag (see DESIGN §6). */
static struct {
	const char *prog;
	int level;
	FILE *fp;
	log_sink_fn sink;
	void *sink_ctx;
} log_state = {
	.prog = "scx",
	.level = LOG_INFO,
};

void log_set_prog(const char *prog)
{
	log_state.prog = prog;
}

const char *log_prog(void)
{
	return log_state.prog;
}

void log_set_level(int level)
{
	log_state.level = level;
}

int log_level(void)
{
	return log_state.level;
}

void log_add_verbosity(int n)
{
	log_state.level += n;
}

void log_set_file(FILE *fp)
{
	log_state.fp = fp;
	log_state.sink = NULL;
	log_state.sink_ctx = NULL;
}

void log_set_sink(log_sink_fn fn, void *ctx)
{
	log_state.sink = fn;
	log_state.sink_ctx = ctx;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[4096];
	size_t n = 0;
	int r;

	if ((int)level > log_state.level)
		return;

	switch (level) {
	case LOG_ERROR:
		r = snprintf(line, sizeof(line), "%s: ", log_state.prog);
		break;
	case LOG_WARN:
		r = snprintf(line, sizeof(line), "%s: warning: ", log_state.prog);
		break;
	case LOG_INFO:
		r = 0;
		break;
	default:
		r = snprintf(line, sizeof(line), "%s: debug: ", log_state.prog);
		break;
	}
	n = r > 0 ? (size_t)r : 0;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n = MIN(n + (size_t)r, sizeof(line) - 1);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';

	if (log_state.sink) {
		log_state.sink(log_state.sink_ctx, level, line);
		return;
	}
	FILE *fp = log_state.fp ? log_state.fp : stderr;
	fprintf(fp, "%s\n", line);
	if (fp != stderr)
		fflush(fp);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
