#!/bin/bash
# The whole instrumented cycle on one multi-file C/C++ project (a shared
# library, a static one, threads) with make, CMake, Meson and autotools,
# through clang-14, clang-22 and gcc-12: the optimized binary carries the
# note with the expected digest, the threaded workload gives exact
# counters, the compiler finds a profile for the hot functions, and the
# results are those of a plain build.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 clang++-14 clang-22 clang++-22 gcc-12 g++-12 make cmake meson ninja autoreconf

SRC="$PGO_TEST_SRCDIR/t/data/proj"
json_field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"; }

# counter NAME FILE: the counter values of function NAME in canonical text.
counters() {
	awk -v n="$1" '$0 == n || $0 ~ ("[:;]" n "$") {f=1} f && /^# Counter Values:/ {c=1; next} f && c && /^$/ {exit} f && c {printf "%s ", $0}' "$2"
}

mkproj() {  # DIR SYSTEM CC CXX
	mkdir -p "$1"
	cp -r "$SRC"/. "$1/"
	cat >"$1/pgo.conf" <<-CONF
	[project]
	name = proj-$2
	cc = $3
	cxx = $4
	[build]
	command = bash check-build.sh $2 . build
	clean = rm -rf build
	binaries = build/projbin
	[train]
	command = build/projbin train
	CONF
}

for sys in make cmake meson autotools; do
	for tc in clang-14:clang++-14 clang-22:clang++-22 gcc-12:g++-12; do
		cc=${tc%%:*}
		cxx=${tc##*:}
		d="$sys-$cc"
		mkproj "$d" "$sys" "$cc" "$cxx"
		ok "$d: instrumented build" "$PGO" build -C "$d" --pgo=instrument
		ok "$d:   note says instrument" sh -c "'$PGO' inspect $d/build/projbin | grep -q 'mode *instrument'"
		ok "$d:   the shared library has the note too" sh -c "'$PGO' inspect $d/build/libprojutil.so | grep -q 'mode *instrument'"
		ok "$d: training run" sh -c "cd $d && '$PGO' run -- build/projbin train >run.out"
		ok "$d:   right output" grep -q '^checksum 9e1079cd89c707dc$' "$d/run.out"
		digest=$(sed -n 's/^all runs *\([0-9a-f]*\).*/\1/p' "$d/run.out")
		"$PGO" export "$digest" >"$d/profile.txt"
		if [ "$cc" != gcc-12 ]; then
			is "$d:   worker_step counted exactly (4 threads)" "$(counters worker_step "$d/profile.txt")" "400000 57144 "
			is "$d:   worker_hit counted exactly" "$(counters worker_hit "$d/profile.txt")" "57144 "
		else
			is "$d:   gcc profile" "$("$PGO" show --json "$digest" | json_field kind)" gcc
		fi
		ok "$d: optimized build" sh -c "'$PGO' build -C $d >$d/build.out 2>&1"
		is "$d:   note carries the profile" "$("$PGO" inspect --json "$d/build/projbin" | sed -n 's/.*"profile": "sha256:\([0-9a-f]*\)".*/\1/p')" "$digest"
		ok "$d:   no missing profile for the hot functions" sh -c "! grep -E 'missing.*(worker_step|worker_hit|classify)' $d/.pgo/diagnostics.log 2>/dev/null"
		ok "$d:   no fallback" sh -c "! grep -q 'without pgo' $d/build.out"
		ok "$d:   same results as the plain program" sh -c "$d/build/projbin eval | tail -1 | grep -qx 'checksum e1f7ca9b12028c42'"
	done
done

# Two directories, same project, same profile names and the same binary.
for where in a/one b/deep/er/two; do
	mkproj "$where" cmake clang-14 clang++-14
	sed -i 's/^name = .*/name = twodirs/' "$where/pgo.conf"
	"$PGO" build -C "$where" --pgo=instrument >/dev/null 2>&1
	(cd "$where" && "$PGO" run -- build/projbin train >run.out)
done
da=$(sed -n 's/^profile *\([0-9a-f]*\).*/\1/p' a/one/run.out)
db=$(sed -n 's/^profile *\([0-9a-f]*\).*/\1/p' b/deep/er/two/run.out)
ok "two directories: a profile" test -n "$da"
is "two directories: the same profile (names and counts)" "$db" "$da"
ok "static names are relative to the project" sh -c "'$PGO' export '$da' | grep -qx 'src/worker.c:worker_hit'"
"$PGO" build -C a/one --pgo="$da" >/dev/null 2>&1
"$PGO" build -C b/deep/er/two --pgo="$da" >/dev/null 2>&1
ok "two directories: identical optimized objects" sh -c "cmp a/one/build/CMakeFiles/projbin.dir/src/worker.c.o b/deep/er/two/build/CMakeFiles/projbin.dir/src/worker.c.o"

# --pgo=off is the plain build, byte for byte (same build directory).
mkproj off cmake clang-14 clang++-14
(cd off && CC=clang-14 CXX=clang++-14 bash check-build.sh cmake . build >/dev/null && cp build/projbin plain.bin && rm -rf build)
ok "--pgo=off build" "$PGO" build -C off --pgo=off
ok "--pgo=off gives the plain build's bytes" cmp off/plain.bin off/build/projbin

# pgo init writes a pgo.conf that builds each kind of project.
for sys in make cmake meson autotools; do
	mkdir "init-$sys"
	case $sys in
	make) printf 'all:\n\t$(CC) -O2 -o hello hello.c\nclean:\n\trm -f hello\n' >"init-$sys/Makefile" ;;
	cmake) printf 'cmake_minimum_required(VERSION 3.13)\nproject(h C)\nadd_executable(hello hello.c)\n' >"init-$sys/CMakeLists.txt" ;;
	meson) printf "project('h', 'c')\nexecutable('hello', 'hello.c')\n" >"init-$sys/meson.build" ;;
	autotools) printf 'AC_INIT([h], [1])\nAM_INIT_AUTOMAKE([foreign])\nAC_PROG_CC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n' >"init-$sys/configure.ac"
		printf 'bin_PROGRAMS = hello\nhello_SOURCES = hello.c\n' >"init-$sys/Makefile.am" ;;
	esac
	printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"init-$sys/hello.c"
	ok "pgo init: $sys" "$PGO" init -C "init-$sys"
	printf '[project]\ncc = clang-14\n' >>"init-$sys/pgo.conf"
	ok "  the pgo.conf builds it" "$PGO" build -C "init-$sys" --pgo=instrument
	ok "  instrumented" sh -c "'$PGO' inspect \$(find init-$sys -name hello -type f -perm -u+x | head -1) | grep -q 'mode *instrument'"
done
fails 1 "pgo init twice" "$PGO" init -C init-make
ok "  needs --force" grep -q -- "--force" "$ERR"

done_testing
