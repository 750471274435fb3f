import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ArmEvent,
  armEvents,
  type CopyNumberRecord,
  chromosomeArms,
  copyNumberEvent,
  type SampleCopyNumber,
  type Sex,
} from "../src/arms/index.js";
import { readVariants } from "../src/index.js";
import type { Assembly, Variant } from "../src/model.js";
import { inferAssembly } from "../src/normalize/contigs.js";
import type { VcfHeader } from "../src/vcf/header.js";

const REPO = resolve(import.meta.dirname, "..");

/** A symbolic-ALT record as a CNV caller writes it (INFO/END given). */
function record(chrom: string, pos: number, end: number, alt: string, extra: Partial<CopyNumberRecord> = {}): CopyNumberRecord {
  const svtype = /^<(DEL|DUP)/.exec(alt)?.[1] ?? "CNV";
  return { chrom, pos, end, alt, info: { SVTYPE: svtype, END: end }, ...extra };
}

/** copyNumberEvent then armEvents, as the engine chains them. */
function arms(
  r: CopyNumberRecord,
  assembly: Assembly,
  minFraction: number,
  sample: SampleCopyNumber = {},
  sex?: Sex,
): ArmEvent[] | "no event" {
  const event = copyNumberEvent(r, sample, sex);
  return event ? armEvents(event, assembly, minFraction) : "no event";
}

/** chr1–22, X, Y. */
const CHROMOSOMES = [...Array.from({ length: 22 }, (_, i) => String(i + 1)), "X", "Y"];

describe("arm boundaries (UCSC cytoBand)", () => {
  it("places the centromere at the acen bands, 1-based", () => {
    // hg38 cytoBand: chr7 p11.1 acen 58,100,000-60,100,000 and q11.1 acen 60,100,000-62,100,000.
    expect(chromosomeArms("GRCh38", "chr7")).toEqual({
      chrom: "7",
      length: 159345973,
      centromere: { start: 58100001, end: 62100000 },
      acrocentric: false,
      arms: [
        { name: "7p", start: 1, end: 58100000 },
        { name: "7q", start: 62100001, end: 159345973 },
      ],
    });
    // hg19 cytoBand: chr7 p11.1 acen 58,000,000-59,900,000 and q11.1 acen 59,900,000-61,700,000.
    expect(chromosomeArms("GRCh37", "7")?.centromere).toEqual({ start: 58000001, end: 61700000 });
    // hg19 chr1 p11.1 acen 121,500,000-125,000,000, q11 acen 125,000,000-128,900,000;
    // hg38 chr1 p11.1 acen 121,700,000-123,400,000, q11 acen 123,400,000-125,100,000.
    expect(chromosomeArms("GRCh37", "1")?.centromere).toEqual({ start: 121500001, end: 128900000 });
    expect(chromosomeArms("GRCh38", "1")?.centromere).toEqual({ start: 121700001, end: 125100000 });
    // hg19 chr17 acen 22,200,000-25,800,000; hg38 chr17 acen 22,700,000-27,400,000.
    expect(chromosomeArms("GRCh37", "17")?.centromere).toEqual({ start: 22200001, end: 25800000 });
    expect(chromosomeArms("GRCh38", "17")?.centromere).toEqual({ start: 22700001, end: 27400000 });
    // hg19 chr5 acen 46,100,000-50,700,000; hg38 chr6 acen 58,500,000-62,600,000; hg19 chr8 acen 43,100,000-48,100,000.
    expect(chromosomeArms("GRCh37", "chr5")?.centromere).toEqual({ start: 46100001, end: 50700000 });
    expect(chromosomeArms("GRCh38", "chr6")?.centromere).toEqual({ start: 58500001, end: 62600000 });
    expect(chromosomeArms("GRCh37", "chr8")?.centromere).toEqual({ start: 43100001, end: 48100000 });
    // hg38 chrX acen 58,100,000-63,800,000; hg38 chrY acen 10,300,000-10,600,000.
    expect(chromosomeArms("GRCh38", "chrX")?.centromere).toEqual({ start: 58100001, end: 63800000 });
    expect(chromosomeArms("GRCh38", "Y")?.centromere).toEqual({ start: 10300001, end: 10600000 });
  });

  it("ends every chromosome at its GRC primary-assembly length, in both builds", () => {
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      const contigs = CHROMOSOMES.map((c) => ({ id: `chr${c}`, length: chromosomeArms(assembly, c)!.length }));
      const header = { contigs, sources: [] } as unknown as VcfHeader;
      // contigs.ts holds the GRC assembly-report lengths; all 24 must match, none the other build.
      expect(inferAssembly(header, "auto", "t.vcf")).toMatchObject({ assembly, evidence: expect.stringContaining("24 contig(s)") });
    }
  });

  it("treats 13, 14, 15, 21 and 22 (stalk bands) as acrocentric: only the q arm counts", () => {
    const acro = CHROMOSOMES.filter((c) => chromosomeArms("GRCh38", c)!.acrocentric).join(",");
    expect(acro).toBe("13,14,15,21,22");
    expect(chromosomeArms("GRCh37", "chr21")!.arms.map((a) => a.name)).toEqual(["21q"]);
  });

  it("has no arms for other contigs", () => {
    expect(chromosomeArms("GRCh38", "chrM")).toBeUndefined();
    expect(chromosomeArms("GRCh38", "chr1_KI270706v1_random")).toBeUndefined();
    expect(chromosomeArms("GRCh38", "__proto__")).toBeUndefined();
    expect(armEvents({ chrom: "chrM", start: 1, end: 16569, change: "loss" }, "GRCh38", 0.5)).toEqual([]);
  });

  it("derive-arms --check: src/arms/data.ts is what the script writes", () => {
    const out = execFileSync(process.execPath, [join(REPO, "scripts", "derive-arms.mjs"), "--check"], { encoding: "utf8" });
    expect(out).toContain("current");
  });
});

