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
  const tabix = new TabixIndexedFile(
    index.kind === "csi" ? { filehandle, csiFilehandle: index.filehandle } : { filehandle, tbiFilehandle: index.filehandle },
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
    const seen = new Set<number>();
    for (const region of merged) {
      const refName = spelling.get(region.chrom);
      if (refName === undefined) continue;
      const { start, end } = toHalfOpen(region);
      const lines: string[] = [];
      try {
        await tabix.getLines(refName, start, end, {
          signal: options.signal,
          lineCallback: (line: string, fileOffset: number) => {
            // A record spanning two merged regions comes back twice; keep the first.
            if (seen.has(fileOffset)) return;
            seen.add(fileOffset);
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
  return { header, contigsWithData: refNames, read };
}
