/**
 * GA4GH Phenopacket v2, in canonical proto3 JSON (lowerCamelCase keys, enums as strings, VcfRecord
 * pos as a string): one Phenopacket per sample. `toPhenopacket` gives a Cohort when there are
 * several samples. Each finding is a GenomicInterpretation with a VariantInterpretation. The
 * ACMG class comes from the germline reading, and is NOT_PROVIDED where only a somatic
 * (oncogenicity) reading exists: ACMG/AMP is a germline standard. HGVS expressions, the VCF record,
 * the allelic state (GENO) and the VAF go in extensions.
 *
 * Terms:
 * - Disease: MONDO:0015909 "aplastic anemia", the Monarch id NCBI MedGen gives for the concept
 *   (MedGen UID 8063, C0002874).
 * - Allelic states: GENO:0000135 heterozygous, GENO:0000136 homozygous, GENO:0000134 hemizygous.
 *
 * `metaData.created` is required. Outputs are deterministic, so it is the caller's `created`
 * (RFC 3339), else 1970-01-01T00:00:00Z: a placeholder, not a time.
 */
import type { Finding, Report } from "./schema.js";
import { DISCLAIMER } from "./schema.js";

export const AA_DISEASE = { id: "MONDO:0015909", label: "aplastic anemia" } as const;
const PHENOPACKET_SCHEMA_VERSION = "2.0";
const EPOCH = "1970-01-01T00:00:00Z";

const ALLELIC_STATE: Readonly<Record<string, { id: string; label: string }>> = {
  het: { id: "GENO:0000135", label: "heterozygous" },
  "hom-alt": { id: "GENO:0000136", label: "homozygous" },
  hemi: { id: "GENO:0000134", label: "hemizygous" },
};

const ACMG: Readonly<Record<string, string>> = {
  pathogenic: "PATHOGENIC",
  "likely-pathogenic": "LIKELY_PATHOGENIC",
  uncertain: "UNCERTAIN_SIGNIFICANCE",
  "likely-benign": "LIKELY_BENIGN",
  benign: "BENIGN",
};

/**
 * How much a germline or unknown-origin finding says about the sample's disease: never CAUSATIVE
 * (not a diagnosis). A somatic clone is CANDIDATE whatever its class: it may or may not bear on
 * the marrow failure.
 */
const STATUS: Readonly<Record<string, string>> = {
  pathogenic: "CONTRIBUTORY",
  "likely-pathogenic": "CONTRIBUTORY",
  hotspot: "CONTRIBUTORY",
  uncertain: "CANDIDATE",
  "likely-benign": "REJECTED",
  benign: "REJECTED",
};

export interface PhenopacketOptions {
  /** metaData.created (RFC 3339); default 1970-01-01T00:00:00Z, a placeholder for deterministic output. */
  readonly created?: string;
}

type Json = { [key: string]: Json } | Json[] | string | number | boolean;

function resources(): Json[] {
  return [
    {
      id: "mondo",
      name: "Mondo Disease Ontology",
      url: "http://purl.obolibrary.org/obo/mondo.obo",
      version: "unspecified",
      namespacePrefix: "MONDO",
      iriPrefix: "http://purl.obolibrary.org/obo/MONDO_",
    },
    {
      id: "geno",
      name: "Genotype Ontology",
      url: "http://purl.obolibrary.org/obo/geno.owl",
      version: "unspecified",
      namespacePrefix: "GENO",
      iriPrefix: "http://purl.obolibrary.org/obo/GENO_",
    },
    {
      id: "hgnc",
      name: "HUGO Gene Nomenclature Committee",
      url: "https://www.genenames.org",
      version: "unspecified",
      namespacePrefix: "HGNC",
      iriPrefix: "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
    },
  ];
}

