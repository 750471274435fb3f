/**
 * From the rules that matched one allele to the finding's classification, implications, rule ids
 * and match basis. Rules decide; ClinVar and population frequency may lower (or, for an
 * `uncertain` call, raise) a classification unless an allele-specific rule spoke for the variant.
 */
import type { Panel, PanelImplication, PanelRule } from "../panel/schema.js";
import { type Classification, ClassificationSchema, type Finding, type Implication } from "../report/schema.js";
import { clinvarClassification, reviewStars } from "./clinvar.js";
import { type MatchedRule, type Subject, type Tier, tierRank } from "./evaluate.js";
import { type Frequency, germlineFrequency } from "./standards.js";

/** Most severe first; "hotspot" sits below the germline terms and above low-penetrance. */
// The report schema lists classifications in this order; one list, not two.
const SEVERITY: readonly Classification[] = ClassificationSchema.options;
const BENIGN: ReadonlySet<Classification> = new Set(["likely-benign", "benign"]);

function severity(classification: Classification): number {
  return SEVERITY.indexOf(classification);
}

/** A rule whose own evidence is all `unverified` cannot lift a finding above `uncertain`. */
function ruleClassification(rule: PanelRule): Classification {
  const unverifiedOnly = rule.evidence.every((e) => e.applicability === "unverified");
  return unverifiedOnly && severity(rule.classification) < severity("uncertain") ? "uncertain" : rule.classification;
}

export interface Classified {
  readonly matchBasis: Tier;
  readonly classification: Classification;
  readonly implications: Implication[];
  readonly ruleIds: string[];
}

/**
 * Combine matched rules (at least one, superseded ones already removed) into the finding's
 * verdict: the most specific tier decides the classification, every rule adds implications.
 *
 * Under a germline reading (or none) the ACMG/AMP frequency criteria apply: BA1 makes it benign
 * and BS1 likely benign, unless the panel's own curated allele or hotspot spoke for the variant
 * (a ClinVar match never bypasses them); a reviewed ClinVar benign assertion lowers it, and a
 * reviewed pathogenic one lifts an `uncertain`. A somatic reading applies neither: population
 * frequency says nothing about a clone, and ClinVar classifies germline variants.
 */
export function classify(
  panel: Panel,
  subject: Subject,
  matched: readonly MatchedRule[],
  reading?: "germline" | "somatic",
  frequency?: Frequency,
): Classified {
  const top = Math.max(...matched.map((m) => tierRank(m.tier)));
  const topMatches = matched.filter((m) => tierRank(m.tier) === top);
  let classification = topMatches
    .map((m) => ruleClassification(m.rule))
    .reduce((best, next) => (severity(next) < severity(best) ? next : best));
  const matchBasis = (topMatches[0] as MatchedRule).tier;

  const curated = topMatches.some((m) => m.curated);
  const clinvar = subject.clinvar ? clinvarClassification(subject.clinvar.significance) : undefined;
  const reviewed = (reviewStars(subject.clinvar?.reviewStatus) ?? 0) >= 1;
  if (reading !== "somatic") {
    const freq = frequency ?? germlineFrequency(panel, subject.gene, subject.populationAf);
    if (!curated) {
      if (freq.ba1) classification = "benign";
      else if (freq.bs1) classification = severity(classification) < severity("likely-benign") ? "likely-benign" : classification;
      else if (clinvar && reviewed && BENIGN.has(clinvar)) classification = clinvar;
    }
    // A reviewed ClinVar assertion about this exact allele outweighs a rule's "uncertain".
    if (classification === "uncertain" && clinvar && reviewed && severity(clinvar) < severity("uncertain") && !freq.ba1 && !freq.bs1) {
      classification = clinvar;
    }
  } else if (!curated && clinvar && reviewed && BENIGN.has(clinvar)) {
    // A reviewed benign ClinVar classification says the allele itself is a harmless polymorphism,
    // which holds whatever the cells that carry it.
    classification = clinvar;
  }
  const { ruleIds, implications } = verdictParts(panel, matched, classification);
  return { matchBasis, classification, implications: implications as Implication[], ruleIds: ruleIds as string[] };
}

