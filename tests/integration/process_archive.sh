#!/bin/bash
# scxprof process on hostile and unusual archives: each bad case is refused
# with one line naming the archive and the reason, exits 1, and writes nothing,
# neither the output nor anything outside it; upstream's layouts are accepted.
. "$SCX_SRC/tests/integration/lib.sh"

A=$T/archives
mkdir -p "$A" "$T/outside"
CANARY=$T/outside/pwned
# Archives are written with Python's tarfile, which can express every attack.
"$PY" - "$A" "$CANARY" <<'EOF' || fail "cannot build test archives"
import io, os, sys, tarfile
d, canary = sys.argv[1], sys.argv[2]
S = b"web1 1000/2001 1.000000001: 1 /cg 2 foo (bar.so) 3 4K\n"

def mk(name, entries):
    with tarfile.open(os.path.join(d, name), "w:gz", format=tarfile.GNU_FORMAT) as t:
        for path, kind, *arg in entries:
            ti = tarfile.TarInfo(path)
            ti.mode = 0o644
            if kind == "f":
                data = arg[0] if arg else b"x\n"
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
                continue
            ti.type = {"d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE,
                       "c": tarfile.CHRTYPE, "b": tarfile.BLKTYPE, "p": tarfile.FIFOTYPE}[kind]
            if kind in "lh":
                ti.linkname = arg[0]
            if kind in "cb":
                ti.devmajor, ti.devminor = 1, 3
            t.addfile(ti)

ok = [("p", "d"), ("p/perf.script", "f", S)]
mk("absolute.tar.gz", ok + [(canary, "f")])
mk("dotdot.tar.gz", ok + [("p/../../outside/pwned", "f")])
mk("dotdot-top.tar.gz", [("../pwned", "f")] + ok)
mk("symlink-abs.tar.gz", ok + [("p/link", "l", "/etc/passwd")])
mk("symlink-up.tar.gz", ok + [("p/link", "l", "../../outside")])
mk("symlink-then-write.tar.gz", ok + [("p/sub", "d"), ("p/sub/l", "l", "../../../outside"),
                                      ("p/sub/l/pwned", "f")])
mk("symlink-dir-alias.tar.gz", ok + [("p/d", "l", "."), ("p/d/x", "f")])
mk("hardlink-out.tar.gz", ok + [("p/h", "h", "etc/passwd")])
mk("hardlink-abs.tar.gz", ok + [("p/h", "h", "/etc/passwd")])
mk("chardev.tar.gz", ok + [("p/null", "c")])
mk("blockdev.tar.gz", ok + [("p/sda", "b")])
mk("fifo.tar.gz", ok + [("p/fifo", "p")])
mk("multi.tar.gz", ok + [("q", "d"), ("q/perf.script", "f", S)])
mk("multi-files.tar.gz", [("perf.script", "f", S), ("hints.jsonl", "f", b"")])
mk("file-top.tar.gz", [("perf.script", "f", S)])
mk("empty.tar.gz", [])
mk("only-dot.tar.gz", [("./", "d")])
mk("twice.tar.gz", ok + [("p/perf.script", "f", S)])
# accepted: upstream's names and "./" prefixes, an internal symlink and hard link
mk("upstream.tar.gz", [("run1", "d"), ("run1/perf.mem.script", "f", S),
                       ("run1/perf.version", "f", b"perf version 6.1.192\n")])
mk("dotslash.tar.gz", [("./", "d"), ("./run1/", "d"), ("./run1/perf.script", "f", S)])
mk("no-dir-entry.tar.gz", [("run1/perf.script", "f", S)])
mk("links-inside.tar.gz", ok + [("p/sub", "d"), ("p/sub/s", "l", "../perf.script"),
                                ("p/h", "h", "p/perf.script")])
