/**
 * Rule evaluation over a `Subject`: the facts about one allele in one sample that rules can test.
 * A Subject is built from a Hit (first pass) or rebuilt from a Finding (second pass), so the
 * two-hit logic can re-run the same rules once every allele of a gene is known.
 */
import type { Assembly, ClinVar, Consequence, PopulationAf, SampleCall, VariantKind, Zygosity } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import type { Panel, PanelGene, PanelRule, RuleConditions, RuleMatch } from "../panel/schema.js";
import type { Finding } from "../report/schema.js";
import { inBand, resolveBound } from "./bounds.js";
import { significanceMatches } from "./clinvar.js";
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
  /** Undefined when rebuilt from a Finding: coordinate rules then accept either assembly. */
  readonly assembly?: Assembly;
  readonly call: SampleCall | Finding["call"];
  /** Zygosity as rules read it: hom-alt on chrX in a male counts as hemizygous. */
  readonly zygosity?: Zygosity;
  readonly origin: OriginCall;
  readonly populationAf?: PopulationAf | Finding["populationAf"];
  readonly clinvar?: ClinVar | Finding["clinvar"];
}

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

function assemblyOk(subject: Subject, assembly: Assembly): boolean {
  return subject.assembly === undefined || subject.assembly === assembly;
}

function singleMatches(match: SingleMatch, subject: Subject, panel: Panel): boolean {
  switch (match.kind) {
    case "consequence": {
      const terms = subject.consequence?.terms;
      if (!terms || terms.length === 0) return false;
      for (const name of match.classes) {
        const set = termsOfClass(panel, name);
        if (!set) continue;
        for (const term of terms) if (set.has(term)) return true;
      }
      return false;
    }
    case "hotspot":
      return match.labels.some((label) => subject.hotspots.includes(label));
    case "allele": {
      const byAllele = match.alleles?.some(
        (a) =>
          assemblyOk(subject, a.assembly) &&
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
        (r) => assemblyOk(subject, r.assembly) && sameChrom(r.chrom, subject.chrom) && r.start <= subject.end && subject.pos <= r.end,
      );
    case "sv-overlap":
      if (subject.kind !== "sv") return false;
      return !match.svTypes || (subject.svType !== undefined && (match.svTypes as readonly string[]).includes(subject.svType));
    case "clinvar":
      return subject.clinvar !== undefined && significanceMatches(subject.clinvar.significance, match.significance);
  }
}

/** The tier at which a rule's match holds for the subject (best alternative of an any-of), or undefined. */
export function matchTier(match: RuleMatch, subject: Subject, panel: Panel): Tier | undefined {
  if (match.kind !== "any-of") return singleMatches(match, subject, panel) ? tierOf(match) : undefined;
  let best: Tier | undefined;
  for (const alternative of match.matches) {
    if (!singleMatches(alternative, subject, panel)) continue;
    const tier = tierOf(alternative);
    if (best === undefined || TIER_RANK[tier] > TIER_RANK[best]) best = tier;
  }
  return best;
}

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
  if (conditions.origin && !conditions.origin.includes(subject.origin)) return false;
  if (conditions.zygosity && (subject.zygosity === undefined || !(conditions.zygosity as readonly string[]).includes(subject.zygosity))) {
    return false;
  }
  if (conditions.variantKinds && (subject.kind === undefined || !conditions.variantKinds.includes(subject.kind))) return false;
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

export interface MatchedRule {
  readonly rule: PanelRule;
  readonly tier: Tier;
}

/**
 * Rules of the subject's gene whose match and conditions hold, with `hits` judged on `copies`
 * (undefined: ignore `hits` and keep only rules that have it — the two-hit pass's question
 * "does this allele qualify?"). Rules named in a matching rule's `supersedes` are dropped.
 */
export function matchingRules(panel: Panel, subject: Subject, copies: number | undefined): MatchedRule[] {
  const matched: MatchedRule[] = [];
  for (const rule of rulesOf(panel, subject.gene.symbol)) {
    if (copies === undefined ? rule.conditions?.hits === undefined : !hitsHold(rule.conditions?.hits, copies)) continue;
    if (!conditionsHold(rule.conditions, subject, panel)) continue;
    const tier = matchTier(rule.match, subject, panel);
    if (tier !== undefined) matched.push({ rule, tier });
  }
  let superseded: Set<string> | undefined;
  for (const m of matched) {
    if (!m.rule.supersedes) continue;
    superseded ??= new Set();
    for (const id of m.rule.supersedes) superseded.add(id);
  }
  return superseded ? matched.filter((m) => !superseded.has(m.rule.id)) : matched;
}

/**
 * A panel's rules by gene, in panel order, built once per panel: every hit used to walk all
 * of the panel's rules for the few of its gene (134 rules, ~2 per gene in panel 0.3.0).
 */
const rulesByGene = new WeakMap<Panel, ReadonlyMap<string, readonly PanelRule[]>>();

function rulesOf(panel: Panel, symbol: string): readonly PanelRule[] {
  let byGene = rulesByGene.get(panel);
  if (!byGene) {
    const map = new Map<string, PanelRule[]>();
    for (const rule of panel.rules) {
      const list = map.get(rule.gene);
      if (list) list.push(rule);
      else map.set(rule.gene, [rule]);
    }
    rulesByGene.set(panel, map);
    byGene = map;
  }
  return byGene.get(symbol) ?? [];
}

/** `<DEL>`, `<DEL:ME:ALU>` → `DEL`; otherwise the INFO/SVTYPE value when there is one. */
export function svTypeOf(alt: string, infoSvType: unknown): string | undefined {
  const symbolic = /^<([A-Z]+)/.exec(alt);
  if (symbolic?.[1]) return symbolic[1] === "CN0" ? "DEL" : symbolic[1];
  return typeof infoSvType === "string" ? infoSvType.toUpperCase() : undefined;
}
