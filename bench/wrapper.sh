#!/usr/bin/env bash
# bench/wrapper.sh: what the compiler wrapper (pgo-cc) costs per invocation.
#
# Generates N small C files and compiles each one, one process per file,
# serially (a figure per invocation, not hidden by a parallel build), in
# these variants, all run side by side and interleaved file by file:
#   bare        CC -O2 -c f.c                       (no wrapper)
#   off         pgo-cc, PGO_MODE=off                (execs CC in place)
#   instr-hand  CC -O2 -c f.c + the wrapper's instrument flags, by hand
#   instr-wrap  pgo-cc, PGO_MODE=instrument         (spawns CC and waits)
#   use-hand    CC -O2 -c f.c + the wrapper's use flags, by hand
#   use-wrap    pgo-cc, PGO_MODE=use, with a real profile of the program
# and the wrapper alone, with /bin/true as the compiler:
#   true        /bin/true ARGS
#   off-true, instr-true, use-true   pgo-cc with PGO_CC=/bin/true
# The overhead is the median of paired differences (wrapper minus the
# same command by hand, same file, same round).  It also checks that the
# wrapper's objects equal the hand-built ones, byte for byte, and that it
# passed the compiler exactly the hand-written argv.  See bench/README.md,
# "Wrapper overhead".
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/wrapper.sh [options]

Times the compiler wrapper (pgo-cc) against the bare compiler, per
invocation, in off, instrument and use mode, and prints the overhead.

  -n N                 generated C files (default 200)
  -r ROUNDS            rounds over all files (default 5)
  --compiler LIST      clang-14, clang-22, gcc-12 (any clang-V or gcc-V),
                       comma-separated (default clang-14)
  --quick              smoke run: N=20, 3 rounds (options given explicitly
                       still win)
  --pgo PATH           the pgo binary (default $PGO, else a release build
                       of this tree in the cache directory)
  --cpu N              pin every timed command to CPU N (default 1 on a
                       machine with 2 or more CPUs; 'none' to not pin)
  --nice N             run the timer at niceness N when allowed (default
                       -10 as root, else none; 'none' to leave it)
  -o FILE              JSON results (default bench/results/wrapper-DATE.json)
  --keep               keep the work directory (its path is printed)
  -h, --help           this text

Environment: PGO_BENCH_CACHE (default ~/.cache/pgo-bench) holds the
release build of pgo; TIMER_CC (default cc) compiles the timing driver.
Nothing is written into the repository except bench/results/.

Exit status: 0 when every variant ran and the wrapper's objects and argv
equal the hand-built ones, 1 when they differ or the wrapper fell back,
2 on a usage error or a missing tool.  The overhead itself never fails
the run: it is reported.
EOF
}

die() { echo "wrapper: error: $*" >&2; exit 2; }
usage_error() { echo "wrapper: $*" >&2; echo "Try 'bench/wrapper.sh --help'." >&2; exit 2; }
note() { echo "wrapper: $*" >&2; }

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)
# shellcheck source=lib/pgo.sh
. "$bench_dir/lib/pgo.sh"
cmdline="bench/wrapper.sh${*:+ $*}"

