/**
 * Opens a VCF source: decompresses, splits lines, reads the header, then hands out the data
 * lines in batches. Pure plumbing: what to do with each line is the caller's business.
 */
import { MarrowscopeError, type Warning } from "../errors.js";
import { type BgzfInflater, type Compression, decompress, type GzipInflater } from "./decompress.js";
import { parseHeader, type VcfHeader } from "./header.js";
import type { VcfSource } from "./input.js";
import { type AsciiDecoder, type LineBatch, readLines } from "./lines.js";

export interface OpenOptions {
  readonly strict?: boolean;
  readonly maxLineLength?: number;
  readonly signal?: AbortSignal;
  readonly onWarning?: (warning: Warning) => void;
  readonly inflateBgzf?: BgzfInflater;
  readonly inflateGzip?: GzipInflater;
  readonly decodeAscii?: AsciiDecoder;
  /** Header rules `validate` adds (see HeaderOptions.allRules). */
  readonly allRules?: boolean;
}

export interface OpenVcf {
  readonly header: VcfHeader;
  readonly compression: Compression;
  /** Data lines after the header, in order. Can be iterated once. */
  readonly batches: AsyncIterable<LineBatch>;
}

/** Header lines are small; cap them so a binary file fed as text fails fast. */
const MAX_HEADER_LINES = 1_000_000;

/**
 * @throws MarrowscopeError E_INPUT, E_VCF_HEADER
 */
export async function openVcf(source: VcfSource, options: OpenOptions = {}): Promise<OpenVcf> {
  const file = source.name;
  let compression: Compression = "plain";
  const bytes = decompress(source.open(options.signal), {
    file,
    onWarning: options.onWarning,
    inflateBgzf: options.inflateBgzf,
    inflateGzip: options.inflateGzip,
    onCompression: (c) => {
      compression = c;
    },
  });
  const iterator = readLines(bytes, {
    decodeAscii: options.decodeAscii,
    file,
    strict: options.strict,
    maxLineLength: options.maxLineLength,
    onWarning: options.onWarning,
  })[Symbol.asyncIterator]();
  const headerLines: string[] = [];
  let rest: LineBatch | undefined;
  let sawChrom = false;
  while (!sawChrom) {
    const next = await iterator.next();
    if (next.done) break;
    const { lines, firstLine } = next.value;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (headerLines.length === 0 && line === "") continue;
      if (!line.startsWith("#")) {
        // A data line before #CHROM: let parseHeader explain what is missing.
        headerLines.push(line);
        sawChrom = true;
        break;
      }
      headerLines.push(line);
      if (headerLines.length > MAX_HEADER_LINES) {
        throw new MarrowscopeError("E_VCF_HEADER", `more than ${MAX_HEADER_LINES} header lines`, { file, line: firstLine + i });
      }
      if (!line.startsWith("##")) {
        sawChrom = true;
        if (i + 1 < lines.length) rest = { lines: lines.slice(i + 1), firstLine: firstLine + i + 1 };
        break;
      }
    }
  }
  if (headerLines.length === 0) {
    throw new MarrowscopeError("E_VCF_HEADER", "not a VCF file: no header lines", { file, line: 1 });
  }
  const header = parseHeader(headerLines, { file, strict: options.strict, onWarning: options.onWarning, allRules: options.allRules });
  async function* batches(): AsyncGenerator<LineBatch> {
    if (rest) yield rest;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (options.signal?.aborted) throw new MarrowscopeError("E_ABORTED", "aborted", { file });
      yield next.value;
    }
  }
  return { header, compression, batches: batches() };
}
