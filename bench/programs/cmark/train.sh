#!/bin/sh
# usage: train.sh CMARK DATADIR
# Renders every Markdown document of DATADIR to HTML, plain and with
# --smart punctuation, and to CommonMark again (a formatter's round trip).
# $BENCH_WRAP (e.g. valgrind) goes before each run of cmark.
set -e
bin=$1
for f in "$2"/*.md; do
	${BENCH_WRAP:-} "$bin" --to html "$f"
	${BENCH_WRAP:-} "$bin" --smart --to html "$f"
	${BENCH_WRAP:-} "$bin" --to commonmark --width 80 "$f"
done
