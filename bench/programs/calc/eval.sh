#!/bin/sh
# usage: eval.sh CALC DATADIR
# Runs every script of DATADIR with calc, $BENCH_WRAP (e.g. valgrind)
# before each run.
set -e
for f in "$2"/*.x; do
	${BENCH_WRAP:-} "$1" "$f"
done
