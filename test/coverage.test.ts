import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { CalledRegions, type CoverageResult, IntervalBuilder, parseBed, readTargets } from "../src/coverage.js";
import { indexPanel } from "../src/match.js";
import type { Region } from "../src/model.js";
import { annotate } from "../src/node.js";
import { nodeResolvers } from "../src/node-resolvers.js";
import { builtinPanel, loadPanel } from "../src/panel/index.js";
import { browserResolvers } from "../src/read.js";
import type { Report } from "../src/report/schema.js";
import { parseHeader } from "../src/vcf/header.js";
import { type QuickLocus, quickLocus, regionSet } from "../src/vcf/prefilter.js";
import { createRecordParser } from "../src/vcf/records.js";
import { type ScanStats, scanBatches } from "../src/vcf/scan.js";
import { gz, rejectedWith, runCli, SHARED, tempDir, thrownBy, vcfText } from "./helpers.js";

const errorOf = thrownBy;
const rejection = rejectedWith;

// ------------------------------------------------------------------ BED

describe("parseBed", () => {
  it("turns 0-based half-open intervals into 1-based inclusive ones", () => {
    const set = parseBed("chr1\t0\t10\n", "t.bed");
    expect([...set.regions()]).toEqual([{ chrom: "1", start: 1, end: 10 }]);
    expect(set.covered("chr1", 1, 10)).toBe(10);
    expect(set.covered("1", 10, 11)).toBe(1);
    expect(set.covered("1", 11, 20)).toBe(0);
    // A zero-length interval (an insertion point) covers nothing.
    expect([...parseBed("chr1\t0\t10\nchr1\t50\t50\n", "t.bed").regions()]).toEqual([{ chrom: "1", start: 1, end: 10 }]);
  });

  it("skips track, browser, comment and blank lines; accepts CRLF, extra columns and space-separated lines", () => {
    const text = [
      "browser position chr7:127471196-127495720",
      'track name="exome targets" description="capture v2"',
      "# chrom\tstart\tend\tname",
      "",
      "chr7\t100\t200\tEXON1\t0\t+",
      "   ",
      "7 300 400",
      "chr7\t399\t500",
      "",
    ].join("\r\n");
    const set = parseBed(text, "t.bed");
    expect([...set.regions()]).toEqual([
      { chrom: "7", start: 101, end: 200 },
      { chrom: "7", start: 301, end: 500 },
    ]);
  });

  it("merges overlapping and touching intervals, in any order, across contig spellings", () => {
    const set = parseBed(
      ["chr2\t500\t600", "2\t0\t100", "chr2\t100\t200", "CHR2\t150\t300", "chrX\t5\t6", "chr2\t700\t800"].join("\n"),
      "t.bed",
    );
    expect([...set.regions()]).toEqual([
      { chrom: "2", start: 1, end: 300 },
      { chrom: "2", start: 501, end: 600 },
      { chrom: "2", start: 701, end: 800 },
      { chrom: "X", start: 6, end: 6 },
    ]);
    expect(set.covered("chr2", 250, 750)).toBe(51 + 100 + 50);
  });

  it("names file, line and field for a bad line (E_INPUT)", () => {
    const cases: [string, number, string, RegExp][] = [
      ["track x\nchr1\t0\t10\nchr1\t1O\t20\n", 3, "chromStart", /expected a non-negative integer, found "1O"/],
      ["chr1\t-5\t10\n", 1, "chromStart", /found "-5"/],
      ["chr1\t5\t1e3\n", 1, "chromEnd", /found "1e3"/],
      ["chr1\t20\t10\n", 1, "chromEnd", /chromEnd 10 is before chromStart 20/],
      ["chr1\t10\n", 1, "columns", /expected at least 3 columns .* found 2/],
      ["# header\n\nchr1\t10\t20\nchr1 10\r\n", 4, "columns", /found 2/],
      ["chr1\t0\t99999999999999999999\n", 1, "chromEnd", /non-negative integer/],
    ];
    for (const [text, line, field, message] of cases) {
      const error = errorOf(() => parseBed(text, "targets.bed"));
      expect(error.code).toBe("E_INPUT");
      expect(error.location).toEqual({ file: "targets.bed", line, field });
      expect(error.message).toMatch(new RegExp(`^targets\\.bed:${line}: ${field}: `));
      expect(error.message).toMatch(message);
    }
  });

  it("refuses a BED without intervals", () => {
    const error = errorOf(() => parseBed("track name=x\n# nothing\n", "empty.bed"));
    expect(error.code).toBe("E_INPUT");
    expect(error.message).toBe("empty.bed: the target BED holds no intervals");
  });

  it("keeps only intervals that touch the given regions", () => {
    const keep: Region[] = [{ chrom: "chr2", start: 1000, end: 2000 }];
    const set = parseBed("chr2\t0\t500\nchr2\t900\t1000\nchr2\t1500\t3000\nchr3\t1000\t2000\n", "t.bed", keep);
    expect([...set.regions()]).toEqual([
      { chrom: "2", start: 901, end: 1000 },
      { chrom: "2", start: 1501, end: 3000 },
    ]);
  });
});

