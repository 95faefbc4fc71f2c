#!/bin/bash
# scxtop analyze as a user runs it: the real device capture (both encodings),
# its timelines compared with trace_processor v20.1's tables stored beside it,
# a synthetic trace from our writer, --json against the schema, filters, and
# bad input (missing, empty, garbage, truncated, directories, bad options).
. "$SCX_SRC/tests/integration/lib.sh"

DUMP=$SCX_BUILD/tests/helpers/trace_dump
SYNTH=$SCX_BUILD/tests/helpers/synth_trace
SCHEMA=$SCX_SRC/schemas/analyze.schema.json

# ---- a synthetic trace from the project's writer -----------------------------------------
"$SYNTH" "$T/s.pftrace" 50000 4 64 --dsq >/dev/null || fail "synth_trace failed"
run_rc 0 "$SCXTOP" analyze "$T/s.pftrace"
expect_match "$OUT" "^== summary ==" "default report has the summary"
for a in cpu_utilization process_runtime wakeup_latency migrations preemptions task_states dsq bottlenecks outliers; do
	expect_match "$OUT" "^== $a ==" "default report has $a"
done
expect_match "$OUT" "^total_events: $("$DUMP" "$T/s.pftrace" stats | sed -n 's/^total_events,//p')$" "total_events counts every sched/irq event loaded"
expect_match "$OUT" "p99 [0-9.]+ (ns|us|ms)" "latency percentiles with units"
run_rc 0 "$SCXTOP" analyze "$T/s.pftrace" -a all --json -o "$T/all.json"
expect_eq "$OUT" "" "-o leaves stdout empty"
validate "$SCHEMA" "$T/all.json"
for opt in "-a timeline --cpu 1 -n 5" "-a timeline --pid 1 --start 1ms --end 2ms" \
	"-a query --type sched_switch --group-by comm" "-a outliers --method mad --category latency" \
	"-a process_runtime --per-thread" "-a correlation -n 3" "-a oncpu_slices"; do
	run_rc 0 "$SCXTOP" analyze "$T/s.pftrace" $opt --json -o "$T/o.json"
	validate "$SCHEMA" "$T/o.json"
