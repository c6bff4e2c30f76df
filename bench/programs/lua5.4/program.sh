# shellcheck shell=bash disable=SC2034  # read by bench/run
# Lua 5.4, Debian source package lua5.4: the interpreter, built with a
# plain Makefile (bench/programs/lua5.4/Makefile, copied into the tree).
# Sourced by bench/run; see the interface described there.
PROG_PKG=lua5.4
PROG_BIN=lua
PROG_BUILD_SYSTEM='make'

prog_prepare() {
	cp "$PROG_DIR/Makefile" "$1/Makefile"
}

prog_build() { # TREE CC CFLAGS [EXTRA]
	make -C "$1" -j"$JOBS" CC="$2" CFLAGS="$3${4:+ $4}" lua
}

prog_clean() {
	make -C "$1" clean
}

# The workloads are Lua scripts under train/ and eval/; DATA/scale sizes them.
prog_data() { # TIER SRC OUT
	local scale
	case "$1" in tiny) scale=0.02 ;; small) scale=0.05 ;; full) scale=1 ;; esac
	mkdir -p "$3/train" "$3/eval"
	echo "$scale" >"$3/train/scale"
	echo "$scale" >"$3/eval/scale"
}
