#!/bin/bash
# The analyzer's timelines on traces written by our own writer (synthetic, both
# encodings, and — as root — a live `scxtop trace` recording) compared with
# trace_processor (v20.1 wasm from npm): every sched slice (ts, cpu, dur, tid,
# end_state, priority; for the last slice of each CPU, which v20.1 closes at
# its own idea of the trace end, everything but dur and end_state) and every
# Running row of thread_state. R+ is printed R by v20.1.
. "$SCX_SRC/tests/integration/lib.sh"
. "$SCX_SRC/tests/integration/trace_lib.sh"

tp_setup || skip "trace_processor unavailable: $TP_WHY"
DUMP=$SCX_BUILD/tests/helpers/trace_dump
SYNTH=$SCX_BUILD/tests/helpers/synth_trace

"$SYNTH" "$T/compact.pftrace" 30000 4 48 >/dev/null || fail "synth_trace failed"
"$SYNTH" "$T/verbose.pftrace" 30000 4 48 --verbose >/dev/null || fail "synth_trace failed"
traces="compact verbose"
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
	( for i in 1 2; do timeout 2 sh -c 'while :; do :; done' & done; for i in $(seq 100); do sleep 0.01; done; wait ) &
	"$SCXTOP" trace -d 1500 -o "$T/live.pftrace" >"$T/trace.log" 2>&1 && traces="$traces live" ||
		echo "note: live recording failed: $(tail -1 "$T/trace.log")"
	wait
else
	echo "note: no live recording (needs root and BTF); synthetic traces only"
fi

for t in $traces; do
	f=$T/$t.pftrace
	tp_query "$f" "select ts, cpu, dur, tid, end_state, priority from sched join thread using(utid) order by cpu, ts"
	printf '%s\n' "$TPOUT" >"$T/$t.tp.csv"
	# blank dur and end_state of each CPU's last slice, on both sides
	lastfix='BEGIN { FS = OFS = "," } NR == 1 { print; next } { rows[NR] = $0; cpu[NR] = $2 }
		END { for (i = 2; i <= NR; i++) last[cpu[i]] = i
		      for (i = 2; i <= NR; i++) { $0 = rows[i]; gsub(/"R\+"/, "\"R\"", $5)
			      if (last[$2] == i) { $3 = "last"; $5 = "last" } else if ($3 == -1) { $3 = 0 }
			      print } }'
	awk "$lastfix" "$T/$t.tp.csv" >"$T/$t.tp2.csv"
	"$DUMP" "$f" sched | cut -d, -f1-4,6,7 | sed '1s/.*/"ts","cpu","dur","tid","end_state","priority"/' |
		awk "$lastfix" >"$T/$t.ours.csv"
	mv "$T/$t.tp2.csv" "$T/$t.tp.csv"
	n=$(($(wc -l <"$T/$t.tp.csv") - 1))
	[ "$n" -gt 100 ] || fail "$t: only $n slices"
	diff -q "$T/$t.ours.csv" "$T/$t.tp.csv" >/dev/null ||
		fail "$t: sched slices differ from trace_processor's: $(diff "$T/$t.ours.csv" "$T/$t.tp.csv" | head -6)"
	ok "$t: all $n sched slices identical to trace_processor's"
	tp_query "$f" "select ts, dur, tid, state, cpu from thread_state join thread using(utid) where state = 'Running' order by tid, ts"
	printf '%s\n' "$TPOUT" | tail -n +2 | sort >"$T/$t.tp.run"
	"$DUMP" "$f" thread_state | grep '"Running"' | tr -d '"' | sort >"$T/$t.ours.run"
	sed -i 's/"//g' "$T/$t.tp.run"
	# v20.1 leaves a thread's last Running row open (dur -1) when the thread ends runnable;
	# ours is the sched slice's length (the sched tables agree): compare everything else
	awk -F, '$2 == -1 { print $1 "," $3 }' "$T/$t.tp.run" >"$T/$t.open"
	open=$(wc -l <"$T/$t.open")
	for x in ours tp; do
		awk -F, 'NR == FNR { skip[$0] = 1; next } !(($1 "," $3) in skip)' "$T/$t.open" "$T/$t.$x.run" >"$T/$t.$x.run2"
	done
	diff -q "$T/$t.ours.run2" "$T/$t.tp.run2" >/dev/null ||
		fail "$t: Running rows differ: $(diff "$T/$t.ours.run2" "$T/$t.tp.run2" | head -6)"
	[ "$(wc -l <"$T/$t.ours.run")" -eq "$(wc -l <"$T/$t.tp.run")" ] || fail "$t: not as many Running rows"
	ok "$t: $(wc -l <"$T/$t.ours.run") Running rows identical (the $open that v20.1 leaves open: same start)"
done
