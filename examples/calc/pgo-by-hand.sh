#!/bin/bash
# pgo-by-hand.sh - the PGO cycle for calc done by hand, as a reference for
# what "pgo optimize" automates, and the benchmark method of the figures in
# README.md.
#
# usage: ./pgo-by-hand.sh [CC [RUNS]]     e.g. ./pgo-by-hand.sh clang-14 15
#
# Builds a baseline (-O2) and a PGO build (-O2, instrumented, trained on
# train/*.x, rebuilt with the profile) in a temporary directory, checks that
# both give the expected output of every script, then runs the evaluation
# workload (eval/*.x) RUNS times per build, alternating baseline and PGO,
# pinned to CPU 1.  Prints medians with min-max, and instruction counts
# from callgrind when valgrind is installed.
set -eu

cc=${1:-clang}
runs=${2:-15}
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

copy base
make -s -C "$work/base" CC="$cc" CFLAGS="-O2"

copy pgo
case $cc in
gcc*)
	# gcc keys its profile by object path: train and rebuild in one directory.
	make -s -C "$work/pgo" CC="$cc" CFLAGS="-O2 -fprofile-generate"
	train "$work/pgo/calc"
	rm -f "$work/pgo/calc"
	make -s -C "$work/pgo" CC="$cc" CFLAGS="-O2 -fprofile-use"
	;;
*)
	copy inst
	make -s -C "$work/inst" CC="$cc" \
		CFLAGS="-O2 -fprofile-generate=$work/raw -mllvm -disable-vp=true"
	train "$work/inst/calc"
	"$profdata" merge -o "$work/calc.profdata" "$work"/raw/*.profraw
	make -s -C "$work/pgo" CC="$cc" CFLAGS="-O2 -fprofile-use=$work/calc.profdata"
	;;
esac

for v in base pgo; do
	if ! make -s -C "$work/$v" check >/dev/null; then
		echo "pgo-by-hand: $v build gives wrong results" >&2
		exit 1
	fi
done

pin=""
command -v taskset >/dev/null && pin="taskset -c 1"
TIMEFORMAT='%R %U %S'
cd "$here"
for i in $(seq "$runs"); do
	for v in base pgo; do
		{ time $pin "$work/$v/calc" eval/*.x >/dev/null; } 2>>"$work/$v.times"
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
read -r bw bwmin bwmax bc bcmin bcmax <<<"$(summary base)"
read -r pw pwmin pwmax pc pcmin pcmax <<<"$(summary pgo)"
echo "$cc, $runs alternating runs of eval/*.x (seconds: median [min-max])"
printf '  baseline  wall %s [%s-%s]  cpu %s [%s-%s]\n' $bw $bwmin $bwmax $bc $bcmin $bcmax
printf '  pgo       wall %s [%s-%s]  cpu %s [%s-%s]\n' $pw $pwmin $pwmax $pc $pcmin $pcmax
awk -v a=$bw -v b=$pw -v c=$bc -v d=$pc \
	'BEGIN { printf "  speed-up  wall %+.1f%%  cpu %+.1f%%\n", (a / b - 1) * 100, (c / d - 1) * 100 }'

if command -v valgrind >/dev/null; then
	for v in base pgo; do
		ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$work/$v/calc" eval/*.x 2>&1 >/dev/null | awk '/Collected/ { print $4 }')
		printf '  %-8s  %s instructions (callgrind)\n' $v "$ir"
	done
fi
