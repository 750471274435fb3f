/**
 * The corpus's real tumour/normal files (issue 20 acceptance) export in every format, and each
 * format passes its own check (./format-checks.ts): the clinician report one page per sample with
 * the disclaimer, the annotated VCF equal to the input apart from marrowscope's additions, FHIR
 * against the IG profiles and the base schema, Phenopackets against the canonical protos.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { annotate, DISCLAIMER, toFHIRBundle, toHTML, toMarkdown, toPhenopacket, toVCF } from "../src/node.js";
import { fileLines } from "../src/vcf/node-lines.js";
import { baseProblems, expectSameApartFromOurs, fhirProblems, hasProto, type Json, loadRoot, protoProblems } from "./format-checks.js";
import { SHARED, tempDir } from "./helpers.js";

/** MANIFEST.tsv's tumour/normal pairs (GRCh37 per their MAFs or headers), and the vcf2maf test pair. */
const PAIRS = [
  "scout/scout/demo/cancer_test.vcf.gz",
  "vcf2maf/data/TCGA-AB-2968-03.laml.vcf",
  "vcf2maf/data/TCGA-B5-A0JV-01.ucec.vcf",
  "vcf2maf/data/TCGA-BH-A18P-01.brca.vcf",
  "vcf2maf/tests/test.vcf",
].map((p) => join(SHARED, "corpus", p));

describe.skipIf(!PAIRS.every(existsSync) || !hasProto)("the corpus's tumour/normal files in every format", () => {
  it("md, html, vcf, fhir and phenopacket, each checked", async () => {
    const root = loadRoot();
    const out = tempDir("exports-");
    for (const file of PAIRS) {
      const report = await annotate(file, { assembly: "GRCh37", strict: false, strategy: "scan" });
      const samples = report.samples.length;
      expect(samples, file).toBe(2);
      expect(toMarkdown(report).split(`**${DISCLAIMER}**`).length - 1, file).toBe(samples);
      expect(toHTML(report).split('<section class="page">').length - 1, file).toBe(samples);
      const vcf = join(out, `${samples}-${file.split("/").pop()!.replace(/\.gz$/, "")}`);
      writeFileSync(vcf, await toVCF(report, fileLines(file)));
      expectSameApartFromOurs(file, vcf);
      const bundle = toFHIRBundle(report) as Json;
      expect((bundle.entry ?? []).map((e: Json) => e.resource).flatMap(fhirProblems), file).toEqual([]);
      expect(baseProblems(bundle), file).toEqual([]);
      expect(protoProblems(root, "org.phenopackets.schema.v2.Cohort", JSON.parse(toPhenopacket(report))), file).toEqual([]);
    }
  }, 120_000);
});
