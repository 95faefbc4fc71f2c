// SPDX-License-Identifier: GPL-2.0
/*
 * gen_perf_jsonl N [SEED]: N perf.jsonl records (DESIGN §4.4 layout) on stdout,
 * deterministic for a seed, shaped like a production profile: two allotment
 * cgroups, web workers (web1..web16, three hint values) and memcached sharing
 * a pool of pages (per cgroup), mcrouter and background threads on their own pages, a tail
 * of small comms, workload and rest samples, some 2 MiB pages, some samples
 * without a physical address, and a sparse random page range that keeps the
 * page map growing. Used by scripts/bench/bench-extract.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static unsigned below(unsigned n)
{
	return (unsigned)((next() >> 32) * n >> 32);
}

int main(int argc, char **argv)
{
	static const char *const allot[] = {
		"/workload.slice/workload-tw-a.allotment.slice",
		"/workload.slice/workload-tw-b.allotment.slice",
	};
	static const char *const syms[] = {"folly::fibers::FiberManager::runReadyFiber",
					   "memcpy", "HPHP::jit::enterTC", "tcache_get",
					   "std::__detail::_Map_base::operator[]"};
	static const uint64_t hints[] = {0, 384, 640};
	char buf[1 << 16], comm[32];
	uint64_t n, t = 1000000000000ull;

	if (argc < 2) {
		fprintf(stderr, "usage: %s N [SEED]\n", argv[0]);
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		rng ^= strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ull;
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	for (uint64_t i = 0; i < n; i++) {
		unsigned r = below(1000), tid, page_size = 4096, c = below(2);
		const char *cg = allot[c];
		uint64_t page, hint = 0;

		t += 1 + below(20000);
		if (r < 450) {			/* web workers: shared pool */
			unsigned w = 1 + below(16);

			snprintf(comm, sizeof(comm), "web%u", w);
			tid = 2000 + w;
			hint = hints[below(3)];
			page = 0x100000 + below(65536);
		} else if (r < 650) {		/* memcached: the same pool + its own */
			snprintf(comm, sizeof(comm), "memcached");
			tid = 3000 + below(8);
			page = below(4) ? 0x100000 + below(65536) : 0x200000 + below(32768);
		} else if (r < 750) {		/* mcrouter: private */
			snprintf(comm, sizeof(comm), "mcrouter");
			tid = 4000 + below(4);
			page = 0x300000 + below(16384);
		} else if (r < 810) {		/* background, on 2 MiB pages */
			snprintf(comm, sizeof(comm), "cachelib-bg");
			tid = 4500;
			page = 0x400 + below(64);
			page_size = 2 << 20;
		} else if (r < 860) {
			snprintf(comm, sizeof(comm), "logger");
			tid = 4600;
			page = 0x500000 + below(4096);
		} else if (r < 960) {		/* a tail of small comms, sparse pages */
			unsigned k = below(50);

			snprintf(comm, sizeof(comm), "misc-%c%c", 'a' + k / 26, 'a' + k % 26);
			tid = 5000 + k;
			page = 0x1000000 + below(1u << 22);
		} else if (r < 980) {
			snprintf(comm, sizeof(comm), "svc%u", below(4));
			tid = 6000;
			cg = "/workload.slice/svc.service";
			page = 0x600000 + below(8192);
		} else {
			snprintf(comm, sizeof(comm), "kworker/%u:%u", below(8), below(3));
			tid = 10 + below(100);
			cg = "/system.slice";
			page = 0x700000 + below(4096);
		}
		/* Each container has its own memory: pools are per cgroup. */
		page += (uint64_t)c << (page_size == 4096 ? 28 : 19);
		printf("{\"comm\":\"%s\",\"tid\":%u,\"pid\":%u,\"time\":\"%llu.%09llu\",\"time_ns\":%llu,"
		       "\"addr\":\"7f%010llx\",\"cgroup\":\"%s\",\"ip\":\"55d0%08x\",\"sym\":\"%s\","
		       "\"dso\":\"/usr/local/bin/server\",\"phys_addr\":\"%llx\","
		       "\"data_page_size\":%u,\"hint\":%llu}\n",
		       comm, tid, tid / 1000 * 1000, (unsigned long long)(t / 1000000000),
		       (unsigned long long)(t % 1000000000), (unsigned long long)t,
		       (unsigned long long)(next() & 0xffffffffffull), cg, (unsigned)next(),
		       syms[below(5)],
		       below(50) ? (unsigned long long)(page * page_size + (next() & 0xfc0)) : 0ull,
		       page_size, (unsigned long long)hint);
	}
	return fflush(stdout) ? 1 : 0;
}
