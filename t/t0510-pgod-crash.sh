#!/bin/bash
# Crash safety: pgod and its build jobs killed with SIGKILL at chosen
# points and at random moments.  Every time: no profile data the program
# wrote is lost or counted twice, no half-written generation is left, and
# the stable path points at a complete, runnable binary.
. "$PGO_TEST_SRCDIR/t/lib.sh"
need_tool clang-14 make

export PGO_BIN_DIR="$TEST_DIR/bin" XDG_RUNTIME_DIR="$TEST_DIR/run"
mkdir -p "$XDG_RUNTIME_DIR"

mkproj() { managed_project "$1" "$1" "$2" 1 0; }

start_pgod() {
	"$PGO" daemon --foreground --interval 1 >>daemon.log 2>&1 &
	daemon=$!
	for i in $(seq 50); do "$PGO" daemon ping >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

# runs N: N runs of "prog 300 sort" (util_rare: exactly 300 calls each).
runs() {
	local pids=
	for i in $(seq 1 "$1"); do
		bin/prog 300 sort >/dev/null &
		pids="$pids $!"
	done
	wait $pids
}

util_rare_count() {
	local cum
	cum=$(sqlite3 "$PGO_STORE/index.db" "SELECT cumulative FROM programs WHERE name = 'prog'")
	"$PGO" export "$cum" | awk '/^util_rare$/ {f=1} f && /^# Counter Values:/ {getline; print; exit}'
}

# Waits until util_rare's count reaches $1 x 300.  Profile data is what
# must not be lost or doubled: a loss stays below, a double count passes
# the figure, and either fails.
wait_counts() {
	for i in $(seq 150); do
		[ "$(util_rare_count)" = $(($1 * 300)) ] && return 0
		sleep 0.2
	done
	echo "util_rare: $(util_rare_count), expected $(($1 * 300))" >&2
	return 1
}

need_tool sqlite3
mkproj prog 1000000
ok "enable" "$PGO" enable prog --project prog --no-start
total=0

# Kills at the points between storing a batch, recording it, and
# emptying staging.
for point in after-ingest-store after-ingest-record; do
	PGO_TEST_CRASH=$point start_pgod
	runs 5
	total=$((total + 5))
	for i in $(seq 100); do kill -0 $daemon 2>/dev/null || break; sleep 0.1; done
	ok "pgod killed at $point" sh -c "! kill -0 $daemon 2>/dev/null"
	wait $daemon 2>/dev/null
	start_pgod
	ok "  after a restart every run is collected once ($total x 300)" wait_counts $total
	"$PGO" daemon stop >/dev/null
	wait $daemon 2>/dev/null
done

# Kills at random moments while the program keeps running.
for k in $(seq 1 8); do
	start_pgod
	runs 3 &
	load=$!
	sleep 0.$((RANDOM % 9 + 1))
	kill -9 $daemon
	wait $daemon 2>/dev/null
	wait $load
	total=$((total + 3))
done
start_pgod
ok "random kills: every run collected once in the end ($total x 300)" wait_counts $total
sleep 2
is "  and not more later" "$(util_rare_count)" $((total * 300))
"$PGO" daemon stop >/dev/null
wait $daemon 2>/dev/null

# A build job killed right after switching the link, before the index:
# the restart finds the link ahead of the index and repairs it.
mkproj b 2
ok "enable b" "$PGO" enable b --project b --no-start --binary prog
PGO_TEST_CRASH=after-switch start_pgod
for i in 1 2 3 4; do bin/b 300 mix >/dev/null; sleep 0.3; done
ok "the job died after the switch" sh -c "for i in \$(seq 300); do grep -q 'b: job failed' daemon.log && exit 0; sleep 0.1; done; exit 1"
ok "the stable path points at a complete generation" sh -c "test -x \"\$(readlink bin/b)\" && bin/b 10 sort >/dev/null"
"$PGO" daemon stop >/dev/null
wait $daemon 2>/dev/null
start_pgod
ok "the restart repairs the index from the link" grep -q "b: repaired: current generation is 3" daemon.log
is "  status agrees with the link" "$("$PGO" status --json b | sed -n 's/.*"generation": \([0-9]*\),.*/\1/p')" 3
ok "  which runs the optimized binary" sh -c "'$PGO' inspect bin/b | grep -q 'mode *use'"
ok "no temporary generation left" sh -c "! ls -d store/programs/*/tmp-gen-* 2>/dev/null | grep -q ."
"$PGO" daemon stop >/dev/null
wait $daemon 2>/dev/null

done_testing
