/**
 * BGZF inflation where there is no zlib (the browser entry). The standard
 * `DecompressionStream("gzip")` stops at the end of the first gzip member (Chromium 156: "Junk
 * found after end of compressed data"), and a BGZF file is a series of members, so it cannot read
 * one. Complete blocks are cut from the stream and inflated a batch at a time by
 * @gmod/bgzf-filehandle's WebAssembly inflater (loaded on first use), then each block's output is
 * checked against its trailer's ISIZE and CRC32, which that inflater does not check and which
 * Node's zlib does (bgzf-node.ts): corruption must not pass silently.
 *
 * Measured in Chromium on 8 MB of a bgzipped 1M-record VCF: a DecompressionStream per block
 * 2.5–4.4 s, this 0.2–1.0 s; in Node on 12 MB, 0.6 s to inflate plus 0.08 s of CRC32.
 */
import { MarrowscopeError } from "../errors.js";
import { bgzfBlockSize, blockTrailer, crc32, EOF_BLOCK_SIZE } from "./bgzf-blocks.js";
import type { BgzfInflater } from "./decompress.js";

/** Compressed bytes inflated per call: ~4 MiB out, and a call per 1 MiB read costs nothing measurable. */
const BATCH = 1 << 20;

type Unzip = (input: Uint8Array) => Promise<Uint8Array>;
let unzipper: Promise<Unzip> | undefined;

function loadUnzip(): Promise<Unzip> {
  unzipper ??= import("@gmod/bgzf-filehandle").then((m) => m.unzip);
  return unzipper;
}

function join(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Inflates a BGZF byte stream in order, checking every block.
 * @throws MarrowscopeError E_INPUT for a truncated file, a corrupt block header, or a block whose
 *   output disagrees with its CRC32 or size
 */
export const inflateBgzfBrowser: BgzfInflater = async function* (raw, { file, onWarning }) {
  const fail = (detail: string, cause?: unknown) => new MarrowscopeError("E_INPUT", detail, { file }, cause ? { cause } : undefined);
  /** Runs of complete blocks waiting to be inflated, and where the first one starts in the file. */
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let pendingOffset = 0;
  /** The start of a block not yet complete. */
  let carry: Uint8Array = new Uint8Array(0);
  /** Compressed offset of `carry`'s first byte. */
  let offset = 0;
  let lastBlockSize = 0;
  let lastBlockIsize = -1;

  async function inflate(): Promise<Uint8Array> {
    const input = join(pending, pendingBytes);
    const start = pendingOffset;
    pending = [];
    pendingBytes = 0;
    const unzip = await loadUnzip();
    let out: Uint8Array;
    try {
      out = await unzip(input);
    } catch (cause) {
      throw fail(`cannot decompress BGZF data: ${(cause as Error)?.message ?? String(cause)}`, cause);
    }
    let at = 0;
    for (let p = 0; p < input.length; ) {
      const size = bgzfBlockSize(input, p);
      const { crc, isize } = blockTrailer(input, p + size);
      if (at + isize > out.length || crc32(out.subarray(at, at + isize)) !== crc) {
        throw fail(`BGZF block at compressed offset ${start + p} fails its CRC32/size check (corrupt file?)`);
      }
      at += isize;
      p += size;
    }
    if (at !== out.length) throw fail(`BGZF data at compressed offset ${start} inflates to more than its blocks declare (corrupt file?)`);
    return out;
  }

  for await (const chunk of raw) {
    let buf = chunk;
    if (carry.length > 0) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
    }
    let p = 0;
    while (buf.length - p >= 18) {
      const size = bgzfBlockSize(buf, p);
      if (size < 0) throw fail(`corrupt BGZF block header at compressed offset ${offset + p}`);
      if (buf.length - p < size) break;
      lastBlockSize = size;
      lastBlockIsize = blockTrailer(buf, p + size).isize;
      p += size;
    }
    if (p > 0) {
      if (pendingBytes === 0) pendingOffset = offset;
      pending.push(buf.subarray(0, p));
      pendingBytes += p;
    }
    carry = buf.subarray(p);
    offset += p;
    if (pendingBytes >= BATCH) {
      const out = await inflate();
      if (out.length > 0) yield out;
    }
  }
  if (pendingBytes > 0) {
    const out = await inflate();
    if (out.length > 0) yield out;
  }
  if (carry.length > 0) throw fail("compressed data ends early (truncated .gz file?)");
  if (!(lastBlockSize === EOF_BLOCK_SIZE && lastBlockIsize === 0)) {
    onWarning?.({
      code: "W_BGZF_EOF",
      message: `${file}: BGZF end-of-file marker missing; the file may be truncated`,
      location: { file },
    });
  }
};
