#!/bin/bash
# pgo status on a large store: P managed programs, each with G generations,
# T transitions and F profiles in the index (synthetic rows, inserted with
# sqlite3 into a store pgo created).  Prints the median and range of the
# wall time of "pgo status" and "pgo status --json" over N runs.  The
# target: well under 100 ms with hundreds of programs and thousands of
# profiles.
#   bench/status.sh [-p PROGRAMS] [-f PROFILES_PER_PROGRAM] [-n RUNS] [--pgo PATH]
set -euo pipefail
P=300 F=10 G=5 T=10 N=15 PGO=${PGO:-}
while [ $# -gt 0 ]; do
	case $1 in
	-p) P=$2; shift 2 ;;
	-f) F=$2; shift 2 ;;
	-n) N=$2; shift 2 ;;
	--pgo) PGO=$2; shift 2 ;;
	*) echo "usage: bench/status.sh [-p PROGRAMS] [-f PROFILES] [-n RUNS] [--pgo PATH]" >&2; exit 2 ;;
	esac
done
[ -n "$PGO" ] || { echo "bench/status.sh: give --pgo PATH (a built pgo)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench/status.sh: needs sqlite3" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-bench-status.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PGO_STORE="$work/store"
"$PGO" ls >/dev/null   # creates the store and its schema
mkdir -p "$work/proj"
printf '[policy]\nmin-runs = 50\n' >"$work/proj/pgo.conf"

{
	echo "BEGIN;"
	for p in $(seq 1 "$P"); do
		echo "INSERT INTO programs VALUES ('prog$p', '$work/proj', 'prog', '$work/bin/prog$p', 'profiling', 'collecting', $G, '$work/spool$p', $((p % 70)), $((p * 1000)), 0.97, NULL, NULL, 0, 0, 1, NULL, NULL, 'clang 14.0.6', 1795000000);"
		for g in $(seq 1 "$G"); do
			echo "INSERT INTO generations VALUES ('prog$p', $g, 'instrument', '', '$work/gen', NULL, 1795000000);"
		done
		for t in $(seq 1 "$T"); do
			echo "INSERT INTO transitions (program, time, from_state, to_state, reason) VALUES ('prog$p', 1795000000, 'plain', 'profiling', 'reason $t');"
		done
		for f in $(seq 1 "$F"); do
			d=$(printf '%064x' $((p * 100000 + f)))
			echo "INSERT INTO profiles (digest, program, kind, toolchain, format, created, runs, size, stored_size, functions, total) VALUES ('$d', 'prog$p', 'llvm-instr', 'clang 14.0.6', 'raw 8, indexed 7', 1795000000, 1, 1000, 300, 10, 1000);"
		done
	done
	echo "COMMIT;"
} | sqlite3 "$PGO_STORE/index.db"

time_ms() {
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}

stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "median %.1f ms [%.1f - %.1f], %d runs\n", m / 1000, v[1] / 1000, v[NR] / 1000, NR }'
}

echo "store: $P programs, $((P * F)) profiles, $((P * G)) generations, $((P * T)) transitions"
a=() b=()
for i in $(seq 1 "$N"); do
	a+=("$(time_ms "$PGO" status)")
	b+=("$(time_ms "$PGO" status --json)")
done
printf '%s\n' "${a[@]}" | { printf 'pgo status         '; stats; }
printf '%s\n' "${b[@]}" | { printf 'pgo status --json  '; stats; }
printf '%s\n' "$(time_ms "$PGO" status prog1)" | { printf 'pgo status prog1   '; stats; }
