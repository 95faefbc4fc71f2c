/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the statistics and TUI tests: fake latency samples in raw records. */
#ifndef SCX_TEST_STATS_FIXTURE_H
#define SCX_TEST_STATS_FIXTURE_H

#include "top/live/collector.h"

/* Record n latency samples of ns into a CPU, task or DSQ stats struct. */
#define ADD_LAT(st, ns, n)                                                                         \
	do {                                                                                       \
		(st)->lat_hist[scxtop_lat_slot(ns)] += (n);                                        \
		(st)->lat_samples += (n);                                                          \
		(st)->lat_total_ns += (uint64_t)(ns) * (n);                                        \
		if (!(st)->lat_min_ns || (ns) < (st)->lat_min_ns)                                  \
			(st)->lat_min_ns = (ns);                                                   \
		if ((ns) > (st)->lat_max_ns)                                                       \
			(st)->lat_max_ns = (ns);                                                   \
	} while (0)

#endif
