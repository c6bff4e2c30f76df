#!/bin/bash
# The store under concurrency, crashes and gc: several pgo processes at
# once lose no import; a crash at any point leaves objects and index
# consistent (an object may lack a row, a row never lacks its object);
# gc removes only what nothing refers to.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 sqlite3

build_prog clang-14 "$TEST_DIR/gen" -fprofile-generate="$TEST_DIR/pool" -mllvm -disable-vp=true
for i in $(seq 1 12); do
	LLVM_PROFILE_FILE=$TEST_DIR/run$i.profraw ./gen/prog $((i * 100)) mix >/dev/null
done

# Twelve imports at once, each a different profile.
for i in $(seq 1 12); do
	"$PGO" import --program "p$((i % 3))" run$i.profraw >imp$i.out 2>imp$i.err &
done
wait
ok "all concurrent imports printed a digest" sh -c 'for i in $(seq 1 12); do grep -Eq "^[0-9a-f]{64}$" imp$i.out || { cat imp$i.err; exit 1; }; done'
is "all concurrent imports are in the index" "$(sqlite3 "$PGO_STORE/index.db" 'SELECT count(*) FROM profiles')" 12
is "twelve distinct objects" "$(find "$PGO_STORE/objects" -type f | wc -l)" 12
ok "index integrity" sh -c "sqlite3 '$PGO_STORE/index.db' 'PRAGMA integrity_check' | grep -qx ok"
ok "every row has its object" sh -c '
	for d in $(sqlite3 "$PGO_STORE/index.db" "SELECT digest FROM profiles"); do
		test -f "$PGO_STORE/objects/$(echo $d | cut -c1-2)/$(echo $d | cut -c3-)" || exit 1
	done'

# Concurrent merges of the same inputs agree.
for i in 1 2 3 4; do
	"$PGO" merge $(cat imp1.out imp2.out imp3.out) >merge$i.out &
done
wait
is "concurrent merges give one digest" "$(sort -u merge*.out | wc -l)" 1

# Crashes: killed before the object, after the object, after the row.
LLVM_PROFILE_FILE=$TEST_DIR/crash.profraw ./gen/prog 4321 sort >/dev/null
fails 137 "crash before the object" env PGO_TEST_CRASH=before-object "$PGO" import crash.profraw
is "  no object, no row" "$(find "$PGO_STORE/objects" -type f | wc -l) $(sqlite3 "$PGO_STORE/index.db" 'SELECT count(*) FROM profiles')" "13 13"
fails 137 "crash after the object" env PGO_TEST_CRASH=after-object "$PGO" import crash.profraw
is "  an object without a row" "$(find "$PGO_STORE/objects" -type f | wc -l) $(sqlite3 "$PGO_STORE/index.db" 'SELECT count(*) FROM profiles')" "14 13"
ok "  no temporary file left" sh -c "! find '$PGO_STORE' -name '*.tmp.*' | grep -q ."
ok "gc --grace 0 --dry-run lists the orphan" sh -c "'$PGO' gc --grace 0 --dry-run | grep -q '^would remove object'"
is "  dry run removed nothing" "$(find "$PGO_STORE/objects" -type f | wc -l)" 14
ok "gc --grace 0 removes the orphan" "$PGO" gc --grace 0
is "  orphan gone" "$(find "$PGO_STORE/objects" -type f | wc -l)" 13
ok "import after the crash works" "$PGO" import crash.profraw
fails 137 "crash after the row" env PGO_TEST_CRASH=after-index "$PGO" import run1.profraw --label again
ok "  index still consistent" sh -c "sqlite3 '$PGO_STORE/index.db' 'PRAGMA integrity_check' | grep -qx ok"
orphan="$PGO_STORE/objects/ab/$(printf '%062d' 0)"
mkdir -p "$PGO_STORE/objects/ab"
ok "gc with the default grace keeps young orphans" sh -c "touch '$orphan' && '$PGO' gc && test -f '$orphan'"
touch "$PGO_STORE/objects/ab/not-ours" "$PGO_STORE/other-file"
ok "gc --grace 0 removes old orphans only" sh -c "'$PGO' gc --grace 0 && ! test -f '$orphan'"
ok "gc leaves files it did not make alone" test -f "$PGO_STORE/objects/ab/not-ours" -a -f "$PGO_STORE/other-file" -a -f "$PGO_STORE/index.db"
rm -f "$PGO_STORE/objects/ab/not-ours"

# gc --keep: per program, newest kept, older rows dropped, objects swept.
n_p1=$(sqlite3 "$PGO_STORE/index.db" "SELECT count(*) FROM profiles WHERE program = 'p1'")
ok "gc --keep 1 --dry-run" "$PGO" gc --keep 1 --dry-run --grace 0
is "  dry run kept every row" "$(sqlite3 "$PGO_STORE/index.db" "SELECT count(*) FROM profiles WHERE program = 'p1'")" "$n_p1"
newest=$("$PGO" ls --json --program p1 | sed -n 's/.*"digest": "\([0-9a-f]*\)".*/\1/p' | head -1)
ok "gc --keep 1" "$PGO" gc --keep 1 --grace 0
is "  one p1 profile left" "$(sqlite3 "$PGO_STORE/index.db" "SELECT count(*) FROM profiles WHERE program = 'p1'")" 1
is "  it is the newest" "$("$PGO" show --json p1 | sed -n 's/.*"digest": "\(.*\)".*/\1/p')" "$newest"
ok "  every remaining row has its object" sh -c '
	for d in $(sqlite3 "$PGO_STORE/index.db" "SELECT digest FROM profiles"); do
		test -f "$PGO_STORE/objects/$(echo $d | cut -c1-2)/$(echo $d | cut -c3-)" || exit 1
	done'
is "  objects match rows" "$(find "$PGO_STORE/objects" -type f -name '[0-9a-f]*' | wc -l)" "$(sqlite3 "$PGO_STORE/index.db" 'SELECT count(*) FROM profiles')"
m=$(cat merge1.out)
ok "a merge whose parents were collected still shows" sh -c "'$PGO' show '$m' | grep -q 'collected'"

# Schema: a newer index is refused, not guessed at.
sqlite3 "$PGO_STORE/index.db" 'PRAGMA user_version = 999'
fails 128 "newer schema is refused" "$PGO" ls
ok "  message says newer" grep -q "schema version 999 is newer than this pgo understands" "$ERR"
sqlite3 "$PGO_STORE/index.db" 'PRAGMA user_version = 2'
ok "store usable again" "$PGO" ls

done_testing
