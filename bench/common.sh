# Shared by the bench scripts (source it): a work directory cleaned up on exit, the release
# binary, a customer with a registrar key, and `ztd serve` on a free port.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/ztd-target}"
SERVER_PID=""

# bench_workdir NAME: $WORK, removed (and the server stopped) when the script exits.
bench_workdir() {
  WORK="$(mktemp -d "/tmp/ztd-$1.XXXXXX")"
  trap 'bench_cleanup' EXIT
}
bench_cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}

# $ZTD: the release binary (ZTD_BIN skips the build, e.g. a binary built from a clean checkout).
bench_binary() {
  if [ -z "${ZTD_BIN:-}" ]; then cargo build --release -q -p ztd; fi
  ZTD="${ZTD_BIN:-$CARGO_TARGET_DIR/release/ztd}"
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

# bench_customer URL: $CUSTOMER (a customer organisation) and $KEY (its registrar key).
bench_customer() {
  CUSTOMER=$("$ZTD" admin create-org --kind customer --name Bench --domain bench.example --json --database-url "$1" | json_field id)
  KEY=$("$ZTD" admin create-api-key --org "$CUSTOMER" --role registrar --name bench --json --database-url "$1" | json_field key)
}

# bench_serve URL [serve flags…]: `ztd serve` on a free port ($BASE, $SERVER_PID), once it answers.
bench_serve() {
  local url="$1"
  shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  BASE="http://127.0.0.1:$port"
  ZTD_LOG=warn "$ZTD" serve --listen "127.0.0.1:$port" --database-url "$url" "$@" >/dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "ztd serve did not answer on $BASE" >&2
  exit 1
}

# bench_database WORKDIR: $url (DATABASE_URL, or a SQLite file in WORKDIR) and $backend (its
# name for the tables). A PostgreSQL database named by DATABASE_URL is dropped and created afresh.
bench_database() {
  url="${DATABASE_URL:-sqlite:$1/ztd.db}"
  if [[ "$url" == postgres* ]]; then
    local name="${url##*/}"
    psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    backend=PostgreSQL
  else
    backend=SQLite
  fi
}
