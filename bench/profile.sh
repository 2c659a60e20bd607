#!/usr/bin/env bash
# Where a request's time goes (run by `make bench-profile`; never part of the tests).
#
#   bench/profile.sh [charge|pairs|balance]     (default charge; make bench-profile LOAD=...)
#
# The release creditd on SQLite, pre-filled like `make bench` (10,000 accounts, 1,000,000
# entries), under one of wrk's loads (64 connections): one-step charges, reserve + capture pairs
# or balance reads. While the load runs it records each thread's CPU share over 4 s (from /proc)
# and a perf profile at 499 Hz, and writes bench/results/profile-sqlite-<load>.txt: requests per
# second, CPU by thread, samples by binary (all threads, then the busiest thread alone) and the
# top symbols.
#
# Every process started here is stopped by its PID. Only 127.0.0.1 is targeted.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$root/build/release/creditd
load_name=${1:-charge}
case "$load_name" in
  charge) script=bench/wrk/charge.lua ;;
  pairs) script=bench/wrk/reserve_capture.lua ;;
  balance) script=bench/wrk/balance.lua ;;
  *)
    echo "profile: unknown load '$load_name' (charge, pairs or balance)" >&2
    exit 2
    ;;
esac
work=$(mktemp -d /tmp/creditd-profile-XXXXXX)
out=$root/bench/results/profile-sqlite-$load_name.txt
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
status() { echo "profile: $*" >&2; }

data=$work/data
mkdir -p "$data"
"$bin" migrate --data "$data" >/dev/null
status "pre-filling 10,000 accounts and 1,000,000 entries"
printf '.parameter set :accounts 10000\n.read bench/prefill.sql\n' | sqlite3 "$data/creditd.db"
key=$("$bin" apikey create --name profile --data "$data" | awk '/ck_/ { for (i = 1; i <= NF; i++) if ($i ~ /^ck_/) print $i }')
port=$(node -e 'const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
CREDITD_ENV=development CREDITD_FREE_PLAN_CREDITS=false "$bin" serve --data "$data" \
  --listen "127.0.0.1:$port" --worker-threads 16 >"$work/creditd.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/register" \
  -H 'content-type: application/json' \
  -d '{"email":"profile@example.com","password":"profile-password-1"}' |
  node -e 'let t = ""; process.stdin.on("data", (c) => { t += c; });
    process.stdin.on("end", () => console.log(JSON.parse(t).data.access_token));')
export CREDITD_API_KEY=$key CREDITD_TOKEN=$token BENCH_ACCOUNTS=10000
status "$load_name load for 12 s: 2 s warm-up, 4 s of per-thread CPU, 5 s of perf"
wrk -t2 -c64 -d12s -s "$script" "http://127.0.0.1:$port" >"$work/wrk.out" 2>&1 &
load=$!
pids+=("$load")
sleep 2
ticks() {
  for task in /proc/"$server"/task/*; do
    echo "$(basename "$task") $(awk '{ print $14 + $15 }' "$task/stat")"
  done | sort
}
ticks >"$work/cpu1"
sleep 4
ticks >"$work/cpu2"
perf record -F 499 -g -p "$server" -o "$work/perf.data" -- sleep 5 >/dev/null 2>&1
wait "$load"
rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.out")
# The busiest thread: the group-commit writer under a charge load, an I/O thread under reads.
writer=$(join "$work/cpu1" "$work/cpu2" | awk '$3 - $2 > most { most = $3 - $2; tid = $1 } END { print tid }')
hz=$(getconf CLK_TCK)
set +o pipefail  # `head` ends the report pipelines early on purpose.
{
  echo "# perf profile: creditd $(git describe --always) release, SQLite, load $load_name (wrk 64 connections), $(date -u +%Y-%m-%d)"
  echo "# Requests/sec: $rps over 12 s; perf at 499 Hz for 5 s; made by bench/profile.sh"
  echo
  echo "## CPU by thread over 4 s (100% = one core)"
  join "$work/cpu1" "$work/cpu2" | awk -v hz="$hz" -v w="$writer" -v io="$server" '
    { share = ($3 - $2) * 100 / hz / 4
      label = ($1 == w ? " (busiest)" : "") ($1 == io ? " (main HTTP I/O)" : "")
      if (share >= 1) printf "  thread %s%s: %.0f%%\n", $1, label, share }'
  echo
  echo "## share of samples by binary, all threads"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8
  echo
  echo "## share of all samples by thread and binary"
  perf report -i "$work/perf.data" --no-children --sort pid,dso --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -16
  echo
  echo "## top symbols of the busiest thread ($writer), as shares of all samples"
  perf report -i "$work/perf.data" --no-children --sort pid,dso,symbol --stdio -g none 2>/dev/null |
    grep -E "^ +[0-9.]+% +$writer:" | head -30 | cut -c1-150
  echo
  echo "## top symbols of the HTTP I/O thread ($server), as shares of all samples"
  perf report -i "$work/perf.data" --no-children --sort pid,dso,symbol --stdio -g none 2>/dev/null |
    grep -E "^ +[0-9.]+% +$server:" | head -20 | cut -c1-150
  echo
  echo "## top symbols, all threads"
  perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -30 | cut -c1-150
} >"$out"
status "wrote $out"
cat "$out"
