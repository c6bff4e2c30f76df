#!/bin/bash
# The compiler wrapper: what it passes through untouched, what it changes,
# the note it stamps, and how it falls back instead of breaking a build.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 llvm-profdata-14 make ccache

mkproj() {
	mkdir -p "$1"
	cp "$PROG_SRC"/*.c "$PROG_SRC"/*.h "$1/"
	cp "$PROG_SRC/Makefile" "$1/Makefile"
	cat >"$1/pgo.conf" <<-CONF
	[project]
	name = prog
	cc = clang-14
	[build]
	command = make
	clean = make clean
	binaries = prog
	[train]
	command = ./prog 20000 mix
	CONF
}

# Off mode: the wrapper is the compiler.
mkproj plain
(cd plain && make CC=clang-14 >/dev/null 2>&1)
mkproj off
ok "build --pgo=off" "$PGO" build -C off --pgo=off
ok "--pgo=off gives the same bytes as a plain build" cmp plain/prog off/prog
fails 1 "a plain binary has no note" "$PGO" inspect off/prog
ok "  and says so" grep -q "no pgo note" "$ERR"

# Pass-through without pgo build: PGO_MODE unset.
mkdir -p bin && ln -s "$PGO" bin/pgo-cc
ok "pgo-cc --version is the compiler's" sh -c "PGO_CC=clang-14 bin/pgo-cc --version | grep -q 'clang version 14'"
ok "pgo cc -E passes through" sh -c "echo 'int x = FOO;' | PGO_CC=clang-14 PGO_MODE=instrument '$PGO' cc -DFOO=42 -E -x c - | grep -q 'int x = 42;'"
ok "pgo cc -M passes through" sh -c "PGO_CC=clang-14 PGO_MODE=instrument '$PGO' cc -M '$PROG_SRC/work.c' | grep -q 'work.h'"
fails 3 "the compiler's exit status is kept" sh -c "PGO_CC=false '$PGO' cc -c x.c; exit \$((\$? + 2))"

# Instrument: the note, the spool, and the counts.
mkproj inst
ok "build --pgo=instrument" "$PGO" build -C inst --pgo=instrument
ok "instrumented binary has a note" sh -c "'$PGO' inspect inst/prog | grep -q 'mode *instrument'"
ok "pgo run collects the profile" sh -c "cd inst && '$PGO' run -- ./prog 3000 sort >run.out"
ok "  and reports coverage" grep -q '^covered  *[0-9]* of [0-9]* functions' inst/run.out
digest=$(sed -n 's/^all runs *\([0-9a-f]*\).*/\1/p' inst/run.out)
ok "  the profile is in the store" "$PGO" show "$digest"
# util_rare is called exactly 3000 times by "prog 3000 sort".
"$PGO" export "$digest" >inst.txt
ok "exact entry count of util_rare" sh -c "awk '/^util_rare\$/ {f=1} f && /^# Counter Values:/ {getline; print; exit}' inst.txt | grep -qx 3000"

# Use: the optimized build carries the digest of the profile.
ok "build with the profile" "$PGO" build -C inst
is "note records the profile" "$("$PGO" inspect --json inst/prog | sed -n 's/.*"profile": "sha256:\([0-9a-f]*\)".*/\1/p')" "$digest"
ok "no missing-profile diagnostics for hot functions" sh -c "! grep -E 'missing.*(util_rare|work_sort|main)' inst/.pgo/diagnostics.log 2>/dev/null"
ok "optimized binary works" sh -c "inst/prog 100 sort | grep -qx '[0-9]*'"

# [train] counters = single: plain increments, the same counts in a
# program of one thread; a value pgo does not know is refused.
mkproj single
printf 'counters = single\n' >>single/pgo.conf
ok "counters = single" "$PGO" build -C single --pgo=instrument
ok "  collects" sh -c "cd single && '$PGO' run -- ./prog 3000 sort >run.out"
sdigest=$(sed -n 's/^all runs *\([0-9a-f]*\).*/\1/p' single/run.out)
ok "  exact entry count of util_rare" sh -c "'$PGO' export '$sdigest' | awk '/^util_rare\$/ {f=1} f && /^# Counter Values:/ {getline; print; exit}' | grep -qx 3000"
ok "  the code has no atomic increments" sh -c "objdump -d single/prog | grep -A2000 '<util_rare>:' | sed '/^\$/q' | grep -q 'incq\|addq' && ! objdump -d single/prog | grep -A2000 '<util_rare>:' | sed '/^\$/q' | grep -q lock"
sed -i 's/^counters = single/counters = atomic/' single/pgo.conf
ok "counters = atomic" "$PGO" build -C single --pgo=instrument
ok "  the code has atomic increments" sh -c "objdump -d single/prog | grep -A2000 '<util_rare>:' | sed '/^\$/q' | grep -q lock"
sed -i 's/^counters = atomic/counters = maybe/' single/pgo.conf
fails 1 "counters = maybe is refused" "$PGO" build -C single --pgo=instrument
ok "  in one line" sh -c "test \$(wc -l <'$ERR') = 1 && grep -q \"counters is 'atomic' or 'single', not 'maybe'\" '$ERR'"

# The wrapper a build is given is pgo-cc, which loads none of the
# libraries of the rest of pgo (it starts once per compile).
ok "the build's CC is the pgo-cc executable" test "$(readlink -f inst/.pgo/bin/pgo-cc)" = "$(readlink -f "$(dirname "$PGO")/pgo-cc")"
ok "  which links none of sqlite, zstd, zlib, libelf" sh -c "! readelf -d inst/.pgo/bin/pgo-cc | grep NEEDED | grep -E 'sqlite|zstd|libz|libelf' && ! nm inst/.pgo/bin/pgo-cc | grep -E ' (sqlite3_open|ZSTD_compress|elf_begin)'"
ok "  unlike pgo" sh -c "nm '$PGO' | grep -q ' U sqlite3_open'"
ok "  and is the wrapper under both names" sh -c "PGO_CC=clang-14 inst/.pgo/bin/pgo-cc --version | grep -q 'clang version 14' && PGO_CXX=clang++-14 inst/.pgo/bin/pgo-c++ -x c++ -E - </dev/null >/dev/null"

# A profile without value sites (pgo's default) draws no warning about them
# at use time, and a Makefile's probe programs (compiled, linked and
# deleted, with a main of their own) are not counted as stale functions.
mkdir memop
cat >memop/m.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static char buf[256];
int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], 0, 10) : 10;
	char src[256] = "hello";
	long s = 0;
	for (int i = 0; i < 1000; i++) {
		memcpy(buf, src, n % 200);
		s += buf[i % 7];
	}
	printf("%ld\n", s);
	return 0;
}
C
cat >memop/Makefile <<'MK'
HAVE_M := $(shell printf 'int main(void) { return 0; }\n' >have_m.c && $(CC) -O2 -o have_m have_m.c -lm 2>/dev/null && echo 1; rm -f have_m have_m.c)
m: m.c
	$(CC) -O2 -o m m.c
