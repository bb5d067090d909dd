#!/usr/bin/env bash
# The load benchmark. Builds bank-server, seeds a synthetic history (bankctl; about 1,000,000 postings), starts
# the server on it with rate limits off, creates and funds accounts through the API, drives the scenarios with wrk
# (the transfers a second time with 10 logins a second beside them), checks that money is conserved and that every
# ledger invariant and the audit chain hold, and prints one table.
#
#   Benchmarks/load/run.sh                      # release build, 30 s per scenario (the figures in the README)
#   Benchmarks/load/run.sh --smoke              # debug build, 2 s per scenario, few accounts, a small history: part of `make test`
#   Benchmarks/load/run.sh --duration 60 --members 100 --accounts-per-member 10 --history-members 3788 --config release
#   Benchmarks/load/run.sh --postgres           # the same on PostgreSQL: a private cluster (Tests/Postgres/cluster.sh), stopped after
#   DATABASE_URL=postgres://… Benchmarks/load/run.sh   # on a PostgreSQL server of yours (use a fresh search_path=schema)
set -euo pipefail
cd "$(dirname "$0")/../.."

config=release duration=30 members=100 per_member=10 history_members="" port=18090 smoke=0 postgres=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 config=debug duration=2 members=5 per_member=4 history_members=10 ;;
    --config) config="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --members) members="$2"; shift ;;
    --accounts-per-member) per_member="$2"; shift ;;
    --history-members) history_members="$2"; shift ;;
    --port) port="$2"; shift ;;
    --postgres) postgres=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# The history underneath: 3,788 synthetic members x 12 months is about 1,000,000 postings (22 per member-month).
# Seeding runs at about 2,300 postings/s on PostgreSQL (a round trip per statement), so there it is 300 members
# (79,200 postings, half a minute) unless --history-members says otherwise.
if [ -z "$history_members" ]; then
  if [ "$postgres" = 1 ] || [ -n "${DATABASE_URL:-}" ]; then history_members=300; else history_members=3788; fi
fi

command -v wrk >/dev/null || { echo "installing wrk"; ${SUDO:-$([ "$(id -u)" = 0 ] || echo sudo)} apt-get install -y -qq wrk >/dev/null; }

echo "== building bank-server and bankctl ($config)"
swift build -c "$config" --product bank-server 2>&1 | tail -1
swift build -c "$config" --product bankctl 2>&1 | tail -1
bin=".build/$config"

data=$(mktemp -d)
server_pid=""
sampler_pid=""
cluster=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$cluster" ] && Tests/Postgres/cluster.sh stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

if [ "$postgres" = 1 ]; then
  cluster=$(mktemp -d /tmp/bankkit-bench-pg.XXXXXX)
  DATABASE_URL="$(Tests/Postgres/cluster.sh start "$cluster" 2>/dev/null)?search_path=bench"
  export DATABASE_URL
fi
engine=${DATABASE_URL:+PostgreSQL}
engine=${engine:-SQLite}
echo "== engine: $engine"

if [ "$history_members" -gt 0 ]; then
  echo "== synthetic history: $history_members members x 12 months (bankctl seed)"
  DATA_DIR="$data" "$bin/bankctl" seed --members "$history_members" --months 12 --seed 1 | tail -1
fi

RATELIMIT_ENABLED=false DATA_DIR="$data" HTTP_PORT="$port" LOG_LEVEL=warning "$bin/bank-server" > "$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
  sleep 0.1
done

deposit=1000000
echo "== creating $members members x $per_member accounts, $deposit cents each"
python3 Benchmarks/load/setup.py create "http://127.0.0.1:$port" "$data/accounts.txt" --members "$members" --accounts-per-member "$per_member" --deposit "$deposit"
database="${DATABASE_URL:-$data/bank.sqlite}"
held=$(python3 Benchmarks/load/setup.py held "$database")

# Peak resident memory of the server while the scenarios run.
( peak=0; while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" > "$data/peak_rss_kb"
    sleep 0.2
  done ) &
sampler_pid=$!

results=()
scenario() {  # name script connections threads
  local name=$1 script=$2 connections=$3 threads=$4
  local line
  line=$(ACCOUNTS="$data/accounts.txt" wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "Benchmarks/load/$script" "http://127.0.0.1:$port" | grep '^RESULT' || true)
  [ -n "$line" ] || { echo "wrk gave no result for $name" >&2; exit 1; }
  results+=("$name $line")
  echo "   $name: $line"
}
echo "== scenarios, ${duration}s each"
scenario "POST /transfers, 64 connections" transfers.lua 64 2
scenario "POST /transfers, 1 connection" transfers.lua 1 1
scenario "GET /accounts/{id}/balance, 64 connections" balance.lua 64 2
# Logins hash with Argon2id (on a queue of their own): the same transfer load with 10 a second beside it.
python3 Benchmarks/load/setup.py logins "http://127.0.0.1:$port" 10 "$duration" > "$data/logins.txt" &
logins_pid=$!
scenario "POST /transfers, 64 connections, 10 logins/s beside" transfers.lua 64 2
wait "$logins_pid"
logins=$(cat "$data/logins.txt")
echo "   $logins"

peak_kb=$(cat "$data/peak_rss_kb" 2>/dev/null || echo 0)
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

echo "== checking the money"
python3 Benchmarks/load/setup.py check "$database" "$held"
"$bin/bankctl" verify --data-dir "$data" | tail -1

echo
echo "| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for entry in "${results[@]}"; do
  name=${entry%% RESULT*}
  values=${entry#*RESULT }
  eval "$values"
  awk -v n="$name" -v r="$requests" -v d="$duration_us" -v p50="$p50_us" -v p95="$p95_us" -v p99="$p99_us" -v e="$errors" -v x="$non2xx" \
    'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %.2f | %d | %d |\n", n, r / (d / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, e, x }'
done
echo
echo "logins beside the last scenario: $logins"
echo "server peak RSS: $((peak_kb / 1024)) MiB with $(python3 Benchmarks/load/setup.py postings "$database") postings; engine: $engine; build: $config; $(nproc) cores; $(date -u +%Y-%m-%d)"
if [ "$smoke" = 1 ]; then echo "smoke run: figures are not targets"; fi
