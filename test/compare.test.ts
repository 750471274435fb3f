/**
 * `marrowscope compare` / `compareTimepoints` (issue 22): a synthetic time series made from the
 * demo: the PIGA clone shrinks (9/150 → 2/300), the DNMT3A R882H clone grows (12/100 → 30/100),
 * and a TP53 R248Q clone appears at the second point. The expected calls follow from the reads (a
 * two-proportion test, p < 0.01) and from the panel's codes: TP53 is a high-risk clone
 * (HIGH_RISK_CLONE) and DNMT3A an adverse one (ADVERSE_PROGNOSIS).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { zOf } from "../src/compare.js";
import { annotate, compareTimepoints, comparisonMarkdown } from "../src/node.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const demo = () => gunzipSync(readFileSync(join(FIXTURES, "demo.vcf.gz"))).toString("utf8");

describe("serial samples", () => {
  it("a shrinking PIGA clone, a growing DNMT3A clone and a new TP53: trends and alerts", async () => {
    const dir = tempDir("compare-");
    const t0 = join(dir, "t0.vcf");
    writeFileSync(t0, demo());
    const later = demo()
      .replace(/\t0\/1:88,12:100:0\.12$/m, "\t0/1:70,30:100:0.3")
      .replace(/(chrX\t15331500\t[^\n]*\t)0\/1:141,9:150:0\.06$/m, "$10/1:298,2:300:0.0067")
      .replace(
        /^(chr17\t7800000\t[^\n]*)$/m,
        "$1\nchr17\t7674220\t.\tC\tT\t150\tPASS\tDP=90;CSQ=T|missense_variant|MODERATE|TP53|ENSG00000141510|Transcript|ENST00000269305|protein_coding|7/11||ENST00000269305.9:c.743G>A|ENSP00000269305.4:p.Arg248Gln|YES|NM_000546.6|HGNC:11998||\tGT:AD:DP:AF\t0/1:81,9:90:0.1",
      );
    expect(later).toContain("0/1:70,30:100:0.3");
    expect(later).toContain("0/1:298,2:300:0.0067");
    const t1 = join(dir, "t1.vcf");
    writeFileSync(t1, later);
    const reports = [await annotate(t0, { assembly: "GRCh38" }), await annotate(t1, { assembly: "GRCh38" })];
    const c = compareTimepoints(reports, ["diagnosis", "month 6"]);
    const trend = Object.fromEntries(c.trajectories.map((t) => [t.gene, t.trend]));
    expect(trend).toMatchObject({ DNMT3A: "growing", PIGA: "shrinking", TP53: "new", TERT: "stable" });
    expect(c.alerts.map((a) => `${a.kind} ${a.gene}`).sort()).toEqual(["adverse-growing DNMT3A", "new-high-risk TP53"]);
    const dnmt3a = c.trajectories.find((t) => t.gene === "DNMT3A")!;
    expect(dnmt3a.points).toEqual([
      { label: "diagnosis", present: true, vaf: 0.12, altDepth: 12, depth: 100 },
      { label: "month 6", present: true, vaf: 0.3, altDepth: 30, depth: 100 },
    ]);
    // The test itself: 12/100 → 30/100 is beyond chance, 12/100 → 15/100 is not.
    expect(zOf({ alt: 12, depth: 100 }, { alt: 30, depth: 100 })).toBeGreaterThan(2.58);
    expect(Math.abs(zOf({ alt: 12, depth: 100 }, { alt: 15, depth: 100 }))).toBeLessThan(2.58);
    expect(comparisonMarkdown(c)).toMatch(/\| DNMT3A \| chr2:25234373:C:T \| 12\.0% \| 30\.0% \| \*\*growing\*\* \|/);
    // The CLI gives the same JSON.
    const cli = await runCli(["compare", t0, t1, "--labels", "diagnosis,month 6", "--assembly", "GRCh38"]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(c)));
  }, 60_000);
});
