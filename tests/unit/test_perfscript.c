// SPDX-License-Identifier: GPL-2.0
/*
 * perf script line parsers and JSON encoders (profiler/perfscript.c), one test
 * per layout of reference/perf-script-format.md. Lines marked "real" were
 * printed by perf 6.1.192 on the development VM (`perf record -e page-faults -d
 * --phys-data --data-page-size`, `perf record -e sched:...`); the others are
 * built with perf's format strings for the versions named.
 */
#include "test_common.h"

#include "common/json_writer.h"
#include "profiler/libscxprof.h"

#define assert_span(sp, str)                                                                        \
	do {                                                                                       \
		struct scx_span _s = (sp);                                                         \
		const char *_want = (str);                                                         \
		if (_s.len != strlen(_want) || memcmp(_s.p, _want, _s.len))                         \
			fail_msg("%s is '%.*s', expected '%s'", #sp, (int)_s.len, _s.p, _want);    \
	} while (0)

static enum scxprof_parse_result mem(const char *line, struct scxprof_mem_sample *s)
{
	return scxprof_mem_parse(line, strlen(line), s);
}

static enum scxprof_parse_result sched(const char *line, struct scxprof_sched_event *e)
{
	return scxprof_sched_parse(line, strlen(line), e);
}

/* ---- memory samples --------------------------------------------------- */

/* reference §5.2 test 1: pid comes first, then tid; the comm has a space */
static void mem__upstream_fixture_line__pid_then_tid(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("alpha worker 1000/2001 0.000000050: 1 /cg 2 foo (bar.so) 3 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.comm, "alpha worker");
	assert_int_equal(s.pid, 1000);
	assert_int_equal(s.tid, 2001);
	assert_span(s.time, "0.000000050");
	assert_true(s.time_ok);
	assert_int_equal(s.time_ns, 50);
	assert_span(s.addr, "1");
	assert_span(s.cgroup, "/cg");
	assert_int_equal(s.cgroup_pos, SCXPROF_CGROUP_BEFORE_IP);
	assert_span(s.ip, "2");
	assert_span(s.sym, "foo");
	assert_span(s.dso, "bar.so");
	assert_span(s.phys_addr, "3");
	assert_int_equal(s.data_page_size, 4096);
	assert_false(s.has_addr_sym);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_KEEP);
}

/* real, perf 6.1: page-fault addr with " sym (dso)", kernel ip, no cgroup, phys 0 */
static void mem__perf61_page_fault__addr_sym_and_no_cgroup(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("           sleep 16456/16456  1293.863807284:     5604af001200 "
			     "__progname (/usr/bin/sleep) ffffffff817554ea elf_load "
			     "([kernel.kallsyms])               0 N/A", &s),
			 SCXPROF_PARSED);
	assert_span(s.comm, "sleep");
	assert_int_equal(s.pid, 16456);
	assert_int_equal(s.tid, 16456);
	assert_int_equal(s.time_ns, 1293863807284ull);
	assert_span(s.addr, "5604af001200");
	assert_true(s.has_addr_sym);
	assert_span(s.addr_sym, "__progname");
	assert_span(s.addr_dso, "/usr/bin/sleep");
	assert_int_equal(s.cgroup_pos, SCXPROF_CGROUP_NONE);
	assert_span(s.ip, "ffffffff817554ea");
	assert_span(s.sym, "elf_load");
	assert_span(s.dso, "[kernel.kallsyms]");
	assert_span(s.phys_addr, "0");
	assert_int_equal(s.data_page_size, 0);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_SKIP_NO_PHYS);
}

/* real, perf 6.1: a physical address and a 4K page */
static void mem__perf61_page_fault_with_phys__kept(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("           mkdir 16470/16470  1294.821868546:     7fc99d65d748 "
			     "[unknown] (/usr/lib/x86_64-linux-gnu/libselinux.so.1)     "
			     "7fc99d67d085 _dl_map_object_from_fd "
			     "(/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)       119666748 4K",
			     &s),
			 SCXPROF_PARSED);
	assert_span(s.addr_sym, "[unknown]");
	assert_span(s.addr_dso, "/usr/lib/x86_64-linux-gnu/libselinux.so.1");
	assert_span(s.ip, "7fc99d67d085");
	assert_span(s.sym, "_dl_map_object_from_fd");
	assert_span(s.dso, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
	assert_span(s.phys_addr, "119666748");
	assert_int_equal(s.data_page_size, 4096);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_KEEP);
}

