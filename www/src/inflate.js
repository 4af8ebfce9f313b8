// The bytes of a file the indexer CLI stored gzip-compressed (the engine, an index, a shard),
// inflated when they still start with the gzip magic bytes (a host that serves them with
// `Content-Encoding: gzip` hands over plain bytes already).
//
// The bytes go to the DecompressionStream through its writer: a Blob's stream piped through it
// (the obvious way) took several milliseconds per file in Chromium when a search fetches ten
// small shards at once, the writer a fraction of one.

const isGzip = (bytes) => bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** `bytes` inflated if they are gzip, else themselves; rejects on damaged or cut gzip data. */
export async function inflated(bytes) {
  if (!isGzip(bytes)) return bytes;
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  // Their failures are the reader's too (reported below): not unhandled rejections.
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}
