/**
 * What the input says was called, and so which panel genes a report can speak for.
 *
 * Evidence, strongest first: a target BED (`targets`), the reference blocks of a gVCF, or a
 * declared whole genome / exome (`scope`). Without any, every panel gene is "not evaluable":
 * a VCF of variant sites says where variants were found, never where none were.
 *
 * Everything here is pure and browser-safe except `readTargets`, which reads its input through
 * the platform's resolvers (so the browser build never imports `node:`). Coordinates are 1-based
 * inclusive; `parseBed` is the one place BED's 0-based half-open intervals are converted.
 */
import { MarrowscopeError } from "./errors.js";
import { type PanelIndex, panelGeneLoci } from "./match.js";
import type { Region } from "./model.js";
import { canonicalChrom } from "./normalize/contigs.js";
import { own } from "./own.js";
import type { Resolvers } from "./read.js";
import { threshold } from "./rules/bounds.js";
import { decompress } from "./vcf/decompress.js";
import { mergeRegions, type RegionSet, regionSet } from "./vcf/prefilter.js";

/** The panel threshold (kind `fraction`) of a gene's span that must be called for it to be assessed. */
export const CALLED_FRACTION_THRESHOLD = "called-fraction";

export type CoverageScope = "genome" | "exome";
export type CoverageBasis = "targets" | "gvcf" | "declared-genome" | "declared-exome" | "none";

// ---------------------------------------------------------------- interval sets

/** Sorted, merged intervals of one chromosome (1-based inclusive). */
interface Track {
  starts: number[];
  ends: number[];
  /** Intervals were added in order so far (each merged into the last when they touch). */
  sorted: boolean;
  /** Length at the last compaction: an unsorted track is compacted when it doubles. */
  compacted: number;
}

/** Intervals per canonical chromosome, merged, for "how much of this span is covered". */
export class IntervalSet {
  readonly #tracks: ReadonlyMap<string, { readonly starts: readonly number[]; readonly ends: readonly number[] }>;

  /** @internal Use `IntervalBuilder` (or `parseBed`) to make one. */
  constructor(tracks: ReadonlyMap<string, { readonly starts: readonly number[]; readonly ends: readonly number[] }>) {
    this.#tracks = tracks;
  }

