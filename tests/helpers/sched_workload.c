// SPDX-License-Identifier: GPL-2.0
/*
 * A known scheduler workload for the live trace tests:
 *   sched_workload SECONDS BUSY_CPU
 * runs, for SECONDS, a busy loop pinned to BUSY_CPU (comm "scx-busy") and a
 * pipe ping-pong between two processes ("scx-ping", "scx-pong") that sleep
 * and wake each other through pipes. Prints "ready <busy pid> <ping pid>
 * <pong pid>" once everything runs, and "roundtrips N" at the end.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void busy(double until, int cpu)
{
	cpu_set_t set;
	volatile unsigned long x = 0;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
	prctl(PR_SET_NAME, "scx-busy");
	while (now_s() < until)
		for (int i = 0; i < 100000; i++)
			x++;
	_exit(0);
}

int main(int argc, char **argv)
{
	int ab[2], ba[2];
	double secs, until;
	pid_t pb, pp, pq;
	long trips = 0;
	char c = 'x';

	if (argc != 3) {
		fprintf(stderr, "usage: sched_workload SECONDS BUSY_CPU\n");
		return 2;
	}
	secs = atof(argv[1]);
	until = now_s() + secs;
	if (pipe(ab) || pipe(ba))
		return 1;
	pb = fork();
	if (pb == 0)
		busy(until, atoi(argv[2]));
	pq = fork();
	if (pq == 0) {
		prctl(PR_SET_NAME, "scx-pong");
		while (read(ab[0], &c, 1) == 1 && c != 'q')
			if (write(ba[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	pp = fork();
	if (pp == 0) {
		prctl(PR_SET_NAME, "scx-ping");
		while (now_s() < until) {
			if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
				break;
			trips++;
			if (!(trips % 64))
				usleep(200);	/* leave room for others on 2 CPUs */
		}
		c = 'q';
		if (write(ab[1], &c, 1) != 1)
			_exit(1);
		printf("roundtrips %ld\n", trips);
		fflush(stdout);
		_exit(0);
	}
	printf("ready %d %d %d\n", pb, pp, pq);
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	return 0;
}
