# t/lib.sh: a small TAP library for pgo's shell tests.
#
# Each test script sources this file.  It runs in a fresh directory with
# its own store, with every PGO_* variable cleared, and prints TAP.
#   ok "description" command...     passes when the command exits 0
#   fails N "description" command... passes when it exits with status N
#   is "description" ACTUAL EXPECTED
#   skip_all "reason"               skips the whole script (a missing tool)
#   need_tool NAME...               skip_all unless every tool is on PATH
#   done_testing                    prints the plan; call at the end
set -u

: "${PGO:?PGO must name the pgo binary under test}"
: "${PGO_TEST_SRCDIR:?PGO_TEST_SRCDIR must name the source tree}"

for v in $(env | sed -n 's/^\(PGO_[A-Z_]*\)=.*/\1/p'); do
	case "$v" in
	PGO_TEST_SRCDIR|PGO_TEST_BUILDDIR) ;;
	*) unset "$v" ;;
	esac
done
unset XDG_DATA_HOME XDG_RUNTIME_DIR CC CXX CFLAGS LDFLAGS LLVM_PROFILE_FILE

TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pgo-$TEST_NAME.XXXXXX")
export HOME="$TEST_DIR/home"
export PGO_STORE="$TEST_DIR/store"
export TMPDIR="$TEST_DIR/tmp"
mkdir -p "$HOME" "$TMPDIR"
cd "$TEST_DIR" || exit 1
trap 'cd /; [ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$TEST_DIR"' EXIT

_n=0
_failed=0

_report() {
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		_failed=$((_failed + 1))
		echo "not ok $_n - $2"
		if [ -s "$TEST_DIR/.out" ]; then
			sed 's/^/#   /' "$TEST_DIR/.out" | head -40
		fi
	fi
}

ok() {
	local desc=$1
	shift
	"$@" >"$TEST_DIR/.out" 2>&1
	_report $? "$desc"
}

# The output of the last "fails" command is kept in $ERR, so that the
# next checks can look at the message.
ERR="$TEST_DIR/.err"
fails() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$TEST_DIR/.out" 2>&1
	rc=$?
	cp "$TEST_DIR/.out" "$ERR"
	if [ "$rc" = "$want" ]; then
		_report 0 "$desc"
	else
		echo "exit status $rc, expected $want" >>"$TEST_DIR/.out"
		_report 1 "$desc"
	fi
}

is() {
	if [ "$2" = "$3" ]; then
		: >"$TEST_DIR/.out"
		_report 0 "$1"
	else
		printf 'got:      %s\nexpected: %s\n' "$2" "$3" >"$TEST_DIR/.out"
		_report 1 "$1"
	fi
}

skip_all() {
	# CI installs every tool: there a skip is a broken set-up, not a pass.
	if [ -n "${CI:-}" ]; then
		echo "not ok 1 - cannot run: $*"
		echo "1..1"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

need_tool() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip_all "$t is not installed"
	done
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" = 0 ]
	exit $?
}

# A digest of the whole store: index rows and the set of objects.  Used to
# check that a failing command changed nothing.
store_state() {
	{
		if [ -f "$PGO_STORE/index.db" ]; then
			sqlite3 "$PGO_STORE/index.db" \
				'SELECT digest, program, runs FROM profiles ORDER BY digest;
				 SELECT child, parent, weight FROM lineage ORDER BY child, parent;'
		fi
		find "$PGO_STORE" -path "$PGO_STORE/objects/*" -type f | sort
	} | sha256sum | cut -c1-16
}

# The bundled test program (several files, a deterministic workload).
PROG_SRC="$PGO_TEST_SRCDIR/t/data/prog"

# managed_project DIR NAME MIN-RUNS MIN-COUNTS STABILITY: a copy of the test
# program with the pgo.conf of a program pgod manages (clang-14, a smoke
# test, the [policy] thresholds given).
managed_project() {
	mkdir -p "$1"
	cp "$PROG_SRC"/*.c "$PROG_SRC"/*.h "$PROG_SRC/Makefile" "$1/"
	cat >"$1/pgo.conf" <<-CONF
	[project]
	name = $2
	cc = clang-14
	[build]
	command = make
	clean = make clean
	binaries = prog
	[smoke]
	command = \$PGO_BINARY 10 sort
	[policy]
	min-runs = $3
	min-counts = $4
	stability = $5
	CONF
}

# build_prog COMPILER OUTDIR FLAGS... : compile the test program.
build_prog() {
	local cc=$1 out=$2
	shift 2
	mkdir -p "$out"
	(cd "$PROG_SRC" && "$cc" -O2 "$@" -o "$out/prog" main.c work.c util.c)
}
