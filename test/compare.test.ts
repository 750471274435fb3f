/**
 * `marrowscope compare` / `compareTimepoints` (issue 22): a synthetic time series made from the
 * demo: the PIGA clone shrinks (9/150 → 2/300), the DNMT3A R882H clone grows (12/100 → 30/100),
 * and a TP53 R248Q clone appears at the second point. The expected calls follow from the reads (a
 * two-proportion test, p < 0.01) and from the panel's codes: TP53 is a high-risk clone
 * (HIGH_RISK_CLONE) and DNMT3A an adverse one (ADVERSE_PROGNOSIS).
 *
 * A second series, made from the validation fixtures, holds the other events the issue names:
 * RUNX1, SRSF2, U2AF1 and SF3B1 clones and a monosomy 7 appearing mid-series in files whose one
 * sample is named after the specimen, and a growing ASXL1 clone.
 *
 * Which clone is high-risk or adverse is the panel's reading, with the evidence each validation
 * case cites (fixtures/validation/cases.json): TP53, RUNX1, SRSF2, U2AF1 and −7 are high-risk clones
 * (Yoshizato 2015 DOI:10.1056/NEJMoa1414799; PMID:32430502; DOI:10.1182/blood.2021012130; −7
 * PMID:11964274, PMID:28708320); DNMT3A and ASXL1 adverse (Yoshizato 2015; ogawa-2016-blood,
 * PMID:27993330); SF3B1 is the splicing gene with the favourable MDS prognosis
 * (spliceosome-blood-2012-119-3203), so clonal-evolution risk only and no new-clone alert.
 *
 * The HTML plot's coordinates are computed here from the VAFs and the plot's geometry.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type Comparison, zOf } from "../src/compare.js";
import { annotate, compareTimepoints, comparisonHtml, comparisonMarkdown, DISCLAIMER, type Report } from "../src/node.js";
import { TRAJECTORY_PLOT } from "../src/report/trajectory-html.js";
import { CHROMIUM, FIXTURES, inChromium, runCli, tempDir } from "./helpers.js";

const demo = () => gunzipSync(readFileSync(join(FIXTURES, "demo.vcf.gz"))).toString("utf8");

/** The demo series: two files, their reports, the comparison labelled diagnosis and month 6. */
let demoSeries: Promise<{ files: string[]; reports: Report[]; c: Comparison }> | undefined;
function series() {
  demoSeries ??= (async () => {
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
    return { files: [t0, t1], reports, c: compareTimepoints(reports, ["diagnosis", "month 6"]) };
  })();
  return demoSeries;
}

/** The part of the page that is the plot (the legend's swatches are SVGs of their own). */
function plotOf(html: string): string {
  const start = html.indexOf('<svg xmlns="http://www.w3.org/2000/svg" class="plot"');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</svg>", start) + 6);
}

