/**
 * Rule evaluation over a `Subject`: the facts about one allele in one sample that rules can test.
 * A Subject is built from a Hit (first pass) and rebuilt from its Finding and `SubjectFacts`
 * (second pass), so the two-hit logic can re-run the same rules once every allele of a gene is
 * known.
 */
import type { PatientContext } from "../context.js";
import { hotspotKind } from "../genes/index.js";
import type { Assembly, ClinVar, Consequence, PopulationAf, SampleCall, VariantKind, Zygosity } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import { proteinEffectUnknown } from "../normalize/so-terms.js";
import type { ContextCondition, Panel, PanelGene, PanelRule, RuleConditions, RuleMatch } from "../panel/schema.js";
import type { Finding } from "../report/schema.js";
import { inBand, resolveBound } from "./bounds.js";
import { clinvarClassification, normalizeTerm, reviewStars } from "./clinvar.js";
import type { OriginCall } from "./origin.js";

export interface Subject {
  readonly gene: PanelGene;
  readonly chrom: string;
  readonly pos: number;
  readonly end: number;
  readonly ref: string;
  readonly alt: string;
  readonly kind?: VariantKind;
  readonly svType?: string;
  readonly ids: readonly string[];
  readonly consequence?: Consequence | Finding["consequence"];
  readonly hotspots: readonly string[];
  readonly assembly: Assembly;
  readonly call: SampleCall | Finding["call"];
  /** Zygosity as rules read it: hom-alt on chrX in a male counts as hemizygous. */
  readonly zygosity?: Zygosity;
  /** The origin call (evidence, never a gate: see `reading`). */
  readonly origin: OriginCall;
  /**
   * The origin reading rules are judged under: the call itself when it is germline or somatic;
   * each of the two in turn when it is unknown. Undefined: judge by the call alone.
   */
  readonly reading?: "germline" | "somatic";
  readonly populationAf?: PopulationAf | Finding["populationAf"];
  readonly clinvar?: ClinVar | Finding["clinvar"];
  /** The patient context given with the run, for rules with `context` conditions. */
  readonly context?: PatientContext;
}

/**
 * What the second pass needs of a Subject that its Finding does not say: the panel gene (the
 * object), the extent and SV type (an SV's END and SVTYPE), hotspot labels, the assembly, the
 * zygosity rules read (hemizygous on chrX in a male) and the VAF unrounded (a Finding's is
 * rounded to 4 places; VAF bands test this one).
 */
export interface SubjectFacts {
  readonly gene: PanelGene;
  readonly end: number;
  readonly kind: Subject["kind"];
  readonly svType: string | undefined;
  readonly hotspots: readonly string[];
  readonly assembly: Assembly;
  readonly zygosity: Subject["zygosity"];
  readonly vaf: number | undefined;
}

/**
 * A first-pass Finding with the facts of its Subject, for the second pass (two-hit logic). An
 * arm-event finding has no facts: the two-hit logic never reads it.
 */
export interface FirstPassFinding {
  readonly finding: Finding;
  readonly facts?: SubjectFacts;
}

/** The facts of a Subject that its Finding does not say. */
export function factsOf(subject: Subject): SubjectFacts {
  const { gene, end, kind, svType, hotspots, assembly, zygosity } = subject;
  return { gene, end, kind, svType, hotspots, assembly, zygosity, vaf: subject.call.vaf };
}

/** The Subject again, from its Finding and facts. */
export function subjectFrom(finding: Finding, facts: SubjectFacts, context: PatientContext | undefined): Subject {
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
    ids: variant.id ?? [],
    consequence: finding.consequence,
    hotspots: facts.hotspots,
    assembly: facts.assembly,
    call: call.vaf === facts.vaf ? call : { ...call, vaf: facts.vaf },
    zygosity: facts.zygosity,
    origin: finding.origin.call,
    populationAf: finding.populationAf,
    clinvar: finding.clinvar,
    context,
  };
}

/** The readings an origin call is judged under: both when it is unknown. */
export function readingsOf(origin: OriginCall): readonly ("germline" | "somatic")[] {
  return origin === "unknown" ? BOTH_READINGS : origin === "germline" ? GERMLINE_READING : SOMATIC_READING;
}
const BOTH_READINGS = Object.freeze(["germline", "somatic"] as const);
const GERMLINE_READING = Object.freeze(["germline"] as const);
const SOMATIC_READING = Object.freeze(["somatic"] as const);

