/**
 * The risk engine's second pass, per sample: recessive two-hit logic over every allele of a gene,
 * then the SampleSummary from the panel's `summaryRules`, each conclusion with the rule ids and
 * citations behind it. Pure and synchronous; findings come back sorted deterministically.
 */

import type { PatientContext } from "../context.js";
import type { Panel, PanelRule, SummaryPrecedence, SummaryRule, SummaryWhen } from "../panel/schema.js";
import { type Coverage, type Finding, ImplicationCodeSchema, type SampleSummary } from "../report/schema.js";
import { type Band, formatBand, inBand, resolveBound } from "./bounds.js";
import { withVerdict } from "./classify.js";
import {
  alleleCopies,
  contextHolds,
  type FirstPassFinding,
  type MatchedRule,
  type Subject,
  type SubjectFacts,
  subjectFrom,
} from "./evaluate.js";
import { findingOrder } from "./order.js";
import { countsHits, judge, qualifies } from "./readings.js";

export interface SummarizeContext {
  readonly panel: Panel;
  /** Which panel genes the input could speak for; "no-evidence" is said only of assessed genes. */
  readonly coverage?: Coverage;
  /** Contig order of the input (header `##contig` order); unknown contigs sort after, naturally. */
  readonly contigOrder?: readonly string[];
  /** Patient context given with the run (summary rules and rules with `context` conditions read it). */
  readonly patient?: PatientContext;
}

type Reason = SampleSummary["reasons"][number];

/**
 * Puts findings in report order. It reads `findings` to its end before it returns, and what it
 * returns may be read more than once (a store may sort on disk: src/spill.ts). `again` reads the
 * same findings afresh, in the same order (without the second pass's tally), so that a sorter
 * may read them twice instead of keeping them: a sorted VCF's findings come nearly in order.
 */
export type FindingSorter = (
  findings: Iterable<Finding>,
  compare: (a: Finding, b: Finding) => number,
  again?: () => Iterable<Finding>,
) => Iterable<Finding>;

/** In memory: a stable sort of the whole list. */
export const sortInMemory: FindingSorter = (findings, compare) => [...findings].sort(compare);

/**
 * Two-hit logic, then the sample summary. Homozygous or hemizygous alleles, or two or more
 * different qualifying alleles of a gene (phase unknown ⇒ "possible compound heterozygote"), turn
 * `hits: "one"` rules into `hits: "two"` rules; the summary fields come from `summaryRules`.
 * Benign and likely-benign findings feed a summary rule only when it names their classification.
 */
export function summarizeSample(
  findings: readonly FirstPassFinding[],
  context: SummarizeContext,
): { findings: Finding[]; summary: SampleSummary } {
  const { findings: sorted, summary } = secondPass(() => findings, sortInMemory, context);
  return { findings: sorted as Finding[], summary };
}

/**
 * `summarizeSample` over findings read in passes instead of held: `read` gives the sample's
 * first-pass findings in the order they were made, each time it is called, and `sort` puts the
 * second pass's findings in report order. What is kept between passes is a few facts per
 * qualifying allele of a gene (its place, key, genotype and allele count), not the findings;
 * `counted` is that count when the caller made it as the findings came (else `read` is read twice).
 */
export function secondPass(
  read: () => Iterable<FirstPassFinding>,
  sort: FindingSorter,
  context: SummarizeContext,
  counted?: TwoHitCount,
): { findings: Iterable<Finding>; summary: SampleSummary } {
  const { panel } = context;
  const groups = counted ?? countTwoHits(read(), panel, context.patient);
  const tally = new SummaryTally(panel, context.patient);
  let done = false;
  function* updated(): Generator<Finding> {
    for (const finding of twoHitVerdicts(read(), panel, groups, context.patient)) {
      tally.add(finding);
      yield finding;
    }
    done = true;
  }
  // Read again, the verdicts come out the same; the two-hit rules they note again are the
  // ones the summary below already took.
  const again = () => twoHitVerdicts(read(), panel, groups, context.patient);
  const findings = sort(updated(), findingOrder(context.contigOrder ?? []), again);
  if (!done) throw new Error("internal error: the finding sorter returned before it read every finding");
  return { findings, summary: buildSummary(tally, context, genotypeReasons(groups)) };
}

