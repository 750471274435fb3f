/**
 * Index mode: read only the panel's BGZF blocks, found through the .tbi/.csi index.
 *
 * The index (./tabix-index.ts) says which compressed byte ranges (chunks) hold the records of
 * each region; reading them is done here, with the same inflater and line handling as a scan,
 * because @gmod/tabix's `getLines` inflates a whole query at once (hundreds of MB on a dense
 * region) and reads a block again for every query that touches it. Here the chunks of all
 * regions are merged by file offset and each block is read and inflated once, streamed, in file
 * order.
 * The one place 1-based inclusive coordinates become 0-based half-open ones.
 */

import { throwIfAborted } from "../abort.js";
import { MarrowscopeError, quote, type Warning } from "../errors.js";
import type { Region } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { bgzfBlockSize } from "./bgzf-blocks.js";
import { type BgzfInflater, concat, decompress } from "./decompress.js";
import type { VcfHeader } from "./header.js";
import { type Filehandle, type IndexSource, readError, type VcfSource } from "./input.js";
import { type AsciiDecoder, DEFAULT_MAX_LINE_LENGTH, type LineBatch } from "./lines.js";
import { mergeRegions, type QuickLocus, quickLocus, type RegionSet, regionSet } from "./prefilter.js";
import { openVcf } from "./reader.js";
import { type ByteRange, parseTabixIndex, type TabixIndex } from "./tabix-index.js";

/** 1-based inclusive → 0-based half-open (the only such conversion in the code base). */
export function toHalfOpen(region: Region): { start: number; end: number } {
  return { start: region.start - 1, end: region.end };
}

export interface IndexedVcf {
  readonly header: VcfHeader;
  /** Contig names (as spelled in the file) that the index says hold data. */
  readonly contigsWithData: readonly string[];
  /** Lines overlapping the regions, each once, in file order; `firstLine` is 0 (unknown). */
  read(regions: readonly Region[]): AsyncIterable<LineBatch>;
  /**
   * Checks, before `read`, that the index's offsets for the regions hold BGZF blocks (up to
   * RANGES_CHECKED of them, spread over the file), so that an index of another version of the file
   * is found while a scan can still be chosen instead of part-way through the read.
   * @throws MarrowscopeError E_INPUT (isIndexProblem) when one does not
   */
  check(regions: readonly Region[]): Promise<void>;
}

/** Ranges whose first and last blocks `check` looks at: one read each, so a remote file pays little. */
const RANGES_CHECKED = 32;

export interface IndexedOptions {
  readonly file: string;
  readonly strict?: boolean;
  readonly signal?: AbortSignal;
  readonly onWarning?: (warning: Warning) => void;
  readonly inflateBgzf?: BgzfInflater;
  readonly decodeAscii?: AsciiDecoder;
  readonly maxLineLength?: number;
  /**
   * An index older than the file may describe an earlier version of it: `fail` treats it as not
   * matching (the caller can scan instead), `warn` (an index read was asked for) says so and uses it.
   */
  readonly olderIndex?: "fail" | "warn";
}

/** Errors that say the index cannot serve this file (unreadable, another file's, older than it): a scan still can. */
const indexProblems = new WeakSet<MarrowscopeError>();

/** Did `openIndexed` fail because of the index alone (so that reading the whole file would work)? */
export function isIndexProblem(error: unknown): boolean {
  return error instanceof MarrowscopeError && indexProblems.has(error);
}

const REINDEX = "re-index it (tabix -p vcf FILE), or read the whole file (strategy scan)";

function mismatch(index: string, file: string, detail: string): MarrowscopeError {
  const error = new MarrowscopeError("E_INPUT", `${index} does not match the file: ${detail}; ${REINDEX}`, { file });
  indexProblems.add(error);
  return error;
}

/** Chunks sorted and merged so that every block is read once (chunks of nearby regions share blocks). */
export function mergeRanges(chunks: readonly ByteRange[]): ByteRange[] {
  const sorted = [...chunks].sort((a, b) => a.from - b.from || a.skip - b.skip);
  const out: ByteRange[] = [];
  for (const c of sorted) {
    const current = out[out.length - 1];
    if (current && c.from <= current.last) current.last = Math.max(current.last, c.last);
    else out.push({ ...c });
  }
  return out;
}

const READ_SIZE = 1 << 20;

/** Size of the BGZF block at `offset` (BSIZE + 1, from its header). */
async function blockSizeAt(filehandle: Filehandle, offset: number, file: string, index: string): Promise<number> {
  const head = await filehandle.read(18, offset);
  const size = head.length < 18 ? -1 : bgzfBlockSize(head, 0);
  if (size < 0) throw mismatch(index, file, `it points at compressed offset ${offset}, where no BGZF block starts`);
  return size;
}

