/**
 * Gene symbols, gene intervals and hotspot positions for GRCh37 and GRCh38, from the compact
 * tables in `./data/` (derived by scripts/derive-genes.mjs; see docs/genes.md). Browser-safe.
 *
 * The gene and locus tables (~1.4 MB of source, ~880 KB gzipped: most of a browser bundle) are
 * loaded by `loadGeneTables()` through dynamic `import()`, so bundlers split them out and a run
 * with the builtin panel, whose loci and names are precomputed (src/panel/builtin-genes.ts),
 * never loads them. Once loaded, lookups are synchronous; each table is decoded on first use and
 * kept for the life of the module. Hotspots are small and always present.
 */
import { MarrowscopeError } from "../errors.js";
import type { Assembly } from "../model.js";
import {
  CHROMS,
  type ChromRows,
  decodeGeneRecords,
  decodeIds,
  decodeLoci,
  decodeRecordsAt,
  decodeSymbols,
  firstLocusByGene,
  NAME_KINDS,
  type NameKind,
} from "./codec.js";
import { HOTSPOTS } from "./data/hotspots.js";

interface Tables {
  readonly genes: typeof import("./data/genes.js");
  readonly grch37: typeof import("./data/grch37.js");
  readonly grch38: typeof import("./data/grch38.js");
}

let tables: Tables | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the HGNC gene table and both builds' gene loci. Needed before `geneLoci`, `resolveGene`,
 * `genesOverlapping`, `otherNames`, and before `indexPanel`/`matchVariant` with any panel but the
 * builtin one; `annotate` awaits it itself when its panel needs it. Loads once; later calls
 * return the same promise.
 */
