#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer targets with clang (build-fuzz) and runs them, side by side, for a bounded time from the
# seed corpus. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 seconds each, every target)
# A CSMSD_FUZZ_BUILD_DIR already configured with CSMSD_BUILD_FUZZ=ON (scripts/sanitize.sh's) is built as it is.
# Fails on any crash, leak, timeout or sanitizer report and says where the input that caused it was written. The
# repository's corpus is not changed: each run works on a copy (new inputs stay in the run directory).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_http_request fuzz_json_body fuzz_sdk_signature)
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }

"$root/scripts/install-deps.sh" fuzz
if ! grep -qs '^CSMSD_BUILD_FUZZ:BOOL=ON$' "$build/CMakeCache.txt"; then
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCSMSD_BUILD_FUZZ=ON \
    -DCSMSD_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

run_dir=${CSMSD_FUZZ_RUN_DIR:-$build/fuzz-runs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$run_dir"
# Leaks are checked per input; ASan's own checks abort so that libFuzzer records the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
# libcrypto's own thread-local allocations are not leaks of ours (see fuzz/lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Each target gets its own process, its own copy of the corpus and its own log; they run at the same time.
run_target() {
  local target=$1 work="$run_dir/$1" status dict=()
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "$root/fuzz/corpus/$target/." "$work/corpus/"
  [[ -f $root/fuzz/$target.dict ]] && dict=(-dict="$root/fuzz/$target.dict")
  set +e
  (cd "$work" && "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" "$work/corpus" >"$work/log" 2>&1)
  status=$?
  set -e
  echo "$status" >"$work/status"
}
pids=()
for target in "${targets[@]}"; do
  echo "fuzz.sh: $target for ${seconds}s (log: $run_dir/$target/log)"
  run_target "$target" &
  pids+=($!)
done
wait "${pids[@]}" || true
failed=()
for target in "${targets[@]}"; do
  work="$run_dir/$target"
  status=$(cat "$work/status" 2>/dev/null || echo 1)
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
    "$work/log" | sed "s/^/fuzz.sh: $target: /" || true
  grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/log" | tail -n1 | sed "s/^/fuzz.sh: $target: /" || true
  if [[ $status -ne 0 ]] || compgen -G "$work/artifacts/*" >/dev/null; then
    failed+=("$target")
    echo "fuzz.sh: $target FAILED (exit $status); last lines of $work/log:" >&2
    tail -n 40 "$work/log" >&2
    for artifact in "$work"/artifacts/*; do
      [[ -e $artifact ]] && echo "fuzz.sh: $target: the crashing input is $artifact (add it to fuzz/regressions/$target/)" >&2
    done
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds}s without a finding"
