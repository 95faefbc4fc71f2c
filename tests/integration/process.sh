#!/bin/bash
# scxprof process end to end on the synthetic sample profile and the upstream
# fixtures: summary lines, outputs (schemas, golden hashes, an independent
# checker), the three perf layouts, both sched_switch formats, directory and
# archive input, verbose output, bad input, Ctrl-C, and a full disk.
. "$SCX_SRC/tests/integration/lib.sh"

SAMPLE=$SCX_BUILD/sample/sample-profile.tar.gz
GEN=$SCX_SRC/scripts/gen-sample-profile
DATA=$SCX_SRC/tests/data/process
CHECK="$PY $SCX_SRC/tests/tools/check_perf_jsonl.py"
[ -s "$SAMPLE" ] || fail "$SAMPLE is missing (make generates it)"

# Validate every 40th line of a big JSONL file (jsonschema in Python is slow).
validate_some() {
	awk 'NR % 40 == 1' "$2" >"$T/some.jsonl"
	validate "$1" "$T/some.jsonl" --jsonl
}
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d; [v:=v[k] if not k.isdigit() else v[int(k)] for k in sys.argv[2].split(".")]; print(json.dumps(v))' "$@"; }

# --- the sample archive ----------------------------------------------------
mkdir "$T/a"
cp "$SAMPLE" "$T/a/"
run_rc 0 "$SCXPROF" process -f "$T/a/sample-profile.tar.gz"
expect_eq "$(printf '%s\n' "$OUT" | head -n 3)" "Output directory: $T/a/sample-profile.out
Extracting $T/a/sample-profile.tar.gz...
Parsing perf.script to generate perf.jsonl..." "progress lines"
expect_match "$OUT" "^Parsed 193152 of 199981 records \(6823 skipped, 6 unparseable\)$" "mem summary line"
expect_match "$OUT" "^Parsed 112126 of 112126 sched trace records \(0 unparseable\)$" "sched summary line"
expect_match "$OUT" "^Output contents:
  hints.jsonl \(12298 bytes\)
  perf.jsonl \([0-9]+ bytes\)
  perf.sched.jsonl \([0-9]+ bytes\)
  summary.json \([0-9]+ bytes\)$" "contents listed, sorted"
expect_eq "$ERR" "" "nothing on stderr"
expect_eq "$(ls -A "$T/a" | tr '\n' ' ')" "sample-profile.out sample-profile.tar.gz " "only the output next to the archive"
O=$T/a/sample-profile.out
expect_eq "$(ls -A "$O" | tr '\n' ' ')" "hints.jsonl perf.jsonl perf.sched.jsonl summary.json " "output files (the extracted bundle is gone)"
(cd "$O" && sha256sum -c --quiet "$DATA/sample-profile.sha256") || fail "outputs differ from the golden hashes"
ok "perf.jsonl, perf.sched.jsonl, hints.jsonl match the golden hashes"
validate "$SCX_SRC/schemas/summary.schema.json" "$O/summary.json"
validate "$SCX_SRC/schemas/hints.schema.json" "$O/hints.jsonl" --jsonl
validate_some "$SCX_SRC/schemas/perf.schema.json" "$O/perf.jsonl"
validate_some "$SCX_SRC/schemas/perf.sched.schema.json" "$O/perf.sched.jsonl"
expect_eq "$(json "$O/summary.json" mem.records)" 193152 "summary: mem records"
expect_eq "$(json "$O/summary.json" mem.skipped_no_phys)/$(json "$O/summary.json" mem.skipped_comm)" 3890/2933 "summary: skip reasons"
expect_eq "$(json "$O/summary.json" mem.cgroup_from.perf_before_ip)" 193152 "summary: cgroups from perf >= 6.6 layout"
expect_eq "$(json "$O/summary.json" perf.recorded)" '"perf version 6.8.12"' "summary: recording perf version"
expect_eq "$(json "$O/summary.json" sched.switches_raw_format)" 23004 "summary: raw-format switches"
expect_eq "$(json "$O/summary.json" archive.root)" '"sample-profile"' "summary: archive root"
expect_eq "$(json "$O/summary.json" warnings)" "[]" "no warnings"
tar -xzf "$SAMPLE" -C "$T/a"
$CHECK "$T/a/sample-profile/perf.script" "$O/perf.jsonl" --hints "$T/a/sample-profile/hints.jsonl" >"$T/check" ||
	fail "independent check: $(cat "$T/check")"