N='' ROUNDS='' compilers='' quick=0 pgo_bin=${PGO:-} cpu='' niceness='' json='' keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	-n) [ $# -ge 2 ] || usage_error "-n needs a number"; N=$2; shift 2 ;;
	-r) [ $# -ge 2 ] || usage_error "-r needs a number"; ROUNDS=$2; shift 2 ;;
	--compiler) [ $# -ge 2 ] || usage_error "--compiler needs a value"; compilers=$2; shift 2 ;;
	--compiler=*) compilers=${1#*=}; shift ;;
	--quick) quick=1; shift ;;
	--pgo) [ $# -ge 2 ] || usage_error "--pgo needs a path"; pgo_bin=$2; shift 2 ;;
	--pgo=*) pgo_bin=${1#*=}; shift ;;
	--cpu) [ $# -ge 2 ] || usage_error "--cpu needs a value"; cpu=$2; shift 2 ;;
	--cpu=*) cpu=${1#*=}; shift ;;
	--nice) [ $# -ge 2 ] || usage_error "--nice needs a value"; niceness=$2; shift 2 ;;
	--nice=*) niceness=${1#*=}; shift ;;
	-o) [ $# -ge 2 ] || usage_error "-o needs a file"; json=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage_error "unknown option '$1'" ;;
	esac
done

if [ $quick = 1 ]; then
	: "${N:=20}" "${ROUNDS:=3}"
fi
: "${N:=200}" "${ROUNDS:=5}" "${compilers:=clang-14}"
case "$N" in ''|*[!0-9]*) usage_error "-n '$N' is not a number" ;; esac
case "$ROUNDS" in ''|*[!0-9]*) usage_error "-r '$ROUNDS' is not a number" ;; esac
{ [ "$N" -ge 1 ] && [ "$N" -le 9999 ]; } || usage_error "-n must be between 1 and 9999"
[ "$ROUNDS" -ge 1 ] || usage_error "-r must be at least 1"
IFS=, read -r -a compiler_list <<<"$compilers"
[ ${#compiler_list[@]} -ge 1 ] || usage_error "--compiler needs at least one compiler"
for c in "${compiler_list[@]}"; do
	case "$c" in clang|clang-[0-9]*|gcc|gcc-[0-9]*) ;;
	*) usage_error "--compiler '$c': expected clang-V or gcc-V, e.g. clang-14" ;; esac
done
if [ -z "$cpu" ]; then
	if [ "$(nproc)" -ge 2 ]; then cpu=1; else cpu=none; fi
fi
case "$cpu" in none|[0-9]|[0-9][0-9]) ;; *) usage_error "--cpu '$cpu': expected a CPU number or none" ;; esac
if [ -z "$niceness" ]; then
	if [ "$(id -u)" = 0 ]; then niceness=-10; else niceness=none; fi
fi
case "$niceness" in none|-[0-9]|-1[0-9]|-20|[0-9]|1[0-9]) ;;
*) usage_error "--nice '$niceness': expected -20..19 or none" ;; esac

timer_cc=${TIMER_CC:-cc}
for t in "$timer_cc" awk sort cmp nproc; do
	command -v "$t" >/dev/null || die "'$t' is needed and not installed"
done
pin=()
if [ "$cpu" != none ]; then
	command -v taskset >/dev/null || die "'taskset' is needed for --cpu (util-linux), or give --cpu none"
	pin=(taskset -c "$cpu")
fi
if [ "$niceness" != none ]; then
	# Other work on the machine preempts the timed commands less.
	if [ "$(nice -n "$niceness" nice 2>/dev/null)" = "$(( $(nice) + niceness ))" ]; then
		pin=(nice -n "$niceness" "${pin[@]}")
	else
		note "cannot run at niceness $niceness here; running at the default"
		niceness=none
	fi
fi

cache=${PGO_BENCH_CACHE:-$HOME/.cache/pgo-bench}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
case "$cache/" in "$repo"/*) die "PGO_BENCH_CACHE '$cache' is inside the repository; put it elsewhere" ;; esac

# Only what the variants set may matter, never the caller's settings.
bench_clean_env
unset GCOV_PREFIX GCOV_PREFIX_STRIP CCACHE_DISABLE

pgo_bin=$(bench_pgo_binary "$pgo_bin" "$cache" "$repo") || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-bench-wrap.XXXXXX")
if [ $keep = 1 ]; then
	trap 'note "work directory kept: $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
case "$work" in *[[:space:]\'\"\\\$]*) die "the work directory '$work' has a space or quote; set TMPDIR" ;; esac

date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -z "$json" ]; then
	mkdir -p "$bench_dir/results"
	json=$bench_dir/results/wrapper-$(date -u +%Y%m%d-%H%M%S).json
fi
t_start=$(date +%s)

# ---- the timing driver, the wrapper link, the sources -----------------

"$timer_cc" -std=c11 -O2 -o "$work/timer" "$bench_dir/wrapper-timer.c" 2>"$work/timer-build.log" ||
	die "compiling the timing driver failed; see $work/timer-build.log (kept: --keep)"
mkdir -p "$work/bin"
# As pgo build does: the pgo-cc executable next to pgo (linked with libc
# only), else a link to pgo named pgo-cc, which selects the wrapper by argv[0].
if [ -x "$(dirname "$pgo_bin")/pgo-cc" ]; then
	ln -s "$(dirname "$pgo_bin")/pgo-cc" "$work/bin/pgo-cc"
else
	ln -s "$pgo_bin" "$work/bin/pgo-cc"
fi
wrapper=$work/bin/pgo-cc
# A compiler that records the argv it was given, to compare with ours.
cat >"$work/bin/argv-dump" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$ARGV_DUMP"
EOF
chmod +x "$work/bin/argv-dump"

src=$work/src
mkdir -p "$src"
stems=()
for ((i = 1; i <= N; i++)); do
	s=$(printf 'f%04d' "$i")
	stems+=("$s")
	# Static helpers of the same name in every file (static names are what
	# the strip-prefix flag is about), a loop, a switch, a call chain.
	cat >"$src/$s.c" <<EOF
/* generated by bench/wrapper.sh */
static int step(int x)
{
	return x % 3 == 0 ? x / 3 : (x % 2 ? 3 * x + 1 : x / 2);
}

