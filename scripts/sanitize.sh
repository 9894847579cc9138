#!/usr/bin/env bash
# sanitize.sh: builds csmsd and its unit and integration suites with AddressSanitizer and UndefinedBehaviorSanitizer,
# runs them, and fails on any test failure or any sanitizer report (the daemon's included). Extra args go to ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_SANITIZE_BUILD_DIR:-$root/build-sanitize}

"$root/scripts/install-deps.sh" test
# -O1 keeps the instrumented suites fast enough for CI while the stacks stay readable.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" -DCSMSD_SANITIZE=address,undefined \
      -DCSMSD_BUILD_TESTS=ON -DCSMSD_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"

# Reports go to files rather than only to stderr: a daemon's report would otherwise sit unread in its temp log.
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -L 'unit|integration' "$@" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize.sh: sanitizer reports:" >&2
  for report in "$reports"/*; do
    echo "=== $report" >&2
    cat "$report" >&2
  done
  status=1
fi
exit $status
