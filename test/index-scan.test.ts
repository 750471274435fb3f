/**
 * Index and scan must give identical findings (issue 3): on every indexed fixture, on every
 * hand-written case compressed and indexed here, and on a 1M-record file from
 * ../shared/bench/make-vcf.mjs. Reports are compared whole, minus what legitimately differs:
 * `input.strategy`, `input.recordsRead` (index mode reads only the panel's blocks) and
 * `findings[].source.line` (tabix reads carry no line numbers).
 *
 * Needs `bgzip` and `tabix` (Debian package `tabix`). The 1M-record file is cached under
 * node_modules/.cache by its generation parameters, since writing it dominates the run time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { indexPanel } from "../src/match.js";
import { annotate } from "../src/node.js";
import { builtinPanel } from "../src/panel/index.js";
import type { Report } from "../src/report/schema.js";
import { mergeRanges } from "../src/vcf/regions.js";
import { fixture, ROOT, SHARED, tempDir, vcfText } from "./helpers.js";

function requireTool(name: string): string {
  const probe = spawnSync(name, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${name} is not installed: index-scan tests need bgzip and tabix (Debian/Ubuntu: apt-get install tabix)`);
  }
  return name;
}

/**
 * The report without the fields index and scan are allowed to disagree on. Warnings name a
 * line too, in their location and message, so that is dropped from both.
 */
function comparable(report: Report): unknown {
  return {
    ...report,
    input: { ...report.input, strategy: undefined, recordsRead: undefined },
    // W_INDEX_EVENTS says what only an index read leaves out (arm events away from panel genes).
    warnings: report.warnings
      .filter((w) => w.code !== "W_INDEX_EVENTS")
      .map((w) => ({
        ...w,
        location: { ...w.location, line: undefined },
        message: w.message.replace(/^(.*?\.vcf(?:\.gz)?):(\d+|undefined):/, "$1:"),
      })),
    samples: report.samples.map((sample) => ({
      ...sample,
      findings: sample.findings.map((finding) => ({ ...finding, source: { ...finding.source, line: undefined } })),
    })),
  };
}

/** tabix needs each contig's records together and sorted by POS (the TCGA pair is not). */
function sortedForTabix(text: string): string {
  const lines = text.split("\n").filter((l) => l !== "");
  const header = lines.filter((l) => l.startsWith("#"));
  const data = lines.filter((l) => !l.startsWith("#"));
  const key = (l: string) => {
    const [chrom = "", pos = "0"] = l.split("\t", 2);
    return { chrom, pos: Number(pos) };
  };
  data.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x.chrom < y.chrom ? -1 : x.chrom > y.chrom ? 1 : x.pos - y.pos;
  });
  return `${[...header, ...data].join("\n")}\n`;
}

async function bothWays(path: string, options: Parameters<typeof annotate>[1] = {}): Promise<{ index: Report; scan: Report }> {
  const index = await annotate(path, { ...options, strategy: "index" });
  const scan = await annotate(path, { ...options, strategy: "scan" });
  expect(index.input.strategy).toBe("index");
  expect(scan.input.strategy).toBe("scan");
  return { index, scan };
}

function findingCount(report: Report): number {
  return report.samples.reduce((n, s) => n + s.findings.length, 0);
}

