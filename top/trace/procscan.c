// SPDX-License-Identifier: GPL-2.0
/* /proc to ProcessTree entries (see procscan.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/util.h"
#include "top/trace/procscan.h"

/* Read a small /proc file whole into sb (reset first). 0 or -errno. */
static int read_small(const char *path, struct strbuf *sb)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	strbuf_reset(sb);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* comm and ppid from .../stat: "pid (comm) S ppid ..." (comm may hold ')' and spaces). */
static bool parse_stat(const struct strbuf *sb, char comm[SCHED_COMM_LEN], int32_t *ppid)
{
	const char *open = strchr(sb->buf, '('), *close = strrchr(sb->buf, ')');
	char state;
	int pp;

	if (!open || !close || close < open || sscanf(close + 1, " %c %d", &state, &pp) != 2)
		return false;
	memset(comm, 0, SCHED_COMM_LEN);
	memcpy(comm, open + 1, MIN((size_t)(close - open - 1), (size_t)SCHED_COMM_LEN - 1));
	*ppid = pp;
	return true;
}

static int scan_threads(struct pftrace_writer *w, uint64_t ts, const char *root, int32_t pid,
			struct strbuf *sb, struct procscan_stats *st)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%d/task", root, pid);
	d = opendir(path);
	if (!d) {
		st->vanished++;
		return 0;
	}
	while (!err && (de = readdir(d))) {
		char comm[SCHED_COMM_LEN];
		int32_t tid, pp;

		if (!str_is_digits(de->d_name))
			continue;
		tid = atoi(de->d_name);
		snprintf(path, sizeof(path), "%s/%d/task/%d/stat", root, pid, tid);
		if (read_small(path, sb) || !parse_stat(sb, comm, &pp)) {
			st->vanished++;
			continue;
		}
		err = pftrace_write_thread(w, ts, tid, pid, comm);
		st->threads++;
	}
	closedir(d);
	return err;
}

int procscan_write(struct pftrace_writer *w, uint64_t ts, const char *proc_root,
		   struct procscan_stats *st)
{
	const char *root = proc_root ? proc_root : "/proc";
	struct strbuf stat = STRBUF_INIT, cmdline = STRBUF_INIT;
	struct procscan_stats local;
	struct dirent *de;
	DIR *d;
	int err = 0;

	st = st ? st : &local;
	memset(st, 0, sizeof(*st));
	d = opendir(root);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		char path[128], comm[SCHED_COMM_LEN];
		int32_t pid, ppid;

		if (!str_is_digits(de->d_name))
			continue;
		pid = atoi(de->d_name);
		snprintf(path, sizeof(path), "%s/%d/stat", root, pid);
		if (read_small(path, &stat) || !parse_stat(&stat, comm, &ppid)) {
			st->vanished++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%d/cmdline", root, pid);
		if (read_small(path, &cmdline))
			strbuf_reset(&cmdline);
		/* Kernel threads have no cmdline: [comm], as Perfetto's own scanner does. */
		err = pftrace_write_process(w, ts, pid, ppid, comm, cmdline.buf, cmdline.len, 0);
		st->processes++;
		if (!err)
			err = scan_threads(w, ts, root, pid, &stat, st);
	}
	closedir(d);
	strbuf_release(&stat);
	strbuf_release(&cmdline);
	return err;
}