/**
 * The compressed bytes of a range shorter than READ_SIZE, exactly: the last block's header says
 * where the range ends (reading the largest block size past it instead would add up to 64 KiB
 * per range to the bytes read).
 */
async function readSmall(filehandle: Filehandle, range: ByteRange, file: string, index: string, signal?: AbortSignal): Promise<Uint8Array> {
  const end = range.last + (await blockSizeAt(filehandle, range.last, file, index));
  const bytes = await filehandle.read(end - range.from, range.from, { signal });
  if (bytes.length < end - range.from) {
    throw new MarrowscopeError("E_INPUT", `the BGZF block at compressed offset ${range.last} is cut short (truncated file?)`, { file });
  }
  return bytes;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* readBytes(
  filehandle: Filehandle,
  from: number,
  to: number,
  file: string,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  for (let at = from; at < to; at += READ_SIZE) {
    let bytes: Uint8Array;
    try {
      bytes = await filehandle.read(Math.min(READ_SIZE, to - at), at, { signal });
    } catch (cause) {
      throw readError(file, `cannot read compressed offset ${at}`, cause, signal);
    }
    if (bytes.length === 0) break;
    yield bytes;
  }
}

const locus: QuickLocus = { chrom: "", pos: 0, end: 0, structural: false, columns: 0 };

/**
 * Does the record touch a wanted region, by the span tabix and htslib give a VCF record:
 * POS to POS+len(REF)-1, or to INFO/END when given (a point for SVTYPE=TRA)? A line whose POS
 * cannot be read is kept when its contig is wanted, for the parser to report.
 */
function overlapsWanted(wanted: RegionSet, line: string): boolean {
  const q = quickLocus(line, locus);
  if (!q) {
    const tab = line.indexOf("\t");
    return wanted.overlaps(tab === -1 ? line : line.slice(0, tab), 1, Number.MAX_SAFE_INTEGER);
  }
  let end = q.end;
  // INFO is the 8th column: look in it for END= and SVTYPE=TRA.
  let t = line.indexOf("\t");
  for (let c = 1; c < 7 && t !== -1; c++) t = line.indexOf("\t", t + 1);
  if (t !== -1) {
    let stop = line.indexOf("\t", t + 1);
    if (stop === -1) stop = line.length;
    for (let f = t + 1; f < stop; ) {
      let semi = line.indexOf(";", f);
      if (semi === -1 || semi > stop) semi = stop;
      if (semi - f === 10 && line.startsWith("SVTYPE=TRA", f)) {
        end = q.pos;
        break;
      }
      if (line.startsWith("END=", f)) {
        const value = Number(line.slice(f + 4, semi));
        if (Number.isFinite(value)) end = value;
      }
      f = semi + 1;
    }
  }
  return wanted.overlaps(q.chrom, q.pos, Math.max(end, q.pos));
}

async function sizeOf(filehandle: Filehandle): Promise<number | undefined> {
  try {
    const { size } = await filehandle.stat();
    return typeof size === "number" && size > 0 ? size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An index older than its file (as htslib warns: "The index file is older than the data file")
 * may describe what the file was before it was rewritten. Whole seconds, as htslib compares
 * them: copies made in one go can differ by milliseconds either way.
 */
async function checkAge(vcf: Filehandle, index: IndexSource, options: IndexedOptions): Promise<void> {
  let vcfTime: number | undefined;
  let indexTime: number | undefined;
  try {
    vcfTime = ((await vcf.stat()) as { mtimeMs?: number }).mtimeMs;
    indexTime = ((await index.filehandle.stat()) as { mtimeMs?: number }).mtimeMs;
  } catch {
    return;
  }
  if (typeof vcfTime !== "number" || typeof indexTime !== "number") return;
  if (Math.floor(indexTime / 1000) >= Math.floor(vcfTime / 1000)) return;
  const detail = "it is older than the file, which may have been rewritten since it was indexed";
  if (options.olderIndex !== "warn") throw mismatch(index.name, options.file, detail);
  options.onWarning?.({
    code: "W_INDEX_OLDER",
    message: `${options.file}: ${index.name} is older than the file: if the file was rewritten after indexing, records may be missed; ${REINDEX}`,
    location: { file: options.file },
  });
}

/** The whole index, inflated (tabix and CSI indexes are BGZF-compressed). */
async function readWhole(index: IndexSource, options: IndexedOptions): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await index.filehandle.readFile({ signal: options.signal });
  } catch (cause) {
    throw readError(index.name, "cannot read the index", cause, options.signal);
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  // No onWarning: a missing EOF block in the index does not concern the VCF.
  for await (const part of decompress(once(raw), { file: index.name, inflateBgzf: options.inflateBgzf })) {
    parts.push(part);
    length += part.length;
  }
  return parts.length === 1 ? parts[0]! : concat(parts, length);
}

/**
 * Opens an indexed VCF: the header from the start of the file (read as a scan reads it), the
 * contigs from the index.
 * @throws MarrowscopeError E_INPUT when the index cannot be read; E_VCF_HEADER
 */
export async function openIndexed(
  source: VcfSource & { readonly filehandle: Filehandle },
  index: IndexSource,
  options: IndexedOptions,
): Promise<IndexedVcf> {
  const { file, signal } = options;
  let indexFile: TabixIndex;
  try {
    indexFile = parseTabixIndex(await readWhole(index, options), index.name);
  } catch (cause) {
    const error = readError(index.name, "cannot read the index", cause);
    if (!signal?.aborted) indexProblems.add(error);
    throw error;
  }
  const refNames = indexFile.names;
  const indexName = index.name;
  await checkAge(source.filehandle, index, options);

  // The header, then stop reading: the rest of the file is read through the index.
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal?.addEventListener("abort", forward, { once: true });
  let header: VcfHeader;
  let firstRecord: string | undefined;
  try {
    const opened = await openVcf(source, {
      strict: options.strict,
      maxLineLength: options.maxLineLength,
      signal: stop.signal,
      onWarning: options.onWarning,
      inflateBgzf: options.inflateBgzf,
      decodeAscii: options.decodeAscii,
    });
    header = opened.header;
    // The first record's contig, from the first batch of lines after the header.
    const first = await opened.batches[Symbol.asyncIterator]().next();
    firstRecord = first.done ? "" : first.value.lines.find((line) => line !== "");
  } finally {
    stop.abort();
    signal?.removeEventListener("abort", forward);
  }
  // An index of another file: it does not list the contig of this file's first record (tabix
  // indexes every record), or it points past the end of the file.
  if (firstRecord === "" && refNames.length > 0) {
    throw mismatch(index.name, file, `it lists ${refNames.length} contig(s), and the file has no records`);
  }
  if (firstRecord) {
    const tab = firstRecord.indexOf("\t");
    const chrom = tab === -1 ? firstRecord : firstRecord.slice(0, tab);
    if (!refNames.includes(chrom)) throw mismatch(index.name, file, `it does not list contig ${quote(chrom)} of the first record`);
  }
  const size = await sizeOf(source.filehandle);
  if (size !== undefined && indexFile.maxOffset >= size) {
    throw mismatch(
      index.name,
      file,
      `it points at compressed offset ${indexFile.maxOffset}, past the end of the file (${size} bytes: cut short, or the index is another file's)`,
    );
  }

  // The index spells contigs its own way (`5` or `chr5`); map our canonical names onto it.
  const spelling = new Map<string, string>();
  for (const name of refNames) spelling.set(canonicalChrom(name), name);

  /** The byte ranges to read for the regions, merged, and the regions the index knows. */
  function plan(regions: readonly Region[]): { ranges: ByteRange[]; wanted: RegionSet } {
    const chunks: ByteRange[] = [];
    const placed: Region[] = [];
    const byRef = new Map<string, { start: number; end: number }[]>();
    for (const region of mergeRegions(regions.map((r) => ({ ...r, chrom: canonicalChrom(r.chrom) })))) {
      const refName = spelling.get(region.chrom);
      if (refName === undefined) continue;
      placed.push(region);
      const list = byRef.get(refName);
      if (list) list.push(toHalfOpen(region));
      else byRef.set(refName, [toHalfOpen(region)]);
    }
    for (const [refName, spans] of byRef) chunks.push(...indexFile.rangesFor(refName, spans));
    return { ranges: mergeRanges(chunks), wanted: regionSet(placed) };
  }

  async function check(regions: readonly Region[]): Promise<void> {
    const { ranges } = plan(regions);
    const step = Math.max(1, ranges.length / RANGES_CHECKED);
    try {
      for (let i = 0; i < ranges.length; i += step) {
        const range = ranges[Math.floor(i)]!;
        await blockSizeAt(source.filehandle, range.from, file, indexName);
        if (range.last !== range.from) await blockSizeAt(source.filehandle, range.last, file, indexName);
      }
    } catch (cause) {
      throw readError(file, "cannot read", cause, signal);
    }
  }

  async function* read(regions: readonly Region[]): AsyncGenerator<LineBatch> {
    const { ranges, wanted } = plan(regions);
    const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    // The next small range is read while this one is inflated and filtered: an index run is
    // otherwise a wait on the disk (or the network) for every range, ~0.1 s on the 5M bench file.
    const prefetch = (range: ByteRange | undefined): Promise<Uint8Array> | undefined => {
      if (range === undefined || range.last - range.from >= READ_SIZE) return undefined;
      const read = readSmall(source.filehandle, range, file, indexName, signal);
      // Handled when awaited; this only keeps an abandoned read from being "unhandled".
      read.catch(() => {});
      return read;
    };
    let ahead = prefetch(ranges[0]);
    for (let r = 0; r < ranges.length; r++) {
      const range = ranges[r]!;
      const fetched = ahead;
      ahead = prefetch(ranges[r + 1]);
      throwIfAborted(signal, file);
      let bytes: AsyncIterable<Uint8Array>;
      try {
        let raw: AsyncIterable<Uint8Array>;
        if (fetched) raw = once(await fetched);
        else {
          const end = range.last + (await blockSizeAt(source.filehandle, range.last, file, indexName));
          raw = readBytes(source.filehandle, range.from, end, file, signal);
        }
        // No onWarning: a range never ends with the file's EOF marker.
        bytes = decompress(raw, { file, inflateBgzf: options.inflateBgzf });
      } catch (cause) {
        throw readError(file, `cannot read compressed offset ${range.from}`, cause, signal);
      }
      const decoder = new TextDecoder("utf-8", { fatal: options.strict ?? true });
      let skip = range.skip;
      // A record starts where the index says: right after a newline (or at a block's start).
      let atLineStart = skip === 0;
      let before = 0;
      let pending = "";
      for await (let chunk of bytes) {
        if (skip > 0) {
          const take = Math.min(skip, chunk.length);
          if (take > 0) before = chunk[take - 1]!;
          skip -= take;
          chunk = chunk.subarray(take);
          if (skip > 0) continue;
        }
        if (!atLineStart) {
          if (before !== 0x0a) {
            throw mismatch(indexName, file, `it points inside a line (compressed offset ${range.from}, byte ${range.skip} of the block)`);
          }
          atLineStart = true;
        }
        if (chunk.length === 0) continue;
        let text: string;
        try {
          text = options.decodeAscii?.(chunk) ?? decoder.decode(chunk, { stream: true });
        } catch (cause) {
          throw new MarrowscopeError("E_VCF_RECORD", "invalid UTF-8 byte sequence (VCF text must be UTF-8)", { file }, { cause });
        }
        const lines: string[] = [];
        let from = 0;
        for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", from)) {
          let line = from === 0 ? pending + text.slice(0, nl) : text.slice(from, nl);
          from = nl + 1;
          if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
          if (line.length === 0 || line.charCodeAt(0) === 35) continue;
          if (overlapsWanted(wanted, line)) lines.push(line);
        }
        pending = from === 0 ? pending + text : text.slice(from);
        if (pending.length > maxLineLength) {
          throw new MarrowscopeError("E_VCF_RECORD", `line is longer than ${maxLineLength} bytes (raise maxLineLength if this is real)`, {
            file,
          });
        }
        if (lines.length > 0) yield { lines, firstLine: 0 };
      }
      if (!atLineStart) throw mismatch(indexName, file, `it points past the end of the block at compressed offset ${range.from}`);
      // What follows the last newline belongs to a record past the range's last block.
    }
  }
  // The index's offset for the first record's position must hold that record: an index of another
  // file, or of this one before it was rewritten, points at other bytes (found here, before
  // anything is read, rather than as a failure part-way through the regions).
  if (firstRecord) {
    const [chrom = "", posText = ""] = firstRecord.split("\t", 2);
    const pos = Number(posText);
    if (Number.isSafeInteger(pos) && pos > 0) {
      const line = firstRecord.endsWith("\r") ? firstRecord.slice(0, -1) : firstRecord;
      let found: string | undefined;
      try {
        for await (const batch of read([{ chrom, start: pos, end: pos }])) {
          found = batch.lines[0];
          break;
        }
      } catch (error) {
        if (error instanceof MarrowscopeError && !signal?.aborted) indexProblems.add(error);
        throw error;
      }
      if (found !== line) {
        throw mismatch(
          index.name,
          file,
          `where it places the first record (${chrom}:${pos}) the file has ${found === undefined ? "no such record" : "another line"}`,
        );
      }
    }
  }
  return { header, contigsWithData: refNames, read, check };
}
