#!/usr/bin/env bash
# The real build script (build.rs) must stop the build with a message naming the file (and
# line) for each bad corpus under tests/fixtures/corpora/, an over-size file and a missing
# ZH_SEARCH_SEEDS folder. Runs the build script binary cargo compiled for the evil-corpus build
# ($CARGO_TARGET_DIR, default target) directly, with the environment cargo gives it:
# a second or less per case, and cargo's own fingerprints are left alone (running cargo with
# another ZH_SEARCH_SEEDS would rebuild the crate next time). Builds that binary if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-target}"

script=$(ls -t "$target_dir"/release/build/zh-search-*/build-script-build 2>/dev/null | head -n1 || true)
if [[ -z "$script" ]]; then
  CARGO_TARGET_DIR="$target_dir" cargo build --release --target wasm32-unknown-unknown --lib
  script=$(ls -t "$target_dir"/release/build/zh-search-*/build-script-build | head -n1)
fi
out="target/corpus-errors/out"
mkdir -p "$out"

big="target/corpus-errors/too-big"
rm -rf "$big" && mkdir -p "$big"
echo '正文。' >"$big/ok.txt"
truncate -s $((64 * 1024 * 1024 + 1)) "$big/huge file.txt" # sparse: no disk used

# case | ZH_SEARCH_SEEDS | text the error must contain
cases=(
  "not UTF-8|tests/fixtures/corpora/not-utf8|not-utf8/新闻 gbk.txt:3: file is not UTF-8"
  "no .txt/.md|tests/fixtures/corpora/no-text|has no non-empty .txt, .md or .html file"
  "only empty files|tests/fixtures/corpora/blank|has no non-empty .txt, .md or .html file"
  "missing folder|tests/fixtures/corpora/does-not-exist|corpus folder $PWD/tests/fixtures/corpora/does-not-exist does not exist"
  "file too big|$big|huge file.txt: 67108865 bytes is over the 67108864-byte limit"
)
failed=0
for case in "${cases[@]}"; do
  IFS='|' read -r what seeds expected <<<"$case"
  slug="${what//[^a-zA-Z0-9]/-}"
  log="target/corpus-errors/$slug.log"
  if CARGO_MANIFEST_DIR="$PWD" OUT_DIR="$PWD/$out" ZH_SEARCH_SEEDS="$seeds" "$script" >"$log" 2>&1; then
    echo "corpus errors: $what: the build succeeded on $seeds" >&2
    failed=1
  elif ! grep -qF -- "error: zh-search: " "$log" || ! grep -qF -- "$expected" "$log"; then
    echo "corpus errors: $what: the build failed without saying \"$expected\":" >&2
    tail -n 20 "$log" >&2 || true
    failed=1
  else
    echo "corpus errors: $what: $(grep -F -- 'error: zh-search: ' "$log" | head -n1 | sed 's/^ *//')"
  fi
done
# And a corpus that builds: the empty file is skipped with a cargo warning naming it.
log=target/corpus-errors/odd.log
if CARGO_MANIFEST_DIR="$PWD" OUT_DIR="$PWD/$out" ZH_SEARCH_SEEDS=tests/fixtures/corpora/odd "$script" >"$log" 2>&1 &&
  grep -qF 'cargo:warning=zh-search: ' "$log" && grep -F 'cargo:warning=' "$log" | grep -qF '空文件.md: no text, skipped'; then
  echo "corpus errors: odd corpus builds; $(grep -F 'cargo:warning=' "$log")"
else
  echo "corpus errors: the odd corpus did not build with a warning for its empty file:" >&2
  tail -n 20 "$log" >&2 || true
  failed=1
fi
exit "$failed"
