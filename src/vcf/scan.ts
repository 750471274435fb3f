/**
 * Scan mode: every data line is counted and its column count checked; only lines that can
 * touch the wanted regions (or all, with no filter) get the full parse.
 */
import { formatMessage, type Location, MarrowscopeError, type Warning } from "../errors.js";
import type { Variant } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { own } from "../own.js";
import type { VcfHeader } from "./header.js";
import type { LineBatch } from "./lines.js";
import { type QuickLocus, quickLocus, type RegionSet } from "./prefilter.js";
import type { RecordParser } from "./records.js";

export interface ScanStats {
  /** Data lines seen (records), including those skipped by the prefilter. */
  records: number;
  /** Records fully parsed. */
  parsed: number;
  /** Records skipped as bad in lenient mode. */
  skipped: number;
  /** Contig names (as spelled) that had at least one record. */
  contigs: Set<string>;
}

export interface ScanOptions {
  readonly file: string;
  readonly header: VcfHeader;
  readonly parser: RecordParser;
  readonly filter?: RegionSet;
  readonly strict?: boolean;
  readonly onWarning?: (warning: Warning) => void;
  readonly stats: ScanStats;
  readonly onBatch?: () => void;
  /**
   * Every structural (symbolic-ALT) variant, before the panel-region test: a copy-number record
   * over a chromosome arm matters even where it touches no panel gene (monosomy 7).
   */
  readonly onStructural?: (variant: Variant) => void;
  /** Every record-order warning, not the first of each kind only (`validate --strict-spec`). */
  readonly everyOccurrence?: boolean;
  /** Told of each occurrence that was not reported because its kind already was (for counts). */
  readonly onRepeat?: (code: Warning["code"], location: Location) => void;
}

/**
 * Distinct contig names a run remembers (for coverage, the contig-order check and finding order
 * without ##contig lines). Real call sets have a few thousand at most (GRCh38 with alts, decoys
 * and HLA: ~3,400); a hostile file can name a new one on every line (1M of them: 231 MB), so
 * past this many only primary chromosomes are added, and those are all a panel gene lies on.
 */
export const CONTIGS_KEPT = 65_536;

/** Adds a contig name (a flat copy: the name is a view into its record line, see own.ts). */
function noteContig(contigs: Set<string>, chrom: string): void {
  if (contigs.has(chrom)) return;
  if (contigs.size >= CONTIGS_KEPT && !PRIMARY.test(canonicalChrom(chrom))) return;
  contigs.add(own(chrom));
}

/** Canonical names of the primary chromosomes (canonicalChrom renames only these). */
const PRIMARY = /^([1-9]|1\d|2[0-2]|X|Y|MT)$/;

/**
 * Hands the variants of each candidate record to `onVariant`, in order, and yields after each
 * batch of lines. A callback rather than a generator of variants: the caller's work on a
 * variant (and the warnings it gives) still comes right after that record's own, and a
 * panel-dense file no longer pays an async-generator step per variant (~0.5 KB and a promise
 * each).
 * @throws MarrowscopeError E_VCF_RECORD (strict mode)
 */
