#!/bin/sh
# usage: eval.sh ZSTD DATADIR
# Compresses every file of DATADIR at levels 1, 3 and 6, and decompresses
# each result three times, as a store that writes once and reads often
# (zstd checks each frame's checksum as it decompresses).
# $BENCH_WRAP (e.g. valgrind) goes before each run of zstd.
set -e
bin=$1
data=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgo-bench-zstd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for f in "$data"/*; do
	[ -f "$f" ] || continue
	for level in 1 3 6; do
		${BENCH_WRAP:-} "$bin" -q -"$level" -c "$f" >"$tmp/out.zst"
		for _ in 1 2 3; do
			${BENCH_WRAP:-} "$bin" -q -d -c "$tmp/out.zst" >/dev/null
		done
		echo "$(basename "$f") -$level $(wc -c <"$tmp/out.zst")"
	done
done
