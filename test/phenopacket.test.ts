/**
 * Phenopacket v2 (issue 20): every output maps onto the canonical protobuf definitions (checker in
 * ./format-checks.ts: no field unknown to the schema, no type mismatch, as canonical proto3 JSON
 * writes them), with the fields a reader needs; a protobufjs round trip loses nothing.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { annotate, toPhenopacket, toPhenopackets } from "../src/node.js";
import { hasProto, loadRoot, protoProblems } from "./format-checks.js";
import { FIXTURES, validationCases } from "./helpers.js";

describe.skipIf(!hasProto)("Phenopacket v2", () => {
  it("the demo maps onto the canonical protos, with the fields a reader needs", async () => {
    const root = loadRoot();
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const [packet] = toPhenopackets(report) as Record<string, any>[];
    expect(protoProblems(root, "org.phenopackets.schema.v2.Phenopacket", packet)).toEqual([]);
    // Required per the Phenopacket docs: ids, metaData (created, createdBy, schema version, resources).
    expect(packet!.id).toBe("demo.vcf.gz:PATIENT_01");
    expect(packet!.metaData).toMatchObject({
      created: "1970-01-01T00:00:00Z",
      createdBy: "marrowscope 0.1.0",
      phenopacketSchemaVersion: "2.0",
    });
    expect(packet!.metaData.resources.map((r: { namespacePrefix: string }) => r.namespacePrefix)).toEqual(["MONDO", "GENO", "HGNC"]);
    const interpretation = packet!.interpretations[0];
    expect(interpretation.diagnosis.disease).toEqual({ id: "MONDO:0015909", label: "aplastic anemia" });
    const byGene = Object.fromEntries(
      interpretation.diagnosis.genomicInterpretations.map((g: any) => [g.variantInterpretation.variationDescriptor.geneContext.symbol, g]),
    );
    // TERT: unknown origin, a germline reading (ACMG likely pathogenic), heterozygous.
    expect(byGene.TERT.variantInterpretation.acmgPathogenicityClassification).toBe("LIKELY_PATHOGENIC");
    expect(byGene.TERT.variantInterpretation.variationDescriptor.allelicState).toEqual({ id: "GENO:0000135", label: "heterozygous" });
    expect(byGene.TERT.variantInterpretation.variationDescriptor.vcfRecord).toMatchObject({
      genomeAssembly: "GRCh38",
      chrom: "chr5",
      pos: "1294000",
    });
    // DNMT3A R882H: somatic only, so no ACMG class; HGVS expressions; VAF as an extension.
    const dnmt3a = byGene.DNMT3A.variantInterpretation;
    expect(dnmt3a.acmgPathogenicityClassification).toBe("NOT_PROVIDED");
    expect(dnmt3a.variationDescriptor.expressions).toEqual([
      { syntax: "hgvs.c", value: "ENST00000321117.10:c.2645G>A" },
      { syntax: "hgvs.p", value: "ENSP00000324375.5:p.Arg882His" },
    ]);
    expect(dnmt3a.variationDescriptor.extensions).toContainEqual({ name: "allele-frequency", value: "12.0%" });
    // A somatic clone is a candidate, not a contributor to the diagnosis; the TERT variant contributes.
    expect(byGene.DNMT3A.interpretationStatus).toBe("CANDIDATE");
    expect(byGene.TERT.interpretationStatus).toBe("CONTRIBUTORY");
    // The protobufjs round trip keeps every field: nothing unknown was dropped.
    const type = root.lookupType("org.phenopackets.schema.v2.Phenopacket");
    const { metaData, ...rest } = packet!;
    const message = type.fromObject({ ...rest, metaData: { ...metaData, created: { seconds: 0, nanos: 0 } } });
    const back = type.toObject(message, { enums: String, longs: String, defaults: false, arrays: false }) as Record<string, any>;
    // proto3 leaves enums at their zero value out, as canonical JSON may.
    const ZERO = new Set(["NOT_PROVIDED", "UNKNOWN_ACTIONABILITY", "UNKNOWN_PROGRESS", "UNKNOWN_STATUS"]);
    const withoutZero = JSON.parse(JSON.stringify(packet), (_k, v) => (typeof v === "string" && ZERO.has(v) ? undefined : v));
    expect({ ...back, metaData: { ...back.metaData, created: metaData.created } }).toEqual(withoutZero);
  });

  it("every clinical validation case and a tumour/normal pair: a Cohort of valid Phenopackets, deterministic", async () => {
    const root = loadRoot();
    let interpretations = 0;
    for (const c of validationCases()) {
      const report = await annotate(c.path, c.options);
      const text = toPhenopacket(report, { created: "2026-12-04T00:00:00Z" });
      const value = JSON.parse(text);
      const typeName = report.samples.length === 1 ? "org.phenopackets.schema.v2.Phenopacket" : "org.phenopackets.schema.v2.Cohort";
      expect(protoProblems(root, typeName, value), c.file).toEqual([]);
      for (const p of report.samples.length === 1 ? [value] : value.members) {
        interpretations += p.interpretations[0].diagnosis.genomicInterpretations?.length ?? 0;
      }
      expect(toPhenopacket(report, { created: "2026-12-04T00:00:00Z" })).toBe(text);
    }
    expect(interpretations).toBeGreaterThan(100);
  }, 60_000);
});
