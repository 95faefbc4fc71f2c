// SPDX-License-Identifier: GPL-2.0
/*
 * spin NAME CPU SECONDS: a busy loop named NAME (comm), pinned to CPU, that
 * stops after SECONDS (or on SIGTERM). For tests that need a known busy task.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec t0, t;
	cpu_set_t set;
	double secs;

	if (argc != 4) {
		fprintf(stderr, "usage: spin NAME CPU SECONDS\n");
		return 2;
	}
	prctl(PR_SET_NAME, argv[1]);
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[2]), &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("spin: sched_setaffinity");
		return 1;
	}
	secs = atof(argv[3]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (volatile int i = 0; i < 1000000; i++)
			;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}
