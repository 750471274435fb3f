/**
 * `reference` (issue 19): an indexed FASTA gives every panel gene's bases. The FASTA here is made
 * from LRG_321 (TP53's genomic sequence, shared/data/transcripts/lrg) placed at its GRCh38 mapping
 * (chr17:7659779-7692550, minus strand, one span with no differences from GRCh38), N elsewhere:
 * with it the intronic indels VEP names in the vatools test file get the same HGVS c.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Warning } from "../src/errors.js";
import { annotate, readVariants } from "../src/node.js";
import { reverseComplement } from "../src/transcripts/hgvs.js";
import { rejectedWith, SHARED, tempDir, vcfText } from "./helpers.js";

const LRG = `${SHARED}/data/transcripts/lrg/LRG_321.xml.gz`;
const VATOOLS = `${SHARED}/corpus/vatools/tests/test_data/vep_annotation_reporter/input.vcf.gz`;
const hasShared = existsSync(LRG) && existsSync(VATOOLS);

/** A one-contig FASTA (`chr17`, one line) with TP53's LRG sequence at its GRCh38 place, and its .fai. */
function tp53Reference(length = 7_700_000): string {
  const xml = gunzipSync(readFileSync(LRG)).toString("utf8");
  const genomic = /<fixed_annotation>[\s\S]*?<sequence>([ACGTN]+)<\/sequence>/.exec(xml)![1]!;
  const span =
    /<mapping coord_system="GRCh38"[^>]*>\s*<mapping_span lrg_start="1" lrg_end="(\d+)" other_start="(\d+)" other_end="(\d+)" strand="-1" \/>/.exec(
      xml,
    )!;
  const [lrgEnd, start, end] = [Number(span[1]), Number(span[2]), Number(span[3])];
  expect(lrgEnd).toBe(genomic.length);
  expect(end - start + 1).toBe(genomic.length);
  const seq = Buffer.alloc(length, "N");
  seq.write(reverseComplement(genomic), start - 1, "latin1");
  const dir = tempDir("reference-");
  const fasta = join(dir, "tp53.fa");
  const head = ">chr17\n";
  writeFileSync(fasta, Buffer.concat([Buffer.from(head), seq, Buffer.from("\n")]));
  writeFileSync(`${fasta}.fai`, `chr17\t${length}\t${head.length}\t${length}\t${length + 1}\n`);
  return fasta;
}

