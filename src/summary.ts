/**
 * The risk engine's second pass, per sample: recessive two-hit logic over every allele of a gene,
 * then the SampleSummary from the panel's `summaryRules`, each conclusion with the rule ids and
 * citations behind it. Pure and synchronous; findings come back sorted deterministically.
 */

import { alleleKind } from "./normalize/alleles.js";
import type { Panel, PanelRule, SummaryRule, SummaryWhen } from "./panel/schema.js";
import { type Coverage, type Finding, ImplicationCodeSchema, type SampleSummary } from "./report/schema.js";
import { panelGene, remember, subjectFrom, subjectOf } from "./rules/apply.js";
import { type Band, inBand, resolveBound } from "./rules/bounds.js";
import { classify, withVerdict } from "./rules/classify.js";
import { alleleCopies, type MatchedRule, matchingRules, type Subject, svTypeOf } from "./rules/evaluate.js";
import { sortFindings } from "./rules/order.js";

export interface SummarizeContext {
  readonly panel: Panel;
  /** Which panel genes the input could speak for; "no-evidence" is said only of assessed genes. */
  readonly coverage?: Coverage;
  /** Contig order of the input (header `##contig` order); unknown contigs sort after, naturally. */
  readonly contigOrder?: readonly string[];
}

type Reason = SampleSummary["reasons"][number];

/**
 * Two-hit logic, then the sample summary. Homozygous or hemizygous alleles, or two or more
 * different qualifying alleles of a gene (phase unknown ⇒ "possible compound heterozygote"), turn
 * `hits: "one"` rules into `hits: "two"` rules; the summary fields come from `summaryRules`.
 * Benign and likely-benign findings feed a summary rule only when it names their classification.
 */
export function summarizeSample(findings: readonly Finding[], context: SummarizeContext): { findings: Finding[]; summary: SampleSummary } {
  const { panel } = context;
  const genotypeReasons: Reason[] = [];
  const updated = twoHitPass(findings, panel, genotypeReasons);
  const sorted = sortFindings(updated, context.contigOrder ?? []);
  return { findings: sorted, summary: buildSummary(sorted, context, genotypeReasons) };
}

// ---- two hits -----------------------------------------------------------------------------------

/** A Finding's Subject: the one applyRules recorded, or rebuilt from the Finding's own fields. */
function subjectFor(finding: Finding, panel: Panel): Subject | undefined {
  const known = subjectOf(finding);
  if (known) return known;
  const gene = panelGene(panel, finding.gene.symbol);
  if (!gene) return undefined;
  const { pos, ref, alt } = finding.variant;
  const kind = alleleKind(ref, alt);
  // Hotspot labels are not in a Finding; the labels of hotspot rules it already matched stand in.
  const byId = rulesById(panel);
  const hotspots = finding.ruleIds.flatMap((id) => {
    const match = byId.get(id)?.match;
    if (!match) return [];
    const all = match.kind === "any-of" ? match.matches : [match];
    return all.flatMap((m) => (m.kind === "hotspot" ? m.labels : []));
  });
  return subjectFrom(finding, {
    gene,
    end: kind === "sv" ? pos : pos + ref.length - 1,
    kind,
    svType: kind === "sv" ? svTypeOf(alt, undefined) : undefined,
    hotspots,
    // Without remembered facts, coordinate rules accept either assembly.
    assembly: undefined,
    zygosity: finding.call.zygosity,
    vaf: finding.call.vaf,
    origin: finding.origin.call,
  });
}

/**
 * A panel's rules by id, built once per panel: subjectFor rebuilds the Subject of every finding
 * that carries no remembered facts (a clone, or a finding from elsewhere), and building this map
 * each time was most of the second pass on a dense file (22,000 findings: 0.6 s → 0.1 s).
 */
const rulesByIdCache = new WeakMap<Panel, ReadonlyMap<string, PanelRule>>();

function rulesById(panel: Panel): ReadonlyMap<string, PanelRule> {
  let byId = rulesByIdCache.get(panel);
  if (!byId) {
    byId = new Map(panel.rules.map((rule) => [rule.id, rule]));
    rulesByIdCache.set(panel, byId);
  }
  return byId;
}

/** Which haplotype of a phased GT (`0|1`) carries the allele, if exactly one does. */
function haplotype(genotype: string | undefined): number | undefined {
  if (!genotype?.includes("|")) return undefined;
  const carriers = genotype
    .split("|")
    .map((allele, i) => (allele !== "0" && allele !== "." ? i : -1))
    .filter((i) => i >= 0);
  return carriers.length === 1 ? carriers[0] : undefined;
}

