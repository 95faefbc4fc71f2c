#!/bin/bash
# Both binaries: --help at every level, --version, usage errors exit 2 with the
# usage on stderr, not-yet-implemented commands exit 1, and the man pages, bash
# completion and README agree with --help (they come from the same tables).
. "$SCX_SRC/tests/integration/lib.sh"

for bin in "$SCXPROF" "$SCXTOP"; do
	name=$(basename "$bin")
	run_rc 0 "$bin" --help
	expect_match "$OUT" "^Usage: $name " "$name --help shows usage"
	expect_match "$OUT" "^Commands:" "$name --help lists commands"
	run_rc 0 "$bin" --version
	expect_match "$OUT" "^$name [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]{7,}(-dirty)?|unknown\)" "$name --version has version and commit"
	run_rc 2 "$bin" --no-such-option-at-all
	expect_match "$ERR" "unknown option '--no-such-option-at-all'" "$name: unknown option named"
	expect_match "$ERR" "^Usage: $name" "$name: usage on stderr"
	run_rc 2 "$bin" no-such-command
	expect_match "$ERR" "unknown command 'no-such-command'" "$name: unknown command named"
done

# Every subcommand: --help (exit 0, stdout), `help <cmd>` says the same, bad option exits 2.
while read -r bin cmd; do
	run_rc 0 "$bin" $cmd --help
	expect_match "$OUT" "^Usage: $(basename "$bin") $cmd" "$(basename "$bin") $cmd --help"
	help=$OUT
	run_rc 0 "$bin" help $cmd
	expect_eq "$OUT" "$help" "$(basename "$bin") help $cmd = $cmd --help"
	run_rc 2 "$bin" $cmd --bogus-option
	expect_match "$ERR" "unknown option '--bogus-option'" "$(basename "$bin") $cmd: bad option exits 2"
done <<EOF2
$SCXPROF record
$SCXPROF process
$SCXPROF extract
$SCXPROF extract mem
$SCXPROF extract sched-util
$SCXPROF doctor
$SCXTOP tui
$SCXTOP trace
$SCXTOP analyze
$SCXTOP mcp
EOF2

# Commands still marked not implemented say so and exit 1 (the README status table agrees).
for bin in "$SCXPROF" "$SCXTOP"; do
	name=$(basename "$bin")
	for cmd in $("$bin" --help | sed -n '/^Commands:/,/^$/p' | grep 'not implemented yet' | awk '{print $1}'); do
		run_rc 1 "$bin" $cmd
		expect_match "$ERR" "^$name $cmd: not implemented yet$" "$name $cmd is not implemented yet"
		expect_match "$(cat "$SCX_SRC/README.md")" "^\| \`$name $cmd[^|]*\|.*\| not implemented yet \|" "README status table lists $name $cmd as not implemented"
	done
done

# Man pages and completions are generated from the same option tables.
for name in scxprof scxtop; do
	man=$SCX_BUILD/man/$name.1
	comp=$SCX_BUILD/completion/$name
	[ -s "$man" ] || fail "$man missing"
	[ -s "$comp" ] || fail "$comp missing"
	bash -n "$comp" || fail "$comp is not valid bash"
	ok "$name completion is valid bash"
	# every long option in every --help appears in the man page and the completion
	for cmd in $(sed -n 's/^\.SS "\(.*\)"$/\1/p' "$man" | sed "s/^$name //"); do
		opts=$("$SCX_BUILD/$name" $cmd --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | grep -v -- '--help' || true)
		for o in $opts; do
			grep -q -- "${o//-/\\\\-}" "$man" || fail "$name $cmd: $o not in man page"
			grep -q -- " $o\b" "$comp" || fail "$name $cmd: $o not in completion"
		done
	done
	ok "$name: every option is in the man page and the completion"
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=100 man -l "$man" >"$T/man.txt" 2>"$T/man.err" || fail "man -l $man failed: $(cat "$T/man.err")"
		grep -q "COMMANDS" "$T/man.txt" || fail "$name.1 renders without a COMMANDS section"
		ok "$name.1 renders with man"
	fi
done

# Completion works: subcommands, then options of the chosen subcommand.
complete_words() {
	bash -c ". '$SCX_BUILD/completion/$1'; COMP_WORDS=($2); COMP_CWORD=\$((\${#COMP_WORDS[@]}-1)); _$1; printf '%s\n' \"\${COMPREPLY[@]}\"" 2>/dev/null
}
expect_match "$(complete_words scxprof 'scxprof d')" "^doctor$" "completion: scxprof d -> doctor"
expect_match "$(complete_words scxprof 'scxprof doctor --j')" "^--json$" "completion: scxprof doctor --j -> --json"
expect_match "$(complete_words scxprof 'scxprof extract s')" "^sched-util$" "completion: nested subcommands"

# README documents every subcommand's usage line.
for bin in "$SCXPROF" "$SCXTOP"; do
	name=$(basename "$bin")
	for cmd in $("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
		grep -q "$name $cmd" "$SCX_SRC/README.md" || fail "README does not mention '$name $cmd'"
	done
done
ok "README mentions every subcommand"

# Data on stdout only; a full disk is an error, not success.
if [ -w /dev/full ]; then
	"$SCXPROF" --help >/dev/full 2>"$T/err"
	rc=$?
	[ $rc -eq 1 ] || fail "--help to /dev/full exited $rc, expected 1"
	grep -q "write failure on standard output" "$T/err" || fail "no write-failure message: $(cat "$T/err")"
	ok "write failure on stdout is reported"
fi
