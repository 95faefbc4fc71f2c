#!/bin/bash
# scxprof record against a fake perf (tests/helpers/fake-perf via SCXPROF_PERF):
# the exact perf command lines, the bundle and its schemas, every way a perf
# child can misbehave (early exit, failure, hang, stderr flood), signals at
# several moments (nothing left, no perf left, exit 130), and the checks made
# before anything starts (existing output, bad --file, disk space, unwritable
# directory). No root needed except for the tmpfs mounts (skipped otherwise).
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/record_lib.sh"

export SCXPROF_PERF=$SCX_SRC/tests/helpers/fake-perf
unset SCX_CHARACTERIZE_PERF FAKE_PERF_MEM FAKE_PERF_MEM_MODE FAKE_PERF_SCHED_MODE FAKE_PERF_SCRIPT FAKE_PERF_SIZE_MB
[ -x /usr/bin/python3 ] || skip "fake perf needs /usr/bin/python3"

SCHED_EVENTS="-e sched:sched_switch -e sched:sched_wakeup -e sched:sched_wakeup_new -e sched:sched_waking -e sched:sched_stat_runtime -e irq:irq_handler_entry -e irq:irq_handler_exit -e irq:softirq_entry -e irq:softirq_exit -e irq:softirq_raise -e irq_vectors:local_timer_entry -e irq_vectors:local_timer_exit -e irq_vectors:reschedule_entry -e irq_vectors:reschedule_exit -e nmi:nmi_handler"
# The tracepoints this kernel lacks are left out; expect what BTF says is there.
if [ -r /sys/kernel/btf/vmlinux ] && command -v bpftool >/dev/null; then
	have_tp() { bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "TYPEDEF 'btf_trace_$1'"; }
	btf_dump=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep "TYPEDEF 'btf_trace_")
	SCHED_EXPECT=""
	for e in $SCHED_EVENTS; do
		[ "$e" = -e ] && continue
		grep -q "'btf_trace_${e#*:}'" <<<"$btf_dump" && SCHED_EXPECT="$SCHED_EXPECT -e $e"
	done
	SCHED_EXPECT=${SCHED_EXPECT# }
else
	SCHED_EXPECT=$SCHED_EVENTS
fi

# A fresh directory and log per case.
n=0
new_case() {
	n=$((n + 1))
	D=$T/c$n
	mkdir -p "$D"
	export FAKE_PERF_LOG=$D.log
	: >"$FAKE_PERF_LOG"
}
# Lines of the log whose arguments start with $1 (e.g. "mem record --all").
log_args() { awk -F'\t' -v p="$1" 'index($3, p) == 1 { print $3 }' "$FAKE_PERF_LOG"; }
log_cwd() { awk -F'\t' -v p="$1" 'index($3, p) == 1 { print $2 }' "$FAKE_PERF_LOG"; }
# Every perf the recorder started is gone (checked with kill -0 on its pid).
no_perf_left() {
	local pid
	for pid in $(awk -F'\t' '$2 != "signal" { print $1 }' "$FAKE_PERF_LOG" | sort -u); do
		if kill -0 "$pid" 2>/dev/null; then
			fail "$1: perf pid $pid still running: $(tr '\0' ' ' </proc/$pid/cmdline)"
		fi
	done
	ok "$1: no perf process left"
}
# The directory holds exactly these names (sorted, space-separated; "" = empty).
expect_dir() { expect_eq "$(ls -A "$1" | sort | tr '\n' ' ' | sed 's/ $//')" "$2" "$3"; }
# Start record in the background (stdout/stderr in $D.out/$D.err); RPID is its pid.
start_bg() {
	"$SCXPROF" record "$@" >"$D.out" 2>"$D.err" &
	RPID=$!
}
wait_bg() {
	wait "$RPID"
	RC=$?
	ERR=$(cat "$D.err")
}
# Wait (up to 20 s) until command $1 succeeds.

# ---- a normal recording: exact argv, bundle layout, schemas ------------------
new_case
run_rc 0 "$SCXPROF" record -t 1 -o "$D/run1"
expect_eq "$OUT" "$D/run1.tar.gz" "the bundle path is printed on stdout"
expect_dir "$D" "run1.tar.gz" "only the archive is left (no staging directory)"
expect_eq "$(log_args version)" "version" "perf version is run"
expect_eq "$(log_args 'mem record --all')" \
	"mem record --all-cgroups -p --data-page-size --ldlat 10 -k CLOCK_MONOTONIC -m 8M,8M -o perf.data" \
	"perf mem record command line"
expect_eq "$(log_args 'record -a')" "record -a -k CLOCK_MONOTONIC -m 8M -o perf.sched.data $SCHED_EXPECT" \
	"sched perf record command line (events this kernel has)"
expect_match "$(log_cwd 'record -a')" "/\.run1\.tmp\.[A-Za-z0-9]{6}$" "perf writes into a temporary staging directory"
no_perf_left "normal run"
mkdir "$D/x" && tar -xzf "$D/run1.tar.gz" -C "$D/x" || fail "tar cannot read the archive"
expect_dir "$D/x" "run1" "one top-level directory, named after the archive"
expect_dir "$D/x/run1" "cgroups.jsonl meta.json perf.data perf.sched.data perf.version" "bundle files"
expect_eq "$(cat "$D/x/run1/perf.version")" "perf version 6.1.0-fake" "perf.version holds perf version's output"
expect_match "$(head -c 20 "$D/x/run1/perf.data")" "^FAKEPERF mem" "perf.data is what perf wrote"
validate "$SCX_SRC/schemas/meta.schema.json" "$D/x/run1/meta.json"
validate "$SCX_SRC/schemas/cgroups.schema.json" "$D/x/run1/cgroups.jsonl" --jsonl
M=$D/x/run1/meta.json
expect_eq "$(json "$M" stop_reason)" timeout "meta: stopped by the timeout"
expect_eq "$(json "$M" traces.mem.kind)" perf-mem "meta: mem trace is perf mem"
expect_eq "$(json "$M" traces.mem.exit)" "killed by signal 2 (SIGINT)" "meta: perf stopped by SIGINT"
expect_eq "$(json "$M" traces.hints.enabled)" false "meta: no hints without a map"
expect_eq "$(json "$M" name)" run1 "meta: bundle name"
expect_eq "$(json "$M" cgroups.threads_start)" "$(grep -c '"timestamp":'"$(head -1 "$D/x/run1/cgroups.jsonl" | sed 's/.*"timestamp":\([0-9]*\).*/\1/')" "$D/x/run1/cgroups.jsonl")" \
	"meta: threads_start counts the first snapshot"
expect_match "$(grep -c "\"tid\":$$," "$D/x/run1/cgroups.jsonl")" "^2$" "cgroups.jsonl has this shell at start and end"
dur=$(json "$M" duration_ns)
[ "$dur" -ge 1000000000 ] && [ "$dur" -lt 5000000000 ] || fail "duration_ns $dur not about 1 s"
ok "meta: duration about 1 s"

