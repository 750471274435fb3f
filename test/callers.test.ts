/**
 * VAF and depth per caller, on real caller output copied from the shared corpus (fixtures/vcf/,
 * provenance in fixtures/README.md). Every expected number is worked out by hand from the line
 * quoted in the comment above it.
 */
import { describe, expect, it } from "vitest";
import type { SampleCall, Variant } from "../src/model.js";
import { readVariants } from "../src/node.js";
import { fixture } from "./helpers.js";

async function read(name: string): Promise<Variant[]> {
  const out: Variant[] = [];
  for await (const v of readVariants(fixture("vcf", name), { strict: false })) out.push(v);
  return out;
}

function call(variants: readonly Variant[], key: string, sample: string): SampleCall {
  const variant = variants.find((v) => v.key === key);
  if (!variant) throw new Error(`no variant ${key} (have ${variants.map((v) => v.key).join(", ")})`);
  const found = variant.calls.find((c) => c.sample === sample);
  if (!found) throw new Error(`no sample ${sample}`);
  return found;
}

describe("per-caller VAF on real files", () => {
  it("Mutect2 (GATK 4, multi-allelic, triploid GT): VAF from AD, per ALT", async () => {
    // chr19 45408613 G GA,GAA … GT:AD:AF:DP  CV023_T 0/1/2:157,15,4:0.083,0.03:176
    // GA: 15/(157+15+4) = 15/176 = 0.0852; GAA: 4/176 = 0.0227 (Mutect2's AF, a model estimate, is 0.083/0.03).
    const variants = await read("vatools.mutect2.no_protein_pos.filtered.vcf");
    expect(call(variants, "chr19:45408613:G:GA", "CV023_T")).toMatchObject({
      genotype: "0/1/2",
      zygosity: "het",
      altDepth: 15,
      depth: 176,
      depthSource: "FORMAT/AD",
      vaf: 0.0852,
      vafSource: "FORMAT/AD",
    });
    expect(call(variants, "chr19:45408613:G:GAA", "CV023_T")).toMatchObject({ altDepth: 4, depth: 176, vaf: 0.0227 });
    // CV023_N 0/0:49,2,0 → GA 2/51 = 0.0392, hom-ref.
    expect(call(variants, "chr19:45408613:G:GA", "CV023_N")).toMatchObject({ zygosity: "hom-ref", vaf: 0.0392, depth: 51 });
  });

  it("MuTect 1 (AD Number=., haploid GT 0): VAF from AD", async () => {
    // 1 2453125 C G … GT:AD:BQ:DP:FA  NORMAL 0/1:160,31:13:192:0.162  TUMOR 0:175,30:.:206:0.146
    const variants = await read("vcf2maf.test_mutect.head.vcf");
    expect(call(variants, "1:2453125:C:G", "NORMAL")).toMatchObject({ zygosity: "het", altDepth: 31, depth: 191, vaf: 0.1623 });
    expect(call(variants, "1:2453125:C:G", "TUMOR")).toMatchObject({ genotype: "0", zygosity: "hom-ref", vaf: 0.1463 });
  });

  it("Strelka SNVs: tier-1 AU/CU/GU/TU counts", async () => {
    const variants = await read("vcf2maf.test_strelka.head.vcf");
    // 1 12170228 C T  NORMAL CU 76,77 (others 0) → 0/76; TUMOR TU 57,57 → 57/57.
    expect(call(variants, "1:12170228:C:T", "NORMAL")).toMatchObject({ vaf: 0, depth: 76, altDepth: 0 });
    expect(call(variants, "1:12170228:C:T", "TUMOR")).toMatchObject({
      vaf: 1,
      depth: 57,
      altDepth: 57,
      vafSource: "FORMAT/AU+CU+GU+TU (tier 1)",
    });
    // 1 35944648 G A  TUMOR AU 56,57 GU 2,2 → 56/58 = 0.9655.
    expect(call(variants, "1:35944648:G:A", "TUMOR")).toMatchObject({ vaf: 0.9655, depth: 58, altDepth: 56 });
    // 1 118166116 C A  TUMOR AU 25,27 CU 39,39 → 25/64 = 0.3906 (tier 2 values ignored).
    expect(call(variants, "1:118166116:C:A", "TUMOR")).toMatchObject({ vaf: 0.3906, depth: 64 });
  });

  it("Strelka indels: tier-1 TIR/TAR", async () => {
    const variants = await read("vcf2maf.test_strelka.head.vcf");
    // 2 102626146 CG C  TUMOR TAR 19,19 TIR 57,58 → 57/76 = 0.75; NORMAL TAR 87 TIR 0 → 0.
    expect(call(variants, "2:102626146:CG:C", "TUMOR")).toMatchObject({
      vaf: 0.75,
      depth: 76,
      altDepth: 57,
      vafSource: "FORMAT/TIR+TAR (tier 1)",
      depthSource: "FORMAT/TAR+TIR",
    });
    expect(call(variants, "2:102626146:CG:C", "NORMAL")).toMatchObject({ vaf: 0, depth: 87 });
    // 2 105977764 G GCCCC  TUMOR TAR 66,68 TIR 32,32 → 32/98 = 0.3265.
    expect(call(variants, "2:105977764:G:GCCCC", "TUMOR")).toMatchObject({ vaf: 0.3265, depth: 98 });
  });

  it("VarScan 2: FREQ (percent) with RD+AD depth", async () => {
    // 1 1991014 A G  GT:GQ:DP:RD:AD:FREQ:DP4  NORMAL 0/1:.:117:59:56:48.7%:…  TUMOR 0/1:.:91:56:35:38.46%:…
    const variants = await read("vcf2maf.test_varscan.head.vcf");
    expect(call(variants, "1:1991014:A:G", "NORMAL")).toMatchObject({
      vaf: 0.487,
      vafSource: "FORMAT/FREQ",
      depth: 115,
      depthSource: "FORMAT/RD+AD",
      altDepth: 56,
    });
    expect(call(variants, "1:1991014:A:G", "TUMOR")).toMatchObject({ vaf: 0.3846, depth: 91, altDepth: 35 });
    // 1 2328714 A G  1/1:.:91:0:91:100%
    expect(call(variants, "1:2328714:A:G", "NORMAL")).toMatchObject({ zygosity: "hom-alt", vaf: 1 });
  });

  it("VarScan with a percent-encoded FREQ (48.74%25) and AD mis-declared Number=R", async () => {
    // chr16 78108410 TG T  GT:ABQ:AD:…:FREQ:…:RD  0/1:50:97:…:48.74%25:…:102 → 0.4874, depth 97+102.
    const variants = await read("vatools.varscan.duplicate_entries_same_depths.vcf");
    expect(call(variants, "chr16:78108410:TG:T", "test_duplicates_sample")).toMatchObject({
      vaf: 0.4874,
      vafSource: "FORMAT/FREQ",
      depth: 199,
      altDepth: 97,
    });
  });

  it("SomaticSniper: DP4 (ref-fwd, ref-rev, alt-fwd, alt-rev)", async () => {
    // 1 1233886 C G  NORMAL DP4 0,10,0,0  TUMOR DP4 0,3,0,4 → 4/7 = 0.5714.
    const variants = await read("vcf2maf.test_sniper.head.vcf");
    expect(call(variants, "1:1233886:C:G", "TUMOR")).toMatchObject({ vaf: 0.5714, depth: 7, altDepth: 4, vafSource: "FORMAT/DP4" });
    expect(call(variants, "1:1233886:C:G", "NORMAL")).toMatchObject({ zygosity: "hom-ref", vaf: 0, depth: 10 });
  });

  it("DeepVariant (via GLnexus): VAF from AD", async () => {
    // 1 5924512 C A  GT:DP:AD:…  0/1:47:23,24  0/1:30:13,17  0/0:23:23,0
    const variants = await read("scout.deepvariant.vep104_annotated.vcf");
    expect(call(variants, "1:5924512:C:A", "earlycasualcaiman")).toMatchObject({ vaf: 0.5106, depth: 47, zygosity: "het" });
    expect(call(variants, "1:5924512:C:A", "hugelymodelbat")).toMatchObject({ vaf: 0.5667, depth: 30 });
    expect(call(variants, "1:5924512:C:A", "slowlycivilbuck")).toMatchObject({ vaf: 0, zygosity: "hom-ref" });
  });

  it("AD mis-declared Number=G (vcf2maf test.vcf) is still read per allele", async () => {
    // 1 11290178 TA T  GT:AD:DP  TUMOR 0/1:10,10:20  NORMAL 0/0:30,5:35 → 0.5 and 5/35 = 0.1429.
    const variants = await read("vcf2maf.test.vcf");
    expect(call(variants, "1:11290178:TA:T", "TUMOR")).toMatchObject({ vaf: 0.5, depth: 20, vafSource: "FORMAT/AD" });
    expect(call(variants, "1:11290178:TA:T", "NORMAL")).toMatchObject({ vaf: 0.1429, depth: 35, altDepth: 5 });
  });
});

