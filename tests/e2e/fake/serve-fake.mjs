// Dev only: serve www/ but answer /pkg/zh_search.js from the fake module next to this file.
// (www/ is copied at start: restart after editing.)
// Usage: node tests/e2e/fake/serve-fake.mjs [port] [--csp]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../../tools/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const www = path.resolve(here, '../../../www');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-fake-'));
fs.cpSync(www, root, { recursive: true, filter: (src) => path.basename(src) !== 'pkg' });
fs.mkdirSync(path.join(root, 'pkg'));
fs.copyFileSync(path.join(here, 'zh_search.js'), path.join(root, 'pkg', 'zh_search.js'));
const port = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 8090);
const s = await startServer({ root, port, csp: process.argv.includes('--csp') });
console.log(`Serving fake build at ${s.url}`);
