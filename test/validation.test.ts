/**
 * The clinical validation suite (issue 17): each case under fixtures/validation goes through
 * annotate() with the builtin panel and is checked against what a marrow-failure clinic expects
 * by the literature each case cites (fixtures/validation/cases.json). Only what a case states is
 * checked: a finding's listed fields, the summary fields given, the not-judged genes, coverage and
 * arm events. Then, over every fixture (these and fixtures/cases), finding and summary must not
 * contradict each other.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isMarrowscopeError } from "../src/errors.js";
import { annotate } from "../src/node.js";
import type { AnnotateOptions } from "../src/options.js";
import { builtinPanel } from "../src/panel/index.js";
import type { Finding, SampleReport } from "../src/report/schema.js";

type OneOrMany = string | string[];

interface ExpectedFinding {
  gene: string;
  key?: string;
  origin?: OneOrMany;
  classification?: OneOrMany;
  readings?: string[];
  codes?: string[];
  notCodes?: string[];
  criteria?: string[];
  because?: string;
}

interface ExpectedSample {
  findings?: ExpectedFinding[];
  noOtherFindings?: boolean;
  absent?: { gene: string; key?: string; because?: string }[];
  summary?: {
    istResponse?: OneOrMany;
    clonalEvolutionRisk?: OneOrMany;
    inheritedDisorder?: OneOrMany;
    considerations?: string[];
    notConsiderations?: string[];
  };
  notJudged?: { gene: string; key?: string }[];
  coverage?: { basis?: string; assessed?: string[]; notAssessed?: string[] };
  events?: { label: string }[];
}

interface Case {
  id: string;
  file: string;
  points: string[];
  description: string;
  options?: AnnotateOptions & { targets?: string };
  samples: Record<string, ExpectedSample>;
  citations: string[];
  expectationReason?: string;
}

const DIR = new URL("../fixtures/validation/", import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL("cases.json", DIR), "utf8")) as { cases: Case[] };
const CASES_DIR = new URL("../fixtures/cases/", import.meta.url);
const { cases: referenceCases } = JSON.parse(readFileSync(new URL("expected.json", CASES_DIR), "utf8")) as {
  cases: { file: string; options?: AnnotateOptions }[];
};

const list = (value: OneOrMany): string[] => (Array.isArray(value) ? value : [value]);

function optionsOf(c: Case): AnnotateOptions {
  const options = { ...(c.options ?? {}) };
  if (typeof options.targets === "string") options.targets = new URL(options.targets, DIR).pathname;
  return options;
}

function findingFor(sample: SampleReport, expected: { gene: string; key?: string }): Finding | undefined {
  return sample.findings.find(
    (f) => f.gene.symbol === expected.gene && (expected.key === undefined || sameKey(f.variant.key, expected.key)) && !f.event,
  );
}

/** `chr2:25234373:C:T` and `2:25234373:C:T` name the same variant. */
function sameKey(a: string, b: string): boolean {
  return a.replace(/^chr/i, "") === b.replace(/^chr/i, "");
}

function checkFinding(sample: SampleReport, expected: ExpectedFinding, where: string): void {
  const finding = findingFor(sample, expected);
  expect(finding, `${where}: a finding for ${expected.gene} ${expected.key ?? ""} (${expected.because ?? ""})`).toBeDefined();
  if (!finding) return;
  const at = `${where} ${expected.gene} ${finding.variant.key}`;
  if (expected.origin !== undefined) expect(list(expected.origin), `${at} origin`).toContain(finding.origin.call);
  if (expected.classification !== undefined)
    expect(list(expected.classification), `${at} classification`).toContain(finding.classification);
  const codes = finding.implications.map((i) => i.code);
  for (const code of expected.codes ?? []) expect(codes, `${at} codes`).toContain(code);
  for (const code of expected.notCodes ?? []) expect(codes, `${at} codes`).not.toContain(code);
  if (expected.readings) {
    expect(
      (finding.readings ?? []).map((r) => r.origin),
      `${at} readings`,
    ).toEqual(expect.arrayContaining(expected.readings));
  }
  const criteria = (finding.readings ?? []).flatMap((r) => r.criteria.filter((c) => c.direction !== "neutral").map((c) => c.code));
  for (const code of expected.criteria ?? []) expect(criteria, `${at} criteria`).toContain(code);
}

