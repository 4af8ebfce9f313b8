#!/usr/bin/env bash
# Print the shipped-size table (raw and gzip -9 bytes) of what a page downloads: the wasm module,
# its glue and the element (and, in a folder the indexer CLI wrote, the index file).
#
#   scripts/size.sh          the build in www/ (make build); also written to target/size.txt, whose
#                            last line "gzip-total-bytes: N" scripts/check-size.sh reads
#   scripts/size.sh DIR      a folder the CLI wrote, as shipped (scripts/dist.sh). Its index file
#                            is stored gzip already: its gzip -9 column is what a host serves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir="${1:-www}"
files=("$dir/pkg/zh_search_bg.wasm" "$dir/pkg/zh_search.js" "$dir/zh-search.js")
report=target/size.txt
if [[ $# -gt 0 ]]; then
  report=$(mktemp)
  shopt -s nullglob
  files=("$dir"/zh-search-engine.*.wasm "$dir"/zh-search-glue.*.js "$dir"/zh-search-index.*.bin "$dir/zh-search.js")
  shopt -u nullglob
  [[ ${#files[@]} -eq 4 ]] || { echo "size.sh: $dir is not a folder the indexer CLI wrote" >&2; exit 1; }
fi
mkdir -p target
{
  printf '%-40s %10s %10s\n' file raw gzip-9
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
    printf '%-40s %10d %10d\n' "$f" "$raw" "$gz"
  done
  printf '%-40s %10d %10d\n' total "$raw_total" "$gz_total"
  awk -v r="$raw_total" -v g="$gz_total" \
    'BEGIN { printf "total: %.1f KB raw, %.1f KB gzip -9 (1 KB = 1024 bytes)\n", r / 1024, g / 1024 }'
  echo "gzip-total-bytes: $gz_total"
} >"$report.tmp"
mv "$report.tmp" "$report"
cat "$report"
[[ $# -eq 0 ]] || rm -f "$report"
