#!/bin/bash
# pgod plays a user: enable a real multi-file program, run it by its stable
# path, watch the daemon collect, reach the threshold, build, smoke-test
# and switch; then rollback, failures, corrupt and full spools, concurrent
# writers counted exactly, and a second instance refused.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 make

export PGO_BIN_DIR="$TEST_DIR/bin" XDG_RUNTIME_DIR="$TEST_DIR/run"
mkdir -p "$XDG_RUNTIME_DIR"

mkproj() { managed_project "$1" "$2" "${3:-6}" 1000 "${4:-0.5}"; }

# Waits up to $2 seconds for "pgo status NAME --json" to match $3.
wait_for() {
	local i=0
	while [ $i -lt $(($2 * 10)) ]; do
		"$PGO" status --json "$1" 2>/dev/null | grep -q "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	"$PGO" status "$1" >&2
	return 1
}

json_field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"; }

mkproj proj prog
ok "enable" "$PGO" enable prog --project proj --no-start
ok "the stable path exists" test -L bin/prog
ok "it runs the instrumented generation" sh -c "'$PGO' inspect bin/prog | grep -q 'mode *instrument'"
is "state after enable" "$("$PGO" status --json prog | json_field state)" profiling
is "two generations" "$("$PGO" generations prog | wc -l)" 2
fails 1 "enabling twice is refused" "$PGO" enable prog --project proj --no-start
ok "  and says so" grep -q "is managed already" "$ERR"

"$PGO" daemon --foreground --interval 1 >daemon.log 2>&1 &
daemon=$!
ok "pgod answers" sh -c "for i in \$(seq 50); do '$PGO' daemon ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"
fails 1 "a second pgod is refused" "$PGO" daemon --foreground
ok "  and says so" grep -q "pgod is already running" "$ERR"

# Use: runs by the stable path, collected while pgod watches.
for i in $(seq 1 8); do bin/prog $((i * 500)) mix >/dev/null; sleep 0.2; done
ok "pgod builds and switches to the optimized generation" wait_for prog 60 '"state": "optimized"'
ok "the stable path runs the optimized binary" sh -c "'$PGO' inspect bin/prog | grep -q 'mode *use'"
is "the note carries the profile of the status" \
	"$("$PGO" inspect --json bin/prog | sed -n 's/.*"profile": "sha256:\([0-9a-f]*\)".*/\1/p')" \
	"$("$PGO" status --json prog | json_field profile)"
ok "it gives the right answers" sh -c "test \"\$(bin/prog 777 mix)\" = \"\$(proj/prog 777 mix)\""
ok "generation 3 is current" sh -c "'$PGO' generations prog | grep -q '^\* *3 *use'"
ok "transitions logged" grep -q "prog: switched to generation 3 (optimized)" daemon.log
ok "collections logged" grep -q "prog: collected: " daemon.log

# How much faster: reported, not asserted (timings are noisy).
t_base=$( { TIMEFORMAT=%R; time store/programs/prog/gen-1/prog 4000000 mix >/dev/null; } 2>&1 ) 2>/dev/null || true
t_opt=$( { TIMEFORMAT=%R; time bin/prog 4000000 mix >/dev/null; } 2>&1 ) 2>/dev/null || true
echo "# evaluation: plain generation ${t_base}s, optimized generation ${t_opt}s"

# Rollback and forward again, atomically.
ok "rollback" "$PGO" rollback prog
ok "  back to the instrumented generation" sh -c "'$PGO' inspect bin/prog | grep -q 'mode *instrument'"
is "  state follows" "$("$PGO" status --json prog | json_field state)" profiling
ok "  and no build for a while" sh -c "'$PGO' status --json prog | grep -q '\"ready\": true' && sleep 2 && '$PGO' status --json prog | grep -q '\"generation\": 2'"
ok "rollback --to 3" "$PGO" rollback prog --to 3
ok "  optimized again" sh -c "'$PGO' inspect bin/prog | grep -q 'mode *use'"
fails 1 "rollback to a generation that does not exist" "$PGO" rollback prog --to 99
ok "gc --keep-generations 1 --dry-run" sh -c "'$PGO' gc --keep-generations 1 --dry-run | grep -qx 'would remove generation 2 of prog'"
ok "gc --keep-generations 1" "$PGO" gc --keep-generations 1
is "  kept the current and the plain generation" "$("$PGO" generations prog | awk '{print $1 $2}' | tr '\n' ' ')" "*3 1off "
ok "  removed generation 2 from disk" sh -c "! test -d store/programs/prog/gen-2 && test -x store/programs/prog/gen-3/prog"
ok "disable puts the plain build back" sh -c "'$PGO' disable prog && ! '$PGO' inspect bin/prog >/dev/null"
is "  state disabled" "$("$PGO" status --json prog | json_field state)" disabled

# Concurrent writers while pgod collects: counts exact.
# "prog 300 sort" calls util_rare exactly 300 times.
mkproj conc conc 1000000
ok "enable a second program" "$PGO" enable conc --project conc --no-start --binary prog
for round in 1 2 3 4; do
	pids=
	for i in $(seq 1 10); do
		bin/conc 300 sort >/dev/null &
		pids="$pids $!"
	done
	wait $pids	# not a bare wait: pgod is a background job of this shell
done
ok "pgod collects all 40 runs" wait_for conc 30 '"runs": 40,'
cum=$(sqlite3 store/index.db "SELECT cumulative FROM programs WHERE name = 'conc'" 2>/dev/null)
[ -n "$cum" ] || cum=$("$PGO" ls --json --program conc | sed -n 's/.*"digest": "\([0-9a-f]*\)".*/\1/p' | head -1)
"$PGO" export "$cum" >conc.txt
ok "util_rare counted exactly 40 x 300 times" sh -c "awk '/^util_rare\$/ {f=1} f && /^# Counter Values:/ {getline; print; exit}' conc.txt | grep -qx 12000"

