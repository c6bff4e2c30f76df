#!/bin/bash
# Importing LLVM instrumentation profiles from clang-14 and clang-22:
# raw and indexed inputs give the same canonical profile, the canonical
# body is what llvm-profdata -text writes, export is lossless for the
# compiler, merging matches llvm-profdata's and does not depend on order.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 llvm-profdata-14 clang-22 llvm-profdata-22 sqlite3

# The digest field of "pgo show --json".
json_digest() {
	sed -n 's/^  "digest": "\([0-9a-f]*\)".*/\1/p'
}

strip_header() {
	sed -e '/^# pgo profile v1$/d' -e '/^# [a-z-]*: /d' "$@"
}

for v in 14 22; do
	cc=clang-$v
	pd=llvm-profdata-$v
	full=$($cc -dumpversion)
	raw=$([ $v = 14 ] && echo 8 || echo 10)
	# Raw version 10 is written by LLVM 19 to 22: say which when several
	# are installed.  Version 8 belongs to clang-14 alone here.
	tc="--toolchain=clang-$v"
	build_prog $cc "$TEST_DIR/gen$v" -fprofile-generate="$TEST_DIR/pool$v" -mllvm -disable-vp=true
	(cd "$TEST_DIR" &&
		LLVM_PROFILE_FILE=$TEST_DIR/r1-$v.profraw ./gen$v/prog 2000 sort >/dev/null &&
		LLVM_PROFILE_FILE=$TEST_DIR/r2-$v.profraw ./gen$v/prog 3000 hash >/dev/null &&
		LLVM_PROFILE_FILE=$TEST_DIR/r3-$v.profraw ./gen$v/prog 1000 mix >/dev/null)
	ok "clang-$v: training runs wrote raw profiles" test -s r1-$v.profraw -a -s r2-$v.profraw -a -s r3-$v.profraw

	d1=$("$PGO" import $tc --program prog r1-$v.profraw)
	ok "clang-$v: import prints a digest" sh -c "echo '$d1' | grep -Eq '^[0-9a-f]{64}$'"
	is "clang-$v: toolchain recorded" "$("$PGO" show --json "$d1" | sed -n 's/.*"toolchain": "\(.*\)".*/\1/p')" "clang $full"
	is "clang-$v: format recorded" "$("$PGO" show --json "$d1" | sed -n 's/.*"format": "\(raw [0-9]*\).*/\1/p')" "raw $raw"
	is "clang-$v: same file, same digest" "$("$PGO" import $tc r1-$v.profraw)" "$d1"

	$pd merge -o r1-$v.profdata r1-$v.profraw
	is "clang-$v: indexed input gives the same profile as raw" "$("$PGO" import r1-$v.profdata)" "$d1"

	$pd merge -text -o r1-$v.txt r1-$v.profdata
	"$PGO" export "$d1" >exp1-$v.txt
	ok "clang-$v: canonical body equals llvm-profdata -text" cmp <(strip_header exp1-$v.txt) r1-$v.txt
	is "clang-$v: text import round-trips" "$("$PGO" import --toolchain clang-$v exp1-$v.txt)" "$d1"
	is "clang-$v: llvm text import gives the same profile" "$("$PGO" import --toolchain clang-$v r1-$v.txt)" "$d1"
	is "clang-$v: function count as llvm-profdata" \
		"$("$PGO" show --json "$d1" | sed -n 's/.*"functions": \([0-9]*\).*/\1/p')" \
		"$($pd show r1-$v.profdata | sed -n 's/^Total functions: //p')"

	# Lossless for the compiler: the same object from the original and
	# the exported indexed profile.
	ok "clang-$v: export profdata" "$PGO" export --format=profdata -o exp1-$v.profdata "$d1"
	(cd "$PROG_SRC" && $cc -O2 -c -fprofile-use="$TEST_DIR/r1-$v.profdata" work.c -o "$TEST_DIR/orig-$v.o" &&
		$cc -O2 -c -fprofile-use="$TEST_DIR/exp1-$v.profdata" work.c -o "$TEST_DIR/exp-$v.o")
	ok "clang-$v: object from exported profile is byte-identical" cmp orig-$v.o exp-$v.o
	ok "clang-$v: export profdata is readable by llvm-profdata" $pd show exp1-$v.profdata

	# Merging: equals llvm-profdata's merge, in any order, with weights.
	d2=$("$PGO" import $tc --program prog r2-$v.profraw)
	d3=$("$PGO" import $tc --program prog r3-$v.profraw)
	m1=$("$PGO" merge "$d1" "$d2" "$d3")
	m2=$("$PGO" merge "$d3" "$d1" "$d2")
	m3=$("$PGO" merge "$($PGO merge "$d2" "$d3")" "$d1")
	is "clang-$v: merge is order independent" "$m2" "$m1"
	is "clang-$v: merge is associative" "$m3" "$m1"
	$pd merge -o all-$v.profdata r3-$v.profraw r1-$v.profraw r2-$v.profraw
	is "clang-$v: merge equals llvm-profdata merge" "$("$PGO" import all-$v.profdata)" "$m1"
	is "clang-$v: importing several files merges them" "$("$PGO" import $tc r2-$v.profraw r3-$v.profraw r1-$v.profraw)" "$m1"
	w1=$("$PGO" merge --weight "$d1=3" "$d1" "$d2")
	$pd merge -o w-$v.profdata -weighted-input=3,r1-$v.profraw r2-$v.profraw
	is "clang-$v: weighted merge equals llvm-profdata's" "$("$PGO" import w-$v.profdata)" "$w1"
	is "clang-$v: weight 3 equals three copies" "$("$PGO" merge "$d1" "$d1" "$d1" "$d2")" "$w1"
	ok "clang-$v: merge records lineage" sh -c "'$PGO' show '$m1' | grep -c '^parent ' | grep -qx 3"
	is "clang-$v: merge records runs" "$("$PGO" show --json "$m1" | sed -n 's/.*"runs": \([0-9]*\).*/\1/p')" 3
	ok "clang-$v: merge -o writes canonical text" "$PGO" merge -o merged-$v.txt "$d1" "$d2" "$d3"
	ok "clang-$v: merge -o text is llvm-readable" $pd show merged-$v.txt

	# A directory of raw profiles is one import.
	mkdir -p dir$v && cp r1-$v.profraw r2-$v.profraw r3-$v.profraw dir$v/
	is "clang-$v: directory import equals the merge" "$("$PGO" import $tc dir$v)" "$m1"
	eval "D1_$v=$d1; D2_$v=$d2"
