import { describe, expect, it } from "vitest";
import { makeCall, makeHit } from "../fixtures/cases/builders.js";
import { enginePanelJson } from "../fixtures/cases/engine-panel.js";
import type { Hit, SampleCall } from "../src/model.js";
import { loadPanel } from "../src/panel/index.js";
import { SampleSummarySchema } from "../src/report/schema.js";
import { firstPass } from "../src/rules/apply.js";
import type { FirstPassFinding } from "../src/rules/evaluate.js";
import { type RuleContext, summarizeSample } from "../src/rules/index.js";

const panel = loadPanel(enginePanelJson, { name: "engine-panel" });
const ctx = (extra: Partial<RuleContext> = {}): RuleContext => ({ panel, assembly: "GRCh38", role: "unknown", ...extra });

function apply(hit: Hit, call: SampleCall, context = ctx()): FirstPassFinding {
  const f = firstPass(hit, call, context);
  if (!f) throw new Error("expected a finding");
  return f;
}

const fanca = (pos: number) =>
  makeHit({ gene: "FANCA", hgncId: "HGNC:3582", chrom: "chr16", pos, ref: "C", alt: "A", terms: ["stop_gained"] });
const piga = () => makeHit({ gene: "PIGA", hgncId: "HGNC:8957", chrom: "chrX", pos: 15331000, ref: "C", alt: "T", terms: ["stop_gained"] });
const r882 = () =>
  makeHit({
    gene: "DNMT3A",
    hgncId: "HGNC:2978",
    chrom: "chr2",
    pos: 25234373,
    ref: "C",
    alt: "T",
    terms: ["missense_variant"],
    hotspots: ["R882"],
  });
const tertCommon = () =>
  makeHit({
    gene: "TERT",
    hgncId: "HGNC:11730",
    chrom: "chr5",
    pos: 1280000,
    ref: "A",
    alt: "G",
    terms: ["missense_variant"],
    populationAf: 0.3,
  });

describe("two-hit logic", () => {
  it("one loss allele in a recessive gene is carrier-only", () => {
    const { findings, summary } = summarizeSample([apply(fanca(89800000), makeCall("S", "0/1", 0.5))], { panel });
    expect(findings[0]?.ruleIds).toEqual(["FANCA.CARRIER"]);
    expect(summary.inheritedDisorder).toBe("carrier-only");
    expect(summary.considerations).toEqual(["CARRIER"]);
    expect(summary.reasons).toContainEqual({
      statement: "fixture: carrier",
      ruleIds: ["SUMMARY.INHERITED.CARRIER", "FANCA.CARRIER"],
      citations: ["fixture-only"],
    });
  });

  it("two different loss alleles, phase unknown, are a possible compound heterozygote", () => {
    const a = apply(fanca(89800000), makeCall("S", "0/1", 0.5));
    const b = apply(fanca(89810000), makeCall("S", "0/1", 0.46));
    expect([a.finding.ruleIds, b.finding.ruleIds]).toEqual([["FANCA.CARRIER"], ["FANCA.CARRIER"]]);
    const { findings, summary } = summarizeSample([a, b], { panel });
    expect(findings.map((f) => f.ruleIds)).toEqual([["FANCA.BIALLELIC"], ["FANCA.BIALLELIC"]]);
    expect(findings.map((f) => f.implications.map((i) => i.code))).toEqual([["FANCONI_ANEMIA"], ["FANCONI_ANEMIA"]]);
    expect(summary.inheritedDisorder).toBe("suspected");
    expect(summary.considerations).toEqual(["FANCONI_ANEMIA"]);
    expect(summary.reasons).toContainEqual({
      statement:
        "FANCA: 2 different qualifying alleles (chr16:89800000:C:A, chr16:89810000:C:A), phase unknown: possible compound heterozygote",
      ruleIds: ["FANCA.BIALLELIC"],
      citations: ["fixture-only"],
    });
  });

  it("says compound heterozygote when the genotypes are phased on different haplotypes", () => {
    const a = apply(fanca(89800000), makeCall("S", "1|0", 0.5));
    const b = apply(fanca(89810000), makeCall("S", "0|1", 0.5));
    const { summary } = summarizeSample([a, b], { panel });
    expect(summary.reasons.some((r) => r.statement.endsWith("phased on different haplotypes: compound heterozygote"))).toBe(true);
  });

  it("the same allele seen twice is still one allele", () => {
    const a = apply(fanca(89800000), makeCall("S", "0/1", 0.5));
    const { findings, summary } = summarizeSample([a, { finding: { ...a.finding }, facts: a.facts }], { panel });
    expect(findings.map((f) => f.ruleIds)).toEqual([["FANCA.CARRIER"], ["FANCA.CARRIER"]]);
    expect(summary.inheritedDisorder).toBe("carrier-only");
  });

  it("a homozygous allele is explained as two hits", () => {
    const { summary } = summarizeSample([apply(fanca(89800000), makeCall("S", "1/1", 1))], { panel });
    expect(summary.inheritedDisorder).toBe("suspected");
    expect(summary.reasons.map((r) => r.statement)).toContain("FANCA: homozygous chr16:89800000:C:A counts as two hits");
  });
});

