#!/usr/bin/env bash
# bench/import-merge.sh: pgo import + pgo merge against llvm-profdata merge.
#
# Builds a real program instrumented (-O2 -fprofile-generate), runs it K
# times on varied inputs so that each run writes its own .profraw, then
# times, side by side and alternating, N rounds of:
#   A   llvm-profdata-V merge -o out.profdata FILES...
#   S   pgo ls, creating a new store (a one-time cost, kept out of B, B2)
#   B   pgo import --toolchain clang-V FILES...            (empty store)
#   Bf  B with the full version, --toolchain 'clang X.Y.Z'
#   B2  pgo import --toolchain clang-V FILE, once per file, then
#       pgo merge DIGESTS...                               (empty store)
# and checks that pgo's result, exported as .profdata, shows the same
# counts and value profiles as llvm-profdata's.  See bench/README.md,
# "Import and merge".
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/import-merge.sh [options]

Times 'pgo import' and 'pgo merge' of K real .profraw files against
'llvm-profdata merge' of the same files and prints the ratios.

  -k K                 raw profiles per series (default 50)
  -n ROUNDS            timed rounds, alternating the tools (default 5)
  --program LIST       calc, lua or calc,lua (default calc,lua)
  --compiler LIST      clang-14, clang-22 or both, comma-separated
                       (default clang-14,clang-22)
  --vp LIST            value profiling: off, on or off,on (default off,on)
  --quick              smoke run: K=10, 3 rounds, calc, clang-14, vp off
                       (options given explicitly still win)
  --pgo PATH           the pgo binary (default $PGO, else a release build
                       of this tree in the cache directory)
  --cpu N              pin every timed command to CPU N (default 1 on a
                       machine with 2 or more CPUs; 'none' to not pin)
  -o FILE              JSON results (default bench/results/import-merge-DATE.json)
  --keep               keep the work directory (its path is printed)
  -h, --help           this text

Environment: PGO_BENCH_CACHE (default ~/.cache/pgo-bench) holds the
downloaded Lua sources and the release build of pgo; nothing is written
into the repository except bench/results/.

Exit status: 0 when every series ran and pgo agreed with llvm-profdata,
1 when pgo's result differs from llvm-profdata's or B, Bf and B2 stored
different digests, 2 on a usage error or a missing tool.
EOF
}

die() { echo "import-merge: error: $*" >&2; exit 2; }
usage_error() { echo "import-merge: $*" >&2; echo "Try 'bench/import-merge.sh --help'." >&2; exit 2; }
note() { echo "import-merge: $*" >&2; }

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)
# shellcheck source=lib/pgo.sh
. "$bench_dir/lib/pgo.sh"

K='' ROUNDS='' programs='' compilers='' vps='' quick=0 pgo_bin=${PGO:-} cpu='' json='' keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	-k) [ $# -ge 2 ] || usage_error "-k needs a number"; K=$2; shift 2 ;;
	-n) [ $# -ge 2 ] || usage_error "-n needs a number"; ROUNDS=$2; shift 2 ;;
	--program) [ $# -ge 2 ] || usage_error "--program needs a value"; programs=$2; shift 2 ;;
	--program=*) programs=${1#*=}; shift ;;
	--compiler) [ $# -ge 2 ] || usage_error "--compiler needs a value"; compilers=$2; shift 2 ;;
	--compiler=*) compilers=${1#*=}; shift ;;
	--vp) [ $# -ge 2 ] || usage_error "--vp needs a value"; vps=$2; shift 2 ;;
	--vp=*) vps=${1#*=}; shift ;;
	--quick) quick=1; shift ;;
	--pgo) [ $# -ge 2 ] || usage_error "--pgo needs a path"; pgo_bin=$2; shift 2 ;;
	--pgo=*) pgo_bin=${1#*=}; shift ;;
	--cpu) [ $# -ge 2 ] || usage_error "--cpu needs a value"; cpu=$2; shift 2 ;;
	--cpu=*) cpu=${1#*=}; shift ;;
	-o) [ $# -ge 2 ] || usage_error "-o needs a file"; json=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage_error "unknown option '$1'" ;;
	esac
done

if [ $quick = 1 ]; then
	: "${K:=10}" "${ROUNDS:=3}" "${programs:=calc}" "${compilers:=clang-14}" "${vps:=off}"
fi
: "${K:=50}" "${ROUNDS:=5}" "${programs:=calc,lua}" "${compilers:=clang-14,clang-22}" "${vps:=off,on}"

case "$K" in ''|*[!0-9]*) usage_error "-k '$K' is not a number" ;; esac
case "$ROUNDS" in ''|*[!0-9]*) usage_error "-n '$ROUNDS' is not a number" ;; esac
[ "$K" -ge 2 ] || usage_error "-k must be at least 2"
[ "$ROUNDS" -ge 1 ] || usage_error "-n must be at least 1"
IFS=, read -r -a program_list <<<"$programs"
IFS=, read -r -a compiler_list <<<"$compilers"
IFS=, read -r -a vp_list <<<"$vps"
for p in "${program_list[@]}"; do
	case "$p" in calc|lua) ;; *) usage_error "--program '$p': expected calc or lua" ;; esac
