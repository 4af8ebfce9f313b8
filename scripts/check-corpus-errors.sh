#!/usr/bin/env bash
# The real build script (build.rs) must stop the build with a message naming the file (and
# line) for each bad corpus under tests/fixtures/corpora/, an over-size file, a missing
# ZH_SEARCH_SEEDS folder, a non-UTF-8 file without declared encoding when strict, and bad
# options (selector, glob, config file). Runs the build script binary cargo compiled for the evil-corpus build
# ($CARGO_TARGET_DIR, default target) directly, with the environment cargo gives it:
# a second or less per case, and cargo's own fingerprints are left alone (running cargo with
# another ZH_SEARCH_SEEDS would rebuild the crate next time). Builds that binary if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-target}"

# The root crate's build script of the embed build (the default feature): the one that indexes.
# The engine build (no embed) and the CLI (crates/cli) have build scripts of their own.
embed_script() {
  local f
  for f in $(ls -t "$target_dir"/wasm/build/zh-search-*/build-script-build 2>/dev/null); do
    if grep -qa 'the index just built does not open' "$f"; then echo "$f"; return; fi
  done
}
script=$(embed_script)
if [[ -z "$script" ]]; then
  CARGO_TARGET_DIR="$target_dir" cargo build --profile wasm --target wasm32-unknown-unknown --lib --no-default-features --features embed
  script=$(embed_script)
fi
out="target/corpus-errors/out"
mkdir -p "$out"

big="target/corpus-errors/too-big"
rm -rf "$big" && mkdir -p "$big"
echo '正文。' >"$big/ok.txt"
truncate -s $((64 * 1024 * 1024 + 1)) "$big/huge file.txt" # sparse: no disk used

badconfig="target/corpus-errors/bad-config"
rm -rf "$badconfig" && mkdir -p "$badconfig"
echo '<p>正文</p>' >"$badconfig/a.html"
printf 'exclude_selectors = [".toc"\n' >"$badconfig/zh-search.toml"

# case | ZH_SEARCH_SEEDS | extra environment (VAR=value, or -) | text the error must contain
cases=(
  "not UTF-8, strict|tests/fixtures/corpora/not-utf8|ZH_SEARCH_STRICT_ENCODING=1|not-utf8/新闻 gbk.txt:3: file is not UTF-8"
  "bad selector|tests/fixtures/corpora/odd|ZH_SEARCH_EXCLUDE_SELECTORS=.nav,div[|ZH_SEARCH_EXCLUDE_SELECTORS: exclude selector \"div[\" is not a valid CSS selector"
  "bad glob|tests/fixtures/corpora/odd|ZH_SEARCH_EXCLUDE=a[b|ZH_SEARCH_EXCLUDE: file pattern \"a[b\" is not a valid glob"
  "bad config file|$badconfig|-|bad-config/zh-search.toml: "
  "no .txt/.md|tests/fixtures/corpora/no-text|-|has no non-empty .txt, .md or .html file"
  "only empty files|tests/fixtures/corpora/blank|-|has no non-empty .txt, .md or .html file"
  "missing folder|tests/fixtures/corpora/does-not-exist|-|corpus folder $PWD/tests/fixtures/corpora/does-not-exist does not exist"
  "file too big|$big|-|huge file.txt: 67108865 bytes is over the 67108864-byte limit"
)
failed=0
for case in "${cases[@]}"; do
  IFS='|' read -r what seeds extra expected <<<"$case"
  [[ "$extra" == - ]] && extra=ZH_SEARCH_UNUSED=
  slug="${what//[^a-zA-Z0-9]/-}"
  log="target/corpus-errors/$slug.log"
  if env CARGO_MANIFEST_DIR="$PWD" OUT_DIR="$PWD/$out" ZH_SEARCH_SEEDS="$seeds" "$extra" "$script" >"$log" 2>&1; then
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
# And corpora that build: the empty file is skipped with a cargo warning naming it, and so is
# (not strict) the undeclared non-UTF-8 file; the summary line counts them.
for case in "odd|1 file with no text, skipped: 空文件.md" \
  "not-utf8|1 file not UTF-8 and declaring no encoding (convert them, declare <meta charset> in HTML, or set strict_encoding = true to stop instead), skipped: 新闻 gbk.txt"; do
  IFS='|' read -r corpus expected <<<"$case"
  log="target/corpus-errors/$corpus.log"
  if CARGO_MANIFEST_DIR="$PWD" OUT_DIR="$PWD/$out" ZH_SEARCH_SEEDS="tests/fixtures/corpora/$corpus" "$script" >"$log" 2>&1 &&
    grep -F 'cargo:warning=' "$log" | grep -qF "zh-search: $expected" &&
    grep -F 'cargo:warning=' "$log" | grep -qF 'skipped 1 files'; then
    echo "corpus errors: $corpus corpus builds; $(grep -F 'cargo:warning=' "$log" | tr '\n' ' ')"
  else
    echo "corpus errors: the $corpus corpus did not build with a warning for its skipped file:" >&2
    tail -n 20 "$log" >&2 || true
    failed=1
  fi
done
exit "$failed"
