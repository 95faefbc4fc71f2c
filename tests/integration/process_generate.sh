#!/bin/bash
# scxprof process on bundles without scripts: perf script is run on perf.data
# (a fake perf via SCXPROF_PERF, so every perf version and failure can be
# played): the field list follows the perf version, the output is streamed into
# the parser and never written into the input, perf's stderr is drained and
# reported as upstream does, a refused cgroup field is retried without it, and
# Ctrl-C leaves neither output nor a perf process.
. "$SCX_SRC/tests/integration/lib.sh"

FAKE=$SCX_SRC/tests/data/process/fake-perf
GEN=$SCX_SRC/scripts/gen-sample-profile
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d; [v:=v[k] if not k.isdigit() else v[int(k)] for k in sys.argv[2].split(".")]; print(json.dumps(v) if not isinstance(v, str) else v)' "$@"; }

export SCXPROF_PERF=$FAKE FAKE_PERF_LOG=$T/perf.log
small="--samples 5000 --seconds 1 --cpus 2 --seed 9"
for layout in 6.6 6.1; do
	$GEN -o "$T/s$layout" --no-archive --perf $layout $small >/dev/null || fail "gen $layout"
done
# Reference: the same bundle processed from its scripts.
run_rc 0 "$SCXPROF" process -f "$T/s6.6/sample-profile" -o "$T/ref"

# A bundle holding "perf.data" (any bytes: the fake perf reads the script instead).
bundle() {	# DIR LAYOUT
	rm -rf "$1" && mkdir -p "$1"
	cp "$T/s$2/sample-profile/hints.jsonl" "$T/s$2/sample-profile/cgroups.jsonl" "$1/"
	echo "PERFILE2 (fake)" >"$1/perf.data"
	echo "PERFILE2 (fake)" >"$1/perf.sched.data"
	export FAKE_PERF_OUTPUT=$T/s$2/sample-profile/perf.script
	export FAKE_PERF_SCHED_OUTPUT=$T/s$2/sample-profile/perf.sched.script
}

# --- perf >= 6.3: the cgroup field is asked for --------------------------------
bundle "$T/b" 6.6
: >"$T/perf.log"
before=$(ls -lA --time-style=full-iso "$T/b"; stat -c %Y "$T/b")
run_rc 0 "$SCXPROF" process -f "$T/b" -o "$T/b.out"
expect_match "$OUT" "^Generating perf.jsonl from perf.data with perf script \(perf version 6.8.12\)\.\.\.$" "generation announced"
expect_match "$(cat "$T/perf.log")" "^script --ns -G -F comm,tid,pid,time,cgroup,ip,addr,phys_addr,data_page_size,dso,sym -i $T/b/perf.data$" "perf script argv (mem)"
expect_match "$(cat "$T/perf.log")" "^script --ns -G -F comm,pid,tid,cpu,time,event,trace -i $T/b/perf.sched.data$" "perf script argv (sched)"
cmp -s "$T/b.out/perf.jsonl" "$T/ref/perf.jsonl" || fail "generated perf.jsonl differs from the script's"
cmp -s "$T/b.out/perf.sched.jsonl" "$T/ref/perf.sched.jsonl" || fail "generated perf.sched.jsonl differs"
ok "generated output equals the output of the same script read from the bundle"
expect_eq "$(ls -lA --time-style=full-iso "$T/b"; stat -c %Y "$T/b")" "$before" "nothing written into the input directory"
validate "$SCX_SRC/schemas/summary.schema.json" "$T/b.out/summary.json"
expect_eq "$(json "$T/b.out/summary.json" mem.generated)" true "summary: generated"
expect_eq "$(json "$T/b.out/summary.json" mem.perf_script.status)" "exited with status 0" "summary: perf status"
expect_eq "$(json "$T/b.out/summary.json" mem.perf_script.bytes)" "$(stat -c %s "$FAKE_PERF_OUTPUT")" "summary: bytes perf wrote"
expect_eq "$(json "$T/b.out/summary.json" perf.cgroup_field)" true "summary: cgroup field"
expect_eq "$(json "$T/b.out/summary.json" perf.binary)" "$FAKE" "summary: which perf"
expect_eq "$(ls "$T/b.out" | tr '\n' ' ')" "hints.jsonl perf.jsonl perf.sched.jsonl summary.json " "no script kept by default"

# --keep-scripts: the generated text lands in the output directory
run_rc 0 "$SCXPROF" process -f "$T/b" -o "$T/keep.out" --keep-scripts
cmp -s "$T/keep.out/perf.script" "$FAKE_PERF_OUTPUT" || fail "kept perf.script differs"
cmp -s "$T/keep.out/perf.sched.script" "$FAKE_PERF_SCHED_OUTPUT" || fail "kept perf.sched.script differs"
ok "--keep-scripts writes perf.script and perf.sched.script"

