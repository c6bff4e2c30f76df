# shellcheck shell=bash disable=SC2034  # read by bench/run
# cmark, the CommonMark reference implementation (Debian source package
# cmark): a CMake project.  The static library and the cmark tool only.
# Sourced by bench/run; see the interface described there.
PROG_PKG=cmark
PROG_BIN=build/src/cmark
PROG_BUILD_SYSTEM=cmake

prog_prepare() {
	:
}

# CMake passes absolute source paths to the compiler, so the build stays
# in one directory: the instrumented and the optimized build must name
# static functions alike.  CMAKE_BUILD_TYPE=Release with its flags
# replaced, because cmark forces Release (-O3) when no type is given.
prog_build() { # TREE CC CFLAGS [EXTRA]
	cmake -S "$1" -B "$1/build" -DCMAKE_C_COMPILER="$2" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_C_FLAGS_RELEASE="$3${4:+ $4}" -DCMARK_TESTS=OFF -DCMARK_SHARED=OFF &&
		cmake --build "$1/build" --parallel "$JOBS" --target cmark_exe
}

prog_clean() {
	cmake --build "$1/build" --target clean
}

# Training: generated Markdown documents.  Evaluation: real ones, the
# CommonMark specification, README and changelog of cmark, and the
# per-feature samples of its benchmark, repeated to size.
prog_data() { # TIER SRC OUT
	local n i
	case "$1" in tiny) n=40000 ;; small) n=100000 ;; full) n=1000000 ;; esac
	mkdir -p "$3/train" "$3/eval"
	for i in 1 2 3 4; do
		python3 "$BENCH/lib/gen.py" markdown "$((10 + i))" "$n" "$3/train/doc$i.md"
	done
	repeat_to "$((2 * n))" "$3/eval/spec.md" "$2/test/spec.txt" "$2/README.md" "$2/changelog.txt"
	repeat_to "$((2 * n))" "$3/eval/samples.md" "$2"/bench/samples/*.md
}

repeat_to() { # BYTES OUT FILES...
	local n=$1 out=$2
	shift 2
	cat "$@" >"$out.tmp"
	while [ "$(stat -c %s "$out.tmp")" -lt "$n" ]; do
		cat "$out.tmp" "$out.tmp" >"$out.tmp2" && mv "$out.tmp2" "$out.tmp"
	done
	head -c "$n" "$out.tmp" >"$out"
	rm -f "$out.tmp"
}
