#!/bin/bash
# scxtop trace, live (root + BTF): a pinned busy loop and a pipe ping-pong
# recorded for 2 s; the trace decodes with the official protos, passes the
# lint, and trace_processor shows the workload. Ctrl-C and SIGTERM stop early
# with a complete trace; bad output paths fail cleanly.
#
# Kernel quirk seen on the development VM (Linux 6.18): sched_switch never
# reports the switch *out of* the threads of PID 1 ("tokio-rt-worker"), with
# perf as with BPF, so the prev_pid chain breaks after each switch to them.
# The full-encoding check below allows exactly those breaks, and no others.
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/trace_lib.sh"
need_root
need_btf
pf_setup
WORKLOAD=$SCX_BUILD/tests/helpers/sched_workload
[ -x "$WORKLOAD" ] || fail "$WORKLOAD not built"
ncpu=$(nproc)
busy_cpu=$((ncpu - 1))

# At exit, stop only this shell's own jobs still running (pids wrap quickly
# here: pid_max is 32768, so a remembered pid may be someone else's by then).
at_exit 'j=$(jobs -p); [ -z "$j" ] || { kill $j 2>/dev/null; wait; }'

start_workload() {
	"$WORKLOAD" "$1" "$busy_cpu" >"$T/workload.out" &
	wl=$!
	for _ in $(seq 50); do grep -q '^ready' "$T/workload.out" && return; sleep 0.05; done
	fail "workload did not start"
}

# --- 2 s under the workload, compact_sched (the default). Short-lived children
# during the recording give fork, wakeup_new, exec, exit and free events of our
# own (not left to whatever else the machine happens to run).
start_workload 4
(sleep 0.3; for _ in $(seq 10); do /bin/true; sleep 0.1; done) &
run_rc 0 "$SCXTOP" trace -d 2000 -o "$T/live.pftrace"
expect_match "$ERR" "^wrote .*live.pftrace: [0-9]+ events \([0-9]+ sched_switch" "summary printed"
expect_match "$ERR" "(no events dropped|events were dropped)" "dropped events reported"
wait $wl
expect_match "$(cat "$T/workload.out")" "^roundtrips [1-9]" "ping-pong ran"
pf_decode "$T/live.pftrace"
pf_lint "$T/live.pftrace"
pf_summary "$T/live.pftrace"
expect_eq "$(pf_get 'bundles_without_cpu + events_without_pid')" 0 "cpu and pid always set"
expect_eq "$(pf_get 'seq_ids')" "[1]" "one trusted sequence"
expect_eq "$(pf_get 'utsname_release')" "$(uname -r)" "SystemInfo has this kernel's release"
expect_eq "$(pf_get 'compact_switches > 100')" True "switches recorded in compact_sched"
expect_eq "$(pf_get 'wakings > 50')" True "wakings recorded"
expect_eq "$(pf_get 'cpus_with_switches')" "$ncpu" "switches on every CPU"
for c in scx-busy scx-ping scx-pong; do
	expect_eq "$(pf_get "'$c' in comms")" True "$c in the switch/waking comms"
done
expect_match "$(pf_get 'sorted(events_by_kind)')" "sched_wakeup_new.*softirq_entry.*softirq_exit.*task_newtask" \
	"fork, wakeup_new and softirq events"
expect_eq "$(pf_get "len([s for s in ftrace_stats if s['phase'] == 2]) == $ncpu")" True \
	"end-of-trace stats for every CPU"
expect_eq "$(pf_get "any(v == 'scx-busy' for v in process_tree_threads.values())")" True \
	"the /proc scan names the busy loop"
expect_eq "$(pf_get "'sched_wakeup' in events_by_kind")" False "sched_wakeup left out by default"
switches=$(pf_get switches)
cpus=$(pf_get cpus_with_switches)