describe("sample summary", () => {
  it("favourable and unfavourable clones at equal priority give mixed, citing both rules", () => {
    const findings = [apply(piga(), makeCall("S", "0/1", 0.04)), apply(r882(), makeCall("S", "0/1", 0.15))];
    const { summary } = summarizeSample(findings, { panel });
    expect(summary.istResponse).toBe("mixed");
    expect(summary.clonalEvolutionRisk).toBe("high");
    expect(summary.inheritedDisorder).toBe("no-evidence");
    expect(summary.considerations).toEqual(["PNH_CLONE"]);
    expect(summary.reasons.slice(0, 3)).toEqual([
      { statement: "fixture: favourable", ruleIds: ["SUMMARY.IST.FAVORABLE", "PIGA.LOF.SOMATIC"], citations: ["fixture-only"] },
      {
        statement: "fixture: unfavourable",
        ruleIds: ["SUMMARY.IST.UNFAVORABLE", "DNMT3A.MISSENSE", "DNMT3A.R882"],
        citations: ["fixture-only"],
      },
      { statement: "fixture: high", ruleIds: ["SUMMARY.CLONAL.HIGH", "DNMT3A.MISSENSE", "DNMT3A.R882"], citations: ["fixture-only"] },
    ]);
    expect(SampleSummarySchema.parse(summary)).toEqual(summary);
  });

  it("a small clone is elevated, not high (VAF bound from a named threshold)", () => {
    const { summary } = summarizeSample([apply(r882(), makeCall("S", "0/1", 0.05))], { panel });
    expect(summary.clonalEvolutionRisk).toBe("elevated");
    expect(summary.istResponse).toBe("unfavorable");
  });

  it("a clean sample with a common benign variant is no-evidence everywhere", () => {
    const f = apply(tertCommon(), makeCall("S", "0/1", 0.5));
    expect(f.finding.classification).toBe("benign");
    const { findings, summary } = summarizeSample([f], {
      panel,
      coverage: { assessed: ["DNMT3A", "TERT"], notAssessed: [] },
    });
    expect(findings).toHaveLength(1);
    expect(summary).toEqual({
      istResponse: "no-evidence",
      clonalEvolutionRisk: "no-evidence",
      inheritedDisorder: "no-evidence",
      considerations: [],
      reasons: [{ statement: "No finding met a summary rule in the 2 assessed panel genes.", ruleIds: [], citations: [] }],
    });
  });

  it("names the genes the input could not speak for", () => {
    const { summary } = summarizeSample([], {
      panel,
      coverage: {
        assessed: ["TERT"],
        notAssessed: [
          { symbol: "U2AF1", reason: "GRCh38 blind spot" },
          { symbol: "DKC1", reason: "no chrX records" },
        ],
      },
    });
    expect(summary.reasons.at(-1)?.statement).toBe(
      'Not assessed, so "no-evidence" does not speak for: DKC1 (no chrX records); U2AF1 (GRCh38 blind spot)',
    );
  });

  it("a germline DDX41 truncation in a tumour-only sample asks for germline confirmation", () => {
    const hit = makeHit({
      gene: "DDX41",
      hgncId: "HGNC:18674",
      chrom: "chr5",
      pos: 177512000,
      ref: "G",
      alt: "GA",
      terms: ["frameshift_variant"],
    });
    const f = apply(hit, makeCall("T", "0/1", 0.48), ctx({ role: "tumor", somaticCaller: true }));
    expect(f.finding.origin.call).toBe("unknown");
    const { summary } = summarizeSample([f], { panel });
    expect(summary.inheritedDisorder).toBe("suspected");
    expect(summary.considerations).toEqual(["GERMLINE_CONFIRMATION"]);
  });
});

describe("order and determinism", () => {
  const findings = () => [
    apply(tertCommon(), makeCall("S", "0/1", 0.5)),
    apply(r882(), makeCall("S", "0/1", 0.15)),
    apply(fanca(89800000), makeCall("S", "0/1", 0.5)),
    apply(piga(), makeCall("S", "0/1", 0.04)),
  ];

  it("sorts by the given contig order, then position", () => {
    const { findings: sorted } = summarizeSample(findings(), { panel, contigOrder: ["chrX", "chr16", "chr2", "chr5"] });
    expect(sorted.map((f) => f.gene.symbol)).toEqual(["PIGA", "FANCA", "DNMT3A", "TERT"]);
  });

  it("falls back to natural contig order", () => {
    const { findings: sorted } = summarizeSample(findings(), { panel });
    expect(sorted.map((f) => f.variant.chrom)).toEqual(["chr2", "chr5", "chr16", "chrX"]);
  });

  it("gives byte-identical output whatever the input order", () => {
    const one = JSON.stringify(summarizeSample(findings(), { panel }));
    const two = JSON.stringify(summarizeSample(findings().reverse(), { panel }));
    expect(two).toBe(one);
  });
});
