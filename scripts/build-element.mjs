#!/usr/bin/env node
// Bundle the <zh-search> element's sources (www/src/: index.js and the modules it imports, the
// stylesheet zh-search.css as minified text) into one ES module:
//
//   node scripts/build-element.mjs [OUT]     (default www/zh-search.js; make build runs it)
//
// esbuild, minified (whitespace, names, the CSS): what every reader downloads. As built, the
// element loads pkg/zh_search.js relative to OUT (the embed build: OUT sits beside its pkg/);
// the indexer CLI replaces the bundle's placeholder '__ZH_SEARCH_DIST__' (www/src/engine.js)
// with the names of the files it writes, and the element loads those instead. ELEMENT_MINIFY=0
// writes a readable bundle instead (debugging; larger). The search worker of sharded indexes
// (www/src/worker.js) is bundled beside OUT as zh-search-worker.js.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'www/zh-search.js'));
const minify = process.env.ELEMENT_MINIFY !== '0';

/** `import CSS from './x.css'`: the stylesheet as a string, minified by esbuild's CSS minifier. */
const cssAsText = {
  name: 'css-as-text',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await fs.promises.readFile(args.path, 'utf8');
      const { code } = minify ? await esbuild.transform(css, { loader: 'css', minify: true }) : { code: css };
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

await esbuild.build({
  entryPoints: [path.join(ROOT, 'www/src/index.js')],
  outfile: out,
  bundle: true,
  format: 'esm',
  minify,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [cssAsText],
});

// The worker that searches a sharded index (www/src/worker.js), beside the element as
// zh-search-worker.js: the indexer CLI ships it (content-hashed) with sharded indexes.
await esbuild.build({
  entryPoints: [path.join(ROOT, 'www/src/worker.js')],
  outfile: path.join(path.dirname(out), 'zh-search-worker.js'),
  bundle: true,
  format: 'esm',
  minify,
  legalComments: 'none',
  logLevel: 'warning',
});