describe("IntervalBuilder", () => {
  it("agrees with a base-by-base count on many unsorted, overlapping intervals (compaction included)", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const builder = new IntervalBuilder();
    const bases = new Uint8Array(200_001);
    for (let i = 0; i < 20_000; i++) {
      const start = 1 + random(199_000);
      const end = start + random(30);
      builder.add(i % 2 ? "chr9" : "9", start, end);
      bases.fill(1, start, end + 1);
    }
    const set = builder.build();
    for (const [from, to] of [
      [1, 200_000],
      [1234, 5678],
      [150_000, 150_000],
      [99_990, 100_100],
    ] as const) {
      let expected = 0;
      for (let p = from; p <= to; p++) expected += bases[p]!;
      expect(set.covered("9", from, to)).toBe(expected);
    }
    const regions = [...set.regions()];
    for (let i = 1; i < regions.length; i++) expect(regions[i]!.start).toBeGreaterThan(regions[i - 1]!.end + 1);
  });
});

describe("readTargets", () => {
  it("reads a path (Node), gzip included, and { text } and a Blob anywhere", async () => {
    const dir = tempDir();
    const text = "track name=t\nchr17\t7668401\t7687550\n";
    const plain = join(dir, "t.bed");
    const packed = join(dir, "t.bed.gz");
    writeFileSync(plain, text);
    writeFileSync(packed, gz(text));
    const expected = [{ chrom: "17", start: 7668402, end: 7687550 }];
    expect([...(await readTargets(plain, nodeResolvers)).regions()]).toEqual(expected);
    expect([...(await readTargets(packed, nodeResolvers)).regions()]).toEqual(expected);
    expect([...(await readTargets({ text }, browserResolvers)).regions()]).toEqual(expected);
    expect([...(await readTargets(new Blob([gz(text) as Uint8Array<ArrayBuffer>]), browserResolvers)).regions()]).toEqual(expected);
  });

  it("names the file and line of a bad line, and a missing file", async () => {
    const dir = tempDir();
    const path = join(dir, "bad.bed");
    writeFileSync(path, `${"chr1\t0\t10\n".repeat(50_000)}chr1\t10\tten\n`);
    const error = await rejection(readTargets(path, nodeResolvers));
    expect(error.code).toBe("E_INPUT");
    expect(error.location).toEqual({ file: path, line: 50_001, field: "chromEnd" });
    const missing = await rejection(readTargets(join(dir, "nope.bed"), nodeResolvers));
    expect(missing.code).toBe("E_INPUT");
    expect(missing.message).toMatch(/nope\.bed: cannot read: no such file/);
  });
});

// ------------------------------------------------------------------ gVCF reference blocks

