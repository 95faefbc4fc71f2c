#!/bin/bash
# End to end with the real perf of this machine: record a few seconds of page
# faults with data addresses, physical addresses and page sizes (the software
# event works without a PMU), let scxprof process run `perf script` on the
# perf.data, and check perf.jsonl record by record against perf script's own
# text (parsed by an independent checker). With perf < 6.3 (Debian 12: 6.1)
# this is the no-cgroup path: the cgroup comes from cgroups.jsonl.
. "$SCX_SRC/tests/integration/lib.sh"
need_root
need_cmd perf "linux-perf"

B=$T/bundle
mkdir "$B"
perf version >"$B/perf.version" || skip "perf does not run"
ver=$(sed -n 's/^perf version \([0-9]*\.[0-9]*\).*/\1/p' "$B/perf.version")

# A workload whose page faults have physical addresses: copy-on-write faults
# on pages shared with a short-lived child are on present pages. Its cgroup
# goes into cgroups.jsonl.
"$PY" -c '
import os, time
b = bytearray(16 << 20)
t = time.time()
while time.time() - t < 4:
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)
        os._exit(0)
    for i in range(0, len(b), 4096):
        b[i] = 2
    os.waitpid(pid, 0)
' &
wl=$!
at_exit "kill $wl 2>/dev/null"
sleep 0.2
perf record -q -e page-faults -d --phys-data --data-page-size -a -o "$B/perf.data" -- sleep 2 \
	>"$T/record.log" 2>&1 || skip "perf record of page faults failed here: $(tail -n 3 "$T/record.log")"
# cgroups.jsonl for the workload's threads, as record writes it
cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$wl/cgroup")
[ -n "$cg" ] || cg=$(awk -F: 'NR == 1 {print $3}' "/proc/$wl/cgroup")
for task in /proc/$wl/task/*; do
	printf '{"tid":%d,"pid":%d,"cgroup":"%s"}\n' "${task##*/}" "$wl" "$cg"
done >"$B/cgroups.jsonl"
wait $wl

# perf script's text with the same field list, for the checker
fields=comm,tid,pid,time,ip,addr,phys_addr,data_page_size,dso,sym
layout=6.1
if perf script -F comm,cgroup -i /nonexistent 2>&1 | grep -q "Invalid field requested"; then
	:
else
	fields=comm,tid,pid,time,cgroup,ip,addr,phys_addr,data_page_size,dso,sym
	layout=6.6
	[ "$ver" = 6.3 ] || [ "$ver" = 6.4 ] && layout=6.3
fi
perf script --ns -G -F "$fields" -i "$B/perf.data" >"$T/perf.script" 2>/dev/null ||
	fail "perf script on the recording failed"
lines=$(grep -c . "$T/perf.script")
[ "$lines" -gt 50 ] || skip "only $lines page-fault samples recorded"

run_rc 0 "$SCXPROF" process -f "$B" -o "$T/out"
expect_match "$OUT" "^Generating perf.jsonl from perf.data with perf script \(perf version " "perf script ran"
expect_match "$OUT" "^Parsed [0-9]+ of $lines records \([0-9]+ skipped, 0 unparseable\)$" "every one of perf's $lines lines parsed"
$PY "$SCX_SRC/tests/tools/check_perf_jsonl.py" "$T/perf.script" "$T/out/perf.jsonl" --layout $layout \
	--page-fault --cgroups "$B/cgroups.jsonl" >"$T/check" || fail "perf.jsonl vs perf script: $(cat "$T/check")"
ok "perf.jsonl matches perf script's output: $(cat "$T/check")"
grep -q . "$T/out/perf.jsonl" || fail "no sample with a physical address was recorded"
validate "$SCX_SRC/schemas/perf.schema.json" "$T/out/perf.jsonl" --jsonl
validate "$SCX_SRC/schemas/summary.schema.json" "$T/out/summary.json"
n=$(grep -c "\"pid\":$wl," "$T/out/perf.jsonl")
if [ "$layout" = 6.1 ]; then
	[ "$n" -gt 0 ] || fail "no sample of the workload (pid $wl) kept"
	expect_eq "$(grep "\"pid\":$wl," "$T/out/perf.jsonl" | grep -c "\"cgroup\":\"$cg\"")" "$n" "workload samples carry its cgroup from cgroups.jsonl ($n)"
	expect_match "$OUT
$ERR" "^(scxprof: warning: )?perf $ver\.[0-9]+ has no cgroup field in perf script \(added in 6\.3\): [0-9]+ records took their cgroup from cgroups.jsonl" "no-cgroup path announced"
fi
expect_match "$(cat "$T/out/summary.json")" "\"with_addr_sym\": [1-9]" "page-fault data symbols kept"