export interface VerdictParts {
  readonly ruleIds: readonly string[];
  readonly implications: readonly Implication[];
}

/**
 * Sorted rule ids and merged implications of a set of matched rules, made once per distinct set
 * and shared (frozen) by every finding with that set: a panel-dense file has ~22,000 findings
 * but a few dozen rule sets, and fresh copies were ~70,000 objects.
 */
const partsCache = new WeakMap<Panel, Map<string, VerdictParts>>();

export function verdictParts(
  panel: Panel,
  matched: readonly MatchedRule[],
  classification: Classification,
  extra?: { readonly key: string; readonly implications: readonly PanelImplication[] },
): VerdictParts {
  // A benign finding carries no implications; an uncertain one none of the codes the panel
  // withholds from a VUS (management: a VUS is not used for clinical decisions).
  const dropImplications = BENIGN.has(classification);
  const withheld = classification === "uncertain" ? panel.uncertainWithholds?.codes : undefined;
  // The ids alone, sorted, for the key (a rule's id is unique in a panel, and judge passes each
  // rule once); the rules by id only when the parts are made.
  const ruleIds = matched.map((m) => m.rule.id).sort();
  const mode = dropImplications ? "-" : withheld ? "?" : "+";
  const key = `${mode}${extra && !dropImplications ? `${extra.key}\u0001` : ""}${ruleIds.join("\u0000")}`;
  let cache = partsCache.get(panel);
  if (!cache) {
    cache = new Map();
    partsCache.set(panel, cache);
  }
  let parts = cache.get(key);
  if (!parts) {
    const byId = new Map(matched.map((m) => [m.rule.id, m.rule]));
    const merged = dropImplications
      ? []
      : mergeImplications([...ruleIds.map((id) => (byId.get(id) as PanelRule).implications), ...(extra ? [extra.implications] : [])]);
    const implications = withheld ? merged.filter((i) => !withheld.includes(i.code)) : merged;
    for (const implication of implications) {
      for (const e of implication.evidence) Object.freeze(e);
      Object.freeze(implication.evidence);
      Object.freeze(implication);
    }
    parts = { ruleIds: Object.freeze(ruleIds), implications: Object.freeze(implications) };
    cache.set(key, parts);
  }
  return parts;
}

/** Rule order (sorted ids), then as written; identical code+statement pairs merge their evidence. */
function mergeImplications(lists: readonly (readonly PanelImplication[])[]): Implication[] {
  const out: Implication[] = [];
  const seen = new Map<string, Implication>();
  for (const list of lists) {
    for (const implication of list) {
      const key = `${implication.code}\u0000${implication.statement}`;
      const evidence = implication.evidence.map((e) => ({ citation: e.citation, applicability: e.applicability }));
      const existing = seen.get(key);
      if (existing) {
        for (const e of evidence) {
          if (!existing.evidence.some((x) => x.citation === e.citation && x.applicability === e.applicability)) existing.evidence.push(e);
        }
        continue;
      }
      const fresh: Implication = { code: implication.code, statement: implication.statement, evidence };
      seen.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/** Rebuild a Finding with a new verdict, keeping the schema's key order. */
export function withVerdict(base: Finding, verdict: Classified & { readonly readings?: Finding["readings"] }): Finding {
  return {
    sample: base.sample,
    variant: base.variant,
    gene: base.gene,
    category: base.category,
    matchBasis: verdict.matchBasis,
    geneSource: base.geneSource,
    ...(base.consequence ? { consequence: base.consequence } : {}),
    ...(base.variantClass ? { variantClass: base.variantClass } : {}),
    call: base.call,
    ...(base.populationAf ? { populationAf: base.populationAf } : {}),
    ...(base.clinvar ? { clinvar: base.clinvar } : {}),
    origin: base.origin,
    classification: verdict.classification,
    implications: verdict.implications,
    ruleIds: verdict.ruleIds,
    ...(verdict.readings ? { readings: verdict.readings } : base.readings ? { readings: base.readings } : {}),
    ...(base.event ? { event: base.event } : {}),
    source: base.source,
  };
}
