#!/bin/bash
# pgo-by-hand.sh - the PGO cycle for calc done by hand, as a reference for
# what "pgo optimize" automates, and the benchmark method of the figures in
# README.md.
#
# usage: ./pgo-by-hand.sh [CC [RUNS [PADDINGS]]]
#   e.g. ./pgo-by-hand.sh clang-14 15
#        ./pgo-by-hand.sh clang-22 15 "0 16 32 48"
#
# Builds a baseline (-O2) and a PGO build (-O2, instrumented, trained on
# train/*.x, rebuilt with the profile) in a temporary directory, checks that
# both give the expected output of every script, then runs the evaluation
# workload (eval/*.x) RUNS times per build, alternating baseline and PGO,
# pinned to CPU 1.  Prints medians with min-max of CPU time (user+sys) and
# wall time, and instruction counts from callgrind when valgrind is
# installed.
#
# PADDINGS (default "0") links each build once per padding, with that many
# bytes of padding in front of the program's code (a tiny object with a
# .skip in .text.unlikely, which the linker places before .text.hot and
# .text).  Shifting the code by 16 bytes can move the time of a build by
# 20% on its own, so a gain measured at one layout proves little: the
# figure to read is the mean gain over the paddings.
set -eu

cc=${1:-clang}
runs=${2:-15}
paddings=${3:-0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# llvm-profdata of the same version as clang: raw profiles do not cross versions.
profdata=llvm-profdata
case $cc in
clang-*) profdata=llvm-profdata-${cc#clang-} ;;
esac

copy() {
	mkdir -p "$work/$1"
	cp "$here"/*.c "$here"/*.h "$here"/Makefile "$work/$1"/
	ln -s "$here/train" "$here/eval" "$work/$1"/
}

train() {
	for f in "$here"/train/*.x; do
		"$1" "$f" >/dev/null
	done
}

# The padding objects; pad0 is empty, so padding 0 is the ordinary link.
for p in 0 $paddings; do
	{
		[ "$p" = 0 ] || printf '\t.section .text.unlikely,"ax",@progbits\n\t.skip %d, 0x90\n' "$p"
		printf '\t.section .note.GNU-stack,"",@progbits\n'
	} >"$work/pad$p.s"
	"$cc" -c -o "$work/pad$p.o" "$work/pad$p.s"
done

# build DIR CFLAGS PADDING: (re)link DIR/calc, then keep it as DIR/calc-PADDING
build() {
	rm -f "$work/$1/calc"
	make -s -C "$work/$1" CC="$cc" CFLAGS="$2" LDFLAGS="$work/pad$3.o"
	cp "$work/$1/calc" "$work/$1/calc-$3"
}

copy base
for p in $paddings; do
	build base "-O2" "$p"
done

copy pgo
case $cc in
gcc*)
	# gcc keys its profile by object path: train and rebuild in one directory,
	# and link an object here too (pad0.o, empty): its presence changes the
	# name of the profile file (calc-calc.gcda instead of calc.gcda).
	make -s -C "$work/pgo" CC="$cc" CFLAGS="-O2 -fprofile-generate" LDFLAGS="$work/pad0.o"
	train "$work/pgo/calc"
	for p in $paddings; do
		build pgo "-O2 -fprofile-use" "$p"
	done
	;;
*)
	# Value profiling (indirect-call promotion) off, as pgo does by default.
	copy inst
	make -s -C "$work/inst" CC="$cc" \
		CFLAGS="-O2 -fprofile-generate=$work/raw -mllvm -disable-vp=true"
	train "$work/inst/calc"
	"$profdata" merge -o "$work/calc.profdata" "$work"/raw/*.profraw
	for p in $paddings; do
		# -disable-vp at use time too: the profile has no value sites,
		# and clang warns about every function that could have some.
		build pgo "-O2 -fprofile-use=$work/calc.profdata -mllvm -disable-vp=true" "$p"
	done
	;;
esac

for v in base pgo; do
	for p in $paddings; do
		cp "$work/$v/calc-$p" "$work/$v/calc"
		if ! make -s -C "$work/$v" check >/dev/null; then
			echo "pgo-by-hand: $v build (padding $p) gives wrong results" >&2
			exit 1
		fi
	done
done

pin=""
command -v taskset >/dev/null && pin="taskset -c 1"
TIMEFORMAT='%R %U %S'
cd "$here"
for i in $(seq "$runs"); do
	for p in $paddings; do
		for v in base pgo; do
			{ time $pin "$work/$v/calc-$p" eval/*.x >/dev/null; } 2>>"$work/$v-$p.times"
		done
	done
done

# median, min and max of column 1 (wall) and of columns 2+3 (cpu)
summary() {
	awk '{ print $1, $2 + $3 }' "$work/$1.times" >"$work/$1.t"
	for col in 1 2; do
		sort -n -k$col,$col "$work/$1.t" | awk -v c=$col '
			{ v[NR] = $c }
			END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			      printf "%.3f %.3f %.3f ", m, v[1], v[NR] }'
	done
}
echo "$cc, $runs alternating runs of eval/*.x (seconds: median [min-max])"
: >"$work/gains"
for p in $paddings; do
	read -r bw bwmin bwmax bc bcmin bcmax <<<"$(summary base-$p)"
	read -r pw pwmin pwmax pc pcmin pcmax <<<"$(summary pgo-$p)"
	[ "$paddings" = 0 ] || echo " padding $p bytes"
	printf '  baseline  wall %s [%s-%s]  cpu %s [%s-%s]\n' $bw $bwmin $bwmax $bc $bcmin $bcmax
	printf '  pgo       wall %s [%s-%s]  cpu %s [%s-%s]\n' $pw $pwmin $pwmax $pc $pcmin $pcmax
	awk -v a=$bw -v b=$pw -v c=$bc -v d=$pc \
		'BEGIN { printf "  speed-up  wall %+.1f%%  cpu %+.1f%%\n", (a / b - 1) * 100, (c / d - 1) * 100 }'
	echo "$bc $pc" >>"$work/gains"
done
[ "$paddings" = 0 ] || awk '{ b += $1; p += $2; g += $1 / $2 - 1; n++ }
	END { printf " mean over %d paddings: baseline cpu %.3f, pgo cpu %.3f, speed-up %+.1f%% (mean of the gains %+.1f%%)\n",
	      n, b / n, p / n, (b / p - 1) * 100, g / n * 100 }' "$work/gains"

if command -v valgrind >/dev/null; then
	p=${paddings%% *}
	for v in base pgo; do
		ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$work/$v/calc-$p" eval/*.x 2>&1 >/dev/null | awk '/Collected/ { print $4 }')
		printf '  %-8s  %s instructions (callgrind)\n' $v "$ir"
	done
fi
