#!/bin/bash
# End to end on this host, as a user would: scxprof record (real perf with
# --mem-event page-faults, the sched trace, poll-mode hints from a real pinned
# task-storage map whose threads fault pages while their hints change), then
# scxprof process on the bundle: samples of the hinted threads carry the hint
# they had at that time and their cgroup (from cgroups.jsonl, perf 6.1). A
# corrupted archive makes process fail cleanly.
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/record_lib.sh"
need_root
need_btf
need_cmd perf "linux-perf"
unset SCXPROF_PERF SCX_CHARACTERIZE_PERF
if "$SCXPROF" --help | grep -Eq '^ +process .*not implemented yet'; then
	skip "scxprof process not implemented yet"
fi
HELPER=$SCX_BUILD/tests/helpers/hintmap
need_bpffs
PIN=/sys/fs/bpf/scxprof-e2e-$$-$RANDOM
at_exit "rm -f '$PIN'"

mkfifo "$T/h.in"
"$HELPER" --threads 2 --work "$PIN" <"$T/h.in" >"$T/h.out" 2>"$T/h.err" &
HPID=$!
exec 7>"$T/h.in"
at_exit "kill $HPID 2>/dev/null"
wait_for "grep -q '^ready' '$T/h.out'"
"$SCXPROF" record -t 6 --mem-event page-faults --hints-map "$PIN" -o "$T/run1" >"$T/r.out" 2>"$T/r.err" &
RPID=$!
wait_for "grep -q '^recording' '$T/r.err'"
# perf writes the host's existing threads and mappings into perf.data before it
# samples; on a loaded machine that takes a while.
sleep 2
echo go >&7
wait_for "grep -q '^done' '$T/h.out'"
wait "$RPID" || fail "record failed: $(cat "$T/r.err")"
echo quit >&7
exec 7>&-
wait "$HPID"
ok "recorded $(cat "$T/r.out")"
expect_eq "$(tar -tzf "$T/run1.tar.gz" | sort | tr '\n' ' ')" \
	"run1/ run1/cgroups.jsonl run1/hints.jsonl run1/meta.json run1/perf.data run1/perf.sched.data run1/perf.version " \
	"the bundle holds the files of DESIGN §4.2"
expect_match "$(cat "$T/r.err")" "^hints: poll mode" "hints recorded in poll mode"

run_rc 0 "$SCXPROF" process -f "$T/run1.tar.gz" -o "$T/out"
for f in perf.jsonl perf.sched.jsonl hints.jsonl summary.json; do
	[ -s "$T/out/$f" ] || fail "process wrote no $f: $(ls "$T/out")
process said: $ERR"
done
ok "process wrote perf.jsonl, perf.sched.jsonl, hints.jsonl, summary.json"
[ -f "$SCX_SRC/schemas/perf.schema.json" ] && validate "$SCX_SRC/schemas/perf.schema.json" "$T/out/perf.jsonl" --jsonl
cmp -s "$T/out/hints.jsonl" <(tar -xzOf "$T/run1.tar.gz" run1/hints.jsonl) || fail "hints.jsonl not copied as recorded"
ok "hints.jsonl copied"
cg=$(sed -n 's/^0:://p' /proc/$$/cgroup)
/usr/bin/python3 - "$T/out/perf.jsonl" "$T/h.out" "$cg" <<'EOF' || fail "hints or cgroups not joined onto the samples"
import json, sys
sets = [l.split() for l in open(sys.argv[2]) if l.startswith("set ")]
cgroup = sys.argv[3]
allowed = {}
for s in sets:
    allowed.setdefault(int(s[1]), set()).add(int(s[3]))
seen = {tid: set() for tid in allowed}
cg_ok = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["tid"] in allowed:
        assert r["hint"] in allowed[r["tid"]], (r["tid"], r["hint"], allowed[r["tid"]])
        seen[r["tid"]].add(r["hint"])
        cg_ok += r["cgroup"] == cgroup
for tid, hints in seen.items():
    # the workers fault pages in three phases, each with its own hint
    assert len(hints) >= 2, (tid, hints)
    print("ok - worker %d: samples joined with hints %s" % (tid, sorted(hints)))
assert cg_ok > 0, "no worker sample carries the cgroup %s" % cgroup
print("ok - %d worker samples carry their cgroup %s (from cgroups.jsonl)" % (cg_ok, cgroup))
EOF
ok "process joins the recorded hints and cgroups onto the samples"

# A damaged bundle: process fails with one line and writes nothing.
cp "$T/run1.tar.gz" "$T/cut.tar.gz"
truncate -s $(($(stat -c %s "$T/run1.tar.gz") / 2)) "$T/cut.tar.gz"
run_rc 1 "$SCXPROF" process -f "$T/cut.tar.gz" -o "$T/cut.out"
expect_match "$ERR" "^scxprof: " "truncated archive: error message"
expect_eq "$(echo "$ERR" | grep -c .)" 1 "truncated archive: one line"
[ ! -e "$T/cut.out" ] || fail "output left behind for a truncated archive"
ok "truncated archive: nothing written"
cp "$T/run1.tar.gz" "$T/bad.tar.gz"
printf 'garbage!garbage!' | dd of="$T/bad.tar.gz" bs=1 seek=200 conv=notrunc status=none
run_rc 1 "$SCXPROF" process -f "$T/bad.tar.gz" -o "$T/bad.out"
expect_match "$ERR" "^scxprof: " "corrupted archive: error message"
[ ! -e "$T/bad.out" ] || fail "output left behind for a corrupted archive"
ok "corrupted archive: nothing written"
