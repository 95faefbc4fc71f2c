// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for `scxprof record --hints-map`: plays the part of scx_layered
 * (which owns and pins the task-hint map) and of an application whose threads
 * set their hints through pidfds.
 *
 *   hintmap [--threads N] [--value-size BYTES] [--hash] [--work] PIN_PATH
 *
 * 1. Creates a BPF_MAP_TYPE_TASK_STORAGE map (int key, value struct task_hint
 *    { u64 hint; u64 __reserved[3]; } as scx_layered's, or --value-size bytes)
 *    with BTF, pins it at PIN_PATH (bpffs) and prints "map <id>".
 *    --hash creates a plain hash map instead (record must refuse it).
 * 2. Starts N worker threads (default 3). Worker i opens a pidfd for itself
 *    (PIDFD_THREAD) and sets hint 1000+i at once: a hint set before recording.
 * 3. On "go" (a line on stdin): every worker sets 2000+i, all wait 300 ms,
 *    every worker sets 3000+i, all wait 300 ms, then the main thread sets
 *    4000+i on worker i through worker i's pidfd (a hint set for another
 *    thread), workers wait 300 ms more, and main prints "done".
 *    Each update prints "set <tid> <tgid> <hint> <setter-tid>".
 *    With --work, workers fault pages instead of sleeping during these phases
 *    (copy-on-write faults on a privately mapped memfd: page-fault samples
 *    with a physical address).
 * 4. On "quit" or end of stdin: unpins the map and exits.
 * All output is line-buffered on stdout; errors go to stderr with exit 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD 0x80 /* O_EXCL, Linux 6.9 */
#endif

#define MAX_THREADS 64

struct task_hint {
	unsigned long long hint;
	unsigned long long reserved[3];
};

struct helper {
	bool work;
	int map_fd;
	size_t value_size;
	int nr_threads;
	pthread_barrier_t barrier;
	pthread_mutex_t lock;
	int pidfd[MAX_THREADS];
	pid_t tid[MAX_THREADS];
};