/** Header and data lines of a bgzipped VCF from the shared corpus. */
function corpusLines(path: string): { header: string[]; data: string[] } {
  const lines = gunzipSync(readFileSync(path)).toString("utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const at = lines.findIndex((l) => l.startsWith("#CHROM"));
  return { header: lines.slice(0, at + 1), data: lines.slice(at + 1) };
}

describe("reference blocks in the record parser", () => {
  for (const name of ["raw.g.vcf.gz", "gvcf.vcf.gz"]) {
    it(`reports every block of tabix-js's ${name}, with whether it was called (oracle: the text)`, () => {
      const { header: headerLines, data } = corpusLines(join(SHARED, "corpus", "tabix-js", "test", "data", name));
      const header = parseHeader(headerLines, { file: name, strict: false });
      const seen: [string, number, number, boolean][] = [];
      const parser = createRecordParser(header, { file: name, onReferenceBlock: (...block) => seen.push(block) });
      let variants = 0;
      for (const [i, line] of data.entries()) variants += parser.parse(line, headerLines.length + i + 1).length;
      // Oracle: ALT exactly <NON_REF> or <*>, END in INFO; called unless MIN_DP (else DP) is 0 or GT has no allele.
      const expected = data.flatMap((line): [string, number, number, boolean][] => {
        const [chrom = "", pos = "", , , alt = "", , , info = "", format = "", sample = ""] = line.split("\t");
        const end = /(?:^|;)END=(\d+)/.exec(info);
        if ((alt !== "<NON_REF>" && alt !== "<*>") || !end) return [];
        const fields = new Map(format.split(":").map((k, i) => [k, sample.split(":")[i]]));
        const depth = fields.get("MIN_DP") ?? fields.get("DP");
        const called = /\d/.test(fields.get("GT") ?? "0") && depth !== "0";
        return [[chrom, Number(pos), Number(end[1]), called]];
      });
      expect(expected.length).toBeGreaterThan(0);
      expect(seen).toEqual(expected);
      // Blocks are not variants; the file's real variant sites still are (raw.g.vcf.gz has none).
      const alleles = data
        .flatMap((line) => (line.split("\t")[4] ?? "").split(","))
        .filter((a) => !["<NON_REF>", "<*>", "*", "."].includes(a));
      expect(variants).toBe(alleles.length);
      if (name === "raw.g.vcf.gz") expect(seen.filter((b) => !b[3]).length).toBeGreaterThan(0);
    });
  }

  it("a block needs END, and a variant site with <NON_REF> among its ALTs is not a block", () => {
    const text = vcfText(
      [
        "chr2\t100\t.\tA\t<NON_REF>\t.\t.\tEND=150\tGT:DP\t0/0:20",
        "chr2\t151\t.\tA\t<NON_REF>\t.\t.\t.\tGT:DP\t0/0:20",
        "chr2\t152\t.\tA\tT,<NON_REF>\t50\t.\t.\tGT:DP\t0/1:20",
        "chr2\t153\t.\tA\t<*>\t.\t.\tDP=3;END=160\tGT:DP\t./.:3",
        "chr2\t161\t.\tA\t<NON_REF>\t.\t.\tEND=170\tGT:DP\t0/0:0",
      ],
      { meta: ['##INFO=<ID=END,Number=1,Type=Integer,Description="End">'] },
    );
    const lines = text.trimEnd().split("\n");
    const at = lines.findIndex((l) => l.startsWith("#CHROM"));
    const header = parseHeader(lines.slice(0, at + 1), { file: "t.vcf" });
    const seen: unknown[] = [];
    const parser = createRecordParser(header, { file: "t.vcf", onReferenceBlock: (...block) => seen.push(block) });
    const variants = lines.slice(at + 1).flatMap((line, i) => parser.parse(line, at + 2 + i));
    expect(seen).toEqual([
      ["chr2", 100, 150, true],
      ["chr2", 153, 160, false],
      ["chr2", 161, 170, false],
    ]);
    expect(variants.map((v) => v.key)).toEqual(["chr2:152:A:T"]);
  });

  it("the scan's prefilter reads a block's extent from END, so blocks away from the panel are not parsed", async () => {
    const locus: QuickLocus = { chrom: "", pos: 0, end: 0, structural: false, columns: 0 };
    const block = "chr2\t100\t.\tA\t<NON_REF>\t.\t.\tDP=9;END=5000\tGT\t0/0";
    expect({ ...quickLocus(block, locus) }).toMatchObject({ pos: 100, end: 5000, structural: false });
    expect({ ...quickLocus("chr2\t100\t.\tA\t<*>\t.\t.\tEND=120\tGT\t0/0", locus) }).toMatchObject({ end: 120, structural: false });
    expect({ ...quickLocus("chr2\t100\t.\tA\tT,<NON_REF>\t.\t.\tEND=120\tGT\t0/1", locus) }).toMatchObject({ structural: true });
    expect({ ...quickLocus("chr2\t100\t.\tA\t<DEL>\t.\t.\tEND=120\tGT\t0/1", locus) }).toMatchObject({ structural: true });

    const name = "raw.g.vcf.gz";
    const { header: headerLines, data } = corpusLines(join(SHARED, "corpus", "tabix-js", "test", "data", name));
    const header = parseHeader(headerLines, { file: name, strict: false });
    const blocks: [string, number, number, boolean][] = [];
    const parser = createRecordParser(header, { file: name, onReferenceBlock: (...b) => blocks.push(b) });
    const wanted = { chrom: "ctgA", start: 20_000, end: 21_000 };
    const stats: ScanStats = { records: 0, parsed: 0, skipped: 0, contigs: new Set() };
    async function* batches() {
      yield { lines: data, firstLine: headerLines.length + 1 };
    }
    const scan = scanBatches(batches(), { file: name, header, parser, filter: regionSet([wanted]), strict: true, stats }, () => {});
    for await (const _ of scan) {
      // the callback does the work
    }
    const touching = data.filter((line) => {
      const [, pos = "", , ref = "", alt = "", , , info = ""] = line.split("\t");
      const end = /(?:^|;)END=(\d+)/.exec(info);
      const last = (alt === "<NON_REF>" || alt === "<*>") && end ? Number(end[1]) : Number(pos) + ref.length - 1;
      return Number(pos) <= wanted.end && last >= wanted.start;
    });
    expect(stats.records).toBe(data.length);
    // Variant sites carry <NON_REF> beside their ALT (symbolic, so always parsed); blocks only where they touch.
    const variantSites = data.filter((l) => l.split("\t")[4] !== "<NON_REF>").length;
    expect(stats.parsed).toBe(touching.filter((l) => l.split("\t")[4] === "<NON_REF>").length + variantSites);
    expect(blocks.length).toBe(touching.filter((l) => l.split("\t")[4] === "<NON_REF>").length);
    expect(blocks.length).toBeGreaterThan(0);
    expect(stats.parsed).toBeLessThan(data.length / 2);
  });
});

describe("CalledRegions", () => {
  it("counts blocks, keeps called ones near the panel, merged", () => {
    const called = new CalledRegions([{ chrom: "chr2", start: 1000, end: 2000 }]);
    called.onReferenceBlock("chr2", 900, 1100, true);
    called.onReferenceBlock("chr2", 1101, 1300, true);
    called.onReferenceBlock("chr2", 1302, 1400, false);
    called.onReferenceBlock("chr2", 5000, 9000, true);
    called.onReferenceBlock("chr3", 1000, 2000, true);
    expect([called.blocks, called.uncalledBlocks]).toEqual([5, 1]);
    expect([...called.build().regions()]).toEqual([{ chrom: "2", start: 900, end: 1300 }]);
  });
});

// ------------------------------------------------------------------ coverage in reports

const GRCH38 = indexPanel(builtinPanel, "GRCh38");

/** A gene's merged span on GRCh38 (locus with flanks plus the panel's regions), one chromosome. */
function spanOf(symbol: string): { chrom: string; start: number; end: number } {
  const spans = GRCH38.spans.filter((s) => s.gene.symbol === symbol);
  return { chrom: `chr${spans[0]!.chrom}`, start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) };
}

