/**
 * Phenopacket v2 (issue 20): every output maps onto the canonical protobuf definitions
 * (../shared/schemas/phenopackets-v2, loaded with protobufjs) with no field unknown to the schema
 * (a field the proto does not have would be dropped by any reader) and no type mismatch, as
 * canonical proto3 JSON writes them (lowerCamelCase names, enums as names, int64 as strings,
 * Timestamp as RFC 3339). Required fields per the Phenopacket docs are checked too.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { annotate, toPhenopacket, toPhenopackets } from "../src/node.js";
import { FIXTURES, SHARED, validationCases } from "./helpers.js";

const PROTO = join(SHARED, "schemas/phenopackets-v2");
const hasProto = existsSync(join(PROTO, "phenopackets/schema/v2/phenopackets.proto"));

/**
 * The protos, with VRS stubbed: the shared copy's vrs.proto is a git symlink into a submodule
 * (its text is the link target), and only `VariationDescriptor.variation` uses it. The stub has no
 * fields, so any `variation` written would show as a problem here.
 */
function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  const VRS = "phenopackets/vrs/v1/vrs.proto";
  root.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") || target === VRS ? target : join(PROTO, target));
  protobuf.parse('syntax = "proto3"; package org.ga4gh.vrs.v1; message Variation {}', root, { keepCase: false });
  root.files.push(VRS);
  root.loadSync("phenopackets/schema/v2/phenopackets.proto", { keepCase: false });
  root.resolveAll();
  return root;
}

const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);

/** Every problem of a canonical-JSON value against a message type, as `path: problem`. */
function check(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (type.fullName === ".google.protobuf.Timestamp") {
    if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value))
      problems.push(`${path}: not an RFC 3339 UTC timestamp`);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path}: not an object`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) {
      problems.push(`${path}.${key}: no such field in ${type.fullName}`);
      continue;
    }
    const items = field.repeated ? (Array.isArray(v) ? v : (problems.push(`${path}.${key}: not a list`), [])) : [v];
    items.forEach((item, i) => {
      const at = field.repeated ? `${path}.${key}[${i}]` : `${path}.${key}`;
      const resolved = field.resolvedType;
      if (resolved instanceof protobuf.Type) check(resolved, item, at, problems);
      else if (resolved instanceof protobuf.Enum) {
        if (typeof item !== "string" || !(item in resolved.values))
          problems.push(`${at}: ${JSON.stringify(item)} is not a ${resolved.name}`);
      } else if (field.type === "string") {
        if (typeof item !== "string") problems.push(`${at}: not a string`);
      } else if (INT64.has(field.type)) {
        if (typeof item !== "string" || !/^-?\d+$/.test(item)) problems.push(`${at}: int64 must be a decimal string`);
      } else if (INT32.has(field.type)) {
        if (!Number.isInteger(item)) problems.push(`${at}: not an integer`);
      } else if (field.type === "bool") {
        if (typeof item !== "boolean") problems.push(`${at}: not a boolean`);
      } else if (field.type === "double" || field.type === "float") {
        if (typeof item !== "number") problems.push(`${at}: not a number`);
      }
    });
  }
}

function problemsOf(root: protobuf.Root, typeName: string, value: unknown): string[] {
  const problems: string[] = [];
  check(root.lookupType(typeName), value, typeName.split(".").pop()!, problems);
  return problems;
}

describe.skipIf(!hasProto)("Phenopacket v2", () => {
  it("the demo maps onto the canonical protos, with the fields a reader needs", async () => {
    const root = loadRoot();
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const [packet] = toPhenopackets(report) as Record<string, any>[];
    expect(problemsOf(root, "org.phenopackets.schema.v2.Phenopacket", packet)).toEqual([]);
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
    expect(byGene.DNMT3A.interpretationStatus).toBe("CONTRIBUTORY");
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
      expect(problemsOf(root, typeName, value), c.file).toEqual([]);
      for (const p of report.samples.length === 1 ? [value] : value.members) {
        interpretations += p.interpretations[0].diagnosis.genomicInterpretations?.length ?? 0;
      }
      expect(toPhenopacket(report, { created: "2026-12-04T00:00:00Z" })).toBe(text);
    }
    expect(interpretations).toBeGreaterThan(100);
  }, 60_000);
});