struct worker {
	struct helper *h;
	int idx;
};

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void msleep(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Sleep ms, or fault pages for ms with --work: map a file (memfd) privately,
 * read each page (maps the file's page read-only), then write it: a
 * copy-on-write fault on a mapped page, for which perf finds a physical
 * address (a first-touch fault, or one on the zero page, has none).
 */
static void phase(struct helper *h, int ms)
{
	const size_t len = 256 << 10;
	struct timespec t0, t;
	int fd;

	if (!h->work) {
		msleep(ms);
		return;
	}
	fd = memfd_create("hintmap-work", MFD_CLOEXEC);
	for (size_t off = 0; fd >= 0 && off < len; off += 4096)
		if (pwrite(fd, "page", 4, (off_t)off) != 4) {
			close(fd);
			fd = -1;
		}
	if (fd < 0) {
		msleep(ms);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		char sum = 0;

		if (p == MAP_FAILED)
			break;
		for (size_t i = 0; i < len; i += 4096)
			sum += p[i];
		for (size_t i = 0; i < len; i += 4096)
			p[i] = (char)(sum + 1);
		munmap((void *)p, len);
		msleep(2);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	close(fd);
}

static int set_hint(struct helper *h, int idx, unsigned long long hint)
{
	unsigned char value[256] = {0};
	int err;

	memcpy(value, &hint, sizeof(hint));
	err = bpf_map_update_elem(h->map_fd, &h->pidfd[idx], value, BPF_ANY);
	pthread_mutex_lock(&h->lock);
	if (err)
		fprintf(stderr, "hintmap: update for tid %d: %s\n", h->tid[idx], strerror(errno));
	else
		printf("set %d %d %llu %d\n", h->tid[idx], getpid(), hint, gettid_());
	fflush(stdout);
	pthread_mutex_unlock(&h->lock);
	return err;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct helper *h = w->h;
	int i = w->idx;

	h->tid[i] = gettid_();
	h->pidfd[i] = (int)syscall(SYS_pidfd_open, h->tid[i], PIDFD_THREAD);
	if (h->pidfd[i] < 0) {
		fprintf(stderr, "hintmap: pidfd_open(%d, PIDFD_THREAD): %s\n", h->tid[i],
			strerror(errno));
		exit(1);
	}
	set_hint(h, i, 1000 + (unsigned long long)i);
	pthread_barrier_wait(&h->barrier); /* all set: main prints "ready" */
	pthread_barrier_wait(&h->barrier); /* "go" */
	set_hint(h, i, 2000 + (unsigned long long)i);
	phase(h, 300);
	pthread_barrier_wait(&h->barrier);
	set_hint(h, i, 3000 + (unsigned long long)i);
	phase(h, 300);
	pthread_barrier_wait(&h->barrier); /* main sets 4000+i for us */
	pthread_barrier_wait(&h->barrier); /* main is done setting */
	phase(h, 300);
	pthread_barrier_wait(&h->barrier); /* quit */
	return NULL;
}

static int create_map(struct helper *h, bool hash)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	struct btf *btf = NULL;
	int key_id, u64_id, arr_id, val_id, fd;

	if (hash)
		return bpf_map_create(BPF_MAP_TYPE_HASH, "scx_test_hash", sizeof(int),
				      (__u32)h->value_size, 64, NULL);
	/* Local-storage maps require BTF for key and value. */
	btf = btf__new_empty();
	if (!btf)
		return -1;
	key_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u64_id = btf__add_int(btf, "long long unsigned int", 8, 0);
	if (h->value_size == sizeof(struct task_hint)) {
		arr_id = btf__add_array(btf, key_id, u64_id, 3);
		val_id = btf__add_struct(btf, "task_hint", sizeof(struct task_hint));
		btf__add_field(btf, "hint", u64_id, 0, 0);
		btf__add_field(btf, "__reserved", arr_id, 64, 0);
	} else {
		val_id = btf__add_array(btf, key_id, btf__add_int(btf, "char", 1, BTF_INT_CHAR),
					(__u32)h->value_size);
	}
	if (btf__load_into_kernel(btf)) {
		btf__free(btf);
		return -1;
	}
	opts.btf_fd = (__u32)btf__fd(btf);
	opts.btf_key_type_id = (__u32)key_id;
	opts.btf_value_type_id = (__u32)val_id;
	opts.map_flags = BPF_F_NO_PREALLOC;
	fd = bpf_map_create(BPF_MAP_TYPE_TASK_STORAGE, "scx_test_hints", sizeof(int),
			    (__u32)h->value_size, 0, &opts);
	btf__free(btf);
	return fd;
}

static bool read_cmd(const char *want)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, want))
			return true;
		if (!strcmp(line, "quit"))
			return false;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct helper h = {.value_size = sizeof(struct task_hint), .nr_threads = 3};
	struct worker workers[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	struct bpf_map_info info = {0};
	__u32 info_len = sizeof(info);
	const char *pin = NULL;
	bool hash = false, go;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			h.nr_threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--value-size") && i + 1 < argc)
			h.value_size = (size_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hash"))
			hash = true;
		else if (!strcmp(argv[i], "--work"))
			h.work = true;
		else if (argv[i][0] != '-' && !pin)
			pin = argv[i];
		else {
			fprintf(stderr, "usage: hintmap [--threads N] [--value-size B] [--hash] [--work] PIN\n");
			return 2;
		}
	}
	if (!pin || h.nr_threads < 1 || h.nr_threads > MAX_THREADS || h.value_size < 1 ||
	    h.value_size > 256) {
		fprintf(stderr, "hintmap: bad arguments\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	h.map_fd = create_map(&h, hash);
	if (h.map_fd < 0) {
		fprintf(stderr, "hintmap: creating the map: %s\n", strerror(errno));
		return 1;
	}
	if (bpf_obj_pin(h.map_fd, pin)) {
		fprintf(stderr, "hintmap: pinning at %s: %s\n", pin, strerror(errno));
		return 1;
	}
	if (bpf_obj_get_info_by_fd(h.map_fd, &info, &info_len)) {
		fprintf(stderr, "hintmap: map info: %s\n", strerror(errno));
		unlink(pin);
		return 1;
	}
	printf("map %u\n", info.id);
	if (hash) {
		read_cmd("quit");
		unlink(pin);
		return 0;
	}

	pthread_mutex_init(&h.lock, NULL);
	pthread_barrier_init(&h.barrier, NULL, (unsigned)h.nr_threads + 1);
	for (i = 0; i < h.nr_threads; i++) {
		workers[i] = (struct worker){.h = &h, .idx = i};
		if (pthread_create(&threads[i], NULL, worker_main, &workers[i])) {
			fprintf(stderr, "hintmap: pthread_create failed\n");
			unlink(pin);
			return 1;
		}
	}
	pthread_barrier_wait(&h.barrier);
	printf("ready\n");
	go = read_cmd("go");
	if (go) {
		pthread_barrier_wait(&h.barrier); /* go: workers set 2000+i, wait */
		pthread_barrier_wait(&h.barrier); /* workers set 3000+i, wait */
		pthread_barrier_wait(&h.barrier); /* workers wait while we set 4000+i */
		for (i = 0; i < h.nr_threads; i++)
			set_hint(&h, i, 4000 + (unsigned long long)i);
		pthread_barrier_wait(&h.barrier);
		msleep(350);
		printf("done\n");
		read_cmd("quit");
		pthread_barrier_wait(&h.barrier);
		for (i = 0; i < h.nr_threads; i++)
			pthread_join(threads[i], NULL);
	}
	unlink(pin);
	/* Without "go", workers are still parked at a barrier: just exit. */
	return 0;
}