describe("arm events", () => {
  it("monosomy 7 as <DEL> over chr7:62,000,000-159,000,000 on GRCh38 is del(7q)", () => {
    // 7q = 62,100,001-159,345,973 (97,245,973 bp); covered 62,100,001-159,000,000 = 96,900,000 bp.
    expect(arms(record("chr7", 62_000_000, 159_000_000, "<DEL>"), "GRCh38", 0.9)).toEqual([
      { kind: "arm", chrom: "7", arms: ["7q"], change: "loss", label: "del(7q)", fraction: { "7q": 0.9964 } },
    ]);
  });

  it("a <DEL> over the whole of chr7 is -7, in either build and either name", () => {
    const whole38 = arms(record("7", 1, 159_345_973, "<DEL>"), "GRCh38", 0.9);
    expect(whole38).toEqual([{ kind: "arm", chrom: "7", arms: ["7p", "7q"], change: "loss", label: "-7", fraction: { "7p": 1, "7q": 1 } }]);
    expect(arms(record("chr7", 10_000, 159_138_000, "<DEL>"), "GRCh37", 0.9)).toMatchObject([{ label: "-7", arms: ["7p", "7q"] }]);
    // The same interval in GRCh37 coordinates reads 7q only a little differently (centromere ends at 61,700,000).
    expect(arms(record("chr7", 62_000_000, 159_000_000, "<DEL>"), "GRCh37", 0.9)).toMatchObject([
      { label: "del(7q)", fraction: { "7q": 0.9955 } },
    ]);
  });

  it("+8 as <DUP> on GRCh37", () => {
    // 8p = 1-43,100,000, 8q = 48,100,001-146,364,022 (hg19 acen 43,100,000-48,100,000).
    expect(arms(record("8", 100_000, 146_300_000, "<DUP>"), "GRCh37", 0.9)).toEqual([
      { kind: "arm", chrom: "8", arms: ["8p", "8q"], change: "gain", label: "+8", fraction: { "8p": 0.9977, "8q": 0.9993 } },
    ]);
    // Only 8q duplicated: an arm gain.
    expect(arms(record("8", 48_500_000, 146_300_000, "<DUP:TANDEM>"), "GRCh37", 0.9)).toMatchObject([{ label: "+8q", arms: ["8q"] }]);
  });

  it("17p loss and del(5q)", () => {
    expect(arms(record("chr17", 1, 22_000_000, "<DEL>"), "GRCh38", 0.9)).toEqual([
      { kind: "arm", chrom: "17", arms: ["17p"], change: "loss", label: "del(17p)", fraction: { "17p": 0.9692 } },
    ]);
    // GRCh37 17p is 22,200,000 bp: 21,000,000 of it is 0.9459, under a 0.95 threshold.
    expect(arms(record("chr17", 1, 21_000_000, "<DEL>"), "GRCh37", 0.95)).toEqual([]);
    expect(arms(record("chr17", 1, 21_000_000, "<DEL>"), "GRCh37", 0.9)).toMatchObject([{ label: "del(17p)" }]);
    expect(arms(record("5", 52_000_000, 180_000_000, "<DEL>"), "GRCh37", 0.9)).toMatchObject([
      { label: "del(5q)", arms: ["5q"], fraction: { "5q": 0.983 } },
    ]);
  });

  it("6p copy-neutral LOH", () => {
    const loh = record("chr6", 1, 58_000_000, "<LOH>", { info: { SVTYPE: "LOH", END: 58_000_000 } });
    expect(arms(loh, "GRCh38", 0.9)).toEqual([
      { kind: "arm", chrom: "6", arms: ["6p"], change: "cn-loh", label: "CN-LOH(6p)", fraction: { "6p": 0.9915 } },
    ]);
    // Whole-chromosome CN-LOH.
    expect(arms(record("chr6", 1, 170_805_979, "<LOH>"), "GRCh38", 0.9)).toMatchObject([{ label: "CN-LOH(6)" }]);
  });

  it("a small DEL is a copy-number loss but no arm event", () => {
    const small = record("chr7", 140_000_000, 140_050_000, "<DEL>");
    expect(copyNumberEvent(small)).toEqual({ chrom: "7", start: 140_000_000, end: 140_050_000, change: "loss", basis: "ALT <DEL>" });
    expect(armEvents(copyNumberEvent(small)!, "GRCh38", 0.5)).toEqual([]);
  });

  it("an arm counts only at or above the threshold passed in", () => {
    // 100,000,000-159,345,973 is 0.6103 of GRCh38 7q.
    const part = record("chr7", 100_000_000, 159_345_973, "<DEL>");
    expect(arms(part, "GRCh38", 0.75)).toEqual([]);
    expect(arms(part, "GRCh38", 0.6103)).toMatchObject([{ label: "del(7q)", fraction: { "7q": 0.6103 } }]);
    expect(arms(part, "GRCh38", 0.6104)).toEqual([]);
    // Both arms partly covered: the one above the threshold names the event, both fractions are reported.
    const span = record("chr7", 20_000_000, 159_345_973, "<DEL>");
    expect(arms(span, "GRCh38", 0.9)).toEqual([
      { kind: "arm", chrom: "7", arms: ["7q"], change: "loss", label: "del(7q)", fraction: { "7p": 0.6558, "7q": 1 } },
    ]);
    expect(() => armEvents({ chrom: "7", start: 1, end: 2, change: "loss" }, "GRCh38", 0)).toThrow(RangeError);
    expect(() => armEvents({ chrom: "7", start: 1, end: 2, change: "loss" }, "GRCh38", 1.5)).toThrow(RangeError);
    expect(() => armEvents({ chrom: "7", start: 1, end: 2, change: "loss" }, "GRCh38", Number.NaN)).toThrow(RangeError);
  });

  it("acrocentric chromosomes: the q arm is the whole chromosome; the p arm alone is nothing", () => {
    // GRCh38 13q = 18,900,001-114,364,328.
    expect(arms(record("chr13", 19_000_000, 114_364_328, "<DEL>"), "GRCh38", 0.9)).toEqual([
      { kind: "arm", chrom: "13", arms: ["13q"], change: "loss", label: "-13", fraction: { "13q": 0.999 } },
    ]);
    expect(arms(record("chr13", 1, 16_000_000, "<DEL>"), "GRCh38", 0.5)).toEqual([]);
  });

  it("loss of Y in a male", () => {
    const y = record("chrY", 1, 57_227_415, "<CNV>");
    expect(arms(y, "GRCh38", 0.9, { cn: 0 }, "male")).toMatchObject([{ label: "-Y", change: "loss" }]);
    // In a female, no Y is normal.
    expect(arms(y, "GRCh38", 0.9, { cn: 0 }, "female")).toBe("no event");
  });
});

