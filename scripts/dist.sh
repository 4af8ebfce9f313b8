#!/usr/bin/env bash
# Write the self-contained folder a site owner copies to their server as is:
#
#   scripts/dist.sh [DIR]        (default dist/; make dist builds first, then runs this)
#
# DIR/zh-search.js, zh-search.d.ts, pkg/zh_search.js, pkg/zh_search_bg.wasm (from $PKG, default
# www/pkg), and from scripts/dist/: index.html (a minimal page with the element, its stylesheet
# index.css and icon favicon.svg: files, since the strict CSP blocks inline styles and data: URLs)
# and README.md. Ends with the size table of the files as shipped (scripts/size.sh DIR).
# The two scripts are minified with esbuild (whitespace, names; no bundling, still ES modules):
# about 2 KB less gzip for every reader. DIST_MINIFY=0 copies them as they are.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-dist}"
pkg="${PKG:-www/pkg}"
files=("$pkg/zh_search.js" "$pkg/zh_search_bg.wasm" www/zh-search.js www/zh-search.d.ts
  scripts/dist/index.html scripts/dist/index.css scripts/dist/favicon.svg scripts/dist/README.md)
for f in "${files[@]}"; do
  if [[ ! -f "$f" ]]; then
    echo "dist.sh: missing $f (run make build)" >&2
    exit 1
  fi
done
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/pkg"
cp www/zh-search.d.ts scripts/dist/index.html scripts/dist/index.css scripts/dist/favicon.svg scripts/dist/README.md "$tmp/"
cp "$pkg/zh_search_bg.wasm" "$tmp/pkg/"
if [[ "${DIST_MINIFY:-1}" == 1 ]]; then
  esbuild=node_modules/.bin/esbuild
  "$esbuild" --minify --format=esm --log-level=warning www/zh-search.js --outfile="$tmp/zh-search.js"
  "$esbuild" --minify --format=esm --log-level=warning "$pkg/zh_search.js" --outfile="$tmp/pkg/zh_search.js"
else
  cp www/zh-search.js "$tmp/"
  cp "$pkg/zh_search.js" "$tmp/pkg/"
fi
rm -rf "$out"
mv "$tmp" "$out"
scripts/size.sh "$out"
echo "dist.sh: wrote $out/ ($(du -sk "$out" | cut -f1) KB): copy it to your server as is"