if tp_setup; then
	tp_query "$T/live.pftrace" "select count(*) from sched"
	expect_eq "$(printf '%s\n' "$TPOUT" | sed -n 2p)" "$((switches - cpus))" \
		"trace_processor: one sched row per switch minus the first per CPU"
	tp_query "$T/live.pftrace" "select group_concat(name) from (select distinct name from thread where name in ('scx-busy', 'scx-ping', 'scx-pong') order by name)"
	expect_match "$TPOUT" '"scx-busy,scx-ping,scx-pong"' "trace_processor: thread names include the workload's comms"
	# Every CPU is accounted for the whole trace (the first switch per CPU is
	# the priming one, right at the start), and the pinned loop runs only on
	# its CPU, for a share that depends on what else this shared host runs.
	tp_query "$T/live.pftrace" "select cpu, sum(dur) from sched group by cpu order by cpu"
	for c in $(seq 0 $((ncpu - 1))); do
		cov=$(printf '%s\n' "$TPOUT" | sed -n "s/^$c,//p")
		expect_eq "$((cov > 1900000000))" 1 "trace_processor: CPU $c covered by sched slices ($cov of 2e9 ns)"
	done
	tp_query "$T/live.pftrace" "select cpu, sum(dur) from sched join thread using(utid) where name = 'scx-busy' group by cpu"
	expect_match "$TPOUT" "^$busy_cpu,[0-9]+$" "trace_processor: scx-busy ran on CPU $busy_cpu"
	expect_eq "$(printf '%s\n' "$TPOUT" | sed 1d | grep -vc "^$busy_cpu,")" 0 "trace_processor: scx-busy ran nowhere else (pinned)"
	busy_ns=$(printf '%s\n' "$TPOUT" | sed -n "s/^$busy_cpu,//p")
	expect_eq "$((busy_ns > 200000000))" 1 "trace_processor: scx-busy ran > 10 % of the 2 s ($busy_ns ns)"
	tp_query "$T/live.pftrace" "select state, count(*) from thread_state join thread using(utid) where name = 'scx-ping' group by state order by state"
	expect_match "$TPOUT" '^"Running",[1-9]' "trace_processor: scx-ping runs"
	expect_match "$TPOUT" '^"S",[1-9]' "trace_processor: scx-ping sleeps (S) on the pipe"
	expect_match "$TPOUT" '^"R",[1-9]' "trace_processor: scx-ping waits runnable (R) after a waking"
	tp_query "$T/live.pftrace" "select name, value from stats where value > 0 and severity in ('error', 'data_loss')"
	expect_eq "$(printf '%s\n' "$TPOUT" | sed 1d | grep -v '^"ftrace_cpu_overrun_end"')" "" \
		"trace_processor: no error stats (dropped events aside)"
else
	echo "SKIP: trace_processor checks: $TP_WHY"
fi

# --- the same as full events: every prev_pid chain break is the kernel's
start_workload 3
run_rc 0 "$SCXTOP" trace --duration 1.5 --no-compact-sched -o "$T/full.pftrace"
wait $wl
pf_decode "$T/full.pftrace"
"$PY" - "$T/upstream.desc" "$T/full.pftrace" "$SCX_SRC/tests/tools" >"$T/chains.out" <<'EOF' || fail "prev_pid chains: $(cat "$T/chains.out")"
import sys
sys.path.insert(0, sys.argv[3])
from pftrace_summary import trace_class
t = trace_class(sys.argv[1])()
t.MergeFromString(open(sys.argv[2], 'rb').read())
per, prevs = {}, set()
for p in t.packet:
    if p.WhichOneof('data') == 'ftrace_events':
        for e in p.ftrace_events.event:
            if e.WhichOneof('event') == 'sched_switch':
                per.setdefault(p.ftrace_events.cpu, []).append((e.timestamp, e.sched_switch))
                prevs.add(e.sched_switch.prev_pid)
breaks = bad = n = 0
for cpu, l in per.items():
    l.sort(key=lambda x: x[0])
    n += len(l)
    for (_, a), (_, b) in zip(l, l[1:]):
        if a.next_pid != b.prev_pid:
            breaks += 1
            # allowed only when the kernel never reports that task switching out
            if a.next_pid in prevs:
                bad += 1
                print('cpu %d: %s %d switched in, next switch has prev %d' % (cpu, a.next_comm, a.next_pid, b.prev_pid))