describe("copyNumberEvent: reading callers' records", () => {
  it("symbolic ALTs and SVTYPE", () => {
    expect(copyNumberEvent(record("1", 1000, 5000, "<DEL>"))?.change).toBe("loss");
    expect(copyNumberEvent(record("1", 1000, 5000, "<DUP>"))?.change).toBe("gain");
    expect(copyNumberEvent(record("1", 1000, 5000, "<DUP:TANDEM>"))?.change).toBe("gain");
    // <CNn> carries the copy number itself.
    expect(copyNumberEvent(record("1", 1000, 5000, "<CN0>"))).toMatchObject({
      change: "loss",
      copyNumber: 0,
      basis: "ALT <CN0>=0 (normal 2)",
    });
    expect(copyNumberEvent(record("1", 1000, 5000, "<CN1>"))).toMatchObject({ change: "loss", copyNumber: 1 });
    expect(copyNumberEvent(record("1", 1000, 5000, "<CN3>"))).toMatchObject({ change: "gain", copyNumber: 3 });
    expect(copyNumberEvent(record("1", 1000, 5000, "<CN2>"))).toBeUndefined();
    // <CNV> says nothing of the direction without a copy number.
    expect(copyNumberEvent(record("1", 1000, 5000, "<CNV>"))).toBeUndefined();
    expect(copyNumberEvent(record("1", 1000, 5000, "<CNV>"), { cn: 4 })).toMatchObject({ change: "gain", copyNumber: 4 });
    // A sequence-resolved deletion with SVTYPE=DEL (Manta writes small SVs so).
    expect(copyNumberEvent({ chrom: "1", pos: 1000, end: 1500, alt: "A", info: { SVTYPE: "DEL" } })).toMatchObject({
      change: "loss",
      basis: "INFO/SVTYPE=DEL",
    });
    // Not copy-number records.
    expect(copyNumberEvent({ chrom: "1", pos: 1000, end: 1000, alt: "T", info: {} })).toBeUndefined();
    expect(copyNumberEvent(record("1", 1000, 5000, "<INV>", { info: { SVTYPE: "INV", END: 5000 } }))).toBeUndefined();
    expect(copyNumberEvent(record("1", 1000, 1001, "<INS>", { info: { SVTYPE: "INS", END: 1001 } }))).toBeUndefined();
  });

  it("END from INFO/END, else SVLEN", () => {
    expect(copyNumberEvent({ chrom: "chr5", pos: 60_000_000, alt: "<DEL>", info: { SVTYPE: "DEL", END: 170_000_000 } })).toMatchObject({
      chrom: "5",
      start: 60_000_000,
      end: 170_000_000,
    });
    expect(copyNumberEvent({ chrom: "chr5", pos: 60_000_000, alt: "<DEL>", info: { SVTYPE: "DEL", SVLEN: -110_000_000 } })).toMatchObject({
      end: 170_000_000,
    });
    expect(copyNumberEvent({ chrom: "chr5", pos: 60_000_000, alt: "<DEL>", info: { SVTYPE: "DEL" } })).toBeUndefined();
  });

  it("GATK gCNV: ALT <DEL>,<DUP>, GT 1 = DEL, 2 = DUP, FORMAT CN", () => {
    // One segment record read once per ALT, as the reader splits it.
    const del = record("chr7", 62_000_000, 159_000_000, "<DEL>", { altIndex: 1, info: { END: 159_000_000 } });
    const dup = record("chr7", 62_000_000, 159_000_000, "<DUP>", { altIndex: 2, info: { END: 159_000_000 } });
    expect(copyNumberEvent(del, { gt: "1", cn: 1 })).toMatchObject({ change: "loss", copyNumber: 1, basis: "FORMAT/CN=1 (normal 2)" });
    expect(copyNumberEvent(dup, { gt: "1", cn: 1 })).toBeUndefined();
    expect(copyNumberEvent(del, { gt: "2", cn: 3 })).toBeUndefined();
    expect(copyNumberEvent(dup, { gt: "2", cn: 3 })).toMatchObject({ change: "gain", copyNumber: 3 });
    // Reference segment.
    expect(copyNumberEvent(del, { gt: "0", cn: 2 })).toBeUndefined();
    expect(copyNumberEvent(dup, { gt: "0", cn: 2 })).toBeUndefined();
    // GT without CN still tells which ALT.
    expect(copyNumberEvent(del, { gt: "1" })).toMatchObject({ change: "loss", basis: "ALT <DEL>, FORMAT/GT=1" });
    // Without a GT, a CN that contradicts the ALT belongs to the other ALT: one event, not two.
    expect(copyNumberEvent(del, { cn: 3 })).toBeUndefined();
    expect(copyNumberEvent(dup, { cn: 3 })?.change).toBe("gain");
  });

  it("gCNV segments parsed from VCF text: the Variant passes as the record", async () => {
    const text = [
      "##fileformat=VCFv4.2",
      "##contig=<ID=chr7,length=159345973>",
      '##ALT=<ID=DEL,Description="Deletion">',
      '##ALT=<ID=DUP,Description="Duplication">',
      '##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Segment most-likely copy-number call">',
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
      "chr7\t62000000\tCNV_chr7_62000000_159000000\tN\t<DEL>,<DUP>\t.\t.\tEND=159000000\tGT:CN\t1:1",
      "",
    ].join("\n");
    const variants: Variant[] = [];
    for await (const v of readVariants({ text })) variants.push(v);
    // FORMAT/CN is not on SampleCall: the caller passes it (here 1, as the record says).
    const events = variants.map((v) => copyNumberEvent(v, { gt: v.calls[0]!.genotype, cn: 1 }));
    expect(events).toEqual([
      { chrom: "7", start: 62_000_000, end: 159_000_000, change: "loss", copyNumber: 1, basis: "FORMAT/CN=1 (normal 2)" },
      undefined,
    ]);
    expect(armEvents(events[0]!, "GRCh38", 0.9)).toMatchObject([{ label: "del(7q)" }]);
  });

  it("CNVkit: ALT <DEL>/<DUP>, INFO/SVTYPE, FORMAT GT and CN", () => {
    const del: CopyNumberRecord = {
      chrom: "chr5",
      pos: 51_000_000,
      alt: "<DEL>",
      info: { IMPRECISE: true, SVTYPE: "DEL", END: 180_000_000, SVLEN: -129_000_000 },
    };
    expect(copyNumberEvent(del, { gt: "0/1", cn: 1 })).toMatchObject({ change: "loss", copyNumber: 1 });
    expect(arms(del, "GRCh37", 0.9, { gt: "0/1", cn: 1 })).toMatchObject([{ label: "del(5q)" }]);
    const dup: CopyNumberRecord = { chrom: "chr8", pos: 1, alt: "<DUP>", info: { SVTYPE: "DUP", END: 146_364_022 } };
    expect(arms(dup, "GRCh37", 0.9, { gt: "0/1", cn: 3 })).toMatchObject([{ label: "+8", change: "gain" }]);
  });

  it("Canvas: <CNV> with Canvas:LOSS/GAIN/LOH/REF IDs, FORMAT CN and MCC", () => {
    const canvas = (kind: string, alt = "<CNV>"): CopyNumberRecord => ({
      chrom: "chr7",
      pos: 62_000_000,
      alt,
      id: [`Canvas:${kind}:chr7:62000001-159000000`],
      info: { SVTYPE: "CNV", END: 159_000_000 },
    });
    expect(copyNumberEvent(canvas("LOSS"), { gt: "0/1", cn: 1 })).toMatchObject({ change: "loss", copyNumber: 1 });
    // The ID alone decides when there is no copy number.
    expect(copyNumberEvent(canvas("LOSS"))).toMatchObject({ change: "loss", basis: "ID Canvas:LOSS" });
    expect(copyNumberEvent(canvas("GAIN"), { gt: "0/1", cn: 3 })?.change).toBe("gain");
    expect(copyNumberEvent(canvas("REF"), { gt: "./.", cn: 2 })).toBeUndefined();
    // Canvas LOH: CN 2 with MCC 2.
    const loh = { ...canvas("LOH"), chrom: "chr6", pos: 1, info: { SVTYPE: "CNV", END: 58_000_000 } };
    expect(copyNumberEvent(loh, { gt: "1/1", cn: 2, mcc: 2 })).toMatchObject({
      change: "cn-loh",
      copyNumber: 2,
      basis: "FORMAT/CN=2 (normal 2), ID Canvas:LOH",
    });
    expect(arms(loh, "GRCh38", 0.9, { gt: "1/1", cn: 2, mcc: 2 })).toMatchObject([{ label: "CN-LOH(6p)" }]);
    // MCC = CN without the LOH ID is LOH too; MCC 1 of CN 2 is not.
    const ref6 = { ...loh, id: undefined };
    expect(copyNumberEvent(ref6, { cn: 2, mcc: 2 })).toMatchObject({ change: "cn-loh", basis: "FORMAT/CN=2 (normal 2), FORMAT/MCC=2" });
    expect(copyNumberEvent(ref6, { cn: 2, mcc: 1 })).toBeUndefined();
    // Multi-ALT <CN0>,<CN1>,<CN3>: only the ALT matching the sample's CN is an event.
    expect(copyNumberEvent(canvas("LOSS", "<CN0>"), { cn: 1 })).toBeUndefined();
    expect(copyNumberEvent(canvas("LOSS", "<CN1>"), { cn: 1 })).toMatchObject({ change: "loss" });
  });

  it("copy-neutral LOH only where it is encoded", () => {
    const neutral = record("chr6", 1, 58_000_000, "<CNV>");
    expect(copyNumberEvent(neutral, { cn: 2 })).toBeUndefined();
    expect(copyNumberEvent(neutral, { cn: 2, loh: true })).toMatchObject({
      change: "cn-loh",
      basis: "FORMAT/CN=2 (normal 2), sample LOH flag",
    });
    expect(copyNumberEvent({ ...neutral, info: { SVTYPE: "CNV", END: 58_000_000, LOH: true } }, { cn: 2 })).toMatchObject({
      change: "cn-loh",
      basis: "FORMAT/CN=2 (normal 2), INFO/LOH",
    });
    expect(copyNumberEvent({ ...neutral, info: { SVTYPE: "CNLOH", END: 58_000_000 } })).toMatchObject({ change: "cn-loh" });
    // A flag without a copy number is not enough.
    expect(copyNumberEvent({ ...neutral, info: { SVTYPE: "CNV", END: 58_000_000, LOH: true } })).toBeUndefined();
  });

  it("chrX/chrY copy number is judged against the sex", () => {
    const x = record("chrX", 1, 156_040_895, "<CNV>");
    // A male has one X: CN 1 is normal, 0 a loss, 2 a gain.
    expect(copyNumberEvent(x, { cn: 1 }, "male")).toBeUndefined();
    expect(copyNumberEvent(x, { cn: 0 }, "male")).toMatchObject({ change: "loss", basis: "FORMAT/CN=0 (normal 1)" });
    expect(copyNumberEvent(x, { cn: 2 }, "male")).toMatchObject({ change: "gain", basis: "FORMAT/CN=2 (normal 1)" });
    // A female has two.
    expect(copyNumberEvent(x, { cn: 1 }, "female")).toMatchObject({ change: "loss", basis: "FORMAT/CN=1 (normal 2)" });
    expect(arms(x, "GRCh38", 0.9, { cn: 1 }, "female")).toMatchObject([{ label: "-X" }]);
    // Sex unknown: CN 1 could be either; CN 0 and CN 3 read the same in both sexes.
    expect(copyNumberEvent(x, { cn: 1 })).toBeUndefined();
    expect(copyNumberEvent(x, { cn: 0 })).toMatchObject({ change: "loss", basis: "FORMAT/CN=0 (normal 1 in a male, 2 in a female)" });
    expect(copyNumberEvent(x, { cn: 3 })?.change).toBe("gain");
    // Sex unknown but the caller called it (it knew the ploidy): its call decides.
    expect(copyNumberEvent(record("chrX", 1, 156_040_895, "<DEL>"), { cn: 1 })).toMatchObject({ change: "loss", basis: "ALT <DEL>" });
    // A male whose caller assumed two X: CN 1 flagged <DEL> is his normal.
    expect(copyNumberEvent(record("chrX", 1, 156_040_895, "<DEL>"), { cn: 1 }, "male")).toBeUndefined();
    // Autosomes do not depend on sex.
    expect(copyNumberEvent(record("chr7", 1, 1000, "<CNV>"), { cn: 1 }, "male")?.change).toBe("loss");
  });
});
