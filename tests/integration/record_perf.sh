#!/bin/bash
# scxprof record with the real perf: memory samples from a software event
# (--mem-event page-faults, this host has no memory-sampling PMU), the sched
# trace from tracepoints, CLOCK_MONOTONIC timestamps inside the recording
# window, record-time perf script, perf mem refused with a clear message where
# it cannot sample, and Ctrl-C leaving no perf behind.
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/record_lib.sh"
need_root
need_cmd perf "linux-perf"
unset SCXPROF_PERF SCX_CHARACTERIZE_PERF

# Something that faults pages while we record: copy-on-write faults in forked
# children hit pages that are mapped, so perf can resolve their physical address
# (a first-touch fault has none yet: phys_addr 0, page size N/A).
faulter() { /usr/bin/python3 -c '
import os, sys, time
end = time.time() + float(sys.argv[1])
buf = bytearray(8 << 20)
for i in range(0, len(buf), 4096):
    buf[i] = 1
while time.time() < end:
    pid = os.fork()
    if pid == 0:
        for i in range(0, len(buf), 4096):
            buf[i] = 2
        os._exit(0)
    os.waitpid(pid, 0)
    time.sleep(0.01)' "$1"; }
# perf script's time column ("1234.567890123:") in ns, first and last sample.
times_ns() { perf script -i "$1" -F time --ns 2>/dev/null | /usr/bin/python3 -c '
import sys
t = [int(l.strip().rstrip(":").replace(".", "")) for l in sys.stdin if l.strip()]
print(min(t), max(t))'; }

# ---- memory samples from page faults, no sched trace ----------------------------------
faulter 6 &
FPID=$!
at_exit "kill $FPID 2>/dev/null"
run_rc 0 "$SCXPROF" record -t 3 --mem-event page-faults --disable-sched-trace -o "$T/m"
expect_match "$ERR" "perf mem: \[ perf record: Captured and wrote .* perf.data \([0-9]+ samples\) \]" "perf's summary is shown"
tar -xzf "$T/m.tar.gz" -C "$T"
expect_eq "$(ls "$T/m" | tr '\n' ' ')" "cgroups.jsonl meta.json perf.data perf.version " "bundle files"
expect_match "$(cat "$T/m/perf.version")" "^perf version [0-9]+\.[0-9]+" "perf.version"
validate "$SCX_SRC/schemas/meta.schema.json" "$T/m/meta.json"
expect_match "$(perf evlist -i "$T/m/perf.data" 2>/dev/null)" "page-faults" "perf.data holds page-fault samples"
samples=$(perf script -i "$T/m/perf.data" -F comm,tid,addr,phys_addr,data_page_size 2>/dev/null | grep -c .)
[ "$samples" -gt 0 ] || fail "no samples in perf.data"
ok "perf.data has $samples samples"
expect_match "$(perf script -i "$T/m/perf.data" -F comm,phys_addr,data_page_size 2>/dev/null | grep python3 | grep -v ' N/A' | head -1)" \
	"python3 +[1-9a-f][0-9a-f]* +4K" "copy-on-write samples carry the physical address and the data page size"
read -r first last <<<"$(times_ns "$T/m/perf.data")"
start=$(json "$T/m/meta.json" start.monotonic_ns)
end=$(json "$T/m/meta.json" end.monotonic_ns)
# perf starts a moment before the window opens and flushes after it closes.
[ "$first" -ge $((start - 10000000000)) ] && [ "$last" -le $((end + 10000000000)) ] && [ "$last" -ge "$start" ] ||
	fail "sample times $first..$last not in the CLOCK_MONOTONIC window $start..$end"
ok "sample timestamps are CLOCK_MONOTONIC, inside the recording window"

# ---- with the sched trace, and record-time perf script ----------------------------------
run_rc 0 "$SCXPROF" record -t 2 --mem-event page-faults --enable-perf-script -o "$T/s"
tar -xzf "$T/s.tar.gz" -C "$T"
expect_eq "$(ls "$T/s" | tr '\n' ' ')" "cgroups.jsonl meta.json perf.data perf.sched.data perf.sched.script perf.script perf.version " "bundle with the sched trace and scripts"
switches=$(grep -c 'sched:sched_switch' "$T/s/perf.sched.script")
[ "$switches" -gt 0 ] || fail "no sched_switch in perf.sched.script"
ok "perf.sched.script has $switches sched_switch lines"
expect_match "$(head -1 "$T/s/perf.script")" "^ *[^ ].* [0-9]+/[0-9]+ +[0-9]+\.[0-9]{9}:" "perf.script has --ns times"
expect_eq "$(json "$T/s/meta.json" traces.sched.enabled)" true "meta: sched trace ran"
expect_eq "$(json "$T/s/meta.json" perf_scripts.1.result)" ok "meta: perf.sched.script ok"

# ---- perf mem where it cannot sample ---------------------------------------------------
mkdir "$T/pm"
if ! perf mem record -e list 2>&1 | grep -q available; then
	run_rc 1 "$SCXPROF" record -t 1 -o "$T/pm/r"
	expect_match "$ERR" "^scxprof: perf mem cannot sample on this host \(perf says \"failed: memory events not supported\".*--mem-event page-faults.*scxprof doctor" "no PMU: clear message, before anything starts"
	expect_eq "$(ls -A "$T/pm")" "" "nothing written"
else
	echo "SKIP: perf mem refusal (this host can sample memory)"
fi

# ---- Ctrl-C with the real perf: nothing left, no perf left ----------------------------------
mkdir "$T/c"
"$SCXPROF" record -t 60 --mem-event page-faults -o "$T/c/r" >"$T/c.out" 2>"$T/c.err" &
RPID=$!
wait_for "grep -q '^recording' '$T/c.err'"
kids=$(ps -o pid= --ppid "$RPID" | tr -d ' ')
[ "$(echo "$kids" | grep -c .)" -eq 2 ] || fail "expected 2 perf children, got: $kids"
for k in $kids; do
	expect_match "$(tr '\0' ' ' </proc/$k/cmdline)" "^perf record " "child $k is perf record"
	[ "$(ps -o pgid= -p "$k" | tr -d ' ')" = "$k" ] || fail "perf $k is not in its own process group"
done
ok "perf children run in their own process groups"
sleep 1
kill -INT "$RPID"
wait "$RPID"
rc=$?
expect_eq "$rc" 130 "Ctrl-C: exit 130"
expect_match "$(cat "$T/c.err" | tail -n 1)" "^scxprof: interrupted by SIGINT: recording discarded, nothing was written$" "Ctrl-C: one-line message"
expect_eq "$(ls -A "$T/c")" "" "Ctrl-C: nothing left"
for k in $kids; do
	kill -0 "$k" 2>/dev/null && fail "perf $k still running after Ctrl-C"
done
ok "Ctrl-C: no perf left"

# ---- scxprof killed outright: PDEATHSIG takes perf down with it ---------------------------
mkdir "$T/k"
"$SCXPROF" record -t 60 --mem-event page-faults --disable-sched-trace -o "$T/k/r" >/dev/null 2>"$T/k.err" &
RPID=$!
wait_for "grep -q '^recording' '$T/k.err'"
kids=$(ps -o pid= --ppid "$RPID" | tr -d ' ')
kill -KILL "$RPID"
wait "$RPID" 2>/dev/null
wait_for "! kill -0 $kids 2>/dev/null"
ok "SIGKILL of scxprof: perf dies too (PR_SET_PDEATHSIG)"
ls -A "$T/k" | grep -Eq '^\.r\.tmp\.[A-Za-z0-9]{6}$' || fail "expected the killed run's staging directory"
run_rc 0 "$SCXPROF" record -t 0 --mem-event page-faults --disable-sched-trace -o "$T/k/r"
expect_match "$ERR" "warning: '.*/k/\.r\.tmp\.[A-Za-z0-9]{6}' is left over from an interrupted run that could not clean up; remove it" \
	"a killed run's staging directory is pointed out"
