#!/usr/bin/env bash
# smoke_test.sh: the bench tools still work against today's daemon: every loadgen scenario for a moment, and the
# storage ceiling for a few transactions (CI runs this; the real measurements are scripts/bench.sh).
# Usage: smoke_test.sh CSMSD CSMSCTL LOADGEN CEILING
set -euo pipefail
csmsd=$1 csmsctl=$2 loadgen=$3 ceiling=$4
tmp=$(mktemp -d)
daemon_pid=""
cleanup() {
  if [[ -n $daemon_pid ]]; then kill -TERM "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$csmsd" --data-dir "$tmp/data" --listen "unix:$tmp/s.sock" --listen 127.0.0.1:0 --log-level warning >"$tmp/out" 2>"$tmp/err" &
daemon_pid=$!
for _ in $(seq 100); do
  grep -q '^csmsd: ready' "$tmp/out" && break
  sleep 0.1
done
grep -q '^csmsd: ready' "$tmp/out" || { echo "csmsd did not start:"; cat "$tmp/err"; exit 1; }

"$loadgen" --unix "$tmp/s.sock" --prepare 6 --prepare-connections 3 --prepare-only
for scenario in read-latest read-stage list create-version move-stage mixed; do
  # loadgen exits 1 when any answer was not 2xx
  "$loadgen" --unix "$tmp/s.sock" --secrets 6 --scenario "$scenario" --connections 3 --requests 60 --json
done
# Over TCP every request is signed with an access key, as the SDKs do.
tcp=$(sed -n 's/^csmsd: listening on tcp:\(.*\)$/\1/p' "$tmp/out")
key=$("$csmsctl" --socket "$tmp/s.sock" credential create --type access-key --role writer \
        --project 0123456789abcdef0123456789abcdef 2>/dev/null)
ak=$(sed -n 's/.*"access_key" *: *"\([^"]*\)".*/\1/p' <<<"$key")
sk=$(sed -n 's/.*"secret_key" *: *"\([^"]*\)".*/\1/p' <<<"$key")
[[ -n $tcp && -n $ak && -n $sk ]] || { echo "no TCP listener or access key: $tcp / $key"; exit 1; }
for scenario in read-latest create-version; do
  "$loadgen" --tcp "$tcp" --ak "$ak" --sk "$sk" --secrets 6 --scenario "$scenario" --connections 2 --requests 40 --json
done
"$ceiling" --db "$tmp/ceiling.db" --secrets 6 --transactions 20 --json
echo "bench smoke test passed"