# --- perf < 6.3: no cgroup field; cgroups.jsonl fills it -------------------------
bundle "$T/c" 6.1
: >"$T/perf.log"
FAKE_PERF_VERSION=6.1.192 run_rc 0 "$SCXPROF" process -f "$T/c" -o "$T/c.out"
expect_match "$(cat "$T/perf.log")" "^script --ns -G -F comm,tid,pid,time,ip,addr,phys_addr,data_page_size,dso,sym -i " "perf 6.1: field list without cgroup"
expect_match "$OUT" "^perf 6\.1\.192 has no cgroup field in perf script \(added in 6\.3\): [0-9]+ records took their cgroup from cgroups\.jsonl, 0 are \"unknown\"$" "perf 6.1: said once"
cmp -s "$T/c.out/perf.jsonl" "$T/ref/perf.jsonl" || fail "perf 6.1 + cgroups.jsonl differs from perf 6.6"
ok "perf 6.1 + cgroups.jsonl gives the same perf.jsonl as perf 6.6"
expect_eq "$(json "$T/c.out/summary.json" perf.cgroup_field)" false "summary: no cgroup field"

# --- perf >= 6.3 on data recorded without --all-cgroups: retried without cgroup ---
bundle "$T/n" 6.1
: >"$T/perf.log"
FAKE_PERF_MODE=nocgroup run_rc 0 "$SCXPROF" process -f "$T/n" -o "$T/n.out"
expect_eq "$(grep -c ' -i .*/perf.data$' "$T/perf.log")" 2 "perf script ran twice for perf.data"
expect_match "$ERR" "^scxprof: warning: $T/n/perf.data has no cgroup in its samples \(recorded without --all-cgroups\?\): running perf script again without the cgroup field. perf said:
Samples for 'cpu/mem-loads,ldlat=30/P' event do not have CGROUP attribute set" "retry explained"
cmp -s "$T/n.out/perf.jsonl" "$T/ref/perf.jsonl" || fail "retry without cgroup: perf.jsonl differs"
ok "retry without the cgroup field gives the full output"

# --- perf's stderr and exit status, as upstream reports them ----------------------
bundle "$T/d" 6.6
FAKE_PERF_MODE=diag run_rc 0 "$SCXPROF" process -f "$T/d" -o "$T/d.out"
expect_match "$ERR" "^scxprof: warning: perf script reported diagnostics for $T/d/perf.data:
'trace' not valid for hardware events. Ignoring.$" "diagnostics reported"
expect_match "$(json "$T/d.out/summary.json" warnings.0)" "^perf script reported diagnostics" "diagnostics in summary.json"

FAKE_PERF_MODE=partial run_rc 0 "$SCXPROF" process -f "$T/d" -o "$T/p.out"
expect_match "$ERR" "^scxprof: warning: perf script exited with status 1 after writing $(stat -c %s "$FAKE_PERF_OUTPUT") bytes from $T/d/perf.data. Continuing with the generated output because the output is non-empty.$" "failure after output: continued"
expect_match "$ERR" "0x1234 \[0x28\]: failed to process type: 9" "its stderr reported"
cmp -s "$T/p.out/perf.jsonl" "$T/ref/perf.jsonl" || fail "partial: output differs"

mkdir "$T/f"
FAKE_PERF_MODE=fail run_rc 1 "$SCXPROF" process -f "$T/d" -o "$T/f/out"
expect_eq "$ERR" "scxprof: perf script failed with status: exited with status 255: incompatible file format (rerun with -v to learn more)" "failure without output: error"
expect_eq "$(ls -A "$T/f" | wc -l)" 0 "failure: nothing left"

# a chatty perf (200 KiB on stderr) does not block on a full pipe
FAKE_PERF_MODE=chatty timeout 60 "$SCXPROF" process -f "$T/d" -o "$T/chatty.out" >/dev/null 2>"$T/chatty.err" ||
	fail "chatty perf: exit $?"
cmp -s "$T/chatty.out/perf.jsonl" "$T/ref/perf.jsonl" || fail "chatty: output differs"
expect_match "$(cat "$T/chatty.err")" "^\.\.\. \([0-9]+ more bytes in summary.json\)$" "chatty stderr: an excerpt"
expect_match "$(json "$T/chatty.out/summary.json" mem.perf_script.stderr | tail -n 1)" "^\.\.\. \([0-9]+ more bytes\)$" "chatty stderr: 16 KiB kept"
ok "a perf writing 200 KiB to stderr completes"

# --- no perf at all -----------------------------------------------------------
mkdir "$T/np"
SCXPROF_PERF=/nonexistent/perf run_rc 1 "$SCXPROF" process -f "$T/d" -o "$T/np/out"
expect_eq "$ERR" "scxprof: cannot run perf script: '/nonexistent/perf' not found (install linux-perf, or set SCXPROF_PERF)" "missing perf"
expect_eq "$(ls -A "$T/np" | wc -l)" 0 "missing perf: nothing left"

# --- Ctrl-C while perf script runs: no output, no perf left ------------------------
mkdir "$T/int"
FAKE_PERF_MODE=slow "$SCXPROF" process -f "$T/d" -o "$T/int/out" >"$T/int.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
	grep -q "^Generating perf.jsonl" "$T/int.log" && break
	sleep 0.1
done
sleep 0.5
child=$(pgrep -f "fake-perf script .* -i $T/d/perf.data" | head -n 1)
[ -n "$child" ] || fail "the fake perf script is not running"
kill -INT $pid
wait $pid
expect_eq "$?" 130 "Ctrl-C during perf script: exit 130"
for _ in $(seq 20); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
kill -0 "$child" 2>/dev/null && fail "perf script ($child) still running after Ctrl-C"
ok "perf script was stopped"
expect_eq "$(ls -A "$T/int" | wc -l)" 0 "Ctrl-C: nothing left"
