#!/usr/bin/env bash
# run_against_daemon.sh: starts a throwaway csmsd on loopback TCP, creates a writer access key for a fresh project
# with csmsctl over the daemon's Unix socket, runs one client against it, stops the daemon.
# Usage: [CSMS_INTEROP_TLS=1] run_against_daemon.sh CSMSD_BINARY CLIENT [CLIENT ARGS...]
# The client gets "--endpoint http(s)://127.0.0.1:PORT --project-id <32 hex> --ak AK --sk SK" appended, and with
# CSMS_INTEROP_TLS=1 also "--ca-file CA" (the daemon then serves TLS with a certificate that CA signed, made here
# with the openssl command). csmsctl is taken from beside CSMSD_BINARY. The exit status is the client's, or 1 if
# the daemon did not start or did not stop cleanly.
set -euo pipefail
csmsd=${1:?usage: run_against_daemon.sh CSMSD_BINARY CLIENT [ARGS...]}
shift
csmsctl=$(dirname "$csmsd")/csmsctl
work=$(mktemp -d /tmp/csmsd-interop.XXXXXX)
daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tls_args=()
client_tls=()
scheme=http
if [[ ${CSMS_INTEROP_TLS:-} == 1 ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=csmsd interop CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    >"$work/server.ext"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/server.ext" -out "$work/server.pem" 2>/dev/null
  tls_args=(--tls-cert "$work/server.pem" --tls-key "$work/server.key")
  client_tls=(--ca-file "$work/ca.pem")
  scheme=https
fi

"$csmsd" --data-dir "$work/data" --listen "unix:$work/api.sock" --listen 127.0.0.1:0 "${tls_args[@]}" \
  >"$work/stdout" 2>"$work/stderr" &
daemon_pid=$!
for _ in $(seq 1 200); do
  grep -q '^csmsd: ready$' "$work/stdout" 2>/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "csmsd exited during start:" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's/^csmsd: listening on \(tcp\|tls\):127\.0\.0\.1:\([0-9]*\)$/\2/p' "$work/stdout")
[[ -n $port ]] || { echo "csmsd did not report a TCP port:" >&2; cat "$work/stdout" "$work/stderr" >&2; exit 1; }

project_id=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$csmsctl" --socket "$work/api.sock" credential create --type access-key --role writer --project "$project_id" \
  --description interop >"$work/credential.json" 2>/dev/null
ak=$(sed -n 's/^ *"access_key": "\([A-Z0-9]*\)".*/\1/p' "$work/credential.json")
sk=$(sed -n 's/^ *"secret_key": "\([A-Za-z0-9]*\)".*/\1/p' "$work/credential.json")
[[ -n $ak && -n $sk ]] || { echo "csmsctl did not create an access key" >&2; exit 1; }

status=0
"$@" --endpoint "$scheme://127.0.0.1:$port" --project-id "$project_id" --ak "$ak" --sk "$sk" "${client_tls[@]}" ||
  status=$?

# Every request of the run is in the audit log, and no value, secret key or token is.
audit_status=0
if ! grep -q '"caller_id":"'"$ak"'"' "$work/data/audit.log"; then
  echo "the audit log has no record of the client's access key" >&2
  audit_status=1
fi
if grep -q -e "$sk" -e 'secret_string' "$work/data/audit.log"; then
  echo "the audit log holds a secret key or a value" >&2
  audit_status=1
fi

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
[[ $status -ne 0 ]] && exit "$status"
exit "$audit_status"