done
for c in "${compiler_list[@]}"; do
	case "$c" in clang-[0-9]*) ;; *) usage_error "--compiler '$c': expected clang-N, e.g. clang-14" ;; esac
done
for v in "${vp_list[@]}"; do
	case "$v" in on|off) ;; *) usage_error "--vp '$v': expected on or off" ;; esac
done
if [ -z "$cpu" ]; then
	if [ "$(nproc)" -ge 2 ]; then cpu=1; else cpu=none; fi
fi
case "$cpu" in none|[0-9]|[0-9][0-9]) ;; *) usage_error "--cpu '$cpu': expected a CPU number or none" ;; esac

for t in /usr/bin/time awk sort cmp make; do
	command -v "$t" >/dev/null || die "'$t' is needed and not installed"
done
pin=()
if [ "$cpu" != none ]; then
	command -v taskset >/dev/null || die "'taskset' is needed for --cpu (util-linux), or give --cpu none"
	pin=(taskset -c "$cpu")
fi

cache=${PGO_BENCH_CACHE:-$HOME/.cache/pgo-bench}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
case "$cache/" in "$repo"/*) die "PGO_BENCH_CACHE '$cache' is inside the repository; put it elsewhere" ;; esac

# Only what the tools are told, never the caller's settings, may matter.
bench_clean_env

pgo_bin=$(bench_pgo_binary "$pgo_bin" "$cache" "$repo") || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-bench-im.XXXXXX")
if [ $keep = 1 ]; then
	trap 'note "work directory kept: $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi

date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -z "$json" ]; then
	mkdir -p "$bench_dir/results"
	json=$bench_dir/results/import-merge-$(date -u +%Y%m%d-%H%M%S).json
fi

# ---- programs and their inputs ------------------------------------------

# Lua 5.4 from Debian: about 700 functions, a real interpreter.
lua_src() {
	local d
	d=$(find "$cache" -mindepth 2 -maxdepth 2 -path "$cache/lua5.4-*/src" -type d | sort | tail -n 1)
	if [ -z "$d" ]; then
		command -v apt-get >/dev/null || die "apt-get is needed to fetch the Lua sources"
		note "fetching the Debian source package lua5.4 into $cache"
		if ! (cd "$cache" && apt-get source lua5.4) >"$cache/apt-get-source.log" 2>&1; then
			echo "import-merge: error: 'apt-get source lua5.4' failed; see $cache/apt-get-source.log" >&2
			echo "  It needs a deb-src entry, e.g. /etc/apt/sources.list.d/debian-src.sources:" >&2
			echo "    Types: deb-src" >&2
			echo "    URIs: http://deb.debian.org/debian" >&2
			echo "    Suites: bookworm" >&2
			echo "    Components: main" >&2
			echo "    Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >&2
			echo "  then 'apt-get update'; or run with --program calc" >&2
			exit 2
		fi
		d=$(find "$cache" -mindepth 2 -maxdepth 2 -path "$cache/lua5.4-*/src" -type d | sort | tail -n 1)
		[ -n "$d" ] || die "no lua5.4-*/src in $cache after apt-get source"
	fi
	echo "$d"
}

