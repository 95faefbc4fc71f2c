#!/usr/bin/python3
"""Check scxprof process's perf.jsonl against the perf script text it came from.

usage: check_perf_jsonl.py SCRIPT JSONL [--hints FILE] [--cgroups FILE]
                           [--layout 6.6|6.3|6.1] [--page-fault]

An independent implementation (regular expressions over perf's fixed layout
for scxprof's field list, written from perf's format strings, not from the C
parser): it derives every expected record, applies upstream's skip rules and
the hint join, fills the cgroup from cgroups.jsonl for layouts without one,
and compares record by record with JSONL (parsed JSON, every key). Prints the
first differences and exits 1 if any; prints "N records match" otherwise.
"""
import argparse
import bisect
import json
import re
import sys

HEX = r"[0-9a-f]+"
# comm (%16s), pid/tid (%5d/%-5d or %7d/%-7d), time (--ns or µs)
HEAD = r"^(?P<comm>.{16}) +(?P<pid>\d+)/(?P<tid>\d+) +(?P<time>\d+\.\d+): +(?P<addr>" + HEX + ")"
# ' ' + "%16lx" ip, " sym", " (dso)", "%16lx" phys, " page size"
IPBLOCK = r" +(?P<ip>" + HEX + r") (?P<sym>.+?) \((?P<dso>.+)\) *(?P<phys>" + HEX + r") (?P<ps>\S+)"
ADDRSYM = r" (?P<asym>.+?) \((?P<adso>.+?)\)"


def page_size(s):
    if s == "N/A":
        return 0
    mult = {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)


def time_ns(t):
    sec, _, frac = t.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def load_hints(path):
    tl = {}
    if not path:
        return None
    with open(path) as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            r = json.loads(line)
            if r["pid"] >= 0:
                tl.setdefault(r["pid"], []).append((r["timestamp"], i, r["hints"]))
    for v in tl.values():
        v.sort()
    return {tid: ([ts for ts, _, _ in v], [h for _, _, h in v]) for tid, v in tl.items()}


def load_cgroups(path):
    by_tid, by_pid, leader = {}, {}, set()
    if not path:
        return None
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                by_tid[r["tid"]] = r["cgroup"]
                if r["tid"] == r["pid"]:
                    by_pid[r["pid"]] = r["cgroup"]
                    leader.add(r["pid"])
                elif r["pid"] not in by_pid:
                    by_pid[r["pid"]] = r["cgroup"]
    return by_tid, by_pid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("script")
    ap.add_argument("jsonl")
    ap.add_argument("--hints")
    ap.add_argument("--cgroups")
    ap.add_argument("--layout", choices=["6.6", "6.3", "6.1"], default="6.6")
    ap.add_argument("--page-fault", action="store_true")
    a = ap.parse_args()

    mid = ADDRSYM if a.page_fault else ""
    if a.layout == "6.6":
        pat = HEAD + mid + r" (?P<cg>/\S*|unknown)" + IPBLOCK + "$"
    elif a.layout == "6.3":
        pat = HEAD + mid + IPBLOCK + r" (?P<cg>/.*|unknown)$"
    else:
        pat = HEAD + mid + IPBLOCK + "$"
    rx = re.compile(pat)
    hints = load_hints(a.hints)
    cgroups = load_cgroups(a.cgroups)

    expected, unparseable, skipped = [], 0, 0
    with open(a.script, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not line.strip():
                continue
            m = rx.match(line)
            if not m:
                unparseable += 1
                continue
            d = m.groupdict()
            comm = d["comm"].strip()
            if d["phys"] == "0" or comm in ("perf", "swapper"):
                skipped += 1
                continue
            tid, pid = int(d["tid"]), int(d["pid"])
            cg = d.get("cg")
            if cg is None:
                cg = "unknown"
                if cgroups:
                    cg = cgroups[0].get(tid, cgroups[1].get(pid, "unknown"))
            t = time_ns(d["time"])
            hint = 0
            if hints and tid in hints:
                ts, hs = hints[tid]
                i = bisect.bisect_right(ts, t)
                hint = hs[i - 1] if i else 0
            rec = {"comm": comm, "tid": tid, "pid": pid, "time": d["time"], "time_ns": t,
                   "addr": d["addr"], "cgroup": cg, "ip": d["ip"], "sym": d["sym"],
                   "dso": d["dso"], "phys_addr": d["phys"], "data_page_size": page_size(d["ps"]),
                   "hint": hint}
            if a.page_fault:
                rec["addr_sym"], rec["addr_dso"] = d["asym"], d["adso"]
            expected.append(rec)

    got = []
    with open(a.jsonl, "rb") as f:
        for line in f:
            got.append(json.loads(line))
    bad = 0
    if len(got) != len(expected):
        print(f"{len(got)} records in {a.jsonl}, expected {len(expected)} "
              f"({skipped} skipped, {unparseable} unparseable by the checker)")
        bad += 1
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            bad += 1
            if bad <= 5:
                diff = {k: (g.get(k), e.get(k)) for k in set(g) | set(e) if g.get(k) != e.get(k)}
                print(f"record {i + 1}: (got, expected) {diff}")
    if bad:
        return 1
    print(f"{len(got)} records match ({skipped} skipped, {unparseable} unparseable)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