# -f: the archive's name is the top-level directory; -o is only staging.
new_case
mkdir "$D/arch"
run_rc 0 "$SCXPROF" record -t 0 -o "$D/staging/" -f "$D/arch/run9.tar.gz" --disable-sched-trace
expect_dir "$D" "arch" "-o directory is not left behind with -f"
expect_eq "$(tar -tzf "$D/arch/run9.tar.gz" | sort | head -1)" "run9/" "top-level directory from the -f name"
expect_eq "$(log_args 'record -a')" "" "--disable-sched-trace starts no sched perf"

# -o with a trailing slash: the archive goes beside the directory, not inside.
new_case
run_rc 0 "$SCXPROF" record -t 0 -o "$D/run2/" --disable-sched-trace
expect_dir "$D" "run2.tar.gz" "-o DIR/ archives to DIR.tar.gz beside it"

# --mem-event: perf record of a software event instead of perf mem.
new_case
FAKE_PERF_MEM=unsupported run_rc 0 "$SCXPROF" record -t 0 -o "$D/r" --mem-event page-faults --disable-sched-trace
expect_eq "$(log_args 'record -e')" \
	"record -e page-faults -a -d --phys-data --data-page-size --all-cgroups -k CLOCK_MONOTONIC -m 8M -o perf.data" \
	"--mem-event command line"
