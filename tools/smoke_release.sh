#!/usr/bin/env bash
# Starts the release binary the way `make run` does (fresh data directory, demo catalog), checks
# /healthz and /readyz answer 200 and / serves the web portal (web/dist), then stops it with SIGTERM and expects a clean exit. Keeps the
# `make run` promise checked by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=build/release/creditd
data=$(mktemp -d)
log="$data/server.log"
"$binary" serve --data "$data/data" --listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
port=""
for _ in $(seq 1 100); do
  port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "smoke_release: the release binary did not start:" >&2
  cat "$log" >&2
  exit 1
fi
for path in /healthz /readyz; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  if [ "$status" != 200 ]; then
    echo "smoke_release: GET $path answered $status" >&2
    exit 1
  fi
done
# The portal and a deep link of it: the app's page, not an API error.
for path in / /credit/recharge; do
  if ! curl -sf "http://127.0.0.1:$port$path" | grep -q '<div id="root"></div>'; then
    echo "smoke_release: GET $path did not serve the web portal (is web/dist built?)" >&2
    exit 1
  fi
done
kill -TERM "$pid"
if ! wait "$pid"; then
  echo "smoke_release: the server did not exit cleanly after SIGTERM" >&2
  cat "$log" >&2
  exit 1
fi
grep -q 'catalog loaded into the database: 4 credit packs, 3 memberships, 8 tools, 5 plans' "$log"
echo "smoke_release: $binary served /healthz, /readyz and the portal on port $port and stopped cleanly"
