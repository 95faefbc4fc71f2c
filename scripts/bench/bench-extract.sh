#!/bin/bash
# scxprof extract on a generated perf.jsonl of BENCH_EXTRACT_RECORDS records
# (default 5,000,000, ~1.5 GB; shaped like a production profile, see
# tests/helpers/gen_perf_jsonl.c): records/s and peak RSS of `extract` (comm)
# and `extract --cluster locality`, next to `wc -l` and `jq -c .` on the same
# file in the same run (warm page cache). Targets: extract >= 1.5M records/s,
# locality >= 0.5M records/s on one core. BENCH_EXTRACT_JQ=0 skips jq.
set -eu
SCX_SRC=${SCX_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SCX_BUILD=${SCX_BUILD:-$SCX_SRC/build}
N=${BENCH_EXTRACT_RECORDS:-5000000}
GEN=$SCX_BUILD/tests/helpers/gen_perf_jsonl
SCXPROF=$SCX_BUILD/scxprof
make -C "$SCX_SRC" -s --no-print-directory "${GEN#"$SCX_SRC"/}" "${SCXPROF#"$SCX_SRC"/}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$dir"' EXIT
f=$dir/perf.jsonl
"$GEN" "$N" >"$f"
bytes=$(stat -c %s "$f")
cat "$f" >/dev/null # warm the page cache for every contender alike

# measure NAME CMD...: wall, user and system seconds, peak RSS (KiB) into $W $U $SY $M
measure() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" >/dev/null 2>"$dir/err" ||
		{ echo "$name failed:"; cat "$dir/err"; exit 1; }
	read -r W U SY M <"$dir/time"
}
rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.2f", (s > 0 ? n / s : 0) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

printf 'input: %d records, %.0f MB, %s\n' "$N" "$(awk -v b="$bytes" 'BEGIN{print b/1e6}')" "$(uptime | sed 's/.*load/load/')"
measure "wc -l" wc -l "$f"
wc_w=$W
printf '%-28s %7.2fs  %7s M records/s\n' "wc -l" "$W" "$(rate "$W")"
jq_w=
if [ "${BENCH_EXTRACT_JQ:-1}" != 0 ] && command -v jq >/dev/null; then
	measure "jq -c ." jq -c . "$f"
	jq_w=$W
	printf '%-28s %7.2fs  %7s M records/s\n' "jq -c ." "$W" "$(rate "$W")"
fi
for mode in comm locality; do
	measure "extract $mode" "$SCXPROF" extract -f "$f" --cluster "$mode"
	printf '%-28s %7.2fs  %7s M records/s (user %.2fs sys %.2fs: %s M/s on one core)  peak RSS %d MB  %sx wc -l%s\n' \
		"extract --cluster $mode" "$W" "$(rate "$W")" "$U" "$SY" "$(rate "$U")" $((M / 1024)) \
		"$(ratio "$W" "$wc_w")" "${jq_w:+, $(ratio "$jq_w" "$W")x faster than jq}"
	eval "${mode}_rate=$(rate "$U")"
done
echo "targets (CPU time, one core): comm >= 1.5 M records/s (got $comm_rate), locality >= 0.5 M records/s (got $locality_rate)"
echo "(wall-clock figures include reading the file from the page cache and any load on the machine)"
