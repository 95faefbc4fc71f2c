#!/bin/bash
# scxprof extract mem / sched-util as a user runs them: golden configs, schema
# validation of every config and report, the -v report on stderr, atomic -o,
# bad input (one-line errors naming the line, --skip-bad), usage errors, stdin,
# and Ctrl-C leaving nothing behind.
. "$SCX_SRC/tests/integration/lib.sh"

D=$SCX_SRC/tests/data/extract
S=$SCX_SRC/schemas
IN=$D/small.jsonl

# ---- extract mem: golden configs, default subcommand, schema ----
run_rc 0 "$SCXPROF" extract -f "$IN"
printf '%s\n' "$OUT" >"$T/comm.json"
cmp -s "$T/comm.json" "$D/small.comm.json" || fail "comm config differs from $D/small.comm.json:
$(diff "$D/small.comm.json" "$T/comm.json")"
ok "extract -f (comm) matches the golden config"
validate "$S/cell-config.schema.json" "$T/comm.json"
expect_eq "$ERR" "" "extract without -v prints nothing on stderr"
run_rc 0 "$SCXPROF" extract mem -f "$IN"
expect_eq "$OUT" "$(cat "$D/small.comm.json")" "extract = extract mem (default subcommand)"

run_rc 0 "$SCXPROF" extract -f "$IN" --cluster locality -v --report "$T/report.json"
printf '%s\n' "$OUT" >"$T/loc.json"
cmp -s "$T/loc.json" "$D/small.locality.json" || fail "locality config differs:
$(diff "$D/small.locality.json" "$T/loc.json")"
ok "extract --cluster locality matches the golden config"
validate "$S/cell-config.schema.json" "$T/loc.json"
validate "$S/extract-report.schema.json" "$T/report.json"
expect_match "$ERR" "^Total samples: 159$" "-v report starts with the total"
expect_match "$ERR" "^  web\*: 62 \(43\.06%\)$" "-v report merges web1/web2 into web*"
expect_match "$ERR" "^  merged memcached \+ web: affinity 0\.87 > 0\.10$" "-v shows the merge"
expect_match "$ERR" "^  locality retained: 100\.00% with --cluster locality, 0\.00% with --cluster comm$" \
	"-v compares locality retained side by side"
retained=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join("%s=%s" % (l["cluster"], l["locality_retained"]) for l in r["layouts"]))' "$T/report.json")
expect_eq "$retained" "locality=1.0 comm=0.0" "--report: locality retained per layout"

run_rc 0 "$SCXPROF" extract -f "$IN" -vv
expect_match "$ERR" "^    web1: 42 \(67\.74%\)$" "-vv lists concrete comms"
run_rc 0 "$SCXPROF" extract -f "$IN" --report "$T/report-comm.json"
validate "$S/extract-report.schema.json" "$T/report-comm.json"

# --use-hints: the config carries Hint terms, which the reader (and the schema) refuse.
awk 'NR % 2 && /"comm":"web1"/ { sub(/"hint":0/, "\"hint\":7") } { print }' "$IN" >"$T/hints.jsonl"
run_rc 0 "$SCXPROF" extract -f "$T/hints.jsonl" --use-hints
expect_match "$OUT" '"name": "web@hint=7"' "--use-hints splits web by hint"
expect_match "$ERR" "warning: --use-hints: the current scx_mitosis reader" "--use-hints warns about the reader"
printf '%s\n' "$OUT" >"$T/hints.json"
"$PY" "$SCX_SRC/tests/tools/validate_json.py" "$S/cell-config.schema.json" "$T/hints.json" 2>/dev/null &&
	fail "a config with Hint terms passed the schema"
ok "the schema refuses Hint terms, as the reader does"

# ---- outputs: -o is atomic; stdin ----
run_rc 0 "$SCXPROF" extract -f "$IN" -o "$T/cells.json"
expect_eq "$OUT" "" "-o: nothing on stdout"
cmp -s "$T/cells.json" "$D/small.comm.json" || fail "-o content differs"
ok "-o writes the config"
run_rc 0 "$SCXPROF" extract -f - -o "$T/stdin.json" <"$IN"
cmp -s "$T/stdin.json" "$D/small.comm.json" || fail "-f - differs"
ok "-f - reads stdin"

