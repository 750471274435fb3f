/**
 * Variant → Hits on panel genes. Trusts the file's annotation when it names a panel gene,
 * coordinates when it does not, and reports both (with a warning) when they disagree.
 * Pure and synchronous.
 */
import { formatLocation, type Warning } from "./errors.js";
import { type GeneLocus, geneLoci, hotspotsOverlapping, otherNames, resolveGene } from "./genes/index.js";
import type { Assembly, Consequence, GeneSource, Hit, Region, Variant } from "./model.js";
import { chooseConsequence } from "./normalize/annotations.js";
import { canonicalChrom } from "./normalize/contigs.js";
import { BoundedMap, own } from "./own.js";
import { BUILTIN_GENE_LOCI, BUILTIN_GENES_PANEL_SHA256, BUILTIN_OTHER_NAME_GENES, BUILTIN_OTHER_NAMES } from "./panel/builtin-genes.js";
import type { Panel, PanelGene } from "./panel/index.js";

/**
 * VEP's default up/downstream distance: annotation-named genes are only consulted for records
 * this close to a panel gene, so scan and index modes see exactly the same records.
 */
export const ANNOTATION_WINDOW = 5000;

interface GeneSpan {
  readonly gene: PanelGene;
  /** canonical chrom (`5`, `X`) */
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
}

/** A panel laid out on one assembly, ready for matching. */
export interface PanelIndex {
  readonly panel: Panel;
  readonly assembly: Assembly;
  /** Spans matched by coordinates: gene loci with flanks, plus the panel's explicit regions. */
  readonly spans: readonly GeneSpan[];
  /** Regions worth reading: spans padded by ANNOTATION_WINDOW (for the prefilter and tabix). */
  readonly readRegions: readonly Region[];
  /** Panel genes the gene table cannot place on this assembly. */
  readonly unplaced: readonly { symbol: string; reason: string }[];
  readonly byHgnc: ReadonlyMap<string, PanelGene>;
  readonly bySymbol: ReadonlyMap<string, PanelGene>;
  /** Annotation symbol as written → panel gene (or null), filled as symbols are met (bounded). */
  readonly symbolCache: Map<string, PanelGene | null>;
  /** `spans` by canonical chromosome, in the same order (matchVariant looks at one chromosome). */
  readonly spansByChrom: ReadonlyMap<string, readonly GeneSpan[]>;
}

/** Symbols from the file remembered by a PanelIndex before it starts over. */
const SYMBOL_CACHE_LIMIT = 10_000;

/**
 * Whether `indexPanel`/`matchVariant` need the gene tables (`loadGeneTables()`) for this panel:
 * for any panel but the builtin one, whose loci and old names are precomputed. Keyed by content,
 * so an identical custom panel needs them no more than the builtin one.
 */
export function needsGeneTables(panel: Panel): boolean {
  return panel.sha256 !== BUILTIN_GENES_PANEL_SHA256;
}

/**
 * A panel gene's loci on an assembly. The builtin panel's are precomputed
 * (scripts/panel-canonical.mjs): looking them up decodes the whole gene table, ~50 ms of every
 * run, and in a browser loading the table is most of the download.
 */
export function panelGeneLoci(panel: Panel, gene: PanelGene, assembly: Assembly): readonly GeneLocus[] {
  const known = needsGeneTables(panel) ? undefined : BUILTIN_GENE_LOCI[assembly];
  return known?.[gene.hgncId] ?? geneLoci(gene.hgncId, assembly);
}

/**
 * Lays the panel's genes out on an assembly (gene table loci, strand-aware flanks, explicit regions).
 * For a panel other than the builtin one, `await loadGeneTables()` first (`annotate` does so
 * itself); without the tables this throws.
 * @throws MarrowscopeError E_OPTIONS for an assembly other than GRCh37/GRCh38
 */