const DNMT3A_R882H = "chr2\t25234373\t.\tC\tT\t50\tPASS\t.\tGT:AD:DP\t0/1:50,10:60";
const VCF = vcfText([DNMT3A_R882H]);
const placed = builtinPanel.genes.map((g) => g.symbol).filter((s) => !GRCH38.unplaced.some((u) => u.symbol === s));

function coverage(report: Report) {
  // Typed as src/coverage.ts makes it (`notes` included, whether or not the report schema has it yet).
  const c = report.samples[0]!.coverage! as CoverageResult;
  return { ...c, reasons: new Map(c.notAssessed.map((n) => [n.symbol, n.reason])) };
}

const CALLED_FRACTION_PANEL = loadPanel({
  schemaVersion: 1,
  id: "called-fraction-test",
  version: "1.0.0",
  released: "2026-12-01",
  extends: "builtin",
  thresholds: {
    "called-fraction": {
      kind: "fraction",
      min: 0.9,
      description: "Test threshold: 90% of a gene's span called",
      evidence: builtinPanel.thresholds["chip-vaf"]!.evidence,
    },
  },
});

describe("coverage: no evidence", () => {
  it("every placed gene is not evaluable, saying what would make it evaluable (basis none)", async () => {
    const c = coverage(await annotate({ text: VCF }));
    expect(c.basis).toBe("none");
    expect(c.assessed).toEqual([]);
    expect(c.calledFraction).toBeUndefined();
    expect(c.notAssessed.map((n) => n.symbol).sort()).toEqual([...builtinPanel.genes.map((g) => g.symbol)].sort());
    for (const symbol of placed) {
      if (symbol === "U2AF1") continue; // its GRCh38 blind-spot statement
      expect(c.reasons.get(symbol)).toMatch(
        /^not evaluable: nothing says which regions the input called.*--targets BED.*gVCF.*--scope genome\|exome/,
      );
    }
    // A variant in a gene shows where it was, not that the rest was called.
    expect(c.reasons.get("DNMT3A")).toMatch(/variants were seen in it/);
    expect(c.reasons.get("TP53")).not.toMatch(/variants were seen/);
  });
});

