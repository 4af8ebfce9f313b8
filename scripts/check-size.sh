#!/usr/bin/env bash
# Fail when the gzip -9 total of what a page downloads (wasm + wasm-bindgen glue + widget)
# reaches the budget. Usage: scripts/check-size.sh [budget-KB]   (default 120; 1 KB = 1024 bytes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

budget_kb="${1:-${ZH_SEARCH_SIZE_BUDGET_KB:-120}}"
scripts/size.sh >/dev/null # recompute from the files on disk, never trust a stale report
total=$(awk '/^gzip-total-bytes:/ { print $2 }' target/size.txt)
budget=$((budget_kb * 1024))
widget=$(gzip -9 -c www/zh-search.js | wc -c)
if ((total >= budget)); then
  echo "size check FAILED: gzip total $total bytes >= budget ${budget_kb} KB ($budget bytes)" >&2
  cat target/size.txt >&2
  exit 1
fi
echo "size check ok: gzip total $total bytes < ${budget_kb} KB ($budget bytes); widget alone $widget bytes gzip"