export function indexPanel(panel: Panel, assembly: Assembly): PanelIndex {
  const spans: GeneSpan[] = [];
  const unplaced: { symbol: string; reason: string }[] = [];
  const byHgnc = new Map<string, PanelGene>();
  const bySymbol = new Map<string, PanelGene>();
  for (const gene of panel.genes) {
    byHgnc.set(gene.hgncId, gene);
    bySymbol.set(gene.symbol.toUpperCase(), gene);
    const loci = panelGeneLoci(panel, gene, assembly);
    const extra = (gene.regions ?? []).filter((r) => r.assembly === assembly);
    if (loci.length === 0 && extra.length === 0) {
      unplaced.push({ symbol: gene.symbol, reason: `no ${assembly} coordinates in the gene table` });
      continue;
    }
    for (const locus of loci) {
      const up = gene.flanks?.upstream ?? 0;
      const down = gene.flanks?.downstream ?? 0;
      // Upstream is 5' of the gene: lower coordinates on +, higher on −.
      const start = Math.max(1, locus.start - (locus.strand === "+" ? up : down));
      const end = locus.end + (locus.strand === "+" ? down : up);
      spans.push({ gene, chrom: canonicalChrom(locus.chrom), start, end });
    }
    for (const region of extra) spans.push({ gene, chrom: canonicalChrom(region.chrom), start: region.start, end: region.end });
  }
  spans.sort((a, b) => (a.chrom < b.chrom ? -1 : a.chrom > b.chrom ? 1 : a.start - b.start || a.end - b.end));
  const readRegions = spans.map((s) => ({
    chrom: s.chrom,
    start: Math.max(1, s.start - ANNOTATION_WINDOW),
    end: s.end + ANNOTATION_WINDOW,
  }));
  const spansByChrom = new Map<string, GeneSpan[]>();
  for (const span of spans) {
    const list = spansByChrom.get(span.chrom);
    if (list) list.push(span);
    else spansByChrom.set(span.chrom, [span]);
  }
  return { panel, assembly, spans, readRegions, unplaced, byHgnc, bySymbol, symbolCache: new BoundedMap(SYMBOL_CACHE_LIMIT), spansByChrom };
}

/** Panel gene named by one consequence (HGNC id first, then symbol through the alias table). */
function panelGeneOf(consequence: Consequence, index: PanelIndex): PanelGene | undefined {
  if (consequence.hgncId) {
    const id = consequence.hgncId.startsWith("HGNC:") ? consequence.hgncId : `HGNC:${consequence.hgncId}`;
    const gene = index.byHgnc.get(id);
    if (gene) return gene;
  }
  const symbol = consequence.symbol;
  if (!symbol) return undefined;
  // Keyed by the symbol as written: every consequence of every panel record asks, and
  // upper-casing first made a new string each time.
  const cached = index.symbolCache.get(symbol);
  if (cached !== undefined) return cached ?? undefined;
  const found = resolveSymbol(symbol.toUpperCase(), index);
  // Bounded (symbolCache is a BoundedMap): a file naming a new symbol on every line must not
  // grow memory with its size.
  index.symbolCache.set(own(symbol), found ?? null);
  return found;
}

/** Old names of panel genes, decoded once per process for the genes of each panel. */
const otherNamesCache = new WeakMap<Panel, ReadonlySet<string>>();

function panelOtherNames(panel: Panel): ReadonlySet<string> {
  let names = otherNamesCache.get(panel);
  if (!names) {
    // Precomputed for the builtin panel, like its loci (decoding them costs ~25 ms).
    names = !needsGeneTables(panel)
      ? new Set(BUILTIN_OTHER_NAMES)
      : new Set([...otherNames(panel.genes.map((g) => g.hgncId)).values()].flat().map((n) => n.toUpperCase()));
    otherNamesCache.set(panel, names);
  }
  return names;
}

function resolveSymbol(key: string, index: PanelIndex): PanelGene | undefined {
  const direct = index.bySymbol.get(key);
  if (direct) return direct;
  // Only a symbol that is some panel gene's old name or alias can still be a panel gene; the
  // full alias index (ambiguity check included) is consulted for those alone.
  if (!panelOtherNames(index.panel).has(key)) return undefined;
  if (!needsGeneTables(index.panel)) {
    // resolveGene's answer, precomputed: the builtin panel never needs the gene tables.
    const id = Object.hasOwn(BUILTIN_OTHER_NAME_GENES, key) ? BUILTIN_OTHER_NAME_GENES[key] : undefined;
    return id === undefined ? undefined : index.byHgnc.get(id);
  }
  const resolved = resolveGene(key);
  return resolved.status === "resolved" ? index.byHgnc.get(resolved.hgncId) : undefined;
}

export interface MatchResult {
  readonly hits: readonly Hit[];
  readonly warnings: readonly Warning[];
}

/**
 * Sorts a short list in place (genes of one record, hotspot labels of one gene). Same order as
 * `Array#sort` for distinct keys, without the work array it allocates on every call (measured:
 * 0.5 KB per record on a panel-dense file, where most records overlap several hotspots).
 */
