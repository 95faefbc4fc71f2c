#!/bin/bash
# scxprof process: parse + JSONL writing speed on a ~1 GB memory perf script
# (the sample generator's perf >= 6.6 layout, BENCH_PROCESS_SAMPLES samples,
# default 4.4M ≈ 1.05 GB), next to `wc -l` on the same file (the floor) and to
# the speed of `perf script` producing such text from a real page-fault
# recording made here (root and perf needed; otherwise that line is skipped).
# Target: >= 400 MB/s on one core, i.e. >= 2.5x perf script, with peak RSS
# independent of the input size (compared with a 100 MB slice). Outputs go to
# a tmpfs (/dev/shm) so the disk's fsync speed is not what is measured.
set -eu
SCX_SRC=${SCX_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SCX_BUILD=${SCX_BUILD:-$SCX_SRC/build}
N=${BENCH_PROCESS_SAMPLES:-4400000}
SCXPROF=$SCX_BUILD/scxprof
make -C "$SCX_SRC" -s --no-print-directory "${SCXPROF#"$SCX_SRC"/}"

# The input is cached in build/bench (generating 1 GB takes about a minute).
cache=$SCX_BUILD/bench/process-$N
stamp=$(sha1sum "$SCX_SRC/scripts/gen-sample-profile" | cut -c1-12)
if [ ! -f "$cache/$stamp" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	echo "generating $N samples into $cache (once)..."
	"$SCX_SRC/scripts/gen-sample-profile" -o "$cache" --name bundle --no-archive --no-sched \
		--samples "$N" --seconds 20 >/dev/null
	touch "$cache/$stamp"
fi
in=$cache/bundle
bytes=$(stat -c %s "$in/perf.script")
out=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/bench-process.XXXXXX")
trap 'rm -rf "$out"' EXIT
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? b / s : 0) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# measure NAME CMD...: wall, user, system seconds and peak RSS (KiB) into $W $U $SY $M
measure() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$out/time" "$@" >/dev/null 2>"$out/err" ||
		{ echo "$name failed:"; cat "$out/err"; exit 1; }
	read -r W U SY M <"$out/time"
}

printf 'input: %s MB of perf script (%d samples), %s\n' "$(mb "$bytes")" "$N" "$(uptime | sed 's/.*load/load/')"
cat "$in/perf.script" >/dev/null	# warm the page cache for both
measure "wc -l" wc -l "$in/perf.script"
wc_w=$W
printf '%-34s %6.2fs  %5s MB/s\n' "wc -l" "$W" "$(rate "$bytes" "$W")"
measure "scxprof process" "$SCXPROF" process -f "$in" -o "$out/big"
p_w=$W p_cpu=$(awk -v u="$U" -v s="$SY" 'BEGIN { print u + s }') p_rss=$M
printf '%-34s %6.2fs  %5s MB/s wall, %s MB/s per CPU second (user %.2fs sys %.2fs), %.1fx wc -l, peak RSS %d MB\n' \
	"scxprof process (parse + JSONL)" "$W" "$(rate "$bytes" "$W")" "$(rate "$bytes" "$p_cpu")" \
	"$U" "$SY" "$(ratio "$W" "$wc_w")" $((M / 1024))
rm -rf "$out/big"

# RSS must not depend on the input size: the same on a 100 MB slice.
mkdir "$out/slice"
head -c 100000000 "$in/perf.script" >"$out/slice/perf.script"
cp "$in/hints.jsonl" "$out/slice/"
measure "scxprof process (100 MB)" "$SCXPROF" process -f "$out/slice" -o "$out/slice.out"
printf '%-34s peak RSS %d MB on 100 MB, %d MB on %s MB (flat: %s)\n' "memory" $((M / 1024)) \
	$((p_rss / 1024)) "$(mb "$bytes")" "$([ $((p_rss - M)) -lt 16384 ] && echo yes || echo NO)"
rm -rf "$out/slice" "$out/slice.out"

# perf script's own speed producing this kind of text from a real recording.
if [ "$(id -u)" -eq 0 ] && command -v perf >/dev/null; then
	mkdir "$out/pf"
	python3 -c '
import mmap, time
t = time.time()
while time.time() - t < 3:
    m = mmap.mmap(-1, 1 << 24, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(0, len(m), 4096):
        m[i] = 1
    m.close()
' &
	wl=$!
	if perf record -q -e page-faults -c 1 -d --phys-data --data-page-size -p $wl \
		-o "$out/pf/perf.data" >/dev/null 2>&1; then
		fields=comm,tid,pid,time,cgroup,ip,addr,phys_addr,data_page_size,dso,sym
		perf script -F comm,cgroup -i /nonexistent 2>&1 | grep -q "Invalid field" &&
			fields=comm,tid,pid,time,ip,addr,phys_addr,data_page_size,dso,sym
		measure "perf script" sh -c 'exec perf script --ns -G -F "$1" -i "$2" >"$3"' sh \
			"$fields" "$out/pf/perf.data" "$out/pf/perf.script"
		pbytes=$(stat -c %s "$out/pf/perf.script")
		perf_rate=$(rate "$pbytes" "$W")
		perf_cpu=$(rate "$pbytes" "$(awk -v u="$U" -v s="$SY" 'BEGIN { print u + s }')")
		printf '%-34s %6.2fs  %5s MB/s wall, %s MB/s per CPU second (%s MB from a %s MB page-fault recording, perf %s)\n' \
			"perf script (reference)" "$W" "$perf_rate" "$perf_cpu" "$(mb "$pbytes")" \
			"$(mb "$(stat -c %s "$out/pf/perf.data")")" "$(perf version | awk '{print $3}')"
		rm "$out/pf/perf.data"
		measure "scxprof process (perf's text)" "$SCXPROF" process -f "$out/pf" -o "$out/pf.out"
		printf '%-34s %6.2fs  %5s MB/s on perf'"'"'s own page-fault text\n' "scxprof process (same text)" \
			"$W" "$(rate "$pbytes" "$W")"
		printf 'process / perf script: %sx wall, %sx per CPU second (target >= 2.5x)\n' \
			"$(ratio "$(rate "$bytes" "$p_w")" "$perf_rate")" \
			"$(ratio "$(rate "$bytes" "$p_cpu")" "$perf_cpu")"
	else
		echo "perf script reference: skipped (perf record of page faults failed)"
	fi
	wait $wl || true
else
	echo "perf script reference: skipped (needs root and perf)"
fi
echo "target: >= 400 MB/s on one core (got $(rate "$bytes" "$p_w") MB/s wall, $(rate "$bytes" "$p_cpu") MB/s per CPU second)"
echo "(wall-clock figures include any load on the machine; the lead re-runs them on a quiet one)"