function checkSample(sample: SampleReport, expected: ExpectedSample, where: string): void {
  for (const f of expected.findings ?? []) checkFinding(sample, f, where);
  if (expected.noOtherFindings) {
    const wanted = (expected.findings ?? []).length + (expected.events ?? []).length;
    expect(sample.findings.length, `${where}: only the expected findings`).toBe(wanted);
  }
  for (const a of expected.absent ?? []) {
    const found = sample.findings.filter(
      (f) => f.gene.symbol === a.gene && (a.key === undefined || sameKey(f.variant.key, a.key)) && f.classification !== "benign",
    );
    expect(found, `${where}: no ${a.gene} ${a.key ?? ""} finding (${a.because ?? ""})`).toEqual([]);
  }
  const summary = expected.summary;
  if (summary) {
    for (const field of ["istResponse", "clonalEvolutionRisk", "inheritedDisorder"] as const) {
      const want = summary[field];
      if (want !== undefined) expect(list(want), `${where}: ${field}`).toContain(sample.summary[field]);
    }
    for (const code of summary.considerations ?? []) expect(sample.summary.considerations, `${where}: considerations`).toContain(code);
    for (const code of summary.notConsiderations ?? [])
      expect(sample.summary.considerations, `${where}: considerations`).not.toContain(code);
  }
  for (const n of expected.notJudged ?? []) {
    const variants = sample.notJudged?.variants ?? [];
    expect(
      variants.some((v) => v.gene === n.gene && (n.key === undefined || sameKey(v.key, n.key))),
      `${where}: ${n.gene} ${n.key ?? ""} listed as not judged`,
    ).toBe(true);
  }
  if (expected.coverage) {
    const coverage = sample.coverage;
    expect(coverage, `${where}: coverage`).toBeDefined();
    if (expected.coverage.basis !== undefined) expect(coverage?.basis, `${where}: coverage basis`).toBe(expected.coverage.basis);
    for (const g of expected.coverage.assessed ?? []) expect(coverage?.assessed, `${where}: assessed`).toContain(g);
    const notAssessed = (coverage?.notAssessed ?? []).map((n) => n.symbol);
    for (const g of expected.coverage.notAssessed ?? []) expect(notAssessed, `${where}: not assessed`).toContain(g);
  }
  for (const e of expected.events ?? []) {
    expect(
      sample.findings.map((f) => f.event?.label),
      `${where}: arm event`,
    ).toContain(e.label);
  }
}

/** Implication codes that advise on management (treatment, transplant, donors, androgens, GVHD). */
const MANAGEMENT_CODES: ReadonlySet<string> = new Set([
  "DONOR_SCREENING",
  "ADAPTED_CONDITIONING",
  "ANDROGEN_OPTION",
  "GVHD_RISK",
  "IST_UNFAVORABLE",
]);
/** Management advice in a statement's words. */
const MANAGEMENT_TEXT =
  /\b(?:conditioning|transplant\w*|donors?|danazol|androgens?|oxymetholone|cyclophosphamide|immunosuppression is not)\b/i;

/**
 * Finding and summary never contradict: every implication code a finding carries is either a
 * consideration of the summary or named by a summary reason that says why it is not concluded.
 */
