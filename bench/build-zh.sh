#!/usr/bin/env bash
# Build zh-search over one corpus folder into a site directory, without touching www/pkg or the
# repository's own target/:
#
#   bench/build-zh.sh CORPUS_DIR SITE_DIR [STATS_DIR]
#
#   1. ZH_SEARCH_SEEDS=CORPUS_DIR cargo build --release --target wasm32-unknown-unknown --lib
#      (index build by build.rs + compile), under /usr/bin/time -v  -> STATS_DIR/cargo.time
#   2. make wasm PKG=SITE_DIR/pkg: the Makefile's own wasm-bindgen + wasm-opt recipe (same flags),
#      under /usr/bin/time -v                                        -> STATS_DIR/pkg.time
#   3. puts the minified element and glue (esbuild, as make engine ships them) in SITE_DIR.
#
# Cargo builds into $CARGO_TARGET_DIR (default bench/work/target). BENCH_BUILD_TIMEOUT (seconds,
# default 900) bounds each step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 CORPUS_DIR SITE_DIR [STATS_DIR]" >&2
  exit 2
fi
abs() { mkdir -p "$1" && (cd "$1" && pwd); }
corpus="$(cd "$1" && pwd)"
site="$(abs "$2")"
stats="$(abs "${3:-$2/../stats}")"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/bench/work/target}"
export ZH_SEARCH_SEEDS="$corpus"
limit="${BENCH_BUILD_TIMEOUT:-900}"
TIME=/usr/bin/time
if [[ ! -x $TIME ]]; then
  echo "build-zh.sh: $TIME missing (apt-get install -y time)" >&2
  exit 1
fi

cd "$root"
rm -f "$stats/cargo.time" "$stats/pkg.time"
echo "[build-zh] cargo build (ZH_SEARCH_SEEDS=$corpus, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
$TIME -v -o "$stats/cargo.time" timeout --kill-after=10 "$limit" \
  cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --features embed
echo "[build-zh] make wasm PKG=$site/pkg" >&2
$TIME -v -o "$stats/pkg.time" timeout --kill-after=10 "$limit" \
  make --no-print-directory wasm PKG="$site/pkg" PKG_TMP="$site/pkg.tmp"
# The minified element and glue (as make engine minifies them) over this embed-build module.
node scripts/build-element.mjs "$site/zh-search.js"
node_modules/.bin/esbuild --minify --format=esm --log-level=warning "$site/pkg/zh_search.js" \
  --outfile="$site/pkg/zh_search.min.js"
mv "$site/pkg/zh_search.min.js" "$site/pkg/zh_search.js"
rm -f "$site/pkg/zh_search.d.ts" "$site/pkg/zh_search_bg.wasm.d.ts"
echo "[build-zh] ok: $(wc -c <"$site/pkg/zh_search_bg.wasm") bytes of wasm in $site/pkg" >&2
