# shellcheck shell=bash disable=SC2034  # read by bench/run
# calc, the interpreter of examples/calc: written for this repository, so
# it is not one of the real programs bench/run is about.  It is here for
# the test suite's smoke run of the harness (t/t0600-bench-smoke.sh),
# which must not need the network: the source is taken from the
# repository instead of a Debian source package.
# Sourced by bench/run; see the interface described there.
PROG_PKG=calc
PROG_SOURCE=examples/calc
PROG_BIN=calc
PROG_BUILD_SYSTEM='make'

prog_prepare() {
	make -C "$1" clean
}

prog_build() { # TREE CC CFLAGS [EXTRA]
	make -C "$1" CC="$2" CFLAGS="$3${4:+ $4}" calc
}

prog_clean() {
	make -C "$1" clean
}

# The workloads: the example's own scripts, train/*.x and eval/*.x; the
# tiny tier (the smoke run) has two short scripts of its own instead,
# written here.
prog_data() { # TIER SRC OUT
	local n
	mkdir -p "$3/train" "$3/eval"
	if [ "$1" != tiny ]; then
		cp "$2"/train/*.x "$3/train/"
		cp "$2"/eval/*.x "$3/eval/"
		return
	fi
	n=30000
	cat >"$3/train/loops.x" <<CALC
fn fib(n) { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); }
let t = {};
let s = "";
for i = 0, $n { t["k" .. (i % 97)] = i; if i % 10 == 0 { s = s .. "x"; } }
print(fib(18), len(s), t.k5);
CALC
	cat >"$3/eval/tables.x" <<CALC
let list = [];
for i = 0, $n { push(list, (i * 7919) % 1000); }
sort(list);
let total = 0;
for i = 0, len(list) { total += list[i]; }
print(total, list[0], list[len(list) - 1]);
CALC
}
