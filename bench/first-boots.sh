#!/usr/bin/env bash
# A rollout of first boots: DEVICES registered devices, each looking itself up once (as a Monday
# morning really looks; never one device asked again and again), next to /healthz under the same
# load generator, on a release build. Then checks that every device was recorded active once.
#
#   bench/first-boots.sh                                  # SQLite, 20,000 devices
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ztd_bench bench/first-boots.sh
#   DEVICES=50000 CONNECTIONS=64 bench/first-boots.sh   # CONNECTIONS: concurrent clients (16)
#   DEVICES=1000000 LOOKUPS=50000 bench/first-boots.sh  # a database of a million devices, of
#                                                       # which LOOKUPS (random) boot
#
# Then the same devices look themselves up again (repeat lookups of booted devices).
#
# The lookup rate limit is off for the run
# (--lookup-rate-per-minute 0): the number measured is the service, not the limiter. A
# PostgreSQL database named by DATABASE_URL is dropped and created afresh.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES="${DEVICES:-20000}"
LOOKUPS="${LOOKUPS:-$DEVICES}"
CONNECTIONS="${CONNECTIONS:-16}"
. bench/common.sh
bench_workdir first-boots
bench_binary
bench_database "$WORK"
bench_customer "$url"
# Uploads of any size: a device's CSV row is ~4.2 KB, so a million devices are ~4.2 GB.
bench_serve "$url" --lookup-rate-per-minute 0 --max-upload-bytes $((DEVICES * 5000 + 1000000))

"$ZTD" hash generate --count "$DEVICES" --seed 45 --format partner-center -o "$WORK/devices.csv"
batch=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: text/csv" -T "$WORK/devices.csv" \
  "$BASE/api/v1/customers/$CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" | json_field id)
registering=$(date +%s)
until curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/device-batches/$batch?limit=1" | grep -q '"status":"finished"'; do
  sleep 0.2
done
echo "registered $DEVICES devices through the CSV API in $(( $(date +%s) - registering )) s" >&2

# One lookup body per booting device (LOOKUPS of them, a random sample), in a random order.
python3 - "$WORK/devices.csv" "$WORK/bodies.jsonl" "$DEVICES" "$LOOKUPS" <<'EOF'
import csv, json, random, sys
devices, lookups = int(sys.argv[3]), int(sys.argv[4])
chosen = set(random.Random(45).sample(range(devices), lookups))
with open(sys.argv[1], newline="") as source:
    reader = csv.reader(source)
    next(reader)
    hashes = [row[2] for i, row in enumerate(reader) if i in chosen]
random.Random(46).shuffle(hashes)
with open(sys.argv[2], "w") as out:
    for hash in hashes:
        out.write(json.dumps({"hardware_hash": hash}) + "\n")
EOF
# The same load generator for the lookups and for /healthz (crates/ztd/examples/first_boots.rs).
cargo build --release -q -p ztd --example first_boots
echo "| $backend, $DEVICES devices registered | p50 | p99 | lookups/s | /healthz/s | ratio |"
echo "|---|---|---|---|---|---|"
"$CARGO_TARGET_DIR/release/examples/first_boots" "$BASE" "$WORK/bodies.jsonl" "$CONNECTIONS" "first boots"

# Every first boot recorded (the activations are written off the request path): waits until
# the server's counter of devices made active reaches LOOKUPS (`ztd_first_boots_recorded_total`
# in /metrics; listing the active devices would itself scan a million-device customer) and
# says how long after the /healthz run that was.
python3 - "$BASE" "$LOOKUPS" <<'EOF'
import re, sys, time, urllib.request
base, lookups = sys.argv[1], int(sys.argv[2])
def recorded():
    text = urllib.request.urlopen(base + "/metrics").read().decode()
    found = re.search(r"^ztd_first_boots_recorded_total (\d+)", text, re.M)
    return int(found.group(1)) if found else 0
started = time.monotonic()
while (count := recorded()) < lookups and time.monotonic() - started < 600:
    time.sleep(0.2)
print(f"first boots recorded: {count} of {lookups}, all {time.monotonic() - started:.1f} s after the /healthz run")
sys.exit(0 if count == lookups else 1)
EOF

# The same devices again, all booted now: what every later start of a device costs.
"$CARGO_TARGET_DIR/release/examples/first_boots" "$BASE" "$WORK/bodies.jsonl" "$CONNECTIONS" "repeat lookups"
