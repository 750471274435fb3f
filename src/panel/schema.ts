/**
 * The panel contract (DESIGN.md §4): one zod schema is the validator, the TypeScript types and
 * the published JSON Schema. Every object is strict so a misspelled field is an error, not a
 * silently ignored key. The schema holds no clinical content: genes, rules, thresholds and
 * statements live in `data/panel.json` and `data/citations.json`.
 */
import { z } from "zod";
import { ApplicabilitySchema, CategorySchema, ClassificationSchema, ImplicationCodeSchema } from "../report/schema.js";

/** URL written into `$schema` of the builtin panel; the file ships in the package under schema/. */
export const PANEL_SCHEMA_URL = "https://unpkg.com/marrowscope/schema/panel.schema.json";

const SlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "expected a lower-case slug such as `germline-like-vaf`");

export const CitationKeySchema = z
  .string()
  .regex(
    /^(?:PMID:[1-9][0-9]*|DOI:10\.[0-9]{4,9}\/\S+|[a-z0-9]+(?:-[a-z0-9]+)*)$/,
    "expected `PMID:<digits>`, `DOI:10.<registrant>/<suffix>` or a lower-case slug",
  )
  .meta({
    description:
      "Citation registry key: PMID:n or DOI:… only when confirmed, otherwise a slug whose registry entry carries the full bibliographic details",
  });

export const EvidenceSchema = z
  .strictObject({
    citation: CitationKeySchema,
    applicability: ApplicabilitySchema,
    note: z.string().min(1).optional().meta({
      description: "What exactly the source shows, or why the evidence is thin",
    }),
  })
  .meta({
    description: "One citation and how directly it speaks to aplastic anemia",
  });

const EvidenceListSchema = z.array(EvidenceSchema).min(1);

export const CitationSchema = z
  .strictObject({
    authors: z.string().min(1).meta({
      description: "Author list as cited, e.g. `Yoshizato T, Dumitriu B, et al.`",
    }),
    title: z.string().min(1),
    journal: z.string().min(1).optional(),
    year: z.number().int().min(1900).max(2100).optional().meta({ description: "Omitted when not confirmed" }),
    volume: z.string().min(1).optional(),
    pages: z.string().min(1).optional(),
    pmid: z
      .string()
      .regex(/^[1-9][0-9]*$/)
      .optional(),
    doi: z
      .string()
      .regex(/^10\.[0-9]{4,9}\/\S+$/)
      .optional(),
    url: z.url().optional(),
    note: z.string().min(1).optional(),
  })
  .meta({
    description: "Full bibliographic entry; pmid/doi only where confirmed",
  });

export const AssemblySchema = z.enum(["GRCh37", "GRCh38"]);

const ChromSchema = z.string().regex(/^(?:chr)?(?:[1-9]|1[0-9]|2[0-2]|X|Y|M|MT)$/, "expected a primary contig such as `chr5` or `5`");

export const GenomicRegionSchema = z
  .strictObject({
    assembly: AssemblySchema,
    chrom: ChromSchema,
    start: z.number().int().positive(),
    end: z.number().int().positive(),
    label: z.string().min(1).optional(),
  })
  .meta({ description: "1-based inclusive interval in one assembly" });

export const InheritanceSchema = z.enum(["AD", "AR", "XLR", "XLD", "somatic", "complex"]).meta({
  description: "Mode of inheritance; `somatic` for acquired clonal events, `complex` for risk alleles",
});

export const ExpectedOriginSchema = z.enum(["germline", "somatic", "either"]);

