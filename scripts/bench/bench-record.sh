#!/bin/bash
# scxprof record benchmarks (issue: the production recorder):
#  1. archive: the bundle archive (libarchive gzip level 3 + reading it back
#     through zlib to check it) against `tar -czf` (gzip level 6, no check) of the
#     same directory in the same run; the data is perf.data-like (a real perf
#     recording of this host, repeated to BENCH_RECORD_MB, default 200 MB).
#     Target: <= 1.5x tar -czf (the read-back check is extra work tar does not do).
#  2. (root + BTF) hint poll pass: cost per thread of one iter/task pass over
#     the host, with BENCH_RECORD_THREADS extra threads (default 2000), against
#     reading /proc/*/task/*/stat once (what visiting every thread costs from
#     user space), measured in the same run.
#  3. (root) scxprof's own CPU time while recording 5 s (hints in poll mode every
#     10 ms, fake-free: real perf), against the perf children's CPU time.
# Timings on a shared machine are noisy; each line says what it measured.
set -u
SCX_SRC=${SCX_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SCX_BUILD=${SCX_BUILD:-$SCX_SRC/build}
SCXPROF=$SCX_BUILD/scxprof
ARCH=$SCX_BUILD/tests/helpers/archive_bundle
HINTMAP=$SCX_BUILD/tests/helpers/hintmap
MB=${BENCH_RECORD_MB:-200}
THREADS=${BENCH_RECORD_THREADS:-2000}
make -C "$SCX_SRC" -s --no-print-directory "${SCXPROF#"$SCX_SRC"/}" "${ARCH#"$SCX_SRC"/}" \
	"${HINTMAP#"$SCX_SRC"/}" || exit 1
tmp=$(mktemp -d /tmp/bench-record.XXXXXX)
cleanup() {
	[ -n "${HPID:-}" ] && kill "$HPID" 2>/dev/null
	[ -n "${TPID:-}" ] && kill "$TPID" 2>/dev/null
	[ -n "${PIN:-}" ] && rm -f "$PIN"
	[ -n "${UMOUNT:-}" ] && umount /sys/fs/bpf
	rm -rf "$tmp"
}
trap cleanup EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
secs() { /usr/bin/time -f '%e' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }; cat "$tmp/t"; }

echo "-- 1. archive of a ${MB} MB bundle (perf.data-like content), one core"
mkdir -p "$tmp/b"
seed=$tmp/seed.data
if [ "$(id -u)" -eq 0 ] && command -v perf >/dev/null &&
	perf record -q -a -e sched:sched_switch -e page-faults -d -o "$seed" -- sleep 2 >/dev/null 2>&1; then
	what="a 2 s perf recording of this host"