expect_eq "$(log_args 'mem record -e list')" "" "--mem-event skips the perf mem probe"
tar -xzf "$D/r.tar.gz" -C "$D" && M=$D/r/meta.json
expect_eq "$(json "$M" traces.mem.kind)/$(json "$M" traces.mem.event)" "event/page-faults" "meta: mem event recorded"
expect_eq "$(json "$M" traces.sched.enabled)" false "meta: sched trace disabled"

# --disable-archive keeps the directory; -l is passed to perf mem.
new_case
run_rc 0 "$SCXPROF" record -t 0 -l 30 -o "$D/dir" --disable-archive --disable-sched-trace
expect_dir "$D" "dir" "--disable-archive leaves the directory only"
expect_dir "$D/dir" "cgroups.jsonl meta.json perf.data perf.version" "directory bundle files"
expect_match "$(log_args 'mem record --all')" " --ldlat 30 " "-l reaches perf mem"

# --enable-perf-script: scripts generated with --ns and the field list perf 6.1 accepts.
new_case
run_rc 0 "$SCXPROF" record -t 0 -o "$D/s" --enable-perf-script
expect_eq "$(log_args 'script --ns' | sort | tr '\n' '|')" \
	"script --ns -F comm,pid,tid,cpu,time,event,trace -i perf.sched.data|script --ns -F comm,tid,pid,time,ip,addr,phys_addr,data_page_size,dso,sym -i perf.data|" \
	"perf script command lines (no cgroup field on perf 6.1)"
expect_match "$ERR" "Generating perf.script" "script generation is announced"
tar -xzf "$D/s.tar.gz" -C "$D"
expect_match "$(cat "$D/s/perf.script")" "^fake-worker 100/100 " "perf.script holds perf script's output"
expect_eq "$(json "$D/s/meta.json" perf_scripts.0.result)" ok "meta: script result"
# failures are warnings (upstream rules): failed → no file; partial → kept.
new_case
FAKE_PERF_SCRIPT=fail run_rc 0 "$SCXPROF" record -t 0 -o "$D/s" --enable-perf-script --disable-sched-trace
expect_match "$ERR" "warning: failed to generate perf.script: perf script exited with status 1: fake perf script: simulated failure" "failed script is a warning"
expect_eq "$(tar -tzf "$D/s.tar.gz" | grep -c perf.script)" 0 "failed script left out"
new_case
FAKE_PERF_SCRIPT=partial run_rc 0 "$SCXPROF" record -t 0 -o "$D/s" --enable-perf-script --disable-sched-trace
expect_match "$ERR" "perf script exited with status 1 after writing [0-9]+ bytes to perf.script. Continuing" "partial script kept with a warning"
expect_eq "$(tar -tzf "$D/s.tar.gz" | grep -c perf.script)" 1 "partial script kept"
new_case
FAKE_PERF_SCRIPT=diag run_rc 0 "$SCXPROF" record -t 0 -o "$D/s" --enable-perf-script --disable-sched-trace
expect_match "$ERR" "perf script reported diagnostics for perf.script" "script diagnostics reported"

# ---- checks before anything starts -------------------------------------------
new_case
FAKE_PERF_MEM=unsupported run_rc 1 "$SCXPROF" record -t 1 -o "$D/r"
expect_match "$ERR" "^scxprof: perf mem cannot sample on this host .*--mem-event page-faults.*scxprof doctor" "no perf mem: names --mem-event page-faults and doctor"
expect_eq "$(log_args 'mem record --all')$(log_args 'record -a')" "" "no perf record started"
expect_dir "$D" "" "nothing written"

new_case
mkdir "$D/r" && echo keep >"$D/r/file"
run_rc 1 "$SCXPROF" record -t 1 -o "$D/r"
expect_match "$ERR" "^scxprof: output directory '.*/r' already exists$" "existing output directory refused"
expect_eq "$(cat "$D/r/file")" keep "existing directory untouched"
echo keep >"$D/x.tar.gz"
run_rc 1 "$SCXPROF" record -t 1 -o "$D/x"
expect_match "$ERR" "archive '.*/x.tar.gz' already exists" "existing archive refused"
expect_eq "$(cat "$D/x.tar.gz")" keep "existing archive untouched"
expect_eq "$(log_args 'mem record --all')" "" "nothing started"

