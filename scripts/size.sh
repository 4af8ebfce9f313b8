#!/usr/bin/env bash
# Print the shipped-size table (raw and gzip -9 bytes) of what a page downloads: the wasm module,
# its glue and the element.
#
#   scripts/size.sh          the build in www/ (make build); also written to target/size.txt, whose
#                            last line "gzip-total-bytes: N" scripts/check-size.sh reads
#   scripts/size.sh DIR      the files under DIR as shipped (scripts/dist.sh: the minified dist/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir="${1:-www}"
files=("$dir/pkg/zh_search_bg.wasm" "$dir/pkg/zh_search.js" "$dir/zh-search.js")
report=target/size.txt
[[ $# -eq 0 ]] || report=$(mktemp)
mkdir -p target
{
  printf '%-28s %10s %10s\n' file raw gzip-9
  raw_total=0
  gz_total=0
  for f in "${files[@]}"; do
    if [[ ! -f "$f" ]]; then
      echo "size.sh: missing $f (run make build)" >&2
      exit 1
    fi
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    raw_total=$((raw_total + raw))
    gz_total=$((gz_total + gz))
    printf '%-28s %10d %10d\n' "$f" "$raw" "$gz"
  done
  printf '%-28s %10d %10d\n' total "$raw_total" "$gz_total"
  awk -v r="$raw_total" -v g="$gz_total" \
    'BEGIN { printf "total: %.1f KB raw, %.1f KB gzip -9 (1 KB = 1024 bytes)\n", r / 1024, g / 1024 }'
  echo "gzip-total-bytes: $gz_total"
} >"$report.tmp"
mv "$report.tmp" "$report"
cat "$report"
[[ $# -eq 0 ]] || rm -f "$report"
