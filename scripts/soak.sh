#!/usr/bin/env bash
# soak.sh: a mixed workload against one csmsd for a long time (default 10 min), sampling throughput and resident
# memory each slice; fails if memory keeps growing once warm. Not part of CI (it is meant to run for minutes).
# Usage: scripts/soak.sh [--duration 10m] [--slice 30s] [--secrets 1000] [--no-build]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_BENCH_BUILD_DIR:-$root/build-bench}
duration=600 slice=30 secrets=1000 no_build=0
seconds_of() {  # 90, 90s, 10m, 1h -> seconds
  case $1 in
    *h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$(seconds_of "$2"); shift 2 ;;
    --slice) slice=$(seconds_of "$2"); shift 2 ;;
    --secrets) secrets=$2; shift 2 ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n 2,4p "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [[ $no_build -eq 0 ]]; then
  "$root/scripts/install-deps.sh" build
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCSMSD_BUILD_TESTS=OFF -DCSMSD_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target csmsd csmsd-loadgen -j"$(nproc)"
fi

work=$(mktemp -d /tmp/csmsd-soak.XXXXXX)
csmsd_pid=""
cleanup() {
  [[ -n $csmsd_pid ]] && kill -TERM "$csmsd_pid" 2>/dev/null && wait "$csmsd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 0700 "$work/data"
sock=$work/csmsd.sock
project=0123456789abcdef0123456789abcdef
# A short grace so the pruner deletes versions all along: the soak covers deletions, not only inserts.
"$build/csmsd" --data-dir "$work/data" --listen "unix:$sock" --prune-interval 5s --prune-grace 10s \
  >"$work/csmsd.out" 2>"$work/csmsd.log" &
csmsd_pid=$!
for _ in $(seq 100); do grep -q '^csmsd: ready' "$work/csmsd.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^csmsd: ready' "$work/csmsd.out" || { cat "$work/csmsd.log" >&2; exit 1; }
"$build/csmsd-loadgen" --unix "$sock" --project "$project" --prepare "$secrets" --prepare-connections 16 \
  --prepare-only 2>>"$work/loadgen.log"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$csmsd_pid/status"; }
# The database with its WAL (bounded by the version cap and pruning); the audit log grows by design (logrotate).
db_kib() { du -ck "$work/data"/csmsd.db* | awk 'END { print $1 }'; }
audit_kib() { du -k "$work/data/audit.log" | awk '{ print $1 }'; }
rate() { sed -n 's/.*"requests_per_s":\([0-9.eE+-]*\).*/\1/p' <<<"$1" | awk '{ printf "%.0f", $1 }'; }
mib() { awk -v k="$1" 'BEGIN { print k / 1024 }'; }
errors() { sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$1"; }

printf '%8s %12s %12s %8s %8s %8s %9s\n' elapsed mixed_req_s stage_req_s errors rss_mib db_mib audit_mib
slices=$(( duration / slice ))
declare -a rss_samples=()
failed=0
for i in $(seq 1 "$slices"); do
  # Reads and new versions on 16 connections, stage moves on 4 more, at the same time.
  "$build/csmsd-loadgen" --unix "$sock" --project "$project" --secrets "$secrets" --scenario mixed \
    --connections 16 --duration "${slice}s" --json >"$work/mixed.json" 2>>"$work/loadgen.log" &
  mixed_pid=$!
  "$build/csmsd-loadgen" --unix "$sock" --project "$project" --secrets "$secrets" --scenario move-stage \
    --connections 4 --duration "${slice}s" --json >"$work/move.json" 2>>"$work/loadgen.log" || failed=1
  wait "$mixed_pid" || failed=1
  mixed=$(cat "$work/mixed.json") move=$(cat "$work/move.json")
  rss=$(rss_kib)
  rss_samples+=("$rss")
  printf '%7ss %12s %12s %8s %8.1f %8.1f %9.1f\n' $(( i * slice )) "$(rate "$mixed")" "$(rate "$move")" \
    $(( $(errors "$mixed") + $(errors "$move") )) "$(mib "$rss")" "$(mib "$(db_kib)")" "$(mib "$(audit_kib)")"
done

# Flat means: after the first fifth (caches and the version cap reach their working size), resident memory never
# rises more than 10% (plus 2 MiB of allocator noise) above where it was then.
warm_index=$(( slices / 5 ))
warm=${rss_samples[$warm_index]}
peak=$warm
for (( j = warm_index; j < slices; j++ )); do (( rss_samples[j] > peak )) && peak=${rss_samples[j]}; done
limit=$(( warm + warm / 10 + 2048 ))
echo "resident memory: ${warm} KiB when warm, peak ${peak} KiB afterwards (limit ${limit} KiB)"
if (( peak > limit )); then
  echo "soak: FAIL: memory kept growing" >&2
  exit 1
fi
[[ $failed -eq 0 ]] || { echo "soak: FAIL: a load generator reported errors (see above)" >&2; exit 1; }
echo "soak: PASS"
