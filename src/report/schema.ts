/**
 * Report schema v1 (DESIGN.md §3). Field names are a contract: add, never rename.
 * The same schema validates, types and (through z.toJSONSchema) documents the output.
 */
import { z } from "zod";

export const DISCLAIMER = "Research use only; not a diagnosis.";

const LocationSchema = z.strictObject({
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  field: z.string().optional(),
});

export const ImplicationCodeSchema = z
  .enum([
    "TELOMERE_DISORDER",
    "INHERITED_BMF",
    "FANCONI_ANEMIA",
    "CARRIER",
    "LOW_PENETRANCE",
    "IST_FAVORABLE",
    "IST_UNFAVORABLE",
    "CLONAL_EVOLUTION_RISK",
    "PNH_CLONE",
    "DONOR_SCREENING",
    "ADAPTED_CONDITIONING",
    "ANDROGEN_OPTION",
    "GERMLINE_CONFIRMATION",
    "GVHD_RISK",
  ])
  .meta({ description: "Stable implication/consideration code; new codes may be added, none renamed" });

export const ApplicabilitySchema = z
  .enum(["aa-direct", "bmf-cohort", "extrapolated", "unverified"])
  .meta({ description: "How directly the cited evidence speaks to aplastic anemia" });

export const CategorySchema = z.enum(["telomere", "inherited-bmf", "aa-clonal", "myeloid-driver", "hla-immune"]);

export const ClassificationSchema = z.enum([
  "pathogenic",
  "likely-pathogenic",
  "hotspot",
  "low-penetrance",
  "uncertain",
  "likely-benign",
  "benign",
]);

export const OriginSchema = z.enum(["germline", "somatic", "unknown"]);

export const EvidenceRefSchema = z.strictObject({
  citation: z.string().meta({ description: "PMID:n, DOI:…, or a citation registry key" }),
  applicability: ApplicabilitySchema,
});

export const ImplicationSchema = z.strictObject({
  code: ImplicationCodeSchema,
  statement: z.string(),
  evidence: z.array(EvidenceRefSchema),
});

export const FindingSchema = z.strictObject({
  sample: z.string().meta({ description: "Sample name (or the file name for sites-only VCFs)" }),
  variant: z.strictObject({
    chrom: z.string(),
    pos: z.number().int().positive(),
    ref: z.string(),
    alt: z.string(),
    id: z.array(z.string()).optional(),
    filter: z.array(z.string()),
    key: z.string().meta({ description: "chrom:pos:ref:alt" }),
  }),
  gene: z.strictObject({ symbol: z.string(), hgncId: z.string() }),
  category: CategorySchema,
  matchBasis: z.enum(["allele", "consequence", "region"]),
  geneSource: z.enum(["annotation", "coordinates", "both"]),
  consequence: z
    .strictObject({
      terms: z.array(z.string()),
      impact: z.string().optional(),
      transcript: z.string().optional(),
      hgvsc: z.string().optional(),
      hgvsp: z.string().optional(),
      source: z.enum(["VEP", "SnpEff", "BCSQ", "ANNOVAR"]),
    })
    .optional(),
  variantClass: z
    .strictObject({
      kind: z.enum(["snv", "mnv", "insertion", "deletion", "indel", "sv", "breakend"]),
      lengthChange: z.number().int(),
      frameshift: z.boolean().optional(),
    })
    .optional()
    .meta({
      description:
        "Class read from the alleles alone (never a predicted consequence); with no annotation the consequence is unknown and this is all that is said",
    }),
  call: z.strictObject({
    genotype: z.string().optional(),
    zygosity: z.enum(["het", "hom-alt", "hemi", "hom-ref", "no-call"]).optional(),
    vaf: z.number().min(0).max(1).optional(),
    vafSource: z.string().optional(),
    depth: z.number().int().nonnegative().optional(),
    altDepth: z.number().int().nonnegative().optional(),
  }),
  populationAf: z.strictObject({ value: z.number(), source: z.string() }).optional(),
  clinvar: z.strictObject({ significance: z.string(), reviewStatus: z.string().optional() }).optional(),
  origin: z.strictObject({ call: OriginSchema, reasons: z.array(z.string()) }),
  classification: ClassificationSchema,
  implications: z.array(ImplicationSchema),
  ruleIds: z.array(z.string()),
  source: z
    .strictObject({ file: z.string(), line: z.number().int().positive().optional() })
    .meta({ description: "Record location; line is absent for index (tabix) reads, which have no line numbers" }),
});

export const SampleSummarySchema = z.strictObject({
  istResponse: z.enum(["favorable", "unfavorable", "mixed", "no-evidence"]),
  clonalEvolutionRisk: z.enum(["high", "elevated", "no-evidence"]),
  inheritedDisorder: z.enum(["suspected", "carrier-only", "no-evidence"]),
  considerations: z.array(ImplicationCodeSchema),
  reasons: z.array(
    z.strictObject({
      statement: z.string(),
      ruleIds: z.array(z.string()),
      citations: z.array(z.string()),
    }),
  ),
});

export const CoverageSchema = z
  .strictObject({
    assessed: z.array(z.string()).meta({ description: "Panel genes the input can speak for" }),
    notAssessed: z.array(z.strictObject({ symbol: z.string(), reason: z.string() })),
  })
  .meta({ description: "Which panel genes the input covers; 'no-evidence' only speaks for assessed genes" });

export const WarningSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  location: LocationSchema,
});

/** One sample's part of a report (also checked on its own when samples are made one at a time). */
export const SampleReportSchema = z.strictObject({
  name: z.string(),
  role: z.enum(["germline", "tumor", "normal", "unknown"]),
  findings: z.array(FindingSchema),
  summary: SampleSummarySchema,
  coverage: CoverageSchema.optional(),
});

export const ReportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    tool: z.strictObject({ name: z.literal("marrowscope"), version: z.string() }),
    panel: z.strictObject({ id: z.string(), version: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    input: z.strictObject({
      name: z.string(),
      assembly: z.enum(["GRCh37", "GRCh38"]),
      assemblyEvidence: z.string(),
      strategy: z.enum(["index", "scan"]),
      samples: z.array(z.string()),
      recordsRead: z.number().int().nonnegative(),
    }),
    samples: z.array(SampleReportSchema),
    warnings: z.array(WarningSchema),
    disclaimer: z.literal(DISCLAIMER),
  })
  .meta({
    title: "marrowscope report v1",
    description: "Research use only; not a diagnosis.",
  });

export type Report = z.output<typeof ReportSchema>;
export type Finding = z.output<typeof FindingSchema>;
export type SampleSummary = z.output<typeof SampleSummarySchema>;
export type SampleReport = Report["samples"][number];
export type ImplicationCode = z.output<typeof ImplicationCodeSchema>;
export type Implication = z.output<typeof ImplicationSchema>;
export type Category = z.output<typeof CategorySchema>;
export type Classification = z.output<typeof ClassificationSchema>;
export type Applicability = z.output<typeof ApplicabilitySchema>;
export type Coverage = z.output<typeof CoverageSchema>;