/**
 * Panel consequence class a hotspot match needs when the consequence is known (the engine reads
 * it by name, like the origin thresholds): a synonymous or intronic change at a hotspot codon is
 * not a hotspot mutation.
 */
export const HOTSPOT_CONSEQUENCE_CLASS = "protein-altering";

/** How many copies of the allele a call carries, as the two-hit logic counts them. */
export function alleleCopies(subject: Subject): 1 | 2 {
  return subject.zygosity === "hom-alt" || subject.zygosity === "hemi" ? 2 : 1;
}

/** Match tiers, most specific first (DESIGN §3: allele > consequence > region). */
export type Tier = "allele" | "consequence" | "region";
const TIER_RANK: Readonly<Record<Tier, number>> = { allele: 3, consequence: 2, region: 1 };

/**
 * A hotspot is a named allele set and a ClinVar assertion is about this exact allele; an SV
 * overlap states the variant's effect on the gene, as a consequence does.
 */
export function tierOf(match: Exclude<RuleMatch, { kind: "any-of" }>): Tier {
  switch (match.kind) {
    case "allele":
    case "hotspot":
    case "clinvar":
      return "allele";
    case "consequence":
    case "sv-overlap":
      return "consequence";
    case "region":
      return "region";
  }
}

export function tierRank(tier: Tier): number {
  return TIER_RANK[tier];
}

const AMINO_ACIDS: Readonly<Record<string, string>> = {
  Ala: "A",
  Arg: "R",
  Asn: "N",
  Asp: "D",
  Cys: "C",
  Gln: "Q",
  Glu: "E",
  Gly: "G",
  His: "H",
  Ile: "I",
  Leu: "L",
  Lys: "K",
  Met: "M",
  Phe: "F",
  Pro: "P",
  Ser: "S",
  Thr: "T",
  Trp: "W",
  Tyr: "Y",
  Val: "V",
  Sec: "U",
  Pyl: "O",
  Ter: "*",
  Xaa: "X",
};

/** `ENSP…:p.(Ala1062Thr)` and `p.A1062T` both become `p.A1062T`; `%3D` is VEP's escaped `=`. */
export function normalizeHgvsp(hgvsp: string): string {
  const at = hgvsp.indexOf("p.");
  const body = (at >= 0 ? hgvsp.slice(at + 2) : hgvsp).replace(/%3D/gi, "=").replace(/[()]/g, "");
  return `p.${body.replace(/[A-Z][a-z]{2}/g, (three) => AMINO_ACIDS[three] ?? three)}`;
}

function sameChrom(a: string, b: string): boolean {
  return canonicalChrom(a) === canonicalChrom(b);
}

/** `ENST…:c.3184G>A` → `c.3184G>A`. */
function hgvsBody(hgvs: string): string {
  const colon = hgvs.lastIndexOf(":");
  return colon >= 0 ? hgvs.slice(colon + 1) : hgvs;
}

type SingleMatch = Exclude<RuleMatch, { kind: "any-of" }>;

/**
 * A panel's consequence classes as term sets, built once per panel: a consequence match asked
 * every class's term list about every term of every hit (~2% of a panel-dense run).
 */
const classTerms = new WeakMap<Panel, ReadonlyMap<string, ReadonlySet<string>>>();

function termsOfClass(panel: Panel, name: string): ReadonlySet<string> | undefined {
  let byName = classTerms.get(panel);
  if (!byName) {
    const map = new Map<string, ReadonlySet<string>>();
    for (const [className, cls] of Object.entries(panel.consequenceClasses)) map.set(className, new Set(cls.terms));
    classTerms.set(panel, map);
    byName = map;
  }
  return byName.get(name);
}

/** Whether the subject's consequence is in one of the panel's named classes (unknown: no). */
function inClasses(classes: readonly string[], subject: Subject, panel: Panel): boolean {
  const terms = subject.consequence?.terms;
  if (!terms || terms.length === 0) return false;
  for (const name of classes) {
    const set = termsOfClass(panel, name);
    if (!set) continue;
    for (const term of terms) if (set.has(term)) return true;
  }
  return false;
}