ok "independent checker agrees: $(cat "$T/check")"
for k in '"comm":"perf"' '"comm":"swapper"' '"phys_addr":"0"'; do
	grep -qF "$k" "$O/perf.jsonl" && fail "perf.jsonl has a filtered record ($k)"
done
ok "perf, swapper and phys 0 are filtered"
expect_match "$(grep -c '"comm":"web[1-8]".*"hint":[1-9]' "$O/perf.jsonl")" "^[1-9][0-9]{4}$" "web threads carry hints"

# --- the same bundle as a directory; -o; a trailing slash ---------------------
run_rc 0 "$SCXPROF" process -f "$T/a/sample-profile/" -o "$T/dir.out"
cmp -s "$O/perf.jsonl" "$T/dir.out/perf.jsonl" || fail "directory input gives a different perf.jsonl"
ok "directory and archive input give the same perf.jsonl"
expect_eq "$(json "$T/dir.out/summary.json" input)" '"directory"' "summary: directory input"
expect_eq "$(ls -A "$T/a/sample-profile" | wc -l)" 6 "nothing written into the input directory"
rm -rf "$T/dir.out"
mkdir "$T/ts" && cp -r "$DATA/profile_basic" "$T/ts/p"
(cd "$T/ts" && "$SCXPROF" process -f p/ >/dev/null) || fail "trailing slash failed"
[ -d "$T/ts/p.out" ] && [ ! -e "$T/ts/p/.out" ] || fail "trailing slash output misplaced"
ok "a trailing slash still gives <profile>.out beside it"

# --- -v: upstream's verbose lines ---------------------------------------------
run_rc 0 "$SCXPROF" process -f "$T/a/sample-profile" -o "$T/v.out" -v
expect_eq "$(grep -c '^unparseable: ' <<<"$ERR")" 6 "-v: unparseable lines"
expect_eq "$(grep -c '^skipped (no phys_addr): ' <<<"$ERR")" 3890 "-v: no phys_addr lines"
expect_eq "$(grep -c '^skipped (filtered comm): ' <<<"$ERR")" 2933 "-v: filtered comm lines"
expect_match "$ERR" "^skipped \(filtered comm\): {13}perf {4}9001/9001 {4}86400\.175896117: " "-v prints the line untrimmed"

# --- the same run in every perf layout gives the same perf.jsonl -----------------
small="--samples 20000 --seconds 1 --seed 5"
for layout in 6.6 6.3 6.1; do
	$GEN -o "$T/l$layout" --no-archive --perf $layout $small >/dev/null || fail "gen $layout"
	run_rc 0 "$SCXPROF" process -f "$T/l$layout/sample-profile"
	validate_some "$SCX_SRC/schemas/perf.schema.json" "$T/l$layout/sample-profile.out/perf.jsonl"
	$CHECK "$T/l$layout/sample-profile/perf.script" "$T/l$layout/sample-profile.out/perf.jsonl" \
		--layout $layout --hints "$T/l$layout/sample-profile/hints.jsonl" \
		--cgroups "$T/l$layout/sample-profile/cgroups.jsonl" >"$T/check" ||
		fail "independent check ($layout): $(cat "$T/check")"
	ok "perf $layout layout: $(cat "$T/check")"
done
cmp -s "$T/l6.6/sample-profile.out/perf.jsonl" "$T/l6.3/sample-profile.out/perf.jsonl" || fail "6.3 layout differs"
cmp -s "$T/l6.6/sample-profile.out/perf.jsonl" "$T/l6.1/sample-profile.out/perf.jsonl" || fail "6.1 layout + cgroups.jsonl differs"
ok "perf 6.6, 6.3 and 6.1 (+ cgroups.jsonl) layouts give identical perf.jsonl"
expect_eq "$(json "$T/l6.3/sample-profile.out/summary.json" mem.cgroup_from.perf_at_end)" \
	"$(json "$T/l6.3/sample-profile.out/summary.json" mem.records)" "6.3: every cgroup found at the end"
