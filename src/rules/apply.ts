/**
 * The risk engine's first pass: one Hit in one sample → one Finding (or none), by the panel's
 * rules. Pure and synchronous; all clinical content (rules, thresholds, statements) comes from the
 * panel. The second pass (two-hit logic and the sample summary) is `summarizeSample` in summary.ts.
 */
import type { Assembly, Hit, SampleCall } from "../model.js";
import { carriesAllele } from "../normalize/calls.js";
import { canonicalChrom } from "../normalize/contigs.js";
import type { Panel } from "../panel/schema.js";
import type { Finding } from "../report/schema.js";
import { classify, withVerdict } from "./classify.js";
import { alleleCopies, matchingRules, type Subject, svTypeOf } from "./evaluate.js";
import { inferOrigin } from "./origin.js";

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
}

/**
 * The facts each Finding was built from, so `summarizeSample` can re-run the rules with the
 * gene's full allele count. Keyed by object: a cloned Finding falls back to `subjectFromFinding`.
 */
const subjects = new WeakMap<Finding, Subject>();

/** @internal The Subject a Finding was built from, if this module built it. */
export function subjectOf(finding: Finding): Subject | undefined {
  return subjects.get(finding);
}

/** @internal Remember the Subject behind a Finding (used by the second pass too). */
export function remember(finding: Finding, subject: Subject): Finding {
  subjects.set(finding, subject);
  return finding;
}

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
  const gene = panel.genes.find((g) => g.symbol === hit.gene.symbol);
  if (!gene || !carriesAllele(call)) return undefined;
  const variant = hit.variant;
  const onChrX = canonicalChrom(variant.chrom) === "X";
  const origin = inferOrigin({
    panel,
    role: context.role,
    variant,
    call,
    onChrX,
    ...(context.normalCall ? { normalCall: context.normalCall } : {}),
    ...(context.declaredOrigin ? { declaredOrigin: context.declaredOrigin } : {}),
    ...(context.somaticCaller !== undefined ? { somaticCaller: context.somaticCaller } : {}),
    ...(context.sex ? { sex: context.sex } : {}),
  });
  const zygosity = context.sex === "male" && onChrX && call.zygosity === "hom-alt" ? "hemi" : call.zygosity;
  const svType = variant.kind === "sv" ? svTypeOf(variant.alt, variant.info.SVTYPE) : undefined;
  const subject: Subject = {
    gene,
    chrom: variant.chrom,
    pos: variant.pos,
    end: variant.end,
    ref: variant.ref,
    alt: variant.alt,
    kind: variant.kind,
    ...(svType ? { svType } : {}),
    ids: variant.id ?? [],
    ...(hit.consequence ? { consequence: hit.consequence } : {}),
    hotspots: hit.hotspots,
    assembly: context.assembly,
    call,
    ...(zygosity ? { zygosity } : {}),
    origin: origin.call,
    ...(variant.populationAf ? { populationAf: variant.populationAf } : {}),
    ...(variant.clinvar ? { clinvar: variant.clinvar } : {}),
  };
  const matched = matchingRules(panel, subject, alleleCopies(subject));
  if (matched.length === 0) return undefined;

  const c = hit.consequence;
  const base: Finding = {
    sample: call.sample,
    variant: {
      chrom: variant.chrom,
      pos: variant.pos,
      ref: variant.ref,
      alt: variant.alt,
      ...(variant.id && variant.id.length > 0 ? { id: [...variant.id] } : {}),
      filter: [...variant.filter],
      key: variant.key,
    },
    gene: { symbol: gene.symbol, hgncId: gene.hgncId },
    category: gene.category,
    matchBasis: "region",
    geneSource: hit.geneSource,
    ...(c
      ? {
          consequence: {
            terms: [...c.terms],
            ...(c.impact ? { impact: c.impact } : {}),
            ...(c.transcript ? { transcript: c.transcript } : {}),
            ...(c.hgvsc ? { hgvsc: c.hgvsc } : {}),
            ...(c.hgvsp ? { hgvsp: c.hgvsp } : {}),
            source: c.source,
          },
        }
      : {}),
    call: {
      ...(call.genotype !== undefined ? { genotype: call.genotype } : {}),
      ...(call.zygosity !== undefined ? { zygosity: call.zygosity } : {}),
      ...(call.vaf !== undefined ? { vaf: round4(call.vaf) } : {}),
      ...(call.vafSource !== undefined ? { vafSource: call.vafSource } : {}),
      ...(call.depth !== undefined ? { depth: call.depth } : {}),
      ...(call.altDepth !== undefined ? { altDepth: call.altDepth } : {}),
    },
    ...(variant.populationAf ? { populationAf: { value: variant.populationAf.value, source: variant.populationAf.source } } : {}),
    ...(variant.clinvar
      ? {
          clinvar: {
            significance: variant.clinvar.significance,
            ...(variant.clinvar.reviewStatus !== undefined ? { reviewStatus: variant.clinvar.reviewStatus } : {}),
          },
        }
      : {}),
    origin: { call: origin.call, reasons: origin.reasons },
    classification: "uncertain",
    implications: [],
    ruleIds: [],
    source: { file: variant.source.file, line: variant.source.line },
  };
  return remember(withVerdict(base, classify(panel, subject, matched)), subject);
}
