#!/bin/bash
# extract on the sample profile (scripts/gen-sample-profile, built by `make` into
# build/sample/): golden configs for --cluster comm and --cluster locality, the
# locality claim the sample is built for (web* and memcached share memcached's
# hugepages: one subcell; mcrouter alone; more locality retained than comm),
# schemas for every output, and sched-util on the same run's scheduler trace.
. "$SCX_SRC/tests/integration/lib.sh"

SAMPLE=$SCX_BUILD/sample/sample-profile.tar.gz
[ -f "$SAMPLE" ] || skip "sample profile not built ($SAMPLE; run make)"
D=$SCX_SRC/tests/data/extract
S=$SCX_SRC/schemas

run_rc 0 "$SCXPROF" process -f "$SAMPLE" -o "$T/sample.out"
J=$T/sample.out/perf.jsonl

run_rc 0 "$SCXPROF" extract -f "$J" -o "$T/comm.json"
cmp -s "$T/comm.json" "$D/sample.comm.json" || fail "comm config differs from the golden one:
$(diff "$D/sample.comm.json" "$T/comm.json")"
ok "sample: --cluster comm config is the golden one"
validate "$S/cell-config.schema.json" "$T/comm.json"

run_rc 0 "$SCXPROF" extract -f "$J" --cluster locality -v -o "$T/loc.json" --report "$T/report.json"
cmp -s "$T/loc.json" "$D/sample.locality.json" || fail "locality config differs from the golden one:
$(diff "$D/sample.locality.json" "$T/loc.json")"
ok "sample: --cluster locality config is the golden one"
validate "$S/cell-config.schema.json" "$T/loc.json"
validate "$S/extract-report.schema.json" "$T/report.json"
expect_match "$ERR" "^  merged memcached \+ web: affinity 0\.[0-9]+ > 0\.10$" "report names the merge"

# The claim itself, read from the report: which subcell the reader gives each comm.
claims=$("$PY" - "$T/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lay = {l["cluster"]: l for l in r["layouts"]}
def where(layout, cluster):
    return next(s["name"] for s in layout["subcells"] if cluster in s["clusters"])
loc = lay["locality"]
print("web+memcached together:", where(loc, "web") == where(loc, "memcached"))
print("mcrouter alone:", [s["clusters"] for s in loc["subcells"] if "mcrouter" in s["clusters"]] == [["mcrouter"]])
print("locality beats comm:", loc["locality_retained"] > lay["comm"]["locality_retained"])
PY
)
expect_eq "$claims" "web+memcached together: True
mcrouter alone: True
locality beats comm: True" "sample: web* and memcached share a subcell, mcrouter is alone, locality retained > comm"

run_rc 0 "$SCXPROF" extract sched-util -f "$T/sample.out/perf.sched.jsonl" --window-ms 100 \
	--categories 'web*,memcached,mcrouter' -v -o "$T/util.jsonl"
validate "$S/sched-util.schema.json" "$T/util.jsonl" --jsonl
expect_match "$ERR" "^sched util: [0-9]+ intervals, 50 buckets, 8 cpus, 8 categories$" \
	"sched-util on the sample: 5 s in 100 ms windows, 8 CPUs"
busy=$("$PY" -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
print(all(abs(r["total"] - r["uncategorized"] - sum(r["categories"].values())) < 1e-6 and 0 < r["total"] <= 100.0 + 1e-9 for r in rows))' "$T/util.jsonl")
expect_eq "$busy" "True" "every window: total = uncategorized + categories, within (0, 100]"
