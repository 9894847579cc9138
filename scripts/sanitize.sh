#!/usr/bin/env bash
# sanitize.sh: the sanitizer and fuzzing job. One clang build (build-sanitize) instruments everything with
# AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's coverage hooks; it runs the unit and integration suites
# and fails on any test failure or any sanitizer report (the daemon's included), then, unless CSMSD_TEST_FUZZ=0, runs
# every libFuzzer target of that same build for CSMSD_FUZZ_SECONDS (default 60) from the corpus (scripts/fuzz.sh).
# Extra args go to ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_SANITIZE_BUILD_DIR:-$root/build-sanitize}

"$root/scripts/install-deps.sh" test
"$root/scripts/install-deps.sh" fuzz
# clang rather than g++: the fuzz targets need it, and one build serving both jobs is what fits CI's time budget.
# -O1 keeps the instrumented suites fast enough while the stacks stay readable; line tables alone give reports their
# file:line and cost far less to compile and link than full debug information.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
      -DCSMSD_BUILD_FUZZ=ON -DCSMSD_BUILD_TESTS=ON -DCSMSD_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"

# Reports go to files rather than only to stderr: a daemon's report would otherwise sit unread in its temp log.
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
status=0
(
  export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -L 'unit|integration' "$@"
) || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize.sh: sanitizer reports:" >&2
  for report in "$reports"/*; do
    echo "=== $report" >&2
    cat "$report" >&2
  done
  status=1
fi
if [[ ${CSMSD_TEST_FUZZ:-1} != 0 ]]; then
  CSMSD_FUZZ_BUILD_DIR=$build "$root/scripts/fuzz.sh" "${CSMSD_FUZZ_SECONDS:-60}" || status=1
fi
exit $status
