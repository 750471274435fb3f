/**
 * Records → Variants: multi-allelic splits with Number=A/R/G, placeholders, SV extents, phasing
 * prefixes and per-caller VAF sources. Expected values are worked out by hand in each comment.
 */
import { describe, expect, it } from "vitest";
import type { Variant } from "../src/model.js";
import { readVariants } from "../src/node.js";
import { BoundedMap, own } from "../src/own.js";
import { splitOn } from "../src/split.js";
import { parseHeader } from "../src/vcf/header.js";
import { createRecordParser } from "../src/vcf/records.js";
import { fixture, vcfText } from "./helpers.js";

async function collect(input: Parameters<typeof readVariants>[0]): Promise<Variant[]> {
  const out: Variant[] = [];
  for await (const v of readVariants(input, { strict: false })) out.push(v);
  return out;
}

const META = [
  '##INFO=<ID=AC,Number=A,Type=Integer,Description="x">',
  '##INFO=<ID=RC,Number=R,Type=Integer,Description="x">',
  '##INFO=<ID=GG,Number=G,Type=Integer,Description="x">',
  '##INFO=<ID=END,Number=1,Type=Integer,Description="x">',
  '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="x">',
  '##ALT=<ID=DEL,Description="Deletion">',
];

describe("records", () => {
  it("splits a multi-allelic record and cuts Number=A/R/G values per ALT", async () => {
    // Alleles C (0), T (1), G (2): G order 0/0,0/1,1/1,0/2,1/2,2/2 → ALT 2 keeps 0/0, 0/2, 2/2 = 10, 13, 15.
    const text = vcfText(["chr2\t100\t.\tC\tT,G\t.\tPASS\tAC=1,2;RC=7,8,9;GG=10,11,12,13,14,15\tGT:AD\t1/2:7,8,9"], { meta: META });
    const [t, g] = await collect({ text });
    expect(t!.info.AC).toEqual([1]);
    expect(g!.info.AC).toEqual([2]);
    expect(g!.info.RC).toEqual([7, 9]);
    expect(g!.info.GG).toEqual([10, 13, 15]);
    expect([t!.altIndex, g!.altIndex, g!.altCount]).toEqual([1, 2, 2]);
    // AD 7,8,9 → depth 24, VAF(G) 9/24 = 0.375; GT 1/2 is het for each ALT.
    expect(g!.calls[0]).toMatchObject({ zygosity: "het", depth: 24, altDepth: 9, vaf: 0.375, vafSource: "FORMAT/AD" });
  });

  it("never emits *, <*> or <NON_REF>, and skips gVCF reference blocks", async () => {
    const text = vcfText(["chr2\t100\t.\tC\t<NON_REF>\t.\t.\tEND=200\tGT\t0/0", "chr2\t300\t.\tC\tT,*,<*>\t.\tPASS\t.\tGT\t1/2"], {
      meta: META,
    });
    expect((await collect({ text })).map((v) => v.key)).toEqual(["chr2:300:C:T"]);
  });

  it("a symbolic <DEL> spans END, so a deletion over TERC overlaps it", async () => {
    // TERC lies at chr3:169,764,520-169,765,060 (GRCh38); the deletion runs 169,700,000-169,800,000.
    const text = vcfText(["chr3\t169700000\t.\tN\t<DEL>\t.\tPASS\tEND=169800000;SVLEN=-100000\tGT\t0/1"], { meta: META });
    const [del] = await collect({ text });
    expect(del).toMatchObject({ kind: "sv", pos: 169700000, end: 169800000 });
    expect(del!.pos <= 169765060 && del!.end >= 169764520).toBe(true);
    // Without END, SVLEN gives the extent.
    const bySvlen = vcfText(["chr3\t169700000\t.\tN\t<DEL>\t.\tPASS\tSVLEN=-100000\tGT\t0/1"], { meta: META });
    expect((await collect({ text: bySvlen }))[0]!.end).toBe(169800000);
  });

  it("reads VCF 4.4 phasing prefixes, haploid and missing genotypes", async () => {
    const text = vcfText([
      "chrX\t100\t.\tC\tT\t.\tPASS\t.\tGT\t|0|1",
      "chrX\t200\t.\tC\tT\t.\tPASS\t.\tGT\t1",
      "chrX\t300\t.\tC\tT\t.\tPASS\t.\tGT\t./.",
    ]);
    const [phased, haploid, missing] = await collect({ text });
    expect(phased!.calls[0]).toMatchObject({ genotype: "|0|1", phased: true, zygosity: "het" });
    expect(haploid!.calls[0]).toMatchObject({ genotype: "1", zygosity: "hemi" });
    expect(missing!.calls[0]).toMatchObject({ genotype: "./.", zygosity: "no-call" });
  });

  it("reads CRLF lines", async () => {
    const text = vcfText(["chr2\t100\t.\tC\tT\t.\tPASS\tDP=3\tGT:AD\t0/1:2,1"]).replaceAll("\n", "\r\n");
    const [v] = await collect({ text });
    expect(v!.calls[0]).toMatchObject({ genotype: "0/1", vaf: 0.3333 });
  });
});