run_rc 0 "$SCXPROF" process -f "$T/l6.1/sample-profile" -o "$T/l61b.out"
expect_match "$OUT" "^perf.script has no cgroup field \(written by perf < 6.3\): [0-9]+ records took their cgroup from cgroups.jsonl, 0 are \"unknown\"$" "6.1: said once"
rm "$T/l6.1/sample-profile/cgroups.jsonl"
run_rc 0 "$SCXPROF" process -f "$T/l6.1/sample-profile" -o "$T/l61c.out"
expect_match "$ERR" "^scxprof: warning: perf.script has no cgroup field \(written by perf < 6.3\): the bundle has no cgroups.jsonl, so cgroup is \"unknown\" in all [0-9]+ records$" "6.1 without cgroups.jsonl: warned once"
expect_eq "$(grep -vc '"cgroup":"unknown"' "$T/l61c.out/perf.jsonl")" 0 "6.1 without cgroups.jsonl: cgroup unknown"
expect_match "$(json "$T/l61c.out/summary.json" warnings.0)" "no cgroups.jsonl" "the warning is in summary.json"

# --- both sched_switch text formats give the same fields ------------------------
$GEN -o "$T/plugin" --no-archive --sched-format plugin $small >/dev/null || fail "gen plugin"
run_rc 0 "$SCXPROF" process -f "$T/plugin/sample-profile"
validate_some "$SCX_SRC/schemas/perf.sched.schema.json" "$T/plugin/sample-profile.out/perf.sched.jsonl"
"$PY" - "$T/l6.6/sample-profile.out/perf.sched.jsonl" "$T/plugin/sample-profile.out/perf.sched.jsonl" <<'EOF' || fail "raw and plugin sched_switch differ"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b), (len(a), len(b))
n = 0
for x, y in zip(a, b):
    if x["event"] == "sched:sched_switch":
        assert x["fields"] == y["fields"], (x, y)
        assert "prev_hint" in x["fields"]
        n += 1
    elif x["event"] != "sched:sched_wakeup":
        assert x == y, (x, y)
assert n > 1000, n
EOF
ok "raw and plugin sched_switch formats give the same fields"

# --- upstream scx_characterize fixtures (perf.mem.script) ----------------------
run_rc 0 "$SCXPROF" process -f "$DATA/profile_basic" -o "$T/basic.out"
expect_match "$OUT" "^Parsing perf.mem.script to generate perf.jsonl...$" "upstream's perf.mem.script is read"
expect_match "$OUT" "^Parsed 8 of 8 records \(0 skipped, 0 unparseable\)$" "profile_basic mem summary"
expect_match "$OUT" "^Parsed 7 of 7 sched trace records \(0 unparseable\)$" "profile_basic sched summary"
for f in perf.jsonl perf.sched.jsonl; do
	sed -E 's/,"time_ns":[0-9]+//' "$T/basic.out/$f" >"$T/stripped"
	cmp -s "$T/stripped" "$DATA/profile_basic/expected.upstream.$f" || fail "$f differs from upstream's"
done
ok "profile_basic: identical to upstream's JSONL apart from time_ns"
validate "$SCX_SRC/schemas/perf.schema.json" "$T/basic.out/perf.jsonl" --jsonl
validate "$SCX_SRC/schemas/perf.sched.schema.json" "$T/basic.out/perf.sched.jsonl" --jsonl
run_rc 0 "$SCXPROF" process -f "$DATA/profile_out_of_order" -o "$T/ooo.out"
expect_eq "$ERR" "WARNING: detected 1 out-of-order hint timeline violation(s) across 1 tid(s) while processing hints.jsonl. Hint events will be sorted conservatively before annotation. Example tids: 4004. Please fix the input ordering if possible.
WARNING: detected 1 out-of-order sample timeline violation(s) across 1 tid(s) while processing $T/ooo.out/perf.jsonl. Hint lookup fell back conservatively for out-of-order samples. Example tids: 4004. Please fix the input ordering if possible." "out-of-order warnings, as upstream"
expect_match "$OUT" "^Skipping perf.sched.jsonl: neither perf.sched.script nor perf.sched.data is present$" "missing sched trace skipped"
expect_eq "$(grep -o '"hint":[0-9]*' "$T/ooo.out/perf.jsonl" | tr '\n' ' ')" '"hint":9 "hint":7 ' "out-of-order hints [9, 7]"

