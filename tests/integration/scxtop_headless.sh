#!/bin/bash
# scxtop --headless: usage errors, a clear one-line error without privileges,
# and, live (root + BTF), JSON records that validate and show a known workload:
# a busy loop pinned to CPU 1 and `perf bench sched pipe` pinned to CPU 0.
. "$SCX_SRC/tests/integration/lib.sh"

# options that only make sense with --headless, and ranges
run_rc 2 "$SCXTOP" --interval-ms 100
expect_match "$ERR" "need --headless" "--interval-ms without --headless is a usage error"
run_rc 2 "$SCXTOP" --headless --interval-ms 5
expect_match "$ERR" "interval-ms" "--interval-ms below 10 is rejected"
run_rc 2 "$SCXTOP" --headless extra-arg
expect_match "$ERR" "unexpected argument 'extra-arg'" "positional arguments are rejected"
run_rc 2 "$SCXTOP" --colors plaid
run_rc 0 "$SCXTOP" tui --help
expect_match "$OUT" "--headless" "tui --help lists --headless"

# the TUI needs a terminal: a one-line error, not a garbled screen
run_rc 1 "$SCXTOP"
expect_match "$ERR" "^scxtop: the TUI needs a terminal" "TUI without a terminal: clear error"
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one line"

need_root
need_btf

# without privileges: one line with the reason and the doctor hint, exit 1
if command -v setpriv >/dev/null; then
	run_rc 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$SCXTOP" --headless --iterations 1
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "unprivileged: exactly one line on stderr"
	expect_match "$ERR" "^scxtop: cannot load the BPF programs: .*(needs root|not permitted)" "unprivileged: says why"
	expect_match "$ERR" "scxprof doctor" "unprivileged: points to scxprof doctor"
	expect_eq "$OUT" "" "unprivileged: nothing on stdout"
fi

ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || skip "needs two online CPUs for the pinned workload"
command -v taskset >/dev/null || skip "taskset missing (util-linux)"
spin="$SCX_BUILD/tests/helpers/spin"
# high priority: the machine may be shared, the spinner must dominate CPU 1
nice -n -15 "$spin" scx-spin-test 1 20 &
spin_pid=$!
at_exit "kill $spin_pid 2>/dev/null; wait $spin_pid 2>/dev/null"
if command -v perf >/dev/null; then
	# own process group: perf forks the second sched-pipe process, kill both
	setsid taskset -c 0 perf bench sched pipe -l 100000000 >/dev/null 2>&1 &
	bench_pid=$!
	at_exit "kill -TERM -- -$bench_pid 2>/dev/null; wait $bench_pid 2>/dev/null"
fi
sleep 0.3
run_rc 0 "$SCXTOP" --headless --iterations 3 --interval-ms 500 --limit 20
printf '%s\n' "$OUT" >"$T/stats.jsonl"
expect_eq "$(wc -l <"$T/stats.jsonl")" 3 "3 records for --iterations 3"
validate "$SCX_SRC/schemas/scxtop-stats.schema.json" "$T/stats.jsonl" --jsonl

# what the records say about the workload
"$PY" - "$T/stats.jsonl" "$spin_pid" "${bench_pid:-}" <<'PYEOF' || fail "the workload is not visible in the records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
spin_pid = int(sys.argv[2])
bench = bool(sys.argv[3])
bad = []
for r in recs:
    cpus = {c["cpu_id"]: c for c in r["cpu"]["cpus"]}
    itv = r["interval_ns"]
    if not (400e6 < itv < 1500e6):
        bad.append(f"interval {itv}")
    c1 = cpus[1]
    # CPU 1 runs the pinned spinner: busy by BPF accounting and /proc/stat (shared VM: >= 40 %)
    if c1["busy_pct"] < 40 or (c1["util_pct"] is not None and c1["util_pct"] < 40):
        bad.append(f"cpu1 not busy: {c1['busy_pct']} / {c1['util_pct']}")
    spin = [p for p in r["process"]["processes"] if p["pid"] == spin_pid]
    if not spin:
        bad.append("spinner not among the busiest processes")
    else:
        p = spin[0]
        if p["comm"] != "scx-spin-test" or p["runtime_ns"] < 0.3 * itv or p["last_cpu"] != 1:
            bad.append(f"spinner: {p}")
    th = [t for t in r["thread"]["threads"] if t["tid"] == spin_pid]
    if not th or th[0]["runtime_ns"] <= 0:
        bad.append("spinner thread missing or without runtime")
    for c in (0, 1):
        if cpus[c]["nr_switches"] <= 0 or cpus[c]["nr_wakeups"] <= 0:
            bad.append(f"cpu{c}: switches {cpus[c]['nr_switches']} wakeups {cpus[c]['nr_wakeups']}")
    if bench:
        # the pipe benchmark is pinned to CPU 0: thousands of switches and wakeups there
        if cpus[0]["nr_switches"] < 2000 or cpus[0]["nr_wakeups"] < 1000:
            bad.append(f"cpu0 (perf bench): {cpus[0]['nr_switches']} switches, {cpus[0]['nr_wakeups']} wakeups")
        if cpus[0]["latency"]["samples"] < 1000:
            bad.append(f"cpu0 latency samples {cpus[0]['latency']['samples']}")
    if r["scheduler"]["state"] not in ("unsupported", "none", "running"):
        bad.append("scheduler state")
    llc_sw = sum(l["nr_switches"] for l in r["llc"]["llcs"])
    if llc_sw != sum(c["nr_switches"] for c in cpus.values() if c["llc_id"] is not None):
        bad.append("LLC sums differ from the CPUs")
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
ok "busy CPU 1, the spinner with its runtime on CPU 1, switches and wakeups on both CPUs"

# --limit 0 --all-tasks: every process and thread, idle ones included
run_rc 0 "$SCXTOP" --headless --iterations 1 --interval-ms 200 --limit 0 --all-tasks
printf '%s\n' "$OUT" >"$T/all.json"
"$PY" - "$T/all.json" <<'PYEOF' || fail "--limit 0 --all-tasks did not list every task"
import json, sys
r = json.load(open(sys.argv[1]))
p, t = r["process"], r["thread"]
sys.exit(0 if p["shown"] == p["total_processes"] == len(p["processes"]) > 1
         and t["shown"] == t["total_threads"] >= p["total_processes"] else 1)
PYEOF
ok "--limit 0 --all-tasks lists every process and thread"

# without sched_ext the record says so (never an error)
if [ ! -d /sys/kernel/sched_ext ]; then
	expect_match "$(head -n 1 "$T/stats.jsonl")" '"scheduler":\{"state":"unsupported"' "no sched_ext: scheduler state unsupported"
	expect_match "$(head -n 1 "$T/stats.jsonl")" 'this kernel has no sched_ext' "no sched_ext: the reason is given"
fi

# Ctrl-C ends an unbounded run cleanly with whole records only
"$SCXTOP" --headless --interval-ms 200 >"$T/sig.jsonl" 2>"$T/sig.err" &
pid=$!
for _ in $(seq 100); do	# loading BPF takes a while on a busy machine
	[ "$(wc -l <"$T/sig.jsonl")" -ge 2 ] && break
	sleep 0.1
done
kill -INT $pid
wait $pid
rc=$?
expect_eq "$rc" 0 "SIGINT ends --headless (no --iterations) with exit 0"
[ "$(wc -l <"$T/sig.jsonl")" -ge 2 ] || fail "no records before SIGINT"
validate "$SCX_SRC/schemas/scxtop-stats.schema.json" "$T/sig.jsonl" --jsonl
expect_eq "$(cat "$T/sig.err")" "" "nothing on stderr"
