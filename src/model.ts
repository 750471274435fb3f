/**
 * Plain data shared by every stage. Types only: no logic lives here.
 * Coordinates are 1-based and inclusive everywhere in these types.
 */
export type Assembly = "GRCh37" | "GRCh38";

/** A genomic interval, 1-based inclusive. */
export interface Region {
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
}

export type Zygosity = "het" | "hom-alt" | "hemi" | "hom-ref" | "no-call";

/** One sample's view of one ALT allele; every number says which FORMAT field it came from. */
export interface SampleCall {
  readonly sample: string;
  /** GT as written, e.g. `0/1`, `1|0`, `1`, `./.`. */
  readonly genotype?: string;
  readonly phased?: boolean;
  readonly zygosity?: Zygosity;
  readonly vaf?: number;
  /** e.g. `FORMAT/AD`, `FORMAT/AF`, `FORMAT/FREQ`, `FORMAT/AO+RO`, `FORMAT/TIR+TAR`. */
  readonly vafSource?: string;
  readonly depth?: number;
  readonly depthSource?: string;
  readonly altDepth?: number;
  /** FORMAT/CN, for copy-number records only (GATK gCNV, CNVkit, Canvas): arm-level events read it. */
  readonly copyNumber?: number;
}

export type VariantKind = "snv" | "mnv" | "insertion" | "deletion" | "indel" | "sv" | "breakend";

/** A consequence read from the VCF's own annotation (we never predict one). */
export interface Consequence {
  /** `builtin`: predicted by marrowscope on the gene's MANE Select model (src/transcripts). */
  readonly source: "VEP" | "SnpEff" | "BCSQ" | "ANNOVAR" | "builtin";
  readonly symbol?: string;
  readonly hgncId?: string;
  /** Ensembl/Entrez gene id as given. */
  readonly geneId?: string;
  /** Sequence Ontology terms, most severe first. */
  readonly terms: readonly string[];
  readonly impact?: "HIGH" | "MODERATE" | "LOW" | "MODIFIER";
  readonly transcript?: string;
  readonly biotype?: string;
  readonly canonical?: boolean;
  readonly maneSelect?: string;
  readonly hgvsc?: string;
  readonly hgvsp?: string;
  readonly exon?: string;
  readonly intron?: string;
}

/** Population allele frequency, with the INFO key it came from. */
export interface PopulationAf {
  readonly value: number;
  readonly source: string;
}

export interface ClinVar {
  readonly significance: string;
  readonly reviewStatus?: string;
  readonly source: string;
}

/** One ALT allele at one locus (multi-allelic records are split), with per-sample calls. */
export interface Variant {
  readonly chrom: string;
  readonly pos: number;
  /** Last reference base touched (pos + ref.length - 1, or END/SVLEN for SVs). */
  readonly end: number;
  readonly ref: string;
  readonly alt: string;
  /** `chrom:pos:ref:alt` */
  readonly key: string;
  readonly kind: VariantKind;
  /** ID column split on `;`; undefined (the member present) when ID is `.`. */
  readonly id: readonly string[] | undefined;
  /** QUAL; undefined (the member present) when QUAL is `.`. */
  readonly qual: number | undefined;
  /** `["PASS"]`, the failed filters, or `[]` when FILTER is `.`. */
  readonly filter: readonly string[];
  /** 1-based index of this ALT in the record's ALT list, and how many ALTs the record had. */
  readonly altIndex: number;
  readonly altCount: number;
  /** INFO with Number=A/R values already cut to this ALT; a null-prototype object. */
  readonly info: Readonly<Record<string, InfoValue>>;
  readonly calls: readonly SampleCall[];
  /** Consequences the file's annotation gives for this ALT ([] when unannotated). */
  readonly consequences: readonly Consequence[];
  readonly populationAf?: PopulationAf;
  readonly clinvar?: ClinVar;
  /** Where the record is; `line` is absent in index mode (tabix reads have no line numbers). */
  readonly source: { readonly file: string; readonly line?: number };
  /** The record as written (VEP/SnpEff match annotations on untrimmed alleles). */
  readonly raw: { readonly ref: string; readonly alts: readonly string[]; readonly infoText: string };
}

export type InfoValue = true | string | number | null | readonly (string | number | null)[];

export type GeneSource = "annotation" | "coordinates" | "both";

/** A variant that touches a panel gene. */
export interface Hit {
  readonly variant: Variant;
  readonly gene: { readonly symbol: string; readonly hgncId: string };
  readonly geneSource: GeneSource;
  /** The one consequence chosen for this gene (MANE, canonical, most severe). */
  readonly consequence?: Consequence;
  /** Hotspot labels (e.g. `R882`) whose codon the variant touches, from coordinates. */
  readonly hotspots: readonly string[];
}

/** @internal `T` with its members writable, for objects filled in place where they are built. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