  /** Number of merged intervals. */
  get size(): number {
    let n = 0;
    for (const track of this.#tracks.values()) n += track.starts.length;
    return n;
  }

  /** The merged intervals, by chromosome in name order, then position. */
  *regions(): IterableIterator<Region> {
    for (const chrom of [...this.#tracks.keys()].sort()) {
      const { starts, ends } = this.#tracks.get(chrom)!;
      for (let i = 0; i < starts.length; i++) yield { chrom, start: starts[i]!, end: ends[i]! };
    }
  }

  /** Bases of [start, end] on `chrom` (any naming) that the set covers. */
  covered(chrom: string, start: number, end: number): number {
    const track = this.#tracks.get(canonicalChrom(chrom));
    if (!track || end < start) return 0;
    const { starts, ends } = track;
    // First interval ending at or after `start`.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    let total = 0;
    for (let i = lo; i < starts.length && starts[i]! <= end; i++) {
      total += Math.min(ends[i]!, end) - Math.max(starts[i]!, start) + 1;
    }
    return total;
  }
}

/** Below this many intervals on a chromosome an unsorted track is not compacted yet. */
const COMPACT_FROM = 4096;

/**
 * Collects intervals (any order) into an `IntervalSet`. Intervals that touch the last one are
 * merged as they come, so sorted input stays as small as its merged form; unsorted input is
 * sorted and merged whenever a chromosome's list doubles. With `keep`, intervals that touch none
 * of its regions are dropped (memory bounded by the panel, not the input).
 */
export class IntervalBuilder {
  readonly #tracks = new Map<string, Track>();
  readonly #keep: RegionSet | undefined;

  constructor(keep?: readonly Region[]) {
    this.#keep = keep ? regionSet(keep) : undefined;
  }

  /** Adds [start, end] (1-based inclusive) on `chrom`; an empty or inverted interval is ignored. */
  add(chrom: string, start: number, end: number): void {
    if (end < start) return;
    if (this.#keep && !this.#keep.overlaps(chrom, start, end)) return;
    const key = canonicalChrom(chrom);
    let track = this.#tracks.get(key);
    if (!track) {
      track = { starts: [], ends: [], sorted: true, compacted: 0 };
      // A flat copy of the name: `chrom` may be a view into a whole record line (see own.ts).
      this.#tracks.set(own(key), track);
    }
    const last = track.ends.length - 1;
    if (last >= 0) {
      if (start <= track.ends[last]! + 1 && start >= track.starts[last]!) {
        if (end > track.ends[last]!) track.ends[last] = end;
        return;
      }
      if (start < track.starts[last]!) track.sorted = false;
    }
    track.starts.push(start);
    track.ends.push(end);
    if (!track.sorted && track.starts.length >= COMPACT_FROM && track.starts.length >= 2 * track.compacted) compact(track);
  }

  build(): IntervalSet {
    for (const track of this.#tracks.values()) if (!track.sorted) compact(track);
    return new IntervalSet(new Map(this.#tracks));
  }
}

/** Sorts and merges a track in place (touching intervals merge: they cover a contiguous run). */
function compact(track: Track): void {
  const order = track.starts.map((_, i) => i).sort((a, b) => track.starts[a]! - track.starts[b]! || track.ends[a]! - track.ends[b]!);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const i of order) {
    const start = track.starts[i]!;
    const end = track.ends[i]!;
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]! + 1) {
      if (end > ends[last]!) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  track.starts = starts;
  track.ends = ends;
  track.sorted = true;
  track.compacted = starts.length;
}

// ---------------------------------------------------------------- BED

/** Longest BED line accepted (a real one is well under 1 KB). */
const MAX_BED_LINE = 1 << 20;

const DIGITS = /^\d+$/;
const TRACK_LINE = /^(track|browser)(\s|$)/;

/**
 * Parses BED lines one at a time: 0-based half-open `chromStart`/`chromEnd` become 1-based
 * inclusive; `#`, `track` and `browser` lines and blank lines are skipped; CRLF is accepted;
 * columns are tab-separated (whitespace when a line has no tab); columns past the third are
 * ignored. Zero-length intervals cover nothing and are skipped.
 */
export class BedParser {
  readonly #file: string;
  readonly #out: IntervalBuilder;
  /** Intervals read (before merging). */
  intervals = 0;

  constructor(file: string, keep?: readonly Region[]) {
    this.#file = file;
    this.#out = new IntervalBuilder(keep);
  }

  /** @throws MarrowscopeError E_INPUT naming file:line: field */
  line(text: string, lineNo: number): void {
    const line = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (line.trim() === "" || line.startsWith("#") || TRACK_LINE.test(line)) return;
    const fail = (field: string, detail: string) => new MarrowscopeError("E_INPUT", detail, { file: this.#file, line: lineNo, field });
    const columns = line.includes("\t") ? line.split("\t", 4) : line.trim().split(/\s+/, 4);
    if (columns.length < 3) {
      throw fail("columns", `expected at least 3 columns (chrom, chromStart, chromEnd), found ${columns.length}`);
    }
    const [chrom = "", startText = "", endText = ""] = columns;
    if (chrom === "" || /\s/.test(chrom)) throw fail("chrom", `expected a chromosome name, found ${JSON.stringify(chrom.slice(0, 40))}`);
    const start = DIGITS.test(startText) ? Number(startText) : Number.NaN;
    if (!Number.isSafeInteger(start)) {
      throw fail("chromStart", `expected a non-negative integer, found ${JSON.stringify(startText.slice(0, 40))}`);
    }
    const end = DIGITS.test(endText) ? Number(endText) : Number.NaN;
    if (!Number.isSafeInteger(end))
      throw fail("chromEnd", `expected a non-negative integer, found ${JSON.stringify(endText.slice(0, 40))}`);
    if (end < start) throw fail("chromEnd", `chromEnd ${end} is before chromStart ${start}`);
    this.intervals++;
    // 0-based half-open [start, end) is 1-based inclusive [start + 1, end].
    if (end > start) this.#out.add(chrom, start + 1, end);
  }

  build(): IntervalSet {
    return this.#out.build();
  }
}

/**
 * Parses a whole BED text.
 * @throws MarrowscopeError E_INPUT naming file:line: field for a bad line, or a file without intervals
 */
export function parseBed(text: string, file: string, keep?: readonly Region[]): IntervalSet {
  const parser = new BedParser(file, keep);
  let lineNo = 1;
  let from = 0;
  while (from < text.length) {
    let newline = text.indexOf("\n", from);
    if (newline === -1) newline = text.length;
    parser.line(text.slice(from, newline), lineNo++);
    from = newline + 1;
  }
  if (parser.intervals === 0) throw noIntervals(file);
  return parser.build();
}

function noIntervals(file: string): MarrowscopeError {
  return new MarrowscopeError("E_INPUT", "the target BED holds no intervals", { file });
}

/** Options of `readTargets`. */
export interface ReadTargetsOptions {
  /** Keep only intervals that touch these regions (a panel's read regions). */
  readonly keep?: readonly Region[];
  readonly signal?: AbortSignal;
  /** Name for messages (default: the input's own name). */
  readonly name?: string;
}

/**
 * Reads a target BED (plain or gzip/BGZF) from a path (Node resolvers), `{ text }`, a Blob or a URL.
 * @throws MarrowscopeError E_INPUT for an unreadable file, bad line (file:line: field) or no intervals
 */
export async function readTargets(input: unknown, resolvers: Resolvers, options: ReadTargetsOptions = {}): Promise<IntervalSet> {
  let source: ReturnType<Resolvers["source"]>;
  try {
    source = resolvers.source(input, options.name);
  } catch (cause) {
    if (cause instanceof MarrowscopeError) {
      throw new MarrowscopeError("E_INPUT", `targets: ${cause.detail}`, { ...cause.location, field: "targets" }, { cause });
    }
    throw cause;
  }
  const file = source.name;
  const bytes = decompress(source.open(options.signal), {
    file,
    inflateGzip: resolvers.inflateGzip,
    inflateBgzf: resolvers.inflateBgzf,
  });
  const parser = new BedParser(file, options.keep);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let lineNo = 1;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (cause) {
      throw new MarrowscopeError("E_INPUT", "invalid UTF-8 (a BED file is text)", { file, line: lineNo }, { cause });
    }
  };
  const take = (text: string) => {
    let from = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", from)) {
      parser.line(from === 0 ? pending + text.slice(0, newline) : text.slice(from, newline), lineNo++);
      from = newline + 1;
    }
    pending = from === 0 ? pending + text : text.slice(from);
    if (pending.length > MAX_BED_LINE) {
      throw new MarrowscopeError("E_INPUT", `line is longer than ${MAX_BED_LINE} characters (not a BED file?)`, { file, line: lineNo });
    }
  };
  for await (const chunk of bytes) take(decode(chunk));
  take(decode());
  if (pending !== "") parser.line(pending, lineNo);
  if (parser.intervals === 0) throw noIntervals(file);
  return parser.build();
}

// ---------------------------------------------------------------- gVCF reference blocks

/**
 * The regions a gVCF's reference blocks say were called, collected as records are read.
 * Memory is bounded by the panel: only blocks touching `keep` (the panel's read regions) are
 * kept, and blocks that touch the last one are merged as they come (a sorted gVCF's blocks
 * are contiguous, so a gene's region is a handful of intervals, split only at variant sites).
 *
 * Hook it to the record parser: `createRecordParser(header, { …, onReferenceBlock: called.onReferenceBlock })`.
 */
export class CalledRegions {
  readonly #builder: IntervalBuilder;
  /** Reference blocks seen (called or not): a gVCF says where it called when this is above 0. */
  blocks = 0;
  /** Blocks seen that no selected sample called (no genotype, or a depth of 0). */
  uncalledBlocks = 0;

  constructor(keep?: readonly Region[]) {
    this.#builder = new IntervalBuilder(keep);
  }

  /** Adds a called region (1-based inclusive). */
  add(chrom: string, start: number, end: number): void {
    this.#builder.add(chrom, start, end);
  }

  /** The record parser's `onReferenceBlock` (bound: pass it as it is). */
  readonly onReferenceBlock = (chrom: string, start: number, end: number, called: boolean): void => {
    this.blocks++;
    if (called) this.add(chrom, start, end);
    else this.uncalledBlocks++;
  };

  build(): IntervalSet {
    return this.#builder.build();
  }
}

// ---------------------------------------------------------------- assessment

/** What a run knows about what was called. */
export interface CoverageEvidence {
  readonly panelIndex: PanelIndex;
  /** Panel genes any record touched (a blind-spot gene with variants is judged like any other). */
  readonly genesHit: ReadonlySet<string>;
  readonly targets?: IntervalSet;
  readonly called?: CalledRegions;
  readonly scope?: CoverageScope;
}

/** The report's `coverage`, as this module makes it. */
export interface CoverageResult {
  basis: CoverageBasis;
  assessed: string[];
  notAssessed: { symbol: string; reason: string }[];
  /** Per gene (symbol order), the fraction of its span the targets or gVCF blocks cover (basis targets/gvcf). */
  calledFraction?: Record<string, number>;
  /** How the basis was applied (no called-fraction threshold; what an exome leaves out). */
  notes?: string[];
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

const bySymbol = (a: { symbol: string }, b: { symbol: string }) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);

const WHAT_WOULD_DO = "give targets (--targets BED), a gVCF with reference blocks, or a scope (--scope genome|exome)";

/**
 * Decides, per panel gene, whether the report can speak for it. A gene is assessed when:
 * - basis `targets` / `gvcf`: the called part of its span (gene locus with the panel's flanks,
 *   plus the panel's own regions) is at least the panel's `called-fraction` threshold (`min`);
 *   without that threshold, any called base counts (and a note says so);
 * - basis `declared-genome`: always;
 * - basis `declared-exome`: when the gene table lists it as protein-coding (an exome captures
 *   coding exons; a note names what it may leave out);
 * - basis `none`: never ("not evaluable", with what would make it evaluable).
 * A gene with a blind spot on the assembly stays not assessed unless variants were seen in it;
 * genes the gene table cannot place stay in `notAssessed` with their own reason.
 */
export function assessCoverage(evidence: CoverageEvidence): CoverageResult {
  const { panelIndex, genesHit, scope } = evidence;
  const { panel, assembly } = panelIndex;
  const targets = evidence.targets;
  const called = evidence.called && evidence.called.blocks > 0 ? evidence.called.build() : undefined;
  const basis: CoverageBasis = targets
    ? "targets"
    : called
      ? "gvcf"
      : scope === "genome"
        ? "declared-genome"
        : scope === "exome"
          ? "declared-exome"
          : "none";
  const intervals = targets ?? called;
  const band = intervals ? threshold(panel, CALLED_FRACTION_THRESHOLD) : undefined;
  const minFraction = band?.min;
  const notes: string[] = [];
  if (intervals && minFraction === undefined) {
    notes.push(
      `the panel sets no \`${CALLED_FRACTION_THRESHOLD}\` threshold: a gene counts as assessed when any base of its span was called (calledFraction gives how much)`,
    );
  }

  const notAssessed: { symbol: string; reason: string }[] = [...panelIndex.unplaced];
  const unplaced = new Set(panelIndex.unplaced.map((u) => u.symbol));
  const assessed: string[] = [];
  const fractions: { symbol: string; fraction: number }[] = [];
  const spansOf = new Map<string, Region[]>();
  for (const span of panelIndex.spans) {
    const list = spansOf.get(span.gene.symbol);
    if (list) list.push(span);
    else spansOf.set(span.gene.symbol, [span]);
  }
  const exomeRegions: string[] = [];

  for (const gene of panel.genes) {
    if (unplaced.has(gene.symbol)) continue;
    const blindSpot = gene.blindSpots?.find((b) => b.assembly === assembly);
    if (blindSpot && !genesHit.has(gene.symbol)) {
      notAssessed.push({ symbol: gene.symbol, reason: blindSpot.statement });
      continue;
    }
    const spans = mergeRegions(spansOf.get(gene.symbol) ?? []);
    const where = spans.map((s) => `${s.chrom}:${thousands(s.start)}-${thousands(s.end)}`).join(", ");
    if (intervals) {
      const source = basis === "targets" ? "the targets" : "the gVCF's reference blocks";
      let length = 0;
      let covered = 0;
      for (const span of spans) {
        length += span.end - span.start + 1;
        covered += intervals.covered(span.chrom, span.start, span.end);
      }
      // Integers throughout: the fraction is rounded down, so 1 means every base was called.
      fractions.push({ symbol: gene.symbol, fraction: length > 0 ? Math.floor((covered * 10_000) / length) / 10_000 : 0 });
      const ok = covered > 0 && (minFraction === undefined || covered >= minFraction * length);
      if (ok) {
        assessed.push(gene.symbol);
        continue;
      }
      const share =
        covered === 0
          ? `${source} cover none of its span (${where})`
          : `${source} cover ${(Math.floor((covered * 1000) / length) / 10).toFixed(1)}% of its span (${thousands(covered)} of ${thousands(length)} bp, ${where}), below the panel's ${CALLED_FRACTION_THRESHOLD} of ${minFraction}`;
      const next = basis === "targets" ? "targets covering it" : "reference blocks over it (or targets covering it)";
      notAssessed.push({ symbol: gene.symbol, reason: `not evaluable: ${share}; ${next} would make it evaluable` });
      continue;
    }
    if (basis === "declared-genome") {
      assessed.push(gene.symbol);
      continue;
    }
    if (basis === "declared-exome") {
      const loci = panelGeneLoci(panel, gene, assembly);
      const biotypes = [...new Set(loci.map((l) => l.biotype))];
      if (loci.length > 0 && !biotypes.includes("protein_coding")) {
        notAssessed.push({
          symbol: gene.symbol,
          reason: `not evaluable: a declared exome covers coding exons, and the gene table lists ${gene.symbol} as ${biotypes.join("/")} (not protein-coding); targets covering it (--targets) or a gVCF with reference blocks over it would make it evaluable`,
        });
        continue;
      }
      for (const region of gene.regions ?? []) {
        if (region.assembly === assembly)
          exomeRegions.push(`${gene.symbol} (${region.label ?? `${region.chrom}:${region.start}-${region.end}`})`);
      }
      assessed.push(gene.symbol);
      continue;
    }
    notAssessed.push({
      symbol: gene.symbol,
      reason: `not evaluable: nothing says which regions the input called${genesHit.has(gene.symbol) ? " (variants were seen in it, which says nothing of the rest)" : ""}; ${WHAT_WOULD_DO}`,
    });
  }
  if (basis === "gvcf" && evidence.called && evidence.called.uncalledBlocks > 0) {
    notes.push(
      `${thousands(evidence.called.uncalledBlocks)} reference block(s) near panel genes had no called genotype or a depth of 0 and were not counted as called`,
    );
  }
  if (basis === "declared-exome") {
    notes.push(
      `declared exome: assumed to cover the coding exons of protein-coding panel genes; non-coding genes are not evaluable, and promoter, enhancer, UTR and deep intronic parts of the panel's spans may not have been called${exomeRegions.length > 0 ? `, among them the panel's own regions ${exomeRegions.join("; ")}` : ""}`,
    );
  }

  const result: CoverageResult = {
    basis,
    assessed: assessed.sort(),
    notAssessed: notAssessed.sort(bySymbol),
  };
  if (intervals) {
    const calledFraction: Record<string, number> = {};
    for (const { symbol, fraction } of fractions.sort(bySymbol)) calledFraction[symbol] = fraction;
    result.calledFraction = calledFraction;
  }
  if (notes.length > 0) result.notes = notes;
  return result;
}