export async function* scanBatches(
  batches: AsyncIterable<LineBatch>,
  options: ScanOptions,
  onVariant: (variant: Variant) => void,
): AsyncGenerator<void> {
  const { file, header, parser, filter, stats } = options;
  const strict = options.strict ?? true;
  const expected = header.samples.length > 0 ? 9 + header.samples.length : 8;
  const locus: QuickLocus = { chrom: "", pos: 0, end: 0, structural: false, columns: 0 };
  const reject = (error: MarrowscopeError) => {
    if (strict) throw error;
    stats.skipped++;
    options.onWarning?.(error.toWarning());
  };
  let lastChrom = "";
  // Order checks (scan mode only; index reads come back per region): each reported once.
  let orderChrom = "";
  let orderPos = 0;
  const finishedChroms = new Set<string>();
  const near = new DuplicateWindow();
  const warned = new Set<string>();
  const every = options.everyOccurrence === true;
  const spec = (kind: string, line: number | undefined, field: string, detail: string) => {
    if (warned.has(kind) && !every) {
      options.onRepeat?.("W_VCF_SPEC", { file, line, field });
      return;
    }
    warned.add(kind);
    const location = { file, line, field };
    const message = formatMessage(location, every ? detail : `${detail} (first occurrence; not repeated)`);
    options.onWarning?.({ code: "W_VCF_SPEC", message, location });
  };
  const checkOrder = (chrom: string, pos: number, line: number) => {
    if (chrom !== orderChrom) {
      if (finishedChroms.has(chrom)) spec("order.contiguous", line, "CHROM", `records of ${chrom} are not contiguous`);
      if (orderChrom) noteContig(finishedChroms, orderChrom);
      orderChrom = chrom;
      orderPos = pos;
      near.reset(pos);
    } else if (pos < orderPos) {
      spec("order.sorted", line, "POS", `records are not sorted: ${chrom}:${pos} after ${chrom}:${orderPos}`);
    } else orderPos = pos;
  };
  for await (const { lines, firstLine } of batches) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      // firstLine 0 marks index reads, which carry no line numbers.
      const lineNo = firstLine > 0 ? firstLine + i : undefined;
      if (line.length === 0) {
        options.onWarning?.({ code: "W_EMPTY_LINE", message: `${file}:${lineNo}: empty line ignored`, location: { file, line: lineNo } });
        continue;
      }
      stats.records++;
      if (line.charCodeAt(0) === 35) {
        reject(new MarrowscopeError("E_VCF_RECORD", "header line after the #CHROM line", { file, line: lineNo, field: "header" }));
        continue;
      }
      if (filter) {
        const quick = quickLocus(line, locus);
        if (quick) {
          if (lineNo !== undefined) checkOrder(quick.chrom, quick.pos, lineNo);
          if (quick.columns !== expected && !(expected === 8 && quick.columns === 9)) {
            reject(
              new MarrowscopeError("E_VCF_RECORD", `expected ${expected} tab-separated columns, found ${quick.columns}`, {
                file,
                line: lineNo,
                field: "columns",
              }),
            );
            continue;
          }
          if (quick.chrom !== lastChrom) {
            lastChrom = quick.chrom;
            noteContig(stats.contigs, lastChrom);
          }
          if (!quick.structural && !filter.overlaps(quick.chrom, quick.pos, quick.end)) continue;
        }
      }
      if (!filter && lineNo !== undefined) {
        const quick = quickLocus(line, locus);
        if (quick) checkOrder(quick.chrom, quick.pos, lineNo);
      }
      let variants: Variant[];
      try {
        variants = parser.parse(line, lineNo, options.onWarning);
      } catch (error) {
        if (error instanceof MarrowscopeError) {
          reject(error);
          continue;
        }
        throw error;
      }
      stats.parsed++;
      for (const variant of variants) {
        if (variant.chrom !== lastChrom) {
          lastChrom = variant.chrom;
          noteContig(stats.contigs, lastChrom);
        }
        // Duplicates (also after trimming, or split out of a multi-allelic record) within a 1 kb
        // window. Index reads come back sorted per region, so this runs there too and both
        // strategies report the same duplicates (keys carry the contig, so a new contig needs
        // no reset of its own).
        if (near.seen(variant.pos, variant.key)) spec("order.duplicate", lineNo, "ALT", `duplicate variant ${variant.key}`);
        if (variant.kind === "sv") options.onStructural?.(variant);
        // Trimming and END/SVLEN give the true extent; test again now that it is known.
        if (filter && !filter.overlaps(variant.chrom, variant.pos, variant.end)) continue;
        onVariant(variant);
      }
    }
    options.onBatch?.();
    yield;
  }
}

/**
 * Yields what `found` holds after each batch of `scan` (emptying it as it goes), and, when the
 * scan throws, what it holds then before rethrowing: what came before a failing record is not
 * lost. `found` is what the scan's `onVariant` fills.
 */
export async function* afterEachBatch<T>(scan: AsyncIterable<void>, found: T[]): AsyncGenerator<T> {
  try {
    for await (const _ of scan) {
      yield* found;
      found.length = 0;
    }
  } catch (error) {
    yield* found;
    throw error;
  }
}

/** Entries past which a duplicate window switches from a linear search to a Set. */
const LARGE_WINDOW = 256;

/**
 * Keys of the variants in the current 1 kb window, with their trimmed positions: a duplicate
 * has the same key, so the same position, and only keys there are compared. Two arrays reset
 * by length and searched from the end: a Map here was cleared every few variants on a
 * panel-dense file, and each clear and regrowth went through V8's runtime (~5,000 instructions
 * a variant, by callgrind). A window that outgrows LARGE_WINDOW entries (a pile-up of records
 * at one place, which a hostile file can make) moves its keys to a Set, so the check never
 * turns quadratic: 60,000 records at one position took 65 s with the Map's lists, 19 s with
 * the arrays alone, and now take 2.6 s in all.
 */
class DuplicateWindow {
  readonly #positions: number[] = [];
  readonly #keys: string[] = [];
  /** The keys of a window past LARGE_WINDOW entries (keys carry their position). */
  #large: Set<string> | undefined;
  #from = 0;

  /** Starts a new window at `pos` (a new contig). */
  reset(pos: number): void {
    this.#positions.length = 0;
    this.#keys.length = 0;
    this.#large = undefined;
    this.#from = pos;
  }

  /** Notes the key; true when the window already had it. */
  seen(pos: number, key: string): boolean {
    // Trimming can move a position a little backwards, so only a jump of over 1 kb either way
    // (a new contig, or far along this one) starts a new window.
    if (Math.abs(pos - this.#from) > 1000) this.reset(pos);
    const large = this.#large;
    if (large) {
      if (large.has(key)) return true;
      large.add(key);
      return false;
    }
    const positions = this.#positions;
    const keys = this.#keys;
    for (let i = positions.length - 1; i >= 0; i--) {
      if (positions[i] === pos && keys[i] === key) return true;
    }
    if (positions.length === LARGE_WINDOW) {
      this.#large = new Set(keys).add(key);
      positions.length = 0;
      keys.length = 0;
      return false;
    }
    positions.push(pos);
    keys.push(key);
    return false;
  }
}