# A bad line: exit 1, one line naming file and line; the old -o file is untouched.
{ head -n 2 "$IN"; echo '{"comm":"x","tid":1}'; tail -n +3 "$IN"; } >"$T/bad.jsonl"
echo keep >"$T/old.json"
run_rc 1 "$SCXPROF" extract -f "$T/bad.jsonl" -o "$T/old.json"
expect_eq "$ERR" "scxprof: $T/bad.jsonl:3: missing key \"pid\"" "malformed line: one-line error with its number"
expect_eq "$(cat "$T/old.json")" "keep" "failed run leaves the existing -o file alone"
expect_eq "$(ls -A "$T" | grep -c '\.tmp\.' || true)" "0" "no temporary file left behind"
run_rc 0 "$SCXPROF" extract -f "$T/bad.jsonl" --skip-bad
expect_match "$ERR" "warning: skipped 1 malformed line of .*bad.jsonl \(first: line 3: missing key \"pid\"\)" \
	"--skip-bad counts and reports"
printf '\xff\n' >"$T/utf8.jsonl"
run_rc 1 "$SCXPROF" extract -f "$T/utf8.jsonl"
expect_eq "$ERR" "scxprof: $T/utf8.jsonl:1: expected a value (column 1)" "binary garbage: named"
printf '{"comm":"\xff","tid":1}\n' >"$T/utf8.jsonl"
run_rc 1 "$SCXPROF" extract -f "$T/utf8.jsonl"
expect_eq "$ERR" "scxprof: $T/utf8.jsonl:1: invalid UTF-8 in string (column 10)" "invalid UTF-8: named"

# Empty input: [] (with a warning: scx_mitosis refuses an empty config).
: >"$T/empty.jsonl"
run_rc 0 "$SCXPROF" extract -f "$T/empty.jsonl"
expect_eq "$OUT" "[]" "empty file gives []"
expect_match "$ERR" "warning: no samples" "empty file warns"
printf '\n  \n\n' >"$T/blank.jsonl"
run_rc 0 "$SCXPROF" extract -f "$T/blank.jsonl"
expect_eq "$OUT" "[]" "blank lines are skipped"

# ---- usage and runtime errors ----
run_rc 2 "$SCXPROF" extract
expect_match "$ERR" "-f/--file is required" "missing -f is a usage error"
run_rc 1 "$SCXPROF" extract -f "$T/nope.jsonl"
expect_eq "$ERR" "scxprof: cannot open $T/nope.jsonl: No such file or directory" "missing input"
run_rc 2 "$SCXPROF" extract -f "$IN" --workload-allotment-cgroup-regex 'tw-(x'
expect_match "$ERR" "invalid allotment regex 'tw-\(x': missing closing parenthesis at offset 5" \
	"bad regex: pcre2's message and offset"
run_rc 0 "$SCXPROF" extract -f "$IN" --workload-allotment-cgroup-regex '^/workload\.slice/workload-tw-[^/]+'
expect_match "$ERR" "is anchored at the start" "anchored regex warns"
run_rc 2 "$SCXPROF" extract -f "$IN" --use-hints --cluster locality
expect_match "$ERR" "--use-hints cannot be combined" "--use-hints with locality is refused"
run_rc 2 "$SCXPROF" extract -f "$IN" --affinity-threshold 1.5
run_rc 2 "$SCXPROF" extract -f "$IN" --max-subcells 9
run_rc 2 "$SCXPROF" extract -f "$IN" --cluster pages
expect_match "$ERR" "expected one of: comm, locality" "bad --cluster lists the choices"
run_rc 1 "$SCXPROF" extract -f "$IN" -o "$T/no/such/dir/cells.json"
expect_match "$ERR" "^scxprof: cannot create $T/no/such/dir/cells.json: No such file or directory$" \
	"unwritable -o fails before reading"
run_rc 2 "$SCXPROF" extract -f "$IN" -o "$T/same.json" --report "$T/same.json"

# ---- Ctrl-C while blocked on a pipe: exit 130, nothing written ----
mkfifo "$T/fifo"
"$SCXPROF" extract -f "$T/fifo" -o "$T/intr.json" 2>"$T/intr.err" &
pid=$!
exec 7>"$T/fifo"
head -n 10 "$IN" >&7
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
exec 7>&-
expect_eq "$rc" "130" "SIGINT exits 130"
expect_eq "$(cat "$T/intr.err")" "scxprof: interrupted by SIGINT: nothing written" "SIGINT message"
[ ! -e "$T/intr.json" ] || fail "interrupted run left $T/intr.json"
expect_eq "$(ls -A "$T" | grep -c '\.tmp\.' || true)" "0" "no temporary file after SIGINT"

