#!/bin/sh
# Installs what pgo needs to build, test and demonstrate itself on Debian 12.
# Idempotent: does nothing when everything is already installed.
set -eu

PACKAGES="
build-essential pkg-config meson ninja-build
libsqlite3-dev libzstd-dev zlib1g-dev libelf-dev
sqlite3 zstd xxd
valgrind time python3 util-linux
clang-14 llvm-14 libclang-rt-14-dev
clang-22 llvm-22 libclang-rt-22-dev
gcc-12 g++-12
make cmake autoconf automake libtool ccache
lld binutils
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
