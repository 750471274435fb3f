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
import { type MatchedRule, matchingRules, readingsOf, rulesUnder, type Subject, type Tier, tierRank } from "./evaluate.js";
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
    if (rulesUnder(panel, subject.gene.symbol, reading).length === 0) continue;
    // The subject as given when it already names this reading (applyRules makes it so for the
    // first); a copy otherwise. A copy for every hit was a third of this step's allocation.
    const under: Subject = subject.reading === reading ? subject : { ...subject, reading };
    const matched = matchingRules(panel, under, copies);
    if (matched.length === 0) continue;
    const frequency: Frequency | undefined =
      reading === "germline" ? germlineFrequency(panel, subject.gene, subject.populationAf) : undefined;
    const classified = classify(panel, under, matched, reading, frequency);
    const criteria = criteriaFor(panel, reading, under, matched, () =>
      reading === "germline" ? germlineCriteria(panel, under, matched, frequency as Frequency) : somaticCriteria(panel, under, matched),
    );
    judged.push({ reading, matched, classified, criteria });
  }
  if (judged.length === 0) return undefined;
  const made = judged.map((j) => readingOf(j, subject));
  // An unknown origin says what each reading would mean, also when one of them means nothing the
  // panel can say (DNMT3A has no germline rule; a TERT frameshift matches no somatic rule).
  if (subject.origin === "unknown" && judged.length === 1)
    made.push(unassessed(panel, subject, judged[0]?.reading === "germline" ? "somatic" : "germline"));
  const readings = sharedReadings(made);
  // An unknown origin asks for germline tissue (panel data) unless every reading is benign.
  const confirm =
    subject.origin === "unknown" && judged.some((j) => !BENIGN.has(j.classified.classification)) ? panel.unknownOrigin : undefined;
  if (judged.length === 1 && !confirm) {
    // Written out, not spread: the spread was the costliest line of judge (93 of its ~3,400
    // samples at 200 µs in a CPU profile of the 200k panel-dense file).
    const { matchBasis, classification, implications, ruleIds } = (judged[0] as Judged).classified;
    return { matchBasis, classification, implications, ruleIds, readings };
  }

  // The headline is the more severe reading, with what every reading would mean.
  const headline = judged.reduce((a, b) =>
    SEVERITY.indexOf(b.classified.classification) < SEVERITY.indexOf(a.classified.classification) ? b : a,
  ).classified;
  // What each reading would mean, from the readings that are not themselves benign: a germline
  // reading judged benign by frequency must not carry its syndrome's implications into the finding.
  const all = new Map<string, MatchedRule>();
  for (const j of judged) {
    if (BENIGN.has(j.classified.classification) && !BENIGN.has(headline.classification)) continue;
    for (const m of j.matched) if (!all.has(m.rule.id)) all.set(m.rule.id, m);
  }
  // The panel's unknown-origin implications, unless a matched rule already says the same code.
  const extra = confirm?.implications.filter((i) => !judged.some((j) => j.classified.implications.some((x) => x.code === i.code)));
  const { ruleIds, implications } = verdictParts(
    panel,
    [...all.values()],
    headline.classification,
    extra && extra.length > 0 ? { key: `unknown-origin:${extra.map((i) => i.code).join(",")}`, implications: extra } : undefined,
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
const criteriaCaches = new WeakMap<Panel, BoundedMap<string, readonly Criterion[]>>();
/** Readings by the (shared) rule-id list they carry; a file can vary the rest, so each is bounded. */
const readingsByRules = new WeakMap<readonly string[], BoundedMap<string, Reading>>();
const READINGS_PER_RULE_SET = 1024;
const readingIds = new WeakMap<Reading, number>();
let nextReadingId = 0;
const readingListCache = new BoundedMap<string, readonly Reading[]>(4096);

function sharedReadings(list: readonly Reading[]): Reading[] {
  const key = list.length === 1 ? String(readingIds.get(list[0] as Reading)) : list.map((r) => readingIds.get(r)).join(",");
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
function criteriaFor(
  panel: Panel,
  reading: string,
  subject: Subject,
  matched: readonly MatchedRule[],
  make: () => Criterion[],
): Criterion[] {
  // What the criteria read, in as few characters as tell them apart: the matched rules, the
  // consequence (its terms only where a hotspot's basis names them), hotspots, frequency and
  // ClinVar. Made per finding, so kept short.
  const af = subject.populationAf;
  const clinvar = subject.clinvar;
  const consequence = subject.consequence;
  let key = reading;
  for (const m of matched) key += `\u0000${m.rule.id}${m.curated ? "+" : ""}${m.tier}`;
  key += `\u0001${consequence ? `${consequence.source}:${consequence.terms.join("&")}` : ""}`;
  if (subject.hotspots.length > 0) key += `\u0001${subject.hotspots.join(",")}`;
  if (af) key += `\u0001${af.value}/${af.source}`;
  if (clinvar) key += `\u0001${clinvar.significance}/${clinvar.reviewStatus ?? ""}`;
  // Per panel: the criteria read the panel's thresholds and rules, so two panels in one process
  // must not share them.
  let cache = criteriaCaches.get(panel);
  if (!cache) {
    cache = new BoundedMap(4096);
    criteriaCaches.set(panel, cache);
  }
  let known = cache.get(key);
  if (!known) {
    known = Object.freeze(make().map((c) => Object.freeze(c)));
    criteriaIds.set(known, nextCriteriaId++);
    cache.set(key, known);
  }
  return known as Criterion[];
}

function readingOf({ reading, classified, criteria }: Judged, subject: Subject): Reading {
  // Keyed by the shared rule-id list verdictParts made (one per rule set), then by the rest.
  let byRules = readingsByRules.get(classified.ruleIds);
  if (!byRules) {
    byRules = new BoundedMap(READINGS_PER_RULE_SET);
    readingsByRules.set(classified.ruleIds, byRules);
  }
  const key = `${reading}\u0000${classified.classification}\u0000${subject.gene.category}\u0000${criteriaIds.get(criteria)}`;
  let known = byRules.get(key);
  if (!known) {
    const codes: ImplicationCode[] = [];
    for (const i of classified.implications) if (!codes.includes(i.code)) codes.push(i.code);
    known = Object.freeze({
      origin: reading,
      standard: reading === "germline" ? GERMLINE_STANDARD : SOMATIC_STANDARD,
      classification: classified.classification,
      term: termOf(reading, classified.classification, subject.gene.category, codes),
      criteria,
      codes: Object.freeze(codes) as ImplicationCode[],
      ruleIds: classified.ruleIds,
    });
    byRules.set(key, known);
    readingIds.set(known, nextReadingId++);
  }
  return known;
}

/** Genes with a rule that counts hits, per panel: only their alleles can qualify. */
const countingGenes = new WeakMap<Panel, ReadonlySet<string>>();

/** Does a rule of this gene count hits? Only such a gene's alleles can qualify. */
export function countsHits(panel: Panel, symbol: string): boolean {
  let genes = countingGenes.get(panel);
  if (!genes) {
    genes = new Set(panel.rules.filter((r) => r.conditions?.hits !== undefined).map((r) => r.gene));
    countingGenes.set(panel, genes);
  }
  return genes.has(symbol);
}

/** Readings no rule of the panel spoke for, per panel, gene and origin (a handful). */
const unassessedReadings = new WeakMap<Panel, Map<string, Reading>>();

function unassessed(panel: Panel, subject: Subject, reading: "germline" | "somatic"): Reading {
  let byGene = unassessedReadings.get(panel);
  if (!byGene) {
    byGene = new Map();
    unassessedReadings.set(panel, byGene);
  }
  const gene = subject.gene.symbol;
  const key = `${reading}\u0000${gene}`;
  let known = byGene.get(key);
  if (!known) {
    const some = rulesUnder(panel, gene, reading).length > 0;
    known = Object.freeze({
      origin: reading,
      standard: reading === "germline" ? GERMLINE_STANDARD : SOMATIC_STANDARD,
      classification: "uncertain",
      term: some
        ? `Not assessed: no ${reading} rule of the panel for ${gene} matched this variant`
        : `Not assessed: the panel has no ${reading} rule for ${gene}`,
      criteria: Object.freeze([]) as unknown as Criterion[],
      codes: Object.freeze([]) as unknown as ImplicationCode[],
      ruleIds: Object.freeze([]) as unknown as string[],
    });
    readingIds.set(known, nextReadingId++);
    byGene.set(key, known);
  }
  return known;
}

/** Does any reading's rule hold for the allele, ignoring `hits` (the two-hit count's question)? */
export function qualifies(panel: Panel, subject: Subject): boolean {
  if (!countsHits(panel, subject.gene.symbol)) return false;
  for (const reading of readingsOf(subject.origin)) {
    if (rulesUnder(panel, subject.gene.symbol, reading).length === 0) continue;
    if (matchingRules(panel, { ...subject, reading }, undefined).length > 0) return true;
  }
  return false;
}
