#!/bin/bash
# scxtop trace benchmarks (issue: Perfetto traces):
#  1. writer throughput on a synthetic stream, one core (target >= 5M events/s),
#     against the generator's own cost measured in the same run;
#  2. bytes per sched_switch in compact_sched (target <= 8 B on average) on a
#     synthetic stream, on the real device capture re-encoded, and (root) on a
#     live recording, against the full FtraceEvent encoding of the same events;
#  3. (root + BTF) tracing overhead on `perf bench sched pipe` (target <= 5 %):
#     traced and untraced runs interleaved, medians compared.
# Env: EVENTS (synthetic events, default 5000000), PAIRS (pipe runs per side, 7),
# LOOPS (pipe round trips per run, 100000).
set -u
SCX_SRC=${SCX_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SCX_BUILD=${SCX_BUILD:-$SCX_SRC/build}
SCXTOP=$SCX_BUILD/scxtop
EVENTS=${EVENTS:-5000000}
PAIRS=${PAIRS:-7}
LOOPS=${LOOPS:-100000}
CAPTURE=${PERFETTO_DIR:-/work/shared/perfetto}/traces/device_capture/device_full.pftrace
tmp=$(mktemp -d /tmp/bench-trace.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$SCXTOP" ] || { echo "build first (make)" >&2; exit 1; }

field() { sed -n "s/.*[ (]$1=\([0-9.]*\).*/\1/p" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "-- 1. writer throughput (synthetic stream of $EVENTS events, 4 CPUs, one core)"
taskset -c 0 "$SCXTOP" trace --synthetic "$EVENTS" -o "$tmp/syn.pftrace" 2>"$tmp/syn.out" ||
	{ cat "$tmp/syn.out"; exit 1; }
eps=$(field writer_events_per_s "$tmp/syn.out")
gen_eps=$(field generator_events_per_s "$tmp/syn.out")
printf '   writer: %.2fM events/s (target 5M: %sx), %s s for the whole stream\n' \
	"$(awk -v e="$eps" 'BEGIN { print e / 1e6 }')" "$(ratio "$eps" 5000000)" "$(field writer_s "$tmp/syn.out")"
printf '   reference, same run: the generator makes %.2fM events/s; writing an event costs %sx making it\n' \
	"$(awk -v e="$gen_eps" 'BEGIN { print e / 1e6 }')" "$(ratio "$gen_eps" "$eps")"

echo "-- 2. bytes per sched_switch (compact_sched; full encoding of the same events as reference)"
bps=$(field switch_column_bytes_per_switch "$tmp/syn.out")
"$SCXTOP" trace --synthetic "$EVENTS" --no-compact-sched -o "$tmp/full.pftrace" 2>"$tmp/full.out"
nsw=$(field switches "$tmp/syn.out")
printf '   synthetic: %s B/switch in the switch columns (target 8: %sx); whole file %s B/switch, full encoding %s B/switch (compact = %sx full)\n' \
	"$bps" "$(ratio "$bps" 8)" "$(field bytes_per_switch "$tmp/syn.out")" \
	"$(field bytes_per_switch "$tmp/full.out")" \
	"$(ratio "$(stat -c %s "$tmp/syn.pftrace")" "$(stat -c %s "$tmp/full.pftrace")")"
if [ -f "$CAPTURE" ]; then
	"$SCXTOP" trace -v --convert "$CAPTURE" -o "$tmp/dev.pftrace" 2>"$tmp/dev.out"
	"$SCXTOP" trace --no-compact-sched --convert "$CAPTURE" -o "$tmp/devfull.pftrace" 2>/dev/null
	dbps=$(sed -n 's/.*compact_sched: \([0-9.]*\) bytes per sched_switch.*/\1/p' "$tmp/dev.out")
	printf '   real capture (Linux 6.18 VM, 4876 switches): %s B/switch (target 8: %sx); file %s B vs %s B full (%sx), capture'"'"'s own compact file %s B\n' \
		"$dbps" "$(ratio "$dbps" 8)" "$(stat -c %s "$tmp/dev.pftrace")" \
		"$(stat -c %s "$tmp/devfull.pftrace")" \
		"$(ratio "$(stat -c %s "$tmp/dev.pftrace")" "$(stat -c %s "$tmp/devfull.pftrace")")" \
		"$(stat -c %s "${CAPTURE%_full.pftrace}_compact.pftrace")"
fi

live=0
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] && command -v perf >/dev/null; then
	live=1
else
	echo "   (live figures need root, BTF and perf: skipped)"
fi
if [ $live = 1 ]; then
	wl=$SCX_BUILD/tests/helpers/sched_workload
	[ -x "$wl" ] || make -s -C "$SCX_SRC" "$wl" >/dev/null
	"$wl" 4 "$(($(nproc) - 1))" >/dev/null &
	wpid=$!
	sleep 0.3
	"$SCXTOP" trace -v -d 2000 -o "$tmp/live.pftrace" 2>"$tmp/live.out"
	wait $wpid
	lbps=$(sed -n 's/.*compact_sched: \([0-9.]*\) bytes per sched_switch.*/\1/p' "$tmp/live.out")
	lsw=$(sed -n 's/.*events (\([0-9]*\) sched_switch.*/\1/p' "$tmp/live.out")
	printf '   live, busy loop + pipe ping-pong, 2 s: %s switches, %s B/switch (target 8: %sx), whole file %s B/switch\n' \
		"$lsw" "$lbps" "$(ratio "$lbps" 8)" "$(ratio "$(stat -c %s "$tmp/live.pftrace")" "$lsw")"
	grep -q "events were dropped" "$tmp/live.out" && grep "events were dropped" "$tmp/live.out" | sed 's/^/   /'

	echo "-- 3. tracing overhead on perf bench sched pipe ($LOOPS round trips, pinned to CPU 0; $PAIRS runs each, interleaved)"
	# Wall time per round trip (perf bench's figure) swings with whatever else
	# runs on the host; the CPU time the benchmark's tasks use (perf stat
	# task-clock) includes the BPF programs that run in their context and is far
	# steadier, so both are shown.
	pipe_run() {
		perf stat -x, -e task-clock -o "$tmp/stat" -- taskset -c 0 perf bench sched pipe -l "$LOOPS" \
			2>/dev/null >"$tmp/pipe.txt"
		printf '%s %s\n' "$(sed -n 's/^ *\([0-9.]*\) usecs\/op.*/\1/p' "$tmp/pipe.txt")" \
			"$(awk -F, '/task-clock/ { print $1 }' "$tmp/stat")"
	}
	pipe_us() { pipe_run | cut -d' ' -f1; }
	# Reference in the same run: perf record of the same two tracepoints
	# system-wide, which is what one would use without scxtop.
	: >"$tmp/base"
	: >"$tmp/traced"
	: >"$tmp/perf"
	for i in $(seq "$PAIRS"); do
		pipe_run >>"$tmp/base"
		"$SCXTOP" trace --duration 120 -o "$tmp/pipe.pftrace" 2>"$tmp/pipe.out" &
		tpid=$!
		sleep 0.7	# attached, /proc scanned, recording
		pipe_run >>"$tmp/traced"
		kill -INT $tpid
		wait $tpid
		perf record -q -a -e sched:sched_switch -e sched:sched_waking -o "$tmp/ref.data" \
			-- sleep 120 >/dev/null 2>&1 &
		ppid_=$!
		sleep 0.7
		pipe_run >>"$tmp/perf"
		kill -INT $ppid_
		wait $ppid_
		rm -f "$tmp/ref.data"
	done
	b=$(cut -d' ' -f1 "$tmp/base" | median)
	t=$(cut -d' ' -f1 "$tmp/traced" | median)
	bc=$(cut -d' ' -f2 "$tmp/base" | median)
	tc=$(cut -d' ' -f2 "$tmp/traced" | median)
	printf '   wall: untraced median %s us/op [%s], traced median %s us/op [%s]: %s %%\n' "$b" \
		"$(cut -d' ' -f1 "$tmp/base" | tr '\n' ' ' | sed 's/ $//')" "$t" \
		"$(cut -d' ' -f1 "$tmp/traced" | tr '\n' ' ' | sed 's/ $//')" \
		"$(awk -v b="$b" -v t="$t" 'BEGIN { printf "%+.1f", (t - b) / b * 100 }')"
	printf '   CPU:  untraced median %s ms, traced median %s ms: overhead %s %% (target 5 %%)\n' \
		"$bc" "$tc" "$(awk -v b="$bc" -v t="$tc" 'BEGIN { printf "%+.1f", (t - b) / b * 100 }')"
	pw=$(cut -d' ' -f1 "$tmp/perf" | median)
	pc=$(cut -d' ' -f2 "$tmp/perf" | median)
	printf '   reference, perf record -a -e sched:sched_switch,sched_waking: wall %s us/op (%s %%), CPU %s ms (%s %%)\n' \
		"$pw" "$(awk -v b="$b" -v t="$pw" 'BEGIN { printf "%+.1f", (t - b) / b * 100 }')" \
		"$pc" "$(awk -v b="$bc" -v t="$pc" 'BEGIN { printf "%+.1f", (t - b) / b * 100 }')"
	printf '   scxtop trace costs %s of what perf record costs (CPU overhead ratio)\n' \
		"$(awk -v b="$bc" -v t="$tc" -v p="$pc" 'BEGIN { if (p > b) printf "%.2fx", (t - b) / (p - b); else printf "n/a" }')"
	printf '   last traced run: %s\n' "$(grep -E '^wrote|dropped' "$tmp/pipe.out" | tr '\n' ' ')"

	# Where that cost is: the time the kernel spends in each of the collector's
	# BPF programs per run (kernel.bpf_stats_enabled, restored afterwards).
	if command -v bpftool >/dev/null && [ -w /proc/sys/kernel/bpf_stats_enabled ]; then
		old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
		trap 'echo "$old_stats" >/proc/sys/kernel/bpf_stats_enabled; rm -rf "$tmp"' EXIT
		echo 1 >/proc/sys/kernel/bpf_stats_enabled
		bpftool prog show -j >"$tmp/pre.json"	# programs that are not ours
		"$SCXTOP" trace --duration 120 -o "$tmp/pipe.pftrace" 2>"$tmp/pipe.out" &
		tpid=$!
		sleep 0.7
		bpftool prog show -j >"$tmp/p0.json"
		pipe_us >/dev/null
		bpftool prog show -j >"$tmp/p1.json"
		kill -INT $tpid
		wait $tpid
		echo "$old_stats" >/proc/sys/kernel/bpf_stats_enabled
		/usr/bin/python3 - "$tmp/p0.json" "$tmp/p1.json" "$tmp/pre.json" <<'PY'
import json, sys
before = {p['id']: p for p in json.load(open(sys.argv[1]))}
others = {p['id'] for p in json.load(open(sys.argv[3]))}
tot_ns = tot_runs = 0
rows = []
for p in json.load(open(sys.argv[2])):
    name = p.get('name', '')
    if p['id'] in others or not name.startswith(('on_sched', 'on_softirq', 'on_task', 'on_cpu')):
        continue
    q = before.get(p['id'], {})
    ns = p.get('run_time_ns', 0) - q.get('run_time_ns', 0)
    runs = p.get('run_cnt', 0) - q.get('run_cnt', 0)
    tot_ns += ns
    tot_runs += runs
    if runs:
        rows.append((ns, name, runs))
print('   our BPF programs during one traced run (all CPUs): %d runs, %.0f ns each on average' %
      (tot_runs, tot_ns / max(tot_runs, 1)))
for ns, name, runs in sorted(rows, reverse=True)[:4]:
    print('     %-22s %7d runs  %4.0f ns/run' % (name, runs, ns / runs))
PY
	fi
fi
echo "   (figures taken with load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"