# ---- sched-util ----
cat >"$T/sched.jsonl" <<'EOF'
{"comm":"idle","pid":0,"tid":0,"cpu":0,"time":0.0,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"worker-a","next_pid":10},"hint":0}
{"comm":"worker-a","pid":10,"tid":10,"cpu":0,"time":0.0005,"event":"sched:sched_stat_runtime","trace":"","hint":640}
{"comm":"worker-a","pid":10,"tid":10,"cpu":0,"time":0.001,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"swapper/0","next_pid":0},"hint":640}
{"comm":"idle","pid":0,"tid":0,"cpu":0,"time":0.001,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"uncat","next_pid":20},"hint":0}
{"comm":"uncat","pid":20,"tid":20,"cpu":0,"time":0.002,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"swapper/0","next_pid":0},"hint":0}
EOF
run_rc 0 "$SCXPROF" extract sched-util -f "$T/sched.jsonl" --categories worker-a@hint=640 -v
printf '%s\n' "$OUT" >"$T/util.jsonl"
validate "$S/sched-util.schema.json" "$T/util.jsonl" --jsonl
expect_eq "$(sed -n 1p "$T/util.jsonl")" '{"time_ms":0,"window_ms":1,"cpu_count":1,"total":100.0,"uncategorized":0.0,"categories":{"worker-a@hint=640":50.0,"worker-a@hint=0":50.0,"hardirq":0.0,"softirq-rx":0.0,"softirq-tx":0.0,"softirq-other":0.0,"nmi":0.0}}' \
	"sched-util window 0 (upstream test 16)"
expect_match "$(sed -n 2p "$T/util.jsonl")" '"uncategorized":100.0' "sched-util window 1 uncategorized"
expect_eq "$ERR" "sched util: 3 intervals, 2 buckets, 1 cpus, 7 categories" "sched-util -v summary"
run_rc 0 "$SCXPROF" extract sched-util -f "$T/sched.jsonl" -o "$T/util2.jsonl"
expect_eq "$OUT" "" "sched-util -o: nothing on stdout"
[ "$(wc -l <"$T/util2.jsonl")" -eq 2 ] || fail "sched-util -o wrote $(wc -l <"$T/util2.jsonl") lines"
run_rc 1 "$SCXPROF" extract sched-util -f "$T/sched.jsonl" --categories 'worker-a,worker-a@hint=640'
expect_match "$ERR" "^scxprof: sched util categories are not mutually exclusive in bucket starting at 0ms: total=1000000ns" \
	"overlapping categories: upstream's error"
run_rc 2 "$SCXPROF" extract sched-util -f "$T/sched.jsonl" --categories 'a@hint=x'
expect_match "$ERR" "invalid hint selector in category 'a@hint=x'" "bad hint selector"
run_rc 2 "$SCXPROF" extract sched-util -f "$T/sched.jsonl" --window-ms 0
run_rc 1 "$SCXPROF" extract sched-util -f "$IN"
expect_match "$ERR" "^scxprof: .*small.jsonl:1: \"time\": expected a number, got a string$" "a perf.jsonl is not a sched trace"
sed 's/"cpu":0,"time":0.001,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"uncat"/"cpu":2,"time":0.001,"event":"sched:sched_switch","trace":"","fields":{"next_comm":"uncat"/' \
	"$T/sched.jsonl" >"$T/gap.jsonl"
run_rc 0 "$SCXPROF" extract sched-util -f "$T/gap.jsonl"
expect_match "$ERR" "warning: 1 CPU below CPU 2 never appear in the trace \(1\)" "missing CPUs are named"
head -n 1 "$T/sched.jsonl" >"$T/one.jsonl"
run_rc 1 "$SCXPROF" extract sched-util -f "$T/one.jsonl"
expect_eq "$ERR" "scxprof: non-positive sched trace duration" "zero duration: upstream's error"

# Upstream's spelling `extract sched util` works (hidden from help and completion).
run_rc 0 "$SCXPROF" extract sched util -f "$T/sched.jsonl" --categories worker-a@hint=640
expect_eq "$OUT" "$(cat "$T/util.jsonl")" "extract sched util = extract sched-util"
run_rc 0 "$SCXPROF" extract --help
expect_no_match "$OUT" "^  sched " "the alias is not listed"

# -o onto a FIFO or device writes through it (renaming over /dev/null as root
# would replace the device); -o onto a directory fails before reading.
mkfifo "$T/out.fifo"
cat "$T/out.fifo" >"$T/from-fifo" &
reader=$!
run_rc 0 "$SCXPROF" extract -f "$IN" -o "$T/out.fifo"
wait $reader
[ -p "$T/out.fifo" ] || fail "-o replaced the FIFO"
cmp -s "$T/from-fifo" "$D/small.comm.json" || fail "config through the FIFO differs"
ok "-o FIFO: written through, FIFO kept"
mkdir "$T/adir"
run_rc 1 "$SCXPROF" extract -f "$IN" -o "$T/adir"
expect_eq "$ERR" "scxprof: cannot create $T/adir: Is a directory" "-o directory refused"