run_rc 2 "$SCXPROF" record -o "$D/y" -f "$D/y.tgz"
expect_match "$ERR" "must end with .tar.gz" "--file without .tar.gz"
run_rc 2 "$SCXPROF" record -o "$D/y" -f "$D/.tar.gz"
expect_match "$ERR" "needs a name before .tar.gz" "--file with an empty name"
run_rc 2 "$SCXPROF" record -o "$D/y" -f "$D/y.tar.gz" --disable-archive
expect_match "$ERR" "--file cannot be used with --disable-archive" "--file with --disable-archive"
run_rc 2 "$SCXPROF" record -o "$D/y" --hints-map /sys/fs/bpf/x --hints-map-ring-sz 3
expect_match "$ERR" "power of two" "ring size not a power of two"
run_rc 2 "$SCXPROF" record -o "$D/y" --hints-map /sys/fs/bpf/x --hints-map-ring-sz 4096
expect_match "$ERR" "invalid value for --hints-map-ring-sz" "ring size too large"
run_rc 2 "$SCXPROF" record -o "$D/y" --hints-mode poll
expect_match "$ERR" "--hints-mode needs --hints-map or --hints-map-id" "--hints-mode without a map"
run_rc 2 "$SCXPROF" record -o "$D/y" --hints-map /x --hints-map-id 3
expect_match "$ERR" "cannot be used together" "both map options"
run_rc 2 "$SCXPROF" record -o "$D/y" --disable-mem-trace --disable-sched-trace
expect_match "$ERR" "at least one of mem trace, sched trace, or hints trace must be enabled" "nothing to record"
run_rc 2 "$SCXPROF" record -o "$D/y" extra
expect_match "$ERR" "unexpected argument 'extra'" "stray argument"
expect_dir "$D" "r x.tar.gz" "usage errors write nothing"

new_case
run_rc 1 "$SCXPROF" record -t 1 -o "$D/missing/r"
expect_match "$ERR" "^scxprof: output: directory '.*/missing': No such file or directory$" "missing parent directory"
run_rc 1 "$SCXPROF" record -t 1 -o "$D/r" -f "$D/none/r.tar.gz"
expect_match "$ERR" "^scxprof: archive: directory '.*/none': No such file or directory$" "missing archive directory"

new_case
SCXPROF_PERF=/nonexistent/perf run_rc 1 "$SCXPROF" record -t 1 -o "$D/r"
expect_match "$ERR" "^scxprof: perf not found: '/nonexistent/perf' \(install linux-perf, or set SCXPROF_PERF\)$" "missing perf"
FAKE_PERF_VERSION_FAIL=1 run_rc 1 "$SCXPROF" record -t 1 -o "$D/r"
expect_match "$ERR" "version' failed: non-zero exit" "perf version failing"
expect_dir "$D" "" "nothing left when perf version fails (upstream left the directory)"

if [ "$(id -u)" -eq 0 ]; then
	new_case
	mkdir "$D/small" "$D/ro"
	mount -t tmpfs -o size=256k tmpfs "$D/small" && at_exit "umount '$D/small'"
	run_rc 1 "$SCXPROF" record -t 30 -o "$D/small/r"
	expect_match "$ERR" "^scxprof: not enough disk space in '.*/small': the recording needs about .*, .* is free; shorten -t" "disk space refusal"
	expect_dir "$D/small" "" "nothing written on the small file system"
	expect_eq "$(log_args 'mem record --all')" "" "no perf started when space is short"
	# Free space running out while recording: stop early, keep the bundle.
	mkdir "$D/fill"
	mount -t tmpfs -o size=48m tmpfs "$D/fill" && at_exit "umount '$D/fill'"
	FAKE_PERF_FILL_MB=36 run_rc 0 "$SCXPROF" record -t 30 -o "$D/fill/r" --disable-sched-trace
	expect_match "$ERR" "warning: only .* left in '.*/fill' \(.* kept for the archive\): stopping the recording early, after [0-9.]+ s" "disk filling up: early stop announced"
	expect_dir "$D/fill" "r.tar.gz" "disk filling up: the bundle is kept"
	mkdir "$D/fx" && tar -xzf "$D/fill/r.tar.gz" -C "$D/fx" r/meta.json
	expect_eq "$(json "$D/fx/r/meta.json" stop_reason)" disk-space "meta: stopped for disk space"
	mount -t tmpfs -o ro,size=1m tmpfs "$D/ro" && at_exit "umount '$D/ro'"
	run_rc 1 "$SCXPROF" record -t 1 -o "$D/ro/r"
	expect_match "$ERR" "^scxprof: output: cannot write in '.*/ro': Read-only file system$" "unwritable directory"
	run_rc 1 "$SCXPROF" record -t 1 -o "$D/r" -f "$D/ro/r.tar.gz"
	expect_match "$ERR" "^scxprof: archive: cannot write in '.*/ro': Read-only file system$" "unwritable archive directory"
