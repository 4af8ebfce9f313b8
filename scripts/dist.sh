#!/usr/bin/env bash
# Write the self-contained folder a site owner copies to their server as is:
#
#   scripts/dist.sh [DIR]        (default dist/; make dist builds first, then runs this)
#
# DIR/zh-search.js, zh-search.d.ts, pkg/zh_search.js, pkg/zh_search_bg.wasm (from $PKG, default
# www/pkg), and from scripts/dist/: index.html (a minimal page with the element, its stylesheet
# index.css and icon favicon.svg: files, since the strict CSP blocks inline styles and data: URLs)
# and README.md. Ends with the size table of the files as shipped (scripts/size.sh DIR).
# Both scripts are minified with esbuild: zh-search.js is the element's bundle of www/src/
# (scripts/build-element.mjs, as make build writes www/zh-search.js), the glue is minified as
# is (whitespace, names; still an ES module). DIST_MINIFY=0 ships both readable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-dist}"
pkg="${PKG:-www/pkg}"
files=("$pkg/zh_search.js" "$pkg/zh_search_bg.wasm" www/src/index.js www/zh-search.d.ts
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
  node scripts/build-element.mjs "$tmp/zh-search.js"
  node_modules/.bin/esbuild --minify --format=esm --log-level=warning "$pkg/zh_search.js" --outfile="$tmp/pkg/zh_search.js"
else
  ELEMENT_MINIFY=0 node scripts/build-element.mjs "$tmp/zh-search.js"
  cp "$pkg/zh_search.js" "$tmp/pkg/"
fi
rm -rf "$out"
mv "$tmp" "$out"
scripts/size.sh "$out"
echo "dist.sh: wrote $out/ ($(du -sk "$out" | cut -f1) KB): copy it to your server as is"
