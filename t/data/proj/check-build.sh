#!/bin/sh
# check-build.sh SYSTEM SRC BUILDDIR
#
# Builds the test project in SRC with SYSTEM (make, cmake, meson or
# autotools) into BUILDDIR (created if missing; use a fresh one), with the
# CC, CXX, CFLAGS, CXXFLAGS and LDFLAGS of the environment. Everything the
# build tools print goes to BUILDDIR/build.log. On success the only output
# is the absolute path of the built projbin; on failure the end of the log
# goes to stderr and the exit status is 1 (2 for a usage error).
#
# autotools: the generated files are not kept in SRC, so the inputs are
# copied to BUILDDIR/autotools-src, autoreconf runs there, and configure
# runs in BUILDDIR (an out-of-tree build with srcdir ./autotools-src).

usage() {
	echo "usage: check-build.sh make|cmake|meson|autotools SRC BUILDDIR" >&2
	exit 2
}

[ $# -eq 3 ] || usage
sys=$1
case $sys in
make|cmake|meson|autotools) ;;
*) usage ;;
esac
if [ ! -f "$2/src/main.c" ]; then
	echo "check-build.sh: '$2' is not the project's source directory" >&2
	exit 2
fi
src=$(cd "$2" && pwd) || exit 1
mkdir -p "$3" || exit 1
build=$(cd "$3" && pwd) || exit 1
log=$build/build.log
jobs=${CHECK_BUILD_JOBS:-2}
: >"$log" || exit 1

run() {
	printf '+ %s\n' "$*" >>"$log"
	"$@" >>"$log" 2>&1
}

fail() {
	echo "check-build.sh: $sys build in '$build' failed; end of $log:" >&2
	tail -n 40 "$log" >&2
	exit 1
}

{
	echo "# check-build.sh $sys $src $build"
	echo "# CC=${CC-} CXX=${CXX-} CFLAGS=${CFLAGS-} CXXFLAGS=${CXXFLAGS-} LDFLAGS=${LDFLAGS-}"
} >>"$log"

case $sys in
make)
	run make -C "$build" -f "$src/Makefile" -j"$jobs" || fail
	;;
cmake)
	run cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release || fail
	run cmake --build "$build" -j "$jobs" || fail
	;;
meson)
	run meson setup "$build" "$src" --buildtype=release -Doptimization=2 || fail
	run meson compile -C "$build" -j "$jobs" || fail
	;;
autotools)
	gen=$build/autotools-src
	{ rm -rf "$gen" && mkdir -p "$gen"; } || fail
	for f in configure.ac Makefile.am src util helper; do
		cp -R "$src/$f" "$gen/" || fail
	done
	(cd "$gen" && run autoreconf -i) || fail
	(cd "$build" && run ./autotools-src/configure) || fail
	run make -C "$build" -j"$jobs" || fail
	;;
esac

[ -x "$build/projbin" ] || fail
echo "$build/projbin"
