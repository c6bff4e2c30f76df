#!/bin/bash
# Installs what is needed, builds pgo with warnings as errors, and runs the
# whole test suite twice: a normal build and one under AddressSanitizer +
# UndefinedBehaviorSanitizer.  Ends with "N passed, N failed".
#   tools/test.sh            both passes
#   tools/test.sh --quick    the normal build only
#   TESTS="t0100-llvm-import" tools/test.sh --quick   some tests only
set -u
cd "$(dirname "$0")/.."
top=$(pwd)

tools/deps.sh || { echo "pgo: cannot install the dependencies" >&2; exit 1; }

passes="build build-asan"
[ "${1:-}" = "--quick" ] && passes="build"

total_pass=0
total_fail=0
for b in $passes; do
	opts="--werror -Dbuildtype=debugoptimized"
	[ "$b" = build-asan ] && opts="$opts -Db_sanitize=address,undefined -Db_lundef=false"
	if [ ! -d "$b" ]; then
		meson setup "$b" $opts >"$b.setup.log" 2>&1 || { cat "$b.setup.log"; echo "0 passed, 1 failed"; exit 1; }
	else
		meson setup --reconfigure "$b" $opts >"$b.setup.log" 2>&1 || { cat "$b.setup.log"; echo "0 passed, 1 failed"; exit 1; }
	fi
	if ! ninja -C "$b" >"$b.ninja.log" 2>&1; then
		cat "$b.ninja.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	echo "== tests ($b)"
	meson test -C "$b" --num-processes 2 --print-errorlogs ${TESTS:-} >"$b.test.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$b.test.log" | sed 's/^ *//'
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$b.test.log")
	fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$b.test.log")
	skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$b.test.log")
	tout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$b.test.log")
	if [ -z "$ok" ]; then
		tail -50 "$b.test.log"
		fail=1
	fi
	if [ "${fail:-0}" != 0 ] || [ "${tout:-0}" != 0 ]; then
		# Show what failed, with its output.
		sed -n '/^Summary of Failures:/,$p' "$b.test.log"
		grep -B2 -A40 '^--- stdout ---\|^not ok' "$b.test.log" | head -300
	fi
	total_pass=$((total_pass + ${ok:-0}))
	total_fail=$((total_fail + ${fail:-0} + ${tout:-0}))
	if [ "${skip:-0}" != 0 ] && [ -n "${CI:-}" ]; then
		echo "pgo: $skip tests were skipped in CI"
		total_fail=$((total_fail + skip))
	fi
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
