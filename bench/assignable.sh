#!/usr/bin/env bash
# One tenant's single device while another tenant's big batch is being stored: the time from
# the POST of one device (a JSON batch of one, customer B) until its first-boot lookup answers
# 200, over TRIALS devices, while customer A's BIG-device CSV batch is processed by the same
# server; then the same trials on the idle server, as the yardstick. Release build.
#
#   bench/assignable.sh                                   # SQLite, BIG=100000, TRIALS=1000
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ztd_bench bench/assignable.sh
#
# Prints Markdown rows: p50, p99, max of the busy and the idle trials, and how many of the busy
# trials ended while A's batch was still processing (only those count as "busy").
set -euo pipefail
cd "$(dirname "$0")/.."

BIG="${BIG:-100000}"
TRIALS="${TRIALS:-1000}"
. bench/common.sh
bench_workdir assignable
bench_binary
bench_database "$WORK"
bench_customer "$url"
BIG_CUSTOMER="$CUSTOMER" BIG_KEY="$KEY"
bench_customer "$url"
bench_serve "$url" --lookup-rate-per-minute 0 --max-upload-bytes $((BIG * 5000 + 1000000))

"$ZTD" hash generate --count "$BIG" --seed 48 --format partner-center -o "$WORK/big.csv"
"$ZTD" hash generate --count "$((TRIALS + 200))" --seed 49 --format partner-center -o "$WORK/small.csv"

big=$(curl -sf -X POST -H "Authorization: Bearer $BIG_KEY" -H "Content-Type: text/csv" -T "$WORK/big.csv" \
  "$BASE/api/v1/customers/$BIG_CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" | json_field id)

python3 - "$BASE" "$KEY" "$CUSTOMER" "$BIG_KEY" "$big" "$WORK/small.csv" "$TRIALS" "$backend" "$BIG" <<'PY'
import csv, json, sys, time, urllib.request
base, key, customer, big_key, big, small, trials, backend, big_rows = sys.argv[1:10]
trials = int(trials)
rows = list(csv.reader(open(small, newline="")))[1:]

def call(method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, None

def big_status():
    return call("GET", f"/api/v1/device-batches/{big}?limit=1", big_key)[1]["status"]

def trial(row):
    device = dict(serial_number=row[0], product_key_id=row[1] or None, hardware_hash=row[2],
                  manufacturer=row[3], model=row[4])
    started = time.perf_counter()
    status, _ = call("POST", f"/api/v1/customers/{customer}/device-batches", key,
                     {"group_tag": "Microsoft365ManagedStandard_", "devices": [device]})
    assert status == 202, status
    while call("POST", "/api/v1/device-lookup", body={"hardware_hash": row[2]})[0] != 200:
        if time.perf_counter() - started > 60:
            raise SystemExit(f"device {row[0]} never became assignable")
    return time.perf_counter() - started

def summary(label, times):
    times = sorted(times)
    pct = lambda p: times[round((len(times) - 1) * p)] * 1000
    print(f"| {backend}: {label} | {len(times)} | {pct(0.5):.1f} ms | {pct(0.99):.1f} ms | {times[-1]*1000:.1f} ms |")

busy, idle = [], []
for i, row in enumerate(rows[:trials]):
    t = trial(row)
    if big_status() != "finished":
        busy.append(t)
    else:
        idle.append(t)
while big_status() != "finished":
    time.sleep(0.2)
idle_trials = [trial(row) for row in rows[trials:trials + 200]]
print(f"| {backend}: POST one device → lookup 200 | trials | p50 | p99 | max |")
print("|---|---|---|---|---|")
summary(f"while another customer's {int(big_rows):,}-device batch is processed", busy)
summary("the same, on the idle server afterwards", idle_trials)
if idle:
    print(f"({len(idle)} of the {trials} trials ended after the big batch had finished and are not counted as busy)")
PY
