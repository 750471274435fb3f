/**
 * Origin → standard → implications for one allele in one sample. Origin is evidence, never a
 * gate: the allele is judged under each origin reading its call allows (both when the call is
 * unknown), each reading by its own standard, and the finding's headline is the reading that
 * applies (or, for an unknown origin, the more severe one, carrying what both would mean).
 * Pure and synchronous; every rule, threshold and sentence comes from the panel.
 */
import { BoundedMap } from "../own.js";
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
  // One copy of the subject, its reading set in turn (a copy per reading was most of this
  // function's allocation on a panel-dense file).
  const under: { -readonly [K in keyof Subject]: Subject[K] } = { ...subject };
  for (const reading of readingsOf(subject.origin)) {
    under.reading = reading;
    const matched = matchingRules(panel, under, copies);
    if (matched.length === 0) continue;
    const frequency: Frequency | undefined =
      reading === "germline" ? germlineFrequency(panel, subject.gene, subject.populationAf) : undefined;
    const classified = classify(panel, under, matched, reading, frequency);
    const criteria = criteriaFor(reading, under, matched, () =>
      reading === "germline" ? germlineCriteria(panel, under, matched, frequency as Frequency) : somaticCriteria(panel, under, matched),
    );
    judged.push({ reading, matched, classified, criteria });
  }
  if (judged.length === 0) return undefined;
  const readings = sharedReadings(judged.map((j) => readingOf(j, subject)));
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

/**
 * Readings are shared, frozen objects: findings of a file repeat a few dozen distinct ones (the
 * criteria say what kind of evidence held, from a small vocabulary), and each finding holding
 * its own copies doubled a panel-dense run's findings in memory and on disk. Bounded, as every
 * cache of what a file can vary.
 */
const criteriaCache = new BoundedMap<string, readonly Criterion[]>(4096);
const readingCache = new BoundedMap<string, Reading>(4096);
const readingListCache = new BoundedMap<string, readonly Reading[]>(4096);
const readingKeys = new WeakMap<Reading, string>();

function sharedReadings(list: readonly Reading[]): Reading[] {
  const key = list.map((r) => readingKeys.get(r)).join("\u0001");
  let known = readingListCache.get(key);
  if (!known) {
    known = Object.freeze([...list]);
    readingListCache.set(key, known);
  }
  return known as Reading[];
}

/** Numbers for the shared criteria lists, so a reading's key names its list without spelling it out. */
const criteriaIds = new WeakMap<readonly Criterion[], number>();
let nextCriteriaId = 0;

/**
 * The criteria of a reading, made only when these inputs were not met before: what the criteria
 * read of the subject (consequence, hotspots, frequency, ClinVar) and of the matched rules.
 */
function criteriaFor(reading: string, subject: Subject, matched: readonly MatchedRule[], make: () => Criterion[]): Criterion[] {
  const af = subject.populationAf;
  const clinvar = subject.clinvar;
  let key = `${reading}\u0000${subject.consequence?.source ?? ""}\u0000${subject.consequence?.terms.join("&") ?? ""}\u0000${subject.hotspots.join(",")}`;
  key += `\u0000${af ? `${af.value}/${af.source}` : ""}\u0000${clinvar ? `${clinvar.significance}/${clinvar.reviewStatus ?? ""}` : ""}`;
  for (const m of matched) key += `\u0000${m.rule.id}${m.curated ? "+" : ""}${m.tier}`;
  let known = criteriaCache.get(key);
  if (!known) {
    known = Object.freeze(make().map((c) => Object.freeze(c)));
    criteriaIds.set(known, nextCriteriaId++);
    criteriaCache.set(key, known);
  }
  return known as Criterion[];
}

function readingOf({ reading, classified, criteria }: Judged, subject: Subject): Reading {
  const codes: ImplicationCode[] = [];
  for (const i of classified.implications) if (!codes.includes(i.code)) codes.push(i.code);
  const term = termOf(reading, classified.classification, subject.gene.category, codes);
  const key = `${reading}\u0000${classified.classification}\u0000${term}\u0000${codes.join(",")}\u0000${classified.ruleIds.join(",")}\u0000${criteriaIds.get(criteria)}`;
  let known = readingCache.get(key);
  if (!known) {
    known = Object.freeze({
      origin: reading,
      standard: reading === "germline" ? GERMLINE_STANDARD : SOMATIC_STANDARD,
      classification: classified.classification,
      term,
      criteria,
      codes: Object.freeze(codes) as ImplicationCode[],
      ruleIds: classified.ruleIds,
    });
    readingCache.set(key, known);
    readingKeys.set(known, key);
  }
  return known;
}

/** Does any reading's rule hold for the allele, ignoring `hits` (the two-hit count's question)? */
export function qualifies(panel: Panel, subject: Subject): boolean {
  for (const reading of readingsOf(subject.origin)) {
    if (matchingRules(panel, { ...subject, reading }, undefined).length > 0) return true;
  }
  return false;
}
