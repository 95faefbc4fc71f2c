#!/bin/bash
# scxtop mcp over real pipes: the batch of bad inputs (invalid JSON, wrong
# types, unknown tool, huge ids, missing params, a 10 MB line, a line over the
# limit), each answered correctly and in order, the server alive after each;
# notifications unanswered; EOF ends it with 0, SIGTERM with 130; nothing but
# JSON-RPC on stdout.
. "$SCX_SRC/tests/integration/lib.sh"

SYNTH=$SCX_BUILD/tests/helpers/synth_trace
"$SYNTH" "$T/t.pftrace" 20000 4 32 >/dev/null || fail "synth_trace failed"

INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}'
{
	echo "$INIT"
	echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	echo '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	echo 'this is not json'
	echo '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"analyze_wakeup_latency","arguments":{"limit":"many"}}}'
	echo '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}'
	echo '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}'
	echo '{"jsonrpc":"2.0","id":4,"method":"tools/call"}'
	echo '{"jsonrpc":"2.0","id":5,"method":"resources/read","params":{}}'
	printf '{"jsonrpc":"2.0","id":6,"method":"ping","params":{"pad":"%s"}}\n' "$(head -c 10000000 /dev/zero | tr '\0' x)"
	echo '{"jsonrpc":"2.0","id":7,"method":"no/such/method"}'
	echo '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"load_perfetto_trace","arguments":{"file_path":"'"$T"'/t.pftrace","trace_id":"t"}}}'
	echo '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_cpu_timeline","arguments":{"cpu":1,"limit":3}}}'
	echo '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"get_cpu_timeline","arguments":{"cpu":99}}}'
	echo '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"export_trace_analysis","arguments":{"output_path":"'"$T"'/export.json"}}}'
	echo '[{"jsonrpc":"2.0","id":12,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/cancelled"}]'
	echo '{"jsonrpc":"2.0","id":13,"method":"ping"}'
} >"$T/in.jsonl"
"$SCXTOP" mcp <"$T/in.jsonl" >"$T/out.jsonl" 2>"$T/err"
expect_eq "$?" 0 "mcp exits 0 at end of input"
/usr/bin/python3 - "$T/out.jsonl" <<'PY' || fail "responses are wrong: $(cut -c1-300 "$T/out.jsonl")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
msgs = [json.loads(l) for l in lines]          # every line is one JSON message
def by_id(i):
    return [m for m in msgs if isinstance(m, dict) and m.get("id") == i][0]
assert by_id(0)["result"]["protocolVersion"] == "2025-06-18"
assert by_id(1)["result"] == {}
nulls = [m for m in msgs if isinstance(m, dict) and m.get("id") is None]
assert nulls[0]["error"]["code"] == -32700, nulls          # not json
assert nulls[1]["error"]["code"] == -32600, nulls          # huge id
r = by_id(2)["result"]; assert r["isError"] and "limit: must be of type integer" in r["content"][0]["text"]
assert by_id(3)["error"]["code"] == -32602
assert by_id(4)["error"]["code"] == -32602
assert by_id(5)["error"]["code"] == -32602
assert by_id(6)["result"] == {}                            # the 10 MB line
assert by_id(7)["error"]["code"] == -32601
r = json.loads(by_id(8)["result"]["content"][0]["text"]); assert r["trace_id"] == "t" and r["total_events"] > 0
r = json.loads(by_id(9)["result"]["content"][0]["text"]); assert len(r["results"]["timeline"]["slices"]) == 3
r = by_id(10)["result"]; assert r["isError"] and "not in the trace" in r["content"][0]["text"]
r = json.loads(by_id(11)["result"]["content"][0]["text"]); assert r["bytes"] > 1000
batch = [m for m in msgs if isinstance(m, list)]; assert len(batch) == 1 and batch[0][0]["id"] == 12 and len(batch[0]) == 1
assert by_id(13)["result"] == {}
assert len(msgs) == 16, len(msgs)                         # no answer to notifications
PY
ok "every bad input answered with the right code, notifications unanswered, server alive"
validate "$SCX_SRC/schemas/analyze.schema.json" "$T/export.json"

# a line over --max-message-mb is skipped (never buffered whole) and answered
{
	echo "$INIT"
	printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"%s"}}\n' "$(head -c 3000000 /dev/zero | tr '\0' y)"
	echo '{"jsonrpc":"2.0","id":2,"method":"ping"}'
} | "$SCXTOP" mcp --max-message-mb 1 >"$T/out2.jsonl" 2>/dev/null
expect_match "$(sed -n 2p "$T/out2.jsonl")" '"id":null,"error":\{"code":-32600,"message":"Invalid Request: message longer than 1048576 bytes"' "over-long line: -32600"
expect_match "$(sed -n 3p "$T/out2.jsonl")" '"id":2,"result":\{\}' "server alive after the over-long line"

# SIGTERM while waiting for input: exit 130, nothing half-written
mkfifo "$T/fifo"
"$SCXTOP" mcp <"$T/fifo" >"$T/out3" 2>/dev/null &
pid=$!
exec 9>"$T/fifo"
echo "$INIT" >&9
sleep 0.3
kill -TERM $pid
wait $pid
expect_eq "$?" 130 "SIGTERM: exit 130"
exec 9>&-
expect_match "$(cat "$T/out3")" '"id":0,"result"' "answered before the signal"

# live resources: a clear error without root; real numbers with it
{
	echo "$INIT"
	echo '{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"topology://info"}}'
	echo '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"scheduler://current"}}'
	echo '{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"stats://aggregated/cpu"}}'
	echo '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"query_stats","arguments":{"stat_type":"process","limit":5}}}'
} | "$SCXTOP" mcp >"$T/live.jsonl" 2>/dev/null
/usr/bin/python3 - "$T/live.jsonl" "$(id -u)" <<'PY' || fail "live resources: $(cut -c1-400 "$T/live.jsonl")"
import json, os, sys
msgs = {m["id"]: m for m in map(json.loads, open(sys.argv[1]))}
topo = json.loads(msgs[1]["result"]["contents"][0]["text"])
assert topo["nr_cpus"] == os.cpu_count(), topo
sched = json.loads(msgs[2]["result"]["contents"][0]["text"])
assert sched["sched_ext_supported"] == os.path.exists("/sys/kernel/sched_ext")
if sys.argv[2] == "0":
    cpus = json.loads(msgs[3]["result"]["contents"][0]["text"])["cpus"]
    assert len(cpus) >= os.cpu_count() and sum(c["nr_switches"] for c in cpus) > 0, cpus
    procs = json.loads(msgs[4]["result"]["content"][0]["text"])
    assert 0 < len(procs["processes"]) <= 5
else:
    assert "needs root" in msgs[3]["error"]["message"] or "unavailable" in msgs[3]["error"]["message"]
    assert msgs[4]["result"]["isError"]
PY
if [ "$(id -u)" -eq 0 ]; then ok "live statistics from the BPF collector"; else ok "live statistics refused clearly without root"; fi
