#!/bin/bash
# Benchmark of `scxtop analyze`: load + timelines, then all analyzers, on a
# synthetic trace written by the project's trace writer (≥ 5M sched events),
# next to `protoc-c --decode_raw` of the same file in the same run.
# Targets (issue 8): ≥ 5M events/s load on one core; all analyzers together
# in less than the load time; peak RSS ≤ 64 B per event.
# Wall-clock figures on a shared machine are noisy: the instruction counts
# (callgrind, on a 500K-event trace) are the stable comparison.
#   BENCH_EVENTS=N (default 6000000)  BENCH_DIR=DIR (default a temp dir)
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SCX_BUILD:-$SRC/build}
SCXTOP=$BUILD/scxtop
SYNTH=$BUILD/tests/helpers/synth_trace
N=${BENCH_EVENTS:-6000000}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/scx-bench.XXXXXX)}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$DIR"' EXIT

make -s -C "$SRC" "$SYNTH" "$SCXTOP" >/dev/null || { echo "bench-analyze: build failed"; exit 1; }
TRACE=$DIR/bench.pftrace
"$SYNTH" "$TRACE" "$N" 8 256 >/dev/null || { echo "bench-analyze: trace generation failed"; exit 1; }

# run CMD...: wall seconds and peak RSS (KB) of the best of 3 runs
run() {
	local best_t= best_m= t m
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$DIR/time" "$@" >/dev/null 2>"$DIR/err" || { cat "$DIR/err"; exit 1; }
		read -r t m <"$DIR/time"
		if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a<b)}'; then best_t=$t; best_m=$m; fi
	done
	echo "$best_t $best_m"
}

events=$("$SCXTOP" analyze "$TRACE" -a summary --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["analyzers"]["summary"]["total_events"])')
sched=$("$SCXTOP" analyze "$TRACE" -a summary --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; e=json.load(sys.stdin)["analyzers"]["summary"]["events_by_type"]; print(sum(v for k,v in e.items() if k.startswith("sched_")))')
bytes=$(stat -c %s "$TRACE")
read -r t_load m_load < <(run "$SCXTOP" analyze "$TRACE" -a summary -o /dev/null)
read -r t_all m_all < <(run "$SCXTOP" analyze "$TRACE" -a all --json -o /dev/null)
read -r t_raw m_raw < <(run sh -c 'protoc-c --decode_raw <"$1"' sh "$TRACE")

awk -v ev="$events" -v sched="$sched" -v b="$bytes" -v tl="$t_load" -v ml="$m_load" -v ta="$t_all" \
	-v ma="$m_all" -v tr="$t_raw" -v mr="$m_raw" 'BEGIN {
	an = ta - tl; if (an < 0) an = 0
	printf "bench-analyze: %d events (%d sched_*), %.1f MB trace from the synthetic writer\n", ev, sched, b / 1e6
	printf "  load + timelines     %6.2f s  %5.2f M events/s  peak RSS %4d MB = %4.1f B/event\n", tl, ev / tl / 1e6, ml / 1024, ml * 1024 / ev
	printf "  + every analyzer     %6.2f s  (analyzers %.2f s = %.2f x the load)  peak RSS %4d MB = %4.1f B/event\n", ta, an, an / tl, ma / 1024, ma * 1024 / ev
	printf "  protoc-c --decode_raw %5.2f s  peak RSS %4d MB   (our load + timelines: %.2f x its time)\n", tr, mr / 1024, (tr > 0) ? tl / tr : 0
	printf "  targets: load >= 5M events/s: %s; analyzers < load: %s; RSS <= 64 B/event: %s\n",
		(ev / tl >= 5e6) ? "met" : "NOT met", (an < tl) ? "met" : "NOT met", (ma * 1024 / ev <= 64) ? "met" : "NOT met"
}'

if command -v valgrind >/dev/null && [ -z "${BENCH_NO_CALLGRIND:-}" ]; then
	"$SYNTH" "$DIR/small.pftrace" 500000 8 256 >/dev/null
	for a in summary all; do
		valgrind --tool=callgrind --callgrind-out-file="$DIR/cg.$a" "$SCXTOP" analyze "$DIR/small.pftrace" \
			-a $a --json -o /dev/null >/dev/null 2>"$DIR/cg.$a.log"
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$DIR/cg.$a.log" >"$DIR/ir.$a"
	done
	awk -v l="$(cat "$DIR/ir.summary")" -v a="$(cat "$DIR/ir.all")" 'BEGIN {
		printf "  callgrind, 500K events: load %.0fM instructions (%.0f per event), analyzers %.0fM = %.2f x the load\n",
			l / 1e6, l / 5e5, (a - l) / 1e6, (a - l) / l
	}'
fi
