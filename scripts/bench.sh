#!/usr/bin/env bash
# bench.sh: the csmsd benchmark in one command: installs, builds, prepares vaults, runs the scenario matrix and its
# ceilings (nginx for HTTP, csmsd-sqlite-ceiling for storage) in the same run, and prints one table with the targets.
#
# Usage: scripts/bench.sh [--quick] [--duration DUR] [--warmup DUR] [--vault-size N] [--large-vault-size N]
#                         [--scenarios "A B"] [--connections "1 16 64"] [--transports "unix tcp"]
#                         [--stores "sqlite postgres"] [--out DIR] [--data-root DIR] [--build-dir DIR] [--no-build] [--no-install] [--keep-data]
# Method and figures: BENCHMARKS.md. Raw results: OUT/results.jsonl (one JSON object a line), the table: OUT/table.txt.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench
out=""
data_root=""
duration=""
warmup=""
quick=0
vault_size=1000
large_vault_size=""
scenarios=""
connections="1 16 64"
transports="unix tcp"
# postgres: the same scenarios again on the PostgreSQL store (a throw-away, fsync-on cluster of Debian's server),
# reported beside the SQLite figures of the same run.
stores="sqlite"
no_build=0
no_install=0
keep_data=0
# Preparation runs against a daemon whose vault is on tmpfs: at one fsync per transaction a 100k vault (300k
# transactions) would take a quarter of an hour on an ordinary disk, and the files are the same either way.
prepare_connections=32
project=0123456789abcdef0123456789abcdef

usage() {
  sed -n '5,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --vault-size) vault_size=$2; shift ;;
    --large-vault-size) large_vault_size=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --connections) connections=$2; shift ;;
    --transports) transports=$2; shift ;;
    --stores) stores=$2; shift ;;
    --out) out=$2; shift ;;
    --data-root) data_root=$2; shift ;;
    --build-dir) build=$2; shift ;;
    --no-build) no_build=1 ;;
    --no-install) no_install=1 ;;
    --keep-data) keep_data=1 ;;
    -h|--help) usage 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done

# --quick: every scenario a target check needs (reads, single-client and 64-client writes, list), shorter runs, no
# 100k vault unless asked for.
if [[ $quick -eq 1 ]]; then
  : "${duration:=3s}" "${warmup:=500ms}" "${scenarios:=read-latest create-version list}" "${large_vault_size:=0}"
else
  : "${duration:=5s}" "${warmup:=1s}" "${scenarios:=read-latest read-stage create-version move-stage list mixed}"
  : "${large_vault_size:=100000}"
