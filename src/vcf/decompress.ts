/**
 * Tells plain text, gzip and BGZF apart by their first bytes (never by file name) and
 * yields decompressed bytes. Plain gzip goes through the standard DecompressionStream (or the
 * platform's inflater); BGZF through the platform's BGZF inflater (Node: zlib, bgzf-node.ts;
 * browser: bgzf-browser.ts), because a browser's DecompressionStream stops after the first gzip
 * member and BGZF is a series of them (Node's reads on, which the fallback below relies on).
 */
import { MarrowscopeError, type Warning } from "../errors.js";
import { iterateStream } from "./input.js";

export type Compression = "plain" | "gzip" | "bgzf";

/** The 28-byte empty block every well-formed BGZF file ends with (SAM spec §4.1.2). */
const BGZF_EOF = new Uint8Array([
  0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00,
]);

/** Sniffs the compression from the first bytes of a file. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    // BGZF: FLG.FEXTRA set and an extra subfield "BC" (SAM spec §4.1).
    const bgzf = head.length >= 14 && (head[3]! & 4) !== 0 && head[12] === 0x42 && head[13] === 0x43;
    return bgzf ? "bgzf" : "gzip";
  }
  return "plain";
}

function isBcf(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x42 && head[1] === 0x43 && head[2] === 0x46; // "BCF"
}

function bcfError(file: string): MarrowscopeError {
  return new MarrowscopeError(
    "E_INPUT",
    "this is a BCF (binary VCF) file; convert it first with `bcftools view -Oz -o out.vcf.gz in.bcf`",
    { file },
  );
}

/** Collects chunks until at least `n` bytes are buffered (or the input ends). */
async function peek(iterator: AsyncIterator<Uint8Array>, n: number): Promise<{ head: Uint8Array; chunks: Uint8Array[]; done: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < n) {
    const next = await iterator.next();
    if (next.done) return { head: concat(chunks, total), chunks, done: true };
    chunks.push(next.value);
    total += next.value.byteLength;
  }
  return { head: concat(chunks, Math.min(total, 64)), chunks, done: false };
}

/** The first `limit` bytes of `chunks`, joined. */
export function concat(chunks: readonly Uint8Array[], limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= limit) break;
    const take = Math.min(chunk.byteLength, limit - offset);
    out.set(chunk.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

function endsWith(tail: Uint8Array, suffix: Uint8Array): boolean {
  if (tail.length < suffix.length) return false;
  const offset = tail.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (tail[offset + i] !== suffix[i]) return false;
  return true;
}

/** A platform-specific BGZF inflater (the Node build inflates blocks on the thread pool). */
export type BgzfInflater = (
  raw: AsyncIterable<Uint8Array>,
  options: { readonly file: string; readonly onWarning?: (warning: Warning) => void },
) => AsyncIterable<Uint8Array>;

/** A platform-specific inflater of plain gzip (the Node build uses zlib, with backpressure). */
export type GzipInflater = (raw: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

export interface DecompressOptions {
  readonly file: string;
  readonly onWarning?: (warning: Warning) => void;
  readonly onCompression?: (compression: Compression) => void;
  readonly inflateBgzf?: BgzfInflater;
  readonly inflateGzip?: GzipInflater;
}

/** The peeked chunks, then the rest of `iterator`, as a stream pulled as it is read; each chunk is shown to `onChunk`. */
function pulled(
  chunks: readonly Uint8Array[],
  done: boolean,
  iterator: AsyncIterator<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        onChunk(chunk);
        controller.enqueue(chunk);
      }
      if (done) controller.close();
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
      } else {
        onChunk(next.value);
        controller.enqueue(next.value);
      }
    },
  });
}

async function* prepend(chunks: readonly Uint8Array[], done: boolean, iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
  if (done) return;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/**
 * Yields the decompressed bytes of a plain, gzip or BGZF stream.
 * @throws MarrowscopeError E_INPUT for empty, BCF, truncated or corrupt input
 */
export async function* decompress(raw: AsyncIterable<Uint8Array>, options: DecompressOptions): AsyncGenerator<Uint8Array> {
  const { file } = options;
  const iterator = raw[Symbol.asyncIterator]();
  const { head, chunks, done } = await peek(iterator, 18);
  if (head.length === 0) throw new MarrowscopeError("E_INPUT", "file is empty", { file });
  const compression = sniffCompression(head);
  options.onCompression?.(compression);

  if (compression === "plain") {
    if (isBcf(head)) throw bcfError(file);
    yield* prepend(chunks, done, iterator);
    return;
  }
  if (compression === "bgzf" && options.inflateBgzf) {
    let first = true;
    for await (const chunk of options.inflateBgzf(prepend(chunks, done, iterator), { file, onWarning: options.onWarning })) {
      if (first) {
        first = false;
        if (isBcf(chunk)) throw bcfError(file);
      }
      yield chunk;
    }
    return;
  }

  // Keep the last 28 raw bytes to check for the BGZF EOF marker without buffering the file.
  let tail = new Uint8Array(0);
  const keepTail = (chunk: Uint8Array) => {
    if (chunk.byteLength >= BGZF_EOF.length) {
      tail = chunk.slice(chunk.byteLength - BGZF_EOF.length);
    } else {
      const joined = new Uint8Array(tail.length + chunk.byteLength);
      joined.set(tail);
      joined.set(chunk, tail.length);
      tail = joined.slice(Math.max(0, joined.length - BGZF_EOF.length));
    }
  };
  // The tail is kept for BGZF only, which takes this path where no BGZF inflater is given
  // (resolvers of a caller's own; Node's DecompressionStream reads every member); plain gzip
  // goes to the platform's inflater when there is one (Node's zlib).
  const inflated =
    compression === "gzip" && options.inflateGzip
      ? options.inflateGzip(prepend(chunks, done, iterator))
      : iterateStream(
          pulled(chunks, done, iterator, keepTail).pipeThrough(
            new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
          ),
        );
  let first = true;
  try {
    for await (const chunk of inflated) {
      if (first) {
        first = false;
        if (isBcf(chunk)) throw bcfError(file);
      }
      yield chunk;
    }
  } catch (cause) {
    if (cause instanceof MarrowscopeError) throw cause;
    const detail = String((cause as Error)?.message ?? cause);
    const truncated = /unexpected end|incomplete|truncat/i.test(detail);
    throw new MarrowscopeError(
      "E_INPUT",
      truncated
        ? "compressed data ends early (truncated .gz file?)"
        : `cannot decompress ${compression === "bgzf" ? "BGZF" : "gzip"} data: ${detail}`,
      { file },
      { cause },
    );
  }
  if (compression === "bgzf" && !endsWith(tail, BGZF_EOF)) {
    options.onWarning?.({
      code: "W_BGZF_EOF",
      message: `${file}: BGZF end-of-file marker missing; the file may be truncated`,
      location: { file },
    });
  }
}
