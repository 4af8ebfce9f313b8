#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer), one target after another, each for a
# bounded time. Usage: scripts/fuzz.sh [target…]   (default: search snippet decode)
#
#   FUZZ_SECONDS=600   seconds per target (default 600)
#   FUZZ_SANITIZER     none (default: coverage instrumentation only, all stable -C flags) or
#                      address (-Zsanitizer=address: uses a nightly toolchain when one is
#                      installed, otherwise the stable one with RUSTC_BOOTSTRAP=1, which works
#                      with Rust 1.95 but is not a supported configuration)
#   FUZZ_JOBS=1        parallel fuzzing processes per target (libFuzzer -fork)
#
# Installs cargo-fuzz when it is missing. New interesting inputs accumulate in fuzz/corpus/<target>
# (not committed); the committed seeds are read from fuzz/seeds/<target>. A crash stops the run,
# leaves the input in fuzz/artifacts/<target>/ and prints how to reproduce it; keep it as a
# regression test by copying it to fuzz/regressions/<target>/ (replayed by `cargo test`). Each
# target's summary (executions, coverage, corpus) is appended to target/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds="${FUZZ_SECONDS:-600}"
sanitizer="${FUZZ_SANITIZER:-none}"
jobs="${FUZZ_JOBS:-1}"
targets=("$@")
((${#targets[@]})) || targets=(search snippet decode)
CARGO_FUZZ_VERSION=0.13.2

say() { printf '[fuzz] %s\n' "$*" >&2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# cargo-fuzz instruments with stable -C flags (-Cpasses=sancov-module, -Cllvm-args=…); only the
# sanitizers need -Zsanitizer, i.e. a nightly toolchain.
toolchain=()
if [[ "$sanitizer" != none ]]; then
  if rustup toolchain list | grep -q '^nightly'; then
    toolchain=(+nightly)
  else
    say "no nightly toolchain: building with RUSTC_BOOTSTRAP=1 on stable for -Zsanitizer=$sanitizer"
    export RUSTC_BOOTSTRAP=1
  fi
fi

declare -A max_len=([search]=8192 [snippet]=4096 [decode]=70000)
mkdir -p target
summary=target/fuzz-summary.txt
cd fuzz
cargo "${toolchain[@]}" fuzz build -s "$sanitizer"
extra=()
((jobs > 1)) && extra+=("-fork=$jobs")
for target in "${targets[@]}"; do
  [[ -n "${max_len[$target]:-}" ]] || { say "unknown target $target (search, snippet, decode)"; exit 2; }
  mkdir -p "corpus/$target"
  log="../target/fuzz-$target.log"
  say "$target: ${seconds}s, sanitizer $sanitizer, log $log"
  start=$(date +%s)
  status=0
  cargo "${toolchain[@]}" fuzz run -s "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len="${max_len[$target]}" \
    -print_final_stats=1 "${extra[@]}" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n1 || true)
  cov_line=$(grep -E '#[0-9]+\s+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n1 || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n1 || true)
  line="$(date -u +%FT%TZ) $target: ${elapsed}s, ${execs:-?} executions, ${done_line:-no summary}; last: ${cov_line:-?}; sanitizer $sanitizer; exit $status"
  echo "$line" | tee -a "../$summary" >&2
  if ((status != 0)); then
    say "$target FAILED (exit $status); see $log and fuzz/artifacts/$target/"
    grep -E 'panicked at|Reproduce with|cargo fuzz run' "$log" | head -n 8 >&2 || true
    exit "$status"
  fi
done
