#!/usr/bin/env bash
# Import and copy rates into a SQLite file and into a throwaway PostgreSQL
# server on this machine, side by side, whole process, release build.
#
#   scripts/bench-store.sh [ROWS]      (default 100000)
#
# The server is the distribution's (Debian: apt-get install postgresql), with
# its stock settings, started in a temporary folder on a free port and
# stopped at the end; as root it runs as `nobody`.
set -euo pipefail
rows=${1:-100000}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/radiocode

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $pgbin || ! -x $pgbin/postgres ]]; then
  echo "no PostgreSQL server programs under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/radiocode-bench-store.XXXXXX)
chmod 755 "$work"
as=()
if [[ $(id -u) == 0 ]]; then
  as=(runuser -u nobody --)
  mkdir "$work/pg"
  chown nobody "$work/pg"
else
  mkdir "$work/pg"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

"${as[@]}" "$pgbin/initdb" -D "$work/pg/data" -U bench --auth=trust -E UTF8 --no-locale >/dev/null
"${as[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
server() { echo "postgres://bench@127.0.0.1:$port/$1?sslmode=disable"; }
for db in imported fromfile fromserver; do
  "$pgbin/psql" -q -h 127.0.0.1 -p "$port" -U bench -d postgres -c "CREATE DATABASE $db"
  "$bin" --db "$(server "$db")" db init >/dev/null
done

csv=$work/book.csv
python3 - "$rows" "$csv" <<'EOF'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("serial,code,confidence,source\n")
    for i in range(rows):
        f.write(f"M{i:06},{i % 10000:04},likely,bench list\n")
EOF

# Runs a command and prints its rows a second; the command's output is kept
# in $work/last.
rate() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last" 2>&1 || { cat "$work/last" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v n="$rows" -v a="$start" -v b="$end" 'BEGIN { printf "%9.0f rows/s  (%.2f s)", n / (b - a), b - a }'
}

printf '%s rows, %s\n\n' "$rows" "$("$pgbin/postgres" --version)"
printf '%-40s %-28s %-28s\n' "what" "SQLite file" "PostgreSQL server"
sqlite_import=$(rate "$bin" --db "$work/bench.db" book import "$csv")
pg_import=$(rate "$bin" --db "$(server imported)" book import "$csv")
printf '%-40s %-28s %-28s\n' "book import" "$sqlite_import" "$pg_import"
sqlite_copy=$(rate "$bin" db copy "$work/bench.db" "$work/copy.db")
pg_copy=$(rate "$bin" db copy "$work/bench.db" "$(server fromfile)")
printf '%-40s %-28s %-28s\n' "db copy from a bench's file into it" "$sqlite_copy" "$pg_copy"
pg_pg=$(rate "$bin" db copy "$(server imported)" "$(server fromserver)")
pg_file=$(rate "$bin" db copy "$(server imported)" "$work/back.db")
printf '%-40s %-28s %-28s\n' "db copy from the server into it" "$pg_file" "$pg_pg"
