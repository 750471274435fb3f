/**
 * The risk engine's first pass: one Hit in one sample → one Finding (or none), by the panel's
 * rules. Pure and synchronous; all clinical content (rules, thresholds, statements) comes from the
 * panel. The second pass (two-hit logic and the sample summary) is `summarizeSample` in summary.ts.
 */

import type { PatientContext } from "../context.js";
import { geneRef } from "../match.js";
import type { Assembly, Hit, Mutable, SampleCall, Variant } from "../model.js";
import { carriesAllele } from "../normalize/calls.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { variantClass } from "../normalize/variant-class.js";
import { BoundedMap, intern, internList, keep } from "../own.js";
import type { Panel, PanelGene } from "../panel/schema.js";
import type { Finding } from "../report/schema.js";
import { alleleCopies, type Subject, svTypeOf } from "./evaluate.js";
import { inferOrigin, inferOriginCall, type OriginInput } from "./origin.js";
import { judge } from "./readings.js";

export type SampleRole = "germline" | "tumor" | "normal" | "unknown";

export interface RuleContext {
  readonly panel: Panel;
  readonly assembly: Assembly;
  readonly role: SampleRole;
  /** The paired normal's call of the same variant, when the sample is a tumor of a tumor/normal pair. */
  readonly normalCall?: SampleCall;
  /** Origin declared by the caller (--origin); wins over inference. */
  readonly declaredOrigin?: "germline" | "somatic";
  /** Caller hints from the header/record: INFO SOMATIC flag, Mutect2/Strelka somatic headers. */
  readonly somaticCaller?: boolean;
  readonly sex?: "male" | "female";
  /** Patient context given with the run (age, telomere length …), for rules that name it. */
  readonly context?: PatientContext;
}

/**
 * The facts each Finding was built from, so `summarizeSample` can re-run the rules with the
 * gene's full allele count: a non-enumerable property, so JSON, spreads, structured clones and
 * schema parses never see it (for a clone, summary.ts rebuilds the Subject from the Finding alone). A WeakMap did the
 * same at ~1 µs a finding, and its ephemeron table was walked by every young-generation GC.
 *
 * Only what the Finding cannot say itself is kept; the rest of the Subject is read back off the
 * Finding (its variant, consequence, frequency and ClinVar parts are the very objects the
 * Subject held). The whole Subject, and the SampleCall it held, were ~400 bytes a finding: 9 of
 * the ~60 MB of findings on the panel-dense bench case.
 */
const FACTS = Symbol("marrowscope.subject");

/** @internal What a Subject holds that its Finding does not say itself. */
export interface SubjectFacts {
  readonly gene: PanelGene;
  readonly end: number;
  readonly kind: Subject["kind"];
  readonly svType: string | undefined;
  readonly hotspots: readonly string[];
  readonly assembly: Subject["assembly"];
  readonly zygosity: Subject["zygosity"];
  /** The call's VAF unrounded (a Finding's is rounded to 4 places; VAF bands test this one). */
  readonly vaf: number | undefined;
  readonly origin: Subject["origin"];
}

/** @internal The Subject a Finding was built from, if this module built it. */
export function subjectOf(finding: Finding): Subject | undefined {
  const facts = factsOf(finding);
  return facts ? subjectFrom(finding, facts) : undefined;
}

/** @internal A Subject from a Finding and the facts it cannot say itself (remembered or worked out). */
export function subjectFrom(finding: Finding, facts: SubjectFacts): Subject {
  const { variant, call } = finding;
  return {
    gene: facts.gene,
    chrom: variant.chrom,
    pos: variant.pos,
    end: facts.end,
    ref: variant.ref,
    alt: variant.alt,
    kind: facts.kind,
    svType: facts.svType,
    ids: variant.id ?? NO_IDS,
    consequence: finding.consequence,
    hotspots: facts.hotspots,
    assembly: facts.assembly,
    call: call.vaf === facts.vaf ? call : { ...call, vaf: facts.vaf },
    zygosity: facts.zygosity,
    origin: facts.origin,
    populationAf: finding.populationAf,
    clinvar: finding.clinvar,
  };
}

