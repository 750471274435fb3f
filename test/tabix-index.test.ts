/**
 * The .tbi/.csi reader (src/vcf/tabix-index.ts) against an oracle that uses no index: every
 * record of the file, kept when its span (POS..POS+len(REF)-1, or INFO/END) overlaps a region.
 * Index reads must return exactly those records, each once, for whole contigs, small and large
 * windows, single bases and regions with no records.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MarrowscopeError } from "../src/errors.js";
import type { Region } from "../src/model.js";
import { inflateBgzf } from "../src/vcf/bgzf-node.js";
import { indexFromPath, pathSource } from "../src/vcf/node-input.js";
import { openIndexed } from "../src/vcf/regions.js";
import { parseTabixIndex } from "../src/vcf/tabix-index.js";
import { fixture, tempDir, vcfText } from "./helpers.js";

interface Row {
  readonly line: string;
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
}

/** Every data line of a bgzipped VCF with the span htslib indexes it by. */
function rows(vcf: string): Row[] {
  return gunzipSync(readFileSync(vcf))
    .toString("utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [chrom = "", pos = "0", , ref = "", , , , info = ""] = line.split("\t");
      const start = Number(pos);
      const end = /(?:^|;)END=(\d+)/.exec(info);
      return { line, chrom, start, end: end ? Math.max(Number(end[1]), start) : start + ref.length - 1 };
    });
}

/** Regions that exercise the reader: whole contigs, windows of several sizes around records, edges, gaps. */
function regionsFor(all: readonly Row[]): Region[][] {
  const contigs = [...new Set(all.map((r) => r.chrom))];
  const sets: Region[][] = [contigs.map((chrom) => ({ chrom, start: 1, end: Number.MAX_SAFE_INTEGER }))];
  for (const [k, width] of [1, 100, 20_000, 1_000_000, 50_000_000].entries()) {
    const picks = [0.1, 0.35, 0.6, 0.85].map((f) => all[Math.floor(f * (all.length - 1))]!);
    sets.push(picks.map((r, i) => ({ chrom: r.chrom, start: Math.max(1, r.start - width * (i + k)), end: r.start + width })));
  }
  const first = all[0]!;
  const last = all[all.length - 1]!;
  sets.push([{ chrom: first.chrom, start: 1, end: first.start }]); // up to and including the first record
  sets.push([{ chrom: last.chrom, start: last.end, end: last.end + 10 }]); // from the last record's end
  sets.push([{ chrom: last.chrom, start: last.end + 1, end: last.end + 1000 }]); // past everything
  return sets;
}

const cases = [
  // tabix-js test data: the same file with a TBI, a TBI without the pseudo-bin, an uncompressed TBI and a CSI.
  { vcf: "volvox.test.vcf.gz", index: "volvox.test.vcf.gz.tbi", kind: "tbi" },
  { vcf: "volvox.test.vcf.gz", index: "volvox.test.vcf.gz.tbi.no_pseudo", kind: "tbi" },
  { vcf: "volvox.test.vcf.gz", index: "volvox.test.vcf.gz.tbi.unzipped", kind: "tbi" },
  { vcf: "volvox.test.vcf.gz", index: "volvox.test.vcf.gz.csi", kind: "csi" },
  // bcftools' roh test: 3,124 records, CSI written by bcftools.
  { vcf: "roh.1.vcf.gz", index: "roh.1.vcf.gz.csi", kind: "csi" },
  // htslib's long-reference test: positions past 2^31 on a 10 Gbp contig (CSI with extra levels).
  { vcf: "longrefs.vcf.gz", index: "longrefs.vcf.gz.csi", kind: "csi" },
] as const;

/** Reads `regions` through the index and compares with the oracle; returns how many sets had records. */
async function agree(path: string, indexPath: string, all: readonly Row[]): Promise<number> {
  const source = pathSource(path);
  if (!source.filehandle) throw new Error("a path source has a filehandle");
  const indexed = await openIndexed({ ...source, filehandle: source.filehandle }, indexFromPath(indexPath), { file: path, inflateBgzf });
  expect(indexed.contigsWithData).toEqual([...new Set(all.map((r) => r.chrom))]);
  let nonEmpty = 0;
  for (const regions of regionsFor(all)) {
    const expected = all.filter((r) => regions.some((g) => g.chrom === r.chrom && r.start <= g.end && r.end >= g.start)).map((r) => r.line);
    const got: string[] = [];
    for await (const batch of indexed.read(regions)) got.push(...batch.lines);
    // Compared as counts first: a failure then says "dropped" or "doubled" before the diff.
    expect({ regions, count: got.length }).toEqual({ regions, count: expected.length });
    expect(got).toEqual(expected);
    if (expected.length > 0) nonEmpty++;
  }
  return nonEmpty;
}

