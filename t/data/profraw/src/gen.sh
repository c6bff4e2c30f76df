#!/bin/sh
# Regenerates the raw profiles and goldens of t/data/profraw.  Run from
# t/data/profraw/src; writes into its parent.  Needs clang-14, clang-22,
# llvm-profdata-14 and -22, python3.
set -e
O=${1:-..}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() { LLVM_PROFILE_FILE=$O/$1.profraw "$T/$1" 40 >/dev/null; }
NOVP="-mllvm -disable-vp=true"
SRC="main.c lib.c"
clang-14 -O2 -fprofile-generate $NOVP $SRC -o "$T/v8-ir" && run v8-ir
clang-14 -O2 -fprofile-instr-generate $SRC -o "$T/v8-fe" && run v8-fe
clang-14 -O2 -fprofile-generate $NOVP -mllvm -pgo-function-entry-coverage $SRC -o "$T/v8-cov" && run v8-cov
clang-14 -O2 -fprofile-generate $SRC -o "$T/v8-vp" && run v8-vp
llvm-profdata-14 merge -o "$T/v8.profdata" "$O/v8-ir.profraw"
clang-14 -O2 -fprofile-use="$T/v8.profdata" -fcs-profile-generate $NOVP $SRC -o "$T/v8-cs" && run v8-cs
clang-22 -O2 -fprofile-generate $NOVP $SRC -o "$T/v10-ir" && run v10-ir
clang-22 -O2 -fprofile-generate $NOVP -mllvm -pgo-instrument-entry $SRC -o "$T/v10-entry" && run v10-entry
clang-22 -O2 -fprofile-generate $NOVP -mllvm -pgo-instrument-loop-entries $SRC -o "$T/v10-loop" && run v10-loop
clang-22 -O2 -fprofile-generate $NOVP -mllvm -pgo-block-coverage $SRC -o "$T/v10-bcov" && run v10-bcov
clang-22 -O2 -fprofile-generate $NOVP -mllvm -pgo-temporal-instrumentation $SRC -o "$T/v10-temporal" && run v10-temporal
clang-22 -O2 -fprofile-instr-generate -fcoverage-mapping -fcoverage-mcdc $SRC -o "$T/v10-mcdc" && run v10-mcdc
clang-22 -O2 -fprofile-generate $SRC -o "$T/v10-vp" && run v10-vp
clang-22 -O2 -fprofile-generate $NOVP other.c -o "$T/v10-other" && run v10-other
clang-14 -O2 -fprofile-generate $NOVP other.c -o "$T/v8-other" && run v8-other
cat "$O/v10-ir.profraw" "$O/v10-other.profraw" "$O/v10-ir.profraw" > "$O/v10-concat.profraw"
cat "$O/v8-ir.profraw" "$O/v8-other.profraw" > "$O/v8-concat.profraw"
rm -f "$O/v10-other.profraw" "$O/v8-other.profraw"
python3 synth.py "$O"
for f in v8-ir v8-fe v8-cov v8-cs v8-concat; do
	llvm-profdata-14 merge -text "$O/$f.profraw" -o "$O/$f.txt"
done
for f in v10-ir v10-entry v10-loop v10-bcov v10-mcdc v10-concat; do
	llvm-profdata-22 merge -text "$O/$f.profraw" -o "$O/$f.txt"
done
llvm-profdata-22 merge -text "$O/v10-ir.profraw" "$O/v10-ir.profraw" -o "$O/v10-ir-x2.txt"
# pgo drops temporal traces: the golden is llvm-profdata's text without them.
llvm-profdata-22 merge -text "$O/v10-temporal.profraw" -o - |
	awk '/^:temporal_prof_traces$/ { skip = 1; next }
	     skip && /^$/ { skip = 0; next }
	     !skip' > "$O/v10-temporal.txt"
# The synthetic files must read as their sources do.
llvm-profdata-22 merge -text "$O/v10-vtables.profraw" -o - | cmp -s - "$O/v10-ir.txt"