describe("VCF 4.5 local alleles", () => {
  it("LAD/LAA map back to global alleles (bcftools tag2tag test input)", async () => {
    const variants = await read("bcftools.tag2tag.LPL.1.vcf");
    // chr 1 A C,G  smpl2 GT:LAD:LPL:LAA 0/1:17,16:86,0,57:1 → C: 16/33 = 0.4848; G is not local: 0 reads.
    expect(call(variants, "chr:1:A:C", "smpl2")).toMatchObject({
      zygosity: "het",
      altDepth: 16,
      depth: 33,
      vaf: 0.4848,
      vafSource: "FORMAT/LAD+LAA",
    });
    expect(call(variants, "chr:1:A:G", "smpl2")).toMatchObject({ altDepth: 0, depth: 33, vaf: 0 });
    // smpl1 0/0:31:0:. → REF only (LAA missing): depth 31.
    expect(call(variants, "chr:1:A:C", "smpl1")).toMatchObject({ zygosity: "hom-ref", depth: 31, vaf: 0 });
    // chr 5 T TA,…,TAAAAAAA  smpl1 5/2:0,8,13:…:5,2 → local 1 = ALT 5 (TAAAAA) 8 reads, local 2 = ALT 2 (TAA) 13.
    expect(call(variants, "chr:5:T:TAA", "smpl1")).toMatchObject({ zygosity: "het", altDepth: 13, depth: 21, vaf: 0.619 });
    expect(call(variants, "chr:5:T:TAAAAA", "smpl1")).toMatchObject({ zygosity: "het", altDepth: 8, depth: 21, vaf: 0.381 });
    expect(call(variants, "chr:5:T:TA", "smpl1")).toMatchObject({ altDepth: 0, vaf: 0 });
    // smpl2 2/2:0,25:90,56,0:2 → TAA hom-alt, 25/25.
    expect(call(variants, "chr:5:T:TAA", "smpl2")).toMatchObject({ zygosity: "hom-alt", altDepth: 25, vaf: 1 });
  });

  it("agrees with bcftools' own conversion to global AD wherever bcftools filled a value", async () => {
    // tag2tag.LPL.1.1.vcf is bcftools +tag2tag output: LAD/LAA beside the global AD it derived
    // (non-local alleles written "."). Reading only the global AD must give the same numbers.
    const local = await read("bcftools.tag2tag.LPL.1.vcf");
    const global = await read("bcftools.tag2tag.LPL.1.1.vcf");
    expect(global.map((v) => v.key)).toEqual(local.map((v) => v.key));
    let compared = 0;
    for (let i = 0; i < global.length; i++) {
      for (let s = 0; s < 2; s++) {
        const g = global[i]!.calls[s]!;
        if (g.altDepth === undefined) continue;
        compared++;
        const l = local[i]!.calls[s]!;
        expect([l.altDepth, l.depth, l.vaf, l.zygosity]).toEqual([g.altDepth, g.depth, g.vaf, g.zygosity]);
      }
    }
    // bcftools filled only REF and the local ALTs: chr:1 smpl2 C; chr:2 smpl1 T; chr:3 smpl2 G;
    // chr:4 both samples; chr:5 smpl1 TAA and TAAAAA, smpl2 TAA → 8 calls compared.
    expect(compared).toBe(8);
  });

  it("LGT becomes the global genotype", async () => {
    // Hand-written (VCF 4.5 §1.6.2): ALT C,G,T; the sample's local alleles are G (2) and T (3).
    const text = [
      "##fileformat=VCFv4.5",
      "##contig=<ID=chr2,length=242193529>",
      '##FORMAT=<ID=LAA,Number=.,Type=Integer,Description="Local alleles">',
      '##FORMAT=<ID=LGT,Number=1,Type=String,Description="Local genotype">',
      '##FORMAT=<ID=LAD,Number=LR,Type=Integer,Description="Local allelic depths">',
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
      "chr2\t100\t.\tA\tC,G,T\t.\tPASS\t.\tLAA:LGT:LAD\t2,3:1|2:1,20,9",
      "",
    ].join("\n");
    const out: Variant[] = [];
    for await (const v of readVariants({ text })) out.push(v);
    // LGT 1|2 with LAA 2,3 → GT 2|3: het for G and for T, nothing for C.
    expect(out.map((v) => [v.alt, v.calls[0]!.genotype, v.calls[0]!.zygosity, v.calls[0]!.vaf])).toEqual([
      ["C", "2|3", undefined, 0],
      ["G", "2|3", "het", 0.6667],
      ["T", "2|3", "het", 0.3],
    ]);
  });

  it("zero-length and missing LAA (hts-specs 4.5 passed/zero_length_LAA.vcf) read without error", async () => {
    const variants = await read("hts-specs.4.5.zero_length_LAA.vcf");
    expect(variants.map((v) => v.pos)).toEqual([100, 200, 400, 300, 500, 600]);
  });

  it("an LAA index beyond the ALTs is E_VCF_RECORD", async () => {
    const text = [
      "##fileformat=VCFv4.5",
      "##contig=<ID=chr2,length=242193529>",
      '##FORMAT=<ID=LAA,Number=.,Type=Integer,Description="Local alleles">',
      '##FORMAT=<ID=LAD,Number=LR,Type=Integer,Description="Local allelic depths">',
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
      "chr2\t100\t.\tA\tC\t.\tPASS\t.\tLAA:LAD\t2:1,20",
      "",
    ].join("\n");
    const error = await (async () => {
      try {
        for await (const _ of readVariants({ text, name: "laa.vcf" }));
      } catch (e) {
        return e as { code: string; location: unknown };
      }
      throw new Error("no error");
    })();
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.location).toEqual({ file: "laa.vcf", line: 6, field: "S1.LAA" });
  });
});

