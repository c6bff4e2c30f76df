#!/bin/sh
# Regenerates the profiles of this directory from prog.c with the real
# compilers and llvm-profdata (clang-14 and clang-22 with their
# llvm-profdata).  Run from this directory: sh gen.sh
set -eu
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp prog.c "$tmp/"
cd "$tmp"

for v in 14 22; do
	pd=llvm-profdata-$v
	# IR PGO with value profiling on; one raw file per run, merged by
	# llvm-profdata (runtime %m merging would turn targets into external
	# symbols, since the binary is position-independent).
	clang-$v -O2 -fprofile-generate prog.c -o ir$v
	for w in a:100 b:37 c:23; do
		LLVM_PROFILE_FILE=ir$v-${w%%:*}.profraw ./ir$v ${w#*:} >/dev/null
		$pd merge -text ir$v-${w%%:*}.profraw -o "$here/ir$v-${w%%:*}.txt"
	done
	# Front-end instrumentation (no header line).
	clang-$v -O2 -fprofile-instr-generate prog.c -o fe$v
	LLVM_PROFILE_FILE=fe$v.profraw ./fe$v 50 >/dev/null
	$pd merge -text fe$v.profraw -o "$here/fe$v.txt"
	# Context-sensitive IR PGO on top of the IR profile.
	$pd merge ir$v-a.profraw -o ir$v-a.profdata
	clang-$v -O2 -fprofile-use=ir$v-a.profdata -fcs-profile-generate prog.c -o cs$v
	LLVM_PROFILE_FILE=cs$v.profraw ./cs$v 20 >/dev/null
	$pd merge -text cs$v.profraw ir$v-a.profdata -o "$here/csir$v.txt"
done

# What llvm-profdata itself writes for merges, weights and overlaps.
cd "$here"
llvm-profdata-22 merge -text ir22-a.txt ir22-b.txt ir22-c.txt -o ir22-abc.txt
llvm-profdata-22 merge -text -weighted-input=3,ir22-b.txt -o ir22-b-w3.txt
llvm-profdata-14 merge -text ir14-a.txt ir14-b.txt -o ir14-ab.txt
llvm-profdata-14 overlap ir14-a.txt ir14-b.txt | grep 'Edge profile overlap' >overlap14-ab.out
cd "$tmp"

# MC/DC bitmaps (clang-22, front-end instrumentation).
clang-22 -O0 -fcoverage-mcdc -fprofile-instr-generate -fcoverage-mapping prog.c -o mcdc
LLVM_PROFILE_FILE=mcdc-a.profraw ./mcdc 2 >/dev/null
LLVM_PROFILE_FILE=mcdc-b.profraw ./mcdc 3 20 >/dev/null
llvm-profdata-22 merge -text mcdc-a.profraw -o "$here/mcdc22-a.txt"
llvm-profdata-22 merge -text mcdc-b.profraw -o "$here/mcdc22-b.txt"
llvm-profdata-22 merge -text mcdc-a.profraw mcdc-b.profraw -o "$here/mcdc22-ab.txt"

# Temporal profile traces (skipped by the parser): the expected canonical
# text is llvm-profdata's output without the trace section.
clang-22 -O2 -fprofile-generate -mllvm -pgo-temporal-instrumentation prog.c -o tp
LLVM_PROFILE_FILE=tp-a.profraw ./tp 5 >/dev/null
LLVM_PROFILE_FILE=tp-b.profraw ./tp 0 >/dev/null
llvm-profdata-22 merge --temporal-profile-trace-reservoir-size=10 -text \
	tp-a.profraw tp-b.profraw -o "$here/temporal22.txt"
sed '/^:temporal_prof_traces$/,/^$/d' "$here/temporal22.txt" >"$here/temporal22.expected"
