#!/bin/bash
# GCC profiles (sets of .gcda files) and LLVM sample profiles through the
# commands: import, show, merge, export, and use by the compiler.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool gcc-12 gcov-tool-12 clang-14 llvm-profdata-14 llvm-profdata-22

json() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"; }

# GCC: one instrumented build, two training runs, each profile set moved
# aside (gcda files accumulate across runs).
build_prog gcc-12 "$TEST_DIR/g" -fprofile-generate="$TEST_DIR/gcda" -fprofile-update=atomic
for r in 1 2; do
	./g/prog $((r * 1000)) sort >/dev/null
	mv gcda gcda$r
done
ok "gcc wrote .gcda files" sh -c "find gcda1 -name '*.gcda' | grep -q ."
g1=$("$PGO" import --program prog gcda1)
g2=$("$PGO" import --program prog gcda2)
ok "gcda import prints a digest" sh -c "echo '$g1' | grep -Eq '^[0-9a-f]{64}$'"
is "kind is gcc" "$("$PGO" show --json "$g1" | json kind)" gcc
is "toolchain is gcc 12" "$("$PGO" show --json "$g1" | json toolchain)" "gcc $(gcc-12 -dumpfullversion)"
is "same directory, same digest" "$("$PGO" import gcda1)" "$g1"
ok "show lists object files" sh -c "'$PGO' show '$g1' | grep -q '^hottest object files:'"

# Lossless: the exported .gcda files are the files gcc wrote.
ok "export --format=gcda" "$PGO" export --format=gcda -o out1 "$g1"
ok "exported files are byte-identical" diff -r gcda1 out1
# The .gcda names depend on the output name: both builds write g/prog.
ok "gcc uses the original profile, no function missing" sh -c "cd '$PROG_SRC' && gcc-12 -O2 -Werror -Wmissing-profile -fprofile-use='$TEST_DIR/gcda1' -o '$TEST_DIR/g/prog' main.c work.c util.c"
mv g/prog g/prog.orig
ok "gcc uses the exported profile, no function missing" sh -c "cd '$PROG_SRC' && gcc-12 -O2 -Werror -Wmissing-profile -fprofile-use='$TEST_DIR/out1' -o '$TEST_DIR/g/prog' main.c work.c util.c"
ok "  to the same bytes" cmp g/prog g/prog.orig

# Merge through gcov-tool: totals add up, order does not matter.
t1=$("$PGO" show --json "$g1" | json total)
t2=$("$PGO" show --json "$g2" | json total)
m1=$("$PGO" merge "$g1" "$g2")
m2=$("$PGO" merge "$g2" "$g1")
is "gcda merge adds the counts" "$("$PGO" show --json "$m1" | json total)" "$((t1 + t2))"
is "gcda merge is order independent" "$m2" "$m1"
is "weighted gcda merge" "$("$PGO" show --json "$("$PGO" merge "$g1" --weight "$g2=3" "$g2")" | json total)" "$((t1 + 3 * t2))"
before=$(store_state)
fails 1 "gcc and clang profiles do not merge" "$PGO" merge "$g1" "$PGO_TEST_SRCDIR/t/data/prof_sample/real1.txt"
ok "  message names the kinds" grep -q "gcc.*llvm-sample\|llvm-sample.*gcc" "$ERR"
is "store unchanged by the refused merge" "$(store_state)" "$before"

# Sample profiles: canonical, merge order independent, used by clang.
s1=$("$PGO" import --toolchain clang-14 --program prog "$PGO_TEST_SRCDIR/t/data/prof_sample/real1.txt")
s2=$("$PGO" import --toolchain clang-14 --program prog "$PGO_TEST_SRCDIR/t/data/prof_sample/real2.txt")
is "sample kind" "$("$PGO" show --json "$s1" | json kind)" llvm-sample
is "sample merge is order independent" "$("$PGO" merge "$s2" "$s1")" "$("$PGO" merge "$s1" "$s2")"
ok "export --format=sample" "$PGO" export --format=sample -o s1.afdo "$s1"
for v in 14 22; do
	ok "llvm-profdata-$v reads the exported sample profile as the original" sh -c "
		llvm-profdata-$v merge --sample --text -o a.txt '$PGO_TEST_SRCDIR/t/data/prof_sample/real1.txt' &&
		llvm-profdata-$v merge --sample --text -o b.txt s1.afdo && cmp a.txt b.txt"
done
ok "clang compiles with the exported sample profile as with the original" sh -c "
	cd '$PGO_TEST_SRCDIR/t/data/prof_sample' &&
	clang-14 -O2 -g -fdebug-info-for-profiling -fprofile-sample-use=real1.txt -c prog.c -o '$TEST_DIR/a.o' &&
	clang-14 -O2 -g -fdebug-info-for-profiling -fprofile-sample-use='$TEST_DIR/s1.afdo' -c prog.c -o '$TEST_DIR/b.o' &&
	cmp '$TEST_DIR/a.o' '$TEST_DIR/b.o'"
ok "text export of a sample profile is readable by llvm-profdata" sh -c "'$PGO' export '$s1' >s1.txt && llvm-profdata-22 merge --sample --text -o /dev/null s1.txt"

done_testing
