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
gen=$(field generator_s "$tmp/syn.out")
tot=$(field total_s "$tmp/syn.out")
gen_eps=$(awk -v n="$EVENTS" -v s="$gen" 'BEGIN { printf "%.0f", n / s }')
printf '   writer: %.2fM events/s (target 5M: %sx)\n' "$(awk -v e="$eps" 'BEGIN { print e / 1e6 }')" \
	"$(ratio "$eps" 5000000)"
printf '   reference, same run: generating the events alone runs at %.2fM events/s;\n' \
	"$(awk -v e="$gen_eps" 'BEGIN { print e / 1e6 }')"
printf '   writing costs %sx the generation per event (total %ss, generator %ss)\n' \
	"$(ratio "$gen_eps" "$eps")" "$tot" "$gen"

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
	pipe_us() { taskset -c 0 perf bench sched pipe -l "$LOOPS" 2>/dev/null | sed -n 's/^ *\([0-9.]*\) usecs\/op.*/\1/p'; }
	: >"$tmp/base"
	: >"$tmp/traced"
	for i in $(seq "$PAIRS"); do
		pipe_us >>"$tmp/base"
		"$SCXTOP" trace --duration 120 -o "$tmp/pipe.pftrace" 2>"$tmp/pipe.out" &
		tpid=$!
		sleep 0.7	# attached, /proc scanned, recording
		pipe_us >>"$tmp/traced"
		kill -INT $tpid
		wait $tpid
	done
	b=$(median <"$tmp/base")
	t=$(median <"$tmp/traced")
	printf '   untraced median %s us/op [%s], traced median %s us/op [%s]\n' "$b" \
		"$(tr '\n' ' ' <"$tmp/base" | sed 's/ $//')" "$t" "$(tr '\n' ' ' <"$tmp/traced" | sed 's/ $//')"
	printf '   overhead %s %% (target 5 %%); last traced run: %s\n' \
		"$(awk -v b="$b" -v t="$t" 'BEGIN { printf "%.1f", (t - b) / b * 100 }')" \
		"$(grep -E '^wrote|dropped' "$tmp/pipe.out" | tr '\n' ' ')"
fi
echo "   (figures taken with load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"