describe("calls on real caller output", () => {
  it("VarDict-style GT:DP:VD:AF (scout cancer_test, NPM1 insertion): VAF from AF, alt depth from VD", async () => {
    // Line 1 of the data: 5 170837543 C CTCTG GT:DP:VD:AF 0/1:4046:1209:0.299 0/0:2937:0:0
    const [first] = await collect(fixture("annotated", "scout.cancer_test.vcf.gz"));
    expect(first!.key).toBe("5:170837543:C:CTCTG");
    expect(first!.calls[0]).toMatchObject({
      sample: "999-99",
      zygosity: "het",
      vaf: 0.299,
      vafSource: "FORMAT/AF",
      depth: 4046,
      altDepth: 1209,
    });
    expect(first!.calls[1]).toMatchObject({ sample: "998-99", zygosity: "hom-ref", vaf: 0, depth: 2937, altDepth: 0 });
  });
});

describe("a parser that builds only some INFO values (as annotate does)", () => {
  const meta = [
    ...META,
    '##INFO=<ID=CSQ,Number=1,Type=String,Description="Format: Allele|Consequence">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="x">',
  ];
  const parse = (record: string, infoKeys?: ReadonlySet<string>) => {
    const lines = vcfText([record], { meta }).trimEnd().split("\n");
    const header = parseHeader(lines.slice(0, -1), { file: "t.vcf" });
    const warnings: string[] = [];
    const parser = createRecordParser(header, { file: "t.vcf", ...(infoKeys ? { infoKeys } : {}) });
    const variants = parser.parse(lines.at(-1)!, lines.length, (w) => warnings.push(w.message));
    return { variants, warnings };
  };
  const keys = new Set(["END"]);

  it("keeps the chosen keys and leaves the others out", () => {
    const record = "chr2\t100\t.\tC\tT\t.\tPASS\tDP=7;END=100;CSQ=T|missense_variant\tGT\t0/1";
    expect(Object.keys(parse(record).variants[0]!.info)).toEqual(["DP", "END", "CSQ"]);
    expect({ ...parse(record, keys).variants[0]!.info }).toEqual({ END: [100] });
  });

  it("still checks every key: a count that breaks Number=1 warns, a bad Integer fails", () => {
    // CSQ has two comma-separated values where the header says Number=1.
    const twoValues = "chr2\t100\t.\tC\tT\t.\tPASS\tCSQ=T|missense_variant,T|intron_variant\tGT\t0/1";
    expect(parse(twoValues, keys).warnings.join()).toMatch(/CSQ has 2 value\(s\); Number=1 asks for 1/);
    expect(parse(twoValues).warnings).toEqual(parse(twoValues, keys).warnings);
    // "." alone is a missing value, not a count problem.
    expect(parse("chr2\t100\t.\tC\tT\t.\tPASS\tCSQ=.\tGT\t0/1", keys).warnings).toEqual([]);
    expect(() => parse("chr2\t100\t.\tC\tT\t.\tPASS\tDP=seven\tGT\t0/1", keys)).toThrow(/DP/);
  });
});

describe("splitOn", () => {
  it("gives what String.prototype.split gives for a one-character separator", () => {
    const cases = ["", "a", ",", ",,", "a,", ",a", "a,,b", "a,b,c", "long text without the separator", "x,yy,,zzz,"];
    for (const text of cases) expect(splitOn(text, ",")).toEqual(text.split(","));
    // Pieces of 13+ characters (V8 slices) and a tab separator, as record columns are cut.
    const line = "chr2\t25235960\t.\tG\tA\t.\tPASS\tCSQ=A|stop_gained|HIGH|DNMT3A\tGT\t0/1";
    expect(splitOn(line, "\t")).toEqual(line.split("\t"));
  });
});

describe("own (a copy a cache keeps as its key)", () => {
  const line = "chr2\t25235960\t.\tG\tA\t.\tPASS\tCSQ=A|stop_gained|HIGH|DNMT3A|ENST00000321117.10:c.2645G>A\tGT\t0/1";
  const cases = [
    "",
    "PASS",
    "stop_gained",
    line.slice(40, 90),
    line,
    "x".repeat(100_000),
    "caf\u00e9 \u2028 \ud83e\uddec",
    "lone \ud800 surrogate",
    '"quoted" \\ back\tslash\n',
  ];

  it("give back the same text, whatever it holds", () => {
    for (const text of cases) {
      expect(own(text)).toBe(text);
    }
  });
});

describe("BoundedMap", () => {
  it("never holds more than its limit, and keeps what was set last", () => {
    const map = new BoundedMap<string, number>(3);
    for (let i = 0; i < 10; i++) {
      map.set(`k${i}`, i);
      expect(map.size).toBeLessThanOrEqual(3);
      expect(map.get(`k${i}`)).toBe(i);
    }
    // Full again (k9, k10, k11); setting a key it holds replaces the value without starting over.
    map.set("k10", 10).set("k11", 11);
    map.set("k9", 90);
    expect(map.get("k9")).toBe(90);
    expect(map.size).toBe(3);
  });
});