export function loadGeneTables(): Promise<void> {
  loading ??= Promise.all([import("./data/genes.js"), import("./data/grch37.js"), import("./data/grch38.js")]).then(
    ([genes, grch37, grch38]) => {
      tables = { genes, grch37, grch38 };
    },
    (error: unknown) => {
      // A failed load (a chunk the browser could not fetch) may be retried.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Whether `loadGeneTables()` has completed. */
export function geneTablesLoaded(): boolean {
  return tables !== undefined;
}

function data(): Tables {
  if (!tables) {
    throw new Error(
      "marrowscope internal error: the gene tables are not loaded; await loadGeneTables() before looking genes up or indexing a custom panel",
    );
  }
  return tables;
}

/** One locus of an HGNC gene in one build (1-based inclusive). */
export interface GeneLocus {
  readonly symbol: string;
  readonly hgncId: string;
  /** `chr1`…`chr22`, `chrX`, `chrY`, `chrM`. */
  readonly chrom: string;
  /** Gene span: the union of all the gene's transcripts (GENCODE v39 / Ensembl GRCh37). */
  readonly start: number;
  readonly end: number;
  readonly strand: "+" | "-";
  readonly biotype: string;
  /**
   * The MANE Select transcript span, present only where it differs from the gene span by more
   * than 1 kb at either end (RUNX1's GRCh38 span reaches ~955 kb past it). A hit inside the span
   * but outside the core lies only in minor transcripts; callers should say so.
   */
  readonly core?: { readonly start: number; readonly end: number };
}

export type SymbolResolution =
  | {
      status: "resolved";
      symbol: string;
      hgncId: string;
      via: "symbol" | "hgnc-id" | "previous" | "withdrawn" | "annotation-name" | "alias";
    }
  | { status: "ambiguous"; candidates: { symbol: string; hgncId: string }[]; via: string }
  | { status: "unknown" };

/** A hotspot codon, interval or single position (from data/hotspots/hotspots.tsv). */
export interface Hotspot {
  readonly gene: string;
  readonly hgncId?: string;
  /** `R882`, `exon12-frameshift-region`, `C228T`. */
  readonly label: string;
  /** `codon`, `interval` or `position`. */
  readonly kind: string;
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
  readonly strand: "+" | "-";
  /** MANE Select `RefSeq;Ensembl` pair the residue numbers refer to. */
  readonly transcript: string;
}

/** Which interval `genesOverlapping` matches on: the full gene span (default) or the MANE core where recorded. */
export interface OverlapOptions {
  readonly interval?: "span" | "core";
}

// ---------------------------------------------------------------- chromosome names

const CHROM_INDEX = new Map(CHROMS.map((c, i) => [c, i]));
// RefSeq accessions of the primary chromosomes (NC_000001…NC_000024) and the rCRS (NC_012920).
const REFSEQ_CHROM = /^NC_0000(\d\d)\.\d+$/;

/**
 * Canonical `chr`-style name for a primary chromosome: `5`/`chr5` → `chr5`, `X` → `chrX`,
 * `MT`/`M`/`chrMT` → `chrM`, RefSeq `NC_000005.10` → `chr5`; `undefined` for alternate,
 * unplaced and decoy contigs. Names only: GRCh37's `MT` (rCRS) and hg19's `chrM` (NC_001807)
 * are different sequences, and which one a file uses is for the caller to decide.
 */
export function normalizeChrom(chrom: string): string | undefined {
  const refseq = REFSEQ_CHROM.exec(chrom);
  if (refseq) {
    const n = Number(refseq[1]);
    if (n >= 1 && n <= 22) return `chr${n}`;
    return n === 23 ? "chrX" : n === 24 ? "chrY" : undefined;
  }
  if (/^NC_012920\.\d+$/.test(chrom)) return "chrM";
  const bare = /^chr/i.test(chrom) ? chrom.slice(3) : chrom;
  const upper = bare.toUpperCase();
  if (upper === "M" || upper === "MT") return "chrM";
  if (upper === "X" || upper === "Y") return `chr${upper}`;
  if (/^[1-9]\d?$/.test(bare) && Number(bare) <= 22) return `chr${bare}`;
  return undefined;
}

// ---------------------------------------------------------------- gene table and symbols

interface GeneTable {
  readonly symbols: readonly string[];
  readonly ids: Int32Array;
}

/** Gene index of an HGNC number; a typed-array scan (~45,000 ids) instead of a Map built at start-up. */
function geneOfId(id: number): number | undefined {
  const at = genes().ids.indexOf(id);
  return at === -1 ? undefined : at;
}

interface NameIndex {
  readonly symbol: ReadonlyMap<string, readonly number[]>;
  readonly kinds: Readonly<Record<NameKind, ReadonlyMap<string, readonly number[]>>>;
}

let geneTable: GeneTable | undefined;
let nameIndex: NameIndex | undefined;

function genes(): GeneTable {
  if (geneTable) return geneTable;
  const genesData = data().genes;
  const symbols = decodeSymbols(genesData.GENE_RECORDS);
  const ids = decodeIds(genesData.GENE_IDS);
  if (ids.length !== symbols.length) throw new Error("gene table corrupt: ids and records differ in length");
  geneTable = { symbols, ids: Int32Array.from(ids) };
  return geneTable;
}

let symbolIndex: Map<string, number[]> | undefined;

function currentSymbols(): ReadonlyMap<string, readonly number[]> {
  if (symbolIndex) return symbolIndex;
  // Built aside and kept only when complete: a lookup before the tables load must not leave an empty index behind.
  const index = new Map<string, number[]>();
  genes().symbols.forEach((symbol, gene) => {
    const key = symbol.toUpperCase();
    const list = index.get(key);
    if (list) list.push(gene);
    else index.set(key, [gene]);
  });
  symbolIndex = index;
  return symbolIndex;
}

function names(): NameIndex {
  if (nameIndex) return nameIndex;
  const records = decodeGeneRecords(data().genes.GENE_RECORDS);
  // Keys are upper-cased: HGNC symbols are unique ignoring case, and users type `hTR` or `HTR`.
  const add = (map: Map<string, number[]>, key: string, gene: number) => {
    const k = key.toUpperCase();
    const list = map.get(k);
    if (!list) map.set(k, [gene]);
    else if (!list.includes(gene)) list.push(gene);
  };
  const symbol = new Map<string, number[]>();
  const kinds = {} as Record<NameKind, Map<string, number[]>>;
  for (const kind of NAME_KINDS) kinds[kind] = new Map();
  records.forEach((r, gene) => {
    add(symbol, r.symbol, gene);
    NAME_KINDS.forEach((kind, k) => {
      for (const n of r.names[k] ?? []) add(kinds[kind], n, gene);
    });
  });
  nameIndex = { symbol, kinds };
  return nameIndex;
}

const hgncId = (gene: number): string => `HGNC:${genes().ids[gene]}`;

function resolution(found: readonly number[], via: Exclude<SymbolResolution, { status: "unknown" }>["via"]): SymbolResolution {
  const table = genes();
  if (found.length === 1) {
    const gene = found[0] as number;
    return { status: "resolved", symbol: table.symbols[gene] ?? "", hgncId: hgncId(gene), via } as SymbolResolution;
  }
  const candidates = found
    .map((gene) => ({ symbol: table.symbols[gene] ?? "", hgncId: hgncId(gene) }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { status: "ambiguous", candidates, via };
}

/**
 * Resolve a gene symbol or HGNC id (`HGNC:11730`) to the current HGNC gene. Order, as in
 * data/genes/README.md: current symbol (ignoring case), previous or withdrawn symbol, the name a
 * GENCODE/Ensembl gene model carries, HGNC alias. A name that maps to several genes at the first
 * step that knows it is returned as `ambiguous`, never resolved to one of them.
 */
export function resolveGene(symbolOrHgncId: string): SymbolResolution {
  const query = symbolOrHgncId.trim();
  if (query === "") return { status: "unknown" };
  const id = /^HGNC:(\d+)$/i.exec(query);
  if (id) {
    const gene = geneOfId(Number(id[1]));
    return gene === undefined ? { status: "unknown" } : resolution([gene], "hgnc-id");
  }
  const key = query.toUpperCase();
  // Current symbols first, from the symbol list alone: annotations name current symbols almost
  // always, and the alias index costs ~0.3 s to build (measured on Node 20).
  const current = currentSymbols().get(key);
  if (current) return resolution(current, "symbol");
  const index = names();

  const previous = index.kinds.previous.get(key) ?? [];
  const withdrawn = index.kinds.withdrawn.get(key) ?? [];
  if (previous.length + withdrawn.length > 0) {
    const found = [...new Set([...previous, ...withdrawn])];
    const via = found.length === 1 && previous.length === 0 ? "withdrawn" : "previous";
    return resolution(found, via);
  }
  for (const kind of ["annotation-name", "alias"] as const) {
    const found = index.kinds[kind].get(key);
    if (found) return resolution(found, kind);
  }
  return { status: "unknown" };
}

/**
 * Every other name (previous, withdrawn, annotation name, alias) of the given genes, decoded
 * for those genes only. Lets a caller recognise old symbols of a few genes without building
 * the whole alias index.
 */
export function otherNames(hgncIds: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const wanted = new Map<number, string>();
  for (const id of hgncIds) {
    const m = /^HGNC:(\d+)$/i.exec(id.trim());
    const gene = m ? geneOfId(Number(m[1])) : undefined;
    if (gene !== undefined) wanted.set(gene, id);
  }
  const records = decodeRecordsAt(data().genes.GENE_RECORDS, new Set(wanted.keys()));
  const out = new Map<string, string[]>();
  for (const [gene, record] of records) out.set(wanted.get(gene) ?? "", record.names.flat());
  return out;
}

// ---------------------------------------------------------------- loci

interface BuildTable {
  readonly rows: readonly ChromRows[];
  readonly biotypes: readonly string[];
  /** Lazily created locus objects, per chromosome and row. */
  readonly cache: (GeneLocus | undefined)[][];
  /** Loci of the genes asked for so far, by gene index. */
  readonly byGene: Map<number, readonly GeneLocus[]>;
}

const builds: Partial<Record<Assembly, BuildTable>> = {};

function checkAssembly(assembly: Assembly): void {
  if (assembly !== "GRCh37" && assembly !== "GRCh38") {
    throw new MarrowscopeError("E_OPTIONS", `expected assembly GRCh37 or GRCh38, found ${JSON.stringify(assembly)}`, {
      field: "assembly",
    });
  }
}

function build(assembly: Assembly): BuildTable {
  const known = builds[assembly];
  if (known) return known;
  checkAssembly(assembly);
  const { grch37: grch37Data, grch38: grch38Data } = data();
  let table: BuildTable;
  if (assembly === "GRCh38") {
    const rows = decodeLoci(grch38Data.LOCI, grch38Data.COUNTS);
    table = { rows, biotypes: grch38Data.BIOTYPES, cache: rows.map(() => []), byGene: new Map() };
  } else {
    // GRCh37 rows are stored relative to the same gene's GRCh38 locus.
    const reference = firstLocusByGene(build("GRCh38").rows);
    const rows = decodeLoci(grch37Data.LOCI, grch37Data.COUNTS, reference);
    table = { rows, biotypes: grch37Data.BIOTYPES, cache: rows.map(() => []), byGene: new Map() };
  }
  builds[assembly] = table;
  return table;
}

function locusAt(table: BuildTable, ci: number, i: number): GeneLocus {
  const cached = table.cache[ci]?.[i];
  if (cached) return cached;
  const c = table.rows[ci] as ChromRows;
  const gene = c.gene[i] ?? 0;
  const coreStart = c.coreStart[i] ?? 0;
  const locus: GeneLocus = {
    symbol: genes().symbols[gene] ?? "",
    hgncId: hgncId(gene),
    chrom: CHROMS[ci] ?? "",
    start: c.start[i] ?? 0,
    end: c.end[i] ?? 0,
    strand: c.minus[i] === 1 ? "-" : "+",
    biotype: table.biotypes[c.biotype[i] ?? 0] ?? "",
    ...(coreStart > 0 ? { core: { start: coreStart, end: c.coreEnd[i] ?? 0 } } : {}),
  };
  (table.cache[ci] as (GeneLocus | undefined)[])[i] = locus;
  return locus;
}

/**
 * Every locus of an HGNC gene (`HGNC:n`) in one build, in genome order; `[]` when the build has
 * none (GRCh38-only and GRCh37-only genes exist: report them, do not treat them as negative).
 * @throws MarrowscopeError `E_OPTIONS` for an assembly other than GRCh37/GRCh38.
 */
export function geneLoci(hgncId: string, assembly: Assembly): readonly GeneLocus[] {
  const table = build(assembly);
  const m = /^HGNC:(\d+)$/i.exec(hgncId.trim());
  const gene = m ? geneOfId(Number(m[1])) : undefined;
  if (gene === undefined) return [];
  let loci = table.byGene.get(gene);
  if (!loci) {
    // A scan of the typed gene column per gene asked for (a panel asks for ~100): cheaper at
    // start-up than indexing all ~60,000 genes up front.
    const found: GeneLocus[] = [];
    table.rows.forEach((c, ci) => {
      for (let i = c.gene.indexOf(gene); i !== -1; i = c.gene.indexOf(gene, i + 1)) found.push(locusAt(table, ci, i));
    });
    loci = found;
    table.byGene.set(gene, loci);
  }
  return loci;
}

function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 1 || end < start) {
    throw new MarrowscopeError("E_INPUT", `expected integers 1 <= start <= end, found ${start}-${end}`, {
      field: "region",
    });
  }
}

/**
 * Gene loci overlapping `start..end` (1-based inclusive) on `chrom` (`5`, `chr5`, `MT`…), sorted
 * by start. Matches on the full gene span by default, so nothing in any transcript is missed;
 * `{ interval: "core" }` matches on the MANE core where one is recorded (and the span elsewhere).
 * Unknown contigs give `[]`.
 * @throws MarrowscopeError `E_INPUT` when start/end are not integers with 1 <= start <= end;
 *   `E_OPTIONS` for an assembly other than GRCh37/GRCh38.
 */
export function genesOverlapping(
  assembly: Assembly,
  chrom: string,
  start: number,
  end: number,
  options: OverlapOptions = {},
): readonly GeneLocus[] {
  checkRange(start, end);
  const table = build(assembly);
  const name = normalizeChrom(chrom);
  const ci = name === undefined ? undefined : CHROM_INDEX.get(name);
  const c = ci === undefined ? undefined : table.rows[ci];
  if (ci === undefined || !c) return [];
  const useCore = options.interval === "core";
  // Rows are sorted by span start and maxEnd is a running maximum, so two binary searches bound
  // the candidates: the first row whose running max reaches `start`, the last row that can begin
  // at or before `end` (a core may begin up to maxLeftReach before its span).
  const first = lowerBound(c.maxEnd, start);
  const last = upperBound(c.start, end + c.maxLeftReach);
  const out: GeneLocus[] = [];
  for (let i = first; i < last; i++) {
    const hasCore = useCore && (c.coreStart[i] ?? 0) > 0;
    const s = hasCore ? (c.coreStart[i] ?? 0) : (c.start[i] ?? 0);
    const e = hasCore ? (c.coreEnd[i] ?? 0) : (c.end[i] ?? 0);
    if (s <= end && e >= start) out.push(locusAt(table, ci, i));
  }
  return out;
}

/** First index whose value is >= x (array non-decreasing). */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (array non-decreasing). */
function upperBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------- hotspots

const hotspotCache: Partial<Record<Assembly, readonly Hotspot[]>> = {};

function hotspots(assembly: Assembly): readonly Hotspot[] {
  const known = hotspotCache[assembly];
  if (known) return known;
  const list = HOTSPOTS.map(([gene, id, label, kind, strand, c37, s37, e37, c38, s38, e38, transcript]): Hotspot => {
    const [chrom, start, end] = assembly === "GRCh37" ? [c37, s37, e37] : [c38, s38, e38];
    return { gene, hgncId: id, label, kind, chrom, start, end, strand: strand === "-" ? "-" : "+", transcript };
  });
  hotspotCache[assembly] = list;
  return list;
}

/**
 * Hotspots (codons, intervals, single positions) overlapping `start..end` on `chrom` in one build,
 * in table order. Callers matching indels should widen the range by 1 bp (VCF anchors an insertion
 * on the base before it).
 * @throws MarrowscopeError `E_INPUT` when start/end are not integers with 1 <= start <= end.
 */
export function hotspotsOverlapping(assembly: Assembly, chrom: string, start: number, end: number): readonly Hotspot[] {
  checkRange(start, end);
  checkAssembly(assembly);
  // Asked for every record in panel regions: the chromosome's list is looked up once per run of
  // records on it, and the common answer (none) is one shared empty array.
  if (chrom !== lastHotspotChrom || assembly !== lastHotspotAssembly) {
    const name = normalizeChrom(chrom);
    lastHotspotList = name === undefined ? NO_HOTSPOTS : hotspots(assembly).filter((h) => h.chrom === name);
    lastHotspotChrom = chrom;
    lastHotspotAssembly = assembly;
  }
  let found: Hotspot[] | undefined;
  for (const h of lastHotspotList) {
    if (h.start > end || h.end < start) continue;
    found ??= [];
    found.push(h);
  }
  return found ?? NO_HOTSPOTS;
}

let kindsByLabel: ReadonlyMap<string, string> | undefined;

/** The kind (`codon`, `interval`, `position`) of a hotspot label from the table, if it is one. */
export function hotspotKind(label: string): string | undefined {
  kindsByLabel ??= new Map(HOTSPOTS.map((row) => [row[2], row[3]]));
  return kindsByLabel.get(label);
}

const NO_HOTSPOTS: readonly Hotspot[] = Object.freeze([]);
let lastHotspotChrom = "";
let lastHotspotAssembly = "";
let lastHotspotList: readonly Hotspot[] = NO_HOTSPOTS;
