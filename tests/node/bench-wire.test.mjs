// bench/lib/wire.mjs: the per-response byte count taken from the server's sockets (what make bench
// reports as bytes on the wire) is each answer's status line + headers + body as sent, also when
// one keep-alive connection carries several answers, gzip-encoded or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startServer } from '../../tools/serve.mjs';
import { tapServer, writeMarkFile } from '../../bench/lib/wire.mjs';

/** Send raw HTTP/1.1 requests on one connection, one after the other; the raw answers' sizes. */
function rawExchange(port, requests) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const sizes = [];
    let buf = Buffer.alloc(0);
    let i = 0;
    const sendNext = () => sock.write(requests[i]);
    sock.on('connect', sendNext);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        let size;
        if (/transfer-encoding: chunked/i.test(head)) {
          // Small bodies only: the answer ends at the last (empty) chunk.
          const last = buf.indexOf('\r\n0\r\n\r\n', end + 4);
          if (last < 0) return;
          size = last + 7;
        } else {
          size = end + 4 + Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        }
        if (buf.length < size) return;
        sizes.push(size);
        buf = buf.subarray(size);
        if (++i === requests.length) {
          sock.end();
          return resolve(sizes);
        }
        sendNext();
      }
    });
    sock.on('error', reject);
  });
}

test('tapServer counts each answer on a keep-alive connection, as sent', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zh-wire-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.js'), 'export const x = "分片";\n'.repeat(400));
  fs.writeFileSync(path.join(dir, 'b.wasm'), Buffer.alloc(5000, 7));
  writeMarkFile(dir);
  for (const gzip of [false, true]) {
    const s = await startServer({ root: dir, port: 0, gzip });
    const log = tapServer(s.server);
    const req = (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n`;
    const sizes = await rawExchange(s.port, [req('/a.js'), req('/b.wasm'), req('/__mark'), req('/missing')]);
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    assert.deepEqual(log.map((e) => e.path), ['/a.js', '/b.wasm', '/__mark', '/missing']);
    assert.ok(log.every((e) => e.done));
    assert.deepEqual(log.map((e) => e.bytes), sizes, `gzip ${gzip}`);
    if (gzip) assert.ok(sizes[0] < 2000 && sizes[1] < 1000, `gzip answers are small: ${sizes}`);
    else assert.ok(sizes[1] > 5000, `${sizes}`);
  }
});
