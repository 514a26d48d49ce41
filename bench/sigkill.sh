#!/usr/bin/env bash
# The SIGKILL loop (docs/operations.md#crash-safety): per backend, a release `ztd serve` on a
# fresh database is killed with SIGKILL at random moments (KILLS times) while clients upload CSV
# and JSON batches with Idempotency-Key retries and its workers process them, then restarted.
# The driver (crates/ztd/examples/sigkill.rs) then checks over the API that every device is
# registered exactly once, every batch finished with the right counts and the audit is complete;
# this script adds the database's own view and, on SQLite, `PRAGMA integrity_check`.
#
#   bench/sigkill.sh                                # SQLite and PostgreSQL, 20 kills each
#   KILLS=50 SEED=7 BACKENDS=postgres bench/sigkill.sh
#   ZTD_BIN=/path/to/ztd bench/sigkill.sh           # skip the release build, use this binary
#
# Exits 1 if any check failed on any backend. Prints one line of figures per backend.
set -euo pipefail
cd "$(dirname "$0")/.."

KILLS="${KILLS:-20}"
SEED="${SEED:-$(date +%s)}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_URL="${ZTD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ztd-target}"
WORK="$(mktemp -d /tmp/ztd-sigkill.XXXXXX)"
PG_DB=""
cleanup() {
  [ -n "$PG_DB" ] && psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${ZTD_BIN:-}" ]; then cargo build --release --locked -q -p ztd; fi
ZTD="${ZTD_BIN:-$CARGO_TARGET_DIR/release/ztd}"
# The driver waits on the server most of the time: a debug build is enough.
cargo build --locked -q -p ztd --example sigkill
DRIVER="$CARGO_TARGET_DIR/debug/examples/sigkill"

# One number from the database: sql <backend> <url> <query>.
sql() {
  case "$1" in
    sqlite) sqlite3 "${2#sqlite:}" "$3" ;;
    postgres) psql "$2" -Atc "$3" ;;
  esac
}

failed=0
results=()
for backend in $BACKENDS; do
  case "$backend" in
    sqlite) url="sqlite:$WORK/ztd.db" ;;
    postgres)
      PG_DB="ztd_sigkill_$$"
      psql "$PG_URL/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
      url="$PG_URL/$PG_DB"
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  log="$WORK/$backend-server.log"
  echo "=== $backend: $KILLS kills, seed $SEED" >&2
  problems=()
  if ! line="$("$DRIVER" --ztd "$ZTD" --database-url "$url" --kills "$KILLS" --seed "$SEED" --log "$log")"; then
    problems+=("the driver's checks failed (above)")
  fi
  # The database's own view, every server stopped: no batch left unfinished (receiving, queued or
  # processing), no pending row, no row of a discarded upload left behind, no device twice.
  unfinished="$(sql "$backend" "$url" "SELECT count(*) FROM batches WHERE status <> 'finished'")"
  pending="$(sql "$backend" "$url" "SELECT count(*) FROM batch_items WHERE status = 'pending'")"
  orphans="$(sql "$backend" "$url" "SELECT (SELECT count(*) FROM batch_items i WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = i.batch_id)) + (SELECT count(*) FROM batch_item_inputs i WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = i.batch_id))")"
  twice="$(sql "$backend" "$url" "SELECT count(*) - count(DISTINCT serial_number) FROM devices")"
  devices="$(sql "$backend" "$url" "SELECT count(*) FROM devices")"
  [ "$unfinished" = 0 ] || problems+=("$unfinished batches not finished")
  [ "$pending" = 0 ] || problems+=("$pending rows still pending")
  [ "$orphans" = 0 ] || problems+=("$orphans rows of batches that no longer exist")
  [ "$twice" = 0 ] || problems+=("$twice devices stored twice")
  panics="$(grep -c 'panicked' "$log" || true)"
  [ "$panics" = 0 ] || problems+=("$panics panics in the server log $log")
  # How often a kill caught a batch in the middle of processing: it was resumed by a later start.
  resumed="$(grep -c 'resumed a batch another worker left unfinished' "$log" || true)"
  integrity="n/a"
  if [ "$backend" = sqlite ]; then
    integrity="$(sqlite3 "$WORK/ztd.db" 'PRAGMA integrity_check')"
    [ "$integrity" = ok ] || problems+=("integrity_check: $integrity")
  else
    psql "$PG_URL/postgres" -qc "DROP DATABASE $PG_DB WITH (FORCE)" >/dev/null
    PG_DB=""
  fi
  verdict="PASS"
  if [ "${#problems[@]}" -gt 0 ]; then
    verdict="FAIL: ${problems[*]}"
    failed=1
    cp "$log" "/tmp/ztd-sigkill-$backend-server.log" && echo "server log kept in /tmp/ztd-sigkill-$backend-server.log" >&2
  fi
  results+=("$backend: ${line:-no summary} batches_resumed_after_a_kill=$resumed | database: devices=$devices unfinished=$unfinished pending=$pending orphan_rows=$orphans integrity_check=$integrity | $verdict")
done

printf '\n'
printf '%s\n' "${results[@]}"
exit "$failed"
