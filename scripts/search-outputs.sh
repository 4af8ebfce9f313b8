#!/usr/bin/env bash
# What the engine answers, as text, for comparing two commits ("results identical"):
#
#   scripts/search-outputs.sh OUT_DIR CORPUS_DIR QUERIES [LAYOUT]
#
# builds examples/search over CORPUS_DIR (ZH_SEARCH_SEEDS; LAYOUT = auto, scan or grams, as
# ZH_SEARCH_LAYOUT) and writes OUT_DIR/NAME.txt, the search example's output for every query
# (QUERIES: one a line, or a judgments .tsv whose first column is the query; `#` lines are
# skipped), and OUT_DIR/NAME.passages.md5, the digest of every passage's text, title and
# source. NAME is CORPUS_DIR's base name and the layout. Run it in two checkouts (each with
# its own target/) and `diff -r` the two OUT_DIRs.
set -euo pipefail
if [[ $# -lt 3 || $# -gt 4 ]]; then
  echo "usage: $0 OUT_DIR CORPUS_DIR QUERIES [auto|scan|grams]" >&2
  exit 2
fi
abs() { (cd "$(dirname "$1")" && echo "$PWD/$(basename "$1")"); }
mkdir -p "$1"
out=$(abs "$1") corpus=$(abs "$2") queries=$(abs "$3") layout="${4:-auto}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ZH_SEARCH_LAYOUT="$layout" ZH_SEARCH_SEEDS="$corpus" cargo build -q --release --example search
bin="${CARGO_TARGET_DIR:-target}/release/examples/search"
name="$(basename "$corpus")-$layout"
: >"$out/$name.txt"
set -f # no globbing of the queries
grep -v '^#' "$queries" | cut -f1 | while IFS= read -r query; do
  [[ -z "$query" || "$query" == query ]] && continue
  echo "=== $query" >>"$out/$name.txt"
  # Unquoted on purpose: the example joins its arguments with spaces, as a reader types them.
  # shellcheck disable=SC2086
  "$bin" $query >>"$out/$name.txt" 2>&1
done
"$bin" --passages --json | md5sum >"$out/$name.passages.md5"
echo "$out/$name.txt: $(grep -c '^===' "$out/$name.txt") queries"
