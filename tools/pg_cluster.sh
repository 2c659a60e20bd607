#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for the test suites, on 127.0.0.1 and a
# free high port, in a directory of its own (never the system cluster).
#
#   tools/pg_cluster.sh start DIR   # initdb + pg_ctl start; prints the admin DSN
#   tools/pg_cluster.sh stop DIR    # stops the postmaster by the PID in its pid file
#
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    mkdir -p "$dir/sock" && [ "$(id -u)" -ne 0 ] || chown postgres "$dir/sock"
    for _ in $(seq 1 20); do
      port=$((20000 + RANDOM % 40000))
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
          -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB" \
          start >/dev/null 2>&1; then
        echo "postgres://postgres@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    echo "pg_cluster: could not start PostgreSQL; see $dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      pid=$(head -n 1 "$dir/data/postmaster.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