function variantInterpretation(report: Report, f: Finding): Json {
  const germline = f.readings?.find((r) => r.origin === "germline");
  const acmg = germline ? (ACMG[germline.classification] ?? "NOT_PROVIDED") : "NOT_PROVIDED";
  const expressions: Json[] = [];
  if (f.consequence?.hgvsc) expressions.push({ syntax: "hgvs.c", value: f.consequence.hgvsc });
  if (f.consequence?.hgvsp) expressions.push({ syntax: "hgvs.p", value: f.consequence.hgvsp });
  const extensions: Json[] = [
    { name: "marrowscope-classification", value: f.classification },
    { name: "marrowscope-origin", value: f.origin.call },
    { name: "marrowscope-rules", value: f.ruleIds.join(",") },
    { name: "marrowscope-codes", value: f.implications.map((i) => i.code).join(",") },
  ];
  if (f.call?.vaf !== undefined) extensions.push({ name: "allele-frequency", value: `${(f.call.vaf * 100).toFixed(1)}%` });
  const state = f.call?.zygosity ? ALLELIC_STATE[f.call.zygosity] : undefined;
  const descriptor: { [key: string]: Json } = {
    id: `${f.sample}:${f.variant.key}:${f.gene.symbol}`,
    label: `${f.gene.symbol} ${f.consequence?.hgvsp ?? f.consequence?.hgvsc ?? f.variant.key}`,
    // An arm-level event (−7, del(7q) …) has no gene: its label names it.
    ...(f.gene.hgncId ? { geneContext: { valueId: f.gene.hgncId, symbol: f.gene.symbol } } : {}),
    ...(expressions.length > 0 ? { expressions } : {}),
    vcfRecord: {
      genomeAssembly: report.input.assembly,
      chrom: f.variant.chrom,
      pos: String(f.variant.pos),
      ...(f.variant.id?.length ? { id: f.variant.id.join(";") } : {}),
      ref: f.variant.ref,
      alt: f.variant.alt,
      ...(f.variant.filter.length ? { filter: f.variant.filter.join(";") } : {}),
    },
    extensions,
    moleculeContext: "genomic",
    ...(state ? { allelicState: state } : {}),
  };
  return {
    acmgPathogenicityClassification: acmg,
    therapeuticActionability: "UNKNOWN_ACTIONABILITY",
    variationDescriptor: descriptor,
  };
}

/** One sample's Phenopacket (canonical proto3 JSON). */
export function samplePhenopacket(report: Report, sample: Report["samples"][number], options: PhenopacketOptions = {}): Json {
  const findings = sample.findings;
  const s = sample.summary;
  return {
    id: `${report.input.name}:${sample.name}`,
    subject: { id: sample.name },
    interpretations: [
      {
        id: `${sample.name}:marrowscope`,
        progressStatus: "UNKNOWN_PROGRESS",
        diagnosis: {
          disease: { ...AA_DISEASE },
          ...(findings.length > 0
            ? {
                genomicInterpretations: findings.map((f) => ({
                  subjectOrBiosampleId: sample.name,
                  interpretationStatus: f.origin.call === "somatic" ? "CANDIDATE" : (STATUS[f.classification] ?? "UNKNOWN_STATUS"),
                  variantInterpretation: variantInterpretation(report, f),
                })),
              }
            : {}),
        },
        summary: `${DISCLAIMER} istResponse ${s.istResponse}; clonalEvolutionRisk ${s.clonalEvolutionRisk}; inheritedDisorder ${s.inheritedDisorder}. Panel ${report.panel.id} ${report.panel.version} (sha256 ${report.panel.sha256}).`,
      },
    ],
    metaData: {
      created: options.created ?? EPOCH,
      createdBy: `${report.tool.name} ${report.tool.version}`,
      resources: resources(),
      phenopacketSchemaVersion: PHENOPACKET_SCHEMA_VERSION,
    },
  };
}

/** Every sample's Phenopacket. */
export function toPhenopackets(report: Report, options: PhenopacketOptions = {}): Json[] {
  return report.samples.map((sample) => samplePhenopacket(report, sample, options));
}

/**
 * The report as Phenopacket JSON text: a Phenopacket for one sample, a Cohort of them for several
 * (members in report order).
 */
export function toPhenopacket(report: Report, options: PhenopacketOptions = {}): string {
  const packets = toPhenopackets(report, options);
  const value: Json =
    packets.length === 1
      ? packets[0]!
      : {
          id: report.input.name,
          description: DISCLAIMER,
          members: packets,
          metaData: {
            created: options.created ?? EPOCH,
            createdBy: `${report.tool.name} ${report.tool.version}`,
            resources: resources(),
            phenopacketSchemaVersion: PHENOPACKET_SCHEMA_VERSION,
          },
        };
  return `${JSON.stringify(value, null, 2)}\n`;
}
