#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks of the PostgreSQL engine.
#
#   tools/pg-test.sh start [PID]  starts one in a new temporary directory; prints its URL. With
#                                 a PID, a watcher stops it once that process has ended (the
#                                 tests pass their own, so a crashed run leaves no server)
#   tools/pg-test.sh stop URL     stops it and removes the directory
#
# The cluster is created by Debian's PostgreSQL (apt-get install postgresql; .ci/run does it)
# as an unprivileged user (`postgres` when run as root: initdb refuses root), with trust
# authentication, UTF-8 and the C locale, listening on loopback (a free port) and on a Unix
# socket in the temporary directory, fsync on (durable commits are what the benchmarks
# measure). Nothing outside the directory is touched.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/tokenledger-pg.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U tokenledger --auth=trust --encoding=UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  "$bin/createdb" -h "$dir" -p "$port" -U tokenledger tokenledger
  url="postgresql://tokenledger@/tokenledger?host=$dir&port=$port"
  if [ -n "${2:-}" ]; then
    owner=$2
    setsid nohup bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$0' stop '$url'" \
      >/dev/null 2>&1 < /dev/null &
  fi
  echo "$url"
  ;;
stop)
  url=${2:?usage: tools/pg-test.sh stop URL}
  dir=$(printf '%s\n' "$url" | sed -n 's/.*host=\([^&]*\).*/\1/p')
  case "$dir" in /tmp/tokenledger-pg.*) ;; *) echo "not a tools/pg-test.sh server: $url" >&2; exit 2 ;; esac
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: tools/pg-test.sh start | stop URL" >&2
  exit 2
  ;;
esac
