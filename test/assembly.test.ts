/**
 * Assembly inference from real headers (copied from the shared corpus into fixtures/) and contig
 * naming: `chr1`/`1` and `chrM`/`MT` must not change what annotate finds.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MarrowscopeError } from "../src/errors.js";
import { annotate } from "../src/node.js";
import { canonicalChrom, inferAssembly } from "../src/normalize/contigs.js";
import type { Report } from "../src/report/schema.js";
import { parseHeader, type VcfHeader } from "../src/vcf/header.js";
import { fixture } from "./helpers.js";

/** The header of a fixture (every line up to #CHROM), parsed leniently as the reader would. */
function headerOf(...path: string[]): VcfHeader {
  const file = path[path.length - 1]!;
  const bytes = readFileSync(fixture(...path));
  const text = file.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    lines.push(line);
    if (line.startsWith("#CHROM")) break;
  }
  return parseHeader(lines, { file, strict: false });
}

/** A header made of a real file's lines, keeping only the contig lines `keep` accepts (and no ##reference). */
function withContigs(header: VcfHeader, keep: (line: string) => boolean): VcfHeader {
  const lines = header.text.split("\n").filter((l) => !l.startsWith("##reference") && (!l.startsWith("##contig") || keep(l)));
  return parseHeader(lines, { file: "subset.vcf", strict: false });
}

function assemblyError(fn: () => unknown): MarrowscopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MarrowscopeError) return error;
    throw error;
  }
  throw new Error("expected an E_ASSEMBLY error");
}

describe("assembly from contig lengths", () => {
  it("GRCh38: Mutect2 header (chr1 length 248956422 …)", () => {
    const decision = inferAssembly(headerOf("vcf", "vatools.mutect2.no_protein_pos.filtered.vcf"), "auto", "m2.vcf");
    expect(decision.assembly).toBe("GRCh38");
    expect(decision.evidence).toMatch(/^contig lengths: \d+ contig\(s\) match GRCh38 \(chr1, chr2, chr3, …\)$/);
  });

  it("GRCh37: MuTect 1 header (1 length 249250621 …, MT 16569)", () => {
    const decision = inferAssembly(headerOf("vcf", "vcf2maf.test_mutect.head.vcf"), "auto", "m1.vcf");
    expect(decision.assembly).toBe("GRCh37");
    expect(decision.evidence).toMatch(/^contig lengths: 24 contig\(s\) match GRCh37 \(1, 2, 3, …\)$/);
  });

  it("hg19 chrM (16571 bp, NC_001807) says GRCh37; rCRS MT (16569 bp) alone decides nothing", () => {
    // hap.py allelesplit.vcf declares chrM length=16571 and the hg19 chromosomes.
    const hg19 = headerOf("vcf", "hap.py.allelesplit.vcf");
    expect(inferAssembly(hg19, "auto", "hg19.vcf").assembly).toBe("GRCh37");
    const onlyChrM = withContigs(hg19, (l) => l.includes("ID=chrM,"));
    expect(onlyChrM.contigs).toEqual([{ id: "chrM", length: 16571, assembly: undefined }]);
    expect(inferAssembly(onlyChrM, "auto", "chrM.vcf")).toEqual({
      assembly: "GRCh37",
      evidence: "contig lengths: 1 contig(s) match GRCh37 (chrM)",
    });
    // vcf2maf's MuTect header: MT length=16569 is the rCRS of both GRCh37 and GRCh38.
    const onlyMT = withContigs(headerOf("vcf", "vcf2maf.test_mutect.head.vcf"), (l) => l.includes("ID=MT,"));
    expect(onlyMT.contigs).toEqual([{ id: "MT", length: 16569, assembly: undefined }]);
    expect(assemblyError(() => inferAssembly(onlyMT, "auto", "mt.vcf")).code).toBe("E_ASSEMBLY");
  });
});

describe("assembly from names only", () => {
  it("##reference=GRCh37 with no contig lines (vcf-js sample2genotype.vcf)", () => {
    const header = headerOf("vcf", "vcf-js.sample2genotype.vcf");
    expect(header.contigs).toEqual([]);
    expect(inferAssembly(header, "auto", "s.vcf")).toEqual({
      assembly: "GRCh37",
      evidence: '##reference names GRCh37 ("GRCh37")',
    });
  });

  it("##reference=GRCh38.p13 with a length-less chrM (bcftools annots.id.2.vcf)", () => {
    const decision = inferAssembly(headerOf("vcf", "bcftools.annots.id.2.vcf"), "auto", "a.vcf");
    expect(decision).toEqual({ assembly: "GRCh38", evidence: '##reference names GRCh38 ("GRCh38.p13")' });
  });
});

