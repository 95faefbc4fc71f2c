#!/bin/bash
# scxprof doctor: table and --json on this host; the JSON validates against its
# schema and reports what the kernel really allows. The machine-specific
# expectations (tp_btf ok, fentry refused, no perf mem, no sched_ext) are checked
# only where the probe itself shows this is such a host, so the test stays true
# elsewhere; on the CI/dev host of DESIGN §7 all of them apply.
. "$SCX_SRC/tests/integration/lib.sh"
need_root
need_btf

run_rc 0 "$SCXPROF" doctor
for c in kernel privileges btf bpf-tp-btf bpf-fentry bpf-task-iter sched-events perf perf-script-cgroup perf-mem sched-ext cgroup-v2; do
	expect_match "$OUT" "^$c +(ok|missing|refused|unknown) " "table has a row for $c"
done
expect_match "$OUT" "What \`scxprof record\` can do on this host" "table ends with the record verdict"

run_rc 0 "$SCXPROF" doctor --json
printf '%s\n' "$OUT" >"$T/doctor.json"
validate "$SCX_SRC/schemas/doctor.schema.json" "$T/doctor.json"

status() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print([c["status"] for c in d["checks"] if c["name"]==sys.argv[2]][0])' "$T/doctor.json" "$1"; }
field() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d; [v:=v[k] for k in sys.argv[2].split(".")]; print(str(v).lower())' "$T/doctor.json" "$1"; }

expect_eq "$(status bpf-tp-btf)" ok "tp_btf/sched_switch loads and attaches"
expect_eq "$(status btf)" ok "BTF present"
expect_eq "$(status privileges)" ok "root recognised"

# fentry: refused under lockdown or without direct-call trampolines (this host).
if ! grep -q . /sys/kernel/tracing/available_filter_functions 2>/dev/null &&
	! grep -q . /sys/kernel/debug/tracing/available_filter_functions 2>/dev/null; then
	expect_eq "$(status bpf-fentry)" refused "fentry refused on a host without ftrace function tracing"
	expect_eq "$(field record.hints)" poll "hints fall back to poll mode"
else
	echo "SKIP: fentry expectation (this host has ftrace function tracing)"
fi
expect_eq "$(status bpf-task-iter)" ok "iter/task reads a task-storage map"

if [ ! -e /sys/bus/event_source/devices/cpu/events/mem-loads ] && [ ! -e /sys/bus/event_source/devices/ibs_op ] &&
	[ ! -e /sys/bus/event_source/devices/arm_spe_0 ]; then
	expect_eq "$(status perf-mem)" missing "perf mem unsupported without a memory-sampling PMU"
	expect_eq "$(field record.mem)" mem-event "record needs --mem-event here"
	expect_match "$(grep -A1 '^perf-mem' <<<"$(cd "$T" && "$SCXPROF" doctor)")" "--mem-event page-faults" "remedy names --mem-event page-faults"
else
	echo "SKIP: perf mem expectation (this host has a memory-sampling PMU)"
fi

if [ ! -e /sys/kernel/sched_ext ]; then
	expect_eq "$(status sched-ext)" missing "sched_ext absent"
else
	expect_eq "$(status sched-ext)" ok "sched_ext present"
fi

# perf 6.1 (Debian 12): no cgroup field in perf script.
if perf version 2>/dev/null | grep -Eq 'version 6\.[012]\.|version 5\.'; then
	expect_eq "$(status perf-script-cgroup)" missing "perf < 6.3 has no cgroup field"
	expect_eq "$(field record.cgroup_source)" cgroups.jsonl "cgroups come from cgroups.jsonl"
fi

# SCXPROF_PERF is honoured, and a missing perf is reported, not fatal.
SCXPROF_PERF=/nonexistent/perf run_rc 0 "$SCXPROF" doctor
expect_match "$OUT" "^perf +missing +'/nonexistent/perf' not found" "missing perf reported"

# Nothing left behind by the probes.
mkdir "$T/cwd"
before=$(ls /tmp | grep -c 'scxprof-' || true)
(cd "$T/cwd" && "$SCXPROF" doctor >/dev/null)
after=$(ls /tmp | grep -c 'scxprof-' || true)
expect_eq "$after" "$before" "no temporary files left in /tmp"
expect_eq "$(ls -A "$T/cwd" | wc -l)" 0 "nothing written to the working directory"
