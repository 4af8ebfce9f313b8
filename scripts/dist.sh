#!/usr/bin/env bash
# Write the folder a site owner copies to their server as is, with the indexer CLI:
#
#   scripts/dist.sh [DIR]        (default dist/; make dist builds the CLI first, then runs this)
#
# Runs `target/release/zh-search index ${ZH_SEARCH_SEEDS:-seeds} --out DIR` (make cli builds it,
# the engine inside; the seed folder's zh-search.toml and the ZH_SEARCH_* variables apply), which
# writes DIR whole: zh-search.js (the element, naming the files below), the content-hashed
# zh-search-glue.*.js, zh-search-engine.*.wasm and zh-search-index.*.bin (gzip), zh-search.d.ts,
# and from scripts/dist/ index.html (a minimal page with the element, its stylesheet index.css and
# icon favicon.svg) and README.md. Never touches www/pkg. Ends with the size table of what a
# reader downloads (scripts/size.sh DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-dist}"
cli=target/release/zh-search
if [[ ! -x "$cli" ]]; then
  echo "dist.sh: missing $cli (run make cli)" >&2
  exit 1
fi
"$cli" index "${ZH_SEARCH_SEEDS:-seeds}" --out "$out"
scripts/size.sh "$out"
echo "dist.sh: wrote $out/ ($(du -sk "$out" | cut -f1) KB): copy it to your server as is"
