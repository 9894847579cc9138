#!/usr/bin/env bash
# run.sh: installs what is missing, builds csmsd and csmsctl (Release) and starts csmsd; arguments go to csmsd.
# With no arguments it uses its embedded defaults: SQLite under ~/.local/share/csmsd and a per-user Unix socket.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCSMSD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target csmsd csmsctl -j"$(nproc)"
exec "$build/csmsd" "$@"