static unsigned mix(unsigned h, int v)
{
	return h ^ ((unsigned)v + 0x9e3779b9u + (h << 6) + (h >> 2));
}

int ${s}_classify(int x)
{
	switch (x & 7) {
	case 0: return 1;
	case 1: case 2: return x > $((i * 7 % 50));
	case 3: return x % $((i % 5 + 2)) == 0 ? 2 : -2;
	case 5: return (x >> 3) & 3;
	default: return -1;
	}
}

long ${s}_run(int n)
{
	long acc = 0;
	unsigned h = ${i}u;
	for (int i = 1; i <= n; i++) {
		int x = i + $((i % 13)), k = 0;
		while (x != 1 && k < 200) {
			x = step(x);
			k++;
		}
		acc += k + ${s}_classify(i);
		h = mix(h, k);
	}
	return acc ^ (long)(h & 0xffff);
}
EOF
done
{
	echo '/* generated by bench/wrapper.sh */'
	echo '#include <stdio.h>'
	for s in "${stems[@]}"; do echo "long ${s}_run(int n);"; done
	echo 'int main(void)'
	echo '{'
	echo '	long sum = 0;'
	i=0
	for s in "${stems[@]}"; do
		echo "	sum += ${s}_run($((40 + i % 17)));"
		i=$((i + 1))
	done
	printf '\tprintf("%%ld\\n", sum);\n'
	echo '	return 0;'
	echo '}'
} >"$src/main.c"
printf '%s\n' "${stems[@]}" >"$work/stems"
check_n=$(( N < 10 ? N : 10 ))
head -n "$check_n" "$work/stems" >"$work/check-stems"

