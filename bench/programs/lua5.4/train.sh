#!/bin/sh
# usage: train.sh LUA DATADIR
# Training workload: five scripts on sorting, text formatting and matching,
# classes with metatables, closures and coroutines, and a JSON round trip.
# DATADIR/scale sizes every script; $BENCH_WRAP (e.g. valgrind) goes before
# each run of the interpreter.
set -e
bin=$1
scale=$(cat "$2/scale")
here=$(cd "$(dirname "$0")" && pwd)
for s in sort strings objects closures json; do
	${BENCH_WRAP:-} "$bin" "$here/train/$s.lua" "$scale"
done
