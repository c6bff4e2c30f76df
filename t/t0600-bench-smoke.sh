#!/bin/bash
# A smoke run of bench/run, so that the benchmark harness does not rot:
# one small program (examples/calc, taken from the repository, so no
# network is needed), clang-14, the tiny inputs, one timed round.  It
# asserts what the harness computes, never how fast anything is.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 llvm-profdata-14 make cmake python3 valgrind strip objdump taskset /usr/bin/time

out=$TEST_DIR/results/r
# What examples/calc holds, to tell that the harness wrote nothing there
# (whatever a developer built in it before).
listing() { ls -la --time-style=full-iso "$PGO_TEST_SRCDIR/examples/calc" "$PGO_TEST_SRCDIR/bench/programs/calc"; }
listing >before.txt
ok "bench/run --quick calc" env PGO_BENCH_CACHE="$TEST_DIR/cache" PGO="$PGO" \
	"$PGO_TEST_SRCDIR/bench/run" --quick --cpu none --no-nice --jobs 2 -o "$out" calc
ok "  a JSON, a markdown table and a chart" test -s "$out.json" -a -s "$out.md" -a -s "$out.svg"
listing >after.txt
ok "  nothing written into examples/calc" cmp before.txt after.txt

# field PATH: one value of the only result, by a dotted path.
field() {
	python3 - "$out.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
for k in sys.argv[2].split("."):
    r = r[k]
print(r)
PY
}
is "  one program, one compiler" "$(field program) $(field compiler)" "calc clang-14"
is "  the variants agree on the output" "$(field outputs_agree)" True
is "  pgo's baseline is the plain build, byte for byte" "$(field pgo.baseline_identical_to_ours)" yes
for v in base manual pgo; do
	ok "  instructions counted: $v" sh -c "test '$(field instructions.eval.$v)' -gt 1000000"
done
# Both profiles come from the same training: the same functions.
ok "  the two profiles have the same functions" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]["profile"]["compare"]
sys.exit(0 if r["manual_records"] == r["pgo_records"] == r["matched"] > 100 and r["only_manual"] == 0 else 1)
' "$out.json"
is "  no wrapper fallback" "$(field pgo.wrapper_log_lines)" 0
is "  no 'value sites' warning in pgo's build" "$(field use_build_warnings.pgo.value_sites)" 0
ok "  the ratio pgo/manual is computed" sh -c "python3 -c 'import sys; v = float(sys.argv[1]); sys.exit(0 if 0.5 < v < 2 else 1)' '$(field instructions_speedup.eval.pgo_over_manual)'"
ok "  the table has the program's row" grep -q '^| calc | clang-14 | evaluation |' "$out.md"
ok "  the chart is SVG" grep -q '<svg' "$out.svg"
ok "  bench/run checks its own results" python3 "$PGO_TEST_SRCDIR/bench/lib/report.py" check "$out.json"

fails 2 "an unknown program is refused" "$PGO_TEST_SRCDIR/bench/run" --quick nosuchprogram
ok "  saying which exist" grep -q "unknown program 'nosuchprogram'" "$ERR"
done_testing
