#!/bin/bash
# The system instance: one pgod for a shared store, and a program whose
# spool every user's runs write to, each into a directory of its own.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 make setpriv
[ "$(id -u)" = 0 ] || skip_all "needs root to run the program as another user"

chmod 755 "$TEST_DIR"
export PGO_BIN_DIR="$TEST_DIR/bin" PGO_RUN_DIR="$TEST_DIR/run"
mkdir -p "$PGO_RUN_DIR"
managed_project sys sys 6 1000 0
ok "enable --shared" "$PGO" enable sys --shared --project sys --no-start --binary prog
is "the store is readable by everyone" "$(stat -c %a "$PGO_STORE")" 755
spool=$(ls -d sys/.pgo/spool/*)
is "the spool is shared (sticky, world-writable)" "$(stat -c %a "$spool")" 1777
"$PGO" daemon --system --foreground --interval 1 >daemon.log 2>&1 &
daemon=$!
ok "pgod --system answers on its socket" sh -c "for i in \$(seq 50); do '$PGO' daemon --system ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"
ok "the socket is in the system run directory" sh -c "ls '$PGO_RUN_DIR'/pgo/pgod-*.sock"
for i in 1 2 3; do
	bin/sys 300 sort >/dev/null
	setpriv --reuid=65534 --regid=65534 --clear-groups bin/sys 300 sort >/dev/null
	sleep 0.3
done
ok "a run as another user wrote into its own directory" test -d "$spool/u65534"
ok "every user's runs are collected, and it is optimized" sh -c "for i in \$(seq 300); do '$PGO' status --json sys | grep -q '\"state\": \"optimized\"' && exit 0; sleep 0.2; done; '$PGO' status sys; exit 1"
ok "  with the runs of both users" sh -c "'$PGO' status --json sys | grep -q '\"runs\": [6-9],'"
ok "the other user runs the optimized binary" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups bin/sys 10 sort"
"$PGO" daemon --system stop >/dev/null
wait $daemon
done_testing