done

# Value profiling on: those files go to llvm-profdata, all in one run.
build_prog clang-14 "$TEST_DIR/vp" -fprofile-generate="$TEST_DIR/vpool"
for i in 1 2 3; do LLVM_PROFILE_FILE=$TEST_DIR/vp$i.profraw ./vp/prog $((i * 700)) mix >/dev/null; done
llvm-profdata-14 merge -o vp.profdata vp1.profraw vp2.profraw vp3.profraw
is "value-profiled raw files: the same profile as llvm-profdata's" "$("$PGO" import vp1.profraw vp2.profraw vp3.profraw)" "$("$PGO" import vp.profdata)"
mkdir vpdir && cp vp1.profraw vp2.profraw vp3.profraw vpdir/
is "  and as a directory" "$("$PGO" import vpdir)" "$("$PGO" import vp.profdata)"

# Toolchains never mix.
before=$(store_state)
fails 1 "raw v8 refused for clang-22" "$PGO" import --toolchain clang-22 r1-14.profraw
ok "message names both versions" grep -q "raw profile version 8 does not match clang 22, which writes version 10" "$ERR"
fails 1 "profiles of clang 14 and 22 do not merge" "$PGO" merge "$D1_14" "$D1_22"
ok "message names both toolchains" grep -Eq "clang 14\.[0-9.]+.*clang 22\.[0-9.]+" "$ERR"
fails 1 "importing raw files of two versions at once fails" "$PGO" import r1-14.profraw r1-22.profraw
ok "message names both versions" grep -q "raw profile version 10 does not match clang 14" "$ERR"
is "store unchanged by refused inputs" "$(store_state)" "$before"

# show and diff.
ok "show lists hottest functions" sh -c "'$PGO' show '$D1_14' | grep -A3 '^hottest functions:' | grep -q 'work_sort\|util_rare\|main'"
is "diff of a profile with itself" "$("$PGO" diff "$D1_14" "$D1_14" | sed -n 's/^overlap *//p')" "1.0000"
ov=$("$PGO" diff --json "$D1_14" "$D2_14" | sed -n 's/.*"overlap": \([0-9.]*\).*/\1/p')
llvm-profdata-14 merge -o r2-14.profdata r2-14.profraw
llvm_ov=$(llvm-profdata-14 overlap r1-14.profdata r2-14.profdata 2>/dev/null | sed -n 's/^ *Edge profile overlap: \([0-9.]*\)%.*/\1/p' | head -1)
ok "diff overlap is between 0 and 1" awk -v o="$ov" 'BEGIN { exit !(o > 0 && o < 1) }'
if [ -n "$llvm_ov" ]; then
	ok "diff overlap matches llvm-profdata overlap ($ov vs $llvm_ov%)" awk -v o="$ov" -v l="$llvm_ov" 'BEGIN { d = o * 100 - l; if (d < 0) d = -d; exit !(d < 0.01) }'
fi
ok "ls lists profiles" sh -c "'$PGO' ls | grep -c ' prog ' | grep -qx '[1-9][0-9]*'"
ok "ls --program filters" sh -c "'$PGO' ls --program prog | grep -q '${D1_14:0:12}'"
is "program name resolves to the newest" "$("$PGO" show --json prog | json_digest)" "$("$PGO" ls --json --program prog | sed -n 's/.*"digest": "\([0-9a-f]*\)".*/\1/p' | head -1)"
is "prefix resolves" "$("$PGO" show --json "${D1_14:0:10}" | json_digest)" "$D1_14"

# The stored object is the canonical bytes, compressed; its name is their hash.
obj="$PGO_STORE/objects/${D1_14:0:2}/${D1_14:2}"
is "object hashes to its name" "$(zstd -dc "$obj" | sha256sum | cut -d' ' -f1)" "$D1_14"
ok "sqlite index is consistent" sh -c "sqlite3 '$PGO_STORE/index.db' 'PRAGMA integrity_check' | grep -qx ok"

done_testing
