#!/bin/bash
# scxprof record's hint recorder against a real task-storage map: the helper
# tests/helpers/hintmap creates and pins one on bpffs (as scx_layered does) and
# its threads set and change their hints through pidfds while record runs.
#  - poll mode records every (tid, hint) change, including hints set before the
#    recording and hints set for a thread by another thread (attributed to the
#    thread holding the hint), and a 0 when the threads exit;
#  - trace mode fails with a clear "fentry not permitted" where the kernel refuses
#    fentry (this host), and auto falls back to poll;
#  - maps that are not task-storage maps, too small values, missing pins and ids
#    are refused before anything is recorded.
# Only the hint trace runs (--disable-mem-trace --disable-sched-trace): no perf.
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/record_lib.sh"
need_root
need_btf
HELPER=$SCX_BUILD/tests/helpers/hintmap
[ -x "$HELPER" ] || fail "$HELPER not built"

need_bpffs
PIN=/sys/fs/bpf/scxprof-test-$$-$RANDOM
at_exit "rm -f '$PIN' '$PIN-hash' '$PIN-small'"

# fentry refused here? (doctor's probe, so the expectation follows the kernel)
"$SCXPROF" doctor --json >"$T/doctor.json" 2>/dev/null
fentry=$(/usr/bin/python3 -c 'import json,sys; print([c["status"] for c in json.load(open(sys.argv[1]))["checks"] if c["name"]=="bpf-fentry"][0])' "$T/doctor.json")

HINTS_ONLY="--disable-mem-trace --disable-sched-trace"

# Start the helper: its stdin is a fifo we keep open on fd 7; stdout in $T/h.out.
start_helper() {
	rm -f "$T/h.in"
	mkfifo "$T/h.in"
	"$HELPER" "$@" <"$T/h.in" >"$T/h.out" 2>"$T/h.err" &
	HPID=$!
	exec 7>"$T/h.in"
	at_exit "kill $HPID 2>/dev/null"
	wait_for "grep -q '^map ' '$T/h.out'"
	MAP_ID=$(sed -n 's/^map //p' "$T/h.out")
}
stop_helper() {
	echo quit >&7
	exec 7>&-
	wait "$HPID"
}

# ---- poll mode, the whole story -------------------------------------------------
start_helper --threads 3 "$PIN"
wait_for "grep -q '^ready' '$T/h.out'"
"$SCXPROF" record -t 3 --hints-map "$PIN" --hints-mode poll $HINTS_ONLY -o "$T/p" >"$T/r.out" 2>"$T/r.err" &
RPID=$!
wait_for "grep -q '^recording' '$T/r.err'"
echo go >&7
wait_for "grep -q '^done' '$T/h.out'"
wait "$RPID"
rc=$?
stop_helper
[ $rc -eq 0 ] || fail "record exited $rc: $(cat "$T/r.err")"
ok "poll-mode recording succeeded"
expect_match "$(cat "$T/r.err")" "^hints: poll mode every 10 ms, map '$PIN', id $MAP_ID" "mode and map said on stderr"
mkdir "$T/px" && tar -xzf "$T/p.tar.gz" -C "$T/px"
H=$T/px/p/hints.jsonl
validate "$SCX_SRC/schemas/hints.schema.json" "$H" --jsonl
validate "$SCX_SRC/schemas/meta.schema.json" "$T/px/p/meta.json"
M=$T/px/p/meta.json
expect_eq "$(json "$M" traces.hints.mode)" poll "meta: hint mode poll"
expect_eq "$(json "$M" traces.hints.map.id)" "$MAP_ID" "meta: map id"
expect_eq "$(json "$M" traces.hints.map.value_size)" 32 "meta: value size"
[ "$(json "$M" traces.hints.polls)" -ge 100 ] || fail "only $(json "$M" traces.hints.polls) polls in 3 s at 10 ms"
ok "meta: about 100 polls a second ($(json "$M" traces.hints.polls) polls, $(json "$M" traces.hints.poll_ns_avg) ns per pass over $(json "$M" traces.hints.tasks_last_poll) tasks)"
expect_eq "$(json "$M" traces.hints.lines)" "$(wc -l <"$H")" "meta: line count"
HTGID=$HPID
# Expected: for each worker, 1000+i (set before recording), 2000+i, 3000+i, 4000+i (set by main).
/usr/bin/python3 - "$H" "$T/h.out" "$HTGID" "$(json "$M" end.monotonic_ns)" <<'EOF' || fail "hints.jsonl does not hold the expected changes"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sets = [l.split() for l in open(sys.argv[2]) if l.startswith("set ")]
tgid, end = int(sys.argv[3]), int(sys.argv[4])
workers = sorted({int(s[1]) for s in sets})
assert len(workers) == 3, workers
for tid in workers:
    mine = [l for l in lines if l["pid"] == tid]
    got = [l["hints"] for l in mine]
    i = sorted(int(s[3]) for s in sets if int(s[1]) == tid)[0] - 1000
    want = [1000 + i, 2000 + i, 3000 + i, 4000 + i]
    assert got == want, (tid, got, want)
    assert all(l["tgid"] == tgid for l in mine), mine
    ts = [l["timestamp"] for l in mine]
    assert ts == sorted(ts) and ts[-1] <= end, ts