# build_program PROGRAM CC CFLAGS DIR: leaves DIR/prog, the binary.
build_program() {
	local prog=$1 cc=$2 cflags=$3 dir=$4 src f
	mkdir -p "$dir"
	case "$prog" in
	calc)
		# A copy: the example may be being edited, and its tree must stay clean.
		src=$repo/examples/calc
		cp "$src"/*.c "$src"/*.h "$src"/Makefile "$dir"/
		make -C "$dir" -j"$(nproc)" CC="$cc" CFLAGS="$cflags" calc >"$dir/build.log" 2>&1 ||
			die "building calc failed; see $dir/build.log"
		mv "$dir/calc" "$dir/prog"
		;;
	lua)
		src=$(lua_src)
		# Debian's luaconf.h includes a header its rules generate.
		printf '#define DEB_HOST_MULTIARCH "%s-linux-gnu"\n' "$(uname -m)" >"$dir/lua5.4-deb-multiarch.h"
		# shellcheck disable=SC2016  # $1.. are expanded by the inner sh
		for f in "$src"/*.c; do
			case "$f" in */luac.c) continue ;; esac
			echo "$f"
		done | xargs -P "$(nproc)" -I{} sh -c \
			'o="$1/$(basename "$2" .c).o"; exec $3 $4 -DLUA_USE_POSIX -I"$1" -w -c -o "$o" "$2"' \
			sh "$dir" {} "$cc" "$cflags" >"$dir/build.log" 2>&1 ||
			die "building lua failed; see $dir/build.log"
		# shellcheck disable=SC2086  # cflags is a list of flags
		$cc $cflags -o "$dir/prog" "$dir"/*.o -lm >>"$dir/build.log" 2>&1 ||
			die "linking lua failed; see $dir/build.log"
		;;
	esac
}

# Lua workloads: each exercises a different part of the interpreter and
# takes a size argument, so that runs differ in both paths and counts.
write_lua_inputs() {
	local d=$1
	mkdir -p "$d"
	cat >"$d/sort.lua" <<'EOF'
local n = tonumber(arg[1]) * 2000
local t, seed = {}, 42
for i = 1, n do seed = (seed * 1103515245 + 12345) % 2147483648; t[i] = seed % 10007 end
table.sort(t)
table.sort(t, function(a, b) return a > b end)
local u = table.move(t, 1, n // 2, 1, {})
table.insert(u, 1, -1); table.remove(u)
print(#u, t[1], t[n], table.concat(u, ",", 1, 5))
EOF
	cat >"$d/strings.lua" <<'EOF'
local n = tonumber(arg[1]) * 300
local parts = {}
for i = 1, n do parts[#parts + 1] = string.format("%05d:%s:%.3f", i, ("x"):rep(i % 7), i / 3) end
local s = table.concat(parts, ";")
local c = 0
for a, b in s:gmatch("(%d+):(x*)") do c = c + #a + #b end
local g = s:gsub("x+", function(m) return #m end):upper():lower()
local p = string.pack("<i4d s1", n, n / 7, "pgo")
local x, y, z = string.unpack("<i4d s1", p)
print(c, #g, s:find("00042", 1, true), x, y, z, utf8.len("héllo wörld"), s:byte(3), s:sub(-10))
EOF
	cat >"$d/objects.lua" <<'EOF'
local n = tonumber(arg[1]) * 3000
local Point = {}
Point.__index = Point
Point.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Point) end
Point.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Point.__tostring = function(p) return "(" .. p.x .. "," .. p.y .. ")" end
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:norm1() return math.abs(self.x) + math.abs(self.y) end
local acc = Point.new(0, 0)
for i = 1, n do acc = acc + Point.new(i % 5 - 2, i % 3 - 1) end
local gen = coroutine.wrap(function() for i = 1, n // 10 do coroutine.yield(i * i) end end)
local sum = 0
for _ = 1, n // 10 do sum = sum + gen() end
local function counter() local k = 0; return function() k = k + 1; return k end end
local f = counter(); for _ = 1, n do f() end
print(tostring(acc), acc:norm1(), sum, f(), acc == Point.new(acc.x, acc.y))
EOF
	cat >"$d/numeric.lua" <<'EOF'
local n = tonumber(arg[1]) * 20000
local s, fi, ii = 0.0, 0.0, 0
for i = 1, n do
  s = s + math.sin(i) * math.sqrt(i) / (1 + math.log(i))
  fi = fi + (i % 7) / 3
  ii = ii + (i * i) // 7 ~ (i << 3) & 0xffff
end
print(string.format("%.6f %.3f %d %d %s", s, fi, ii, math.floor(s), math.type(ii)),
      math.tointeger(8.0), math.ult(1, -1), math.fmod(n, 7), 2^53 + 1 == 2^53)
EOF
	cat >"$d/meta.lua" <<'EOF'
local n = tonumber(arg[1]) * 200
local ok, err, c = 0, 0, 0
for i = 1, n do
  local f = load("local a = ... ; return a * " .. i .. " + " .. (i % 13))
  local good, v = pcall(f, i)
  if good then ok = ok + v % 3 end
  local bad = pcall(error, {code = i})
  if not bad then err = err + 1 end
end
local dumped = string.dump(function(x) return x + 1 end)
local back = load(dumped, "d", "b")
local t = setmetatable({}, {__mode = "k"})
for i = 1, n do t[{}] = i end
collectgarbage(); collectgarbage("step")
for _ in pairs(t) do c = c + 1 end
print(ok, err, back(41), c <= n, select("#", 1, 2, 3), type(debug.traceback()))
EOF
	cat >"$d/io.lua" <<'EOF'
local n = tonumber(arg[1]) * 500
local name = os.tmpname()
local f = assert(io.open(name, "w"))
for i = 1, n do f:write(i, "\t", string.rep("y", i % 11), "\n") end
f:close()
local lines, bytes = 0, 0
for l in io.lines(name) do lines = lines + 1; bytes = bytes + #l end
local g = assert(io.open(name, "r"))
local all = g:read("a"); g:seek("set", 0); local first = g:read("n")
g:close(); os.remove(name)
print(lines, bytes, #all, first, os.date("!%Y", 0), os.time({year = 2000, month = 1, day = 1, hour = 0}) > 0)
EOF
}

# run_workload PROGRAM DIR I: the I-th training run (0-based).
run_workload() {
	local prog=$1 dir=$2 i=$3 scripts=() nscripts
	case "$prog" in
	calc)
		scripts=("$repo"/examples/calc/train/*.x "$repo"/examples/calc/eval/*.x)
		nscripts=${#scripts[@]}
		if [ $((i % 5)) = 4 ]; then
			"$dir/prog" --dump "${scripts[$((i % nscripts))]}"
		elif [ "$i" -lt "$nscripts" ]; then
			"$dir/prog" "${scripts[$i]}"
		else
			"$dir/prog" "${scripts[$((i % nscripts))]}" "${scripts[$(((i * 7 + 3) % nscripts))]}"
		fi
		;;
	lua)
		scripts=("$work"/lua-inputs/*.lua)
		nscripts=${#scripts[@]}
		"$dir/prog" "${scripts[$((i % nscripts))]}" $((1 + i % 5))
		;;
	esac
}

# ---- measurement ----------------------------------------------------------

# measure OUT CMD...: runs CMD pinned, appends "wall_ms cpu_ms rss_kb" to
# OUT.  Wall and CPU time (user + system of CMD and its children) from
# bash's time keyword, in milliseconds (time(1)'s %e, %U and %S have 10 ms
# steps); peak RSS, the largest of CMD and its children, from time(1)'s
# %M.  CPU time is the steadier figure on a loaded machine.
measure() {
	local out=$1 TIMEFORMAT='%3R %3U %3S' rc=0
	shift
	{ time "${pin[@]}" /usr/bin/time -o "$work/time.out" -f '%M' "$@" \
		>"$work/cmd.out" 2>"$work/cmd.err" || rc=$?; } 2>"$work/bash-time.out"
	if [ $rc != 0 ]; then
		echo "import-merge: error: command failed: $*" >&2
		sed 's/^/  /' "$work/cmd.err" | head -20 >&2
		exit 2
	fi
	# time(1) may print a line about the command's exit before its %M.
	awk -v rss="$(tail -n 1 "$work/time.out")" \
		'{ printf "%.1f %.1f %d\n", $1 * 1000, ($2 + $3) * 1000, rss }' "$work/bash-time.out" >>"$out"
}

# stats FILE COLUMN: "median min max" of a column.
stats() {
	sort -g -k"$2","$2" "$1" | awk -v c="$2" '
		{ v[NR] = $c }
		END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %s %s\n", m, v[1], v[NR]
		}'
}

# Canonical form of 'llvm-profdata show --all-functions --counts
# --ic-targets --memop-sizes': the function records in name order (show
# lists them in hash-table order, which depends on insertion order), then
# the summary lines in their order.  A record is a line indented by two
# spaces and the more deeply indented lines after it, up to the first
# summary line at column 0.  Within a record the value lines ("\t[ site,
# value, count ]") are sorted too: show orders them by count, and values
# of equal count in no particular order.
show_canon() {
	"$1" show --all-functions --counts --ic-targets --memop-sizes "$2" | LC_ALL=C awk '
		function flush_vals(   i, j, t) {
			for (i = 2; i <= nv; i++) {
				t = vals[i]
				for (j = i - 1; j > 0 && vals[j] > t; j--)
					vals[j + 1] = vals[j]
				vals[j + 1] = t
			}
			for (i = 1; i <= nv; i++)
				rec = rec "\001" vals[i]
			nv = 0
		}
		function flush_rec() {
			flush_vals()
			if (rec != "")
				print "R" rec
			rec = ""
		}
		NR == 1 && /^Counters:/ { recs = 1; next }
		recs && /^\t\[/ { vals[++nv] = $0; next }
		recs && /^  [^ \t]/ { flush_rec(); rec = $0; next }
		recs && /^[ \t]/ { flush_vals(); rec = rec "\001" $0; next }
		{ flush_rec(); recs = 0; printf "T%09d\t%s\n", NR, $0 }
		END { flush_rec() }' | LC_ALL=C sort | tr '\001' '\n'
}

json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

json_list() { # FILE COLUMN
	awk -v c="$2" '{ printf "%s%s", (NR > 1 ? ", " : ""), $c } END { }' "$1"
}

series_json=()
status=0

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "null" }'; }

run_series() {
	local prog=$1 cc=$2 vp=$3 v profdata cflags sdir raw nfiles bytes fns
	local r a_out b_out b2_out b2m_out s_out bf_out tcfull store digest_b digest_b2 digest_bf ds f i
	v=${cc#clang-}
	profdata=$(command -v "llvm-profdata-$v" || true)
	if ! command -v "$cc" >/dev/null || [ -z "$profdata" ]; then
		note "skipping $prog/$cc/vp=$vp: $cc or llvm-profdata-$v is not installed"
		return 0
	fi
	cflags="-O2 -fprofile-generate"
	[ "$vp" = off ] && cflags="$cflags -mllvm -disable-vp=true"
	# "clang 14.0.6", as 'pgo import --toolchain' takes it.
	tcfull=$("$cc" --version | sed -n '1s/.*clang version \([0-9][0-9.]*\).*/clang \1/p')
	[ -n "$tcfull" ] || die "cannot read the version of $cc from '$cc --version'"
	sdir=$work/$prog-$cc-vp$vp
	raw=$sdir/raw
	mkdir -p "$raw"

	note "$prog/$cc/vp=$vp: building instrumented ($cflags)"
	build_program "$prog" "$cc" "$cflags" "$sdir/build"
	note "$prog/$cc/vp=$vp: $K training runs"
	for ((i = 0; i < K; i++)); do
		LLVM_PROFILE_FILE="$raw/run-$i-%p.profraw" run_workload "$prog" "$sdir/build" "$i" \
			>"$sdir/run.out" 2>&1 || die "training run $i of $prog failed; see $sdir/run.out"
	done
	files=("$raw"/*.profraw)
	nfiles=${#files[@]}
	[ "$nfiles" = "$K" ] || die "$prog: expected $K .profraw files in $raw, found $nfiles"
	bytes=$(cat "${files[@]}" | wc -c)

	a_out=$sdir/A.txt b_out=$sdir/B.txt b2_out=$sdir/B2.txt b2m_out=$sdir/B2m.txt s_out=$sdir/S.txt bf_out=$sdir/Bf.txt
	: >"$a_out"; : >"$b_out"; : >"$b2_out"; : >"$b2m_out"; : >"$s_out"; : >"$bf_out"

	# One untimed pass of each, so that every timed round starts with the
	# files and binaries in the page cache.
	"$profdata" merge -o "$sdir/warm.profdata" "${files[@]}"
	rm -rf "$sdir/warm-store"
	PGO_STORE=$sdir/warm-store "$pgo_bin" import --toolchain "$cc" "${files[@]}" >/dev/null

	note "$prog/$cc/vp=$vp: $ROUNDS rounds of A S B Bf B2"
	for ((r = 0; r < ROUNDS; r++)); do
		rm -f "$sdir/A.profdata"
		measure "$a_out" "$profdata" merge -o "$sdir/A.profdata" "${files[@]}"

		# Creating a store is a one-time cost (directories, the SQLite
		# schema, fsyncs): timed on its own as S, outside B and B2.
		store=$sdir/store-S
		rm -rf "$store"
		PGO_STORE=$store measure "$s_out" "$pgo_bin" ls

		store=$sdir/store-B
		rm -rf "$store"
		PGO_STORE=$store "$pgo_bin" ls >/dev/null
		PGO_STORE=$store measure "$b_out" "$pgo_bin" import --toolchain "$cc" "${files[@]}"
		digest_b=$(cat "$work/cmd.out")

		# B with the full compiler version, which spares pgo from running
		# 'clang --version': shows what that costs.
		store=$sdir/store-Bf
		rm -rf "$store"
		PGO_STORE=$store "$pgo_bin" ls >/dev/null
		PGO_STORE=$store measure "$bf_out" "$pgo_bin" import --toolchain "$tcfull" "${files[@]}"
		digest_bf=$(cat "$work/cmd.out")

		store=$sdir/store-B2
		rm -rf "$store"
		PGO_STORE=$store "$pgo_bin" ls >/dev/null
		ds=()
		: >"$sdir/B2-steps.txt"
		for f in "${files[@]}"; do
			PGO_STORE=$store measure "$sdir/B2-steps.txt" "$pgo_bin" import --toolchain "$cc" "$f"
			ds+=("$(cat "$work/cmd.out")")
		done
		PGO_STORE=$store measure "$sdir/B2-steps.txt" "$pgo_bin" merge "${ds[@]}"
		digest_b2=$(cat "$work/cmd.out")
		tail -n 1 "$sdir/B2-steps.txt" >>"$b2m_out"
		awk '{ t += $1; c += $2; if ($3 > m) m = $3 } END { printf "%.1f %.1f %d\n", t, c, m }' \
			"$sdir/B2-steps.txt" >>"$b2_out"
	done

	# Agreement: pgo's results exported for the compiler, against
	# llvm-profdata's merge of the same files.
	local agree_b=no agree_b2=no same_digest=no
	PGO_STORE=$sdir/store-B "$pgo_bin" export --format=profdata -o "$sdir/B.profdata" "$digest_b"
	PGO_STORE=$sdir/store-B2 "$pgo_bin" export --format=profdata -o "$sdir/B2.profdata" "$digest_b2"
	show_canon "$profdata" "$sdir/A.profdata" >"$sdir/A.show"
	show_canon "$profdata" "$sdir/B.profdata" >"$sdir/B.show"
	show_canon "$profdata" "$sdir/B2.profdata" >"$sdir/B2.show"
	grep -q '^R' "$sdir/A.show" || die "$prog: no function records in llvm-profdata's result"
	cmp -s "$sdir/A.show" "$sdir/B.show" && agree_b=yes
	cmp -s "$sdir/A.show" "$sdir/B2.show" && agree_b2=yes
	[ "$digest_b" = "$digest_b2" ] && [ "$digest_b" = "$digest_bf" ] && same_digest=yes
	if [ $agree_b != yes ] || [ $agree_b2 != yes ]; then
		status=1
		note "$prog/$cc/vp=$vp: pgo and llvm-profdata disagree; first differences:"
		diff "$sdir/A.show" "$sdir/B.show" | head -10 >&2 || true
		keep=1
		trap 'note "work directory kept: $work"' EXIT
	fi
	if [ $same_digest != yes ]; then
		status=1
		note "$prog/$cc/vp=$vp: B, Bf and B2 stored different digests: $digest_b $digest_bf $digest_b2"
	fi
	fns=$(awk -F'\t' '$2 ~ /^Total functions:/ { split($2, w, " "); print w[3] }' "$sdir/A.show")

	# ---- report ----
	local ccver x tag label file col tm tl th line js
	local -A med
	ccver=$("$cc" --version | head -n 1)
	echo
	printf '%s, %s (%s), value profiling %s\n' "$prog" "$cc" "$ccver" "$vp"
	printf '  %d .profraw files, %d bytes in all, %s functions; %d rounds; CPU pin: %s\n' \
		"$nfiles" "$bytes" "${fns:-?}" "$ROUNDS" "$cpu"
	printf '  %-34s %-24s %-24s %s\n' "median [min-max] of $ROUNDS" "wall ms" "CPU ms (user+sys)" "peak RSS KB"
	for x in "A:llvm-profdata-$v merge:$a_out" "B:pgo import (all K files):$b_out" \
		"B2:pgo import x K + pgo merge:$b2_out" "B2m:  the pgo merge step of B2:$b2m_out" \
		"Bf:B, --toolchain '$tcfull':$bf_out" "S:pgo ls creating a new store:$s_out"; do
		IFS=: read -r tag label file <<<"$x"
		line=$(printf '  %-4s%-30s' "$tag" "$label")
		for col in 1 2 3; do
			read -r tm tl th <<<"$(stats "$file" "$col")"
			med[$tag.$col]=$tm
			if [ $col = 3 ]; then
				line+=$(printf ' %-24s' "$(printf '%.0f [%.0f-%.0f]' "$tm" "$tl" "$th")")
			else
				line+=$(printf ' %-24s' "$(printf '%.1f [%.1f-%.1f]' "$tm" "$tl" "$th")")
			fi
		done
		echo "${line%"${line##*[! ]}"}"
	done
	local -A rat
	for tag in B B2 B2m Bf; do
		for col in 1 2 3; do
			rat[$tag.$col]=$(ratio "${med[$tag.$col]}" "${med[A.$col]}")
		done
		printf '  ratio %-3s/ A (pgo/llvm-profdata, medians): wall %s  CPU %s  peak RSS %s\n' \
			"$tag" "${rat[$tag.1]}" "${rat[$tag.2]}" "${rat[$tag.3]}"
	done
	printf '  agree: %s (B), %s (B2); B, Bf and B2 same digest: %s\n' "$agree_b" "$agree_b2" "$same_digest"

	js=$(
		printf '    {\n'
		printf '      "program": %s, "compiler": %s, "compiler_version": %s, "value_profiling": %s,\n' \
			"$(json_str "$prog")" "$(json_str "$cc")" "$(json_str "$ccver")" "$(json_str "$vp")"
		printf '      "cflags": %s, "files": %d, "bytes": %d, "functions": %s,\n' \
			"$(json_str "$cflags")" "$nfiles" "$bytes" "${fns:-null}"
		printf '      "commands": {"A": %s, "B": %s, "Bf": %s, "S": %s, "B2": %s},\n' \
			"$(json_str "$profdata merge -o OUT.profdata FILES...")" \
			"$(json_str "$pgo_bin import --toolchain $cc FILES...")" \
			"$(json_str "$pgo_bin import --toolchain '$tcfull' FILES...")" \
			"$(json_str "$pgo_bin ls (PGO_STORE a new directory)")" \
			"$(json_str "$pgo_bin import --toolchain $cc FILE (for each file); $pgo_bin merge DIGESTS...")"
		for x in A:"$a_out" B:"$b_out" B2:"$b2_out" B2m:"$b2m_out" Bf:"$bf_out" S:"$s_out"; do
			file=${x#*:}
			printf '      "%s": {"wall_ms": [%s], "cpu_ms": [%s], "rss_kb": [%s],\n' \
				"${x%%:*}" "$(json_list "$file" 1)" "$(json_list "$file" 2)" "$(json_list "$file" 3)"
			printf '        "median_min_max": {"wall_ms": [%s], "cpu_ms": [%s], "rss_kb": [%s]}},\n' \
				"$(stats "$file" 1 | tr ' ' ,)" "$(stats "$file" 2 | tr ' ' ,)" "$(stats "$file" 3 | tr ' ' ,)"
		done
		printf '      "ratio_to_A": {'
		for tag in B B2 B2m Bf; do
			printf '"%s": {"wall": %s, "cpu": %s, "rss": %s}%s' "$tag" \
				"${rat[$tag.1]}" "${rat[$tag.2]}" "${rat[$tag.3]}" "$([ $tag = Bf ] || echo ', ')"
		done
		printf '},\n'
		printf '      "agree_B": %s, "agree_B2": %s, "same_digest": %s\n' \
			"$([ $agree_b = yes ] && echo true || echo false)" \
			"$([ $agree_b2 = yes ] && echo true || echo false)" \
			"$([ $same_digest = yes ] && echo true || echo false)"
		printf '    }'
	)
	series_json+=("$js")
	rm -rf "$sdir/store-B" "$sdir/store-Bf" "$sdir/store-B2" "$sdir/store-S" "$sdir/warm-store"
}

echo "pgo import/merge vs llvm-profdata merge, $date_utc"
echo "  pgo: $pgo_bin ($("$pgo_bin" --version 2>/dev/null | head -n 1 || echo 'version unknown'))"
echo "  K=$K rounds=$ROUNDS programs=$programs compilers=$compilers vp=$vps cpu=$cpu"
echo "  work: $work ($(df -T "$work" | awk 'NR == 2 { print $2 }'))"
echo "  A  = llvm-profdata-V merge -o OUT.profdata FILES..."
echo "  B  = pgo import --toolchain clang-V FILES...  (into a new, empty store each round)"
echo "  B2 = pgo import --toolchain clang-V FILE, for each file, then pgo merge DIGESTS..."
echo "       (into a new, empty store each round); B2m = its pgo merge step alone"
echo "  Bf = B with --toolchain 'clang X.Y.Z' (the full version: pgo need not run clang --version)"
echo "  S  = pgo ls on a directory that is not yet a store (creating it; not part of B or B2)"

for prog in "${program_list[@]}"; do
	[ "$prog" = lua ] && write_lua_inputs "$work/lua-inputs"
	for cc in "${compiler_list[@]}"; do
		for vp in "${vp_list[@]}"; do
			run_series "$prog" "$cc" "$vp"
		done
	done
done

mkdir -p "$(dirname "$json")"
{
	printf '{\n'
	printf '  "benchmark": "import-merge", "date": %s,\n' "$(json_str "$date_utc")"
	printf '  "pgo": %s, "pgo_commit": %s,\n' "$(json_str "$pgo_bin")" \
		"$(json_str "$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo '+dirty')")"
	printf '  "k": %d, "rounds": %d, "cpu": %s, "nproc": %d, "kernel": %s,\n' "$K" "$ROUNDS" \
		"$(json_str "$cpu")" "$(nproc)" "$(json_str "$(uname -r)")"
	printf '  "series": [\n'
	for ((i = 0; i < ${#series_json[@]}; i++)); do
		printf '%s%s\n' "${series_json[$i]}" "$([ $i -lt $((${#series_json[@]} - 1)) ] && echo ,)"
	done
	printf '  ]\n}\n'
} >"$json"
echo
echo "JSON: $json"
[ ${#series_json[@]} -gt 0 ] || { note "no series ran (missing compilers?)"; exit 2; }
if [ $status != 0 ]; then
	note "pgo's result differs from llvm-profdata's in at least one series"
fi
exit $status