export const GeneSchema = z
  .strictObject({
    symbol: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, "expected an HGNC symbol"),
    hgncId: z.string().regex(/^HGNC:[1-9][0-9]*$/, "expected `HGNC:<digits>`"),
    name: z.string().min(1).optional(),
    category: CategorySchema,
    inheritance: z.array(InheritanceSchema).min(1),
    expectedOrigin: ExpectedOriginSchema,
    flanks: z
      .strictObject({
        upstream: z.number().int().nonnegative(),
        downstream: z.number().int().nonnegative(),
      })
      .optional()
      .meta({
        description: "Extra bases matched beyond the gene span, strand-aware (promoter variants)",
      }),
    regions: z.array(GenomicRegionSchema).optional().meta({
      description: "Explicit extra regions per assembly (e.g. TERT promoter) matched as part of the gene",
    }),
    blindSpots: z
      .array(
        z.strictObject({
          assembly: AssemblySchema,
          statement: z.string().min(1),
          evidence: EvidenceListSchema,
        }),
      )
      .optional()
      .meta({
        description:
          "Assemblies on which standard pipelines cannot call this gene reliably: a file without variants in it is reported as not assessed, never as negative",
      }),
    populationAf: z
      .strictObject({
        ba1: z.number().min(0).max(1).optional().meta({ description: "Stand-alone benign (BA1) from this AF up" }),
        bs1: z.number().min(0).max(1).optional().meta({ description: "Strong benign (BS1) above this AF" }),
        evidence: EvidenceListSchema,
      })
      .optional()
      .meta({
        description:
          "Gene-specific ACMG/AMP frequency thresholds (e.g. from a ClinGen VCEP); without them the panel thresholds `ba1-population-af` and `common-population-af-max` apply",
      }),
    evidence: EvidenceListSchema,
    note: z.string().min(1).optional(),
  })
  .meta({
    description: "A panel gene; coordinates come from the shipped gene table by symbol",
  });

const HotspotLabelSchema = z.string().min(1).meta({
  description: "Label from the hotspot table: residue (`R882`), promoter position (`C228T`) or named interval (`exon12-frameshift-region`)",
});

export const AlleleSchema = z.strictObject({
  assembly: AssemblySchema,
  chrom: ChromSchema,
  pos: z.number().int().positive(),
  ref: z.string().regex(/^[ACGTN]+$/),
  alt: z.string().regex(/^[ACGTN]+$/),
});

const singleMatches = [
  z.strictObject({
    kind: z.literal("consequence"),
    classes: z.array(SlugSchema).min(1).meta({ description: "Keys of the panel's consequenceClasses" }),
  }),
  z.strictObject({
    kind: z.literal("hotspot"),
    labels: z.array(HotspotLabelSchema).min(1),
  }),
  z.strictObject({
    kind: z.literal("allele"),
    alleles: z.array(AlleleSchema).min(1).optional(),
    hgvsp: z.array(z.string().regex(/^p\./)).min(1).optional(),
    hgvsc: z
      .array(z.string().regex(/^[cn]\./))
      .min(1)
      .optional()
      .meta({
        description: "Compared with the annotation's HGVSc after its transcript prefix",
      }),
    rsids: z
      .array(z.string().regex(/^rs[1-9][0-9]*$/))
      .min(1)
      .optional(),
  }),
  z.strictObject({
    kind: z.literal("region"),
    regions: z.array(GenomicRegionSchema).min(1).optional().meta({
      description: "Omitted: any variant in the gene span (plus flanks and gene regions)",
    }),
  }),
  z.strictObject({
    kind: z.literal("sv-overlap"),
    svTypes: z
      .array(z.enum(["DEL", "DUP", "INV", "CNV", "BND", "INS"]))
      .min(1)
      .optional(),
  }),
  z.strictObject({
    kind: z.literal("clinvar"),
    significance: z.array(z.string().min(1)).min(1).meta({
      description: "ClinVar terms (open vocabulary; case-insensitive, `_` and space equivalent)",
    }),
  }),
] as const;

const SingleMatchSchema = z.discriminatedUnion("kind", [...singleMatches]);

export const MatchSchema = z
  .discriminatedUnion("kind", [
    ...singleMatches,
    z.strictObject({
      kind: z.literal("any-of"),
      matches: z.array(SingleMatchSchema).min(2).meta({ description: "Matches when any one of these matches" }),
    }),
  ])
  .meta({ description: "How a variant is matched to the rule" });

/** A numeric bound written inline (with its own evidence) or by naming a panel threshold. */
const BoundSchema = z
  .strictObject({
    threshold: SlugSchema.optional().meta({
      description: "Name of an entry in `thresholds` supplying min/max",
    }),
    min: z.number().min(0).max(1).optional(),
    max: z.number().min(0).max(1).optional(),
    evidence: EvidenceListSchema.optional(),
  })
  .meta({ description: "Either `threshold`, or `min`/`max` with `evidence`" });

