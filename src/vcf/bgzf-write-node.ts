/**
 * BGZF output in Node (SAM/BAM spec §4.1): gzip members of at most 64 KiB each, with the BC extra
 * field giving the block size, and the 28-byte empty block at the end, so bgzip, tabix and
 * bcftools read it. zlib's gzipSync makes each member, and its header is widened with the extra
 * field.
 */
import { gzipSync } from "node:zlib";

/** Uncompressed bytes per block: bgzip's own figure, so a block never outgrows 64 KiB compressed. */
const BLOCK = 0xff00;

/** The empty BGZF block that ends a file. */
export const BGZF_EOF = Uint8Array.from([
  0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

function block(data: Uint8Array): Uint8Array {
  const member = gzipSync(data, { level: 6 });
  // gzipSync: a 10-byte header, the deflate data, CRC32 and ISIZE (8 bytes).
  const deflated = member.subarray(10, member.length - 8);
  const trailer = member.subarray(member.length - 8);
  const size = 18 + deflated.length + 8;
  const out = new Uint8Array(size);
  out.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, (size - 1) & 0xff, (size - 1) >> 8]);
  out.set(deflated, 18);
  out.set(trailer, 18 + deflated.length);
  return out;
}

/** BGZF blocks of the bytes given, a block as soon as 64 KiB is held; the EOF block at the end. */
export async function* bgzfBlocks(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let held: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    let bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    while (bytes.length > 0) {
      const take = Math.min(BLOCK - size, bytes.length);
      held.push(bytes.subarray(0, take));
      size += take;
      bytes = bytes.subarray(take);
      if (size === BLOCK) {
        yield block(Buffer.concat(held));
        held = [];
        size = 0;
      }
    }
  }
  if (size > 0) yield block(Buffer.concat(held));
  yield BGZF_EOF;
}