/**
 * @internal Remember the Subject behind a Finding (used by the second pass too). The Finding
 * must carry the Subject's own variant, consequence, frequency and ClinVar parts.
 */
export function remember(finding: Finding, subject: Subject): Finding {
  const facts: SubjectFacts = {
    gene: subject.gene,
    end: subject.end,
    kind: subject.kind,
    svType: subject.svType,
    hotspots: subject.hotspots,
    assembly: subject.assembly,
    zygosity: subject.zygosity,
    vaf: subject.call.vaf,
    origin: subject.origin,
  };
  return withFacts(finding, facts);
}

/** @internal The facts remembered on a Finding, for a store that writes findings out. */
export function factsOf(finding: Finding): SubjectFacts | undefined {
  return (finding as { [FACTS]?: SubjectFacts })[FACTS];
}

/** @internal Puts remembered facts (back) on a Finding: non-enumerable, so JSON never shows them. */
export function withFacts(finding: Finding, facts: SubjectFacts): Finding {
  Object.defineProperty(finding, FACTS, { value: facts, writable: true, configurable: true });
  return finding;
}

/** Panel genes by symbol (the first of a symbol, as `find` gave), built once per panel. */
const genesBySymbol = new WeakMap<Panel, ReadonlyMap<string, PanelGene>>();

/** @internal The panel gene of a symbol (the first, as `panel.genes.find` would give). */
export function panelGene(panel: Panel, symbol: string): PanelGene | undefined {
  let genes = genesBySymbol.get(panel);
  if (!genes) {
    const map = new Map<string, PanelGene>();
    for (const gene of panel.genes) if (!map.has(gene.symbol)) map.set(gene.symbol, gene);
    genesBySymbol.set(panel, map);
    genes = map;
  }
  return genes.get(symbol);
}

/**
 * A Finding's call, its members added in the schema's order and only when present. (Built from
 * conditional spreads, every such object got a hidden class of its own in V8: 22,000 maps and
 * descriptor arrays, ~6 MB, on a panel-dense file.)
 */
function findingCall(call: SampleCall): Finding["call"] {
  const out: Mutable<Finding["call"]> = {};
  if (call.genotype !== undefined) out.genotype = intern(call.genotype);
  if (call.zygosity !== undefined) out.zygosity = call.zygosity;
  if (call.vaf !== undefined) out.vaf = round4(call.vaf);
  if (call.vafSource !== undefined) out.vafSource = call.vafSource;
  if (call.depth !== undefined) out.depth = call.depth;
  if (call.altDepth !== undefined) out.altDepth = call.altDepth;
  return out;
}

interface OwnedParts {
  readonly variant: Finding["variant"];
  readonly variantClass: NonNullable<Finding["variantClass"]>;
  readonly consequence: Finding["consequence"];
  readonly populationAf: Finding["populationAf"];
  readonly clinvar: Finding["clinvar"];
}

// The parts of a Finding that depend on the hit alone, made once per hit and shared (frozen) by
// the findings of every sample that carries it: a 10-sample file has ten findings per hit.
let lastHit: Hit | undefined;
let lastParts: OwnedParts | undefined;

/**
 * Everything a Finding keeps from its hit, copied out of the record line it was cut from (`keep`,
 * or one shared copy through `intern`), so a Finding does not keep its whole line alive.
 */
