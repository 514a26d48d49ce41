#!/usr/bin/env bash
# First-boot lookup latency (p50/p99) of a registered device, next to /healthz under the same
# load generator, on a release build with SQLite.
#
#   bench/lookup.sh                      # wrk, 2 threads, 16 connections, 10 s each
#   CONNECTIONS=64 DURATION=30s bench/lookup.sh
#
# Needs wrk (`apt-get install -y wrk`). The lookup rate limit is switched off for the run
# (--lookup-rate-per-minute 0); the number measured is the service, not the limiter.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk" >&2; exit 2; }
. bench/common.sh
bench_workdir lookup
bench_binary
url="sqlite:$WORK/ztd.db"
bench_customer "$url"
bench_serve "$url" --lookup-rate-per-minute 0

# 1,000 registered devices; the lookup asks for one of them by hardware hash.
"$ZTD" hash generate --count 1000 --seed 44 --format partner-center -o "$WORK/devices.csv"
batch=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: text/csv" --data-binary "@$WORK/devices.csv" \
  "$BASE/api/v1/customers/$CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/device-batches/$batch?limit=1" | grep -q '"status":"finished"'; do
  sleep 0.1
done
python3 - "$WORK/devices.csv" "$WORK/lookup.json" <<'EOF'
import csv, json, sys
row = list(csv.reader(open(sys.argv[1], newline="")))[500]
json.dump({"hardware_hash": row[2]}, open(sys.argv[2], "w"))
EOF
cat >"$WORK/lookup.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open("$WORK/lookup.json"):read("*a")
EOF
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary "@$WORK/lookup.json" "$BASE/api/v1/device-lookup")
[ "$status" = 200 ] || { echo "lookup answered $status" >&2; exit 1; }

run() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@"; }
echo "== POST /api/v1/device-lookup"; run -s "$WORK/lookup.lua" "$BASE/api/v1/device-lookup" | tee "$WORK/lookup.txt"
echo "== GET /healthz"; run "$BASE/healthz" | tee "$WORK/healthz.txt"

summary() {
  python3 - "$1" "$2" <<'EOF'
import re, sys
text = open(sys.argv[2]).read()
def pct(p):
    m = re.search(rf"^\s*{p}%\s+(\S+)", text, re.M)
    return m.group(1) if m else "?"
rps = re.search(r"Requests/sec:\s+(\S+)", text).group(1)
print(f"| {sys.argv[1]} | {pct(50)} | {pct(99)} | {float(rps):,.0f} |")
EOF
}
echo
echo "| endpoint ($THREADS threads, $CONNECTIONS connections, $DURATION) | p50 | p99 | requests/s |"
echo "|---|---|---|---|"
summary "POST /api/v1/device-lookup (registered device, by hash)" "$WORK/lookup.txt"
summary "GET /healthz" "$WORK/healthz.txt"
