#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time from its seed corpus and prints one line of
# figures per target (docs/fuzzing.md). Exits 1 if any target found a crash.
#
#   bench/fuzz.sh                          # every target, 60 s each
#   FUZZ_SECONDS=300 bench/fuzz.sh batch_json csv_check
#
# FUZZ_SECONDS   time per target (default 60)
# FUZZ_TARGET_DIR  build directory (default /root/.cache/ztd-fuzz-target; the sanitizer flags
#                would rebuild everything in the shared cache)
# The corpus grows in fuzz/corpus/<target> (git-ignored) and is kept between runs; a crash lands
# in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-60}"
target_dir="${FUZZ_TARGET_DIR:-/root/.cache/ztd-fuzz-target}"

# cargo-fuzz needs nightly flags: a nightly toolchain if there is one, else stable told to allow them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz (about 2 minutes)" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(fuzz list); fi

# Seeds per target: committed ones under fuzz/seeds/, and the CSV reader's bad-file corpus.
seeds_of() {
  case "$1" in
    csv_check) echo "../crates/ztd-domain/tests/corpus" ;;
    *) [ -d "seeds/$1" ] && echo "seeds/$1" ;;
  esac
}
# libFuzzer options per target: CSV inputs past 2 KB mostly repeat hash bytes.
options_of() {
  case "$1" in
    csv_check) echo "-max_len=2048" ;;
    hash_decode) echo "-max_len=8192" ;;
    *) echo "-max_len=8192" ;;
  esac
}

failed=0
summary=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="$(mktemp "/tmp/ztd-fuzz-$target.XXXXXX.log")"
  echo "=== $target: building" >&2
  fuzz build --target-dir "$target_dir" "$target" >&2
  echo "=== $target: $seconds s (log $log)" >&2
  # shellcheck disable=SC2046 # word splitting of the options is intended
  if fuzz run --target-dir "$target_dir" "$target" "corpus/$target" $(seeds_of "$target") -- \
      -max_total_time="$seconds" -print_final_stats=1 $(options_of "$target") >"$log" 2>&1; then
    outcome="no crash"
  else
    outcome="CRASH, see fuzz/artifacts/$target/ and $log"
    failed=1
  fi
  runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)"
  speed="$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)"
  last="$(grep -E '^#[0-9]+' "$log" | tail -1)"
  cov="$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$last")"
  corp="$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")"
  summary+=("$target: ${seconds} s, ${runs:-?} executions (${speed:-?}/s), coverage ${cov:-?} edges, corpus ${corp:-?} inputs: $outcome")
done

printf '\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
