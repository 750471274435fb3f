/**
 * The risk engine's first pass: one Hit in one sample → one Finding (or none), by the panel's
 * rules. Pure and synchronous; all clinical content (rules, thresholds, statements) comes from the
 * panel. The second pass (two-hit logic and the sample summary) is `summarizeSample` in summary.ts.
 */

import { geneRef } from "../match.js";
import type { Hit, Mutable, SampleCall, Variant } from "../model.js";
import { carriesAllele } from "../normalize/calls.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { variantClass } from "../normalize/variant-class.js";
import type { Panel, PanelGene } from "../panel/schema.js";
import type { Finding } from "../report/schema.js";
import { alleleCopies, type FirstPassFinding, factsOf, type Subject, svTypeOf } from "./evaluate.js";
import { inferOrigin, inferOriginCall, type OriginInput, type RuleContext } from "./origin.js";
import { judge } from "./readings.js";

export type { RuleContext, SampleRole } from "./origin.js";

/** Panel genes by symbol (the first of a symbol, as `find` gave), built once per panel. */
const genesBySymbol = new WeakMap<Panel, ReadonlyMap<string, PanelGene>>();

/** The panel gene of a symbol (the first, as `panel.genes.find` would give). */
function panelGene(panel: Panel, symbol: string): PanelGene | undefined {
  let genes = genesBySymbol.get(panel);
  if (!genes) {
    const map = new Map<string, PanelGene>();
    for (const gene of panel.genes) if (!map.has(gene.symbol)) map.set(gene.symbol, gene);
    genesBySymbol.set(panel, map);
    genes = map;
  }
  return genes.get(symbol);
}

/** A Finding's call: its members in the schema's order, and only those present. */
function findingCall(call: SampleCall): Finding["call"] {
  const out: Mutable<Finding["call"]> = {};
  if (call.genotype !== undefined) out.genotype = call.genotype;
  if (call.zygosity !== undefined) out.zygosity = call.zygosity;
  if (call.vaf !== undefined) out.vaf = round4(call.vaf);
  if (call.vafSource !== undefined) out.vafSource = call.vafSource;
  if (call.depth !== undefined) out.depth = call.depth;
  if (call.altDepth !== undefined) out.altDepth = call.altDepth;
  return out;
}

/** A Finding's variant: what the report says of it, its members in the schema's order. */
function findingVariant({ chrom, pos, ref, alt, id, filter, key }: Variant): Finding["variant"] {
  // The report's lists are typed mutable (zod's output); the variant's are never changed.
  const filters = filter as string[];
  return id && id.length > 0
    ? { chrom, pos, ref, alt, id: id as string[], filter: filters, key }
    : { chrom, pos, ref, alt, filter: filters, key };
}

function findingConsequence(c: NonNullable<Hit["consequence"]>): Finding["consequence"] {
  return {
    terms: c.terms as string[],
    ...(c.impact ? { impact: c.impact } : {}),
    ...(c.transcript ? { transcript: c.transcript } : {}),
    ...(c.hgvsc ? { hgvsc: c.hgvsc } : {}),
    ...(c.hgvsp ? { hgvsp: c.hgvsp } : {}),
    ...(c.exon ? { exon: c.exon } : {}),
    ...(c.intron ? { intron: c.intron } : {}),
    source: c.source,
  };
}

function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/**
 * Apply the panel's rules to one Hit in one sample. Returns one Finding combining every rule that
 * matched (ruleIds sorted), or undefined when the sample does not carry the allele, the gene is not
 * in the panel, or no rule matches. Recessive `hits: "two"` rules are judged on this call alone
 * (homozygous or hemizygous); a run's second pass revisits them with every allele of the gene.
 */
export function applyRules(hit: Hit, call: SampleCall, context: RuleContext): Finding | undefined {
  return firstPass(hit, call, context)?.finding;
}

/** @internal `applyRules`, with the facts the second pass needs (see `summarizeSample`). */
export function firstPass(hit: Hit, call: SampleCall, context: RuleContext): FirstPassFinding | undefined {
  const { panel } = context;
  const gene = panelGene(panel, hit.gene.symbol);
  if (!gene || !carriesAllele(call)) return undefined;
  const variant = hit.variant;
  const onChrX = canonicalChrom(variant.chrom) === "X";
  // Optional members are passed as undefined rather than spread in (nothing tells an absent
  // member from an undefined one), and the origin's reasons are written only for a hit that
  // matches a rule: most hits match none, and building objects and sentences for them was
  // most of this function's cost (measured: 9 → 4 µs per record on a panel-dense file).
  const originInput: OriginInput = {
    panel,
    role: context.role,
    variant,
    call,
    onChrX,
    normalCall: context.normalCall,
    declaredOrigin: context.declaredOrigin,
    somaticCaller: context.somaticCaller,
    sex: context.sex,
  };
  const { call: originCall } = inferOriginCall(originInput);
  const zygosity = context.sex === "male" && onChrX && call.zygosity === "hom-alt" ? "hemi" : call.zygosity;
  const subject: Subject = {
    gene,
    chrom: variant.chrom,
    pos: variant.pos,
    end: variant.end,
    ref: variant.ref,
    alt: variant.alt,
    kind: variant.kind,
    svType: variant.kind === "sv" ? svTypeOf(variant.alt, variant.info.SVTYPE) : undefined,
    ids: variant.id ?? [],
    consequence: hit.consequence,
    hotspots: hit.hotspots,
    assembly: context.assembly,
    call,
    zygosity,
    origin: originCall,
    // The first reading judge() reads under (both, in turn, for an unknown origin).
    reading: originCall === "somatic" ? "somatic" : "germline",
    populationAf: variant.populationAf,
    clinvar: variant.clinvar,
    context: context.context,
  };
  const verdict = judge(panel, subject, alleleCopies(subject));
  if (!verdict) return undefined;
  const origin = inferOrigin(originInput);

  const { consequence } = hit;
  const { populationAf, clinvar } = variant;
  const finding: Finding = {
    sample: call.sample,
    variant: findingVariant(variant),
    gene: geneRef(gene),
    category: gene.category,
    matchBasis: verdict.matchBasis,
    geneSource: hit.geneSource,
    ...(consequence ? { consequence: findingConsequence(consequence) } : {}),
    variantClass: classOf(variant),
    call: findingCall(call),
    ...(populationAf ? { populationAf: { value: populationAf.value, source: populationAf.source } } : {}),
    ...(clinvar
      ? {
          clinvar: {
            significance: clinvar.significance,
            ...(clinvar.reviewStatus !== undefined ? { reviewStatus: clinvar.reviewStatus } : {}),
          },
        }
      : {}),
    origin: { call: origin.call, reasons: origin.reasons, confidence: origin.confidence },
    classification: verdict.classification,
    implications: verdict.implications,
    ruleIds: verdict.ruleIds,
    readings: verdict.readings,
    source: { file: variant.source.file, line: variant.source.line },
  };
  return { finding, facts: factsOf(subject) };
}

/** The allele-only class of a (trimmed) variant: SNV/MNV/indel, frame by length, SV. */
function classOf(variant: Variant): NonNullable<Finding["variantClass"]> {
  if (variant.kind === "sv" || variant.kind === "breakend") return { kind: variant.kind, lengthChange: 0 };
  const { kind, lengthChange, frameshift } = variantClass(variant.ref, variant.alt);
  return frameshift === undefined ? { kind, lengthChange } : { kind, lengthChange, frameshift };
}
