// SPDX-License-Identifier: GPL-2.0
/* scxprof record: the command line; the recorder is profiler/record.c. */
#include <string.h>

#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "profiler/commands.h"
#include "profiler/hints_recorder.h"
#include "profiler/record.h"

static int record_cmd_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct record_opts o = {
		.output = RECORD_DEFAULT_OUTPUT,
		.timeout_s = RECORD_DEFAULT_TIMEOUT_S,
		.ldlat = RECORD_DEFAULT_LDLAT,
		.hints_mode = -1,
		.ring_mb = RECORD_DEFAULT_RING_MB,
		.poll_ms = HINTS_POLL_MS_DEFAULT,
		.stop_grace_s = RECORD_DEFAULT_STOP_GRACE_S,
	};
	const char *bad;
	int ret, argi;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	bad = record_opts_check(&o);
	if (bad)
		return cli_usage_error(cli, "%s", bad);
	log_add_verbosity(o.verbose);
	return err_exit_code(record_run(&o));
}

static const struct cli_option record_options[] = {
	CLI_OPT('o', "output", CLI_STRING, struct record_opts, output, "DIR",
		"bundle directory; must not exist (default scxprof.out)", .flags = CLI_DIR),
	CLI_OPT('f', "file", CLI_STRING, struct record_opts, file, "ARCHIVE.tar.gz",
		"archive path (default DIR.tar.gz); its name is the top-level directory",
		.flags = CLI_FILE),
	CLI_OPT('t', "timeout", CLI_U64, struct record_opts, timeout_s, "SECS",
		"recording duration in seconds (default 30)", .min = 0, .max = 7 * 86400),
	CLI_OPT('l', "ldlat", CLI_U64, struct record_opts, ldlat, "CYCLES",
		"perf mem load-latency threshold (default 10)", .min = 1, .max = 65535),
	CLI_OPT(0, "hints-map", CLI_STRING, struct record_opts, hints_map, "PINNED_PATH",
		"record updates of the task-hint map pinned here (bpffs)", .flags = CLI_FILE),
	CLI_OPT(0, "hints-map-id", CLI_U64, struct record_opts, hints_map_id, "ID",
		"record updates of the task-hint map with this BPF map id", .min = 1,
		.max = UINT32_MAX),
	CLI_OPT(0, "hints-mode", CLI_CHOICE, struct record_opts, hints_mode, "MODE",
		"auto (default: trace, else poll), trace (fentry) or poll (iter/task)",
		.choices = hints_mode_names),
	CLI_OPT(0, "hints-map-ring-sz", CLI_U64, struct record_opts, ring_mb, "MB",
		"trace mode ring buffer in MiB, a power of two (default 8)", .min = 1,
		.max = HINTS_RING_MB_MAX),
	CLI_OPT(0, "hints-poll-ms", CLI_U64, struct record_opts, poll_ms, "MS",
		"poll mode interval in milliseconds (default 10)", .min = 1, .max = 10000),
	CLI_OPT(0, "mem-event", CLI_STRING, struct record_opts, mem_event, "EVENT",
		"sample EVENT with perf record -d instead of perf mem (e.g. page-faults, no PMU "
		"needed)"),
	CLI_OPT(0, "disable-mem-trace", CLI_FLAG, struct record_opts, disable_mem, NULL,
		"do not record memory samples (perf.data)"),
	CLI_OPT(0, "disable-sched-trace", CLI_FLAG, struct record_opts, disable_sched, NULL,
		"do not record the sched/irq/nmi trace (perf.sched.data)"),
	CLI_OPT(0, "enable-perf-script", CLI_FLAG, struct record_opts, enable_script, NULL,
		"also write perf.script and perf.sched.script into the bundle"),
	CLI_OPT(0, "disable-archive", CLI_FLAG, struct record_opts, disable_archive, NULL,
		"keep the bundle as directory DIR instead of DIR.tar.gz"),
	CLI_OPT(0, "stop-grace", CLI_U64, struct record_opts, stop_grace_s, "SECS",
		"how long perf may take to finish after SIGINT before it is killed (default 60)",
		.min = 1, .max = 3600),
	CLI_OPT('v', "verbose", CLI_COUNT, struct record_opts, verbose, NULL,
		"show commands and libbpf messages (-vv: libbpf debug output)"),
	CLI_OPT_END,
};

const struct cli_command cmd_record = {
	.name = "record",
	.summary = "Record a workload profile (perf mem, sched trace, task hints) into a .tar.gz bundle",
	.usage = "[-o DIR] [-f ARCHIVE.tar.gz] [-t SECS] [--hints-map PINNED_PATH | --hints-map-id ID] "
		 "[options]",
	.description =
		"Runs, system-wide and side by side for -t seconds: perf mem record (memory\n"
		"samples with physical address, data page size and cgroup; --mem-event EVENT\n"
		"samples a software event instead on hosts without a memory-sampling PMU),\n"
		"perf record of the sched/irq/nmi tracepoints this kernel has, and a BPF\n"
		"recorder of a task-hint map. Writes one bundle: NAME.tar.gz whose only\n"
		"top-level directory is NAME, holding perf.data, perf.sched.data, hints.jsonl,\n"
		"cgroups.jsonl (thread -> cgroup at start and end), perf.version and meta.json.\n"
		"\n"
		"Everything is checked before perf starts: paths, perf, perf mem support,\n"
		"the hint map (a task-storage map with values of at least 8 bytes), free disk\n"
		"space against an estimate. perf runs in its own process group and dies with\n"
		"scxprof. At the end: hints stop first, then perf gets SIGINT, and is killed\n"
		"if it has not finished after --stop-grace. The archive is written under a\n"
		"temporary name, read back, then renamed.\n"
		"\n"
		"SIGINT, SIGTERM or SIGHUP stops perf, removes everything and exits 130; a\n"
		"second one kills perf at once. An error removes everything and exits 1.\n"
		"Progress goes to stderr; the path of the bundle is printed on stdout.",
	.options = record_options,
	.notes = "Hint modes:\n"
		 "  trace  fentry on bpf_map_update_value: every update through the bpf()\n"
		 "         syscall, as it happens, attributed to the calling thread. Needs a\n"
		 "         kernel that allows fentry (not under lockdown).\n"
		 "  poll   an iter/task program reads every thread's hint each --hints-poll-ms;\n"
		 "         changes are recorded with the time they were seen (resolution: the\n"
		 "         interval), attributed to the thread holding the hint. Each pass\n"
		 "         visits every thread of the host (about 0.5 us each); the interval\n"
		 "         stretches so that polling stays under 5% of a CPU.\n"
		 "  auto   trace, else poll; the mode used is printed and kept in meta.json.\n"
		 "\n"
		 "Trace cost: hints < mem < sched. The sched trace writes by far the most\n"
		 "data and can perturb the host; keep -t short when it is on.",
	.examples = "sudo scxprof record -t 30 -f run1.tar.gz\n"
		    "sudo scxprof record -t 5 --mem-event page-faults --hints-map /sys/fs/bpf/hints -o run1\n"
		    "sudo scxprof record -t 10 --disable-sched-trace --hints-map-id 42 --hints-mode poll",
	.run = record_cmd_run,
	.flags = CLI_NO_ARGS,
};