fi
build=$(mkdir -p "$build" && cd "$build" && pwd)
out=${out:-$build/bench-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
data_root=${data_root:-$out}
mkdir -p "$data_root"
results=$out/results.jsonl
: >"$results"
python=/usr/bin/python3

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------- setup

install_packages() {
  "$root/scripts/install-deps.sh" build
  # nginx is the HTTP ceiling (Debian 12's nginx package is the server itself; nginx-light is only a transitional
  # name), sqlite3 for looking at vaults, python3 for the table.
  local missing=() package status
  local wanted=(nginx sqlite3 python3 procps)
  [[ " $stores " == *" postgres "* ]] && wanted+=(postgresql)
  for package in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  log "installing ${missing[*]}"
  local sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to install ${missing[*]}"
    sudo_cmd=(sudo)
  fi
  # The package's own nginx.service is not wanted: policy-rc.d or the missing init keep it from starting here.
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_binaries() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCSMSD_BUILD_TESTS=OFF -DCSMSD_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target csmsd csmsctl csmsd-loadgen csmsd-sqlite-ceiling -j"$(nproc)"
}

[[ $no_install -eq 1 ]] || install_packages
[[ $no_build -eq 1 ]] || build_binaries
for binary in csmsd csmsctl csmsd-loadgen csmsd-sqlite-ceiling; do
  [[ -x $build/$binary ]] || die "$build/$binary is missing (build with -DCSMSD_BUILD_BENCH=ON)"
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || die "nginx is not installed"
[[ -x $python ]] || die "$python is not installed"

# Unix socket paths must stay short (108 bytes), so sockets live in their own directory under /tmp.
scratch=$(mktemp -d /tmp/csmsd-bench.XXXXXX)
prepare_root=$scratch
if [[ -d /dev/shm && -w /dev/shm ]]; then
  prepare_root=$(mktemp -d /dev/shm/csmsd-bench-prepare.XXXXXX)
else
  log "no writable /dev/shm: preparing on disk, which is slow (one fsync per transaction)"
fi

csmsd_pid=""
csmsd_fd=""
nginx_pid=""
pg_dir=""
vaults=()
cleanup() {
  set +e
  [[ -n $csmsd_pid ]] && kill -TERM "$csmsd_pid" 2>/dev/null && wait "$csmsd_pid" 2>/dev/null
  if [[ -n $pg_dir ]]; then
    "$root/scripts/pg-cluster.sh" stop "$pg_dir"
    rm -rf "$pg_dir"
  fi
  [[ -n $nginx_pid ]] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$scratch"
  [[ $prepare_root != "$scratch" ]] && rm -rf "$prepare_root"
  if [[ $keep_data -eq 0 ]]; then
    local vault
    for vault in "${vaults[@]}"; do rm -rf "$vault"; done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# record JSON [KEY VALUE]...: appends the JSON object to the results with the extra fields in front of its own; a
# VALUE that reads as JSON (a number, an object) is kept as such, anything else is a string.
record() {
  $python -c 'import json, sys
def value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text
fields = dict(zip(sys.argv[2::2], map(value, sys.argv[3::2])))
fields.update(json.loads(sys.argv[1]))
print(json.dumps(fields))' "$@" >>"$results" || log "not recorded (not JSON): $1"
}

# pick EXPR: prints the Python expression EXPR, evaluated with r = the JSON object on stdin.
pick() { $python -c 'import json, sys; r = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
elapsed_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

machine_facts() {
  local cpu kernel fs
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  kernel=$(uname -r)
  fs=$(df -T "$data_root" | awk 'NR == 2 { print $2 " on " $1 }')
  $python -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
    date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" nproc "$(nproc)" cpu "$cpu" kernel "$kernel" data_fs "$fs" \
    commit "$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)" duration "$duration" \
    warmup "$warmup" mode "$([[ $quick -eq 1 ]] && echo quick || echo full)" \
    load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
}
record "$(machine_facts)" kind meta

# ---------------------------------------------------------------------------------------------------------- csmsd

csmsd_sock=""
csmsd_tcp=""
csmsd_ready_ms=""
# Flags for the next start_csmsd beyond the data directory and listeners (the PostgreSQL store's --store).
csmsd_store_args=()

# Starts csmsd on DIR with a Unix socket and 127.0.0.1:0, reads its "listening on" lines and times "ready" from the
# moment before the process is spawned.
start_csmsd() {
  local dir=$1 name=$2 line t0 t1=""
  csmsd_sock=$scratch/$name.sock
  csmsd_tcp=""
  rm -f "$scratch/csmsd.out"
  mkfifo "$scratch/csmsd.out"
  t0=$EPOCHREALTIME
  "$build/csmsd" --data-dir "$dir" --listen "unix:$csmsd_sock" --listen 127.0.0.1:0 "${csmsd_store_args[@]}" \
    >"$scratch/csmsd.out" 2>>"$out/csmsd-$name.log" &
  csmsd_pid=$!
  exec {csmsd_fd}<"$scratch/csmsd.out"
  while IFS= read -r -t 120 -u "$csmsd_fd" line; do
    case $line in
      "csmsd: listening on tcp:"*) csmsd_tcp=${line#csmsd: listening on tcp:} ;;
      "csmsd: ready") t1=$EPOCHREALTIME; break ;;
    esac
  done
  [[ -n $t1 && -n $csmsd_tcp ]] || die "csmsd did not start (see $out/csmsd-$name.log)"
  csmsd_ready_ms=$(elapsed_ms "$t0" "$t1")
  # Keep draining its stdout so a later line can never block it.
  cat <&"$csmsd_fd" >>"$out/csmsd-$name.log" &
  exec {csmsd_fd}<&-
}

stop_csmsd() {
  kill -TERM "$csmsd_pid"
  wait "$csmsd_pid" || true
  csmsd_pid=""
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# A fresh vault in DEST with bench-0..N-1 (3 versions each; BENCH-A/BENCH-B on the first STAGED), prepared on tmpfs
# and copied over, so only the measured daemon runs on the real disk.
prepare_vault() {
  local size=$1 staged=$2 dest=$3 t0 t1
  local work=$prepare_root/vault-$size
  rm -rf "$work" "$dest"
  mkdir -p "$work"
  t0=$EPOCHREALTIME
  start_csmsd "$work/data" "prepare-$size"
  "$build/csmsd-loadgen" --unix "$csmsd_sock" --project "$project" --prepare "$size" --prepare-stages "$staged" \
    --prepare-connections "$prepare_connections" --prepare-only 2>>"$out/loadgen.log"
  stop_csmsd
  mkdir -p "$(dirname "$dest")"
  cp -a "$work/data" "$dest"
  rm -rf "$work"
  t1=$EPOCHREALTIME
  vaults+=("$dest")
  log "prepared a vault of $size secrets in $(elapsed_s "$t0" "$t1") s"
  record '{}' kind prepare vault "$size" seconds "$(elapsed_s "$t0" "$t1")"
}

access_key=""
secret_key=""
create_key() {
  local created
  created=$("$build/csmsctl" --socket "$csmsd_sock" credential create --type access-key --role writer \
    --project "$project" 2>/dev/null)
  access_key=$(pick 'r["access_key"]' <<<"$created")
  secret_key=$(pick 'r["secret_key"]' <<<"$created")
  [[ -n $access_key && -n $secret_key ]] || die "no access key from csmsctl"
}

# ---------------------------------------------------------------------------------------------------------- nginx

nginx_dir=$scratch/nginx
nginx_sock=$nginx_dir/nginx.sock
nginx_port=""

free_port() {
  $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# nginx with ONE worker answers every path with a body of the size csmsd gives for the same request: a stage answer
# under /stages/, a list page for /secrets, a read-latest answer for the rest. The bodies are csmsd's own answers.
start_nginx() {
  mkdir -p "$nginx_dir/www"
  nginx_port=$(free_port)
  cat >"$nginx_dir/nginx.conf" <<EOF
# Generated by scripts/bench.sh: the HTTP ceiling.
worker_processes 1;
user $(id -un) $(id -gn);
pid $nginx_dir/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $nginx_dir/client_body;
  proxy_temp_path $nginx_dir/proxy;
  fastcgi_temp_path $nginx_dir/fastcgi;
  uwsgi_temp_path $nginx_dir/uwsgi;
  scgi_temp_path $nginx_dir/scgi;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  # The bodies stay open: a file open per request is not part of an HTTP ceiling.
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  default_type application/json;
  root $nginx_dir/www;
  server {
    listen unix:$nginx_sock;
    listen 127.0.0.1:$nginx_port;
    location ~ /stages/ { rewrite ^ /stage.json break; }
    location ~ /secrets\$ { rewrite ^ /list.json break; }
    location / { rewrite ^ /read.json break; }
  }
}
EOF
  "$nginx_bin" -p "$nginx_dir" -e "$out/nginx-error.log" -c "$nginx_dir/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  local tries
  for tries in $(seq 50); do
    curl -sf --unix-socket "$nginx_sock" -o /dev/null http://localhost/ && return
    sleep 0.1
  done
  die "nginx did not start (see $out/nginx-error.log)"
}

# Saves csmsd's answers to the three read requests as nginx's bodies.
capture_bodies() {
  local base=http://localhost/v1/$project/secrets
  curl -sf --unix-socket "$csmsd_sock" -o "$nginx_dir/www/read.json" "$base/bench-0/versions/latest"
  curl -sf --unix-socket "$csmsd_sock" -o "$nginx_dir/www/stage.json" "$base/bench-0/stages/SYSCURRENT"
  curl -sf --unix-socket "$csmsd_sock" -o "$nginx_dir/www/list.json" "$base?limit=50"
  local www=$nginx_dir/www
  record '{}' kind bodies read_bytes "$(stat -c %s "$www/read.json")" stage_bytes "$(stat -c %s "$www/stage.json")" \
    list_bytes "$(stat -c %s "$www/list.json")"
}

# ---------------------------------------------------------------------------------------------------------- runs

# One closed-loop run: SERVER (csmsd|nginx) VAULT TRANSPORT (unix|tcp) SCENARIO CONNECTIONS SECRETS. Over TCP both
# servers get signed requests, so the generator does the same work for each.
run_load() {
  local server=$1 vault=$2 transport=$3 scenario=$4 conns=$5 secrets=$6 target=() json
  if [[ $server == csmsd* ]]; then
    [[ $transport == unix ]] && target=(--unix "$csmsd_sock") || target=(--tcp "$csmsd_tcp")
  else
    [[ $transport == unix ]] && target=(--unix "$nginx_sock") || target=(--tcp "127.0.0.1:$nginx_port")
  fi
  if [[ $transport == tcp ]]; then target+=(--ak "$access_key" --sk "$secret_key"); fi
  json=$("$build/csmsd-loadgen" "${target[@]}" --project "$project" --secrets "$secrets" --scenario "$scenario" \
    --connections "$conns" --threads 1 --duration "$duration" --warmup "$warmup" --json 2>>"$out/loadgen.log") || true
  record "$json" kind run server "$server" vault "$vault" transport "$transport"
  log "$server vault=$vault $transport $scenario x$conns: $(pick '"%.0f req/s, p99 %.2f ms, errors %d" % (
    r["requests_per_s"], r["latency_us"]["p99"] / 1000, r["errors"])' <<<"$json" 2>/dev/null || echo "no result")"
}

is_read() { [[ $1 == read-latest || $1 == read-stage || $1 == list ]]; }

# Half of a duration, in milliseconds (the storage ceiling runs half before and half after its write run).
half_duration() {
  local text=$1 amount unit
  amount=${text%%[!0-9]*}
  unit=${text#"$amount"}
  case $unit in
    ms) echo "$((amount / 2))ms" ;;
    s|"") echo "$((amount * 500))ms" ;;
    m) echo "$((amount * 30000))ms" ;;
    *) die "bad duration $text" ;;
  esac
}

