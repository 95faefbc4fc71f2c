// SPDX-License-Identifier: GPL-2.0
#include "common/sigwatch.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/err.h"

static const int watched[] = {SIGINT, SIGTERM, SIGHUP};

/* The signal flag DESIGN §6 allows as file-scope state. */
static volatile sig_atomic_t pending_sig;
static volatile sig_atomic_t nr_signals;
static int sig_efd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	uint64_t one = 1;

	if (!pending_sig)
		pending_sig = sig;
	nr_signals++;
	if (sig_efd >= 0 && write(sig_efd, &one, sizeof(one)) < 0) {
		/* counter saturated: it is readable anyway */
	}
	errno = saved;
}

int sigwatch_install(void)
{
	struct sigaction sa;
	sigset_t set;

	if (sig_efd >= 0)
		return 0;
	sig_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_efd < 0)
		return err_errno();
	pending_sig = 0;
	nr_signals = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (unsigned i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		sigaddset(&sa.sa_mask, watched[i]);
		sigaddset(&set, watched[i]);
	}
	for (unsigned i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		sigaction(watched[i], &sa, NULL);
	/* A parent may have blocked them (e.g. a test harness); we want them. */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}

void sigwatch_uninstall(void)
{
	for (unsigned i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		signal(watched[i], SIG_DFL);
	if (sig_efd >= 0)
		close(sig_efd);
	sig_efd = -1;
	pending_sig = 0;
	nr_signals = 0;
}

int sigwatch_fd(void)
{
	return sig_efd;
}

int sigwatch_pending(void)
{
	return pending_sig;
}

unsigned sigwatch_count(void)
{
	return (unsigned)nr_signals;
}

void sigwatch_clear(void)
{
	uint64_t v;

	pending_sig = 0;
	if (sig_efd >= 0 && read(sig_efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was pending */
	}
}

const char *signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
		[SIGTSTP] = "SIGTSTP", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
		[SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && (unsigned)sig < sizeof(names) / sizeof(names[0]) && names[sig])
		return names[sig];
	return "signal";
}