/** Deterministic records on two contigs: dense runs, gaps, indels and deletions reaching across bins. */
function generated(): string[] {
  const lines: string[] = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const chrom of ["chr3", "chr17"]) {
    let pos = 1 + Math.floor(next() * 1000);
    for (let i = 0; i < 12_000; i++) {
      // Mostly close together (many records per block), now and then a jump of up to 3 Mb.
      pos += next() < 0.002 ? Math.floor(next() * 3_000_000) : 1 + Math.floor(next() * 300);
      const r = next();
      if (r < 0.01) {
        // A deletion of up to 2 Mb: indexed in a bin of a higher level, overlapping later regions.
        const end = pos + 1 + Math.floor(next() * 2_000_000);
        lines.push(`${chrom}\t${pos}\t.\tA\t<DEL>\t50\tPASS\tEND=${end}\tGT\t0/1`);
      } else if (r < 0.1) lines.push(`${chrom}\t${pos}\t.\tACGTACGTAC\tA\t50\tPASS\t.\tGT\t0/1`);
      else lines.push(`${chrom}\t${pos}\t.\tC\tT\t50\tPASS\tDP=${i % 90}\tGT\t0/1`);
    }
  }
  return lines;
}

function requireTool(name: string): string {
  const probe = spawnSync(name, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new Error(`${name} is not installed (Debian/Ubuntu: apt-get install tabix)`);
  return name;
}

describe("tabix and CSI indexes", () => {
  it("24,000 generated records in many blocks: TBI and CSI (three min_shift values) agree with the oracle", async () => {
    const bgzip = requireTool("bgzip");
    const tabix = requireTool("tabix");
    const dir = tempDir("marrowscope-tabix-");
    const vcf = join(dir, "generated.vcf");
    const meta = [
      '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
      '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
      '##ALT=<ID=DEL,Description="Deletion">',
      "##contig=<ID=chr3,length=198295559>",
      "##contig=<ID=chr17,length=83257441>",
    ];
    writeFileSync(vcf, vcfText(generated(), { meta }));
    execFileSync(bgzip, ["-f", vcf]);
    const path = `${vcf}.gz`;
    const all = rows(path);
    expect(all.length).toBe(24_000);
    execFileSync(tabix, ["-f", "-p", "vcf", path]);
    expect(await agree(path, `${path}.tbi`, all)).toBeGreaterThan(6);
    for (const minShift of ["10", "14", "18"]) {
      execFileSync(tabix, ["-f", "-p", "vcf", "--csi", "--min-shift", minShift, path]);
      expect(await agree(path, `${path}.csi`, all)).toBeGreaterThan(6);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const { vcf, index, kind } of cases) {
    it(`${index}: index reads return exactly the overlapping records`, async () => {
      const path = fixture("index", vcf);
      const all = rows(path);
      expect(all.length).toBeGreaterThan(10);
      expect(await agree(path, fixture("index", index), all)).toBeGreaterThan(4);
      const bytes = readFileSync(fixture("index", index));
      const parsed = parseTabixIndex(index.endsWith(".unzipped") ? bytes : gunzipSync(bytes), index);
      expect(parsed.kind).toBe(kind);
    });
  }

  it("damaged indexes are E_INPUT naming the index, never a raw error", () => {
    const good = gunzipSync(readFileSync(fixture("index", "roh.1.vcf.gz.csi")));
    const tbi = gunzipSync(readFileSync(fixture("index", "volvox.test.vcf.gz.tbi")));
    const damaged = [
      new Uint8Array(0),
      new TextEncoder().encode("not an index at all"),
      good.subarray(0, 40),
      good.subarray(0, good.length - 9),
      tbi.subarray(0, 30),
      tbi.subarray(0, tbi.length - 12),
    ];
    for (const bytes of damaged) {
      let error: unknown;
      try {
        parseTabixIndex(bytes, "bad.csi");
      } catch (cause) {
        error = cause;
      }
      expect(error).toBeInstanceOf(MarrowscopeError);
      expect((error as MarrowscopeError).code).toBe("E_INPUT");
      expect((error as MarrowscopeError).message).toMatch(/bad\.csi.*not a readable \.tbi\/\.csi index/);
    }
  });

  it("a contig the index does not know gives no ranges", () => {
    const parsed = parseTabixIndex(gunzipSync(readFileSync(fixture("index", "roh.1.vcf.gz.csi"))), "roh.csi");
    expect(parsed.names).toEqual(["1"]);
    expect(parsed.rangesFor("2", [{ start: 0, end: 1_000_000 }])).toEqual([]);
    expect(parsed.rangesFor("1", [{ start: 0, end: 300_000_000 }]).length).toBeGreaterThan(0);
  });
});
