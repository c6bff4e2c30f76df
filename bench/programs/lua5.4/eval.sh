#!/bin/sh
# usage: eval.sh LUA DATADIR
# Evaluation workload: five other scripts of the same kinds (allocation-
# heavy recursion, word counting, a heap class for shortest paths, an event
# emitter with a coroutine pipeline, CSV parsing).
# DATADIR/scale sizes every script; $BENCH_WRAP (e.g. valgrind) goes before
# each run of the interpreter.
set -e
bin=$1
scale=$(cat "$2/scale")
here=$(cd "$(dirname "$0")" && pwd)
for s in bintrees wordfreq dijkstra events csv; do
	${BENCH_WRAP:-} "$bin" "$here/eval/$s.lua" "$scale"
done