# src/lib/wrap.c's wrap_strip_level(): the slashes of the root, plus one.
slashes=${work//[!\/]/}
strip=$(( ${#slashes} + 1 ))

# variant NAME ENV... -- ARGV...: appends one variant to the driver's
# spec, the file $spec.
variant() {
	local name=$1 w
	shift
	echo "variant $name" >>"$spec"
	while [ "$1" != -- ]; do echo "set $1" >>"$spec"; shift; done
	shift
	for w in "$@"; do echo "arg $w" >>"$spec"; done
}
# run_variant SPEC NAME STEM [K=V...]: runs one variant of a spec once,
# the given settings over the variant's own.
run_variant() {
	local sp=$1 name=$2 stem=$3 line inv=0
	shift 3
	local e=() a=()
	while IFS= read -r line; do
		case "$line" in
		"variant $name") inv=1 ;;
		variant\ *|pair\ *) inv=0 ;;
		"set "*) [ $inv = 0 ] || e+=("${line#set }") ;;
		"arg "*) [ $inv = 0 ] || a+=("${line#arg }") ;;
		esac
	done <"$sp"
	a=("${a[@]//\{stem\}/$stem}")
	env "${e[@]}" "$@" "${a[@]}"
}
# argv_of SPEC NAME STEM: the words after the compiler's name.
argv_of() {
	local line inv=0 first=1
	while IFS= read -r line; do
		case "$line" in
		"variant $2") inv=1 ;;
		variant\ *|pair\ *) inv=0 ;;
		"arg "*)
			[ $inv = 1 ] || continue
			if [ $first = 1 ]; then first=0; continue; fi
			line=${line#arg }
			printf '%s\n' "${line//\{stem\}/$3}"
			;;
		esac
	done <"$1"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\n\t'; }
ms() { awk -v x="$1" 'BEGIN { printf "%.3f", x / 1e6 }'; }

# ---- per compiler -----------------------------------------------------

status=0
json_compilers=()

for cc in "${compiler_list[@]}"; do
	command -v "$cc" >/dev/null || die "compiler '$cc' is not installed"
	cdir=$work/$cc
	obj=$cdir/obj
	spool=$cdir/spool
	mkdir -p "$obj" "$spool"
	case "$cc" in
	clang*)
		family=clang
		ver=$("$cc" --version | sed -n 's/.*clang version \([0-9][0-9.]*\).*/\1/p' | head -n 1)
		profdata=llvm-profdata${cc#clang}
		command -v "$profdata" >/dev/null || die "'$profdata' is needed for $cc and not installed"
		;;
	gcc*)
		family=gcc
		ver=$("$cc" -dumpfullversion)
		;;
	esac
	[ -n "$ver" ] || die "cannot read the version of '$cc'"
	major=${ver%%.*}
	cc_id="$family $ver"
	note "$cc ($cc_id): $N files, $ROUNDS rounds"

	# What every variant compiles.  GCC stamps instrumented objects with
	# the time unless given a seed: the seed makes objects comparable.
	base=(-O2 -c "$src/{stem}.c" -o "$obj/{stem}.o")
	[ "$family" = gcc ] && base+=("-frandom-seed={stem}")

	# The flags src/lib/wrap.c (wrap_build_argv) adds, written by hand.
	if [ "$family" = clang ]; then
		prof=$cdir/profile.profdata
		instr=(-fprofile-generate="$spool")
		[ "$major" -lt 19 ] && instr+=(-mllvm -instrprof-atomic-counter-update-all)
		[ "$major" -ge 15 ] && instr+=(-fprofile-update=atomic)
		instr+=(-mllvm -disable-vp=true -mllvm "-static-func-strip-dirname-prefix=$strip")
		use=(-fprofile-use="$prof" -mllvm "-static-func-strip-dirname-prefix=$strip"
			-mllvm -disable-vp=true
			-mllvm -pgo-warn-missing-function -Wno-error=backend-plugin
			-Wno-error=profile-instr-out-of-date -Wno-error=profile-instr-unprofiled
			-Wno-error=profile-instr-missing)
	else
		prof=$cdir/profile.d
		instr=(-fprofile-generate="$spool" -fprofile-update=atomic -fprofile-prefix-path="$work")
		use=(-fprofile-use="$prof" -fprofile-prefix-path="$work"
			-Wno-error=missing-profile -Wno-error=coverage-mismatch)
	fi
	wenv=("PGO_CC=$cc" "PGO_CC_ID=$cc_id" "PGO_ROOT=$work" "PGO_BUILD_ROOT=$work"
		"PGO_LOG=$cdir/wrapper.log" "PGO_DIAG_LOG=$cdir/diagnostics.log")

	# The training program, built with the hand-written instrument flags.
	note "$cc: building and running the instrumented program for the profile"
	for s in "${stems[@]}" main; do
		a=("${base[@]//\{stem\}/$s}")
		"$cc" "${a[@]}" "${instr[@]}" 2>>"$cdir/train.log" ||
			die "$cc: the instrumented build failed; see $cdir/train.log (kept: --keep)"
	done
	"$cc" -fprofile-generate="$spool" -o "$cdir/prog" "$obj"/*.o 2>>"$cdir/train.log" ||
		die "$cc: linking the instrumented program failed; see $cdir/train.log (kept: --keep)"
	"$cdir/prog" >"$cdir/prog.out" || die "$cc: the instrumented program failed"
	if [ "$family" = clang ]; then
		"$profdata" merge -o "$prof" "$spool"/*.profraw ||
			die "$cc: $profdata merge failed"
	else
		mv "$spool" "$prof" && mkdir -p "$spool"
		[ -n "$(find "$prof" -name '*.gcda' | head -n 1)" ] || die "$cc: the instrumented program wrote no .gcda"
	fi

	# Compiler variants; the wrapper runs as pgo build would run it.
	spec=$cdir/spec
	: >"$spec"
	variant bare -- "$cc" "${base[@]}"
	variant off PGO_MODE=off "${wenv[@]}" -- "$wrapper" "${base[@]}"
	variant instr-hand -- "$cc" "${base[@]}" "${instr[@]}"
	variant instr-wrap PGO_MODE=instrument "${wenv[@]}" "PGO_SPOOL=$spool" -- "$wrapper" "${base[@]}"
	variant use-hand -- "$cc" "${base[@]}" "${use[@]}"
	variant use-wrap PGO_MODE=use "${wenv[@]}" "PGO_PROFILE=$prof" -- "$wrapper" "${base[@]}"
	cp "$spec" "$cdir/spec.compile"
	{
		echo "pair off bare"
		echo "pair instr-wrap instr-hand"
		echo "pair use-wrap use-hand"
	} >>"$cdir/spec.compile"
	# The wrapper alone: /bin/true as the compiler, by absolute path so no
	# PATH search is in either side.
	: >"$spec"
	tenv=("PGO_CC=/bin/true" "${wenv[@]:1}")
	variant true -- /bin/true "${base[@]}"
	variant off-true PGO_MODE=off "${tenv[@]}" -- "$wrapper" "${base[@]}"
	variant instr-true PGO_MODE=instrument "${tenv[@]}" "PGO_SPOOL=$spool" -- "$wrapper" "${base[@]}"
	variant use-true PGO_MODE=use "${tenv[@]}" "PGO_PROFILE=$prof" -- "$wrapper" "${base[@]}"
	{
		echo "pair off-true true"
		echo "pair instr-true true"
		echo "pair use-true true"
	} >>"$spec"
	mv "$spec" "$cdir/spec.true"


	# ---- checks: the same argv, the same objects ----
	note "$cc: checking argv and objects of the wrapper against the hand-built ones ($check_n files)"
	argv_ok=true objs_ok=true
	for m in off instr use; do
		if [ $m = off ]; then hand=bare wrap=off; else hand=$m-hand wrap=$m-wrap; fi
		while IFS= read -r s; do
			run_variant "$cdir/spec.compile" "$hand" "$s" 2>>"$cdir/check.log" ||
				die "$cc: $hand failed on $s.c; see $cdir/check.log (kept: --keep)"
			mv "$obj/$s.o" "$cdir/$s.$hand.o"
			run_variant "$cdir/spec.compile" "$wrap" "$s" 2>>"$cdir/check.log" ||
				die "$cc: $wrap failed on $s.c; see $cdir/check.log (kept: --keep)"
			if ! cmp -s "$obj/$s.o" "$cdir/$s.$hand.o"; then
				note "$cc: $m mode: $s.o from the wrapper differs from $s.o built by hand"
				objs_ok=false
			fi
			argv_of "$cdir/spec.compile" "$hand" "$s" >"$cdir/argv.hand"
			run_variant "$cdir/spec.compile" "$wrap" "$s" "PGO_CC=$work/bin/argv-dump" \
				"ARGV_DUMP=$cdir/argv.wrap" 2>>"$cdir/check.log" ||
				die "$cc: $wrap with argv-dump failed on $s.c; see $cdir/check.log (kept: --keep)"
			if ! cmp -s "$cdir/argv.hand" "$cdir/argv.wrap"; then
				note "$cc: $m mode: the wrapper passed other arguments than the hand-written ones for $s.c:"
				diff "$cdir/argv.hand" "$cdir/argv.wrap" | sed 's/^/    /' >&2 || true
				argv_ok=false
			fi
		done <"$work/check-stems"
	done
	[ $argv_ok = true ] && [ $objs_ok = true ] || status=1

	# ---- timing ----
	est=$(awk -v n="$N" -v r="$ROUNDS" 'BEGIN { printf "%.0f", n * r * 6 * 0.04 + n * r * 4 * 0.002 }')
	note "$cc: timing $((N * ROUNDS)) invocations per variant (at least $est s; much more on a busy machine)"
	load_before=$(loadavg)
	for g in true compile; do
		# Progress on stdout, shown; the commands' stderr in the log.
		"${pin[@]}" "$work/timer" -s "$cdir/spec.$g" -l "$work/stems" -r "$ROUNDS" \
			-o "$cdir/raw.$g.tsv" -S "$cdir/stats.$g.tsv" 2>"$cdir/timer.$g.log" |
			sed -u "s/^/wrapper: $cc: $g: /" >&2 ||
			die "$cc: timing failed: $(head -n 5 "$cdir/timer.$g.log")"
	done
	load_after=$(loadavg)

	# The wrapper never fails a build: it falls back and says so in
	# PGO_LOG.  A fallback would time something else than what is meant.
	fallbacks=0 diags=0 stray=0
	[ -f "$cdir/wrapper.log" ] && fallbacks=$(wc -l <"$cdir/wrapper.log")
	[ -f "$cdir/diagnostics.log" ] && diags=$(wc -l <"$cdir/diagnostics.log")
	stray=$(cat "$cdir/timer.true.log" "$cdir/timer.compile.log" | wc -l)
	if [ "$fallbacks" != 0 ]; then
		note "$cc: the wrapper fell back $fallbacks times; first: $(head -n 1 "$cdir/wrapper.log")"
		status=1
	fi
	[ "$diags" = 0 ] || note "$cc: $diags profile diagnostics counted (the profile does not fit?); first: $(head -n 1 "$cdir/diagnostics.log")"
	[ "$stray" = 0 ] || note "$cc: the compilers wrote $stray lines on stderr; first: $(cat "$cdir/timer.true.log" "$cdir/timer.compile.log" | head -n 1)"

	# ---- report ----
	cat "$cdir/stats.true.tsv" "$cdir/stats.compile.tsv" >"$cdir/stats.tsv"
	echo
	echo "$cc ($cc_id): $N files x $ROUNDS rounds, one process per file, serial;" \
		"ms per invocation; load $load_before -> $load_after"
	if awk -v a="${load_before%% *}" -v b="${load_after%% *}" -v n="$(nproc)" 'BEGIN { exit !(a > n / 2 || b > n / 2) }'; then
		echo "  (the machine was busy with other work: wall figures include waiting for it;" \
			"the CPU figures are the steadier ones)"
	fi
	awk -F'\t' '
	BEGIN {
		printf "  %-24s %30s   %30s\n", "", "--------- wall (ms) ---------", "---------- CPU (ms) ----------"
		printf "  %-24s %10s%10s%10s   %10s%10s%10s\n", "variant", "median", "p10", "p90", "median", "p10", "p90"
	}
	$1 == "variant" { printf "  %-24s %10.3f%10.3f%10.3f   %10.3f%10.3f%10.3f\n", $2, $4 / 1e6, $5 / 1e6, $6 / 1e6, $8 / 1e6, $9 / 1e6, $10 / 1e6 }
	' "$cdir/stats.compile.tsv" "$cdir/stats.true.tsv"
	echo "  overhead: paired differences, wrapper minus the same command by hand (ms); ratio of the medians"
	awk -F'\t' '
	BEGIN { printf "  %-24s %10s%10s%10s%8s   %10s%10s%10s%8s\n", "pair", "median", "p10", "p90", "ratio", "median", "p10", "p90", "ratio" }
	$1 == "pair" { printf "  %-24s %10.3f%10.3f%10.3f%8.4f   %10.3f%10.3f%10.3f%8.4f\n", $2 " - " $3, $5 / 1e6, $6 / 1e6, $7 / 1e6, $8, $9 / 1e6, $10 / 1e6, $11 / 1e6, $12 }
	' "$cdir/stats.compile.tsv" "$cdir/stats.true.tsv"
	# worst COLUMN: the largest median difference, in ns, and its pair.
	worst() {
		awk -F'\t' -v c="$1" '$1 == "pair" && (w == "" || $c > m) { m = $c; w = $2 " - " $3 } END { printf "%.0f\t%s", m, w }' "$cdir/stats.tsv"
	}
	worst_wall=$(worst 5) worst_cpu=$(worst 9)
	if [ "${worst_wall%%$'\t'*}" -le 1000000 ]; then verdict=met; else verdict="NOT met"; fi
	echo "  goal (median overhead <= 1 ms per invocation, wall): $verdict; largest" \
		"$(ms "${worst_wall%%$'\t'*}") ms wall (${worst_wall#*$'\t'}), $(ms "${worst_cpu%%$'\t'*}") ms CPU (${worst_cpu#*$'\t'})"
	echo "  wrapper objects equal hand-built: $objs_ok; argv equal: $argv_ok; fallbacks: $fallbacks; profile diagnostics: $diags"

	json_compilers+=("$(awk -F'\t' -v cc="$cc" -v id="$cc_id" -v lb="$load_before" -v la="$load_after" \
		-v objs="$objs_ok" -v argv="$argv_ok" -v fb="$fallbacks" -v dg="$diags" -v verdict="$verdict" '
		function ms(x) { return sprintf("%.6f", x / 1e6) }
		$1 == "variant" { v[++nv] = sprintf("        \"%s\": {\"n\": %d, \"wall_ms\": {\"median\": %s, \"p10\": %s, \"p90\": %s, \"mean\": %s}, \"cpu_ms\": {\"median\": %s, \"p10\": %s, \"p90\": %s, \"mean\": %s}}", $2, $3, ms($4), ms($5), ms($6), ms($7), ms($8), ms($9), ms($10), ms($11)) }
		$1 == "pair" { p[++np] = sprintf("        {\"wrapper\": \"%s\", \"by_hand\": \"%s\", \"n\": %d, \"wall_diff_ms\": {\"median\": %s, \"p10\": %s, \"p90\": %s}, \"wall_ratio_of_medians\": %s, \"cpu_diff_ms\": {\"median\": %s, \"p10\": %s, \"p90\": %s}, \"cpu_ratio_of_medians\": %s}", $2, $3, $4, ms($5), ms($6), ms($7), $8, ms($9), ms($10), ms($11), $12) }
		END {
			printf "    {\n      \"compiler\": \"%s\",\n      \"id\": \"%s\",\n", cc, id
			printf "      \"loadavg_before\": \"%s\",\n      \"loadavg_after\": \"%s\",\n", lb, la
			printf "      \"objects_equal\": %s,\n      \"argv_equal\": %s,\n", objs, argv
			printf "      \"fallbacks\": %d,\n      \"profile_diagnostics\": %d,\n", fb, dg
			printf "      \"goal_1ms_met\": %s,\n", verdict == "met" ? "true" : "false"
			printf "      \"variants\": {\n"
			for (i = 1; i <= nv; i++) printf "%s%s\n", v[i], i < nv ? "," : ""
			printf "      },\n      \"overhead\": [\n"
			for (i = 1; i <= np; i++) printf "%s%s\n", p[i], i < np ? "," : ""
			printf "      ]\n    }"
		}' "$cdir/stats.tsv")")
done

elapsed=$(( $(date +%s) - t_start ))
mkdir -p "$(dirname "$json")"
{
	printf '{\n  "benchmark": "wrapper",\n  "date": "%s",\n' "$date_utc"
	printf '  "command": "%s",\n' "$(json_escape "$cmdline")"
	printf '  "host": {"nproc": %d, "kernel": "%s", "cpu": "%s"},\n' "$(nproc)" "$(uname -r)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr -cd '[:alnum:] ._()@-')"
	printf '  "pgo": "%s",\n  "files": %d,\n  "rounds": %d,\n' "$(json_escape "$pgo_bin")" "$N" "$ROUNDS"
	printf '  "pinned_cpu": "%s",\n  "niceness": "%s",\n  "elapsed_s": %d,\n' "$cpu" "$niceness" "$elapsed"
	printf '  "compilers": [\n'
	for ((k = 0; k < ${#json_compilers[@]}; k++)); do
		printf '%s%s\n' "${json_compilers[k]}" "$([ $k -lt $((${#json_compilers[@]} - 1)) ] && echo ,)"
	done
	printf '  ]\n}\n'
} >"$json"
echo
echo "wrapper: ${elapsed}s; results in $json"
exit $status