// ---- two hits -----------------------------------------------------------------------------------

/** A panel's rules by id, built once per panel. */
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

/** What the two-hit logic keeps of a qualifying allele between its two passes. */
interface Qualifying {
  /** The finding's place in the sample's first-pass findings. */
  readonly seq: number;
  readonly variantKey: string;
  readonly genotype: string | undefined;
  /** The panel gene's symbol and the zygosity, as the Subject says them (for the reason). */
  readonly gene: string;
  readonly zygosity: Subject["zygosity"];
}

/** A sample's findings of one gene, as the two-hit logic counts them. */
interface TwoHitGroup {
  readonly qualifying: Qualifying[];
  readonly keys: Set<string>;
  copies: number;
  /** Rules with `hits: "two"` that matched a qualifying allele (second pass). */
  readonly twoRules: Map<string, MatchedRule>;
}

const groupKey = (finding: Finding) => `${finding.sample}\u0000${finding.gene.symbol}`;

/**
 * The two-hit logic's first pass, one finding at a time (a run feeds it as findings are made, so
 * they need not be read again): the qualifying alleles of each gene (a finding some rule of its
 * gene matches; one per variant key) and how many copies they add up to.
 */
export class TwoHitCount {
  /** In order of each gene's first finding. */
  readonly groups = new Map<string, TwoHitGroup>();
  /** Every qualifying allele with its group, in finding order. */
  readonly bySeq: { readonly seq: number; readonly group: TwoHitGroup }[] = [];
  private seq = 0;

  constructor(
    private readonly panel: Panel,
    private readonly patient?: PatientContext,
  ) {}

  add({ finding, facts }: FirstPassFinding): void {
    const key = groupKey(finding);
    let group = this.groups.get(key);
    if (!group) {
      group = { qualifying: [], keys: new Set(), copies: 0, twoRules: new Map() };
      this.groups.set(key, group);
    }
    // The Subject is made only for an allele of a gene that counts hits: most are of other genes.
    const subject =
      !facts || !countsHits(this.panel, finding.gene.symbol) || group.keys.has(finding.variant.key)
        ? undefined
        : subjectFrom(finding, facts, this.patient);
    if (subject && qualifies(this.panel, subject)) {
      group.keys.add(finding.variant.key);
      group.qualifying.push({
        seq: this.seq,
        variantKey: finding.variant.key,
        genotype: finding.call.genotype,
        gene: subject.gene.symbol,
        zygosity: subject.zygosity,
      });
      group.copies += alleleCopies(subject);
      this.bySeq.push({ seq: this.seq, group });
    }
    this.seq++;
  }
}

function countTwoHits(findings: Iterable<FirstPassFinding>, panel: Panel, patient: PatientContext | undefined): TwoHitCount {
  const count = new TwoHitCount(panel, patient);
  for (const finding of findings) count.add(finding);
  return count;
}

/**
 * Second pass: each qualifying allele judged again with its gene's copy count. A gene whose panel
 * entry has no rule for that count keeps the first-pass finding.
 */
function* twoHitVerdicts(
  findings: Iterable<FirstPassFinding>,
  panel: Panel,
  { bySeq }: TwoHitCount,
  patient: PatientContext | undefined,
): Generator<Finding> {
  let seq = 0;
  let next = 0;
  for (const { finding, facts } of findings) {
    const qualifying = bySeq[next];
    if (qualifying?.seq !== seq) {
      yield finding;
      seq++;
      continue;
    }
    next++;
    seq++;
    const { group } = qualifying;
    // A lone heterozygous allele was judged on one copy already: the same verdict again, and no
    // two-hit rule to note (on a panel-dense file most qualifying alleles are such).
    if (group.copies === 1) {
      yield finding;
      continue;
    }
    // Counted as qualifying, so it has facts (see TwoHitCount.add).
    const subject = subjectFrom(finding, facts as SubjectFacts, patient);
    const verdict = judge(panel, subject, group.copies);
    if (!verdict) {
      yield finding;
      continue;
    }
    const byId = rulesById(panel);
    for (const id of verdict.ruleIds) {
      const rule = byId.get(id);
      if (rule?.conditions?.hits === "two") group.twoRules.set(id, { rule, tier: verdict.matchBasis });
    }
    yield withVerdict(finding, verdict);
  }
  if (next !== bySeq.length) throw new Error("internal error: the findings changed between the two-hit passes");
}