function singleMatches(match: SingleMatch, subject: Subject, panel: Panel): boolean {
  switch (match.kind) {
    case "consequence":
      return inClasses(match.classes, subject, panel);
    case "hotspot":
      return match.labels.some((label) => subject.hotspots.includes(label) && hotspotChangeHolds(label, subject, panel));
    case "allele": {
      const byAllele = match.alleles?.some(
        (a) =>
          subject.assembly === a.assembly &&
          sameChrom(a.chrom, subject.chrom) &&
          a.pos === subject.pos &&
          a.ref === subject.ref &&
          a.alt === subject.alt,
      );
      const hgvsp = subject.consequence?.hgvsp;
      const byHgvsp = hgvsp !== undefined && match.hgvsp?.some((p) => normalizeHgvsp(p) === normalizeHgvsp(hgvsp));
      const hgvsc = subject.consequence?.hgvsc;
      const byHgvsc = hgvsc !== undefined && match.hgvsc?.some((c) => hgvsBody(c) === hgvsBody(hgvsc));
      const byRsid = match.rsids?.some((rs) => subject.ids.includes(rs));
      return Boolean(byAllele || byHgvsp || byHgvsc || byRsid);
    }
    case "region":
      if (!match.regions) return true;
      return match.regions.some(
        (r) => subject.assembly === r.assembly && sameChrom(r.chrom, subject.chrom) && r.start <= subject.end && subject.pos <= r.end,
      );
    case "sv-overlap":
      if (subject.kind !== "sv") return false;
      return !match.svTypes || (subject.svType !== undefined && (match.svTypes as readonly string[]).includes(subject.svType));
    case "clinvar":
      return clinvarHolds(subject, match.significance);
  }
}

/**
 * A rule's ClinVar match reads the aggregate classification, never single tokens: conflicting or
 * mixed benign + pathogenic assertions match nothing, and an assertion without a review status
 * (VEP's CLIN_SIG) or with no star is supporting evidence only (listed, never a match).
 */
export function clinvarHolds(subject: Pick<Subject, "clinvar">, significance: readonly string[]): boolean {
  const clinvar = subject.clinvar;
  if (!clinvar || (reviewStars(clinvar.reviewStatus) ?? 0) < 1) return false;
  const aggregate = clinvarClassification(clinvar.significance);
  if (aggregate === undefined) return false;
  const term = normalizeTerm(aggregate);
  return significance.some((s) => normalizeTerm(s) === term);
}

/**
 * A hotspot (codon or protein interval) needs a protein-altering consequence when the consequence
 * is known, or the listed residue in its HGVSp; promoter positions (TERT C228T) are themselves the
 * change. With no annotation the match stands on coordinates, and the finding says so.
 */
function hotspotChangeHolds(label: string, subject: Subject, panel: Panel): boolean {
  // A deletion of megabases overlaps every codon in it; that is a copy-number change, not a hotspot.
  if (subject.kind === "sv" || subject.kind === "breakend") return false;
  if (hotspotKind(label) === "position") return true;
  const terms = subject.consequence?.terms;
  if (!terms || terms.length === 0) return true;
  // Coding, but with no word on the protein: as unknown as no consequence at all.
  if (proteinEffectUnknown(terms)) return true;
  const hgvsp = subject.consequence?.hgvsp;
  if (hgvsp !== undefined) {
    const body = normalizeHgvsp(hgvsp);
    // p.R882H names the residue; p.R882= (synonymous) does not change it.
    if (body.startsWith(`p.${label}`) && !body.endsWith("=")) return true;
  }
  const altering = termsOfClass(panel, HOTSPOT_CONSEQUENCE_CLASS);
  if (!altering) return true;
  for (const term of terms) if (altering.has(term)) return true;
  return false;
}

/** The tier at which a rule's match holds for the subject (best alternative of an any-of), or undefined. */
export function matchTier(match: RuleMatch, subject: Subject, panel: Panel): Tier | undefined {
  return matchHow(match, subject, panel)?.tier;
}

/** How a rule's match held: its tier, and whether a curated alternative held. */
export interface MatchHow {
  readonly tier: Tier;
  /** Matched by the panel's own curated allele or hotspot (not by ClinVar alone). */
  readonly curated: boolean;
}

