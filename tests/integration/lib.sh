# Shared helpers for integration tests; source it first:
#   . "$SCX_SRC/tests/integration/lib.sh"
# Provides $SCXPROF, $SCXTOP, a scratch dir $T (removed on exit), and asserts
# that print what differed. A test exits 0 (pass), 77 (skip, via skip) or fails.
set -u
SCX_SRC=${SCX_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SCX_BUILD=${SCX_BUILD:-$SCX_SRC/build}
SCXPROF=$SCX_BUILD/scxprof
SCXTOP=$SCX_BUILD/scxtop
PY=/usr/bin/python3
T=$(mktemp -d /tmp/scx-test.XXXXXX)
_cleanups=()
_on_exit() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" || true; done
	rm -rf "$T"
}
trap _on_exit EXIT
# Register a shell command to run at exit (in reverse order of registration).
at_exit() { _cleanups=("$1" "${_cleanups[@]}"); }

_nchecks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
ok() { _nchecks=$((_nchecks + 1)); [ -z "${QUIET:-}" ] && echo "ok - $*"; return 0; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (BPF/perf); run as root"; }
need_btf() { [ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF (/sys/kernel/btf/vmlinux)"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed${2:+ ($2)}"; }

# expect_eq ACTUAL EXPECTED MESSAGE
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	ok "$3"
}
# expect_match TEXT REGEX MESSAGE (extended regex, grep -E)
expect_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || fail "$3: /$2/ not found in:
$1"
	ok "$3"
}
expect_no_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" && fail "$3: /$2/ unexpectedly found in:
$1"
	ok "$3"
}
# run_rc EXPECTED_RC CMD... : runs CMD, stores stdout/stderr in $OUT/$ERR, checks the exit code.
run_rc() {
	local want=$1 rc
	shift
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want
stdout: $OUT
stderr: $ERR"
	ok "'$*' exits $want"
}
# validate SCHEMA FILE [--jsonl]: JSON Schema (draft 2020-12) validation with Debian's jsonschema.
validate() {
	"$PY" "$SCX_SRC/tests/tools/validate_json.py" "$@" || fail "schema validation failed: $*"
	ok "$2 valid against $(basename "$1")"
}
