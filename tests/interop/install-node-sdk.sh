#!/usr/bin/env bash
# install-node-sdk.sh: installs the pinned official npm SDK core (tests/interop/package.json) into DIR, once.
# uuid is listed beside it because the core requires it without declaring it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=${1:?usage: install-node-sdk.sh DIR}
mkdir -p "$target"
if cmp -s "$here/package.json" "$target/package.json" && [[ -d $target/node_modules/@huaweicloud/huaweicloud-sdk-core ]]; then
  exit 0
fi
cp "$here/package.json" "$target/package.json"
(cd "$target" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
