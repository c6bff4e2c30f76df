# shellcheck shell=bash
# Sourced by the benchmark scripts (bench/run, bench/wrapper.sh,
# bench/import-merge.sh), which define die() and note() first.

# bench_clean_env: unsets the caller's PGO_* settings (except
# PGO_BENCH_CACHE) and LLVM_PROFILE_FILE: only what the tools are told
# may matter.
bench_clean_env() {
	local v
	for v in $(env | sed -n 's/^\(PGO_[A-Z_]*\)=.*/\1/p'); do
		case "$v" in PGO_BENCH_CACHE) ;; *) unset "$v" ;; esac
	done
	unset LLVM_PROFILE_FILE
}

# bench_pgo_binary PGO CACHE REPO: prints the absolute path of the pgo to
# measure: PGO when given, else a release build of REPO in
# CACHE/pgo-build, configured once and brought up to date.  It builds
# pgo and pgo-cc: pgo build points a build at the pgo-cc next to pgo.
bench_pgo_binary() {
	local pgo=$1 cache=$2 repo=$3 build=$2/pgo-build log=$2/pgo-build.log
	if [ -z "$pgo" ]; then
		command -v meson >/dev/null && command -v ninja >/dev/null ||
			die "no pgo binary: give --pgo PATH or install meson and ninja"
		if [ ! -f "$build/build.ninja" ] || [ "$(cat "$build/.bench-source" 2>/dev/null)" != "$repo" ]; then
			note "configuring a release build of pgo in $build"
			rm -rf "$build"   # a set-up that failed half way, or of another tree
			meson setup "$build" "$repo" --buildtype=release >"$log" 2>&1 ||
				die "meson setup failed; see $log (or give --pgo PATH)"
			echo "$repo" >"$build/.bench-source"
		fi
		ninja -C "$build" pgo pgo-cc >>"$log" 2>&1 ||
			die "building pgo failed; see $log"
		pgo=$build/pgo
	fi
	[ -x "$pgo" ] || die "'$pgo' is not an executable"
	echo "$(cd "$(dirname "$pgo")" && pwd)/$(basename "$pgo")"
}
