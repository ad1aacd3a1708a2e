#!/usr/bin/env bash
# Crash test of durable single operations on PostgreSQL: four writer processes apply random
# transfers one at a time (TokenLedgerBench writer-ack prints each id once its apply has
# returned); the server is killed with SIGKILL a second or two in, restarted, and every id a
# writer printed must be in the ledger. Ends with an audit. Needs a release build.
#
#   tools/pg-crash-test.sh [ROUNDS]      (default 5)
set -uo pipefail
cd "$(dirname "$0")/.."
bench=.build/release/TokenLedgerBench
cli=.build/release/tokenledger
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
owner=$([ "$(id -u)" = 0 ] && echo postgres || id -un)

url=$(tools/pg-test.sh start) || exit 2
dir=$(printf '%s\n' "$url" | sed -n 's/.*host=\([^&]*\).*/\1/p')
port=$(printf '%s\n' "$url" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
work=$(mktemp -d)
trap 'tools/pg-test.sh stop "$url"; rm -rf "$work"' EXIT
ledger="$url&ledger=crash"
"$bench" setup 0 "$ledger" >/dev/null || exit 1
acked_total=0
lost_total=0
for round in $(seq 1 "${1:-5}"); do
  for writer in 1 2 3 4; do
    "$bench" writer-ack 1000000 "$ledger" $((round * 10 + writer)) >"$work/ack$writer" 2>/dev/null &
  done
  sleep "1.$((RANDOM % 10))"
  kill -9 "$(head -1 "$dir/data/postmaster.pid")"
  for _ in $(seq 1 100); do pgrep -u "$owner" -f "postgres" >/dev/null || break; sleep 0.1; done
  wait
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" \
    start >/dev/null 2>&1 || { echo "the server did not restart"; tail -5 "$dir/server.log"; exit 1; }
  sed 's/^ack //' "$work"/ack? | sort >"$work/acked"
  psql "$url" -tAc "SELECT idempotency_id FROM crash.entries WHERE idempotency_id IS NOT NULL" \
    | sort >"$work/present"
  acked=$(wc -l <"$work/acked")
  lost=$(comm -23 "$work/acked" "$work/present" | wc -l)
  echo "round $round: $acked acknowledged, $lost of them missing"
  acked_total=$((acked_total + acked))
  lost_total=$((lost_total + lost))
done
"$cli" audit --db "$ledger" >"$work/audit" 2>&1
audit=$?
tail -1 "$work/audit"
echo "$acked_total acknowledged, $lost_total missing after restarts; audit exit $audit"
[ "$lost_total" = 0 ] && [ "$audit" = 0 ]