/** A bound on a patient-context value (age in years, a percentile): by threshold name or inline. */
const ContextBoundSchema = z
  .strictObject({
    threshold: SlugSchema.optional().meta({ description: "Name of an entry in `thresholds` supplying min/max" }),
    min: z.number().min(0).optional(),
    max: z.number().min(0).optional(),
    evidence: EvidenceListSchema.optional(),
  })
  .meta({ description: "Either `threshold`, or `min`/`max` with `evidence`; a context value that was not given fails the bound" });

export const ContextConditionSchema = z
  .strictObject({
    age: ContextBoundSchema.optional().meta({ description: "Age in years (patient context)" }),
    telomereLengthPercentile: ContextBoundSchema.optional().meta({
      description: "Lymphocyte telomere length percentile for age (flow-FISH), 0-100",
    }),
  })
  .meta({ description: "Conditions on the patient context given with the run (options.context, --context)" });

export const ConditionsSchema = z
  .strictObject({
    origin: z
      .array(z.enum(["germline", "somatic", "unknown"]))
      .min(1)
      .optional()
      .meta({ description: "The finding's origin call must be one of these" }),
    originCall: z
      .array(z.enum(["germline", "somatic", "unknown"]))
      .min(1)
      .optional()
      .meta({
        description:
          "The origin call itself must be one of these: unlike `origin`, an unknown call is not read under the germline and somatic readings in turn (for rules that must never fire on a clone, e.g. Li-Fraumeni)",
      }),
    vaf: BoundSchema.optional(),
    populationAf: BoundSchema.optional(),
    zygosity: z
      .array(z.enum(["het", "hom-alt", "hemi"]))
      .min(1)
      .optional(),
    hits: z.enum(["one", "two"]).optional().meta({
      description:
        "`two`: biallelic (hom-alt, hemizygous on chrX in a male, or two different qualifying alleles in the gene; phase unknown ⇒ possible compound heterozygote); `one`: exactly one qualifying allele",
    }),
    variantKinds: z
      .array(z.enum(["snv", "mnv", "insertion", "deletion", "indel", "sv", "breakend"]))
      .min(1)
      .optional()
      .meta({
        description: "The variant's kind must be one of these (e.g. insertions for FLT3-ITD)",
      }),
    context: ContextConditionSchema.optional(),
    consequences: z.array(SlugSchema).min(1).optional().meta({
      description:
        "Keys of the panel's consequenceClasses: the variant's consequence must be in one of them (an unknown consequence fails), e.g. missense within a `region` match",
    }),
  })
  .meta({ description: "All given conditions must hold" });

export const PanelImplicationSchema = z.strictObject({
  code: ImplicationCodeSchema,
  statement: z.string().min(1),
  evidence: EvidenceListSchema,
});

export const RuleSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Z0-9][A-Z0-9-]*(?:\.[A-Z0-9][A-Z0-9-]*)+$/, "expected a dotted upper-case id such as `TERT.LOF.GERMLINE`"),
    gene: z.string().min(1).meta({ description: "Symbol of a gene in `genes`" }),
    description: z.string().min(1),
    match: MatchSchema,
    conditions: ConditionsSchema.optional(),
    classification: ClassificationSchema,
    implications: z.array(PanelImplicationSchema),
    evidence: EvidenceListSchema.meta({
      description: "Why a match gets this classification",
    }),
    supersedes: z.array(z.string().min(1)).min(1).optional().meta({
      description: "Ids of rules of the same gene that this more specific rule replaces when both match",
    }),
    note: z.string().min(1).optional(),
  })
  .meta({
    description: "One rule: a match plus conditions producing a classification and implications",
  });

export const ThresholdSchema = z
  .strictObject({
    kind: z.enum(["vaf", "population-af", "fraction", "age-years", "percentile"]).meta({
      description: "vaf, population-af and fraction are 0-1; age-years 0-130; percentile 0-100",
    }),
    min: z.number().min(0).optional(),
    max: z.number().min(0).optional(),
    description: z.string().min(1),
    evidence: EvidenceListSchema,
    note: z.string().min(1).optional(),
  })
  .superRefine((t, ctx) => {
    const top = t.kind === "age-years" ? 130 : t.kind === "percentile" ? 100 : 1;
    for (const key of ["min", "max"] as const) {
      const value = t[key];
      if (value !== undefined && value > top)
        ctx.addIssue({ code: "custom", path: [key], message: `a ${t.kind} threshold is at most ${top}` });
    }
  })
  .meta({ description: "A named band with its source (fractions 0..1, ages in years, percentiles 0..100)" });