# --- the small golden (readable) ----------------------------------------------
$GEN -o "$T/g" --no-archive --samples 300 --seconds 1 --cpus 1 --seed 3 >/dev/null
run_rc 0 "$SCXPROF" process -f "$T/g/sample-profile"
cmp -s "$T/g/sample-profile.out/perf.jsonl" "$DATA/sample-small/expected.perf.jsonl" || fail "small sample perf.jsonl differs from golden"
head -n 100 "$T/g/sample-profile.out/perf.sched.jsonl" | cmp -s - "$DATA/sample-small/expected.perf.sched.head100.jsonl" || fail "small sample perf.sched.jsonl differs from golden"
ok "small sample matches the golden JSONL"

# --- bad input: one line, exit 1, nothing left --------------------------------
mkdir "$T/bad"
cd "$T/bad" || exit 1
run_rc 2 "$SCXPROF" process
expect_match "$ERR" "^scxprof process: -f/--file PROFILE is required" "-f is required"
run_rc 1 "$SCXPROF" process -f nope
expect_eq "$ERR" "scxprof: nope: No such file or directory" "missing input"
echo x >notes.txt
run_rc 1 "$SCXPROF" process -f notes.txt
expect_eq "$ERR" "scxprof: 'notes.txt' is not a directory or tar.gz archive" "not a bundle file"
mkdir empty
run_rc 1 "$SCXPROF" process -f empty
expect_eq "$ERR" "scxprof: 'empty' is not a scxprof bundle: it has none of perf.data, perf.script, perf.sched.data, perf.sched.script, hints.jsonl" "empty directory"
mkdir exists.out && echo keep >exists.out/file
mkdir exists && cp "$DATA/profile_basic/perf.mem.script" exists/
run_rc 1 "$SCXPROF" process -f exists
expect_eq "$ERR" "scxprof: output directory 'exists.out' already exists" "existing output refused"
expect_eq "$(cat exists.out/file)" keep "existing output untouched"
mkdir badhints && cp "$DATA/profile_basic/perf.mem.script" badhints/ &&
	printf '{"pid":1,"tgid":1,"hints":1,"timestamp":1}\n\n{"pid":"x"}\n' >badhints/hints.jsonl
run_rc 1 "$SCXPROF" process -f badhints
expect_eq "$ERR" "scxprof: failed to parse hints.jsonl record: badhints/hints.jsonl:3: \`pid\` is not a 32-bit integer" "bad hints.jsonl"
expect_eq "$(ls -A | tr '\n' ' ')" "badhints empty exists exists.out notes.txt " "nothing left by failures"
cd "$SCX_SRC" || exit 1

# --- Ctrl-C and SIGTERM: exit 130, nothing left ------------------------------------
mkdir "$T/sig"
for sig in INT TERM HUP; do
	"$SCXPROF" process -f "$SAMPLE" -o "$T/sig/out" >"$T/sig.log" 2>&1 &
	pid=$!
	sleep 0.4
	kill -$sig $pid
	wait $pid
	rc=$?
	expect_eq "$rc" 130 "SIG$sig: exit 130"
	expect_match "$(cat "$T/sig.log")" "^scxprof: interrupted by SIG$sig: nothing written$" "SIG$sig: said so"
	expect_eq "$(ls -A "$T/sig" | wc -l)" 0 "SIG$sig: no output and no temporary left"
done

# --- a full disk: an error, and nothing left ------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir "$T/full" && mount -t tmpfs -o size=2m tmpfs "$T/full" 2>/dev/null; then
	at_exit "umount '$T/full'"
	run_rc 1 "$SCXPROF" process -f "$SAMPLE" -o "$T/full/out"
	expect_match "$ERR" "^scxprof: archive '.*' could not be extracted: cannot write '.*': No space left on device$" "full disk while extracting"
	expect_eq "$(ls -A "$T/full" | wc -l)" 0 "full disk: nothing left"
	run_rc 1 "$SCXPROF" process -f "$T/a/sample-profile" -o "$T/full/out"
	expect_eq "$ERR" "scxprof: cannot write $T/full/out/perf.jsonl: No space left on device" "full disk while writing perf.jsonl"
	expect_eq "$(ls -A "$T/full" | wc -l)" 0 "full disk: nothing left"
else
	echo "SKIP: full-disk case (needs root to mount a small tmpfs)"
fi
