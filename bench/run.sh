#!/usr/bin/env bash
# The charging benchmark (issue 5 point 9, issue 15 point 5), run by `make bench`; never part of
# the tests.
#
# On this machine, in one run: the release creditd on a database pre-filled with 10,000
# accounts and 1,000,000 ledger entries (SQLite, then PostgreSQL), measured with wrk (64
# connections, 10 s after a 3 s warm-up) for /healthz, a one-step charge, reserve + capture pairs
# and a balance read; the one-step charge again on SQLite with 100,000 accounts and 10,000,000
# entries, with creditd's resident memory at the end; and the baselines: nginx answering a small
# JSON with `return 200` (the HTTP ceiling) and pgbench running the equivalent debit (conditional
# UPDATE + INSERT, synchronous commit, 8 clients). `creditd verify` checks every invariant after
# each load. Writes bench/results/latest.md. BENCH_BIN measures another build.
#
# Every process started here is stopped by its PID. Only 127.0.0.1 is targeted.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${BENCH_BIN:-$root/build/release/creditd}  # BENCH_BIN: compare another build.
connections=${BENCH_CONNECTIONS:-64}
duration=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP_SECONDS:-3}
work=$(mktemp -d /tmp/creditd-bench-XXXXXX)
chmod 755 "$work"  # The PostgreSQL cluster inside runs as the postgres user.
results=$root/bench/results
mkdir -p "$results"
pids=()
pg_dir=""

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pg_dir" ]; then
    tools/pg_cluster.sh stop "$pg_dir" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

status() { echo "bench: $*" >&2; }

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

wait_http() {
  for _ in $(seq 1 200); do
    if curl -fs "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

# Runs wrk and prints "rps p50_ms p99_ms".
measure() {
  local url=$1 script=$2
  if [ -n "$script" ]; then
    wrk -t2 -c"$connections" -d"${warmup}s" -s "$script" "$url" >/dev/null 2>&1
    wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$script" "$url" >"$work/wrk.out" 2>"$work/wrk.err"
  else
    wrk -t2 -c"$connections" -d"${warmup}s" "$url" >/dev/null 2>&1
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" >"$work/wrk.out" 2>"$work/wrk.err"
  fi
  if grep -q "Non-2xx" "$work/wrk.out"; then
    status "warning: non-2xx answers: $(grep Non-2xx "$work/wrk.out") $(head -c 300 "$work/wrk.err")"
  fi
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
      return v
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' "$work/wrk.out"
}

# ----- nginx: the HTTP ceiling -----
status "nginx baseline"
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      default_type application/json;
      return 200 '{"code":200,"message":"success","data":{"credits":42}}';
    }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_http "http://127.0.0.1:$nginx_port/"
read -r nginx_rps nginx_p50 nginx_p99 < <(measure "http://127.0.0.1:$nginx_port/" "")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
status "nginx: $nginx_rps req/s"