else
	echo "SKIP: disk space and read-only checks need root (tmpfs mounts)"
fi

# ---- misbehaving perf ----------------------------------------------------------
new_case # stderr is a pipe that closes at once: no SIGPIPE death halfway
"$SCXPROF" record -t 1 -o "$D/r" 2>&1 | head -c 1 >/dev/null
wait_for "[ -e '$D/r.tar.gz' ] || ! pgrep -f 'scxprof record -t 1 -o $D/r' >/dev/null"
expect_dir "$D" "r.tar.gz" "closed stderr: the recording completes, nothing half-done"
no_perf_left "closed stderr"
new_case
FAKE_PERF_MEM_MODE=exit-early FAKE_PERF_DELAY=0 run_rc 1 "$SCXPROF" record -t 10 -o "$D/r"
expect_match "$ERR" "^scxprof: perf mem record (failed to start|exited [0-9.]+ s into the recording, before it was stopped): exited with status 1 \(perf: \"fake perf: simulated failure \(mem\)\"\)$" "perf failing at once is reported"
expect_dir "$D" "" "perf failing at once: everything removed"
new_case
FAKE_PERF_MEM_MODE=exit-early run_rc 1 "$SCXPROF" record -t 10 -o "$D/r"
expect_match "$ERR" "^scxprof: perf mem record exited [0-9.]+ s into the recording, before it was stopped: exited with status 1 \(perf: \"fake perf: simulated failure \(mem\)\"\)$" "early exit reported with perf's message"
expect_dir "$D" "" "early exit: everything removed"
no_perf_left "early exit"
new_case
FAKE_PERF_SCHED_MODE=exit0-early run_rc 1 "$SCXPROF" record -t 10 -o "$D/r"
expect_match "$ERR" "perf record \(sched\) exited [0-9.]+ s into the recording, before it was stopped: exited with status 0" "early exit with status 0 is an error too"
expect_dir "$D" "" "early exit 0: everything removed"
new_case
FAKE_PERF_SCHED_MODE=fail-stop run_rc 1 "$SCXPROF" record -t 0 -o "$D/r"
expect_match "$ERR" "perf record \(sched\) failed while stopping: exited with status 255 \(perf: \"fake perf: failed to write the sched data\"\)" "failure at stop reported"
expect_dir "$D" "" "failure at stop: everything removed"

new_case
start=$(date +%s.%N)
FAKE_PERF_SCHED_MODE=hang run_rc 0 "$SCXPROF" record -t 0 --stop-grace 1 -o "$D/r"
secs=$(echo "$(date +%s.%N) - $start" | bc)
expect_match "$ERR" "warning: perf record \(sched\) did not stop within 1 s of SIGINT: killing it \(SIGKILL\)" "hanging perf killed after the grace period"
expect_match "$ERR" "warning: perf record \(sched\) was killed: perf.sched.data may be incomplete" "killed perf: data flagged"
[ "$(echo "$secs < 20" | bc)" = 1 ] || fail "hang took ${secs}s"
no_perf_left "hang"
tar -xzf "$D/r.tar.gz" -C "$D"
expect_eq "$(json "$D/r/meta.json" traces.sched.killed)" true "meta: sched perf marked killed"

new_case
FAKE_PERF_SCHED_MODE=flood run_rc 0 "$SCXPROF" record -t 1 -o "$D/r"
expect_match "$ERR" "perf sched: [0-9]+ more stderr lines not shown" "stderr flood: capped, counted"
[ "$(wc -l <"$T/.err")" -lt 60 ] || fail "stderr flood reached the terminal: $(wc -l <"$T/.err") lines"
ok "stderr flood: no deadlock, terminal spared"