export const ConsequenceClassSchema = z.strictObject({
  description: z.string().min(1),
  terms: z.array(z.string().regex(/^[A-Za-z0-9_]+$/, "expected a Sequence Ontology term")).min(1),
});

const SummaryWhenSchema = z
  .strictObject({
    codes: z.array(ImplicationCodeSchema).min(1).optional().meta({ description: "Finding carries any of these codes" }),
    categories: z.array(CategorySchema).min(1).optional(),
    classifications: z.array(ClassificationSchema).min(1).optional(),
    origins: z
      .array(z.enum(["germline", "somatic", "unknown"]))
      .min(1)
      .optional(),
    vaf: BoundSchema.optional(),
    withCodes: z.array(ImplicationCodeSchema).min(1).optional().meta({
      description: "The sample also has findings carrying every one of these codes",
    }),
    genes: z.array(z.string().min(1)).min(1).optional().meta({ description: "Finding's gene (or arm-event label) is one of these" }),
    context: ContextConditionSchema.optional(),
    always: z.literal(true).optional().meta({
      description: "Fires for every sample whatever its findings (standing notes); the rule's other conditions are ignored",
    }),
  })
  .meta({
    description: "Matches a sample when one finding meets every finding-level condition (and withCodes holds)",
  });

const summaryRuleBase = {
  id: z.string().regex(/^SUMMARY\.[A-Z0-9][A-Z0-9-.]*$/, "expected an id such as `SUMMARY.IST.FAVORABLE`"),
  when: SummaryWhenSchema,
  priority: z.number().int().default(0).meta({
    description: "For single-valued fields the matching rule with the highest priority wins",
  }),
  statement: z.string().min(1),
  evidence: EvidenceListSchema,
};

export const SummaryRuleSchema = z
  .discriminatedUnion("field", [
    z.strictObject({
      ...summaryRuleBase,
      field: z.literal("istResponse"),
      value: z.enum(["favorable", "unfavorable", "mixed", "inherited-disorder-first"]),
    }),
    z.strictObject({
      ...summaryRuleBase,
      field: z.literal("clonalEvolutionRisk"),
      value: z.enum(["high", "elevated"]),
    }),
    z.strictObject({
      ...summaryRuleBase,
      field: z.literal("inheritedDisorder"),
      value: z.enum(["suspected", "carrier-only"]),
    }),
    z.strictObject({
      ...summaryRuleBase,
      field: z.literal("considerations"),
      value: ImplicationCodeSchema,
    }),
  ])
  .meta({
    description: "Maps a sample's findings to one SampleSummary field value, with a statement and citations",
  });

const SummaryFieldNameSchema = z.enum(["istResponse", "clonalEvolutionRisk", "inheritedDisorder"]);

export const SummaryPrecedenceSchema = z
  .strictObject({
    order: z.array(z.string().min(1)).min(1).meta({
      description: "Values of the field, the one that wins a tie (rules of equal priority) first",
    }),
    conflicts: z
      .array(
        z
          .strictObject({
            values: z.array(z.string().min(1)).min(1),
            value: z.string().min(1),
            alongside: z
              .strictObject({
                field: SummaryFieldNameSchema,
                values: z.array(z.string().min(1)).min(1),
              })
              .optional()
              .meta({ description: "Another summary field's values that must also be decided for the conflict to apply" }),
            statement: z.string().min(1).optional(),
            evidence: z.array(EvidenceSchema).optional(),
          })
          .refine((c) => c.values.length >= 2 || c.alongside !== undefined, {
            message: "a conflict names two values of the field, or one and an `alongside` condition",
          }),
      )
      .optional()
      .meta({
        description:
          "When rules of equal priority give all of `values` (and, with `alongside`, another field is decided to one of its values), the field takes `value` instead; its statement and evidence become a reason",
      }),
  })
  .meta({ description: "How a single-valued summary field is decided among rules of equal priority (higher priority always wins)" });