/** Each clone group of the plot: its attributes, polylines (as point lists) and marker centres. */
function clonesOf(plot: string) {
  return [...plot.matchAll(/<g class="clone" ([^>]*)>([\s\S]*?)<\/g>/g)].map(([, attrs, inner]) => ({
    attrs: Object.fromEntries([...attrs!.matchAll(/([a-z-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!])),
    polylines: [...inner!.matchAll(/<polyline points="([^"]*)"/g)].map(([, pts]) => pts!.split(" ").map((xy) => xy.split(",").map(Number))),
    markers: [...inner!.matchAll(/<circle cx="([^"]*)" cy="([^"]*)"/g)].map(([, cx, cy]) => [Number(cx), Number(cy)]),
  }));
}

/** Where the plot must put time point `t` of `count` and a VAF on an axis topped at `axisTop`. */
function at(t: number, count: number, vaf: number, axisTop: number): [number, number] {
  const { width, height, left, right, top, bottom } = TRAJECTORY_PLOT;
  return [left + (t * (width - left - right)) / (count - 1), top + (height - top - bottom) * (1 - vaf / axisTop)];
}

/** Coordinates are written rounded to 0.1. */
function expectNear(actual: readonly number[][], expected: readonly number[][]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((point, i) => {
    expect(Math.abs(point[0]! - expected[i]![0]!), `x of point ${i}`).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(point[1]! - expected[i]![1]!), `y of point ${i}`).toBeLessThanOrEqual(0.05 + 1e-9);
  });
}

/** A comparison made by hand, to test the page alone. */
function handMade(
  labels: string[],
  trajectories: { gene: string; variant: string; vafs: (number | null | undefined)[]; codes?: string[] }[],
) {
  return {
    disclaimer: DISCLAIMER,
    labels,
    trajectories: trajectories.map((t) => ({
      sample: "S1",
      gene: t.gene,
      variant: t.variant,
      classification: "likely-pathogenic",
      codes: t.codes ?? [],
      // undefined: not called; null: called without a VAF.
      points: t.vafs.map((v, i) => ({
        label: labels[i]!,
        present: v !== undefined,
        ...(typeof v === "number" ? { vaf: v, altDepth: Math.round(v * 100), depth: 100 } : {}),
      })),
      steps: t.vafs.slice(1).map(() => "stable" as const),
      trend: "stable" as const,
    })),
    alerts: [],
  } satisfies Comparison;
}

describe("serial samples", () => {
  it("a shrinking PIGA clone, a growing DNMT3A clone and a new TP53: trends and alerts", async () => {
    const { files, reports, c } = await series();
    const trend = Object.fromEntries(c.trajectories.map((t) => [t.gene, t.trend]));
    expect(trend).toMatchObject({ DNMT3A: "growing", PIGA: "shrinking", TP53: "new", TERT: "stable" });
    expect(c.alerts.map((a) => `${a.kind} ${a.gene} ${a.at}`).sort()).toEqual([
      "adverse-growing DNMT3A month 6",
      "new-high-risk TP53 month 6",
    ]);
    const dnmt3a = c.trajectories.find((t) => t.gene === "DNMT3A")!;
    expect(dnmt3a.points).toEqual([
      { label: "diagnosis", present: true, vaf: 0.12, altDepth: 12, depth: 100 },
      { label: "month 6", present: true, vaf: 0.3, altDepth: 30, depth: 100 },
    ]);
    // The test itself: 12/100 → 30/100 is beyond chance, 12/100 → 15/100 is not.
    expect(zOf({ alt: 12, depth: 100 }, { alt: 30, depth: 100 })).toBeGreaterThan(2.58);
    expect(Math.abs(zOf({ alt: 12, depth: 100 }, { alt: 15, depth: 100 }))).toBeLessThan(2.58);
    expect(comparisonMarkdown(c)).toContain("| DNMT3A | chr2:25234373:C:T | 12.0% (12/100) | 30.0% (30/100) | **growing** |");
    expect(comparisonMarkdown(c)).toContain("| TP53 | chr17:7674220:C:T | – | 10.0% (9/90) | **new** |");
    // The CLI gives the same JSON.
    const cli = await runCli(["compare", ...files, "--labels", "diagnosis,month 6", "--assembly", "GRCh38"]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(c)));
    expect(compareTimepoints(reports, ["diagnosis", "month 6"])).toEqual(c);
  }, 60_000);

  it("RUNX1, SRSF2, U2AF1 and −7 appearing mid-series alert, SF3B1 does not; ASXL1 growth alerts; samples named per specimen match", async () => {
    const dir = tempDir("compare-events-");
    const validation = (file: string) => readFileSync(join(FIXTURES, "validation", file), "utf8").split("\n");
    const records = (file: string) => validation(file).filter((l) => l !== "" && !l.startsWith("#"));
    const recordOf = (file: string, gene: string) => records(file).find((l) => l.includes(`|${gene}|`))!;
    // The monosomy-7 file's header (every contig, the SV fields) with the SNV files' CSQ and FORMAT.
    const header = [
      ...validation("v47-monosomy7-grch38.vcf").filter((l) => l.startsWith("##")),
      ...validation("v38-dnmt3a-asxl1-clones.vcf").filter((l) => /^##(INFO=<ID=CSQ|FORMAT=<ID=(AD|DP))/.test(l)),
    ];
    const write = (name: string, sample: string, lines: string[]) => {
      const file = join(dir, `${name}.vcf`);
      writeFileSync(file, [...header, `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${sample}`, ...lines, ""].join("\n"));
      return file;
    };
    const dnmt3a = recordOf("v38-dnmt3a-asxl1-clones.vcf", "DNMT3A");
    const asxl1 = (reads: string) => recordOf("v38-dnmt3a-asxl1-clones.vcf", "ASXL1").replace(/\t0\/1:88,12:100$/, `\t0/1:${reads}`);
    const snvs = [
      recordOf("v35-runx1-fs-vaf5.vcf", "RUNX1"),
      recordOf("v37-srsf2-p95h-vaf8.vcf", "SRSF2"),
      recordOf("v36-u2af1-s34f-vaf8.vcf", "U2AF1"),
      recordOf("v03-sf3b1-k700e-vaf40-single.vcf", "SF3B1"),
    ];
    const monosomy7 = records("v47-monosomy7-grch38.vcf")[0]!;
    // The same loss called with other breakpoints at the next point (still over half of each arm).
    const monosomy7Again = monosomy7
      .replace("chr7\t10000\t", "chr7\t60000\t")
      .replace("END=159335973;SVLEN=-159325973", "END=159300000;SVLEN=-159240000");
    expect(asxl1("70,30:100")).toContain("0/1:70,30:100");
    expect(monosomy7Again).not.toBe(monosomy7);
    // VCF order: by contig as the header lists them, then position.
    const sorted = (lines: string[]) => {
      const contigs = header.flatMap((l) => /^##contig=<ID=([^,>]+)/.exec(l)?.[1] ?? []);
      const rank = (l: string) => [contigs.indexOf(l.split("\t")[0]!), Number(l.split("\t")[1])] as const;
      return [...lines].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
    };
    const files = [
      write("dx", "AA01_dx", sorted([dnmt3a, asxl1("88,12:100")])),
      write("m3", "AA01_m3", sorted([dnmt3a, asxl1("70,30:100"), ...snvs, monosomy7])),
      write("m6", "AA01_m6", sorted([asxl1("68,32:100"), ...snvs, monosomy7Again])),
    ];
    const reports = [];
    for (const file of files) reports.push(await annotate(file, { assembly: "GRCh38", strategy: "scan" }));
    const c = compareTimepoints(reports, ["dx", "m3", "m6"]);
    const byGene = Object.fromEntries(c.trajectories.map((t) => [t.gene, t]));
    expect(Object.keys(byGene).sort()).toEqual(["-7", "ASXL1", "DNMT3A", "RUNX1", "SF3B1", "SRSF2", "U2AF1"]);
    expect(c.trajectories).toHaveLength(7);
    for (const t of c.trajectories) expect(t.sample).toBe("AA01_dx / AA01_m3 / AA01_m6");
    expect(byGene.DNMT3A!.steps).toEqual(["stable", "lost"]);
    expect(byGene.ASXL1!.steps).toEqual(["growing", "stable"]);
    for (const gene of ["RUNX1", "SRSF2", "U2AF1", "SF3B1", "-7"]) expect(byGene[gene]!.steps, gene).toEqual(["new", "stable"]);
    // −7 is matched by its label across the two calls, and has no VAF (a GT-only CNV record).
    expect(byGene["-7"]!.points.map((p) => p.present)).toEqual([false, true, true]);
    expect(byGene["-7"]!.points[1]!.vaf).toBeUndefined();
    expect(byGene.SF3B1!.codes).not.toContain("HIGH_RISK_CLONE");
    // Every alert is at m3, where the clones appeared and ASXL1 grew; none at m6, though it is the last.
    expect(c.alerts.map((a) => `${a.at} ${a.kind} ${a.gene}`).sort()).toEqual([
      "m3 adverse-growing ASXL1",
      "m3 new-high-risk -7",
      "m3 new-high-risk RUNX1",
      "m3 new-high-risk SRSF2",
      "m3 new-high-risk U2AF1",
    ]);
    expect(c.alerts.find((a) => a.gene === "ASXL1")!.statement).toContain("grew from 12.0% (12/100) at dx to 30.0% (30/100) at m3");
    const md = comparisonMarkdown(c);
    expect(md).toContain(
      "| \\-7 | chr7:10000:N:<DEL> | – | present (no VAF) | present (no VAF) | new, **stable** |".replace("<DEL>", "\\<DEL\\>"),
    );
    // The page: −7 is in the table, not in the plot, and the note says so.
    const html = comparisonHtml(c);
    const clones = clonesOf(plotOf(html));
    // In first-seen order: dx's findings, then m3's new ones in file order.
    expect(clones.map((g) => g.attrs["data-gene"])).toEqual(["DNMT3A", "ASXL1", "SF3B1", "SRSF2", "RUNX1", "U2AF1"]);
    expect(html).toContain("1 finding(s) without a VAF (e.g. a copy-number call) are in the table only.");
    expect(html).toContain("<td>-7</td>");
  }, 60_000);

  it("the HTML page: the plot's lines and markers where the VAFs put them, the legend, the table, the alerts", async () => {
    const { c } = await series();
    const html = comparisonHtml(c);
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true);
    expect(html).toContain(`<p class="disclaimer">${DISCLAIMER}</p>`);
    // Self-contained: nothing to fetch, nothing to run.
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|url\(|@import/i);
    const plot = plotOf(html);
    expect(plot).toContain('role="img"');
    expect(plot).toContain('<title id="trajectory-title">Variant allele fraction over time</title>');
    // The highest VAF drawn is TERT's 30/62 = 48.4%: the axis goes to 50%.
    const axisTop = 0.5;
    expect(plot).toContain(">50%</text>");
    expect(plot).not.toContain(">60%</text>");
    const clones = clonesOf(plot);
    expect(clones.map((g) => [g.attrs["data-gene"], g.attrs["data-trend"], g.attrs["data-risk"]])).toEqual([
      ["DNMT3A", "growing", "adverse"],
      ["TERT", "stable", "adverse"],
      ["PIGA", "shrinking", undefined],
      ["TP53", "new", "high-risk"],
    ]);
    expect(plot.match(/<polyline /g)).toHaveLength(3);
    const vafs: Record<string, (number | undefined)[]> = {
      DNMT3A: [0.12, 0.3],
      TERT: [30 / 62, 30 / 62],
      PIGA: [0.06, 0.0067],
      TP53: [undefined, 0.1],
    };
    for (const g of clones) {
      const series = vafs[g.attrs["data-gene"]!]!;
      const expected = series.flatMap((v, t) => (v === undefined ? [] : [at(t, 2, v, axisTop)]));
      expectNear(g.markers, expected);
      // TP53 was not called at diagnosis: one marker, no line, and no 0 drawn for it.
      if (series.includes(undefined)) expect(g.polylines).toEqual([]);
      else {
        expect(g.polylines).toHaveLength(1);
        expectNear(g.polylines[0]!, expected);
      }
    }
    // The marked clones are drawn thicker with ringed markers.
    expect(plot.match(/stroke-width="3"/g)).toHaveLength(2);
    expect(plot.match(/<circle [^>]*stroke="#000"/g)).toHaveLength(5);
    // The legend names gene, variant, trend and mark; the notes say what a gap is.
    expect(html).toContain('<strong>TP53</strong> chr17:7674220:C:T: new <span class="risk">(high-risk)</span></li>');
    expect(html).toContain("<strong>PIGA</strong> chrX:15331500:G:A: shrinking</li>");
    expect(html).toContain("no VAF of 0 is drawn");
    // The table of values beside the plot, and the alerts.
    for (const cell of ["12.0% (12/100)", "30.0% (30/100)", "6.0% (9/150)", "0.7% (2/300)", "10.0% (9/90)", "–", "48.4% (30/62)"]) {
      expect(html).toContain(`<td>${cell}</td>`);
    }
    expect(html).toMatch(
      /<tr>\n<td>TP53<\/td>\n<td>chr17:7674220:C:T<\/td>\n<td>–<\/td>\n<td>10\.0% \(9\/90\)<\/td>\n<td><strong>new<\/strong><\/td>/,
    );
    const alerts = html.slice(html.indexOf('<ul class="alerts">'), html.indexOf("</ul>", html.indexOf('<ul class="alerts">')));
    expect(alerts.match(/<li>/g)).toHaveLength(2);
    expect(alerts).toContain("New high-risk clone at month 6: TP53 chr17:7674220:C:T, 10.0% (9/90); not called at diagnosis.");
    expect(alerts).toContain(
      "DNMT3A chr2:25234373:C:T, a clone with an adverse association, grew from 12.0% (12/100) at diagnosis to 30.0% (30/100) at month 6.",
    );
    // Deterministic: the same comparison, made again, gives the same bytes.
    expect(comparisonHtml(compareTimepoints((await series()).reports, ["diagnosis", "month 6"]))).toBe(html);
  }, 60_000);

  it("gaps: a point not called or called without a VAF breaks the line; nothing is drawn at 0 for it", () => {
    const labels = ["a", "b", "c", "d"];
    const c = handMade(labels, [
      { gene: "G1", variant: "1:1:A:T", vafs: [0.2, undefined, 0.4, 0.3] },
      { gene: "G2", variant: "1:2:A:T", vafs: [0.05, null, 0.05, undefined] },
      { gene: "G3", variant: "1:3:A:T", vafs: [null, null, null, null] },
    ]);
    const html = comparisonHtml(c);
    const clones = clonesOf(plotOf(html));
    expect(clones.map((g) => g.attrs["data-gene"])).toEqual(["G1", "G2"]);
    const [g1, g2] = clones;
    // Axis: 40% is the highest VAF.
    expectNear(g1!.markers, [at(0, 4, 0.2, 0.4), at(2, 4, 0.4, 0.4), at(3, 4, 0.3, 0.4)]);
    expect(g1!.polylines).toHaveLength(1);
    expectNear(g1!.polylines[0]!, [at(2, 4, 0.4, 0.4), at(3, 4, 0.3, 0.4)]);
    expectNear(g2!.markers, [at(0, 4, 0.05, 0.4), at(2, 4, 0.05, 0.4)]);
    expect(g2!.polylines).toEqual([]);
    expect(html).toContain("<td>present (no VAF)</td>");
    expect(html).toContain("1 finding(s) without a VAF (e.g. a copy-number call) are in the table only.");
    // Nothing with a VAF at all: no plot, said.
    const none = comparisonHtml(handMade(["a", "b"], [{ gene: "G3", variant: "1:3:A:T", vafs: [null, undefined] }]));
    expect(none).not.toContain("<svg");
    expect(none).toContain("No finding has a VAF at any time point");
    // Small clones get a small axis (rounded up to 10%).
    const small = clonesOf(plotOf(comparisonHtml(handMade(["a", "b"], [{ gene: "G", variant: "v", vafs: [0.01, 0.07] }]))));
    expectNear(small[0]!.markers, [at(0, 2, 0.01, 0.1), at(1, 2, 0.07, 0.1)]);
  });

  it("escapes hostile labels, sample names, genes and variants in text and in attributes", () => {
    const label = `<script>alert("x")</script>`;
    const amp = `a & b "q" 'r' $& $1`;
    const gene = `<img src=x onerror="alert(1)">`;
    const variant = `1:1:A:"><svg onload=alert(1)>`;
    const c = handMade([label, amp], [{ gene, variant, vafs: [0.1, 0.2], codes: ["HIGH_RISK_CLONE"] }]);
    const html = comparisonHtml({ ...c, alerts: [{ kind: "new-high-risk", gene, variant, at: amp, statement: `New at ${amp}: ${gene}` }] });
    expect(html).not.toMatch(/<script|<img|<svg onload|onerror="/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("a &amp; b &quot;q&quot; 'r' $&amp; $1");
    const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
    const [g] = clonesOf(plotOf(html));
    expect(g!.attrs["data-gene"]).toBe(esc(gene));
    expect(g!.attrs["data-variant"]).toBe(esc(variant));
    // Every double-quoted attribute value holds no raw quote or angle bracket.
    for (const [, value] of html.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/);
    // The `$&` of a label is text, not a replacement pattern: the heading and the figure are there once.
    expect(html.split("<h2>Clones over time</h2>")).toHaveLength(2);
    expect(html.split("<figure>")).toHaveLength(2);
  });

  it("the CLI writes the page with -f html, byte for byte the library's", async () => {
    const { files, c } = await series();
    const out = join(tempDir("compare-html-"), "trajectory.html");
    const cli = await runCli(["compare", ...files, "--labels", "diagnosis,month 6", "--assembly", "GRCh38", "-f", "html", "-o", out]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(comparisonHtml(c));
    const md = await runCli(["compare", ...files, "--labels", "diagnosis,month 6", "--assembly", "GRCh38", "-f", "md"]);
    expect(md.stdout).toBe(comparisonMarkdown(c));
  }, 60_000);

  it.skipIf(!existsSync(CHROMIUM))(
    "renders in Chromium: the plot has a size, nothing loads or runs, hostile values are text",
    async () => {
      const { c } = await series();
      const hostile = `<script>window.ran=1</script>"&'`;
      const dir = tempDir("compare-chromium-");
      const file = join(dir, "trajectory.html");
      writeFileSync(file, comparisonHtml({ ...c, labels: [hostile, c.labels[1]!] }));
      await inChromium(file, async (page, requests) => {
        expect(requests).toEqual([`file://${file}`]);
        expect(await page.evaluate(() => (window as unknown as { ran?: number }).ran)).toBeUndefined();
        expect(await page.locator("script").count()).toBe(0);
        const box = await page.locator("svg.plot").boundingBox();
        expect(box!.width).toBeGreaterThan(300);
        expect(box!.height).toBeGreaterThan(100);
        expect(await page.locator("svg.plot g.clone").count()).toBe(4);
        expect(await page.locator("svg.plot g.clone").first().getAttribute("data-gene")).toBe("DNMT3A");
        expect(await page.locator("table th").nth(2).textContent()).toBe(hostile);
        expect(await page.locator("svg.plot").getAttribute("aria-labelledby")).toBe("trajectory-title trajectory-desc");
        const pdf = await page.pdf({ format: "A4" });
        expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      });
    },
    60_000,
  );
});