/* real, perf 6.1: dso with spaces and nested parentheses; comm of 15 bytes */
static void mem__dso_with_parentheses__whole_name(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem(" memfd:sealed-91 12751/12751  1294.818561365:     7fe4b4c44000 "
			     "[unknown] (//anon)     7fe4b4d24751 [unknown] "
			     "(/memfd:sealed-91173221a7ea (deleted))               0 N/A", &s),
			 SCXPROF_PARSED);
	assert_span(s.comm, "memfd:sealed-91");
	assert_span(s.addr_dso, "//anon");
	assert_span(s.sym, "[unknown]");
	assert_span(s.dso, "/memfd:sealed-91173221a7ea (deleted)");

	assert_int_equal(mem("            perf 16448/16448  1293.862577111:     7f02d328e408 "
			     "[unknown] (anon_inode:[perf_event])     564a7655a52d [unknown] "
			     "(/usr/bin/perf)               0 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.addr_dso, "anon_inode:[perf_event]");
	assert_span(s.dso, "/usr/bin/perf");
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_SKIP_NO_PHYS);

	/* an unbalanced '(' inside a path */
	assert_int_equal(mem("            web1 1/2 1.0: 7f00 /cg     55a1b2c3d4e5 foo "
			     "(/tmp/a(b/lib.so)         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.sym, "foo");
	assert_span(s.dso, "/tmp/a(b/lib.so");
	assert_span(s.phys_addr, "3c1a2b000");
}

/* perf >= 6.6: cgroup between addr and ip, pid/tid %7d/%-7d, --ns */
static void mem__perf66_cgroup_before_ip__parsed(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("            web3    4242/4245    86400.123494346:     7e00165de100 "
			     "/workload.slice/workload-tw-3f1c.allotment.slice/web.service     "
			     "55d0a1207fea std::vector<int, std::allocator<int> >::push_back "
			     "(/usr/bin/web)       1473de100 2M", &s),
			 SCXPROF_PARSED);
	assert_span(s.comm, "web3");
	assert_int_equal(s.pid, 4242);
	assert_int_equal(s.tid, 4245);
	assert_int_equal(s.time_ns, 86400123494346ull);
	assert_span(s.cgroup, "/workload.slice/workload-tw-3f1c.allotment.slice/web.service");
	assert_int_equal(s.cgroup_pos, SCXPROF_CGROUP_BEFORE_IP);
	assert_span(s.ip, "55d0a1207fea");
	assert_span(s.sym, "std::vector<int, std::allocator<int> >::push_back");
	assert_span(s.dso, "/usr/bin/web");
	assert_span(s.phys_addr, "1473de100");
	assert_int_equal(s.data_page_size, 2 << 20);

	/* "unknown" cgroup (id never seen) and a kernel ip (16 digits, one space) */
	assert_int_equal(mem("     kworker/3:1     187/187     86400.200000000: ffff888123456789 "
			     "unknown ffffffff81b75d98 memcpy_orig ([kernel.kallsyms])"
			     "        123456789 1024M", &s),
			 SCXPROF_PARSED);
	assert_span(s.comm, "kworker/3:1");
	assert_span(s.cgroup, "unknown");
	assert_span(s.ip, "ffffffff81b75d98");
	assert_int_equal(s.data_page_size, 1ull << 30);
}

/* perf 6.6: a cgroup path with spaces ends at perf's padded ip column */
static void mem__cgroup_with_spaces__ends_at_padded_ip(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("            web1    4242/4243    1234.567890123:     7f3a12345678 "
			     "/my cgroup/a b     55a1b2c3d4e5 do_request (/usr/bin/web)"
			     "         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.cgroup, "/my cgroup/a b");
	assert_span(s.ip, "55a1b2c3d4e5");
	assert_span(s.sym, "do_request");
}

/* perf 6.3-6.5: cgroup printed after the page size; %5d pids */
static void mem__perf63_cgroup_at_end__parsed(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("            web1  4242/4243   1234.567890123:     7f3a12345678     "
			     "55a1b2c3d4e5 do_request (/usr/bin/web)         3c1a2b000 4K "
			     "/workload.slice/web.service", &s),
			 SCXPROF_PARSED);
	assert_span(s.ip, "55a1b2c3d4e5");
	assert_span(s.sym, "do_request");
	assert_span(s.phys_addr, "3c1a2b000");
	assert_int_equal(s.data_page_size, 4096);
	assert_span(s.cgroup, "/workload.slice/web.service");
	assert_int_equal(s.cgroup_pos, SCXPROF_CGROUP_AT_END);

	/* a cgroup containing ')' at the end does not hide the dso */
	assert_int_equal(mem("            web1  4242/4243   1.000000001:     7f3a12345678     "
			     "55a1b2c3d4e5 f (/bin/w)         3c1a2b000 2M /odd)name 0 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.dso, "/bin/w");
	assert_span(s.cgroup, "/odd)name 0 4K");
	assert_int_equal(s.data_page_size, 2 << 20);
}

/* pid/tid widths 5 and 7, and pids wider than the column */
static void mem__pid_widths__parsed(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("            web1    42/43      1.000000000:     7f3a12345678 /cg     "
			     "55a1b2c3d4e5 f (/bin/w)         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_int_equal(s.pid, 42);
	assert_int_equal(s.tid, 43);
	assert_int_equal(mem("            web1 12345678/12345679  1.000000000:     7f3a12345678 /cg"
			     "     55a1b2c3d4e5 f (/bin/w)         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_int_equal(s.pid, 12345678);
	assert_int_equal(s.tid, 12345679);
	assert_span(s.comm, "web1");
	assert_int_equal(mem("x 4294967295/4294967295 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	assert_int_equal(s.pid, UINT32_MAX);
	assert_int_equal(mem("x 4294967296/1 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_UNPARSEABLE);
}

/* comms from perf's %16s column: spaces, digits, '/', a "N/N" comm, ":tid" */
static void mem__comm_column__keeps_spaces_and_slashes(void **state)
{
	struct scxprof_mem_sample s;
	const char *tail = "  1.000000000:     7f3a12345678 /cg     55a1b2c3d4e5 f (/bin/w)"
			   "         3c1a2b000 4K";
	char line[512];

	snprintf(line, sizeof(line), "    mem worker 1 14530/14530 %s", tail);
	assert_int_equal(mem(line, &s), SCXPROF_PARSED);
	assert_span(s.comm, "mem worker 1");
	snprintf(line, sizeof(line), "  sched  worker  14530/14531 %s", tail);
	assert_int_equal(mem(line, &s), SCXPROF_PARSED);
	assert_span(s.comm, "sched  worker");	/* not collapsed */
	snprintf(line, sizeof(line), "             1/2  4242/4243 %s", tail);
	assert_int_equal(mem(line, &s), SCXPROF_PARSED);
	assert_span(s.comm, "1/2");
	assert_int_equal(s.pid, 4242);
	assert_int_equal(s.tid, 4243);
	snprintf(line, sizeof(line), "            :256   256/256  %s", tail);
	assert_int_equal(mem(line, &s), SCXPROF_PARSED);
	assert_span(s.comm, ":256");
	snprintf(line, sizeof(line), " kworker/u16:2-e    98/98   %s", tail);
	assert_int_equal(mem(line, &s), SCXPROF_PARSED);
	assert_span(s.comm, "kworker/u16:2-e");
}

static void mem__page_sizes__bytes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} cases[] = {{"4K", 4096}, {"16K", 16384}, {"2M", 2 << 20}, {"1G", 1ull << 30},
		     {"1024M", 1ull << 30}, {"N/A", 0}, {"4k", 4096}, {"512B", 512},
		     {"4096", 4096}, {"", 0}, {"x", 0}, {"99999999999999999999K", 0}};
	struct scxprof_mem_sample s;
	char line[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(scxprof_page_size_parse(cases[i].text, strlen(cases[i].text)),
				 cases[i].bytes);
		snprintf(line, sizeof(line), "a 1/2 1.0: 1 /cg 2 f (d) 3 %s", cases[i].text);
		assert_int_equal(mem(line, &s), SCXPROF_PARSED);
		assert_int_equal(s.data_page_size, cases[i].bytes);
	}
}

static void mem__time_text__exact_nanoseconds(void **state)
{
	uint64_t ns;

	assert_true(scxprof_time_parse_ns("1234.567890", 11, &ns));
	assert_int_equal(ns, 1234567890000ull);
	assert_true(scxprof_time_parse_ns("0.000000120", 11, &ns));
	assert_int_equal(ns, 120);	/* upstream's f64 path gives 119 */
	assert_true(scxprof_time_parse_ns("18446744073.709551615", 21, &ns));
	assert_int_equal(ns, UINT64_MAX);
	assert_false(scxprof_time_parse_ns("18446744073.709551616", 21, &ns));
	assert_true(scxprof_time_parse_ns("5.1234567891234", 15, &ns));
	assert_int_equal(ns, 5123456789ull);	/* digits past 9 ignored */
	assert_true(scxprof_time_parse_ns("42", 2, &ns));
	assert_int_equal(ns, 42000000000ull);
	assert_false(scxprof_time_parse_ns("1.2x", 4, &ns));
	assert_false(scxprof_time_parse_ns("", 0, &ns));
	assert_false(scxprof_time_parse_ns("-1.0", 4, &ns));
}

/* data_src (+ decode) and weight columns: perf >= 5.19, 5.12-5.18, cgroup after them */
static void mem__data_src_and_weight__parsed(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("       mem-loads 1234/1234  100.123456789:     7f3a12345678     "
			     "10268100142 |OP LOAD|LVL L1 hit|SNP None|TLB L1 or L2 hit|LCK No|BLK "
			     " N/A              85 /cg     55a1b2c3d4e5 foo (/bin/x)         "
			     "3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_true(s.has_data_src);
	assert_span(s.data_src, "10268100142");
	assert_true(s.has_weight);
	assert_int_equal(s.weight, 85);
	assert_span(s.cgroup, "/cg");
	assert_span(s.ip, "55a1b2c3d4e5");
	assert_span(s.sym, "foo");

	/* legacy decode with "(1 hop)", padded to a longer earlier decode, no cgroup */
	assert_int_equal(mem("       mem-loads 1234/1234  100.123456789:     7f3a12345678        "
			     "88000182 Remote RAM (1 hop) hit|SNP N/A|TLB Walker hit|LCK No|BLK  "
			     "N/A                   85     55a1b2c3d4e5 foo (/bin/x)         "
			     "3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_false(s.has_addr_sym);
	assert_span(s.data_src, "88000182");
	assert_int_equal(s.weight, 85);
	assert_span(s.ip, "55a1b2c3d4e5");

	/* weight, ins_lat, retire_lat (6.3+ default for WEIGHT_STRUCT PMUs) */
	assert_int_equal(mem("       mem-loads 1234/1234  100.123456789:     7f3a12345678     "
			     "10268100142 |OP LOAD|LVL L1 hit|SNP None|TLB L1 or L2 hit|LCK No|BLK "
			     " N/A   5              85               0 /cg     55a1b2c3d4e5 foo "
			     "(/bin/x)         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_int_equal(s.weight, 5);
	assert_span(s.cgroup, "/cg");
	assert_span(s.ip, "55a1b2c3d4e5");

	/* a page fault with data_src (PERF_MEM_NA decode, as perf 6.1 prints it) */
	assert_int_equal(mem("            sh 10/10  1.000000001:     7f8693f71e06 _rtld_global "
			     "(/lib/ld.so)       1e05080021 N/A or N/A|SNP N/A|TLB N/A|LCK N/A|BLK "
			     " N/A     7f8693f597ad _dl_start (/lib/ld.so)         3c1a2b000 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.addr_sym, "_rtld_global");
	assert_span(s.data_src, "1e05080021");
	assert_false(s.has_weight);
	assert_span(s.ip, "7f8693f597ad");
	assert_span(s.sym, "_dl_start");
}

/* perf's default field set: [cpu] and "period event:" before addr */
static void mem__cpu_and_event_columns__skipped(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("            bash 16472/16472 [001]  1294.828492793:          1 "
			     "page-faults:     558278212d68 [unknown] ([heap])     7fb36a065aa2 "
			     "malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)       12ba42d68 4K", &s),
			 SCXPROF_PARSED);
	assert_span(s.time, "1294.828492793");
	assert_span(s.addr, "558278212d68");
	assert_span(s.addr_dso, "[heap]");
	assert_span(s.sym, "malloc");
	assert_span(s.phys_addr, "12ba42d68");
}

static void mem__blank_and_bad_lines__classified(void **state)
{
	struct scxprof_mem_sample s;

	assert_int_equal(mem("", &s), SCXPROF_BLANK);
	assert_int_equal(mem("   \t \r", &s), SCXPROF_BLANK);
	assert_int_equal(mem("garbage", &s), SCXPROF_UNPARSEABLE);
	assert_int_equal(mem("            web8    4242/4250    ", &s), SCXPROF_UNPARSEABLE);
	assert_int_equal(mem("web 1/2 1.0:", &s), SCXPROF_UNPARSEABLE);
	assert_int_equal(mem("web 1/2 1.0: 7f00", &s), SCXPROF_UNPARSEABLE);
	assert_int_equal(mem("web -1/-1 1.0: 1 /cg 2 foo (bar.so) 3 4K", &s), SCXPROF_UNPARSEABLE);
	assert_int_equal(mem("web 1/2/3 1.0: 1 /cg 2 foo (bar.so) 3 4K", &s), SCXPROF_UNPARSEABLE);
	/* upstream [C]: nothing after the ip is not unparseable, it has no phys */
	assert_int_equal(mem("web 1/2 1.0: 1 /cg 2", &s), SCXPROF_PARSED);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_SKIP_NO_PHYS);
	/* an unparseable time still gives a record (hint 0 later) */
	assert_int_equal(mem("web 1/2 x.y: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	assert_false(s.time_ok);
	/* the comm filters are exact */
	assert_int_equal(mem("perf 1/2 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_SKIP_COMM);
	assert_int_equal(mem("swapper 0/0 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_SKIP_COMM);
	assert_int_equal(mem("perf-exec 1/2 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_KEEP);
	assert_int_equal(mem("web 1/2 1.0: 1 /cg 2 f (d) 00 4K", &s), SCXPROF_PARSED);
	assert_int_equal(scxprof_mem_skip(&s), SCXPROF_MEM_KEEP);	/* upstream: exact "0" */
}

static void mem__crlf_and_long_lines__parsed(void **state)
{
	struct scxprof_mem_sample s;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mem("web 1/2 1.0: 1 /cg 2 f (d) 3 4K\r\n", &s), SCXPROF_PARSED);
	assert_span(s.phys_addr, "3");
	assert_int_equal(s.data_page_size, 4096);

	strbuf_addstr(&sb, "            web1 1/2  1.000000000:     7f3a12345678 /cg     "
			   "55a1b2c3d4e5 ");
	strbuf_addchars(&sb, 's', 1 << 20);
	strbuf_addstr(&sb, " (/bin/w)         3c1a2b000 4K");
	assert_int_equal(scxprof_mem_parse(sb.buf, sb.len, &s), SCXPROF_PARSED);
	assert_int_equal(s.sym.len, 1 << 20);
	assert_span(s.phys_addr, "3c1a2b000");
	strbuf_release(&sb);
}

/* perf.jsonl: key order, escaping, invalid UTF-8 replaced, optional keys */
static void mem_json__record__fixed_keys_and_escapes(void **state)
{
	struct scxprof_mem_sample s;
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(mem("alpha worker 1000/2001 0.000000100: 1 /cg 2 foo (bar.so) 3 4K", &s),
			 SCXPROF_PARSED);
	s.hint = 7;
	scxprof_mem_json(&s, &out);
	assert_string_equal(out.buf,
			    "{\"comm\":\"alpha worker\",\"tid\":2001,\"pid\":1000,\"time\":"
			    "\"0.000000100\",\"time_ns\":100,\"addr\":\"1\",\"cgroup\":\"/cg\","
			    "\"ip\":\"2\",\"sym\":\"foo\",\"dso\":\"bar.so\",\"phys_addr\":\"3\","
			    "\"data_page_size\":4096,\"hint\":7}\n");

	strbuf_reset(&out);
	assert_int_equal(mem("b\xff\"x 1/2 z: 1 /c\\g 2 f\tg (d) 3 4K", &s), SCXPROF_PARSED);
	scxprof_mem_json(&s, &out);
	assert_string_equal(out.buf,
			    "{\"comm\":\"b\xef\xbf\xbd\\\"x\",\"tid\":2,\"pid\":1,\"time\":\"z\","
			    "\"time_ns\":null,\"addr\":\"1\",\"cgroup\":\"/c\\\\g\",\"ip\":\"2\","
			    "\"sym\":\"f\\tg\",\"dso\":\"d\",\"phys_addr\":\"3\","
			    "\"data_page_size\":4096,\"hint\":0}\n");

	strbuf_reset(&out);
	assert_int_equal(mem("           sleep 16456/16456  1293.864082501:     7f8693f71e06 "
			     "_rtld_global (/lib/ld.so)     7f8693f597ad _dl_start (/lib/ld.so)"
			     "       12ba42d68 4K", &s),
			 SCXPROF_PARSED);
	scxprof_mem_json(&s, &out);
	assert_non_null(strstr(out.buf, "\"cgroup\":\"unknown\","));
	assert_non_null(strstr(out.buf, ",\"hint\":0,\"addr_sym\":\"_rtld_global\","
					"\"addr_dso\":\"/lib/ld.so\"}\n"));

	/* a record built by hand (no line) and a cgroup from elsewhere are still escaped */
	struct scxprof_mem_sample h = {.comm = {"a\"b", 3}, .cgroup = {"/c\"g", 4}, .time_ok = true};
	strbuf_reset(&out);
	scxprof_mem_json(&h, &out);
	assert_non_null(strstr(out.buf, "{\"comm\":\"a\\\"b\","));
	assert_non_null(strstr(out.buf, "\"cgroup\":\"/c\\\"g\","));
	assert_int_equal(mem("web 1/2 1.0: 1 /cg 2 f (d) 3 4K", &s), SCXPROF_PARSED);
	s.cgroup = (struct scx_span){"/x\ty", 4};
	strbuf_reset(&out);
	scxprof_mem_json(&s, &out);
	assert_non_null(strstr(out.buf, "\"cgroup\":\"/x\\ty\","));
	strbuf_release(&out);
}

/* ---- scheduler events ------------------------------------------------- */

/* reference §5.1: plugin-format switch, fixture spacing */
static void sched__plugin_switch__fields(void **state)
{
	struct scxprof_sched_event e;

	assert_int_equal(sched("idle 0/0 [001] 0.000000120: sched:sched_switch: swapper/1:0 [120] R "
			       "==> alpha-worker:2001 [120]", &e),
			 SCXPROF_PARSED);
	assert_span(e.comm, "idle");
	assert_int_equal(e.pid, 0);
	assert_int_equal(e.tid, 0);
	assert_int_equal(e.cpu, 1);
	assert_span(e.time, "0.000000120");
	assert_int_equal(e.time_ns, 120);
	assert_true(e.time_s == 0.000000120);
	assert_span(e.event, "sched:sched_switch");
	assert_span(e.trace, "swapper/1:0 [120] R ==> alpha-worker:2001 [120]");
	assert_int_equal(e.fields, SCXPROF_FIELDS_SWITCH);
	assert_int_equal(e.sw.format, SCXPROF_SWITCH_PLUGIN);
	assert_span(e.sw.prev_comm, "swapper/1");
	assert_int_equal(e.sw.prev_pid, 0);
	assert_int_equal(e.sw.prev_prio, 120);
	assert_span(e.sw.prev_state, "R");
	assert_span(e.sw.next_comm, "alpha-worker");
	assert_int_equal(e.sw.next_pid, 2001);
	assert_int_equal(e.sw.next_prio, 120);
	assert_false(e.sw.cpu_idle);
	assert_true(e.sw.prev_idle);
}

/* real, perf 6.1 without plugins: the raw format gives the same fields */
static void sched__raw_switch__same_fields_as_plugin(void **state)
{
	struct scxprof_sched_event r, p;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	assert_int_equal(sched("     migration/0    18/18    [000]  1562.708688915:            "
			       "sched:sched_switch: prev_comm=migration/0 prev_pid=18 prev_prio=0 "
			       "prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120", &r),
			 SCXPROF_PARSED);
	assert_span(r.comm, "migration/0");
	assert_int_equal(r.fields, SCXPROF_FIELDS_SWITCH);
	assert_int_equal(r.sw.format, SCXPROF_SWITCH_RAW);
	assert_span(r.sw.prev_comm, "migration/0");
	assert_int_equal(r.sw.prev_pid, 18);
	assert_int_equal(r.sw.prev_prio, 0);
	assert_span(r.sw.prev_state, "S");
	assert_span(r.sw.next_comm, "swapper/0");
	assert_int_equal(r.sw.next_pid, 0);
	assert_int_equal(r.sw.next_prio, 120);
	assert_true(r.sw.cpu_idle);
	assert_false(r.sw.prev_idle);

	assert_int_equal(sched("     migration/0    18/18    [000]  1562.708688915:            "
			       "sched:sched_switch: migration/0:18 [0] S ==> swapper/0:0 [120]", &p),
			 SCXPROF_PARSED);
	assert_int_equal(p.sw.format, SCXPROF_SWITCH_PLUGIN);
	/* identical JSON apart from the trace text */
	p.trace = r.trace;
	scxprof_sched_json(&r, &a);
	scxprof_sched_json(&p, &b);
	assert_string_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);

	/* comms with spaces, and states like R+ and D|K */
	assert_int_equal(sched("sched worker A 7/9 [003] 5.000000001: sched:sched_switch: "
			       "prev_comm=sched worker A prev_pid=9 prev_prio=120 prev_state=R+ ==> "
			       "next_comm=mem worker 1 next_pid=10 next_prio=120", &r),
			 SCXPROF_PARSED);
	assert_span(r.comm, "sched worker A");
	assert_span(r.sw.prev_comm, "sched worker A");
	assert_span(r.sw.prev_state, "R+");
	assert_span(r.sw.next_comm, "mem worker 1");
	assert_int_equal(r.sw.next_pid, 10);
	assert_int_equal(sched("a 1/1 [0] 1.0: sched:sched_switch: kworker/0:1:123 [120] D|K ==> "
			       "b c:0 [120]", &p),
			 SCXPROF_PARSED);
	assert_span(p.sw.prev_comm, "kworker/0:1");
	assert_int_equal(p.sw.prev_pid, 123);
	assert_span(p.sw.prev_state, "D|K");
	assert_span(p.sw.next_comm, "b c");
	assert_true(p.sw.cpu_idle);
}

/* a switch text in neither format has no fields (and no key=value fallback) */
static void sched__unknown_switch_text__no_fields(void **state)
{
	struct scxprof_sched_event e;

	assert_int_equal(sched("a 1/1 [0] 1.0: sched:sched_switch: prev_pid=1 foo=2", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.fields, SCXPROF_FIELDS_NONE);
}

static void sched__other_events__key_values(void **state)
{
	struct scxprof_sched_event e;
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(sched("         swapper     0/0     [000]  1562.712057428:             "
			       "irq:softirq_entry: vec=7 [action=SCHED]", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.fields, SCXPROF_FIELDS_KV);
	assert_int_equal(e.nkv, 2);
	assert_span(e.kv[0].key, "vec");
	assert_true(e.kv[0].is_int);
	assert_int_equal(e.kv[0].ival, 7);
	assert_span(e.kv[1].key, "action");
	assert_false(e.kv[1].is_int);
	assert_span(e.kv[1].val, "SCHED");

	assert_int_equal(sched("            perf 18384/18384 [000]  1562.708664679:            "
			       "sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000",
			       &e),
			 SCXPROF_PARSED);
	scxprof_sched_json(&e, &out);
	assert_string_equal(out.buf,
			    "{\"comm\":\"perf\",\"pid\":18384,\"tid\":18384,\"cpu\":0,\"time\":"
			    "1562.708664679,\"time_ns\":1562708664679,\"event\":"
			    "\"sched:sched_waking\",\"trace\":\"comm=migration/0 pid=18 prio=0 "
			    "target_cpu=000\",\"fields\":{\"comm\":\"migration/0\",\"pid\":18,"
			    "\"prio\":0,\"target_cpu\":0},\"hint\":0}\n");

	/* upstream's regex: "comm=sched worker A" gives comm "sched" */
	assert_int_equal(sched("a 1/1 [0] 1.0: sched:sched_stat_runtime: comm=sched worker A "
			       "pid=9 runtime=5 [ns] vruntime=7 [ns]", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.nkv, 4);
	assert_span(e.kv[0].val, "sched");
	assert_span(e.kv[3].key, "vruntime");

	/* plugin wakeup: "comm:pid [prio] success=1 CPU:001" */
	assert_int_equal(sched("a 1/1 [0] 1.0: sched:sched_wakeup: web1:4243 [120] success=1 "
			       "CPU:005", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.nkv, 1);
	assert_span(e.kv[0].key, "success");

	/* nmi: no key=value pairs → no fields; an all-numeric action stays a string */
	assert_int_equal(sched("a 1/1 [0] 1.0: nmi:nmi_handler: perf_event_nmi_handler() "
			       "delta_ns: 3162 handled: 1", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.fields, SCXPROF_FIELDS_NONE);
	assert_int_equal(sched("a 1/1 [0] 1.0: irq:x: v=+5 n=-0 big=99999999999999999999 "
			       "[action=5] e= k==v", &e),
			 SCXPROF_PARSED);
	assert_int_equal(e.nkv, 5);
	assert_int_equal(e.kv[0].ival, 5);
	assert_true(e.kv[1].is_int);
	assert_false(e.kv[2].is_int);
	assert_span(e.kv[3].key, "action");
	assert_false(e.kv[3].is_int);
	assert_span(e.kv[4].key, "k");
	assert_span(e.kv[4].val, "=v");
	strbuf_release(&out);
}

static void sched__grammar_edges__as_upstream(void **state)
{
	struct scxprof_sched_event e;

	/* negative ids, and comm found at the first pid/tid [cpu] time: sequence */
	assert_int_equal(sched("            :-1    -1/-1    [002]     9.000000001: sched:foo: x", &e),
			 SCXPROF_PARSED);
	assert_span(e.comm, ":-1");
	assert_int_equal(e.pid, -1);
	assert_int_equal(e.tid, -1);
	assert_int_equal(sched("a 1/2 b 3/4 [5] 6.7: x:y: t", &e), SCXPROF_PARSED);
	assert_span(e.comm, "a 1/2 b");
	assert_int_equal(e.pid, 3);
	/* an empty trace, and a trace with colons */
	assert_int_equal(sched("a 1/2 [5] 6.7: x:y:", &e), SCXPROF_PARSED);
	assert_span(e.trace, "");
	assert_int_equal(sched("a 1/2 [5] 6.7: x:y: a:b:c\r\n", &e), SCXPROF_PARSED);
	assert_span(e.trace, "a:b:c");

	assert_int_equal(sched("", &e), SCXPROF_BLANK);
	assert_int_equal(sched("1/2 [5] 6.7: x:y: t", &e), SCXPROF_UNPARSEABLE);	/* no comm */
	assert_int_equal(sched("a 1/2 [5] 6: x:y: t", &e), SCXPROF_UNPARSEABLE);	/* no '.' */
	assert_int_equal(sched("a 1/2 5 6.7: x:y: t", &e), SCXPROF_UNPARSEABLE);
	assert_int_equal(sched("a 1/2 [5] 6.7: xy: t", &e), SCXPROF_UNPARSEABLE);
	assert_int_equal(sched("a 1/2 [5] 6.7: x::y: t", &e), SCXPROF_UNPARSEABLE);
	assert_int_equal(sched("a 1/2 [5] 6.7:x:y: t", &e), SCXPROF_UNPARSEABLE);
	assert_int_equal(sched("a 1/99999999999 [5] 6.7: x:y: t", &e), SCXPROF_UNPARSEABLE);
	assert_int_equal(sched("a 1/2 [99999999999] 6.7: x:y: t", &e), SCXPROF_UNPARSEABLE);
}

/* perf.sched.jsonl: upstream's record for profile_basic line 3 (+ time_ns) */
static void sched_json__switch_with_hints__upstream_keys(void **state)
{
	struct scxprof_sched_event e;
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(sched("idle 0/0 [001] 0.000000120: sched:sched_switch: swapper/1:0 [120] R "
			       "==> alpha-worker:2001 [120]", &e),
			 SCXPROF_PARSED);
	e.switch_hints = true;
	e.prev_hint = 0;
	e.next_hint = 7;
	scxprof_sched_json(&e, &out);
	assert_string_equal(out.buf,
			    "{\"comm\":\"idle\",\"pid\":0,\"tid\":0,\"cpu\":1,\"time\":1.2e-7,"
			    "\"time_ns\":120,\"event\":\"sched:sched_switch\",\"trace\":\"swapper/1:0 "
			    "[120] R ==> alpha-worker:2001 [120]\",\"fields\":{\"prev_comm\":"
			    "\"swapper/1\",\"prev_pid\":0,\"prev_prio\":120,\"prev_state\":\"R\","
			    "\"next_comm\":\"alpha-worker\",\"next_pid\":2001,\"next_prio\":120,"
			    "\"cpu_idle\":false,\"prev_idle\":true,\"prev_hint\":0,\"next_hint\":7},"
			    "\"hint\":0}\n");
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mem__upstream_fixture_line__pid_then_tid),
		cmocka_unit_test(mem__perf61_page_fault__addr_sym_and_no_cgroup),
		cmocka_unit_test(mem__perf61_page_fault_with_phys__kept),
		cmocka_unit_test(mem__dso_with_parentheses__whole_name),
		cmocka_unit_test(mem__perf66_cgroup_before_ip__parsed),
		cmocka_unit_test(mem__cgroup_with_spaces__ends_at_padded_ip),
		cmocka_unit_test(mem__perf63_cgroup_at_end__parsed),
		cmocka_unit_test(mem__pid_widths__parsed),
		cmocka_unit_test(mem__comm_column__keeps_spaces_and_slashes),
		cmocka_unit_test(mem__page_sizes__bytes),
		cmocka_unit_test(mem__time_text__exact_nanoseconds),
		cmocka_unit_test(mem__data_src_and_weight__parsed),
		cmocka_unit_test(mem__cpu_and_event_columns__skipped),
		cmocka_unit_test(mem__blank_and_bad_lines__classified),
		cmocka_unit_test(mem__crlf_and_long_lines__parsed),
		cmocka_unit_test(mem_json__record__fixed_keys_and_escapes),
		cmocka_unit_test(sched__plugin_switch__fields),
		cmocka_unit_test(sched__raw_switch__same_fields_as_plugin),
		cmocka_unit_test(sched__unknown_switch_text__no_fields),
		cmocka_unit_test(sched__other_events__key_values),
		cmocka_unit_test(sched__grammar_edges__as_upstream),
		cmocka_unit_test(sched_json__switch_with_hints__upstream_keys),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("perfscript", tests, NULL, NULL);
}
