#!/bin/bash
# The command layer: help, usage errors, exit codes, the store's location.
. "$PGO_TEST_SRCDIR/t/lib.sh"

ok "pgo --help exits 0" "$PGO" --help
ok "pgo help lists import" sh -c '"$PGO" --help | grep -q "^  import "'
ok "pgo --version" sh -c '"$PGO" --version | grep -q "^pgo [0-9]"'
fails 129 "no command is a usage error" "$PGO"
fails 129 "unknown command is a usage error" "$PGO" frobnicate
ok "unknown command names itself" grep -q "'frobnicate' is not a pgo command" "$ERR"
fails 129 "no prefix matching of commands" "$PGO" imp x
fails 129 "unknown option is a usage error" "$PGO" ls --bogus
fails 129 "import without input is a usage error" "$PGO" import
for c in import merge show diff export ls gc; do
	ok "$c --help works without a store" env PGO_STORE=/nonexistent/dir "$PGO" "$c" --help
done
ok "help for a command" sh -c '"$PGO" help merge | grep -q "usage: pgo merge"'

# The store is created on first use, private.
ok "ls on a new store" "$PGO" ls
is "store directory is 0700" "$(stat -c %a "$PGO_STORE")" 700
ok "index created" test -f "$PGO_STORE/index.db"
is "ls of an empty store prints nothing" "$("$PGO" ls)" ""
is "ls --json of an empty store" "$("$PGO" ls --json)" "[]"

# Location: --store beats PGO_STORE beats XDG_DATA_HOME beats ~/.local/share.
ok "--store before the command" "$PGO" --store "$TEST_DIR/s1" ls
ok "--store after the command" "$PGO" ls --store "$TEST_DIR/s2"
ok "--store=DIR" "$PGO" --store="$TEST_DIR/s3" ls
ok "s1 s2 s3 exist" test -f "$TEST_DIR/s1/index.db" -a -f "$TEST_DIR/s2/index.db" -a -f "$TEST_DIR/s3/index.db"
ok "XDG_DATA_HOME" env -u PGO_STORE XDG_DATA_HOME="$TEST_DIR/xdg" "$PGO" ls
ok "XDG store exists" test -f "$TEST_DIR/xdg/pgo/index.db"
ok "HOME default" env -u PGO_STORE -u XDG_DATA_HOME "$PGO" ls
ok "default store exists" test -f "$HOME/.local/share/pgo/index.db"

# A store that cannot be created is a fatal error with a clear message.
touch "$TEST_DIR/afile"
fails 128 "store path under a file" "$PGO" --store "$TEST_DIR/afile/store" ls
ok "message names the store" grep -q "cannot open store '$TEST_DIR/afile/store'" "$ERR"
is "error is one line" "$(wc -l <"$ERR")" 1

# Output errors are not success (git's run_builtin check).
if [ -w /dev/full ]; then
	fails 1 "writing to a full disk fails" sh -c '"$PGO" --help >/dev/full'
fi

# Missing references.
fails 1 "show of an unknown ref" "$PGO" show nosuchprogram
ok "message says what it tried" grep -q "no profile matches 'nosuchprogram'" "$ERR"
fails 1 "show of a missing file" "$PGO" show ./missing.profraw
ok "message names the file" grep -q "cannot open './missing.profraw': No such file or directory" "$ERR"

done_testing