function matchHow(match: RuleMatch, subject: Subject, panel: Panel): MatchHow | undefined {
  // No list made for a single match: this runs for every rule of the gene of every hit.
  if (match.kind !== "any-of") return singleMatches(match, subject, panel) ? HOW[tierOf(match)][curatedKind(match) ? 1 : 0] : undefined;
  let best: Tier | undefined;
  let curated = false;
  for (const alternative of match.matches) {
    if (!singleMatches(alternative, subject, panel)) continue;
    const tier = tierOf(alternative);
    if (best === undefined || TIER_RANK[tier] > TIER_RANK[best]) best = tier;
    if (curatedKind(alternative)) curated = true;
  }
  return best === undefined ? undefined : HOW[best][curated ? 1 : 0];
}

function curatedKind(match: SingleMatch): boolean {
  return match.kind === "allele" || match.kind === "hotspot";
}

/** The six possible answers, shared. */
const HOW: Readonly<Record<Tier, readonly [MatchHow, MatchHow]>> = {
  allele: [Object.freeze({ tier: "allele", curated: false }), Object.freeze({ tier: "allele", curated: true })],
  consequence: [Object.freeze({ tier: "consequence", curated: false }), Object.freeze({ tier: "consequence", curated: true })],
  region: [Object.freeze({ tier: "region", curated: false }), Object.freeze({ tier: "region", curated: true })],
};

/** Outcome of the `hits` condition: decided by the number of qualifying allele copies in the gene. */
function hitsHold(hits: RuleConditions["hits"], copies: number): boolean {
  if (hits === "two") return copies >= 2;
  if (hits === "one") return copies === 1;
  return true;
}

/**
 * Every condition except `hits`. A missing VAF fails a VAF bound (nothing to check); a missing
 * population AF passes an upper bound (annotators leave AF empty for alleles absent from the
 * population database) and fails a lower one.
 */
function conditionsHold(conditions: RuleConditions | undefined, subject: Subject, panel: Panel): boolean {
  if (!conditions) return true;
  if (conditions.origin && !originHolds(conditions.origin, subject)) return false;
  if (conditions.originCall && !conditions.originCall.includes(subject.origin)) return false;
  if (conditions.context && !contextHolds(conditions.context, subject.context, panel)) return false;
  if (conditions.zygosity && (subject.zygosity === undefined || !(conditions.zygosity as readonly string[]).includes(subject.zygosity))) {
    return false;
  }
  if (conditions.variantKinds && (subject.kind === undefined || !conditions.variantKinds.includes(subject.kind))) return false;
  if (conditions.consequences && !inClasses(conditions.consequences, subject, panel)) return false;
  if (conditions.vaf) {
    const band = resolveBound(panel, conditions.vaf);
    if (!band || subject.call.vaf === undefined || !inBand(subject.call.vaf, band)) return false;
  }
  if (conditions.populationAf) {
    const band = resolveBound(panel, conditions.populationAf);
    if (!band) return false;
    const af = subject.populationAf?.value;
    if (af === undefined ? band.min !== undefined && band.min > 0 : !inBand(af, band)) return false;
  }
  return true;
}

/**
 * A rule's origin list names the readings it belongs to. Judged under a reading, it holds when it
 * names that reading; a rule naming only `unknown` holds under either reading of an unknown call.
 */
function originHolds(allowed: readonly OriginCall[], subject: Subject): boolean {
  const reading = subject.reading;
  if (reading === undefined) return allowed.includes(subject.origin);
  if (allowed.includes(reading)) return true;
  return subject.origin === "unknown" && allowed.includes("unknown") && !allowed.includes("germline") && !allowed.includes("somatic");
}

/** Every bound holds on a context value that was given; a value not given fails its bound. */
export function contextHolds(condition: ContextCondition, context: PatientContext | undefined, panel: Panel): boolean {
  for (const key of ["age", "telomereLengthPercentile"] as const) {
    const bound = condition[key];
    if (!bound) continue;
    const value = context?.[key];
    const band = resolveBound(panel, bound);
    if (value === undefined || !band || !inBand(value, band)) return false;
  }
  return true;
}

export interface MatchedRule {
  readonly rule: PanelRule;
  readonly tier: Tier;
  /** Matched by the panel's curated allele or hotspot, not by ClinVar alone. */
  readonly curated?: boolean;
}

