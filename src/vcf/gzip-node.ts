/**
 * Node-only inflation of plain (non-BGZF) gzip, through node:zlib with backpressure. Node 20's
 * DecompressionStream does not hold back its input: fed by a pull-based stream it read a
 * 276 MB .vcf.gz whole into memory while the reader was at its first megabytes (peak RSS 369 MB
 * on a 5M-record file). A piped gunzip stream reads only as its output is consumed.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

export async function* inflateGzip(raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Concatenated gzip members are read as one stream, as gzip -d does.
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  // Errors of the source or of zlib reach the loop below through gunzip.
  const piped = pipeline(Readable.from(raw, { objectMode: false }), gunzip).catch(() => {});
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } finally {
    gunzip.destroy();
    await piped;
  }
}
