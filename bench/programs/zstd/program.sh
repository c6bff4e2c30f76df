# shellcheck shell=bash disable=SC2034  # read by bench/run
# Zstandard, Debian source package libzstd: the zstd command-line tool,
# built with upstream's programs/Makefile (plain make), without the
# optional zlib, lzma and lz4 formats and without legacy-format support.
# Sourced by bench/run; see the interface described there.
PROG_PKG=libzstd
PROG_BIN=programs/zstd
PROG_BUILD_SYSTEM='make'
ZSTD_MAKE_ARGS="HAVE_ZLIB=0 HAVE_LZMA=0 HAVE_LZ4=0 ZSTD_LEGACY_SUPPORT=0"

prog_prepare() {
	:
}

# EXTRA goes with the compiler's name: the Makefile's probes pass CFLAGS
# twice, and clang rejects a repeated -mllvm option ("may only occur zero
# or one times"), which would turn multithreading off.
prog_build() { # TREE CC CFLAGS [EXTRA]
	# shellcheck disable=SC2086  # a list of assignments
	make -C "$1/programs" -j"$JOBS" CC="$2${4:+ $4}" CFLAGS="$3" $ZSTD_MAKE_ARGS zstd-release
}

prog_clean() {
	make -C "$1/programs" clean
}

# Training: generated prose and binary records.  Evaluation: other data
# of the same two kinds (generated web-server logs and the C sources and
# documents of zstd itself; generated 16-bit sensor samples).
prog_data() { # TIER SRC OUT
	local n src
	case "$1" in tiny) n=100000 ;; small) n=400000 ;; full) n=4000000 ;; esac
	mkdir -p "$3/train" "$3/eval"
	python3 "$BENCH/lib/gen.py" prose 1 "$n" "$3/train/prose"
	python3 "$BENCH/lib/gen.py" records 2 "$n" "$3/train/records"
	python3 "$BENCH/lib/gen.py" logs 3 "$n" "$3/eval/logs"
	python3 "$BENCH/lib/gen.py" samples 4 "$n" "$3/eval/samples"
	src=$3/eval/sources.tmp
	(cd "$2" && find lib programs doc -type f \( -name '*.[ch]' -o -name '*.md' \) | LC_ALL=C sort |
		xargs cat) >"$src"
	while [ "$(stat -c %s "$src")" -lt "$n" ]; do cat "$src" "$src" >"$src.2" && mv "$src.2" "$src"; done
	head -c "$n" "$src" >"$3/eval/sources"
	rm -f "$src"
}