/**
 * Rules of the subject's gene whose match and conditions hold, with `hits` judged on `copies`
 * (undefined: ignore `hits` and keep only rules that have it — the two-hit pass's question
 * "does this allele qualify?"). Rules named in a matching rule's `supersedes` are dropped.
 */
export function matchingRules(panel: Panel, subject: Subject, copies: number | undefined): MatchedRule[] {
  const matched: MatchedRule[] = [];
  let superseded: Set<string> | undefined;
  for (const rule of rulesUnder(panel, subject.gene.symbol, subject.reading)) {
    const counted = copies === undefined ? rule.conditions?.hits !== undefined : hitsHold(rule.conditions?.hits, copies);
    // Asked whether an allele qualifies, a rule without `hits` still speaks through what it
    // supersedes: a benign allele rule (BRCA2 K3326*) must stop the allele counting as a hit.
    if (!counted && !(copies === undefined && rule.supersedes)) continue;
    if (!conditionsHold(rule.conditions, subject, panel)) continue;
    const how = matchHow(rule.match, subject, panel);
    if (how === undefined) continue;
    if (counted) matched.push({ rule, tier: how.tier, curated: how.curated });
    if (rule.supersedes) {
      superseded ??= new Set();
      for (const id of rule.supersedes) superseded.add(id);
    }
  }
  return superseded ? matched.filter((m) => !superseded.has(m.rule.id)) : matched;
}

/** A gene's rules in panel order: all of them, and those that can hold under each reading. */
interface GeneRules {
  readonly all: readonly PanelRule[];
  readonly germline: readonly PanelRule[];
  readonly somatic: readonly PanelRule[];
}

const NO_RULES: GeneRules = Object.freeze({ all: [], germline: [], somatic: [] });

/**
 * A panel's rules by gene, in panel order, built once per panel: every hit used to walk all
 * of the panel's rules for the few of its gene (134 rules, ~2 per gene in panel 0.3.0).
 */
const rulesByGene = new WeakMap<Panel, ReadonlyMap<string, GeneRules>>();

/** Can a rule's origin condition hold under this reading, for some call (see originHolds)? */
function underReading(rule: PanelRule, reading: "germline" | "somatic"): boolean {
  const allowed = rule.conditions?.origin;
  if (!allowed || allowed.includes(reading)) return true;
  return allowed.includes("unknown") && !allowed.includes("germline") && !allowed.includes("somatic");
}

/**
 * The rules of a gene that can hold under a reading (all of them when there is none): the
 * others' origin conditions fail (originHolds still decides for the call). Most genes' rules
 * name one reading, so an unknown-origin allele of such a gene is judged once, not twice.
 * With the two-hit count's `countsHits` check (summary.ts): 8.28 → 8.11 G instructions on the
 * 20,000-record panel-dense file (bench/instructions.mjs).
 */
export function rulesUnder(panel: Panel, symbol: string, reading: "germline" | "somatic" | undefined): readonly PanelRule[] {
  let byGene = rulesByGene.get(panel);
  if (!byGene) {
    const lists = new Map<string, PanelRule[]>();
    for (const rule of panel.rules) {
      const list = lists.get(rule.gene);
      if (list) list.push(rule);
      else lists.set(rule.gene, [rule]);
    }
    const map = new Map<string, GeneRules>();
    for (const [gene, all] of lists) {
      map.set(gene, {
        all,
        germline: all.filter((rule) => underReading(rule, "germline")),
        somatic: all.filter((rule) => underReading(rule, "somatic")),
      });
    }
    rulesByGene.set(panel, map);
    byGene = map;
  }
  const rules = byGene.get(symbol) ?? NO_RULES;
  return reading === undefined ? rules.all : rules[reading];
}

/** `<DEL>`, `<DEL:ME:ALU>` → `DEL`; otherwise the INFO/SVTYPE value when there is one. */
export function svTypeOf(alt: string, infoSvType: unknown): string | undefined {
  const symbolic = /^<([A-Z]+)/.exec(alt);
  if (symbolic?.[1]) return symbolic[1] === "CN0" ? "DEL" : symbolic[1];
  return typeof infoSvType === "string" ? infoSvType.toUpperCase() : undefined;
}