function ownedParts(hit: Hit): OwnedParts {
  // Samples are the outer loop and hits the inner one: the last hit's parts are the ones asked
  // for again (a record touching two genes makes its parts twice, which is rare).
  if (hit === lastHit && lastParts) return lastParts;
  const variant = hit.variant;
  const c = hit.consequence;
  const consequence: Finding["consequence"] = c
    ? Object.freeze({
        terms: internList(c.terms) as string[],
        ...(c.impact ? { impact: intern(c.impact) as typeof c.impact } : {}),
        ...(c.transcript ? { transcript: intern(c.transcript) } : {}),
        ...(c.hgvsc ? { hgvsc: keep(c.hgvsc) } : {}),
        ...(c.hgvsp ? { hgvsp: keep(c.hgvsp) } : {}),
        source: c.source,
      })
    : undefined;
  const populationAf = variant.populationAf
    ? Object.freeze({ value: variant.populationAf.value, source: intern(variant.populationAf.source) })
    : undefined;
  const clinvar = variant.clinvar
    ? Object.freeze({
        significance: intern(variant.clinvar.significance),
        ...(variant.clinvar.reviewStatus !== undefined ? { reviewStatus: intern(variant.clinvar.reviewStatus) } : {}),
      })
    : undefined;
  const ids = variant.id && variant.id.length > 0 ? (Object.freeze(variant.id.map(keep)) as string[]) : undefined;
  const seen: Finding["variant"] = Object.freeze({
    chrom: intern(variant.chrom),
    pos: variant.pos,
    ref: keep(variant.ref),
    alt: keep(variant.alt),
    ...(ids ? { id: ids } : {}),
    filter: internList(variant.filter) as string[],
    key: keep(variant.key),
  });
  const parts: OwnedParts = {
    variant: seen,
    variantClass: classOf(variant),
    consequence,
    populationAf,
    clinvar,
  };
  lastHit = hit;
  lastParts = parts;
  return parts;
}

const NO_IDS: readonly string[] = Object.freeze([]);

function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/**
 * Apply the panel's rules to one Hit in one sample. Returns one Finding combining every rule that
 * matched (ruleIds sorted), or undefined when the sample does not carry the allele, the gene is not
 * in the panel, or no rule matches. Recessive `hits: "two"` rules are judged on this call alone
 * (homozygous or hemizygous); `summarizeSample` revisits them with every allele of the gene.
 */
export function applyRules(hit: Hit, call: SampleCall, context: RuleContext): Finding | undefined {
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

  const { consequence, populationAf, clinvar, variant: seen, variantClass } = ownedParts(hit);
  const finding: Finding = {
    sample: call.sample,
    variant: seen,
    gene: geneRef(gene),
    category: gene.category,
    matchBasis: verdict.matchBasis,
    geneSource: hit.geneSource,
    ...(consequence ? { consequence } : {}),
    variantClass,
    call: findingCall(call),
    ...(populationAf ? { populationAf } : {}),
    ...(clinvar ? { clinvar } : {}),
    origin: { call: origin.call, reasons: origin.reasons, confidence: origin.confidence },
    classification: verdict.classification,
    implications: verdict.implications,
    ruleIds: verdict.ruleIds,
    readings: verdict.readings,
    source: { file: variant.source.file, line: variant.source.line },
  };
  return remember(finding, subject);
}

/** The allele-only class of a (trimmed) variant: SNV/MNV/indel, frame by length, SV. */
function classOf(variant: Variant): NonNullable<Finding["variantClass"]> {
  if (variant.kind === "sv" || variant.kind === "breakend") return sharedClass(variant.kind, 0, undefined);
  const { kind, lengthChange, frameshift } = variantClass(variant.ref, variant.alt);
  return sharedClass(kind, lengthChange, frameshift);
}

/**
 * Variant classes are few (most are `{ kind: "snv", lengthChange: 0 }`): one frozen copy of each
 * (bounded: length changes come from the file).
 */
const classes = new BoundedMap<string, NonNullable<Finding["variantClass"]>>(4096);

function sharedClass(
  kind: NonNullable<Finding["variantClass"]>["kind"],
  lengthChange: number,
  frameshift: boolean | undefined,
): NonNullable<Finding["variantClass"]> {
  const key = `${kind}:${lengthChange}:${frameshift}`;
  let found = classes.get(key);
  if (!found) {
    found = Object.freeze(frameshift === undefined ? { kind, lengthChange } : { kind, lengthChange, frameshift });
    classes.set(key, found);
  }
  return found;
}
