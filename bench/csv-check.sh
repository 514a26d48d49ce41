#!/usr/bin/env bash
# Benchmark (not a timed test) of `ztd csv check`, recorded in docs/performance.md.
#
# Generates 100,000 Partner Center rows (~400 MB: each ~4,000-character hash must be
# base64-decoded and SHA-256'd), times `ztd csv check` against `openssl dgst -sha256` of the same
# file in the same run (one hardware-accelerated pass over the file: the floor), and measures
# peak RSS for 10,000 and 100,000 rows. Prints the ratios.
#
# Usage: bench/csv-check.sh [ROWS]      (default 100000; the small file is ROWS/10)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-100000}
SMALL=$((ROWS / 10))
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/ztd-target}
cargo build --release -q -p ztd
ZTD=$CARGO_TARGET_DIR/release/ztd

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BIG=$WORK/pc-$ROWS.csv
SMALL_FILE=$WORK/pc-$SMALL.csv
"$ZTD" hash generate --count "$ROWS" --seed 1 --format partner-center -o "$BIG" >/dev/null
head -n $((SMALL + 1)) "$BIG" >"$SMALL_FILE"

echo "== machine"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores," \
  "sha_ni: $(grep -q sha_ni /proc/cpuinfo && echo yes || echo no)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the times)"
echo "file:   $ROWS rows, $(du -m "$BIG" | cut -f1) MB"
"$ZTD" csv check "$BIG" | tail -1

echo "== time"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs 10 --export-csv "$WORK/times.csv" \
    -n "ztd csv check" "$ZTD csv check $BIG" \
    -n "openssl dgst -sha256" "openssl dgst -sha256 $BIG"
  # CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
  ZTD_S=$(awk -F, 'NR==2 {print $4}' "$WORK/times.csv")
  SSL_S=$(awk -F, 'NR==3 {print $4}' "$WORK/times.csv")
else
  best() {
    local best=999999
    for _ in 1 2 3 4 5; do
      local t0 t1
      t0=$(date +%s.%N)
      "$@" >/dev/null
      t1=$(date +%s.%N)
      best=$(echo "$t1 $t0 $best" | awk '{d = $1 - $2; print (d < $3 ? d : $3)}')
    done
    echo "$best"
  }
  ZTD_S=$(best "$ZTD" csv check "$BIG")
  SSL_S=$(best openssl dgst -sha256 "$BIG")
fi
echo "median: ztd csv check ${ZTD_S}s, openssl dgst -sha256 ${SSL_S}s"
awk -v a="$ZTD_S" -v b="$SSL_S" 'BEGIN {printf "ratio:  %.2fx the openssl baseline (goal: <= 1.5x)\n", a / b}'

echo "== peak memory (max RSS)"
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident set size/ {print $6}'; }
RSS_SMALL=$(rss "$ZTD" csv check "$SMALL_FILE")
RSS_BIG=$(rss "$ZTD" csv check "$BIG")
RSS_SSL=$(rss openssl dgst -sha256 "$BIG")
# Duplicate detection must remember every distinct device: the one part that grows.
NODUP_SMALL=$(rss "$ZTD" csv check --no-duplicates "$SMALL_FILE")
NODUP_BIG=$(rss "$ZTD" csv check --no-duplicates "$BIG")
echo "ztd csv check, $SMALL rows: ${RSS_SMALL} KB"
echo "ztd csv check, $ROWS rows: ${RSS_BIG} KB"
echo "ztd csv check --no-duplicates, $SMALL rows: ${NODUP_SMALL} KB"
echo "ztd csv check --no-duplicates, $ROWS rows: ${NODUP_BIG} KB"
echo "openssl dgst -sha256, $ROWS rows: ${RSS_SSL} KB"
awk -v a="$RSS_BIG" -v b="$RSS_SMALL" -v r="$((ROWS - SMALL))" \
  'BEGIN {printf "with duplicates:    %.2fx (%d KB more, %.0f bytes per extra row: the duplicate index)\n", a / b, a - b, (a - b) * 1024 / r}'
awk -v a="$NODUP_BIG" -v b="$NODUP_SMALL" \
  'BEGIN {printf "without duplicates: %.2fx (%d KB more; goal: the same)\n", a / b, a - b}'