/** The genotype reasons of the genes whose qualifying alleles made two hits, in gene order. */
function genotypeReasons({ groups }: TwoHitCount): Reason[] {
  const reasons: Reason[] = [];
  for (const group of groups.values()) {
    if (group.qualifying.length > 0 && group.copies >= 2 && group.twoRules.size > 0) {
      reasons.push(genotypeReason(group, [...group.twoRules.values()]));
    }
  }
  return reasons;
}

function genotypeReason({ qualifying }: TwoHitGroup, rules: readonly MatchedRule[]): Reason {
  const first = qualifying[0] as Qualifying;
  const gene = first.gene;
  const list = qualifying.map((q) => q.variantKey);
  let statement: string;
  if (qualifying.length === 1) {
    statement =
      first.zygosity === "hemi"
        ? `${gene}: hemizygous ${list[0]} (chrX in a male) counts as two hits`
        : `${gene}: homozygous ${list[0]} counts as two hits`;
  } else {
    const sides = qualifying.map((q) => haplotype(q.genotype));
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
  if (when.origins && !originsMeet(finding, when)) return false;
  if (when.genes && !when.genes.includes(finding.gene.symbol)) return false;
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
    // A clone of unknown size (a CNV segment, a sites-only call) is not a small clone: it passes
    // a lower bound and fails an upper one.
    const vaf = finding.call.vaf;
    if (!band) return false;
    if (vaf === undefined ? band.max !== undefined : !inBand(vaf, band)) return false;
  }
  return true;
}

/**
 * A summary rule's origins are tested against the reading that carries its codes: an
 * unknown-origin finding whose only reading with TELOMERE_DISORDER is somatic (a TERT promoter
 * clone) does not meet a rule for germline or unknown-origin telomere disease.
 */
function originsMeet(finding: Finding, when: SummaryWhen): boolean {
  const origins = when.origins as readonly string[];
  if (finding.origin.call !== "unknown" || !finding.readings) return origins.includes(finding.origin.call);
  if (!origins.includes("unknown")) return false;
  const codes = when.codes as readonly string[] | undefined;
  return finding.readings.some((r) => origins.includes(r.origin) && (!codes || r.codes.some((c) => codes.includes(c))));
}

/** A summary rule that some finding triggered, with what its reason will cite. */
interface Fired {
  readonly rule: SummaryRule;
  /** Rule ids of the triggering findings. */
  readonly findingRules: ReadonlySet<string>;
  /** The rule's citations and those of the triggering findings' implications it names. */
  readonly citations: ReadonlySet<string>;
}

interface RuleTally {
  readonly rule: SummaryRule;
  readonly band: Band | undefined;
  triggered: boolean;
  readonly findingRules: Set<string>;
  readonly citations: Set<string>;
}

/** Findings named in a reason about a code no summary rule took (bounded: a sample may have thousands). */
const CARRIERS_NAMED = 5;

/** Who carries an implication code, for the reason that explains a code no summary rule took. */
interface Carriers {
  count: number;
  readonly named: string[];
  /** What the carrying findings cite for this code (a panel's citations: a bounded set). */
  readonly citations: Set<string>;
}

/**
 * What the summary needs of a sample's findings, gathered one finding at a time and in any order
 * (a reason's rule ids and citations are sorted sets), so the findings need not be held.
 */
class SummaryTally {
  private readonly rules: RuleTally[];
  private readonly codes = new Map<string, Carriers>();
  /** Codes some triggered rule took from a finding that carries them. */
  private readonly taken = new Set<string>();

  constructor(
    private readonly panel: Panel,
    patient: PatientContext | undefined,
  ) {
    this.rules = panel.summaryRules
      .filter((rule) => !rule.when.context || contextHolds(rule.when.context, patient, panel))
      .map((rule) => ({
        rule,
        band: rule.when.vaf ? resolveBound(panel, rule.when.vaf) : undefined,
        triggered: rule.when.always === true,
        findingRules: new Set<string>(),
        // A consideration restates the code its findings carry: it cites their evidence, not
        // its own (a donor-screening source of one syndrome is wrong for another's findings).
        // A field rule's statement makes its own claim, and a standing note has no findings.
        citations: new Set<string>(rule.field === "considerations" && !rule.when.always ? [] : rule.evidence.map((e) => e.citation)),
      }));
  }