export const EventRuleSchema = z
  .strictObject({
    id: z.string().regex(/^EVENT\.[A-Z0-9][A-Z0-9-.]*$/, "expected an id such as `EVENT.MINUS-7`"),
    events: z
      .array(z.string().min(1))
      .min(1)
      .meta({ description: "Arm-event labels: `-7`, `del(7q)`, `+8`, `del(5q)`, `del(17p)`, `CN-LOH(6p)`" }),
    description: z.string().min(1),
    conditions: z
      .strictObject({
        origin: z
          .array(z.enum(["germline", "somatic", "unknown"]))
          .min(1)
          .optional(),
      })
      .optional(),
    classification: ClassificationSchema,
    implications: z.array(PanelImplicationSchema),
    evidence: EvidenceListSchema,
    note: z.string().min(1).optional(),
  })
  .meta({ description: "A rule for chromosome-arm events read from SV/CNV records (threshold `arm-event-fraction`)" });

export const PanelSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    id: SlugSchema,
    version: z.string().regex(/^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/, "expected a semver version"),
    released: z.iso.date(),
    title: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
    extends: z.literal("builtin").optional().meta({
      description: "Start from the builtin panel; entries here add or override by key/symbol/id",
    }),
    consequenceClasses: z.record(SlugSchema, ConsequenceClassSchema).default({}),
    thresholds: z.record(SlugSchema, ThresholdSchema).default({}),
    genes: z.array(GeneSchema).default([]),
    rules: z.array(RuleSchema).default([]),
    summaryRules: z.array(SummaryRuleSchema).default([]),
    summaryPrecedence: z.partialRecord(SummaryFieldNameSchema, SummaryPrecedenceSchema).optional().meta({
      description:
        "Tie-breaking between summary rules of equal priority, per field; without it the first tied rule in panel order wins and no conflict value is made",
    }),
    eventRules: z.array(EventRuleSchema).optional(),
    uncertainWithholds: z
      .strictObject({ codes: z.array(ImplicationCodeSchema).min(1), evidence: EvidenceListSchema })
      .optional()
      .meta({
        description:
          "Implication codes left off a finding classified `uncertain`: management (donor genotyping, conditioning, androgens) is not drawn from a VUS",
      }),
    unknownOrigin: z
      .strictObject({ implications: z.array(PanelImplicationSchema).min(1) })
      .optional()
      .meta({
        description:
          "Added to a finding whose origin is unknown unless every reading is benign (and unless a matched rule already carries the same code): what would settle the origin (germline tissue, a paired normal)",
      }),
    citations: z.record(CitationKeySchema, CitationSchema).default({}),
  })
  .meta({
    title: "marrowscope panel v1",
    description: "Curated genes, rules, thresholds and citations (research use; not a diagnosis)",
  });

/** The parsed panel data (what the JSON says, defaults filled in). */
export type PanelData = z.output<typeof PanelSchema>;
/** A loaded panel: frozen data plus the sha256 of its canonical JSON. */
export type Panel = Readonly<PanelData> & { readonly sha256: string };
export type PanelGene = z.output<typeof GeneSchema>;
export type PanelRule = z.output<typeof RuleSchema>;
export type RuleMatch = z.output<typeof MatchSchema>;
export type SingleMatch = z.output<typeof SingleMatchSchema>;
export type RuleConditions = z.output<typeof ConditionsSchema>;
export type Bound = z.output<typeof BoundSchema>;
export type PanelImplication = z.output<typeof PanelImplicationSchema>;
export type Evidence = z.output<typeof EvidenceSchema>;
export type Citation = z.output<typeof CitationSchema>;
export type Threshold = z.output<typeof ThresholdSchema>;
export type ConsequenceClass = z.output<typeof ConsequenceClassSchema>;
export type SummaryRule = z.output<typeof SummaryRuleSchema>;
export type SummaryWhen = z.output<typeof SummaryWhenSchema>;
export type GenomicRegion = z.output<typeof GenomicRegionSchema>;
export type EventRule = z.output<typeof EventRuleSchema>;
export type ContextCondition = z.output<typeof ContextConditionSchema>;
export type SummaryPrecedence = z.output<typeof SummaryPrecedenceSchema>;
export type Inheritance = z.output<typeof InheritanceSchema>;
