#!/bin/bash
# MCP conformance with a real client: the official @modelcontextprotocol/sdk
# (TypeScript) drives `scxtop mcp` through tests/mcp/client.mjs. The SDK is
# installed from npm into build/npm on first use; without node or a reachable
# npm registry the test is skipped with the reason.
. "$SCX_SRC/tests/integration/lib.sh"

need_cmd node "Debian package nodejs"
need_cmd npm "Debian package npm"
SDK=$SCX_BUILD/npm
if [ ! -f "$SDK/node_modules/@modelcontextprotocol/sdk/package.json" ]; then
	mkdir -p "$SDK"
	timeout 300 npm install --prefix "$SDK" --no-audit --no-fund --loglevel=error \
		@modelcontextprotocol/sdk@1 >"$T/npm.log" 2>&1 ||
		skip "npm could not install @modelcontextprotocol/sdk (registry unreachable?): $(tail -1 "$T/npm.log")"
fi
"$SCX_BUILD/tests/helpers/synth_trace" "$T/t.pftrace" 20000 4 32 >/dev/null || fail "synth_trace failed"
"$SCX_BUILD/tests/helpers/synth_trace" "$T/big.pftrace" 1500000 8 128 >/dev/null || fail "synth_trace failed"
node "$SCX_SRC/tests/mcp/client.mjs" "$SDK" "$SCXTOP" "$T/t.pftrace" "$T" "$T/big.pftrace" >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc -eq 0 ] || fail "the SDK client failed (exit $rc)"
ok "official MCP SDK client: $(tail -1 "$T/out")"
