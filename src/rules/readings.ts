/**
 * Origin → standard → implications for one allele in one sample. Origin is evidence, never a
 * gate: the allele is judged under each origin reading its call allows (both when the call is
 * unknown), each reading by its own standard, and the finding's headline is the reading that
 * applies (or, for an unknown origin, the more severe one, carrying what both would mean).
 * Pure and synchronous; every rule, threshold and sentence comes from the panel.
 */
import type { Panel } from "../panel/schema.js";
import { ClassificationSchema, type Criterion, type Implication, type ImplicationCode, type Reading } from "../report/schema.js";
import { type Classified, classify, verdictParts } from "./classify.js";
import { type MatchedRule, matchingRules, readingsOf, type Subject, type Tier, tierRank } from "./evaluate.js";
import {
  type Frequency,
  GERMLINE_STANDARD,
  germlineCriteria,
  germlineFrequency,
  SOMATIC_STANDARD,
  somaticCriteria,
  termOf,
} from "./standards.js";

/** A finding's verdict: the headline (v1 fields) and one reading per origin it was judged under. */
export interface Verdict extends Classified {
  readonly readings: Reading[];
}

interface Judged {
  readonly reading: "germline" | "somatic";
  readonly matched: readonly MatchedRule[];
  readonly classified: Classified;
  readonly criteria: Criterion[];
}

const SEVERITY = ClassificationSchema.options;
const BENIGN = new Set(["benign", "likely-benign"]);

/**
 * Judge a subject (its `origin` the call) under every reading the call allows, with `hits`
 * conditions decided on `copies` allele copies in the gene. Undefined when no rule holds under
 * any reading.
 */
export function judge(panel: Panel, subject: Subject, copies: number): Verdict | undefined {
  const judged: Judged[] = [];
  for (const reading of readingsOf(subject.origin)) {
    const under: Subject = { ...subject, reading };
    const matched = matchingRules(panel, under, copies);
    if (matched.length === 0) continue;
    const frequency: Frequency | undefined = reading === "germline" ? germlineFrequency(panel, subject.gene, subject.populationAf) : undefined;
    const classified = classify(panel, under, matched, reading, frequency);
    const criteria =
      reading === "germline" ? germlineCriteria(panel, under, matched, frequency as Frequency) : somaticCriteria(panel, under, matched);
    judged.push({ reading, matched, classified, criteria });
  }
  if (judged.length === 0) return undefined;
  const readings = judged.map((j) => readingOf(j, subject));
  // An unknown origin asks for germline tissue (panel data) unless every reading is benign.
  const confirm =
    subject.origin === "unknown" && judged.some((j) => !BENIGN.has(j.classified.classification)) ? panel.unknownOrigin : undefined;
  if (judged.length === 1 && !confirm) return { ...(judged[0] as Judged).classified, readings };

  // The headline is the more severe reading, with what every reading would mean.
  const headline = judged.reduce((a, b) =>
    SEVERITY.indexOf(b.classified.classification) < SEVERITY.indexOf(a.classified.classification) ? b : a,
  ).classified;
  const all = new Map<string, MatchedRule>();
  for (const j of judged) for (const m of j.matched) if (!all.has(m.rule.id)) all.set(m.rule.id, m);
  const drop = BENIGN.has(headline.classification);
  const { ruleIds, implications } = verdictParts(
    panel,
    [...all.values()],
    drop,
    confirm ? { key: "unknown-origin", implications: confirm.implications } : undefined,
  );
  const matchBasis = judged.map((j) => j.classified.matchBasis).reduce((a: Tier, b: Tier) => (tierRank(b) > tierRank(a) ? b : a));
  return {
    matchBasis,
    classification: headline.classification,
    implications: implications as Implication[],
    ruleIds: ruleIds as string[],
    readings,
  };
}

function readingOf({ reading, classified, criteria }: Judged, subject: Subject): Reading {
  const codes: ImplicationCode[] = [];
  for (const i of classified.implications) if (!codes.includes(i.code)) codes.push(i.code);
  return {
    origin: reading,
    standard: reading === "germline" ? GERMLINE_STANDARD : SOMATIC_STANDARD,
    classification: classified.classification,
    term: termOf(reading, classified.classification, subject.gene.category, codes),
    criteria,
    codes,
    ruleIds: classified.ruleIds,
  };
}

/** Does any reading's rule hold for the allele, ignoring `hits` (the two-hit count's question)? */
export function qualifies(panel: Panel, subject: Subject): boolean {
  for (const reading of readingsOf(subject.origin)) {
    if (matchingRules(panel, { ...subject, reading }, undefined).length > 0) return true;
  }
  return false;
}