# A corrupt file in the spool is quarantined; collection goes on.
spool=$("$PGO" status --json conc | json_field spool)
[ -n "$spool" ] || spool=$(ls -d conc/.pgo/spool/*)
printf 'not a profile' >"$spool/junk.profraw"
bin/conc 300 sort >/dev/null
ok "the junk file is quarantined" wait_for conc 20 'quarantined'
ok "  with its reason" sh -c "cat store/programs/conc/quarantine/*.reason | grep -q 'junk.profraw'"
ok "  and the good run still counted" wait_for conc 20 '"runs": 41,'

# A full spool stops collection and says so: here 200 KB that pgod does
# not take (the kind of thing a program crashing in a loop leaves).
sed -i 's/^min-counts = 1000$/min-counts = 1000\nspool-cap = 100000/' conc/pgo.conf
head -c 200000 /dev/zero >"$spool/core.dump"
bin/conc 300 sort >/dev/null
ok "over the spool cap, collection stops" wait_for conc 20 '"collecting": false'
ok "  status says why" sh -c "'$PGO' status conc | grep -q 'over the cap'"

# A build that fails, and a smoke test that fails: the current generation stays.
mkproj fail1 fail1 2 0
ok "enable fail1" "$PGO" enable fail1 --project fail1 --no-start --binary prog
sed -i 's/^command = make$/command = false/' fail1/pgo.conf
for i in 1 2 3 4; do bin/fail1 300 mix >/dev/null; sleep 0.3; done
ok "a failed build is recorded" wait_for fail1 30 '"last_build": "failed: '
is "  the instrumented generation stays" "$("$PGO" status --json fail1 | json_field generation)" 2
ok "  with a back-off" sh -c "'$PGO' status fail1 | grep -q 'next try in'"
mkproj fail2 fail2 2 0
ok "enable fail2" "$PGO" enable fail2 --project fail2 --no-start --binary prog
sed -i 's/^command = \$PGO_BINARY 10 sort$/command = false/' fail2/pgo.conf
for i in 1 2 3 4; do bin/fail2 300 mix >/dev/null; sleep 0.3; done
ok "a failed smoke test is recorded" wait_for fail2 30 'smoke test'
is "  the instrumented generation stays" "$("$PGO" status --json fail2 | json_field generation)" 2
ok "  and the failed generation is gone" sh -c "! test -d store/programs/fail2/gen-3"

# The notify hook runs on every switch; editing the sources sends an
# optimized program back to profiling; a profile over the cap stops
# collection.
mkproj hook hook 2 0
printf '[notify]\ncommand = touch %s/notified-$PGO_PROGRAM-$PGO_STATE\n' "$TEST_DIR" >>hook/pgo.conf
ok "enable hook" "$PGO" enable hook --project hook --no-start --binary prog
for i in 1 2 3 4; do bin/hook 300 mix >/dev/null; sleep 0.3; done
ok "hook: optimized" wait_for hook 60 '"state": "optimized"'
ok "  the notify hook ran with the program and state" sh -c "for i in \$(seq 100); do test -f notified-hook-optimized && exit 0; sleep 0.1; done; exit 1"
sleep 1
echo '/* edited */' >>hook/util.c
ok "edited sources send it back to profiling" wait_for hook 60 '"generation": 4'
is "  in state" "$("$PGO" status --json hook | json_field state)" profiling
ok "  the stable path runs the new instrumented build" sh -c "'$PGO' inspect bin/hook | grep -q 'mode *instrument'"
ok "  the reason is recorded" sh -c "'$PGO' status hook | grep -q 'sources, compiler or profile age changed'"
# Another compiler: its profiles start over, then it is optimized with it.
sed -i 's/^cc = clang-14$/cc = clang-22/' hook/pgo.conf
ok "a new compiler: profiling again with it" wait_for hook 60 '"generation": 5'
ok "  logged" grep -q "hook: the compiler changed from clang 14.0.6 to clang 22" daemon.log
ok "  the stable path runs a clang-22 instrumented build" sh -c "'$PGO' inspect bin/hook | grep -q 'toolchain *clang 22'"
for i in 1 2 3 4; do bin/hook 300 mix >/dev/null; sleep 0.3; done
ok "  and then an optimized clang-22 build" wait_for hook 60 '"state": "optimized"'
ok "  which the stable path runs" sh -c "'$PGO' inspect bin/hook | grep -q 'mode *use' && '$PGO' inspect bin/hook | grep -q 'toolchain *clang 22'"
mkproj cap cap 1000 0
sed -i 's/^min-counts = 1000$/min-counts = 1000\nprofile-cap = 100/' cap/pgo.conf
ok "enable cap" "$PGO" enable cap --project cap --no-start --binary prog
for i in 1 2 3; do bin/cap 300 sort >/dev/null; sleep 0.5; done
ok "over the profile cap, collection stops" wait_for cap 20 '"collecting": false'
ok "  status says why" sh -c "'$PGO' status cap | grep -q 'the profile is .* over the cap'"

ok "pgo daemon reload" sh -c "'$PGO' daemon reload | grep -qx reloading"
ok "  and it says so" sh -c "for i in \$(seq 30); do grep -q 'pgod.*reloading' daemon.log && exit 0; sleep 0.1; done; exit 1"
ok "pgo daemon status" sh -c "'$PGO' daemon status | grep -q '^pid '"
ok "pgo daemon stop" "$PGO" daemon stop
wait $daemon
ok "status works without pgod" "$PGO" status prog

done_testing
