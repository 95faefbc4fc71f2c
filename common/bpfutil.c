// SPDX-License-Identifier: GPL-2.0
#include "common/bpfutil.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int lvl = level == LIBBPF_DEBUG ? LOG_DEBUG2 : LOG_DEBUG;

	if (lvl > log_level())
		return 0;
	log_vmsg(lvl, fmt, ap);
	return 0;
}

void bpfutil_setup_logging(void)
{
	libbpf_set_print(libbpf_log);
}

const char *bpfutil_strerror(int err, char *buf, size_t n)
{
	if (libbpf_strerror(err, buf, n))
		snprintf(buf, n, "error %d", err);
	return buf;
}

int bpfutil_probe_tracepoints(const char *const *names, size_t n, bool *present)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char name[128];
	int err = libbpf_get_error(btf);

	if (!btf)
		return err ? (int)err : -ENOENT;
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "btf_trace_%s", names[i]);
		present[i] = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) >= 0;
	}
	btf__free(btf);
	return 0;
}

int bpfutil_iter_read(int link_fd, size_t rec_size, void (*fn)(void *ctx, const void *rec),
		      void *ctx)
{
	char buf[65536];
	size_t have = 0, whole;
	int fd, err = 0;
	ssize_t n;

	if (!rec_size || rec_size > sizeof(buf))
		return -EINVAL;
	fd = bpf_iter_create(link_fd);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		whole = have / rec_size * rec_size;
		for (size_t off = 0; off < whole; off += rec_size)
			fn(ctx, buf + off);
		have -= whole;
		memmove(buf, buf + whole, have);
	}
	close(fd);
	return err;
}
