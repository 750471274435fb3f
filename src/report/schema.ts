/**
 * Report schema v1 (DESIGN.md §3). Field names are a contract: add, never rename.
 * The same schema validates, types and (through z.toJSONSchema) documents the output.
 */
import { z } from "zod";
import { PatientContextSchema } from "../context.js";

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
    "HIGH_RISK_CLONE",
    "ADVERSE_PROGNOSIS",
    "AGE_RELATED_CH",
    "CYTOGENETICS_NEEDED",
    "IMMUNE_ESCAPE",
  ])
  .meta({ description: "Stable implication/consideration code; new codes may be added, none renamed" });

export const ApplicabilitySchema = z
  .enum(["aa-direct", "bmf-cohort", "extrapolated", "unverified"])
  .meta({ description: "How directly the cited evidence speaks to aplastic anemia" });

export const CategorySchema = z.enum(["telomere", "inherited-bmf", "aa-clonal", "myeloid-driver", "hla-immune", "chromosomal"]);

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

/** How firmly the origin call stands (engine v2; docs/rules.md "Origin"). */
export const OriginConfidenceSchema = z.enum(["high", "moderate", "low"]).meta({
  description:
    "high: declared, matched normal, common population AF or a germline/normal sample; moderate: somatic-caller hint, chrX in a male, VAF below the germline band; low: VAF band alone or nothing to go on",
});

export const CriterionSchema = z
  .strictObject({
    code: z.string().meta({ description: "ACMG/AMP (PVS1, PM2 …), ClinGen/CGC/VICC (OVS1, OS3 …) or `ClinVar`" }),
    strength: z.enum(["stand-alone", "very-strong", "strong", "moderate", "supporting"]),
    direction: z.enum(["pathogenic", "benign", "neutral"]).meta({ description: "neutral: listed, not counted (e.g. conflicting ClinVar)" }),
    basis: z.string().meta({ description: "What in the input (or the panel) made it apply" }),
  })
  .meta({ description: "One evidence criterion of the standard a reading follows" });

export const ReadingSchema = z
  .strictObject({
    origin: z.enum(["germline", "somatic"]),
    standard: z.string().meta({ description: "The interpretation standard this reading follows" }),
    classification: ClassificationSchema,
    term: z.string().meta({ description: "The classification in the standard's own words (e.g. `Likely oncogenic`)" }),
    criteria: z.array(CriterionSchema),
    codes: z.array(ImplicationCodeSchema).meta({ description: "Implication codes this reading carries" }),
    ruleIds: z.array(z.string()),
  })
  .meta({ description: "What the finding would mean if its origin were this one (engine v2)" });

export const ArmEventSchema = z
  .strictObject({
    kind: z.literal("arm"),
    chrom: z.string(),
    arms: z.array(z.string()),
    change: z.enum(["loss", "gain", "cn-loh"]),
    label: z.string().meta({ description: "ISCN-like label: `-7`, `del(7q)`, `+8`, `del(17p)`, `CN-LOH(6p)`" }),
    fraction: z.record(z.string(), z.number().min(0).max(1)).meta({ description: "Fraction of each arm the record covers" }),
  })
  .meta({ description: "A chromosome-arm event read from an SV/CNV record" });

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
      exon: z.string().optional().meta({
        description: "Exon(s) the variant touches, `3/16`, or for a structural variant the range it covers, `2-5/11` (VEP's EXON notation)",
      }),
      intron: z.string().optional().meta({ description: "Intron the variant lies in, `3/15`" }),
      source: z.enum(["VEP", "SnpEff", "BCSQ", "ANNOVAR", "builtin"]),
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
  origin: z.strictObject({ call: OriginSchema, reasons: z.array(z.string()), confidence: OriginConfidenceSchema.optional() }),
  classification: ClassificationSchema.meta({
    description: "Headline: the reading of the origin that applies; for an unknown origin, the more severe reading",
  }),
  implications: z.array(ImplicationSchema),
  ruleIds: z.array(z.string()),
  readings: z.array(ReadingSchema).optional().meta({
    description:
      "One per origin reading: a known origin has one, an unknown origin two (germline and somatic; a reading no panel rule speaks for is listed as 'Not assessed')",
  }),
  event: ArmEventSchema.optional().meta({
    description: "Arm-level findings only; their gene.symbol is the event label and hgncId is empty",
  }),
  source: z
    .strictObject({ file: z.string(), line: z.number().int().positive().optional() })
    .meta({ description: "Record location; line is absent for index (tabix) reads, which have no line numbers" }),
});

export const SampleSummarySchema = z.strictObject({
  istResponse: z.enum(["favorable", "unfavorable", "mixed", "no-evidence", "inherited-disorder-first"]).meta({
    description:
      "Not a response prediction: what the findings' published associations with immunosuppression say; `inherited-disorder-first` when a suspected inherited disorder outranks clones",
  }),
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
    basis: z
      .enum(["targets", "gvcf", "declared-genome", "declared-exome", "none"])
      .optional()
      .meta({ description: "What says a region was called: a target BED, gVCF reference blocks, a declared genome/exome, or nothing" }),
    calledFraction: z
      .record(z.string(), z.number().min(0).max(1))
      .optional()
      .meta({ description: "Per panel gene, the fraction of its span the targets or gVCF blocks cover" }),
    notes: z
      .array(z.string())
      .optional()
      .meta({ description: "How the basis was applied: no called-fraction threshold in the panel, what a declared exome leaves out" }),
  })
  .meta({ description: "Which panel genes the input covers; 'no-evidence' only speaks for assessed genes" });

export const WarningSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  location: LocationSchema,
});

export const NotJudgedSchema = z
  .strictObject({
    count: z.number().int().nonnegative(),
    byGene: z.array(z.strictObject({ symbol: z.string(), count: z.number().int().positive() })),
    variants: z
      .array(z.strictObject({ gene: z.string(), key: z.string(), why: z.string() }))
      .meta({ description: "The first 1,000; `count` and `byGene` count them all" }),
    nextStep: z.string(),
  })
  .meta({ description: "Variants in panel genes that no rule could read (e.g. consequence unknown): never silently dropped" });

/** One sample's part of a report (also checked on its own when samples are made one at a time). */
export const SampleReportSchema = z.strictObject({
  name: z.string(),
  role: z.enum(["germline", "tumor", "normal", "unknown"]),
  findings: z.array(FindingSchema),
  summary: SampleSummarySchema,
  coverage: CoverageSchema.optional(),
  notJudged: NotJudgedSchema.optional(),
  context: PatientContextSchema.optional().meta({ description: "The patient context the run was given, as given" }),
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
export type Reading = z.output<typeof ReadingSchema>;
export type Criterion = z.output<typeof CriterionSchema>;
export type ArmEvent = z.output<typeof ArmEventSchema>;
export type NotJudged = z.output<typeof NotJudgedSchema>;
export type OriginConfidence = z.output<typeof OriginConfidenceSchema>;
