#!/bin/bash
# The TUI in a real terminal (tmux): every view's title after its key, the
# process → thread drill-down, resizing, the config file written by S, config
# problems shown but not fatal, monochrome/ASCII terminals, and `q` leaving the
# terminal sane (canonical mode and echo back on).
. "$SCX_SRC/tests/integration/lib.sh"
need_root
need_btf
need_cmd tmux "Debian package tmux"

sock="scxtop-test-$$"
tm() { tmux -L "$sock" "$@"; }
at_exit "tmux -L $sock kill-server 2>/dev/null"
screen() { tm capture-pane -t t -p; }
# wait_for REGEX [SECONDS]: until the pane shows REGEX
wait_for() {
	local i
	for i in $(seq $((${2:-15} * 10))); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	fail "the screen never showed /$1/:
$(screen)"
}
keys() { tm send-keys -t t "$@"; }

mkdir -p "$T/cfg/scxtop"
printf 'theme = "Nord"\nbogus_key = 1\n[keymap]\n"w" = "SetState(Power)"\n' >"$T/cfg/scxtop/scxtop.toml"
tm -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i PATH=$PATH HOME=$T XDG_CONFIG_HOME=$T/cfg TERM=xterm-256color LANG=C.UTF-8 bash --norc --noprofile"
keys "PS1='$ '" Enter
keys "$SCXTOP; echo SCXTOP_EXIT=\$?" Enter
wait_for '^ scxtop \| CPUs'
ok "starts in the CPU view"
expect_match "$(screen)" "config: .*unknown key 'bogus_key'" "config problems are shown, not fatal"
wait_for "^ Node 0 "
ok "CPUs grouped by node"

for k in "l:^ scxtop \| LLCs" "n:^ scxtop \| NUMA nodes" "p:^ scxtop \| Processes \(" \
	"s:no sched_ext scheduler|^ scxtop \| Scheduler: " "e:BPF programs: [0-9]+ attached" \
	"h:^ scxtop \| Help" "d:^ scxtop \| CPUs"; do
	keys "${k%%:*}"
	wait_for "${k#*:}"
	ok "key ${k%%:*} shows ${k#*:}"
done
if [ ! -d /sys/kernel/sched_ext ]; then
	keys s
	wait_for "this kernel has no sched_ext"
	ok "scheduler view says why there is no sched_ext data"
	keys d
fi

# process table → threads of the selected process → back
keys p
wait_for "PID COMM"
keys Enter
wait_for "^ scxtop \| Threads of "
ok "Enter opens the thread table"
keys q
wait_for "^ scxtop \| Processes \("
ok "q in the thread table goes back"
keys f s c x t o p Enter
wait_for "match 'scxtop'"
expect_match "$(screen)" " scxtop " "the filter keeps scxtop itself"
keys Escape
keys d

# resize: smaller, tiny, larger; lines never exceed the width
for size in 60x15 30x6 140x40; do
	tm resize-window -t t -x "${size%x*}" -y "${size#*x}"
	for _ in $(seq 50); do	# until redrawn (a busy machine can take a moment)
		sleep 0.1
		s=$(screen)
		w=$(printf '%s\n' "$s" | LC_ALL=C.UTF-8 wc -L)
		[ "$w" -le "${size%x*}" ] && printf '%s\n' "$s" | grep -q "^ scxtop" && break
	done
	[ "$w" -le "${size%x*}" ] || fail "a line is wider than ${size%x*}: $w
$s"
	expect_match "$s" "^ scxtop" "resized to $size: the title is still drawn"
done

# S writes the config (whole keymap, the tick changed by +), atomically
keys +
sleep 0.3
keys S
wait_for "settings saved to "
cfg=$(cat "$T/cfg/scxtop/scxtop.toml")
expect_match "$cfg" '^tick_rate_ms = 350$' "S saved the tick rate changed by +"
expect_match "$cfg" '^theme = "Nord"$' "S kept the theme from the file"
expect_match "$cfg" '^"q" = "Quit"$' "S saved the keymap"
expect_no_match "$cfg" "bogus_key" "unknown keys are not written back"
expect_eq "$(ls -A "$T/cfg/scxtop")" "scxtop.toml" "no temporary file left"

keys q
wait_for "^SCXTOP_EXIT=0"
ok "q quits with exit 0"
keys "stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo \"E\"ND" Enter
wait_for "^(-?icanon|-?echo| )+END$"
expect_match "$(screen)" "^icanon echo END$" "the terminal is sane after q (icanon, echo)"
expect_no_match "$(screen)" "^ scxtop \|" "the TUI screen is gone (alternate screen restored)"

# a monochrome terminal without UTF-8, and --iterations ending the TUI by itself
keys "clear; TERM=vt100 LANG=C $SCXTOP --colors mono --iterations 30 --tick-rate-ms 100; echo MONO_EXIT=\$?" Enter
wait_for "^ scxtop \| CPUs"
wait_for '^ +[0-9]+ +[0-9]+\|.*%'
ok "ASCII bars on a C-locale terminal"
wait_for "^MONO_EXIT=0"
ok "--iterations ends the TUI with exit 0"

# `a` records a Perfetto trace through `scxtop trace`; q during a recording
# stops it early, and the file is still whole
keys "clear; $SCXTOP -t $T/tr --trace-duration-ms 400 --trace-warmup-ms 100; echo TR_EXIT=\$?" Enter
wait_for "^ scxtop \| CPUs"
keys a
wait_for "REC [0-9]+%|wrote "
wait_for "wrote $T/tr_0.proto: [0-9]+ events \([1-9][0-9]* sched_switch"
ok "a: the status line reports the trace written"
keys a
wait_for "REC [0-9]+%"
sleep 0.4	# past the warmup
keys q
wait_for "^TR_EXIT=0"
ok "q while recording: exit 0"
expect_match "$(screen)" "^wrote $T/tr_1.proto" "after q, what was written is said on the terminal"
expect_eq "$(ls "$T" | grep -c '^tr_')" 2 "two traces, no temporary file left"
if command -v protoc-c >/dev/null && "$PY" -c 'import google.protobuf' 2>/dev/null; then
	protoc-c --include_imports -o "$T/ours.desc" -I"$SCX_SRC/schemas" \
		"$SCX_SRC/schemas/perfetto/trace.proto" || fail "schemas/perfetto does not compile"
	for f in tr_0 tr_1; do
		sum=$("$PY" "$SCX_SRC/tests/tools/pftrace_summary.py" "$T/ours.desc" "$T/$f.proto") ||
			fail "$f.proto does not decode"
		n=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["switches"])' "$sum")
		[ "$n" -gt 0 ] || fail "$f.proto has no sched_switch"
		ok "$f.proto decodes: $n context switches"
	done
else
	echo "SKIP: protoc-c or python3-protobuf missing: the traces were not decoded"
fi

# SIGTERM: clean exit, terminal restored
keys "clear; $SCXTOP --view events; echo TERM_EXIT=\$?" Enter
wait_for "^ scxtop \| Events"
wait_for "sched_switch +[0-9]"
ok "the events view streams events"
wait_for "BPF programs: [0-9]+ attached, 0 on demand"
ok "the stream attached the on-demand programs (sched_wakeup, fork, exit, ...)"
wait_for "sched_wakeup +[0-9]"
ok "sched_wakeup records arrive once the stream is on"
pane=$(tm display -p -t t "#{pane_pid}")
kill -TERM "$(pgrep -P "$pane" -x scxtop)"
wait_for "^TERM_EXIT=0"
ok "SIGTERM ends the TUI cleanly"