function checkConsistent(sample: SampleReport, where: string): void {
  const statements = sample.summary.reasons.map((r) => r.statement).join("\n");
  const classified = new Set(["pathogenic", "likely-pathogenic", "hotspot"]);
  for (const finding of sample.findings) {
    for (const { code } of finding.implications) {
      const reflected = sample.summary.considerations.includes(code) || statements.includes(code);
      expect(reflected, `${where}: ${finding.gene.symbol} ${finding.variant.key} carries ${code}, absent from the summary`).toBe(true);
    }
    // No management advice on a VUS (ACMG/AMP 2015, richards-2015-genet-med: a VUS is not used
    // for clinical decisions): neither a management code nor a statement advising treatment,
    // transplant, donors or androgens (issue 18), whatever the panel's own withheld list says.
    if (finding.classification === "uncertain") {
      const management = finding.implications.filter((i) => MANAGEMENT_CODES.has(i.code)).map((i) => i.code);
      expect(management, `${where}: ${finding.gene.symbol} ${finding.variant.key} is uncertain but carries management codes`).toEqual([]);
      for (const i of finding.implications) {
        expect(MANAGEMENT_TEXT.test(i.statement), `${where}: ${finding.gene.symbol} ${i.code} advises on a VUS: ${i.statement}`).toBe(
          false,
        );
      }
    }
    // The headline fields too: a classified clonal-evolution or high-risk finding beside
    // "no-evidence" must be explained by a reason naming its code (e.g. a clone below 2% VAF).
    if (!classified.has(finding.classification) || sample.summary.clonalEvolutionRisk !== "no-evidence") continue;
    for (const code of ["CLONAL_EVOLUTION_RISK", "HIGH_RISK_CLONE"] as const) {
      if (!finding.implications.some((i) => i.code === code)) continue;
      expect(statements, `${where}: ${finding.gene.symbol} carries ${code} beside clonalEvolutionRisk no-evidence`).toContain(code);
    }
  }
}

describe("clinical validation suite (fixtures/validation, builtin panel)", () => {
  it("has at least 40 cases, each citing its sources", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) expect(c.citations.length, c.id).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`${c.id}: ${c.description}`, async () => {
      const report = await annotate(new URL(c.file, DIR).pathname, optionsOf(c));
      for (const [name, expected] of Object.entries(c.samples)) {
        const sample = report.samples.find((s) => s.name === name);
        expect(sample, `${c.id}: sample ${name}`).toBeDefined();
        if (sample) checkSample(sample, expected, `${c.id} ${name}`);
      }
      for (const sample of report.samples) checkConsistent(sample, `${c.id} ${sample.name}`);
      expect(report.disclaimer).toBe("Research use only; not a diagnosis.");
    });
  }
});

describe("finding and summary never contradict (every clinical fixture)", () => {
  // Every other VCF fixture that annotates (some exist to fail: those are skipped by their error).
  const others = ["annotated", "vcf", "match", "panels"].flatMap((dir) =>
    readdirSync(new URL(`../fixtures/${dir}/`, import.meta.url))
      .filter((name) => /\.vcf(\.gz)?$/.test(name))
      .map((name) => `${dir}/${name}`),
  );
  it.each(others)("%s", async (path) => {
    const file = new URL(`../fixtures/${path}`, import.meta.url).pathname;
    let report: Awaited<ReturnType<typeof annotate>> | undefined;
    for (const assembly of ["auto", "GRCh38", "GRCh37"] as const) {
      try {
        report = await annotate(file, { strict: false, assembly });
        break;
      } catch (error) {
        if (!isMarrowscopeError(error) || error.code !== "E_ASSEMBLY") return;
      }
    }
    for (const sample of report?.samples ?? []) checkConsistent(sample, `${path} ${sample.name}`);
  });

  it("demo.vcf.gz", async () => {
    const report = await annotate(new URL("../fixtures/demo.vcf.gz", import.meta.url).pathname);
    for (const sample of report.samples) checkConsistent(sample, `demo ${sample.name}`);
  });
  for (const c of referenceCases) {
    it(c.file, async () => {
      const report = await annotate(new URL(c.file, CASES_DIR).pathname, c.options ?? {});
      for (const sample of report.samples) checkConsistent(sample, `${c.file} ${sample.name}`);
    });
  }
});