  add(finding: Finding): void {
    for (const { code, evidence } of finding.implications) {
      let carriers = this.codes.get(code);
      if (!carriers) {
        carriers = { count: 0, named: [], citations: new Set() };
        this.codes.set(code, carriers);
      }
      carriers.count++;
      if (carriers.count > CARRIERS_NAMED) continue;
      for (const e of evidence) carriers.citations.add(e.citation);
      const name = `${finding.gene.symbol} ${finding.variant.key} (${finding.classification}, origin ${finding.origin.call})`;
      if (!carriers.named.includes(name)) carriers.named.push(name);
    }
    for (const tally of this.rules) {
      if (tally.rule.when.always || !findingMeets(finding, tally.rule.when, tally.band)) continue;
      tally.triggered = true;
      for (const id of finding.ruleIds) tally.findingRules.add(id);
      const codes = tally.rule.when.codes;
      for (const i of finding.implications) {
        if (codes && !codes.includes(i.code)) continue;
        this.taken.add(i.code);
        for (const e of i.evidence) tally.citations.add(e.citation);
      }
    }
  }

  /** The rules that fired, in panel order; a rule naming `withCodes` needs all of them seen. */
  fired(): Fired[] {
    return this.rules.filter(
      ({ rule, triggered }) => triggered && (!rule.when.withCodes || rule.when.withCodes.every((code) => this.codes.has(code))),
    );
  }

  /**
   * Codes findings carry that no summary rule took from them, with who carries them and what the
   * panel's rules for that code ask: the summary must say why it does not conclude from them.
   */
  untaken(considered: ReadonlySet<string>): Reason[] {
    const reasons: Reason[] = [];
    const order = ImplicationCodeSchema.options as readonly string[];
    const codes = [...this.codes.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const code of codes) {
      if (this.taken.has(code) || considered.has(code)) continue;
      const carriers = this.codes.get(code) as Carriers;
      const rules = this.panel.summaryRules.filter((r) => (r.when.codes as readonly string[] | undefined)?.includes(code));
      const needs = rules.length === 0 ? "no summary rule reads this code" : `the summary rules for it ask for ${describeWhen(rules)}`;
      const more = carriers.count > carriers.named.length ? ` and ${carriers.count - carriers.named.length} more` : "";
      reasons.push({
        statement: `${code} is carried by ${carriers.named.join("; ")}${more}, but the summary does not conclude from it: ${needs}.`,
        ruleIds: rules.map((r) => r.id).sort(),
        citations: [...carriers.citations].sort(),
      });
    }
    return reasons;
  }
}

/** What a set of summary rules asks of a finding, in words (from the panel's own conditions). */
function describeWhen(rules: readonly SummaryRule[]): string {
  const parts = new Set<string>();
  for (const { when } of rules) {
    const bits: string[] = [];
    if (when.classifications) bits.push(`classification ${when.classifications.join("/")}`);
    if (when.origins) bits.push(`origin ${when.origins.join("/")}`);
    if (when.categories) bits.push(`category ${when.categories.join("/")}`);
    if (when.vaf) bits.push(when.vaf.threshold ? `VAF in threshold ${when.vaf.threshold}` : `VAF ${formatBand(when.vaf)}`);
    if (when.context) bits.push(`patient context ${Object.keys(when.context).join(", ")}`);
    parts.add(bits.length > 0 ? bits.join(", ") : "nothing more");
  }
  return [...parts].join(" or ");
}

function reasonOf({ rule, findingRules, citations }: Fired): Reason {
  return { statement: rule.statement, ruleIds: [rule.id, ...[...findingRules].sort()], citations: [...citations].sort() };
}

/**
 * A panel without `summaryPrecedence` for a field: no conflict value, and the first of the tied
 * rules in panel order wins (no clinical order lives in the code; the builtin panel states its own).
 */
const NO_PRECEDENCE: SummaryPrecedence = { order: [] };

type SummaryField = "istResponse" | "clonalEvolutionRisk" | "inheritedDisorder";

type Decided = Partial<Record<SummaryField, string>>;