# ---- signals ------------------------------------------------------------------
# Interrupted = nothing on disk, no perf left, one line, exit 130.
# $3: perf output that must not be shown (it comes after the signal).
expect_interrupted() {
	expect_eq "$RC" 130 "$1: exit 130"
	expect_no_match "$(cat "$D.err")" "${3:-perf record:}" "$1: perf's messages are not shown after the signal"
	expect_match "$(tail -n 1 "$D.err")" "^scxprof: interrupted by $2: recording discarded, nothing was written$" "$1: one-line message"
	expect_dir "$D" "" "$1: nothing left on disk"
	no_perf_left "$1"
}
for sig in INT TERM HUP; do
	new_case
	start_bg -t 30 -o "$D/r"
	wait_for "grep -q 'record -a' '$FAKE_PERF_LOG'"
	sleep 0.5
	kill -$sig "$RPID"
	wait_bg
	expect_interrupted "SIG$sig mid-recording" "SIG$sig"
done

new_case # while checking (the estimate takes 200 ms)
start_bg -t 30 -o "$D/r"
wait_for "grep -q 'mem record -e list' '$FAKE_PERF_LOG'"
kill -INT "$RPID"
wait_bg
expect_eq "$RC" 130 "signal before recording: exit 130"
expect_dir "$D" "" "signal before recording: nothing left"
expect_eq "$(log_args 'record -a')" "" "signal before recording: perf never started"

new_case # while perf is stopping (slow to finish after SIGINT)
FAKE_PERF_SCHED_MODE=slow-stop start_bg -t 1 -o "$D/r"
wait_for "grep -q '	signal	' '$FAKE_PERF_LOG'"
kill -INT "$RPID"
wait_bg
expect_interrupted "signal while perf stops" SIGINT "perf sched:"

new_case # a second signal forces the stop of a perf that ignores SIGINT
start=$(date +%s.%N)
FAKE_PERF_SCHED_MODE=hang start_bg -t 30 -o "$D/r"
wait_for "grep -q 'record -a' '$FAKE_PERF_LOG'"
sleep 0.3
kill -INT "$RPID"
sleep 0.5
kill -0 "$RPID" 2>/dev/null || fail "record exited on the first signal although perf ignores SIGINT"
kill -INT "$RPID"
wait_bg
expect_eq "$RC" 130 "second signal: exit 130"
expect_match "$ERR" "SIGINT again: killing perf now" "second signal kills perf"
secs=$(echo "$(date +%s.%N) - $start" | bc)
[ "$(echo "$secs < 20" | bc)" = 1 ] || fail "forced stop took ${secs}s (grace is 60 s)"
expect_dir "$D" "" "forced stop: nothing left"
no_perf_left "forced stop"

new_case # during record-time perf script (upstream kept a bundle without the script)
FAKE_PERF_SCRIPT=slow start_bg -t 0 -o "$D/r" --enable-perf-script --disable-sched-trace
wait_for "grep -q 'script --ns' '$FAKE_PERF_LOG'"
sleep 0.3
kill -INT "$RPID"
wait_bg
expect_eq "$RC" 130 "signal during perf script: exit 130"
expect_dir "$D" "" "signal during perf script: nothing left"
no_perf_left "signal during perf script"

new_case # while the archive is written (big random perf.data)
FAKE_PERF_SIZE_MB=200 start_bg -t 0 -o "$D/r" --disable-sched-trace
wait_for "ls -A '$D' | grep -q '^\.r\.tar\.gz\.tmp\.'"
kill -INT "$RPID"
wait_bg
expect_eq "$RC" 130 "signal while archiving: exit 130"
expect_match "$(tail -n 1 "$D.err")" "^scxprof: interrupted by SIGINT: recording discarded, nothing was written$" "signal while archiving: one line"
expect_dir "$D" "" "signal while archiving: no archive, no temporary file, no staging directory"

new_case # -t 0 with only the sched trace works, and SCX_CHARACTERIZE_PERF is honoured
SCXPROF_PERF= SCX_CHARACTERIZE_PERF=$SCX_SRC/tests/helpers/fake-perf run_rc 0 "$SCXPROF" record -t 0 -o "$D/r" --disable-mem-trace
expect_dir "$D" "r.tar.gz" "SCX_CHARACTERIZE_PERF honoured"
