/**
 * Hostile input: prototype keys never reach Object.prototype, a huge line fails in bounded
 * memory, invalid UTF-8 names its line; strict stops, lenient skips with file:line:field.
 */
import { describe, expect, it } from "vitest";
import type { Warning } from "../src/errors.js";
import type { Variant } from "../src/model.js";
import { annotate, readVariants, validate } from "../src/node.js";
import { CONTIGS_KEPT } from "../src/vcf/scan.js";
import { rejectedWith, vcfText } from "./helpers.js";

async function collect(input: Parameters<typeof readVariants>[0], options: Parameters<typeof readVariants>[1] = {}): Promise<Variant[]> {
  const out: Variant[] = [];
  for await (const v of readVariants(input, options)) out.push(v);
  return out;
}

const errorOf = rejectedWith;

describe("prototype pollution", () => {
  it("##__proto__, INFO/FORMAT IDs and INFO keys named __proto__/constructor stay inert", async () => {
    const text = vcfText(["chr2\t100\t.\tC\tT\t.\tPASS\t__proto__=polluted;constructor=1;DP=5\tGT:__proto__\t0/1:x"], {
      meta: [
        "##__proto__=<polluted=yes>",
        '##INFO=<ID=__proto__,Number=1,Type=String,Description="x">',
        '##FORMAT=<ID=constructor,Number=1,Type=String,Description="x">',
      ],
    });
    const warnings: Warning[] = [];
    const variants = await collect({ text }, { strict: false, onWarning: (w) => warnings.push(w) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
    expect(typeof ({} as { constructor: unknown }).constructor).toBe("function");
    expect(variants).toHaveLength(1);
    expect(variants[0]!.info.DP).toEqual([5]);
    expect(Object.getPrototypeOf(variants[0]!.info)).toBeNull();
    expect(warnings.some((w) => w.message.includes('"__proto__" is not allowed'))).toBe(true);
  });

  it("strict mode refuses a ##__proto__ header line", async () => {
    const error = await errorOf(validate({ text: vcfText([], { meta: ["##__proto__=<a=b>"] }), name: "evil.vcf" }));
    expect(error.code).toBe("E_VCF_HEADER");
    expect(error.location).toMatchObject({ file: "evil.vcf", line: 11 });
  });
});

describe("line length and encoding", () => {
  it("a 200 MB line fails with E_VCF_RECORD in bounded memory", async () => {
    const header = new TextEncoder().encode(vcfText([]));
    const block = new Uint8Array(1 << 20).fill(0x41);
    async function* huge() {
      yield header;
      yield new TextEncoder().encode("chr2\t100\t.\tC\tT\t.\t.\tX=");
      for (let i = 0; i < 200; i++) yield block;
      yield new TextEncoder().encode("\n");
    }
    global.gc?.();
    const before = process.memoryUsage().rss;
    const error = await errorOf(validate(huge(), { name: "huge.vcf", maxLineLength: 1 << 20 }));
    const grown = process.memoryUsage().rss - before;
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.message).toMatch(/^huge\.vcf:12: line is longer than 1048576 bytes/);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it("with the default bound (16 MiB), a 200 MB line fails after buffering about 16 MB", async () => {
    const header = new TextEncoder().encode(vcfText([]));
    const block = new Uint8Array(1 << 20).fill(0x41);
    let blocksRead = 0;
    async function* huge() {
      yield header;
      yield new TextEncoder().encode("chr2\t100\t.\tC\tT\t.\t.\tX=");
      for (let i = 0; i < 200; i++) {
        blocksRead++;
        yield block;
      }
      yield new TextEncoder().encode("\n");
    }
    global.gc?.();
    const before = process.memoryUsage().rss;
    const error = await errorOf(validate(huge(), { name: "huge.vcf" }));
    const grown = process.memoryUsage().rss - before;
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.location).toEqual({ file: "huge.vcf", line: 12 });
    expect(error.message).toMatch(/line is longer than 16777216 bytes/);
    // The record's 29 leading bytes plus 16 blocks of 1 MiB pass 16 MiB: refused there, not after 200.
    expect(blocksRead).toBe(16);
    expect(grown).toBeLessThan(48 * 1024 * 1024);
  });

  it("counts UTF-8 bytes, not characters", async () => {
    // "é" is 2 bytes: 30 of them are 60 bytes in 30 characters.
    const record = `chr2\t100\t.\tC\tT\t.\tPASS\tNOTE=${"é".repeat(30)}`;
    const text = vcfText([record], { meta: ['##INFO=<ID=NOTE,Number=1,Type=String,Description="x">'], samples: [] });
    const bytes = new TextEncoder().encode(record).length;
    expect(bytes).toBe(record.length + 30);
    // The header lines are all shorter than the record, which is line 13 (12 header lines).
    expect((await validate({ text }, { maxLineLength: bytes })).variants).toBe(1);
    const error = await errorOf(validate({ text, name: "utf8.vcf" }, { maxLineLength: bytes - 1 }));
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.location.line).toBe(13);
  });

  it("invalid UTF-8 names the line (strict) and is a warning in lenient mode", async () => {
    const head = new TextEncoder().encode(vcfText(["chr2\t100\t.\tC\tT\t.\tPASS\tDP=1\tGT\t0/1"]));
    const bad = new Uint8Array([
      ...new TextEncoder().encode("chr2\t200\t.\tC\tT\t.\tPASS\tNOTE="),
      0xff,
      0xfe,
      ...new TextEncoder().encode("\tGT\t0/1\n"),
    ]);
    const bytes = new Uint8Array([...head, ...bad]);
    const error = await errorOf(validate(bytes, { name: "latin1.vcf" }));
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.message).toMatch(/^latin1\.vcf:13: invalid UTF-8/);
    const warnings: Warning[] = [];
    await validate(bytes, { name: "latin1.vcf", strict: false, onWarning: (w) => warnings.push(w) });
    expect(warnings[0]?.location).toEqual({ file: "latin1.vcf", line: 13 });
  });
});

