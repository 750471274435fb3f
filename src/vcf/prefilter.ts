/**
 * The scan-mode fast path: decide from CHROM, POS and the REF/ALT lengths, cut out of the
 * raw line with indexOf, whether a record can touch the panel at all. On a whole genome
 * >99.9% of lines stop here, so this is hand-written rather than a full parse (a full
 * @gmod/vcf parse of every line measured 2-2.7x slower than bcftools on 5M records).
 */

import type { Region } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { BoundedMap, own } from "../own.js";

/** Contig spellings the region test remembers before starting over (GRCh38 with alts and decoys has ~3,400). */
const NAME_CACHE_LIMIT = 8192;

export interface RegionSet {
  /** Does [start, end] (1-based inclusive) on `chrom` (any naming) touch a region? */
  overlaps(chrom: string, start: number, end: number): boolean;
  readonly regions: readonly Region[];
}

/** Sorted, merged, per-canonical-chromosome intervals with binary search. */
export function regionSet(regions: readonly Region[]): RegionSet {
  const byChrom = new Map<string, { starts: number[]; ends: number[] }>();
  const sorted = [...regions].sort((a, b) =>
    canonicalChrom(a.chrom) < canonicalChrom(b.chrom) ? -1 : canonicalChrom(a.chrom) > canonicalChrom(b.chrom) ? 1 : a.start - b.start,
  );
  for (const region of sorted) {
    const key = canonicalChrom(region.chrom);
    let entry = byChrom.get(key);
    if (!entry) {
      entry = { starts: [], ends: [] };
      byChrom.set(key, entry);
    }
    const last = entry.ends.length - 1;
    if (last >= 0 && region.start <= entry.ends[last]! + 1) {
      entry.ends[last] = Math.max(entry.ends[last]!, region.end);
    } else {
      entry.starts.push(region.start);
      entry.ends.push(region.end);
    }
  }
  // Contig names repeat on every line; resolve each distinct spelling once. Bounded: a file may
  // name a new contig on every line (1M of them held 269 MB, each key then a view into its line).
  const nameCache = new BoundedMap<string, { starts: number[]; ends: number[] } | null>(NAME_CACHE_LIMIT);
  const merged: Region[] = [];
  for (const [chrom, { starts, ends }] of byChrom) {
    for (let i = 0; i < starts.length; i++) merged.push({ chrom, start: starts[i]!, end: ends[i]! });
  }
  return {
    regions: merged,
    overlaps(chrom, start, end) {
      let entry = nameCache.get(chrom);
      if (entry === undefined) {
        entry = byChrom.get(canonicalChrom(chrom)) ?? null;
        // Keyed by a copy: `chrom` is a view into its record line (see own.ts).
        nameCache.set(own(chrom), entry);
      }
      if (entry === null) return false;
      const { starts, ends } = entry;
      // Last interval starting at or before `end`.
      let lo = 0;
      let hi = starts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! <= end) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found >= 0 && ends[found]! >= start;
    },
  };
}

export interface QuickLocus {
  chrom: string;
  pos: number;
  /** Reference span end (pos + len(REF) - 1); symbolic/breakend ALTs set `structural`. */
  end: number;
  structural: boolean;
  columns: number;
}

const TAB = "\t";

/**
 * Cuts CHROM, POS, REF length and an SV hint out of a data line, and counts its columns.
 * Returns undefined when POS is not a number (the full parser then reports the error).
 */
export function quickLocus(line: string, out: QuickLocus): QuickLocus | undefined {
  const t1 = line.indexOf(TAB);
  if (t1 <= 0) return undefined;
  const t2 = line.indexOf(TAB, t1 + 1);
  if (t2 === -1) return undefined;
  const t3 = line.indexOf(TAB, t2 + 1);
  if (t3 === -1) return undefined;
  const t4 = line.indexOf(TAB, t3 + 1);
  if (t4 === -1) return undefined;
  const t5 = line.indexOf(TAB, t4 + 1);
  if (t5 === -1) return undefined;
  let pos = 0;
  for (let i = t1 + 1; i < t2; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    pos = pos * 10 + c;
  }
  if (t2 === t1 + 1) return undefined;
  let columns = 6;
  for (let i = line.indexOf(TAB, t5 + 1); i !== -1; i = line.indexOf(TAB, i + 1)) columns++;
  let structural = false;
  let end = pos + (t4 - t3 - 1) - 1;
  for (let i = t4 + 1; i < t5; i++) {
    const c = line.charCodeAt(i);
    if (c === 60 || c === 91 || c === 93) {
      // '<', '[' or ']': symbolic SV or breakend, whose extent lives in INFO.
      structural = true;
      break;
    }
  }
  if (structural && isReferenceBlock(line, t4, t5)) {
    // A gVCF reference block (`<NON_REF>` or `<*>` alone) yields no variant, only a called
    // region from POS to INFO/END: it is a candidate only where that region touches the
    // wanted regions (a whole-genome gVCF is nearly all such lines; parsing them all was
    // the cost of a full parse per line).
    structural = false;
    end = Math.max(end, blockEnd(line, t5) ?? end);
  }
  out.chrom = line.slice(0, t1);
  out.pos = pos;
  out.end = end;
  out.structural = structural;
  out.columns = columns;
  return out;
}

/** Is the ALT column (between tabs t4 and t5) exactly `<NON_REF>` or `<*>`? */
function isReferenceBlock(line: string, t4: number, t5: number): boolean {
  const length = t5 - t4 - 1;
  return (length === 9 && line.startsWith("<NON_REF>", t4 + 1)) || (length === 3 && line.startsWith("<*>", t4 + 1));
}

/** INFO/END of a data line whose ALT column ends at tab `t5`, or undefined. */
function blockEnd(line: string, t5: number): number | undefined {
  const t6 = line.indexOf(TAB, t5 + 1);
  if (t6 === -1) return undefined;
  const t7 = line.indexOf(TAB, t6 + 1);
  if (t7 === -1) return undefined;
  let stop = line.indexOf(TAB, t7 + 1);
  if (stop === -1) stop = line.length;
  let at = line.startsWith("END=", t7 + 1) ? t7 + 5 : -1;
  if (at === -1) {
    const found = line.indexOf(";END=", t7 + 1);
    if (found === -1 || found >= stop) return undefined;
    at = found + 5;
  }
  let value = 0;
  let i = at;
  for (; i < stop; i++) {
    const c = line.charCodeAt(i);
    if (c === 59) break; // ';'
    const d = c - 48;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return i > at ? value : undefined;
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
