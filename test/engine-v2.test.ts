/**
 * Engine v2 guards found in review: what the engine reads by name must be in a panel that relies
 * on it, precedence values must be real, and two panels in one process never share judgements.
 */
import { describe, expect, it } from "vitest";
import { isMarrowscopeError } from "../src/errors.js";
import { annotate } from "../src/node.js";
import { builtinPanel, loadPanel } from "../src/panel/index.js";
import { vcfText } from "./helpers.js";

const BASE = { schemaVersion: 1, id: "test-panel", version: "1.0.0", released: "2026-12-04" } as const;

function panelError(json: unknown): string {
  try {
    loadPanel(json);
  } catch (error) {
    if (isMarrowscopeError(error) && error.code === "E_PANEL") return error.message;
    throw error;
  }
  throw new Error("expected E_PANEL");
}

describe("loadPanel: what the engine reads by name", () => {
  it("a panel with hotspot rules needs the protein-altering class (else a synonymous change at a codon would match)", () => {
    const { sha256: _s, citations, ...data } = builtinPanel;
    const { "protein-altering": _p, ...classes } = data.consequenceClasses;
    expect(panelError({ ...data, citations, consequenceClasses: classes })).toMatch(/protein-altering/);
  });

  it("event rules need arm-event-fraction above 0", () => {
    const { sha256: _s, citations, ...data } = builtinPanel;
    const { "arm-event-fraction": _a, ...thresholds } = data.thresholds;
    expect(panelError({ ...data, citations, thresholds })).toMatch(/arm-event-fraction/);
    const zero = { ...data.thresholds, "arm-event-fraction": { ...data.thresholds["arm-event-fraction"], min: 0 } };
    expect(panelError({ ...data, citations, thresholds: zero })).toMatch(/above 0/);
  });

  it("gene frequency thresholds' citations must resolve", () => {
    const gene = {
      ...builtinPanel.genes[0],
      populationAf: { bs1: 0.001, evidence: [{ citation: "no-such-key", applicability: "extrapolated" }] },
    };
    expect(panelError({ ...BASE, extends: "builtin", genes: [gene] })).toMatch(/no-such-key/);
  });

  it("a misspelt precedence value is an error, not a silently losing tie", () => {
    expect(panelError({ ...BASE, extends: "builtin", summaryPrecedence: { istResponse: { order: ["favourable"] } } })).toMatch(
      /"favourable" is not a value of istResponse/,
    );
  });
});

describe("two panels in one process", () => {
  const CSQ =
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|MANE_SELECT|HGNC_ID|gnomADe_AF|CLIN_SIG">';
  // A TERT frameshift at 2% population AF in a germline sample: BS1 under the builtin 1% cut-off,
  // not under a panel that sets it at 5%.
  const record =
    "chr5\t1294000\t.\tAG\tA\t60\tPASS\tCSQ=-|frameshift_variant|HIGH|TERT|ENSG00000164362|ENST00000310581.10|protein_coding|||YES|NM_198253.3|HGNC:11730|0.004|\tGT:AD:DP\t0/1:32,30:62";
  const text = vcfText([record], { samples: ["P1"], meta: [CSQ] });
  const custom = loadPanel({
    ...BASE,
    extends: "builtin",
    thresholds: {
      "common-population-af-max": { ...builtinPanel.thresholds["common-population-af-max"], max: 0.001 },
    },
  });

  async function criteria(panel = builtinPanel) {
    const report = await annotate({ text }, { panel, roles: { P1: "germline" } });
    const f = report.samples[0]?.findings.find((x) => x.gene.symbol === "TERT");
    return { classification: f?.classification, codes: f?.readings?.flatMap((r) => r.criteria.map((c) => c.code)) ?? [] };
  }

  it("never share criteria, whichever runs first", async () => {
    const builtinFirst = [await criteria(), await criteria(custom)];
    const customFirst = [await criteria(custom), await criteria()];
    expect(builtinFirst[0]).toEqual(customFirst[1]);
    expect(builtinFirst[1]).toEqual(customFirst[0]);
    // Builtin (1%): 0.4% is rare, PM2 does not apply (AF present, not 0), no BS1. Custom (0.1%): BS1.
    expect(builtinFirst[0]?.codes).not.toContain("BS1");
    expect(builtinFirst[1]).toMatchObject({ classification: "likely-benign" });
    expect(builtinFirst[1]?.codes).toContain("BS1");
  });
});

describe("arm events and the index", () => {
  it("an index read of a CNV file warns that arm events away from panel genes are not read; a scan finds +8", async () => {
    const { execFileSync } = await import("node:child_process");
    const { copyFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { fixture, tempDir } = await import("./helpers.js");
    const dir = tempDir();
    const plain = join(dir, "trisomy8.vcf");
    copyFileSync(fixture("validation", "v48-trisomy8-grch38.vcf"), plain);
    execFileSync("bgzip", ["-f", plain]);
    execFileSync("tabix", ["-p", "vcf", `${plain}.gz`]);
    const indexed = await annotate(`${plain}.gz`, { strategy: "index" });
    expect(indexed.warnings.map((w) => w.code)).toContain("W_INDEX_EVENTS");
    const scanned = await annotate(`${plain}.gz`, { strategy: "scan" });
    expect(scanned.samples[0]?.findings.map((f) => f.event?.label)).toContain("+8");
    expect(scanned.warnings.map((w) => w.code)).not.toContain("W_INDEX_EVENTS");
  });
});

describe("an unknown origin says what each reading would mean", () => {
  it("DNMT3A R882H at VAF 0.48 with no normal: a somatic reading, and a germline one the panel cannot assess", async () => {
    const { fixture } = await import("./helpers.js");
    const report = await annotate(fixture("validation", "v01-dnmt3a-r882h-vaf48-single.vcf"));
    const f = report.samples[0]?.findings.find((x) => x.gene.symbol === "DNMT3A");
    expect(f?.origin.call).toBe("unknown");
    expect(f?.readings?.map((r) => [r.origin, r.term])).toEqual([
      ["somatic", "Oncogenic (hotspot)"],
      ["germline", "Not assessed: the panel has no germline rule for DNMT3A"],
    ]);
    // The headline is the reading that was assessed.
    expect(f?.classification).toBe("hotspot");
  });
});