done
count=$(/usr/bin/python3 -c "import json;d=json.load(open('$T/o.json'));print(d['analyzers']['oncpu_slices']['slice_length']['count'])")
[ "$count" -gt 1000 ] || fail "oncpu_slices: $count slices"
ok "oncpu_slices sees the slices"
run_rc 0 "$SCXTOP" analyze "$T/s.pftrace" -a query --type sched_switch --json
n=$(printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys;print(json.load(sys.stdin)['analyzers']['query']['count'])")
sw=$("$DUMP" "$T/s.pftrace" stats | sed -n 's/^type.sched_switch.compact,//p')
expect_eq "$n" "$sw" "query count of sched_switch = the switches loaded"

# ---- --topology: a sysfs copy with 2 LLCs on 2 NUMA nodes -------------------------------
for c in 0 1 2 3; do
	d=$T/sys/cpu/cpu$c
	mkdir -p "$d/topology" "$d/cache/index0" "$d/cache/index3"
	echo $c >"$d/topology/core_id"
	echo 1 >"$d/cache/index0/level"; echo Data >"$d/cache/index0/type"; echo $c >"$d/cache/index0/shared_cpu_list"
	echo 3 >"$d/cache/index3/level"; echo Unified >"$d/cache/index3/type"
	if [ $c -lt 2 ]; then echo 0-1; else echo 2-3; fi >"$d/cache/index3/shared_cpu_list"
done
mkdir -p "$T/sys/node/node0" "$T/sys/node/node1"
echo 0-1 >"$T/sys/node/node0/cpulist"
echo 2-3 >"$T/sys/node/node1/cpulist"
run_rc 0 "$SCXTOP" analyze "$T/s.pftrace" -a migrations -a cpu_utilization --topology "$T/sys" --json -o "$T/topo.json"
validate "$SCHEMA" "$T/topo.json"
/usr/bin/python3 - "$T/topo.json" <<'PY' || fail "topology: $(cat "$T/topo.json" | head -c 600)"
import json, sys
a = json.load(open(sys.argv[1]))["analyzers"]
m, c = a["migrations"], a["cpu_utilization"]
assert m["topology_known"] and m["total_migrations"] > 0
assert m["same_llc"] + m["cross_llc"] + m["cross_numa"] + m["unknown_cpu"] == m["total_migrations"], m
assert m["cross_numa"] > 0 and m["same_llc"] > 0, m   # CPUs 0-1 and 2-3 exchange tasks
assert [l["llc"] for l in c["per_llc"]] == [0, 1] and [n["node"] for n in c["per_node"]] == [0, 1]
assert sum(l["busy_ns"] for l in c["per_llc"]) == sum(x["busy_ns"] for x in c["per_cpu"])
PY
ok "--topology DIR: migrations classified by LLC and node, per-LLC/per-node utilization"
run_rc 1 "$SCXTOP" analyze "$T/s.pftrace" --topology "$T/nonexistent"
expect_match "$ERR" "reading topology .*nonexistent" "--topology on a missing directory: one-line error"

# ---- the real capture, compared with trace_processor -------------------------------------
TRACES=
for d in "${SCX_SHARED:-}" "$SCX_SRC/../shared" "$SCX_SRC/../../shared" /work/shared; do
	[ -n "$d" ] && [ -d "$d/perfetto/traces/device_capture" ] && { TRACES=$d/perfetto/traces/device_capture; break; }
done
if [ -z "$TRACES" ]; then
	echo "SKIP (part): shared/perfetto/traces not found next to the source tree (set SCX_SHARED)"
else
	REF=$TRACES/v20.1_reference
	END_TS=89825377000	# last event of the capture: where v20.1 closes the open slices
	for f in full compact; do
		tr=$TRACES/device_$f.pftrace
		# sched: identical once the three v20.1 conventions are applied to ours
		# (reference/perfetto.md §3.2): the last slice of each CPU is closed at the end of the
		# trace with end_state R; a slice left open by a mismatched switch has dur 0 and
		# end_state NULL; R+ is printed R.
		"$DUMP" "$tr" sched | awk -v END_TS=$END_TS 'BEGIN { FS = OFS = "," }
			NR == 1 { print; next }
			{ rows[NR] = $0; cpu[NR] = $2 }
			END {
				for (i = 2; i <= NR; i++) last[cpu[i]] = i
				for (i = 2; i <= NR; i++) {
					$0 = rows[i]
					gsub(/"R\+"/, "\"R\"", $6)
					if ($3 == -1) { if (last[$2] == i) { $3 = END_TS - $1; $6 = "\"R\"" } else { $3 = 0 } }
					print
				}
			}' >"$T/$f.sched.csv"
		diff -q "$T/$f.sched.csv" "$REF/$f.sched.csv" >/dev/null ||
			fail "$f: sched table differs from trace_processor's: $(diff "$T/$f.sched.csv" "$REF/$f.sched.csv" | head -5)"
		ok "$f: sched table identical to trace_processor v20.1 ($(($(wc -l <"$REF/$f.sched.csv") - 1)) slices)"
		# thread_state: the Running rows are identical; v20.1 derives runnable/blocked rows with an
		# older algorithm (last waking instead of first, no rows for threads whose switch-in was lost)
		"$DUMP" "$tr" thread_state | grep '"Running"' | sort >"$T/$f.running"
		grep '"Running"' "$REF/$f.thread_state.csv" | sort >"$T/$f.ref.running"
		diff -q "$T/$f.running" "$T/$f.ref.running" >/dev/null || fail "$f: Running rows differ"
		ok "$f: thread_state Running rows identical ($(wc -l <"$T/$f.running"))"
		# trace_processor's stats
		"$DUMP" "$tr" stats >"$T/$f.stats"
		for st in mismatched_sched_switch_tids compact_sched_switch_skipped compact_sched_waking_skipped; do
			want=$(sed -n "s/^\"$st\",[^,]*,[^,]*,[^,]*,//p" "$REF/$f.stats.csv")
			expect_eq "$(sed -n "s/^$st,//p" "$T/$f.stats")" "${want:-0}" "$f: $st"
		done
		# headline numbers
		run_rc 0 "$SCXTOP" analyze "$tr" -a summary -a cpu_utilization -a process_runtime --json -n 1000 -o "$T/$f.json"
		validate "$SCHEMA" "$T/$f.json"
		/usr/bin/python3 - "$T/$f.json" "$REF/$f.sched.csv" $END_TS <<'PY' || fail "$f: headline numbers differ from trace_processor"
import csv, json, sys
doc = json.load(open(sys.argv[1]))["analyzers"]
s = doc["summary"]
assert s["total_events"] == 24791, s["total_events"]
assert s["events_by_type"]["sched_switch"] == 4876
assert s["events_by_type"]["sched_waking"] == 4536
assert s["duration_ns"] == 89825377000 - 87568479000
busy, per_tid = {}, {}
for r in csv.DictReader(open(sys.argv[2])):
    dur = int(r["dur"])
    if r["tid"] != "0":
        busy[int(r["cpu"])] = busy.get(int(r["cpu"]), 0) + dur
        per_tid[int(r["tid"])] = per_tid.get(int(r["tid"]), 0) + dur
for c in doc["cpu_utilization"]["per_cpu"]:
    assert c["busy_ns"] == busy.get(c["cpu"], 0), (c["cpu"], c["busy_ns"], busy.get(c["cpu"], 0))
total = sum(p["runtime_ns"] for p in doc["process_runtime"]["processes"])
assert total == sum(per_tid.values()), (total, sum(per_tid.values()))
PY
		ok "$f: events, duration, per-CPU busy time and total runtime match trace_processor's sched table"
	done
	run_rc 0 "$SCXTOP" analyze "$TRACES/device_full.pftrace" -a bottlenecks
	expect_match "$OUT" "trace_quality .*4241 of 4876 sched_switch" "broken switch chains are reported as a finding"
fi

# ---- wprof TrackEvent traces (written by the unit test's encoder) -------------------------
SCX_WPROF_OUT=$T "$SCX_BUILD/tests/unit/test_analyze" >/dev/null 2>&1 || fail "test_analyze failed"
for w in wprof wprof_negative_idle; do
	run_rc 0 "$SCXTOP" analyze "$T/$w.pftrace" -a summary -a scx_layers -a wakeup_latency
	expect_match "$OUT" "^writer: wprof" "$w: recognised as wprof"
	expect_match "$OUT" "latency: 1 samples: .*p50 1.00 us" "$w: wakeup latency from the WAKEE instant"
	expect_match "$OUT" "^ +3 +1 +5.00 us" "$w: layer 3 with one 5 us slice"
done

# ---- bad input ----------------------------------------------------------------------------
run_rc 1 "$SCXTOP" analyze "$T/missing.pftrace"
expect_match "$ERR" "^scxtop: .*missing.pftrace: No such file or directory$" "missing file: one-line error"
: >"$T/empty"
run_rc 1 "$SCXTOP" analyze "$T/empty"
expect_match "$ERR" "empty file" "empty file is refused"
printf 'hello, I am not a trace\n' >"$T/garbage"
run_rc 1 "$SCXTOP" analyze "$T/garbage"
expect_match "$ERR" "not a Perfetto trace" "garbage is refused"
run_rc 1 "$SCXTOP" analyze "$T"
expect_match "$ERR" "Is a directory" "a directory is refused"
head -c $(($(stat -c %s "$T/s.pftrace") / 2 + 17)) "$T/s.pftrace" >"$T/trunc.pftrace"
run_rc 0 "$SCXTOP" analyze "$T/trunc.pftrace" -a summary
expect_match "$ERR" "warning: .*truncated: file ends inside the packet at byte [0-9]+" "truncated: warning says where"
expect_match "$OUT" "^  truncated: yes" "truncated: the report says so"
gzip -c "$T/s.pftrace" >"$T/s.pftrace.gz"
run_rc 0 "$SCXTOP" analyze "$T/s.pftrace.gz" -a summary
expect_match "$OUT" "^  gzip: yes" "gzip traces are read"
run_rc 2 "$SCXTOP" analyze "$T/s.pftrace" -a nosuch
expect_match "$ERR" "unknown analyzer 'nosuch'" "unknown analyzer: usage error"
run_rc 2 "$SCXTOP" analyze "$T/s.pftrace" --start 1parsec
run_rc 2 "$SCXTOP" analyze
expect_match "$ERR" "missing TRACE" "no trace: usage error"
run_rc 1 "$SCXTOP" analyze "$T/s.pftrace" -o /nonexistent/dir/out.json
expect_match "$ERR" "writing /nonexistent/dir/out.json" "unwritable output: one-line error"
echo '{"old":1}' >"$T/keep.json"
chmod 0444 "$T/keep.json"
run_rc 1 "$SCXTOP" analyze "$T/garbage" --json -o "$T/keep.json"
expect_eq "$(cat "$T/keep.json")" '{"old":1}' "a failed run leaves the existing output alone"
[ -z "$(ls -A "$T" | grep '^\.keep.json.tmp')" ] || fail "temporary output left behind"
ok "no temporary file left"
