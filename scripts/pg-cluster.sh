#!/usr/bin/env bash
# pg-cluster.sh: a throw-away PostgreSQL cluster in a directory of its own, for the tests of the PostgreSQL store.
# Usage: scripts/pg-cluster.sh start DIR   (initdb on first use, start; prints the connection URI)
#        scripts/pg-cluster.sh stop DIR
#        scripts/pg-cluster.sh uri DIR
# The server listens only on a Unix socket inside DIR (no TCP port), trusts local connections, and runs with
# fsync off: it holds test data only (CSMSD_PG_DURABLE=1 keeps PostgreSQL's durable defaults, for benchmarks). As root
# it runs as the `postgres` user (initdb refuses root).
set -euo pipefail

command=${1:-}
dir=${2:-}
if [[ -z $command || -z $dir ]]; then
  echo "usage: $0 start|stop|uri DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
uri="postgresql:///postgres?host=${dir}&port=5432&user=postgres"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
  echo "pg-cluster: no PostgreSQL server binaries under /usr/lib/postgresql (run scripts/install-deps.sh test)" >&2
  exit 3
fi

as_owner=()
if [[ $(id -u) == 0 ]]; then
  as_owner=(runuser -u postgres --)
  chown postgres: "$dir"
fi

case $command in
  start)
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    durability="-c fsync=off -c full_page_writes=off"
    [[ ${CSMSD_PG_DURABLE:-0} == 1 ]] && durability=""
    if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses='' -p 5432 $durability -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "$uri"
    ;;
  stop)
    if [[ -f $dir/data/PG_VERSION ]]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  uri)
    echo "$uri"
    ;;
  *)
    echo "usage: $0 start|stop|uri DIR" >&2
    exit 2
    ;;
esac