function decide(
  field: SummaryField,
  fired: readonly Fired[],
  panel: Panel,
  decided: Decided = {},
): { value?: string; winners: Fired[]; conflict?: Reason } {
  const mine = fired.filter((f) => f.rule.field === field);
  if (mine.length === 0) return { winners: [] };
  const precedence = panel.summaryPrecedence?.[field] ?? NO_PRECEDENCE;
  const top = Math.max(...mine.map((f) => f.rule.priority));
  const atTop = mine.filter((f) => f.rule.priority === top);
  const values = new Set(atTop.map((f) => f.rule.value as string));
  const conflict = precedence.conflicts?.find(
    (c) =>
      c.values.every((v) => values.has(v)) &&
      (!c.alongside || c.alongside.values.includes(decided[c.alongside.field as SummaryField] ?? "")),
  );
  if (conflict) {
    const winners = values.has(conflict.value) ? atTop.filter((f) => f.rule.value === conflict.value) : atTop;
    // The conflict's own claim, with its evidence, where the panel states one.
    const reason: Reason | undefined =
      conflict.statement && conflict.evidence
        ? {
            statement: conflict.statement,
            ruleIds: [...new Set(winners.map((f) => f.rule.id))].sort(),
            citations: [...new Set(conflict.evidence.map((e) => e.citation))].sort(),
          }
        : undefined;
    return { value: conflict.value, winners, ...(reason ? { conflict: reason } : {}) };
  }
  const value = precedence.order.find((v) => values.has(v)) ?? (atTop[0] as Fired).rule.value;
  return { value, winners: atTop.filter((f) => f.rule.value === value) };
}

function buildSummary(tally: SummaryTally, context: SummarizeContext, genotypeReasons: readonly Reason[]): SampleSummary {
  const { coverage, panel } = context;
  const fired = tally.fired();
  // Clonal risk and the inherited picture first: an istResponse conflict may hinge on them.
  const clonal = decide("clonalEvolutionRisk", fired, panel);
  const inherited = decide("inheritedDisorder", fired, panel);
  const ist = decide("istResponse", fired, panel, {
    ...(clonal.value ? { clonalEvolutionRisk: clonal.value } : {}),
    ...(inherited.value ? { inheritedDisorder: inherited.value } : {}),
  });
  const codeOrder = ImplicationCodeSchema.options as readonly string[];
  const considerationRules = fired
    .filter((f) => f.rule.field === "considerations")
    .sort((a, b) => codeOrder.indexOf(a.rule.value) - codeOrder.indexOf(b.rule.value));
  const considerations = [...new Set(considerationRules.map((f) => f.rule.value as SampleSummary["considerations"][number]))];

  const reasons: Reason[] = [
    ...[...ist.winners, ...clonal.winners, ...inherited.winners, ...considerationRules].map(reasonOf),
    ...(ist.conflict ? [ist.conflict] : []),
    ...genotypeReasons,
    ...tally.untaken(new Set(considerations)),
  ];
  if (!fired.some((f) => !f.rule.when.always)) {
    const scope = coverage ? ` in the ${coverage.assessed.length} assessed panel genes` : "";
    reasons.push({ statement: `No finding met a summary rule${scope}.`, ruleIds: [], citations: [] });
  }
  if (coverage && coverage.notAssessed.length > 0) {
    if (coverage.assessed.length === 0) {
      const why = coverage.notAssessed[0]?.reason ?? "";
      reasons.push({
        statement: `No panel gene could be assessed, so "no-evidence" does not speak for any of them (${coverage.notAssessed.length} genes; ${why}).`,
        ruleIds: [],
        citations: [],
      });
    } else {
      const list = [...coverage.notAssessed]
        .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
        .map((g) => `${g.symbol} (${g.reason})`)
        .join("; ");
      reasons.push({ statement: `Not assessed, so "no-evidence" does not speak for: ${list}`, ruleIds: [], citations: [] });
    }
  }
  return {
    istResponse: (ist.value ?? "no-evidence") as SampleSummary["istResponse"],
    clonalEvolutionRisk: (clonal.value ?? "no-evidence") as SampleSummary["clonalEvolutionRisk"],
    inheritedDisorder: (inherited.value ?? "no-evidence") as SampleSummary["inheritedDisorder"],
    considerations,
    reasons,
  };
}