data = open(os.path.join(d, "dotslash.tar.gz"), "rb").read()
open(os.path.join(d, "truncated.tar.gz"), "wb").write(data[: len(data) // 2])
bad = bytearray(data)
bad[len(bad) // 2] ^= 0xff
open(os.path.join(d, "corrupt.tar.gz"), "wb").write(bytes(bad))
open(os.path.join(d, "zero.tar.gz"), "wb").write(b"")
open(os.path.join(d, "not-gzip.tar.gz"), "wb").write(b"hello, this is not an archive\n" * 40)
EOF

refused() {	# ARCHIVE EXPECTED_STDERR_REGEX
	rm -rf "$T/work" && mkdir "$T/work"
	run_rc 1 "$SCXPROF" process -f "$A/$1" -o "$T/work/out"
	expect_match "$ERR" "^scxprof: archive '$A/$1' $2$" "$1 refused"
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || fail "$1: more than one line on stderr: $ERR"
	[ -z "$(ls -A "$T/work")" ] || fail "$1: left $(ls -A "$T/work")"
	[ -z "$(ls -A "$T/outside")" ] || fail "$1: wrote outside the output: $(ls -A "$T/outside")"
	ok "$1: nothing written"
}

refused absolute.tar.gz "has an entry with an absolute path: '$CANARY'"
refused dotdot.tar.gz "has an entry with a '\.\.' component: 'p/\.\./\.\./outside/pwned'"
refused dotdot-top.tar.gz "has an entry with a '\.\.' component: '\.\./pwned'"
refused symlink-abs.tar.gz "has a symlink pointing outside the bundle: 'p/link' -> '/etc/passwd'"
refused symlink-up.tar.gz "has a symlink pointing outside the bundle: 'p/link' -> '\.\./\.\./outside'"
refused symlink-then-write.tar.gz "has a symlink pointing outside the bundle: 'p/sub/l' -> '\.\./\.\./\.\./outside'"
refused symlink-dir-alias.tar.gz "has an entry whose path goes through 'd', which is not a directory"
refused hardlink-out.tar.gz "has a hard link pointing outside the bundle: 'p/h' -> 'etc/passwd'"
refused hardlink-abs.tar.gz "has an entry with an absolute path: '/etc/passwd'"
refused chardev.tar.gz "has an entry that is a character device: 'p/null'"
refused blockdev.tar.gz "has an entry that is a block device: 'p/sda'"
refused fifo.tar.gz "has an entry that is a FIFO: 'p/fifo'"
refused multi.tar.gz "contains multiple top-level entries; unable to extract into a single profile directory"
refused multi-files.tar.gz "has a top-level entry that is not a directory: 'perf.script'"
refused file-top.tar.gz "has a top-level entry that is not a directory: 'perf.script'"
refused empty.tar.gz "appears to be empty"
refused only-dot.tar.gz "appears to be empty"
refused twice.tar.gz "has an entry twice: 'p/perf.script'"
refused truncated.tar.gz "(is truncated or corrupt|cannot be read): .*"
refused corrupt.tar.gz "(is truncated or corrupt|cannot be read)(.*): .*"
refused zero.tar.gz "cannot be read: .*"
refused not-gzip.tar.gz "cannot be read: .*"

accepted() {	# ARCHIVE
	rm -rf "$T/work" && mkdir "$T/work"
	run_rc 0 "$SCXPROF" process -f "$A/$1" -o "$T/work/out"
	expect_match "$OUT" "^Parsed 1 of 1 records \(0 skipped, 0 unparseable\)$" "$1 accepted"
	expect_eq "$(ls -A "$T/work/out" | tr '\n' ' ')" "perf.jsonl summary.json " "$1: outputs"
	validate "$SCX_SRC/schemas/summary.schema.json" "$T/work/out/summary.json"
}
accepted upstream.tar.gz
expect_match "$(cat "$T/work/out/summary.json")" '"recorded": "perf version 6.1.192"' "upstream bundle: perf.version read"
accepted dotslash.tar.gz
expect_match "$(cat "$T/work/out/summary.json")" '"root": "run1"' "./ prefixes ignored"
accepted no-dir-entry.tar.gz
accepted links-inside.tar.gz

# The default output sits next to the archive, named after the archive (not its root).
cp "$A/upstream.tar.gz" "$T/work/renamed.tar.gz"
run_rc 0 "$SCXPROF" process -f "$T/work/renamed.tar.gz"
[ -d "$T/work/renamed.out" ] || fail "no renamed.out"
ok "NAME.tar.gz gives NAME.out whatever the root inside is called"
cp "$A/upstream.tar.gz" "$T/work/x.tgz"
run_rc 0 "$SCXPROF" process -f "$T/work/x.tgz"
[ -d "$T/work/x.out" ] || fail "no x.out"
ok ".tgz accepted"