# The storage ceiling around the write run SCENARIO TRANSPORT CONNECTIONS it is compared with, PHASE before or after
# it, half the duration each: fsync times on a shared virtual disk swing by several times from minute to minute, so
# each write run gets its own ceiling, taken on both sides of it.
storage_ceiling() {
  local scenario=$1 transport=$2 conns=$3 phase=$4 json
  json=$("$build/csmsd-sqlite-ceiling" --db "$data_root/sqlite-ceiling.db" --secrets "$vault_size" \
    --project "$project" --duration "$(half_duration "$duration")" --json)
  record "$json" server sqlite vault "$vault_size" phase "$phase" \
    for "{\"scenario\":\"$scenario\",\"transport\":\"$transport\",\"connections\":$conns}"
  log "storage ceiling ($phase): $(pick '"%.0f tx/s, p50 %.2f ms" % (r["transactions_per_s"], r["latency_us"]["p50"] / 1000)' \
    <<<"$json")"
}

# Reads first (they do not change the vault), then the writes.
ordered=()
for scenario in read-latest read-stage list create-version move-stage mixed; do
  [[ " $scenarios " == *" $scenario "* ]] && ordered+=("$scenario")
done
[[ ${#ordered[@]} -gt 0 ]] || die "no known scenario in '$scenarios'"

started=$EPOCHREALTIME
log "results in $out"

main_vault=$data_root/vault-$vault_size
prepare_vault "$vault_size" "$vault_size" "$main_vault"
start_csmsd "$main_vault" "vault-$vault_size"
record '{}' kind startup vault "$vault_size" ready_ms "$csmsd_ready_ms"
create_key
mkdir -p "$nginx_dir/www"
capture_bodies
start_nginx

for scenario in "${ordered[@]}"; do
  for transport in $transports; do
    for conns in $connections; do
      # Every run is next to its ceiling, so both see the same moment of a shared machine.
      if ! is_read "$scenario"; then storage_ceiling "$scenario" "$transport" "$conns" before; fi
      run_load csmsd "$vault_size" "$transport" "$scenario" "$conns" "$vault_size"
      if is_read "$scenario"; then
        run_load nginx "$vault_size" "$transport" "$scenario" "$conns" "$vault_size"
      else
        storage_ceiling "$scenario" "$transport" "$conns" after
      fi
    done
  done
done
# Mixed runs are compared with a blend of the read and storage ceilings, so nginx's read-latest is needed too.
if [[ " ${ordered[*]} " == *" mixed "* && " ${ordered[*]} " != *" read-latest "* ]]; then
  for transport in $transports; do
    for conns in $connections; do run_load nginx "$vault_size" "$transport" read-latest "$conns" "$vault_size"; done
  done
fi
record '{}' kind memory vault "$vault_size" rss_kb "$(rss_kb "$csmsd_pid")"
stop_csmsd

if [[ $large_vault_size -gt 0 ]]; then
  # The large vault: start-up time, memory and read/list throughput against the small one at 16 connections.
  large_vault=$data_root/vault-$large_vault_size
  prepare_vault "$large_vault_size" 0 "$large_vault"
  start_csmsd "$large_vault" "vault-$large_vault_size"
  record '{}' kind startup vault "$large_vault_size" ready_ms "$csmsd_ready_ms"
  log "vault of $large_vault_size secrets ready in $csmsd_ready_ms ms"
  create_key
  for scenario in read-latest list; do
    for transport in $transports; do
      run_load csmsd "$large_vault_size" "$transport" "$scenario" 16 "$large_vault_size"
      # nginx again at this moment, so the comparison with the small vault can discount the machine's drift.
      run_load nginx "$large_vault_size" "$transport" "$scenario" 16 "$large_vault_size"
    done
  done
  record '{}' kind memory vault "$large_vault_size" rss_kb "$(rss_kb "$csmsd_pid")"
  stop_csmsd
fi

if [[ " $stores " == *" postgres "* ]]; then
  # The PostgreSQL store: the same scenarios on a vault of the same size, held by a local PostgreSQL server with
  # fsync on (what production runs), over its Unix socket. Prepared in place: copying a database is not a cp.
  pg_dir=$(mktemp -d /tmp/csmsd-bench-pg.XXXXXX)
  pg_uri=$(CSMSD_PG_DURABLE=1 "$root/scripts/pg-cluster.sh" start "$pg_dir")
  psql "$pg_uri" -q -c "CREATE DATABASE csmsd_bench" >/dev/null
  csmsd_store_args=(--store "host=$pg_dir port=5432 user=postgres dbname=csmsd_bench")
  pg_vault=$scratch/pg-vault
  t0=$EPOCHREALTIME
  start_csmsd "$pg_vault" "postgres-$vault_size"
  record '{}' kind startup store postgres vault "$vault_size" ready_ms "$csmsd_ready_ms"
  "$build/csmsd-loadgen" --unix "$csmsd_sock" --project "$project" --prepare "$vault_size" \
    --prepare-stages "$vault_size" --prepare-connections "$prepare_connections" --prepare-only 2>>"$out/loadgen.log"
  log "prepared a PostgreSQL vault of $vault_size secrets in $(elapsed_s "$t0" "$EPOCHREALTIME") s"
  create_key
  for scenario in "${ordered[@]}"; do
    for transport in $transports; do
      for conns in $connections; do
        run_load csmsd-postgres "$vault_size" "$transport" "$scenario" "$conns" "$vault_size"
      done
    done
  done
  record '{}' kind memory store postgres vault "$vault_size" rss_kb "$(rss_kb "$csmsd_pid")"
  stop_csmsd
  csmsd_store_args=()
fi

kill -QUIT "$nginx_pid"
wait "$nginx_pid" || true
nginx_pid=""
record '{}' kind total seconds "$(elapsed_s "$started" "$EPOCHREALTIME")" \
  load_after "$(cut -d' ' -f1-3 /proc/loadavg)"

$python "$root/bench/bench_table.py" "$results" | tee "$out/table.txt"
log "raw results: $results"