# ----- PostgreSQL cluster for pgbench and the PostgreSQL backend -----
pg_dir=$work/pg
dsn=$(tools/pg_cluster.sh start "$pg_dir")
status "PostgreSQL at ${dsn#*@}"
psql "$dsn" -qc "CREATE DATABASE pgbench_debit" -c "CREATE DATABASE creditd_bench"
bench_dsn=${dsn%/*}/pgbench_debit
psql "$bench_dsn" -q <<'EOF'
CREATE TABLE bench_accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL CHECK (balance >= 0));
INSERT INTO bench_accounts SELECT n, 1000000000 FROM generate_series(1, 10000) n;
CREATE TABLE bench_entries (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES bench_accounts (id), amount BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL);
VACUUM ANALYZE;
EOF
status "pgbench baseline (8 clients, synchronous_commit on)"
pgbench -n -c 8 -j 2 -T "$warmup" -f bench/pgbench_debit.sql "$bench_dsn" >/dev/null 2>&1
pgbench -n -c 8 -j 2 -T "$duration" -f bench/pgbench_debit.sql "$bench_dsn" >"$work/pgbench.out" 2>&1
pg_tps=$(awk '/^tps/ { printf "%.0f", $3 }' "$work/pgbench.out")
pg_latency=$(awk '/^latency average/ { print $4 }' "$work/pgbench.out")
status "pgbench: $pg_tps tps"

# ----- creditd, once per backend, and SQLite once more with 100,000 accounts -----
# run_creditd BACKEND ACCOUNTS [charge-only]: pre-fills ACCOUNTS accounts with 100 entries each,
# runs the loads (only the one-step charge with charge-only) and verifies the ledger.
run_creditd() {
  local backend=$1 accounts=$2 mode=${3:-all}
  local data=$work/data-$1-$2
  local db_args=()
  mkdir -p "$data"
  if [ "$backend" = postgres ]; then
    db_args=(--db "${dsn%/*}/creditd_bench")
  fi
  "$bin" migrate --data "$data" "${db_args[@]}" >/dev/null
  status "$backend: pre-filling $accounts accounts and $((accounts * 100)) entries"
  if [ "$backend" = postgres ]; then
    psql "${dsn%/*}/creditd_bench" -q -v accounts="$accounts" -f bench/prefill_postgres.sql >/dev/null
  else
    printf '.parameter set :accounts %d\n.read bench/prefill.sql\n' "$accounts" | sqlite3 "$data/creditd.db"
  fi
  local key
  key=$("$bin" apikey create --name bench --data "$data" "${db_args[@]}" | awk '/ck_/ { for (i = 1; i <= NF; i++) if ($i ~ /^ck_/) print $i }')
  local port
  port=$(free_port)
  # 16 worker threads: charge writes hold none (they are asynchronous routes), balance reads
  # hold one each, on PostgreSQL for a network round trip.
  CREDITD_ENV=development CREDITD_FREE_PLAN_CREDITS=false "$bin" serve --data "$data" "${db_args[@]}" --listen "127.0.0.1:$port" \
    --worker-threads 16 >"$work/creditd-$backend.log" 2>&1 &
  pids+=($!)
  local url=http://127.0.0.1:$port
  wait_http "$url/readyz"
  local token
  token=$(curl -fs -X POST "$url/api/v1/auth/register" -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password-1"}' |
    node -e 'let t = ""; process.stdin.on("data", (c) => { t += c; });
      process.stdin.on("end", () => console.log(JSON.parse(t).data.access_token));')
  export CREDITD_API_KEY=$key CREDITD_TOKEN=$token BENCH_ACCOUNTS=$accounts
  local h_rps=- h_p50=- h_p99=- rc_rps=- rc_p50=- rc_p99=- b_rps=- b_p50=- b_p99=-
  if [ "$mode" = all ]; then
    status "$backend: /healthz"
    read -r h_rps h_p50 h_p99 < <(measure "$url/healthz" "")
  fi
  status "$backend ($accounts accounts): one-step charge"
  read -r c_rps c_p50 c_p99 < <(measure "$url" bench/wrk/charge.lua)
  if [ "$mode" = all ]; then
    status "$backend: reserve + capture"
    read -r rc_rps rc_p50 rc_p99 < <(measure "$url" bench/wrk/reserve_capture.lua)
    status "$backend: balance read"
    read -r b_rps b_p50 b_p99 < <(measure "$url" bench/wrk/balance.lua)
  fi
  # Resident memory at the end of the load, in MiB: all of it / the anonymous part (heap and
  # caches; the rest is pages of the database file mapped by SQLite, which the kernel can drop).
  local rss_mb
  rss_mb=$(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 }
    END { printf "%.0f/%.0f", r / 1024, a / 1024 }' "/proc/${pids[-1]}/status")
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
  status "$backend: verifying every ledger invariant after the load"
  local verified
  verified=$("$bin" verify --data "$data" "${db_args[@]}" 2>/dev/null | tail -1)
  echo "$backend $c_rps $c_p50 $c_p99 $rc_rps $rc_p50 $rc_p99 $b_rps $b_p50 $b_p99 $h_rps $h_p50 $h_p99 $rss_mb | $verified"
}

sqlite_line=$(run_creditd sqlite 10000)
postgres_line=$(run_creditd postgres 10000)
large_line=$(run_creditd sqlite 100000 charge-only)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

version=$(git describe --always --dirty)  # Before the report file is truncated below.
{
  echo "# Charging benchmark"
  echo
  echo "Run by \`make bench\` on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "creditd $version release build, wrk $connections connections / 2 threads,"
  echo "${duration} s per measurement after a ${warmup} s warm-up; database pre-filled with 10,000 accounts"
  echo "and 1,000,000 ledger entries. Everything runs on this one machine (wrk included)."
  echo
  echo "| what | requests/s | p50 ms | p99 ms |"
  echo "|---|---:|---:|---:|"
  echo "| nginx \`return 200\` small JSON (HTTP ceiling) | $nginx_rps | $nginx_p50 | $nginx_p99 |"
  echo "| pgbench debit (UPDATE + INSERT, 8 clients) | $pg_tps tps | avg $pg_latency | |"
  for line in "$sqlite_line" "$postgres_line"; do
    read -r backend c_rps c_p50 c_p99 rc_rps rc_p50 rc_p99 b_rps b_p50 b_p99 h_rps h_p50 h_p99 _ <<<"$line"
    echo "| creditd/$backend \`/healthz\` | $h_rps | $h_p50 | $h_p99 |"
    echo "| creditd/$backend one-step charge | $c_rps | $c_p50 | $c_p99 |"
    echo "| creditd/$backend reserve + capture (requests; pairs = half) | $rc_rps | $rc_p50 | $rc_p99 |"
    echo "| creditd/$backend balance read | $b_rps | $b_p50 | $b_p99 |"
  done
  echo
  echo "| ratio | sqlite | postgres |"
  echo "|---|---:|---:|"
  read -r _ sc _ _ src _ _ sb _ _ sh _ _ srss _ <<<"$sqlite_line"
  read -r _ pc _ _ prc _ _ pb _ _ ph _ _ prss _ <<<"$postgres_line"
  echo "| \`/healthz\` / nginx | $(ratio "$sh" "$nginx_rps") | $(ratio "$ph" "$nginx_rps") |"
  echo "| balance read / nginx | $(ratio "$sb" "$nginx_rps") | $(ratio "$pb" "$nginx_rps") |"
  echo "| one-step charge / nginx | $(ratio "$sc" "$nginx_rps") | $(ratio "$pc" "$nginx_rps") |"
  echo "| one-step charge / pgbench | $(ratio "$sc" "$pg_tps") | $(ratio "$pc" "$pg_tps") |"
  echo "| reserve + capture pairs / pgbench | $(ratio "$((src / 2))" "$pg_tps") | $(ratio "$((prc / 2))" "$pg_tps") |"
  echo "| creditd RSS at the end of the load, all/anonymous (MiB) | $srss | $prss |"
  echo
  read -r _ lc lp50 lp99 _ _ _ _ _ _ _ _ _ lrss _ <<<"$large_line"
  echo "SQLite with 100,000 accounts and 10,000,000 entries: one-step charge $lc requests/s"
  echo "(p50 $lp50 ms, p99 $lp99 ms), $(ratio "$lc" "$sc")x the 1,000,000-entry database; creditd RSS"
  echo "at the end of the load $lrss MiB (all/anonymous)."
  echo
  echo "After each load: ${sqlite_line#*| } (sqlite); ${postgres_line#*| } (postgres);"
  echo "${large_line#*| } (sqlite, 100,000 accounts)."
} >"$results/latest.md"
cat "$results/latest.md"
