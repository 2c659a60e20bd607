#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster: starts it (tools/pg_cluster.sh),
# exports CREDITD_TEST_POSTGRES_DSN, runs "$@", and stops the cluster by its PID whatever the
# command's outcome. Exits with the command's status.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/creditd-pg-XXXXXX)
if ! dsn=$("$here/pg_cluster.sh" start "$dir"); then
  echo "with_postgres: could not start a PostgreSQL cluster" >&2
  cat "$dir/server.log" "$dir/initdb.log" 2>/dev/null >&2
  "$here/pg_cluster.sh" stop "$dir"
  exit 1
fi
trap '"$here/pg_cluster.sh" stop "$dir"' EXIT
echo "with_postgres: PostgreSQL 15 at ${dsn#*@}"
CREDITD_TEST_POSTGRES_DSN=$dsn "$@"