function insertionSort<T>(list: T[], before: (a: T, b: T) => boolean): void {
  if (list.length > 16) {
    list.sort((a, b) => (before(a, b) ? -1 : 1));
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    while (j >= 0 && before(item, list[j]!)) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
}

/**
 * All panel genes a variant touches, by annotation and by coordinates.
 *
 * Runs for every record in panel regions, nearly all of which touch one gene: the gene list is
 * built without intermediate Sets and spreads, sorted only when it has several genes, and the
 * warning location is made only when there is a warning. Measured on a 50,000-record VEP file:
 * 2 → 0.7 KB allocated and 3.3 → 1.5 µs per record.
 *
 * For an index of a panel other than the builtin one, the gene tables must be loaded
 * (`loadGeneTables()`), as for `indexPanel`.
 */
export function matchVariant(variant: Variant, index: PanelIndex): MatchResult {
  const chrom = canonicalChrom(variant.chrom);
  // Genes by coordinates first (so index < placedCount means "placed"), then by annotation.
  // Scratch arrays, reused: this runs once per record and keeps none of them.
  const genes = scratchGenes;
  const annotatedBy = scratchAnnotated;
  genes.length = 0;
  annotatedBy.length = 0;
  for (const span of index.spansByChrom.get(chrom) ?? NO_SPANS) {
    if (span.start <= variant.end && span.end >= variant.pos && !genes.includes(span.gene)) genes.push(span.gene);
  }
  const placedCount = genes.length;
  // Consequences naming each gene, by index into `genes` (one or two genes per record).
  for (const consequence of variant.consequences) {
    const gene = panelGeneOf(consequence, index);
    if (!gene) continue;
    let at = genes.indexOf(gene);
    if (at === -1) at = genes.push(gene) - 1;
    const list = annotatedBy[at];
    if (list) list.push(consequence);
    else annotatedBy[at] = [consequence];
  }
  if (genes.length === 0) return NO_MATCH;
  const order = scratchOrder;
  order.length = 0;
  for (let i = 0; i < genes.length; i++) order.push(i);
  insertionSort(order, bySymbol);

  const hotspots = hotspotsOverlapping(index.assembly, variant.chrom, variant.pos, variant.end);
  let warnings: Warning[] | undefined;
  const hits: Hit[] = new Array(genes.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const gene = genes[i]!;
    const annotated = annotatedBy[i];
    const onGene = i < placedCount;
    const geneSource: GeneSource = annotated && onGene ? "both" : annotated ? "annotation" : "coordinates";
    if (geneSource === "annotation") {
      warnings ??= [];
      warnings.push({
        code: "W_GENE_MISMATCH",
        message: `${formatLocation(variant.source)}: annotation names ${gene.symbol} but ${variant.key} lies outside its ${index.assembly} span; reported with geneSource "annotation"`,
        location: { file: variant.source.file, line: variant.source.line },
      });
    } else if (geneSource === "coordinates" && variant.consequences.length > 0) {
      warnings ??= [];
      warnings.push({
        code: "W_GENE_UNANNOTATED",
        message: `${formatLocation(variant.source)}: ${variant.key} lies in ${gene.symbol} but the annotation does not name it; reported with geneSource "coordinates"`,
        location: { file: variant.source.file, line: variant.source.line },
      });
    }
    const consequence = annotated ? chooseConsequence(annotated, gene) : undefined;
    let labels: readonly string[] = NO_LABELS;
    if (hotspots.length > 0) {
      const symbol = gene.symbol.toUpperCase();
      const found: string[] = [];
      for (const h of hotspots) {
        if ((h.hgncId === gene.hgncId || h.gene.toUpperCase() === symbol) && !found.includes(h.label)) found.push(h.label);
      }
      insertionSort(found, textBefore);
      if (found.length > 0) labels = found;
    }
    hits[k] = {
      variant,
      gene: geneRef(gene),
      geneSource,
      // Present even when undefined: no spread in this per-record literal (see records.ts).
      consequence,
      hotspots: labels,
    };
  }
  // Per record, arrays that grow by push start with room for 17 entries: the common results
  // (no gene, no warning, no hotspot) are shared frozen values instead (~1 KB per record less).
  return { hits, warnings: warnings ?? NO_WARNINGS };
}

const scratchGenes: PanelGene[] = [];
const scratchAnnotated: (Consequence[] | undefined)[] = [];
const scratchOrder: number[] = [];
const bySymbol = (i: number, j: number) => scratchGenes[i]!.symbol < scratchGenes[j]!.symbol;
const textBefore = (a: string, b: string) => a < b;
const NO_SPANS: readonly GeneSpan[] = Object.freeze([]);
const NO_LABELS: readonly string[] = Object.freeze([]);
const NO_WARNINGS: readonly Warning[] = Object.freeze([]);
const NO_MATCH: MatchResult = Object.freeze({ hits: Object.freeze([]), warnings: NO_WARNINGS });

/**
 * @internal One `{ symbol, hgncId }` per panel gene, shared by its hits and findings (frozen:
 * never edited; 22,000 copies on a panel-dense file otherwise).
 */
export function geneRef(gene: PanelGene): Hit["gene"] {
  let ref = geneRefs.get(gene);
  if (!ref) {
    ref = Object.freeze({ symbol: gene.symbol, hgncId: gene.hgncId });
    geneRefs.set(gene, ref);
  }
  return ref;
}

const geneRefs = new WeakMap<PanelGene, Hit["gene"]>();
