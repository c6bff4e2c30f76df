#!/bin/bash
# pgo inspect: reads the note the wrapper stamps into linked binaries.
# The note objects in t/data/elfnote are what the wrapper adds to a link.
. "$PGO_TEST_SRCDIR/t/lib.sh"

need_tool cc strip
DATA="$PGO_TEST_SRCDIR/t/data/elfnote"
DIGEST=3f2a9c0e5b7d41a8c6e2f09b1d4a7c3e5f8b2d6a9c1e4f7a0b3d5c8e2f6a9b1d

cat >calc.c <<'EOF'
#include <stdio.h>
int main(void) { puts("42"); return 0; }
EOF
echo 'int f(int x) { return x * 2; }' >lib.c
echo 'just some text' >notes.txt

ok "link a program with the note object" cc -O2 -o calc calc.c "$DATA/note-use.obj"
is "the program runs" "$(./calc)" 42
ok "link a shared object with the note object" cc -O2 -shared -fPIC -o libf.so lib.c "$DATA/note-generate.obj"
ok "link a program without it" cc -O2 -o plain calc.c

ok "inspect a stamped program" "$PGO" inspect ./calc
is "what it prints" "$("$PGO" inspect ./calc)" "./calc: pgo 0.1.0
    mode       use
    profile    sha256:$DIGEST
    toolchain  clang 14.0.6
    source     default.pgo"
is "a shared object, no profile" "$("$PGO" inspect libf.so)" "libf.so: pgo 0.1.0
    mode       generate
    profile    none
    toolchain  gcc 12.2.0"

ok "strip" strip -o calc.stripped calc
is "the note survives strip" "$("$PGO" inspect calc.stripped | sed 1d)" "$("$PGO" inspect ./calc | sed 1d)"

# A later pgo's keys are shown, not refused.
ok "link with a note from a newer pgo" cc -O2 -o calc2 calc.c "$DATA/note-extra.obj"
is "unknown keys are printed" "$("$PGO" inspect calc2)" "calc2: pgo 9.9.9
    mode       use
    profile    sha256:$DIGEST
    toolchain  clang 14.0.6
    source     store
    future_key some value"

# No note: the answer on stdout, exit 1 (like git's "not found").
fails 1 "a program without the note" "$PGO" inspect ./plain
is "says it has none" "$(cat "$ERR")" "./plain: no pgo note (not built by pgo)"
if [ -x /bin/true ]; then
	fails 1 "/bin/true has no note" "$PGO" inspect /bin/true
	is "says so" "$(cat "$ERR")" "/bin/true: no pgo note (not built by pgo)"
fi

# Errors: one line naming the file, exit 1.
fails 1 "a text file" "$PGO" inspect notes.txt
is "not an ELF file" "$(cat "$ERR")" "pgo: error: 'notes.txt': not an ELF file"
fails 1 "a missing file" "$PGO" inspect ./missing
is "cannot open" "$(cat "$ERR")" "pgo: error: cannot open './missing': No such file or directory"
fails 1 "a note whose size runs past its section" "$PGO" inspect "$DATA/bad-descsz.obj"
ok "corrupt note is named" grep -q "bad-descsz.obj': corrupt note at offset 0 of section 1" "$ERR"
is "in one line" "$(wc -l <"$ERR")" 1
fails 1 "a note of a newer format" "$PGO" inspect "$DATA/newer-type.obj"
ok "unsupported type is named" grep -q "pgo note of unsupported type 0x50474f02" "$ERR"
head -c 40 calc >truncated
fails 1 "a truncated binary" "$PGO" inspect truncated
is "truncated is named" "$(cat "$ERR")" \
	"pgo: error: 'truncated': truncated ELF file: the header needs 64 bytes, 40 present"

# Several files: every one is reported; the status says whether all had one.
fails 1 "a stamped and an unstamped program" "$PGO" inspect ./calc ./plain notes.txt libf.so
ok "the first is described" grep -q "^./calc: pgo 0.1.0$" "$ERR"
ok "the second has none" grep -q "^./plain: no pgo note (not built by pgo)$" "$ERR"
ok "the third is an error" grep -q "^pgo: error: 'notes.txt': not an ELF file$" "$ERR"
ok "the fourth is described" grep -q "^libf.so: pgo 0.1.0$" "$ERR"
ok "several stamped files" "$PGO" inspect ./calc libf.so calc.stripped

# --json: an array, one object per file, null when there is no note.
is "--json" "$("$PGO" inspect --json ./calc libf.so)" '[
  {"path": "./calc", "note": {"version": "0.1.0", "mode": "use", "profile": "sha256:'$DIGEST'", "toolchain": "clang 14.0.6", "profile_source": "default.pgo", "extra": {}, "notes": 1}},
  {"path": "libf.so", "note": {"version": "0.1.0", "mode": "generate", "profile": null, "toolchain": "gcc 12.2.0", "profile_source": null, "extra": {}, "notes": 1}}
]'
fails 1 "--json with a file without a note" "$PGO" inspect --json calc2 ./plain notes.txt
is "--json output" "$(grep -v '^pgo: error' "$ERR")" '[
  {"path": "calc2", "note": {"version": "9.9.9", "mode": "use", "profile": "sha256:'$DIGEST'", "toolchain": "clang 14.0.6", "profile_source": "store", "extra": {"future_key": "some value"}, "notes": 1}},
  {"path": "./plain", "note": null},
  {"path": "notes.txt", "note": null, "error": "'"'notes.txt': not an ELF file"'"}
]'
if command -v python3 >/dev/null 2>&1; then
	ok "--json is valid JSON" sh -c '"$PGO" inspect --json calc2 ./plain notes.txt 2>/dev/null | python3 -m json.tool'
fi

# Usage.
fails 129 "no binary is a usage error" "$PGO" inspect
fails 129 "unknown option" "$PGO" inspect --bogus ./calc
ok "--help" "$PGO" inspect --help
ok "--help documents the exit status" sh -c '"$PGO" inspect --help | grep -q "Exit status"'
ok "works without a store" env PGO_STORE=/nonexistent/dir "$PGO" inspect ./calc
ok "and does not create one" test ! -e "$PGO_STORE"

# Objects stamped by pgo linked together: the first note is shown, and
# that there are more.
if command -v ld >/dev/null 2>&1; then
	ok "ld -r of two stamped objects" ld -r -o two.o "$DATA/note-use.obj" "$DATA/note-generate.obj"
	is "the first note and the count" "$("$PGO" inspect two.o)" "two.o: pgo 0.1.0
    mode       use
    profile    sha256:$DIGEST
    toolchain  clang 14.0.6
    source     default.pgo
    notes      2 (showing the first)"
fi

# Other linkers place the note in a PT_NOTE segment too.
for ld in gold lld; do
	if cc -fuse-ld=$ld -o calc-$ld calc.c "$DATA/note-use.obj" 2>/dev/null; then
		is "found in a program linked by $ld" "$("$PGO" inspect calc-$ld | sed 1d)" \
			"$("$PGO" inspect ./calc | sed 1d)"
	else
		echo "# $ld is not usable with cc here"
	fi
done

done_testing