# nothing about other threads (the main thread never holds a hint)
assert {l["pid"] for l in lines} == set(workers), lines
print("ok - each worker: 1000+i (before recording), 2000+i, 3000+i, 4000+i (set by another thread), in order")
EOF
ok "poll mode recorded every change, attributed to the thread holding the hint"

# Threads that exit while recording: their hint drops to 0.
start_helper --threads 2 "$PIN"
wait_for "grep -q '^ready' '$T/h.out'"
"$SCXPROF" record -t 2 --hints-map-id "$MAP_ID" $HINTS_ONLY -o "$T/q" >"$T/r.out" 2>"$T/r.err" &
RPID=$!
wait_for "grep -q '^recording' '$T/r.err'"
sleep 0.3
stop_helper # quit before "go": the process exits with its threads
wait "$RPID" || fail "record --hints-map-id failed: $(cat "$T/r.err")"
ok "--hints-map-id works"
tar -xzf "$T/q.tar.gz" -C "$T"
expect_eq "$(grep -c '"hints":100[01],' "$T/q/hints.jsonl")" 2 "hints set before recording are recorded"
expect_eq "$(grep -c '"hints":0,' "$T/q/hints.jsonl")" 2 "exited threads get hint 0"
expect_eq "$(json "$T/q/meta.json" options.hints_map_id)" "$MAP_ID" "meta: map id option"

# ---- trace mode and auto on this kernel ----------------------------------------------
start_helper --threads 1 "$PIN"
wait_for "grep -q '^ready' '$T/h.out'"
if [ "$fentry" = refused ]; then
	run_rc 1 "$SCXPROF" record -t 1 --hints-map "$PIN" --hints-mode trace $HINTS_ONLY -o "$T/t"
	expect_match "$ERR" "^scxprof: hint trace mode: fentry not permitted on this kernel \(loading fentry/bpf_map_update_value: Operation not permitted\); use --hints-mode poll \(or auto\)$" "trace mode: clear 'fentry not permitted'"
	expect_eq "$(ls -A "$T" | grep -c '^t\|^\.t\.')" 0 "trace mode failure leaves nothing"
	run_rc 0 "$SCXPROF" record -t 1 --hints-map "$PIN" $HINTS_ONLY -o "$T/a"
	expect_match "$ERR" "^hints: poll mode every 10 ms, map '$PIN', id $MAP_ID \(trace mode unavailable: fentry not permitted on this kernel" "auto falls back to poll, and says why"
	tar -xzf "$T/a.tar.gz" -C "$T"
	expect_eq "$(json "$T/a/meta.json" traces.hints.mode)" poll "meta: auto ran poll"
	expect_match "$(json "$T/a/meta.json" traces.hints.fallback_reason)" "fentry not permitted" "meta: fallback reason"
	expect_eq "$(json "$T/a/meta.json" options.hints_mode)" auto "meta: auto requested"
else
	run_rc 0 "$SCXPROF" record -t 1 --hints-map "$PIN" --hints-mode trace $HINTS_ONLY -o "$T/t"
	expect_match "$ERR" "^hints: trace mode" "trace mode runs where fentry is allowed"
	tar -xzf "$T/t.tar.gz" -C "$T"
	expect_eq "$(grep -c '"hints":1000,' "$T/t/hints.jsonl")" 1 "trace mode: initial snapshot"
fi
stop_helper

# ---- maps that are refused ------------------------------------------------------------
start_helper --hash "$PIN-hash"
run_rc 1 "$SCXPROF" record -t 1 --hints-map "$PIN-hash" $HINTS_ONLY -o "$T/x"
expect_match "$ERR" "^scxprof: hints map '$PIN-hash': a hash map \(id [0-9]+, 'scx_test_hash'\), not a task-storage map$" "hash map refused"
stop_helper
start_helper --value-size 4 "$PIN-small"
run_rc 1 "$SCXPROF" record -t 1 --hints-map "$PIN-small" $HINTS_ONLY -o "$T/x"
expect_match "$ERR" "values are 4 bytes; a task hint needs at least 8$" "too small values refused"
stop_helper
run_rc 1 "$SCXPROF" record -t 1 --hints-map "$PIN-none" $HINTS_ONLY -o "$T/x"
expect_match "$ERR" "^scxprof: hints map '$PIN-none': no such pinned object" "missing pin"
run_rc 1 "$SCXPROF" record -t 1 --hints-map-id 4294967295 $HINTS_ONLY -o "$T/x"
expect_match "$ERR" "^scxprof: hints map id 4294967295: no BPF map with this id$" "unknown map id"
run_rc 1 "$SCXPROF" record -t 1 --hints-map "$T/h.out" $HINTS_ONLY -o "$T/x"
expect_match "$ERR" "not on a bpf file system" "a path outside bpffs"
expect_eq "$(ls -A "$T" | grep -c '^x\|^\.x')" 0 "refusals leave nothing"
