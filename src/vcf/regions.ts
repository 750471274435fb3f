/**
 * Index mode: read only the panel's regions through a .tbi/.csi index with @gmod/tabix.
 * The one place 1-based inclusive coordinates become tabix's 0-based half-open ones.
 */
import { TabixIndexedFile } from "@gmod/tabix";
import { MarrowscopeError, type Warning } from "../errors.js";
import type { Region } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { parseHeader, type VcfHeader } from "./header.js";
import type { Filehandle, IndexSource } from "./input.js";
import type { LineBatch } from "./lines.js";

/** 1-based inclusive → 0-based half-open (the only such conversion in the code base). */
export function toHalfOpen(region: Region): { start: number; end: number } {
  return { start: region.start - 1, end: region.end };
}

export interface IndexedVcf {
  readonly header: VcfHeader;
  /** Contig names (as spelled in the file) that the index says hold data. */
  readonly contigsWithData: readonly string[];
  /** Lines overlapping the regions, each once, in region order; `firstLine` is 0 (unknown). */
  read(regions: readonly Region[]): AsyncIterable<LineBatch>;
}

export interface IndexedOptions {
  readonly file: string;
  readonly strict?: boolean;
  readonly signal?: AbortSignal;
  readonly onWarning?: (warning: Warning) => void;
}

function wrap(file: string, what: string, cause: unknown): MarrowscopeError {
  return new MarrowscopeError("E_INPUT", `${what}: ${(cause as Error)?.message?.split("\n")[0] ?? String(cause)}`, { file }, { cause });
}

/** Bases per tabix query: a few thousand records even in a panel-dense file. */
export const INDEX_WINDOW = 100_000;

/** 0-based start (POS - 1) of a data line, as tabix computes it; NaN when POS is not a number. */
function startOf(line: string): number {
  const t1 = line.indexOf("\t");
  const t2 = line.indexOf("\t", t1 + 1);
  return Number(line.slice(t1 + 1, t2 === -1 ? undefined : t2)) - 1;
}

/** Merges overlapping or adjacent regions per contig, sorted. */
export function mergeRegions(regions: readonly Region[]): Region[] {
  const sorted = [...regions].sort((a, b) => (a.chrom < b.chrom ? -1 : a.chrom > b.chrom ? 1 : a.start - b.start));
  const out: Region[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.chrom === r.chrom && r.start <= last.end + 1) {
      out[out.length - 1] = { ...last, end: Math.max(last.end, r.end) };
    } else out.push({ ...r });
  }
  return out;
}

/**
 * Opens an indexed VCF and streams the lines overlapping `regions`.
 * @throws MarrowscopeError E_INPUT when the index cannot be read
 */
export async function openIndexed(filehandle: Filehandle, index: IndexSource, options: IndexedOptions): Promise<IndexedVcf> {
  const { file } = options;
  // The chunk cache counts entries as if each were one 64 KiB block, but a chunk is all the
  // blocks of a query (megabytes when dense); windows are read in order, so only the chunk at a
  // window boundary is ever wanted again. Four entries instead of the default 80.
  const cache = { chunkCacheSize: 4 * 65536 };
  const tabix = new TabixIndexedFile(
    index.kind === "csi"
      ? { filehandle, csiFilehandle: index.filehandle, ...cache }
      : { filehandle, tbiFilehandle: index.filehandle, ...cache },
  );
  let headerText: string;
  let refNames: string[];
  try {
    headerText = await tabix.getHeader({ signal: options.signal });
    refNames = await tabix.getReferenceSequenceNames({ signal: options.signal });
  } catch (cause) {
    throw wrap(index.name, "cannot read the index", cause);
  }
  const headerLines = headerText.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  while (headerLines.length > 0 && headerLines[headerLines.length - 1] === "") headerLines.pop();
  const header = parseHeader(headerLines, { file, strict: options.strict, onWarning: options.onWarning });

  // The index spells contigs its own way (`5` or `chr5`); map our canonical names onto it.
  const spelling = new Map<string, string>();
  const fileOrder = new Map<string, number>();
  refNames.forEach((name, i) => {
    spelling.set(canonicalChrom(name), name);
    fileOrder.set(canonicalChrom(name), i);
  });

  async function* read(regions: readonly Region[]): AsyncGenerator<LineBatch> {
    // Visit contigs in the file's own order (the index lists them so), as a scan would: records,
    // and so findings and warnings, then come out in the same order either way.
    const order = (chrom: string) => fileOrder.get(chrom) ?? Number.MAX_SAFE_INTEGER;
    const merged = mergeRegions(regions.map((r) => ({ ...r, chrom: canonicalChrom(r.chrom) }))).sort(
      (a, b) => order(a.chrom) - order(b.chrom) || a.start - b.start,
    );
    // Records that began before a region (long deletions, SVs) and so may have come back with an
    // earlier region; the only records that can come back twice.
    const carried = new Set<number>();
    for (const region of merged) {
      const refName = spelling.get(region.chrom);
      if (refName === undefined) continue;
      const { start, end } = toHalfOpen(region);
      // Read in windows: tabix inflates all the blocks of a query at once and we hold its lines
      // until they are yielded, so one query over a large, dense region (a whole panel-dense file)
      // peaked at ~700 MB. A record over a window boundary comes back with each window it
      // touches; it is kept in the first, where it starts (or the region's first window).
      for (let from = start; from < end; from += INDEX_WINDOW) {
        const to = Math.min(end, from + INDEX_WINDOW);
        const first = from === start;
        const lines: string[] = [];
        try {
          await tabix.getLines(refName, from, to, {
            signal: options.signal,
            lineCallback: (line: string, fileOffset: number) => {
              if (startOf(line) < from) {
                if (!first || carried.has(fileOffset)) return;
                carried.add(fileOffset);
              }
              lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
            },
          });
        } catch (cause) {
          if (options.signal?.aborted) throw new MarrowscopeError("E_ABORTED", "aborted", { file });
          throw wrap(file, `cannot read ${refName}:${region.start}-${region.end} through the index`, cause);
        }
        if (lines.length > 0) yield { lines, firstLine: 0 };
      }
    }
  }
  return { header, contigsWithData: refNames, read };
}