else
	cat /usr/bin/* 2>/dev/null | head -c $((8 << 20)) >"$seed"
	what="executables (no root/perf)"
fi
while [ "$(stat -c %s "$tmp/b/perf.data" 2>/dev/null || echo 0)" -lt $((MB << 20)) ]; do
	cat "$seed" >>"$tmp/b/perf.data"
done
truncate -s $((MB << 20)) "$tmp/b/perf.data"
head -c $((1 << 20)) /dev/urandom >"$tmp/b/noise"
cat "$tmp/b/perf.data" "$tmp/b/noise" >/dev/null
ours=$(secs taskset -c 0 "$ARCH" "$tmp/b" bundle "$tmp/ours.tar.gz")
theirs=$(secs taskset -c 0 tar -czf "$tmp/tar.tar.gz" -C "$tmp" b)
printf '  content: %s\n' "$what"
printf '  scxprof archive (write + verify): %6.2fs  %s MB/s  -> %s MB\n' "$ours" \
	"$(awk -v s="$ours" -v m="$MB" 'BEGIN { printf "%.0f", m / s }')" "$(($(stat -c %s "$tmp/ours.tar.gz") >> 20))"
printf '  tar -czf (reference):             %6.2fs  %s MB/s  -> %s MB\n' "$theirs" \
	"$(awk -v s="$theirs" -v m="$MB" 'BEGIN { printf "%.0f", m / s }')" "$(($(stat -c %s "$tmp/tar.tar.gz") >> 20))"
echo "  ratio: $(ratio "$ours" "$theirs")x tar -czf (target <= 1.5x)"
rm -rf "$tmp/b" "$tmp"/*.tar.gz "$seed"

if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "-- 2./3. skipped: need root and BTF"
	exit 0
fi
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf && UMOUNT=1
fi
PIN=/sys/fs/bpf/scxprof-bench-$$

echo "-- 2. hint poll pass over every thread (+$THREADS idle threads)"
/usr/bin/python3 -c '
import sys, threading, time
ev = threading.Event()
for _ in range(int(sys.argv[1])):
    threading.Thread(target=ev.wait, daemon=True).start()
print("up", flush=True)
time.sleep(3600)' "$THREADS" >"$tmp/threads.out" &
TPID=$!
mkfifo "$tmp/h.in"
"$HINTMAP" --threads 4 "$PIN" <"$tmp/h.in" >"$tmp/h.out" 2>&1 &
HPID=$!
exec 7>"$tmp/h.in"
for i in $(seq 100); do grep -q up "$tmp/threads.out" && grep -q ready "$tmp/h.out" && break; sleep 0.1; done
"$SCXPROF" record -t 3 --hints-map "$PIN" --hints-mode poll --disable-mem-trace --disable-sched-trace \
	-o "$tmp/p" >/dev/null 2>"$tmp/p.err" || { cat "$tmp/p.err"; exit 1; }
tar -xzf "$tmp/p.tar.gz" -C "$tmp"
read -r polls avg tasks interval <<<"$(/usr/bin/python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["traces"]["hints"]
print(h["polls"], h["poll_ns_avg"], h["tasks_last_poll"], h["poll_interval_ns_max"])' "$tmp/p/meta.json")"
t0=$(date +%s%N)
cat /proc/[0-9]*/task/[0-9]*/stat >/dev/null 2>&1
t1=$(date +%s%N)
procns=$((t1 - t0))
printf '  iter/task pass: %d us over %d threads = %s ns/thread (%d passes in 3 s, longest interval %.1f ms)\n' \
	$((avg / 1000)) "$tasks" "$(awk -v a="$avg" -v t="$tasks" 'BEGIN { printf "%.0f", a / t }')" "$polls" \
	"$(awk -v i="$interval" 'BEGIN { print i / 1e6 }')"
printf '  reading /proc/*/task/*/stat once (reference): %d us = %s ns/thread\n' $((procns / 1000)) \
	"$(awk -v a="$procns" -v t="$tasks" 'BEGIN { printf "%.0f", a / t }')"
echo "  ratio: $(ratio "$procns" "$avg")x cheaper than walking /proc; at 10 ms a pass costs $(awk -v a="$avg" 'BEGIN { printf "%.1f", a / 1e5 }')% of a CPU (capped at 5%)"
kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null
TPID=

echo "-- 3. scxprof's own CPU time while recording 5 s (real perf, page faults + sched trace + poll hints)"
if command -v perf >/dev/null; then
	"$SCXPROF" record -t 5 --mem-event page-faults --hints-map "$PIN" -o "$tmp/r" >/dev/null 2>"$tmp/r.err" &
	RPID=$!
	self=0 kids=0
	while kill -0 "$RPID" 2>/dev/null; do
		# utime+stime of scxprof itself, and of its perf children while they run
		s=$(awk '{ print $14 + $15 }' /proc/$RPID/stat 2>/dev/null) && [ -n "$s" ] && self=$s
		k=0
		for c in $(ps -o pid= --ppid "$RPID" 2>/dev/null); do
			k=$((k + $(awk '{ print $14 + $15 }' /proc/$c/stat 2>/dev/null || echo 0)))
		done
		[ "$k" -gt "$kids" ] && kids=$k
		sleep 0.2
	done
	wait "$RPID" || { cat "$tmp/r.err"; exit 1; }
	hz=$(getconf CLK_TCK)
	printf '  scxprof: %s s CPU (%s%% of one CPU over 5 s); perf children (reference): %s s CPU\n' \
		"$(awk -v t="$self" -v h="$hz" 'BEGIN { printf "%.2f", t / h }')" \
		"$(awk -v t="$self" -v h="$hz" 'BEGIN { printf "%.1f", t / h / 5 * 100 }')" \
		"$(awk -v t="$kids" -v h="$hz" 'BEGIN { printf "%.2f", t / h }')"
	echo "  ratio: scxprof uses $(ratio "$self" "$kids")x the CPU of the perf it drives (includes the start-up checks and the archive)"
else
	echo "  skipped: no perf"
fi
echo quit >&7