describe("strict and lenient", () => {
  const text = vcfText([
    "chr2\t100\t.\tC\tT\t.\tPASS\tDP=1\tGT\t0/1",
    "chr2\t12a4\t.\tC\tT\t.\tPASS\tDP=1\tGT\t0/1",
    "chr2\t300\t.\tC\tT\t.\tPASS\tDP=x\tGT\t0/1",
    "chr2\t400\t.\tC\tT\t.\tPASS\tDP=1\tGT\t0/1",
  ]);

  it("strict stops at the first bad record with file:line:field", async () => {
    const error = await errorOf(validate({ text, name: "p.vcf" }));
    expect(error.message).toBe('p.vcf:13: POS: expected a positive integer, found "12a4"');
    expect(error.location).toEqual({ file: "p.vcf", line: 13, field: "POS" });
  });

  it("lenient skips each bad record with a warning naming file, line and field", async () => {
    const warnings: Warning[] = [];
    const result = await validate({ text, name: "p.vcf" }, { strict: false, onWarning: (w) => warnings.push(w) });
    expect(result.records).toBe(4);
    expect(result.variants).toBe(2);
    expect(result.skipped).toBe(2);
    expect(warnings.filter((w) => w.code === "E_VCF_RECORD").map((w) => w.location)).toEqual([
      { file: "p.vcf", line: 13, field: "POS" },
      { file: "p.vcf", line: 14, field: "INFO.DP" },
    ]);
  });
});

describe("a pile-up of records at one position", () => {
  // 300 different insertions at one position: past 256 the duplicate window keeps its keys in a
  // Set (a linear search there made this quadratic). Duplicates must still be found after the
  // switch, and distinct records must not be taken for duplicates.
  const bases = "ACGT";
  const insertion = (i: number) => {
    let alt = "G";
    for (let k = 0, x = i; k < 5; k++, x = Math.floor(x / 4)) alt += bases[x % 4];
    return alt;
  };
  const records = Array.from({ length: 300 }, (_, i) => `chr5\t1295113\t.\tG\t${insertion(i)}\t.\tPASS\t.\tGT\t0/1`);
  const duplicates = (warnings: readonly Warning[]) => warnings.filter((w) => w.message.includes("duplicate variant"));

  it("finds a duplicate of an early record that comes after the switch", async () => {
    const text = vcfText([...records, records[3]!]);
    const result = await validate({ text, name: "pileup.vcf" }, { strict: false });
    const found = duplicates(result.warnings);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(`duplicate variant chr5:1295113:G:${insertion(3)}`);
    expect(found[0]!.location?.line).toBe(text.split("\n").length - 1);
  });

  it("takes none of 300 different records for duplicates", async () => {
    const result = await validate({ text: vcfText(records), name: "pileup.vcf" }, { strict: false });
    expect(duplicates(result.warnings)).toEqual([]);
    expect(result.variants).toBe(300);
  });
});

describe("a new contig on every line", () => {
  // Every contig name used to be remembered (and the region test's cache kept each as a view
  // into its line): 1M of them held 231–269 MB. Past CONTIGS_KEPT only primary chromosomes are
  // remembered, so coverage and finding order still see every chromosome a panel gene lies on.
  it("still reads the panel genes of a primary chromosome that comes after the cap", async () => {
    const filler = Array.from({ length: CONTIGS_KEPT + 10 }, (_, i) => `ctg${i}\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1`);
    // TERT (chr5) and RUNX1 (chr21), neither in the header (vcfText declares 2, 3, 5, 17, X).
    const text = vcfText([...filler, "chr21\t34792234\t.\tG\tGA\t.\tPASS\t.\tGT\t0/1"], {
      meta: ["##contig=<ID=chr21,length=46709983>"],
    }).replace(/^##contig=<ID=chr(2|3|5|17|X),[^\n]*\n/gm, "");
    const report = await annotate({ text, name: "contigs.vcf" }, { strict: false, assembly: "GRCh38", strategy: "scan" });
    // Coverage no longer counts contigs with records (engine v2: only called regions count), so
    // the record itself must be read: unannotated, the builtin RUNX1 model reads it as a
    // frameshift (issue 19), and it is a finding.
    const finding = report.samples[0]!.findings.find((f) => f.gene.symbol === "RUNX1");
    expect(finding?.consequence?.terms).toContain("frameshift_variant");
    expect(report.input.recordsRead).toBe(CONTIGS_KEPT + 11);
  }, 60_000);
});