describe("E_ASSEMBLY", () => {
  it("when nothing decides: ##reference names NCBI36 (bcftools view.filter.annovar.vcf)", () => {
    const header = headerOf("annotated", "bcftools.view.filter.annovar.vcf");
    expect(header.reference).toBe("1000GenomesPilot-NCBI36");
    const error = assemblyError(() => inferAssembly(header, "auto", "annovar.vcf"));
    expect(error.code).toBe("E_ASSEMBLY");
    expect(error.location).toEqual({ file: "annovar.vcf", field: "assembly" });
    expect(error.message).toMatch(/--assembly/);
  });

  it("when the header has no evidence at all, also through annotate (hts-specs zero_length_LAA.vcf)", async () => {
    const error = await annotate(fixture("vcf", "hts-specs.4.5.zero_length_LAA.vcf")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarrowscopeError);
    expect((error as MarrowscopeError).code).toBe("E_ASSEMBLY");
    // Given explicitly, the same file annotates.
    const report = await annotate(fixture("vcf", "hts-specs.4.5.zero_length_LAA.vcf"), { assembly: "GRCh38" });
    expect(report.input.assemblyEvidence).toBe("given by the caller");
  });

  it("when --assembly contradicts the header", async () => {
    const header = headerOf("vcf", "vatools.mutect2.no_protein_pos.filtered.vcf");
    const error = assemblyError(() => inferAssembly(header, "GRCh37", "m2.vcf"));
    expect(error.code).toBe("E_ASSEMBLY");
    expect(error.message).toMatch(/^m2\.vcf: assembly: --assembly GRCh37 contradicts the header \(contig lengths/);
    expect(inferAssembly(header, "GRCh38", "m2.vcf").evidence).toMatch(/^given, and contig lengths/);
    const viaAnnotate = await annotate(fixture("vcf", "vatools.mutect2.no_protein_pos.filtered.vcf"), { assembly: "GRCh37" }).catch(
      (e: unknown) => e,
    );
    expect((viaAnnotate as MarrowscopeError).code).toBe("E_ASSEMBLY");
  });
});

describe("contig naming", () => {
  it("canonical names: chr1/1, chrX/X, chrM/MT/M; others untouched", () => {
    expect(["chr1", "1", "CHR1", "chrX", "x", "chrM", "MT", "M", "chr1_KI270706v1_random", "GL000192.1"].map(canonicalChrom)).toEqual([
      "1",
      "1",
      "1",
      "X",
      "X",
      "MT",
      "MT",
      "MT",
      "chr1_KI270706v1_random",
      "GL000192.1",
    ]);
  });

  /** Findings with `chr` dropped from names, so a prefixed and an unprefixed run compare. */
  function comparable(report: Report): unknown {
    const strip = (s: string) => s.replace(/^chr/, "");
    return report.samples.map((sample) => ({
      ...sample,
      findings: sample.findings.map((f) => ({ ...f, variant: { ...f.variant, chrom: strip(f.variant.chrom), key: strip(f.variant.key) } })),
      ...(sample.notJudged
        ? { notJudged: { ...sample.notJudged, variants: sample.notJudged.variants.map((v) => ({ ...v, key: strip(v.key) })) } }
        : {}),
    }));
  }

  /** Rewrites CHROM and ##contig IDs of a VCF text with `rename`. */
  function renameContigs(text: string, rename: (chrom: string) => string): string {
    return text
      .split("\n")
      .map((line) => {
        if (line.startsWith("##contig=<ID="))
          return line.replace(/^##contig=<ID=([^,>]+)/, (_, id: string) => `##contig=<ID=${rename(id)}`);
        if (line === "" || line.startsWith("#")) return line;
        const tab = line.indexOf("\t");
        return rename(line.slice(0, tab)) + line.slice(tab);
      })
      .join("\n");
  }

  it("GRCh38 demo (chr-prefixed) and its unprefixed copy give the same findings", async () => {
    const text = gunzipSync(readFileSync(fixture("demo.vcf.gz"))).toString("utf8");
    const bare = renameContigs(text, (c) => (c === "chrM" ? "MT" : c.replace(/^chr/, "")));
    expect(bare).toContain("##contig=<ID=MT,");
    expect(bare).toMatch(/\n2\t25234373\t/);
    const prefixed = await annotate({ text, name: "demo.vcf" }, { strategy: "scan" });
    const unprefixed = await annotate({ text: bare, name: "demo.vcf" }, { strategy: "scan" });
    expect(unprefixed.input.assembly).toBe("GRCh38");
    expect(prefixed.samples[0]!.findings.length).toBeGreaterThan(0);
    expect(comparable(unprefixed)).toEqual(comparable(prefixed));
  });

  it("GRCh37 TCGA pair (unprefixed) and a chr-prefixed copy give the same findings", async () => {
    const text = readFileSync(fixture("cases", "TCGA-AB-2968-03.laml.vcf"), "utf8");
    const prefixed = renameContigs(text, (c) => (c === "MT" ? "chrM" : `chr${c}`));
    expect(prefixed).toMatch(/\nchr1\t115256528\t/);
    const a = await annotate({ text, name: "laml.vcf" }, { assembly: "GRCh37" });
    const b = await annotate({ text: prefixed, name: "laml.vcf" }, { assembly: "GRCh37" });
    // NRAS Q61 (1:115256528) is the known somatic hotspot here.
    expect(a.samples[0]!.findings.map((f) => f.gene.symbol)).toContain("NRAS");
    expect(comparable(b)).toEqual(comparable(a));
  });
});
