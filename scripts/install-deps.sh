#!/usr/bin/env bash
# install-deps.sh: installs the Debian 12 packages csmsd needs that are missing (build, or build+test).
# Usage: scripts/install-deps.sh [build|test|python-sdk|fuzz|package]
set -euo pipefail

profile=${1:-build}
# curl is not a build dependency, but the README's first steps use it against the socket.
build_packages=(cmake g++ make pkg-config libsqlite3-dev libsqlitecpp-dev libboost1.81-dev libboost-json1.81-dev
                libssl-dev libpq-dev curl)
# openssl (the command) makes the throw-away CA of the TLS interop run.
# postgresql gives the tests a throw-away PostgreSQL 15 cluster (initdb, pg_ctl) for the second store.
test_packages=(catch2 sqlite3 procps openssl postgresql)

packages=("${build_packages[@]}")
if [[ $profile == test ]]; then
  packages+=("${test_packages[@]}")
  # The interop suite drives the daemon through the official npm SDK core; any Node.js >= 18 with npm will do.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
elif [[ $profile == fuzz ]]; then
  # libFuzzer and the sanitizer runtimes come with clang 14's compiler-rt; python3 regenerates the seed corpora.
  packages+=(clang libclang-rt-14-dev python3)
elif [[ $profile == package ]]; then
  # scripts/package.sh and its test: dpkg-shlibdeps (dpkg-dev), strip (binutils), lintian, systemd-sysusers.
  packages+=(dpkg-dev binutils lintian systemd)
elif [[ $profile == python-sdk ]]; then
  packages=(python3 python3-requests python3-requests-toolbelt python3-simplejson python3-pyasn1 python3-defusedxml
            python3-bson python3-yaml python3-six openssl)
elif [[ $profile != build ]]; then
  echo "usage: $0 [build|test|python-sdk|fuzz|package]" >&2
  exit 2
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
