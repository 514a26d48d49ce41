#!/usr/bin/env bash
# Registration throughput of ztd, with a database bulk load of the same rows as the yardstick.
#
#   bench/registration.sh            # SQLite and PostgreSQL, 100,000 devices
#   ROWS=20000 BACKENDS=sqlite bench/registration.sh
#
# Measures, on a release build:
#   1. a 1,000-device JSON batch on SQLite: POST → batch finished (wall clock, as a client sees it);
#   2. a ROWS-device CSV batch per backend: POST → finished, in devices per second;
#   3. the peak resident memory of `ztd serve` over the run (VmHWM);
#   4. the same rows loaded by `sqlite3 .import` / psql `\copy` into a table with the same three
#      unique indexes (tuple, product key id, hash identity), in the same run on the same disk.
# Results go to stdout as Markdown rows for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-100000}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_ADMIN_URL="${ZTD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ztd-target}"
WORK="$(mktemp -d /tmp/ztd-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "bench needs $1" >&2; exit 2; }; }
need curl; need python3; need sqlite3

# ZTD_BIN skips the build (e.g. a binary built from a clean checkout).
if [ -z "${ZTD_BIN:-}" ]; then cargo build --release -q -p ztd; fi
ZTD="${ZTD_BIN:-$CARGO_TARGET_DIR/release/ztd}"
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

echo "generating $ROWS devices" >&2
"$ZTD" hash generate --count "$ROWS" --seed 42 --format partner-center -o "$WORK/devices.csv"
"$ZTD" hash generate --count 1000 --seed 43 --format partner-center -o "$WORK/small.csv"
# The 1,000-device JSON batch, from the small CSV.
python3 - "$WORK/small.csv" "$WORK/small.json" <<'EOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
devices = [dict(serial_number=r[0], product_key_id=r[1] or None, hardware_hash=r[2], manufacturer=r[3], model=r[4]) for r in rows if r]
json.dump({"group_tag": "Microsoft365ManagedStandard_", "devices": devices}, open(sys.argv[2], "w"))
EOF

cat >"$WORK/split.py" <<'EOF'
import json, sys
from datetime import datetime
b = json.load(sys.stdin)
def t(key):
    return datetime.fromisoformat(b[key].replace("Z", "")[:26])
intake = (t("started_at") - t("created_at")).total_seconds()
processing = (t("finished_at") - t("started_at")).total_seconds()
print(f"batch of {b['total']}: intake {intake:.2f} s, processing {processing:.2f} s")
EOF

# start_server URL → sets SERVER_PID, BASE, CUSTOMER, KEY
start_server() {
  local url="$1" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  CUSTOMER=$("$ZTD" admin create-org --kind customer --name Bench --domain bench.example --json --database-url "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  KEY=$("$ZTD" admin create-api-key --org "$CUSTOMER" --role registrar --name bench --json --database-url "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  ZTD_LOG=warn "$ZTD" serve --listen "127.0.0.1:$port" --database-url "$url" --lookup-rate-per-minute 0 >/dev/null &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
# Peak resident memory of `ztd serve` so far (the kernel's high-water mark), in MB.
peak_rss_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

# post_and_wait CONTENT_TYPE FILE → prints seconds from POST to finished; checks nothing failed
post_and_wait() {
  local type="$1" file="$2" start id status
  start=$(now)
  id=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: $type" --data-binary "@$file" \
    "$BASE/api/v1/customers/$CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while :; do
    status=$(curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/device-batches/$id?limit=1" \
      | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["status"], b["failed"])')
    case "$status" in
      finished*) break ;;
    esac
    sleep 0.01
  done
  local end; end=$(now)
  [ "${status#* }" = "0" ] || { echo "batch $id: $status" >&2; exit 1; }
  # Where the time went, from the batch's own timestamps: intake (opened → claimed by a
  # worker, right after the upload is sealed) and processing (claimed → finished).
  curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/device-batches/$id?limit=1" | python3 "$WORK/split.py" >&2
  elapsed "$start" "$end"
}

# Baseline tables: the CSV's columns plus three unique indexes, as ztd's devices table has
# (tuple; product key id; hash identity, a short key: the serial stands in for UUID + serial,
# which only decoding the hash yields).
# (Named apart from ztd's own tables: on PostgreSQL it lives in the same database.)
BASELINE_DDL="CREATE TABLE baseline (serial TEXT, pkid TEXT, hash TEXT, manufacturer TEXT, model TEXT);
CREATE UNIQUE INDEX baseline_tuple ON baseline (manufacturer, model, serial);
CREATE UNIQUE INDEX baseline_pkid ON baseline (pkid) WHERE pkid <> '';
CREATE UNIQUE INDEX baseline_hash ON baseline (serial);"

for backend in $BACKENDS; do
  case "$backend" in
    sqlite)
      url="sqlite:$WORK/sqlite/ztd.db"; mkdir -p "$WORK/sqlite"
      start_server "$url"
      json_secs=$(post_and_wait application/json "$WORK/small.json")
      csv_secs=$(post_and_wait text/csv "$WORK/devices.csv")
      rss_mb=$(peak_rss_mb)
      stop_server
      base_start=$(now)
      sqlite3 "$WORK/sqlite/baseline.db" >/dev/null <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
$BASELINE_DDL
.mode csv
.import --skip 1 $WORK/devices.csv baseline
EOF
      base_secs=$(elapsed "$base_start" "$(now)")
      echo "| SQLite | 1,000-device JSON batch, POST → finished | ${json_secs} s |"
      ;;
    postgres)
      need psql
      db="ztd_bench_$$"
      psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db"
      url="${PG_ADMIN_URL%/*}/$db"
      start_server "$url"
      csv_secs=$(post_and_wait text/csv "$WORK/devices.csv")
      rss_mb=$(peak_rss_mb)
      stop_server
      psql "$url" -qc "$BASELINE_DDL"
      base_start=$(now)
      psql "$url" -qc "\\copy baseline FROM '$WORK/devices.csv' WITH (FORMAT csv, HEADER true)"
      base_secs=$(elapsed "$base_start" "$(now)")
      psql "$PG_ADMIN_URL" -qc "DROP DATABASE $db WITH (FORCE)"
      ;;
  esac
  python3 - "$backend" "$ROWS" "$csv_secs" "$base_secs" "$rss_mb" <<'EOF'
import sys
backend, rows, secs, base, rss = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[backend]
tool = {"sqlite": "sqlite3 .import", "postgres": "psql \\copy"}[backend]
print(f"| {name} | {rows:,}-device CSV batch, POST → finished | {secs:.2f} s = {rows/secs:,.0f} devices/s |")
print(f"| {name} | same rows, {tool} into a table with the same unique indexes | {base:.2f} s = {rows/base:,.0f} rows/s |")
print(f"| {name} | ratio ztd / bulk load | {secs/base:.1f}× |")
print(f"| {name} | peak RSS of `ztd serve` (start to batch finished) | {rss} MB |")
EOF
done
