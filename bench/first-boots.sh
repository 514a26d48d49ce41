#!/usr/bin/env bash
# A rollout of first boots: DEVICES registered devices, each looking itself up once (as a Monday
# morning really looks; never one device asked again and again), next to /healthz under the same
# load generator, on a release build. Then checks that every device was recorded active once.
#
#   bench/first-boots.sh                                  # SQLite, 20,000 devices
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ztd_bench bench/first-boots.sh
#   DEVICES=50000 CONNECTIONS=64 bench/first-boots.sh
#
# Needs wrk (`apt-get install -y wrk`). The lookup rate limit is off for the run
# (--lookup-rate-per-minute 0): the number measured is the service, not the limiter. A
# PostgreSQL database named by DATABASE_URL is dropped and created afresh.
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES="${DEVICES:-20000}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ztd-target}"
command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk" >&2; exit 2; }
WORK="$(mktemp -d /tmp/ztd-first-boots.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${ZTD_BIN:-}" ]; then cargo build --release -q -p ztd; fi
ZTD="${ZTD_BIN:-$CARGO_TARGET_DIR/release/ztd}"
url="${DATABASE_URL:-sqlite:$WORK/ztd.db}"
if [[ "$url" == postgres* ]]; then
  name="${url##*/}"
  psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
fi
backend=$([[ "$url" == postgres* ]] && echo PostgreSQL || echo SQLite)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$port"
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
CUSTOMER=$("$ZTD" admin create-org --kind customer --name Bench --domain bench.example --json --database-url "$url" | json_field id)
KEY=$("$ZTD" admin create-api-key --org "$CUSTOMER" --role registrar --name bench --json --database-url "$url" | json_field key)
ZTD_LOG=warn "$ZTD" serve --listen "127.0.0.1:$port" --database-url "$url" --lookup-rate-per-minute 0 >/dev/null &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

"$ZTD" hash generate --count "$DEVICES" --seed 45 --format partner-center -o "$WORK/devices.csv"
batch=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: text/csv" --data-binary "@$WORK/devices.csv" \
  "$BASE/api/v1/customers/$CUSTOMER/device-batches?group_tag=Microsoft365ManagedStandard_" | json_field id)
until curl -sf -H "Authorization: Bearer $KEY" "$BASE/api/v1/device-batches/$batch?limit=1" | grep -q '"status":"finished"'; do
  sleep 0.2
done

# One lookup body per device, in a random order; each wrk thread takes every THREADS-th line.
python3 - "$WORK/devices.csv" "$WORK/bodies.jsonl" <<'EOF'
import csv, json, random, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
random.Random(45).shuffle(rows)
with open(sys.argv[2], "w") as out:
    for row in rows:
        out.write(json.dumps({"hardware_hash": row[2]}) + "\n")
EOF
cat >"$WORK/first-boots.lua" <<EOF
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  bodies = {}
  local line_no = 0
  for line in io.lines("$WORK/bodies.jsonl") do
    if line_no % $THREADS == id then bodies[#bodies + 1] = line end
    line_no = line_no + 1
  end
  next_body, answered, refused = 1, 0, 0
end
function request()
  if next_body > #bodies then
    wrk.thread:stop()
    next_body = #bodies
  end
  local body = bodies[next_body]
  next_body = next_body + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
function response(status, headers, body)
  if status == 200 then answered = answered + 1 else refused = refused + 1 end
end
function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("answered")
    bad = bad + thread:get("refused")
  end
  io.write(string.format("answered 200: %d, other: %d\n", ok, bad))
end
EOF

run() { wrk -t"$THREADS" -c"$CONNECTIONS" --latency "$@"; }
echo "== $DEVICES first boots (POST /api/v1/device-lookup, each device once)"
run -d 10m -s "$WORK/first-boots.lua" "$BASE/api/v1/device-lookup" | tee "$WORK/boots.txt"
echo "== GET /healthz"; run -d 10s "$BASE/healthz" | tee "$WORK/healthz.txt"

# Every device recorded active, exactly once (the activations are written off the request path).
sleep 1
python3 - "$BASE" "$KEY" "$CUSTOMER" "$DEVICES" <<'EOF'
import json, sys, urllib.request
base, key, customer, devices = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    return json.load(urllib.request.urlopen(request))
active, cursor = 0, None
while True:
    page = get(f"/api/v1/customers/{customer}/devices?state=active&limit=1000" + (f"&cursor={cursor}" if cursor else ""))
    active += len(page["devices"])
    cursor = page.get("next_cursor")
    if not cursor:
        break
print(f"devices active afterwards: {active} of {devices}")
sys.exit(0 if active == devices else 1)
EOF

summary() {
  python3 - "$1" "$2" "$3" <<'EOF'
import re, sys
def parse(path):
    text = open(path).read()
    pct = lambda p: (re.search(rf"^\s*{p}%\s+(\S+)", text, re.M) or [None, "?"])[1]
    return pct(50), pct(99), float(re.search(r"Requests/sec:\s+(\S+)", text).group(1))
p50, p99, rps = parse(sys.argv[2])
_, _, healthz = parse(sys.argv[3])
print(f"| {sys.argv[1]} | {p50} | {p99} | {rps:,.0f} | {healthz:,.0f} | {rps / healthz:.2f}x |")
EOF
}
echo
echo "| $backend, $DEVICES devices each booting once ($THREADS threads, $CONNECTIONS connections) | p50 | p99 | first boots/s | /healthz/s | ratio |"
echo "|---|---|---|---|---|---|"
summary "first-boot lookups" "$WORK/boots.txt" "$WORK/healthz.txt"