describe("index and scan agree on small files", () => {
  it("demo.vcf.gz with its .tbi", async () => {
    const { index, scan } = await bothWays(fixture("demo.vcf.gz"));
    expect(findingCount(scan)).toBeGreaterThan(0);
    expect(comparable(index)).toEqual(comparable(scan));
  });

  it("every hand-written case, bgzipped and indexed here", async () => {
    const bgzip = requireTool("bgzip");
    const tabix = requireTool("tabix");
    const dir = tempDir("marrowscope-index-");
    const cases = readdirSync(fixture("cases")).filter((f) => f.endsWith(".vcf"));
    expect(cases.length).toBeGreaterThan(20);
    let withFindings = 0;
    for (const name of cases) {
      const vcf = join(dir, name);
      writeFileSync(vcf, sortedForTabix(readFileSync(fixture("cases", name), "utf8")));
      execFileSync(bgzip, ["-f", vcf]);
      execFileSync(tabix, ["-p", "vcf", `${vcf}.gz`]);
      // The TCGA pair has no contig lines: say the build, as a user would.
      const options = name.startsWith("TCGA") ? ({ assembly: "GRCh37" } as const) : {};
      const { index, scan } = await bothWays(`${vcf}.gz`, options);
      if (findingCount(scan) > 0) withFindings++;
      expect({ name, report: comparable(index) }).toEqual({ name, report: comparable(scan) });
    }
    expect(withFindings).toBeGreaterThan(20);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("index reads block by block", () => {
  // Longer than the 64 KiB of text a BGZF block holds, so the region spans many blocks.
  const INDEX_WINDOW = 100_000;
  it("a long region, and records across block and region edges, come back once each", async () => {
    const bgzip = requireTool("bgzip");
    const tabix = requireTool("tabix");
    // DNMT3A's read region on chr2 (gene plus flanks).
    const region = indexPanel(builtinPanel, "GRCh38").readRegions.find(
      (r) => r.chrom.replace(/^chr/, "") === "2" && r.end - r.start > INDEX_WINDOW,
    );
    expect(region).toBeDefined();
    const { start, end } = region!;
    const records: string[] = [];
    const add = (pos: number, ref: string, alt: string, info = ".") =>
      records.push(`chr2\t${pos}\t.\t${ref}\t${alt}\t50\tPASS\t${info}\tGT:AD\t0/1:10,10`);
    // A deletion that starts before the region and reaches into it, and one over the first
    // window boundary (1-based POS of the window's first base is start + INDEX_WINDOW).
    add(start - 400, "N", "<DEL>", `END=${start + 2 * INDEX_WINDOW}`);
    for (let pos = start; pos <= end; pos += 2_500) add(pos, "C", "T");
    add(start + INDEX_WINDOW - 3, "CAGTACGTAC", "C");
    const lines = records.sort((a, b) => Number(a.split("\t")[1]) - Number(b.split("\t")[1]));
    const meta = ['##INFO=<ID=END,Number=1,Type=Integer,Description="End">', '##ALT=<ID=DEL,Description="Deletion">'];
    const dir = tempDir("marrowscope-window-");
    const vcf = join(dir, "windows.vcf");
    writeFileSync(vcf, vcfText(lines, { meta }));
    execFileSync(bgzip, ["-f", vcf]);
    execFileSync(tabix, ["-p", "vcf", `${vcf}.gz`]);
    const { index, scan } = await bothWays(`${vcf}.gz`);
    // Every record overlaps the region, so the index reads all of them, each once: a record
    // returned by two windows would count twice, a dropped one not at all.
    expect(index.input.recordsRead).toBe(lines.length);
    expect(scan.input.recordsRead).toBe(lines.length);
    expect(comparable(index)).toEqual(comparable(scan));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("index and scan agree on a 1M-record file", () => {
  const ARGS = ["--records", "1000000", "--panel-density", "0.01", "--csq-fraction", "0.3"];
  const cacheDir = join(ROOT, "node_modules", ".cache", "marrowscope-test", `make-vcf${ARGS.join("").replaceAll("--", "-")}`);
  const big = join(cacheDir, "big.vcf.gz");

  beforeAll(() => {
    const bgzip = requireTool("bgzip");
    const tabix = requireTool("tabix");
    const generator = join(SHARED, "bench", "make-vcf.mjs");
    // Regenerate when the generator changes after the cached copy was written.
    if (existsSync(`${big}.tbi`) && statSync(big).mtimeMs >= statSync(generator).mtimeMs) return;
    mkdirSync(cacheDir, { recursive: true });
    const partial = join(cacheDir, `big.${process.pid}.vcf.gz`);
    // Piped through the shell so the ~300 MB of text never sits in this process.
    const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    execFileSync("sh", ["-c", `${quote(process.execPath)} ${quote(generator)} ${ARGS.join(" ")} | ${bgzip} -c > ${quote(partial)}`]);
    // tabix refuses a truncated or empty BGZF file, so a failed generator does not go unnoticed.
    execFileSync(tabix, ["-f", "-p", "vcf", partial]);
    // Rename into place last, so an interrupted run never leaves a half-written cache.
    renameSync(`${partial}.tbi`, `${big}.tbi`);
    renameSync(partial, big);
  }, 300_000);

  it("same report either way, and the index reads far fewer records", async () => {
    const { index, scan } = await bothWays(big);
    expect(scan.input.recordsRead).toBe(1_000_000);
    expect(index.input.recordsRead).toBeLessThan(scan.input.recordsRead / 10);
    // 1% of 1M records fall in panel genes; 346 of them make findings with make-vcf's seed 42.
    expect(findingCount(scan)).toBeGreaterThan(100);
    expect(comparable(index)).toEqual(comparable(scan));
  }, 300_000);
});

describe("mergeRanges", () => {
  it("reads a block shared by two chunks once, keeping the earliest record offset", () => {
    const ranges = mergeRanges([
      { from: 5000, skip: 10, last: 9000 },
      { from: 100, skip: 300, last: 2000 },
      { from: 2000, skip: 40, last: 3000 },
      { from: 100, skip: 20, last: 500 },
    ]);
    expect(ranges).toEqual([
      { from: 100, skip: 20, last: 3000 },
      { from: 5000, skip: 10, last: 9000 },
    ]);
  });
});
