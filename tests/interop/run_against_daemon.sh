#!/usr/bin/env bash
# run_against_daemon.sh: starts a throwaway csmsd on loopback TCP, runs one client against it, stops the daemon.
# Usage: run_against_daemon.sh CSMSD_BINARY CLIENT [CLIENT ARGS...]
# The client gets "--endpoint http://127.0.0.1:PORT --project-id <32 hex>" appended. The exit status is the
# client's, or 1 if the daemon did not start or did not stop cleanly.
set -euo pipefail
csmsd=${1:?usage: run_against_daemon.sh CSMSD_BINARY CLIENT [ARGS...]}
shift
work=$(mktemp -d /tmp/csmsd-interop.XXXXXX)
daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$csmsd" --data-dir "$work/data" --listen "unix:$work/api.sock" --listen 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
daemon_pid=$!
for _ in $(seq 1 200); do
  grep -q '^csmsd: ready$' "$work/stdout" 2>/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "csmsd exited during start:" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's/^csmsd: listening on tcp:127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/stdout")
[[ -n $port ]] || { echo "csmsd did not report a TCP port:" >&2; cat "$work/stdout" "$work/stderr" >&2; exit 1; }

project_id=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
status=0
"$@" --endpoint "http://127.0.0.1:$port" --project-id "$project_id" || status=$?

kill -TERM "$daemon_pid"
if ! wait "$daemon_pid"; then
  echo "csmsd did not exit cleanly after SIGTERM:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
daemon_pid=
if [[ $status -ne 0 ]]; then
  echo "--- csmsd log ---" >&2
  cat "$work/stderr" >&2
fi
exit "$status"