clean:
	rm -f m
MK
printf '[project]\nname = memop\ncc = clang-14\n[build]\ncommand = make\nclean = make clean\n[train]\ncommand = ./m 20\n' >memop/pgo.conf
ok "optimize a program with memcpy and a probe" sh -c "'$PGO' optimize -C memop >memop.out 2>&1"
ok "  no warning about value sites" sh -c "! grep -q 'value sites' memop/.pgo/logs/*.log memop.out"
ok "  the probe's main is not counted" sh -c "grep -q '^profile ' memop.out && ! grep -q 'out-of-date' memop.out"
ok "  but it was seen" grep -q "^mismatch.*have_m" memop/.pgo/diagnostics.log

# default.pgo: written for version control, picked up by --pgo=auto first.
ok "export --default" sh -c "cd inst && '$PGO' export --default '$digest'"
ok "default.pgo is canonical text" sh -c "head -1 inst/default.pgo | grep -qx '# pgo profile v1' && grep -q '^# program: prog' inst/default.pgo"
ok "build --pgo=auto uses default.pgo" sh -c "'$PGO' build -C inst >auto.out 2>&1 && grep -q 'using default.pgo' auto.out"
is "note says default.pgo" "$("$PGO" inspect --json inst/prog | sed -n 's/.*"profile_source": "\([^"]*\)".*/\1/p')" default.pgo
is "  with the same digest" "$("$PGO" inspect --json inst/prog | sed -n 's/.*"profile": "sha256:\([0-9a-f]*\)".*/\1/p')" "$digest"
ok "a default.pgo of another compiler is not used" sh -c "'$PGO' build -C inst --compiler gcc-12 >gcc.out 2>&1 && grep -q 'default.pgo is a llvm-instr profile made by clang 14.0.6; this build uses gcc 12' gcc.out"
ok "  the build goes on without a profile" sh -c "'$PGO' inspect inst/prog; test \$? = 1"
rm inst/default.pgo
ok "optimize --json" sh -c "'$PGO' optimize -C inst --json >opt.json && grep -q '\"covered\": [1-9]' opt.json && grep -q '\"profile\": \"[0-9a-f]\{64\}\"' opt.json"

# Source change: the compiler's staleness diagnostics are counted, not printed.
cat >>inst/util.c <<'C'
int util_added(int x) { return x * 2; }
C
sed -i 's/return i % 97 == 0;/return i % 97 == 0 || i % 89 == 0;/' inst/util.c
ok "build with a stale profile" sh -c "'$PGO' build -C inst >build.out 2>&1"
ok "  reports out-of-date and missing functions" grep -q "reported 1 functions whose profile is out of date and 1 without profile data" build.out
ok "  does not print the compiler's diagnostics" sh -c "! grep -q 'hash mismatch' build.out"
ok "  records them" sh -c "grep -q '^mismatch' inst/.pgo/diagnostics.log && grep -q '^missing.*util_added' inst/.pgo/diagnostics.log"

# A broken profile never breaks the build: the wrapper falls back.
for f in inst/.pgo/profiles/*.profdata; do chmod u+w "$f"; echo garbage >"$f"; done
(cd inst && make clean >/dev/null)
ok "build with a corrupt profile succeeds" sh -c "'$PGO' build -C inst --no-clean >broken.out 2>&1"
ok "  the binary runs" sh -c "inst/prog 10 sort >/dev/null"
ok "  the fallback is reported" grep -q "invocations without pgo's flags" broken.out
ok "  and logged" grep -q "the compiler failed with pgo's flags" inst/.pgo/wrapper.log
rm -f inst/.pgo/profiles/*.profdata
ok "pgo build materializes a missing profile again" sh -c "'$PGO' build -C inst && ls inst/.pgo/profiles/*.profdata"
ok "the wrapper given a missing profile compiles without it" sh -c "cd inst && PGO_MODE=use PGO_CC=clang-14 PGO_CC_ID='clang 14.0.6' PGO_PROFILE=/nonexistent.profdata PGO_LOG=\$PWD/w.log '$PGO' cc -O2 -c util.c -o u.o && test -f u.o"
ok "  and says why" grep -q "profile '/nonexistent.profdata' is missing: compiled without it" inst/w.log

# A real compile error is the user's: reported as the compiler reports it.
echo 'this is not C' >>inst/main.c
fails 2 "a broken source still fails the build" "$PGO" build -C inst --pgo=off
ok "  with the compiler's message" grep -q "error:" "$ERR"

# ccache in front of the wrapper keys on the mode and profile; behind it, it sees the flags.
mkproj cc1
export CCACHE_DIR="$TEST_DIR/ccache"
sed -i 's/^cc = clang-14/cc = ccache clang-14/' cc1/pgo.conf
ok "wrapper -> ccache -> clang: instrument" "$PGO" build -C cc1 --pgo=instrument
ok "  instrumented" sh -c "'$PGO' inspect cc1/prog | grep -q 'mode *instrument'"
ok "  collects" sh -c "cd cc1 && '$PGO' run -- ./prog 100 sort"
ok "wrapper -> ccache -> clang: use" "$PGO" build -C cc1
ok "  optimized" sh -c "'$PGO' inspect cc1/prog | grep -q 'mode *use'"
mkproj cc2
sed -i 's/^command = make$/command = make CC=ccache\\ $CC/' cc2/pgo.conf
ok "ccache -> wrapper -> clang: off" "$PGO" build -C cc2 --pgo=off
ok "ccache -> wrapper -> clang: instrument" "$PGO" build -C cc2 --pgo=instrument
ok "  not the cached plain objects" sh -c "'$PGO' inspect cc2/prog | grep -q 'mode *instrument'"
ok "  really instrumented" sh -c "cd cc2 && '$PGO' run -- ./prog 100 sort"

# A long-running program stopped by a signal keeps its profile.
mkdir serve
cat >serve/serve.c <<'C'
#include <stdio.h>
#include <time.h>
static volatile unsigned long ticks;
void tick(void) { ticks++; }
int main(void)
{
	struct timespec ts = { 0, 2000000 };
	for (;;) {	/* until a signal; no handler of its own */
		tick();
		nanosleep(&ts, NULL);
	}
}
C
printf 'serve: serve.c\n\t$(CC) -O2 -o serve serve.c\n' >serve/Makefile
printf '[project]\nname = serve\ncc = clang-14\n[build]\ncommand = make\n' >serve/pgo.conf
ok "build the server instrumented" "$PGO" build -C serve --pgo=instrument
(cd serve && exec "$PGO" run -- ./serve >run.out 2>&1) &
runner=$!
sleep 1
kill -TERM $runner
wait $runner
is "pgo run passes the signal's status on" "$?" 143
ok "the profile of the killed server was stored" grep -q '^profile ' serve/run.out
# The loop ran about 400 times in that second (tick is inlined into main).
counts=$(sed -n 's/^counts *//p' serve/run.out)
ok "the loop was counted ($counts counts)" test "${counts:-0}" -gt 10
# Killed outside pgo run: the next run takes that profile too.
(cd serve && ./serve) &
srv=$!
sleep 0.5
kill -INT $srv
wait $srv
ok "pgo run takes what a killed run left in the spool" sh -c "cd serve && '$PGO' run -- true >run2.out && grep -q '^covered *[1-9]' run2.out"

done_testing