function twoHitPass(findings: readonly Finding[], panel: Panel, reasons: Reason[]): Finding[] {
  const out = [...findings];
  const groups = new Map<string, number[]>();
  findings.forEach((finding, i) => {
    const key = `${finding.sample}\u0000${finding.gene.symbol}`;
    // push, not spread: a gene with many findings (RUNX1 in a dense file) made this quadratic.
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  for (const indexes of groups.values()) {
    const qualifying: { index: number; subject: Subject }[] = [];
    const keys = new Set<string>();
    for (const index of indexes) {
      const finding = findings[index] as Finding;
      const subject = subjectFor(finding, panel);
      if (!subject || matchingRules(panel, subject, undefined).length === 0) continue;
      if (keys.has(finding.variant.key)) continue;
      keys.add(finding.variant.key);
      qualifying.push({ index, subject });
    }
    if (qualifying.length === 0) continue;
    const copies = qualifying.reduce((sum, q) => sum + alleleCopies(q.subject), 0);
    const twoRules = new Map<string, MatchedRule>();
    for (const { index, subject } of qualifying) {
      const matched = matchingRules(panel, subject, copies);
      // A gene whose panel entry has no rule for this count keeps the first-pass finding visible.
      if (matched.length === 0) continue;
      for (const m of matched) if (m.rule.conditions?.hits === "two") twoRules.set(m.rule.id, m);
      out[index] = remember(withVerdict(findings[index] as Finding, classify(panel, subject, matched)), subject);
    }
    if (copies >= 2 && twoRules.size > 0) reasons.push(genotypeReason(qualifying, findings, [...twoRules.values()]));
  }
  return out;
}

function genotypeReason(
  qualifying: readonly { index: number; subject: Subject }[],
  findings: readonly Finding[],
  rules: readonly MatchedRule[],
): Reason {
  const first = qualifying[0] as { index: number; subject: Subject };
  const gene = first.subject.gene.symbol;
  const list = qualifying.map((q) => (findings[q.index] as Finding).variant.key);
  let statement: string;
  if (qualifying.length === 1) {
    statement =
      first.subject.zygosity === "hemi"
        ? `${gene}: hemizygous ${list[0]} (chrX in a male) counts as two hits`
        : `${gene}: homozygous ${list[0]} counts as two hits`;
  } else {
    const sides = qualifying.map((q) => haplotype((findings[q.index] as Finding).call.genotype));
    const trans = sides.every((s) => s !== undefined) && new Set(sides).size > 1;
    statement = trans
      ? `${gene}: ${qualifying.length} different qualifying alleles (${list.join(", ")}) phased on different haplotypes: compound heterozygote`
      : `${gene}: ${qualifying.length} different qualifying alleles (${list.join(", ")}), phase unknown: possible compound heterozygote`;
  }
  const ids = rules.map((m) => m.rule.id).sort();
  const citations = [...new Set(rules.flatMap((m) => m.rule.evidence.map((e) => e.citation)))].sort();
  return { statement, ruleIds: ids, citations };
}

// ---- summary ------------------------------------------------------------------------------------

const BENIGN = new Set(["benign", "likely-benign"]);

/**
 * Does a finding trigger a summary rule? Plain loops and the rule's VAF band resolved once by
 * the caller: every summary rule is tested against every finding, which on a panel-dense file
 * (22,000 findings) was ~5% of the run with closures and a band lookup per finding.
 */
function findingMeets(finding: Finding, when: SummaryWhen, band: Band | undefined): boolean {
  const { classification } = finding;
  if (BENIGN.has(classification) && !when.classifications?.includes(classification)) return false;
  if (when.categories && !when.categories.includes(finding.category)) return false;
  if (when.classifications && !when.classifications.includes(classification)) return false;
  if (when.origins && !when.origins.includes(finding.origin.call)) return false;
  if (when.codes) {
    let coded = false;
    for (const implication of finding.implications) {
      if (when.codes.includes(implication.code)) {
        coded = true;
        break;
      }
    }
    if (!coded) return false;
  }
  if (when.vaf) {
    const vaf = finding.call.vaf;
    if (!band || vaf === undefined || !inBand(vaf, band)) return false;
  }
  return true;
}

interface Fired {
  readonly rule: SummaryRule;
  readonly triggers: readonly Finding[];
}

/** Indices of the findings carrying each implication code, in finding order. */
type CodeIndex = ReadonlyMap<string, readonly number[]>;

function indexByCode(findings: readonly Finding[]): CodeIndex {
  const byCode = new Map<string, number[]>();
  findings.forEach((finding, i) => {
    for (const { code } of finding.implications) {
      const list = byCode.get(code);
      if (!list) byCode.set(code, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return byCode;
}

/**
 * The findings that trigger a rule, in finding order. A rule naming codes is tested against the
 * findings carrying one of them only (every builtin summary rule names codes).
 */
function fire(rule: SummaryRule, findings: readonly Finding[], panel: Panel, byCode: CodeIndex): Fired | undefined {
  const { when } = rule;
  if (when.withCodes && !when.withCodes.every((code) => byCode.has(code))) return undefined;
  const band = when.vaf ? resolveBound(panel, when.vaf) : undefined;
  let candidates: readonly number[] | undefined;
  if (when.codes) {
    const lists = when.codes.flatMap((code) => byCode.get(code) ?? []);
    candidates = when.codes.length === 1 ? lists : [...new Set(lists)].sort((a, b) => a - b);
  }
  const triggers: Finding[] = [];
  if (candidates) {
    for (const i of candidates) if (findingMeets(findings[i]!, when, band)) triggers.push(findings[i]!);
  } else {
    for (const finding of findings) if (findingMeets(finding, when, band)) triggers.push(finding);
  }
  return triggers.length === 0 ? undefined : { rule, triggers };
}

function reasonOf({ rule, triggers }: Fired): Reason {
  // Sets filled in place: a summary rule can have thousands of triggers in a dense file.
  const findingRules = new Set<string>();
  const citations = new Set<string>(rule.evidence.map((e) => e.citation));
  const codes = rule.when.codes;
  for (const f of triggers) {
    for (const id of f.ruleIds) findingRules.add(id);
    for (const i of f.implications) {
      if (codes && !codes.includes(i.code)) continue;
      for (const e of i.evidence) citations.add(e.citation);
    }
  }
  return { statement: rule.statement, ruleIds: [rule.id, ...[...findingRules].sort()], citations: [...citations].sort() };
}

/** When rules of equal priority disagree, the more cautious value wins (or "mixed" for IST). */
const TIE_ORDER: Readonly<Record<string, readonly string[]>> = {
  istResponse: ["mixed", "unfavorable", "favorable"],
  clonalEvolutionRisk: ["high", "elevated"],
  inheritedDisorder: ["suspected", "carrier-only"],
};

function decide(
  field: "istResponse" | "clonalEvolutionRisk" | "inheritedDisorder",
  fired: readonly Fired[],
): { value?: string; winners: Fired[] } {
  const mine = fired.filter((f) => f.rule.field === field);
  if (mine.length === 0) return { winners: [] };
  const top = Math.max(...mine.map((f) => f.rule.priority));
  const atTop = mine.filter((f) => f.rule.priority === top);
  const values = new Set(atTop.map((f) => f.rule.value as string));
  let value: string;
  if (field === "istResponse" && values.has("favorable") && values.has("unfavorable")) value = "mixed";
  else value = (TIE_ORDER[field] ?? []).find((v) => values.has(v)) ?? (atTop[0] as Fired).rule.value;
  const winners = value === "mixed" && !values.has("mixed") ? atTop : atTop.filter((f) => f.rule.value === value);
  return { value, winners };
}

function buildSummary(findings: readonly Finding[], context: SummarizeContext, genotypeReasons: readonly Reason[]): SampleSummary {
  const { panel, coverage } = context;
  const byCode = indexByCode(findings);
  const fired = panel.summaryRules.map((rule) => fire(rule, findings, panel, byCode)).filter((f): f is Fired => f !== undefined);
  const ist = decide("istResponse", fired);
  const clonal = decide("clonalEvolutionRisk", fired);
  const inherited = decide("inheritedDisorder", fired);
  const codeOrder = ImplicationCodeSchema.options as readonly string[];
  const considerationRules = fired
    .filter((f) => f.rule.field === "considerations")
    .sort((a, b) => codeOrder.indexOf(a.rule.value) - codeOrder.indexOf(b.rule.value));
  const considerations = [...new Set(considerationRules.map((f) => f.rule.value as SampleSummary["considerations"][number]))];

  const reasons: Reason[] = [
    ...[...ist.winners, ...clonal.winners, ...inherited.winners, ...considerationRules].map(reasonOf),
    ...genotypeReasons,
  ];
  if (fired.length === 0) {
    const scope = coverage ? ` in the ${coverage.assessed.length} assessed panel genes` : "";
    reasons.push({ statement: `No finding met a summary rule${scope}.`, ruleIds: [], citations: [] });
  }
  if (coverage && coverage.notAssessed.length > 0) {
    const list = [...coverage.notAssessed]
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
      .map((g) => `${g.symbol} (${g.reason})`)
      .join("; ");
    reasons.push({ statement: `Not assessed, so "no-evidence" does not speak for: ${list}`, ruleIds: [], citations: [] });
  }
  return {
    istResponse: (ist.value ?? "no-evidence") as SampleSummary["istResponse"],
    clonalEvolutionRisk: (clonal.value ?? "no-evidence") as SampleSummary["clonalEvolutionRisk"],
    inheritedDisorder: (inherited.value ?? "no-evidence") as SampleSummary["inheritedDisorder"],
    considerations,
    reasons,
  };
}