print('%d switches, %d chain breaks, %d not explained by the kernel quirk' % (n, breaks, bad))
sys.exit(1 if bad or n < 100 else 0)
EOF
ok "full sched_switch chains: $(tail -1 "$T/chains.out")"

# --- a real perf sched recording, as scxprof record makes it, converted
if command -v perf >/dev/null 2>&1; then
	start_workload 2
	perf record -q -a -k CLOCK_MONOTONIC -o "$T/perf.sched.data" -e sched:sched_switch \
		-e sched:sched_waking -e sched:sched_wakeup_new -e sched:sched_process_fork \
		-e sched:sched_process_exit -e irq:softirq_entry -e irq:softirq_exit -- sleep 1 \
		>/dev/null 2>&1 || fail "perf record failed"
	wait $wl
	run_rc 0 "$SCXTOP" trace --convert "$T/perf.sched.data" -o "$T/perfconv.pftrace"
	pf_decode "$T/perfconv.pftrace"
	pf_lint "$T/perfconv.pftrace"
	pf_summary "$T/perfconv.pftrace"
	expect_eq "$(pf_get "'scx-ping' in comms and 'scx-busy' in comms")" True "perf recording: the workload's comms"
	if tp_setup; then
		tp_query "$T/perfconv.pftrace" "select count(*) from sched"
		expect_eq "$(printf '%s\n' "$TPOUT" | sed -n 2p)" "$(($(pf_get switches) - $(pf_get cpus_with_switches)))" \
			"perf recording: one sched row per switch minus the first per CPU"
	fi
else
	echo "SKIP: perf.sched.data conversion with the real perf: perf is not installed"
fi

# --- Ctrl-C and SIGTERM stop early with a complete trace
for sig in INT TERM; do
	"$SCXTOP" trace -d 30000 -o "$T/sig$sig.pftrace" 2>"$T/sig.err" &
	pid=$!
	sleep 1.5
	kill -$sig $pid
	wait $pid
	rc=$?
	expect_eq "$rc" 130 "SIG$sig: exit 130"
	expect_match "$(cat "$T/sig.err")" "stopped by SIG$sig after [0-9.]+ s" "SIG$sig: says when it stopped"
	pf_decode "$T/sig$sig.pftrace"
	pf_lint "$T/sig$sig.pftrace"
	pf_summary "$T/sig$sig.pftrace"
	expect_eq "$(pf_get "len([s for s in ftrace_stats if s['phase'] == 2]) > 0")" True "SIG$sig: the trace is finished (end stats)"
done
expect_eq "$(ls -A "$T" | grep -c '\.tmp\.')" 0 "no temporary files left"

# --- default name, warmup, aliases, bad paths
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$SCXTOP" trace -d 200 -s 0.3) 2>"$T/def.err" || fail "default output: $(cat "$T/def.err")"
f=$(ls "$T/cwd")
expect_match "$f" '^scxtop-trace-[0-9]{8}-[0-9]{6}\.pftrace$' "default output name with a timestamp"
expect_match "$(cat "$T/def.err")" "recording starts in 0.3 s" "warmup announced"
pf_lint "$T/cwd/$f"
run_rc 0 "$SCXTOP" trace --trace-ms 300 --sched-wakeup --output "$T/alias.pftrace"
pf_summary "$T/alias.pftrace"
expect_eq "$(pf_get "events_by_kind.get('sched_wakeup', 0) > 0")" True "--sched-wakeup records sched_wakeup"
[ -s "$T/alias.pftrace" ] || fail "--output did not write"
run_rc 0 "$SCXTOP" trace --duration 0.1 --output-file "$T/alias2.pftrace"
[ -s "$T/alias2.pftrace" ] || fail "--output-file did not write"
ok "--output and --output-file work"
run_rc 1 "$SCXTOP" trace -d 100 -o "$T/no/such/dir/x.pftrace"
expect_match "$ERR" "^scxtop: .*no/such/dir/x.pftrace: No such file or directory$" "missing directory: one line"
