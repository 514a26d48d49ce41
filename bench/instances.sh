#!/usr/bin/env bash
# One `ztd serve` against two on one PostgreSQL database (docs/operations.md#several-instances):
# ingest (DEVICES devices in BATCHES CSV batches, posted round-robin to the instances, each
# instance with 2 batch workers; devices/s from the first POST to the last batch finished)
# and first boots (every device looks itself up once, CONNECTIONS clients spread evenly over
# the instances by crates/ztd/examples/first_boots.rs, with /healthz as the yardstick).
#
#   bench/instances.sh                                 # 20,000 devices, 4 batches, 16 clients
#   DEVICES=2000 bench/instances.sh                    # a quick check of the script
#   LIMITER=postgres bench/instances.sh                # first boots through the shared limit
#   LIMITER=redis REDIS_URL=redis://127.0.0.1:6379 bench/instances.sh
#   ZTD_BIN=path/to/ztd LOADGEN_BIN=path/to/first_boots bench/instances.sh   # no build
#
# LIMITER (off by default, as in bench/first-boots.sh): `postgres` or `redis` keeps the lookup
# limit on, at a rate no run reaches, so every lookup pays for the shared bucket (all clients
# come from 127.0.0.1: one bucket, the worst case for contention) and none is refused. The
# database named by DATABASE_URL is dropped and created afresh for each run.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES="${DEVICES:-20000}"
BATCHES="${BATCHES:-4}"
CONNECTIONS="${CONNECTIONS:-16}"
LIMITER="${LIMITER:-off}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ztd_bench_instances}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
. bench/common.sh
bench_workdir instances
bench_binary
if [ -z "${LOADGEN_BIN:-}" ]; then cargo build --release -q -p ztd --example first_boots; fi
LOADGEN="${LOADGEN_BIN:-$CARGO_TARGET_DIR/release/examples/first_boots}"

case "$LIMITER" in
  off) limit_flags=(--lookup-rate-per-minute 0) ;;
  postgres) limit_flags=(--lookup-rate-per-minute 100000000) ;;
  redis) limit_flags=(--lookup-rate-per-minute 100000000 --redis-url "$REDIS_URL" --redis-key-prefix "ztd-bench-$$:") ;;
  *) echo "LIMITER is off, postgres or redis" >&2; exit 2 ;;
esac

"$ZTD" hash generate --count "$DEVICES" --seed 46 --format partner-center -o "$WORK/devices.csv"
"$ZTD" csv split "$WORK/devices.csv" --rows $(( (DEVICES + BATCHES - 1) / BATCHES )) -o "$WORK/batches" >/dev/null
python3 - "$WORK/devices.csv" "$WORK/bodies.jsonl" <<'PY'
import csv, json, random, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
random.Random(46).shuffle(rows)
with open(sys.argv[2], "w") as out:
    for row in rows:
        out.write(json.dumps({"hardware_hash": row[2]}) + "\n")
PY

SERVER_PIDS=()
bench_cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

# run INSTANCES: a fresh database, INSTANCES servers, the ingest, then the first boots.
run() {
  local instances="$1" name="${DATABASE_URL##*/}" bases=() batches=()
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
  bench_customer "$DATABASE_URL"
  for _ in $(seq 1 "$instances"); do
    bench_serve "$DATABASE_URL" --workers 2 "${limit_flags[@]}"
    SERVER_PIDS+=("$SERVER_PID")
    bases+=("$BASE")
  done

  local started finished i=0
  started=$(date +%s.%N)
  for file in "$WORK"/batches/*.csv; do
    local base="${bases[$(( i % instances ))]}"
    batches+=("$base $(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: text/csv" \
      --data-binary "@$file" "$base/api/v1/customers/$CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" | json_field id)")
    i=$(( i + 1 ))
  done
  for entry in "${batches[@]}"; do
    local base="${entry% *}" id="${entry#* }"
    until curl -sf -H "Authorization: Bearer $KEY" "$base/api/v1/device-batches/$id?limit=1" | grep -q '"status":"finished"'; do
      sleep 0.1
    done
  done
  finished=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'| {sys.argv[3]} | {sys.argv[5]} | {int(sys.argv[4]):,} | {s:.1f} s | {int(sys.argv[4])/s:,.0f} |')" \
    "$started" "$finished" "$instances" "$DEVICES" "${#batches[@]}" >>"$WORK/ingest.md"

  local joined
  joined=$(IFS=,; echo "${bases[*]}")
  "$LOADGEN" "$joined" "$WORK/bodies.jsonl" "$CONNECTIONS" >>"$WORK/boots.md"

  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}

run 1
run 2
echo "PostgreSQL, ingest: $DEVICES devices in CSV batches, 2 workers per instance"
echo "| instances | batches | devices | time | devices/s |"
echo "|---|---|---|---|---|"
cat "$WORK/ingest.md"
echo
echo "PostgreSQL, first boots: every device once, lookup limit $LIMITER"
echo "| run | p50 | p99 | first boots/s | /healthz/s | ratio |"
echo "|---|---|---|---|---|---|"
cat "$WORK/boots.md"
