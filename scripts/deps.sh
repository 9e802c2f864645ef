#!/bin/sh
# Installs the Debian packages tracehound needs to build and test, only
# those that are missing. Works as root or through sudo; a second run
# installs nothing.
set -eu

packages="cmake ninja-build pkg-config libsqlite3-dev libplist-dev libjansson-dev libssl-dev libarchive-dev libpcre2-dev libcmocka-dev zlib1g-dev"
if [ "${1:-}" = "--fuzz" ]; then
	packages="$packages clang libclang-rt-14-dev"
fi

missing=""
for p in $packages; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# An archive index older than a day may name versions the mirror no longer has.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	$sudo apt-get update -qq
fi
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
