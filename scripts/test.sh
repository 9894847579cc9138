#!/usr/bin/env bash
# test.sh: installs what is missing, builds csmsd and every test suite, and runs them all with ctest
# (unit, integration with the crash, storage-fault and hostile-input tests, the interop suite that drives the daemon
# through the official npm SDK core, and a smoke test of the benchmark tools); then the sanitizer and fuzzing job
# (scripts/sanitize.sh, one clang build): the unit and integration suites again under ASan and UBSan, and each
# libFuzzer target for CSMSD_FUZZ_SECONDS (default 60) from the corpus in fuzz/. CSMSD_TEST_SANITIZERS=0 skips that
# job, CSMSD_TEST_FUZZ=0 only its fuzzing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CSMSD_TEST_BUILD_DIR:-$root/build-test}

"$root/scripts/install-deps.sh" test
# lintian, dpkg-shlibdeps and systemd-sysusers for the package test (label "package", about 25 s).
"$root/scripts/install-deps.sh" package
"$root/tests/interop/install-node-sdk.sh" "$build/interop-node"
python_sdk=(-DCSMSD_PY_SDK_DIR=)
if [[ -n ${CSMS_PY_SDK_DIR:-} ]]; then
  "$root/scripts/install-deps.sh" python-sdk
  python_sdk=(-DCSMSD_PY_SDK_DIR="$CSMS_PY_SDK_DIR")
else
  echo "test.sh: the Python SDK interop test is not run (PyPI is unreachable here; see tests/interop/README.md)"
fi
# Optimised without debug information: -g nearly doubles the compile time of the Asio code, and the sanitizer job's
# build keeps line tables for the stacks that matter.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      -DCSMSD_BUILD_TESTS=ON -DCSMSD_BUILD_BENCH=ON \
      -DCSMSD_NODE_SDK_DIR="$build/interop-node" "${python_sdk[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
cmake --build "$build" --target check-headers -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
if [[ ${CSMSD_TEST_SANITIZERS:-1} != 0 ]]; then
  "$root/scripts/sanitize.sh" "$@"
fi