describe("percent-decoding", () => {
  it("INFO values are decoded after splitting on commas (Mutect2 AS_SB_TABLE=145%2C61|15%2C2|4%2C0)", async () => {
    const [ga, gaa] = await read("vatools.mutect2.no_protein_pos.filtered.vcf");
    // Number=1 String: one value, the escaped commas stay inside it.
    expect(ga!.info.AS_SB_TABLE).toEqual(["145,61|15,2|4,0"]);
    expect(gaa!.info.AS_SB_TABLE).toEqual(["145,61|15,2|4,0"]);
  });

  it("hts-specs 4.3 passed_body_info: MY3=0.777%03A-0.123%03B0.5%3D-0.987%0A", async () => {
    const variants = await read("hts-specs.4.3.passed_body_info.vcf");
    const my3 = variants.find((v) => v.chrom === "19" && v.pos === 100)!;
    // %03 is the control byte 0x03 (followed by a literal A/B), %3D "=", %0A a newline.
    expect(my3.info.MY3).toEqual(["0.777\u0003A-0.123\u0003B0.5=-0.987\n"]);
    expect(my3.info.RSQ).toBeDefined();
  });

  it("decodes %3B %3D %2C %25 and leaves a stray % alone", async () => {
    const text = [
      "##fileformat=VCFv4.3",
      "##contig=<ID=chr2,length=242193529>",
      '##INFO=<ID=NOTE,Number=.,Type=String,Description="x">',
      '##INFO=<ID=PCT,Number=1,Type=String,Description="x">',
      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
      "chr2\t100\t.\tA\tC\t.\tPASS\tNOTE=a%3Bb%3Dc,d%2Ce,100%25;PCT=5%",
      "",
    ].join("\n");
    const out: Variant[] = [];
    for await (const v of readVariants({ text })) out.push(v);
    expect(out[0]!.info.NOTE).toEqual(["a;b=c", "d,e", "100%"]);
    expect(out[0]!.info.PCT).toEqual(["5%"]);
  });
});
