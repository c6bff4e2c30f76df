#!/bin/bash
# Bad input: every broken file gets a one-line error naming it, exit 1,
# and the store does not change.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 llvm-profdata-14 sqlite3

build_prog clang-14 "$TEST_DIR/gen" -fprofile-generate="$TEST_DIR/pool" -mllvm -disable-vp=true
LLVM_PROFILE_FILE=$TEST_DIR/good.profraw ./gen/prog 500 mix >/dev/null
llvm-profdata-14 merge -o good.profdata good.profraw
good=$("$PGO" import --program prog good.profraw)
ok "a good profile imports" test -n "$good"
size=$(stat -c %s good.profraw)

# Each case: a file and a piece of the expected message.
mkcase() { printf '%s\n' "$1|$2" >>cases; }
: >cases
head -c 20 good.profraw >trunc-header.profraw;          mkcase trunc-header.profraw "truncated"
head -c $((size / 2)) good.profraw >trunc-half.profraw; mkcase trunc-half.profraw "'trunc-half.profraw'"
head -c $((size - 3)) good.profraw >trunc-end.profraw;  mkcase trunc-end.profraw "'trunc-end.profraw'"
{ printf 'XXXXXXXX'; tail -c +9 good.profraw; } >magic.profraw; mkcase magic.profraw "not a profile pgo knows"
# Version 99 in the raw header.
{ head -c 8 good.profraw; printf '\x63\x00\x00\x00\x00\x00\x00\x01'; tail -c +17 good.profraw; } >ver.profraw
mkcase ver.profraw "version 99"
# Huge NumData (header field 3 in v8: binary ids size, then NumData).
python3 - <<'PY'
import struct
d = bytearray(open('good.profraw','rb').read())
d[24:32] = struct.pack('<Q', 1 << 58)
open('hugedata.profraw','wb').write(d)
d = bytearray(open('good.profraw','rb').read())
d[16:24] = struct.pack('<Q', 1 << 60)
open('hugeids.profraw','wb').write(d)
PY
mkcase hugedata.profraw "'hugedata.profraw'"
mkcase hugeids.profraw "'hugeids.profraw'"
head -c 100 good.profdata >trunc.profdata;               mkcase trunc.profdata "'trunc.profdata'"
printf 'main\n123\n1152921504606846976\n1\n' >bigcount.txt; mkcase bigcount.txt "bigcount.txt"
printf 'main\nnotahash\n1\n1\n' >badhash.txt;            mkcase badhash.txt "badhash.txt"
printf ':ir\nmain\n1\n2\n5\nx\n' >badcounter.txt;        mkcase badcounter.txt "badcounter.txt"
printf ':bogus\nmain\n1\n1\n1\n' >badheader.txt;         mkcase badheader.txt "badheader.txt"
printf 'ma\xffin\n1\n1\n1\n' >badname.txt;               mkcase badname.txt "badname.txt"
printf '\x00\x01\x02binary junk' >junk.bin;              mkcase junk.bin "not a profile pgo knows"
: >empty.txt;                                            mkcase empty.txt "no profile data"
printf '# pgo profile v1\n# kind: llvm-instr\n' >nohdr.pgo; mkcase nohdr.pgo "no toolchain line"
printf '# pgo profile v1\n# kind: alien\n# toolchain: clang 14.0.6\n' >kind.pgo; mkcase kind.pgo "unknown profile kind 'alien'"
printf 'main:100\n' >badsample.txt;                      mkcase badsample.txt "badsample.txt"
mkdir junkdir && echo hello >junkdir/a.txt && echo x >junkdir/b.dat; mkcase junkdir "no .profraw or .gcda files"
mkdir gcdajunk && echo notgcda >gcdajunk/x.gcda;         mkcase gcdajunk "x.gcda"
mkdir rawjunk && cp good.profraw rawjunk/a.profraw && echo junk >rawjunk/b.profraw; mkcase rawjunk "b.profraw"
mkcase /nonexistent/file.profraw "No such file or directory"

before=$(store_state)
while IFS='|' read -r file msg; do
	fails 1 "import $file fails" "$PGO" import --toolchain clang-14 "$file"
	ok "  message mentions '$msg'" grep -qF "$msg" "$ERR"
	is "  error is one line" "$(wc -l <"$ERR")" 1
	ok "  error starts with 'pgo: error: '" grep -q '^pgo: error: ' "$ERR"
done <cases
is "store unchanged after all bad imports" "$(store_state)" "$before"

# A bad input among good ones: nothing is imported.
fails 1 "import good + bad fails" "$PGO" import good.profraw trunc-half.profraw
fails 1 "merge with a bad file fails" "$PGO" merge "$good" ./trunc-half.profraw
is "store unchanged after mixed inputs" "$(store_state)" "$before"

# A corrupt object in the store is detected on read.
obj="$PGO_STORE/objects/${good:0:2}/${good:2}"
chmod u+w "$obj"
cp "$obj" obj.bak
printf 'garbage' >"$obj"
fails 1 "corrupt object is detected" "$PGO" show "$good"
ok "  message says corrupt or not zstd" grep -Eq "corrupt|not a zstd frame" "$ERR"
# Valid zstd of other content: caught by the hash check.
echo "other content" >other.txt
zstd -q -c other.txt >"$obj"
fails 1 "object with wrong content is detected" "$PGO" show "$good"
ok "  message says the object is corrupt" grep -q "is corrupt: its content hashes to" "$ERR"
cp obj.bak "$obj"
ok "restored object reads again" "$PGO" show "$good"

done_testing