describe.skipIf(!hasShared)("reference FASTA", () => {
  it("names TP53's intronic and repeat indels as VEP does (GRCh38, vatools test file)", async () => {
    const reference = tp53Reference();
    const vep = new Map<string, { hgvsc?: string; hgvsp?: string }>();
    for await (const v of readVariants(VATOOLS, { strict: false })) {
      const c = v.consequences.find((x) => x.symbol === "TP53" && x.transcript?.startsWith("ENST00000269305"));
      if (c) vep.set(v.key, { hgvsc: c.hgvsc?.split(":")[1], hgvsp: c.hgvsp?.split(":")[1] });
    }
    expect(vep.size).toBeGreaterThanOrEqual(9);
    // Every TP53 record: the builtin model with the reference against VEP's own CSQ.
    const warnings: Warning[] = [];
    const lines = readFileSync(VATOOLS);
    const text = gunzipSync(lines).toString("utf8");
    const records = text.split("\n").filter((l) => l && !l.startsWith("#") && l.startsWith("chr17\t") && vep.has(keyOf(l)));
    const header = text.split("\n").filter((l) => l.startsWith("#"));
    const input = { text: `${header.join("\n")}\n${records.join("\n")}\n`, name: "tp53.vcf" };
    const { predictConsequence } = await import("../src/transcripts/consequence.js");
    const { transcriptModel } = await import("../src/transcripts/index.js");
    const { loadReference, referenceFiles } = await import("../src/transcripts/reference.js");
    const { nodeResolvers } = await import("../src/node-resolvers.js");
    const model = transcriptModel("TP53", "GRCh38")!;
    const loaded = await loadReference(referenceFiles(reference, nodeResolvers.filehandle!), [model], "GRCh38");
    const sequence = loaded.genes.get("TP53")!;
    // The reference's coding sequence is the LRG's (the package's own, from LRG_321 too).
    expect(sequence.cds).toBe(model.cdsSequence);
    let named = 0;
    let intronicIndels = 0;
    for (const line of records) {
      const [, pos, , ref, alt] = line.split("\t");
      const want = vep.get(keyOf(line))!;
      const ours = predictConsequence(model, Number(pos), ref!, alt!, sequence)!;
      if (want.hgvsc) {
        expect(ours.hgvsc?.split(":")[1], keyOf(line)).toBe(want.hgvsc);
        named++;
        if (ref!.length !== alt!.length && /[+-]\d/.test(want.hgvsc)) intronicIndels++;
      }
      if (want.hgvsp) expect(ours.hgvsp?.replace(/^p\.\((.*)\)$/, "p.$1"), keyOf(line)).toBe(want.hgvsp.replace("%3D", "="));
    }
    expect(named).toBeGreaterThanOrEqual(9);
    // c.376-160_376-158del and c.96+41_97-54del: without the reference these have no name.
    expect(intronicIndels).toBeGreaterThanOrEqual(2);
    // End to end: the run reads the reference, checks every REF and warns about none.
    const report = await annotate(input, { assembly: "GRCh38", consequences: "builtin", reference, onWarning: (w) => warnings.push(w) });
    expect(report.samples.length).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.code === "W_REF_MISMATCH" || w.code === "W_REFERENCE_BUILD")).toEqual([]);
  });

  it("warns about a REF the reference contradicts, naming the record, and doubts the build when many do", async () => {
    const reference = tp53Reference();
    // TP53 exon 5 bases (GRCh38 chr17:7675070-7675200), REF written as the complement of the reference's.
    const { loadReference, referenceFiles } = await import("../src/transcripts/reference.js");
    const { transcriptModel } = await import("../src/transcripts/index.js");
    const { nodeResolvers } = await import("../src/node-resolvers.js");
    const loaded = await loadReference(
      referenceFiles(reference, nodeResolvers.filehandle!),
      [transcriptModel("TP53", "GRCh38")!],
      "GRCh38",
    );
    const bases = loaded.genes.get("TP53")!.bases;
    const wrong: Record<string, string> = { A: "C", C: "G", G: "T", T: "A" };
    const records = Array.from({ length: 25 }, (_, i) => {
      const pos = 7675070 + i * 5;
      const r = wrong[bases.base(pos)!]!;
      return `chr17\t${pos}\t.\t${r}\t${r === "A" ? "G" : "A"}\t.\tPASS\t.\tGT\t0/1`;
    });
    const warnings: Warning[] = [];
    await annotate({ text: vcfText(records), name: "wrong.vcf" }, { assembly: "GRCh38", reference, onWarning: (w) => warnings.push(w) });
    const mismatches = warnings.filter((w) => w.code === "W_REF_MISMATCH");
    expect(mismatches).toHaveLength(10);
    expect(mismatches[0]!.location).toMatchObject({ file: "wrong.vcf", field: "REF" });
    expect(mismatches[0]!.message).toMatch(/chr17:7675070/);
    const build = warnings.find((w) => w.code === "W_REFERENCE_BUILD");
    expect(build?.message).toMatch(/25 of 25 panel-gene records.*probably not GRCh38/);
  });

  // The default (browser) entry, the reference given as Blobs, bgzipped with its .gzi (bgzip -i):
  // what a web page passes from a file input. Same names as the Node path gives.
  it("reads a bgzipped reference given as Blobs through the default entry", async () => {
    const plain = tp53Reference();
    execFileSync("bgzip", ["-i", "-k", plain]);
    const blob = (path: string) => new Blob([readFileSync(path)]);
    const browser = await import("../src/index.js");
    const text = vcfText([
      "chr17\t7675393\t.\tCTTT\tC\t.\tPASS\t.\tGT\t0/1",
      "chr17\t7676325\t.\tCCCCCAGCCCTCCAGGT\tC\t.\tPASS\t.\tGT\t0/1",
    ]);
    const warnings: Warning[] = [];
    const options = { assembly: "GRCh38" as const, consequences: "builtin" as const, onWarning: (w: Warning) => warnings.push(w) };
    // Not a finding (intronic), so the names are read off the model with the loaded reference.
    const { loadReference, referenceFiles } = await import("../src/transcripts/reference.js");
    const { browserResolvers } = await import("../src/read.js");
    const { transcriptModel } = await import("../src/transcripts/index.js");
    const { predictConsequence } = await import("../src/transcripts/consequence.js");
    const files = referenceFiles(
      { fasta: blob(`${plain}.gz`), fai: blob(`${plain}.fai`), gzi: blob(`${plain}.gz.gzi`) },
      browserResolvers.filehandle!,
    );
    const model = transcriptModel("TP53", "GRCh38")!;
    const loaded = await loadReference(files, [model], "GRCh38");
    const seq = loaded.genes.get("TP53")!;
    expect(predictConsequence(model, 7675393, "CTTT", "C", seq)!.hgvsc).toBe("NM_000546.6:c.376-160_376-158del");
    expect(predictConsequence(model, 7676325, "CCCCCAGCCCTCCAGGT", "C", seq)!.hgvsc).toBe("NM_000546.6:c.96+41_97-54del");
    // And a whole run through the browser entry with the Blobs: no REF mismatch.
    const report = await browser.annotate(
      { text, name: "tp53.vcf" },
      { ...options, reference: { fasta: blob(`${plain}.gz`), fai: blob(`${plain}.fai`), gzi: blob(`${plain}.gz.gzi`) } },
    );
    expect(report.input.recordsRead).toBe(2);
    expect(warnings.filter((w) => w.code === "W_REF_MISMATCH")).toEqual([]);
    // A bgzipped FASTA as a Blob without its .gzi cannot be read: said, not guessed.
    const named = new File([readFileSync(`${plain}.gz`)], "tp53.fa.gz");
    const error = await rejectedWith(
      browser.annotate({ text, name: "tp53.vcf" }, { ...options, reference: { fasta: named, fai: blob(`${plain}.fai`) } }),
    );
    expect(error.code).toBe("E_OPTIONS");
    expect(error.message).toMatch(/\.gzi/);
  });

  it("refuses a reference of the other build, and a FASTA without its index", async () => {
    // GRCh37's chr17 is 81,195,210 bp: the .fai alone says which build the FASTA is.
    const dir = tempDir("reference-");
    const fasta = join(dir, "grch37.fa");
    writeFileSync(fasta, ">chr17\nN\n");
    writeFileSync(`${fasta}.fai`, "chr17\t81195210\t7\t1\t2\n");
    const text = vcfText(["chr17\t7675088\t.\tC\tT\t.\tPASS\t.\tGT\t0/1"]);
    const error = await rejectedWith(annotate({ text, name: "x.vcf" }, { assembly: "GRCh38", reference: fasta }));
    expect(error.code).toBe("E_ASSEMBLY");
    expect(error.message).toMatch(/GRCh37/);
    const missing = await rejectedWith(annotate({ text, name: "x.vcf" }, { assembly: "GRCh38", reference: join(dir, "none.fa") }));
    expect(missing.code).toBe("E_INPUT");
    expect(missing.location.file).toBe(join(dir, "none.fa"));
  });
});

function keyOf(line: string): string {
  const [chrom, pos, , ref, alt] = line.split("\t");
  return `${chrom}:${pos}:${ref}:${alt}`;
}