describe("coverage: declared scope", () => {
  it("genome: every placed gene is assessed except a blind spot without variants", async () => {
    const c = coverage(await annotate({ text: VCF }, { scope: "genome" }));
    expect(c.basis).toBe("declared-genome");
    expect(c.assessed).toEqual(placed.filter((s) => s !== "U2AF1").sort());
    expect(c.reasons.get("U2AF1")).toMatch(/blind spot/);
  });

  it("a blind-spot gene with a variant is judged like the others", async () => {
    const u2af1 = spanOf("U2AF1");
    const text = vcfText([`${u2af1.chrom}\t${u2af1.start + 500}\t.\tC\tT\t50\tPASS\t.\tGT:AD:DP\t0/1:50,10:60`], {
      meta: ["##contig=<ID=chr21,length=46709983>"],
    });
    const c = coverage(await annotate({ text }, { scope: "genome" }));
    expect(c.assessed).toContain("U2AF1");
  });

  it("exome: non-coding genes are not evaluable, and a note says what an exome may leave out", async () => {
    const c = coverage(await annotate({ text: VCF }, { scope: "exome" }));
    expect(c.basis).toBe("declared-exome");
    expect(c.assessed).not.toContain("TERC");
    expect(c.assessed).toContain("DNMT3A");
    expect(c.reasons.get("TERC")).toMatch(/^not evaluable: a declared exome covers coding exons, and the gene table lists TERC as lncRNA/);
    expect(c.notes?.join(" ")).toMatch(/declared exome: .*promoter, enhancer.*TERT \(TERT promoter/);
  });

  it("targets win over a declared scope", async () => {
    const c = coverage(await annotate({ text: VCF }, { scope: "genome", targets: { text: "chr2\t25000000\t26000000\n" } }));
    expect(c.basis).toBe("targets");
  });
});

describe("coverage: targets", () => {
  const dnmt3a = spanOf("DNMT3A");
  const tp53 = spanOf("TP53");
  const tp53Half = Math.floor((tp53.start + tp53.end) / 2);
  // BED is 0-based half-open: [start - 1, end) is the 1-based span.
  const bed = [
    "track name=capture",
    `${dnmt3a.chrom}\t${dnmt3a.start - 1}\t${dnmt3a.end}`,
    `${tp53.chrom}\t${tp53.start - 1}\t${tp53Half}`,
    "chr2\t100000000\t100001000",
  ].join("\n");

  it("a gene counts when the targets cover its span; the fraction is reported per gene", async () => {
    const c = coverage(await annotate({ text: VCF }, { targets: { text: bed } }));
    expect(c.basis).toBe("targets");
    expect(c.calledFraction?.DNMT3A).toBe(1);
    expect(c.calledFraction?.TP53).toBeCloseTo((tp53Half - tp53.start + 1) / (tp53.end - tp53.start + 1), 3);
    expect(c.calledFraction?.TERT).toBe(0);
    expect(Object.keys(c.calledFraction ?? {})).toEqual([...Object.keys(c.calledFraction ?? {})].sort());
    // The builtin panel has no called-fraction threshold: any overlap counts, and a note says so.
    expect(c.assessed).toEqual(["DNMT3A", "TP53"]);
    expect(c.notes).toEqual([expect.stringMatching(/no `called-fraction` threshold: .*any base of its span/)]);
    expect(c.reasons.get("TERT")).toMatch(/^not evaluable: the targets cover none of its span \(5:[\d,]+-[\d,]+.*targets covering it/);
  });

  it("with the panel's called-fraction threshold, a half-covered gene is not evaluable", async () => {
    const c = coverage(await annotate({ text: VCF }, { targets: { text: bed }, panel: CALLED_FRACTION_PANEL }));
    expect(c.assessed).toEqual(["DNMT3A"]);
    expect(c.notes).toBeUndefined();
    expect(c.reasons.get("TP53")).toMatch(
      /^not evaluable: the targets cover 5\d\.\d% of its span \([\d,]+ of [\d,]+ bp, 17:.*below the panel's called-fraction of 0\.9/,
    );
  });

  it("a bad BED stops the run (E_INPUT naming file and line)", async () => {
    const error = await rejection(annotate({ text: VCF }, { targets: { text: "chr2\t1\t100\nchr2\tx\t5\n", name: "capture.bed" } }));
    expect(error.code).toBe("E_INPUT");
    expect(error.location).toEqual({ file: "capture.bed", line: 2, field: "chromStart" });
  });

  it("refuses targets of the wrong kind (E_OPTIONS)", async () => {
    const error = await rejection(annotate({ text: VCF }, { targets: 42 as never }));
    expect(error.code).toBe("E_OPTIONS");
    expect(error.location.field).toBe("options.targets");
  });
});

/** A GATK-style gVCF: blocks over all of DNMT3A (split by one variant site), the first third of TP53, TERT at depth 0. */
function gvcf(): string {
  const dnmt3a = spanOf("DNMT3A");
  const tp53 = spanOf("TP53");
  const tert = spanOf("TERT");
  const block = (chrom: string, start: number, end: number, depth = 30) =>
    `${chrom}\t${start}\t.\tN\t<NON_REF>\t.\t.\tEND=${end}\tGT:DP:GQ:MIN_DP:PL\t0/0:${depth}:60:${depth}:0,60,900`;
  const blocks = (chrom: string, from: number, to: number, depth?: number) => {
    const out: string[] = [];
    for (let start = from; start <= to; start += 25_000) out.push(block(chrom, start, Math.min(to, start + 24_999), depth));
    return out;
  };
  const variant = 25_234_373;
  const records = [
    ...blocks("chr2", dnmt3a.start - 300, variant - 1),
    `chr2\t${variant}\t.\tC\tT,<NON_REF>\t400\t.\t.\tGT:AD:DP:GQ:PL\t0/1:50,10,0:60:99:300,0,900,450,930,1380`,
    ...blocks("chr2", variant + 1, dnmt3a.end + 300),
    block("chr2", 100_000_000, 100_500_000),
    ...blocks("chr5", tert.start, tert.end, 0),
    ...blocks("chr17", tp53.start, tp53.start + Math.floor((tp53.end - tp53.start) / 3)),
  ];
  const text = vcfText(records, {
    meta: [
      '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele at this location">',
      '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">',
      '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
      '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block">',
      '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">',
    ],
  });
  // tabix needs each contig's records sorted: chr2, chr5, chr17 is the header's order.
  return text;
}

describe("coverage: gVCF reference blocks", () => {
  let dir: string;
  let indexed: string;
  beforeAll(() => {
    dir = tempDir();
    const plain = join(dir, "sample.g.vcf");
    writeFileSync(plain, gvcf());
    execFileSync("bgzip", ["-f", plain]);
    execFileSync("tabix", ["-p", "vcf", `${plain}.gz`]);
    indexed = `${plain}.gz`;
  });

  it("blocks over a gene's span assess it; partial blocks give their fraction; depth-0 blocks do not count", async () => {
    const report = await annotate({ text: gvcf() }, { panel: CALLED_FRACTION_PANEL });
    const c = coverage(report);
    expect(report.input.strategy).toBe("scan");
    expect(c.basis).toBe("gvcf");
    expect(c.assessed).toEqual(["DNMT3A"]);
    // One base (the variant site) is not a block: rounded down, never shown as 1.
    expect(c.calledFraction?.DNMT3A).toBe(0.9999);
    expect(c.calledFraction?.TP53).toBeCloseTo(1 / 3, 2);
    expect(c.calledFraction?.TERT).toBe(0);
    expect(c.reasons.get("TP53")).toMatch(
      /^not evaluable: the gVCF's reference blocks cover 3\d\.\d% of its span .*below the panel's called-fraction of 0\.9; reference blocks over it/,
    );
    expect(c.reasons.get("TERT")).toMatch(/^not evaluable: the gVCF's reference blocks cover none of its span/);
    expect(c.notes).toEqual([expect.stringMatching(/^\d+ reference block\(s\) near panel genes had no called genotype or a depth of 0/)]);
    // The variant site is still a finding.
    expect(report.samples[0]!.findings.map((f) => f.gene.symbol)).toContain("DNMT3A");
  });

  it("without the threshold, any called base counts (and a note says so)", async () => {
    const c = coverage(await annotate({ text: gvcf() }));
    expect(c.assessed).toEqual(["DNMT3A", "TP53"]);
    expect(c.notes?.[0]).toMatch(/no `called-fraction` threshold/);
  });

  it("index reads give the same coverage as a scan", async () => {
    const byIndex = await annotate(indexed, { panel: CALLED_FRACTION_PANEL });
    const byScan = await annotate(indexed, { panel: CALLED_FRACTION_PANEL, strategy: "scan" });
    expect(byIndex.input.strategy).toBe("index");
    expect(byIndex.input.recordsRead).toBeLessThan(byScan.input.recordsRead);
    expect(byIndex.samples[0]!.coverage).toEqual(byScan.samples[0]!.coverage);
    expect(coverage(byIndex).assessed).toEqual(["DNMT3A"]);
  });

  it("targets win over gVCF blocks", async () => {
    const c = coverage(await annotate({ text: gvcf() }, { targets: { text: "chr17\t7000000\t8000000\n" } }));
    expect(c.basis).toBe("targets");
    // WRAP53 overlaps TP53 on the opposite strand.
    expect(c.assessed).toEqual(["TP53", "WRAP53"]);
  });
});

describe("marrowscope annotate --targets / --scope", () => {
  let dir: string;
  let vcf: string;
  beforeAll(() => {
    if (process.env.MARROWSCOPE_BUILD_ERROR) throw new Error(`build failed:\n${process.env.MARROWSCOPE_BUILD_ERROR}`);
    dir = tempDir();
    vcf = join(dir, "in.vcf");
    writeFileSync(vcf, VCF);
  });

  it("--targets BED (gzip too) and --scope set the basis", async () => {
    const dnmt3a = spanOf("DNMT3A");
    const bed = join(dir, "capture.bed.gz");
    writeFileSync(bed, gz(`${dnmt3a.chrom}\t${dnmt3a.start - 1}\t${dnmt3a.end}\n`));
    const [targets, genome, exome] = await Promise.all([
      runCli(["annotate", vcf, "--targets", bed]),
      runCli(["annotate", vcf, "--scope", "genome"]),
      runCli(["annotate", vcf, "--scope", "exome"]),
    ]);
    for (const r of [targets, genome, exome]) expect([r.code, r.stderr]).toEqual([0, ""]);
    const cov = (text: string) => JSON.parse(text).samples[0].coverage;
    expect(cov(targets.stdout)).toMatchObject({ basis: "targets", assessed: ["DNMT3A"] });
    expect(cov(genome.stdout).basis).toBe("declared-genome");
    expect(cov(exome.stdout).basis).toBe("declared-exome");
  });

  it("a bad BED line exits 3 naming file and line; a bad --scope exits 2", async () => {
    const bed = join(dir, "bad.bed");
    writeFileSync(bed, "chr2\t0\t100\nchr2\t200\t150\n");
    const bad = await runCli(["annotate", vcf, "--targets", bed]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe(`marrowscope: ${bed}:2: chromEnd: chromEnd 150 is before chromStart 200\n`);
    const scope = await runCli(["annotate", vcf, "--scope", "panel"]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scope.*panel/);
  });
});
