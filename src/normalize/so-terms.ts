/**
 * Sequence Ontology consequence terms: severity order, impact, and the names other annotators
 * use for the same concepts. This module is a table, not logic: every row says where it came from.
 */
import type { Consequence } from "../model.js";

export type Impact = NonNullable<Consequence["impact"]>;

/**
 * Ensembl VEP's consequence table, most severe first, with VEP's IMPACT column.
 * Source: Ensembl Variation, "Calculated variant consequences"
 * (https://www.ensembl.org/info/genome/variation/prediction/predicted_data.html), release 115.
 */
const VEP_ORDER: readonly (readonly [string, Impact])[] = [
  ["transcript_ablation", "HIGH"],
  ["splice_acceptor_variant", "HIGH"],
  ["splice_donor_variant", "HIGH"],
  ["stop_gained", "HIGH"],
  ["frameshift_variant", "HIGH"],
  ["stop_lost", "HIGH"],
  ["start_lost", "HIGH"],
  ["transcript_amplification", "HIGH"],
  ["feature_elongation", "HIGH"],
  ["feature_truncation", "HIGH"],
  ["inframe_insertion", "MODERATE"],
  ["inframe_deletion", "MODERATE"],
  ["missense_variant", "MODERATE"],
  ["protein_altering_variant", "MODERATE"],
  ["splice_donor_5th_base_variant", "LOW"],
  ["splice_region_variant", "LOW"],
  ["splice_donor_region_variant", "LOW"],
  ["splice_polypyrimidine_tract_variant", "LOW"],
  ["incomplete_terminal_codon_variant", "LOW"],
  ["start_retained_variant", "LOW"],
  ["stop_retained_variant", "LOW"],
  ["synonymous_variant", "LOW"],
  ["coding_sequence_variant", "MODIFIER"],
  ["mature_miRNA_variant", "MODIFIER"],
  ["5_prime_UTR_variant", "MODIFIER"],
  ["3_prime_UTR_variant", "MODIFIER"],
  ["non_coding_transcript_exon_variant", "MODIFIER"],
  ["intron_variant", "MODIFIER"],
  ["NMD_transcript_variant", "MODIFIER"],
  ["non_coding_transcript_variant", "MODIFIER"],
  ["coding_transcript_variant", "MODIFIER"],
  ["upstream_gene_variant", "MODIFIER"],
  ["downstream_gene_variant", "MODIFIER"],
  ["TFBS_ablation", "MODIFIER"],
  ["TFBS_amplification", "MODIFIER"],
  ["TF_binding_site_variant", "MODIFIER"],
  ["regulatory_region_ablation", "MODERATE"],
  ["regulatory_region_amplification", "MODIFIER"],
  ["regulatory_region_variant", "MODIFIER"],
  ["intergenic_variant", "MODIFIER"],
  ["sequence_variant", "MODIFIER"],
];

/**
 * SO terms outside VEP's table that other tools write, ranked level with their closest VEP term
 * (the SO parent or sibling). Without this, an ANNOVAR "splicing" call would sort below an intron.
 */
const RANK_AS: readonly (readonly [string, string])[] = [
  // SO:0001629, parent of splice_acceptor_variant and splice_donor_variant (ANNOVAR "splicing").
  ["splice_site_variant", "splice_acceptor_variant"],
  // SO:0001572; SnpEff marks it HIGH. A whole-exon loss truncates the feature.
  ["exon_loss_variant", "feature_truncation"],
  // SO:0001988, a child of 5_prime_UTR_variant (SnpEff).
  ["5_prime_UTR_premature_start_codon_gain_variant", "5_prime_UTR_variant"],
  // SO:0001582, obsolete name for a changed start codon still read as a start (SnpEff, old VEP).
  ["initiator_codon_variant", "start_retained_variant"],
];

/**
 * Names for a VEP/SO term used by SnpEff ANN and by older VEP releases.
 * Sources: SnpEff manual, "Effect prediction details" table (SO term vs classic name);
 * VEP release notes for the renamed non-coding terms (VEP 77).
 */
const SYNONYMS: readonly (readonly [string, string])[] = [
  ["intergenic_region", "intergenic_variant"],
  ["conservative_inframe_insertion", "inframe_insertion"],
  ["disruptive_inframe_insertion", "inframe_insertion"],
  ["conservative_inframe_deletion", "inframe_deletion"],
  ["disruptive_inframe_deletion", "inframe_deletion"],
  ["non_coding_exon_variant", "non_coding_transcript_exon_variant"],
  ["nc_transcript_variant", "non_coding_transcript_variant"],
];

/**
 * SnpEff legacy EFF effect names → SO term. Source: SnpEff manual, "Effect prediction details"
 * (columns "Effect Seq. Ontology" and "Effect Classic"). Unlisted names are kept as written.
 */
const EFF_NAMES: readonly (readonly [string, string])[] = [
  ["INTERGENIC", "intergenic_variant"],
  ["UPSTREAM", "upstream_gene_variant"],
  ["DOWNSTREAM", "downstream_gene_variant"],
  ["UTR_5_PRIME", "5_prime_UTR_variant"],
  ["UTR_3_PRIME", "3_prime_UTR_variant"],
  ["START_GAINED", "5_prime_UTR_premature_start_codon_gain_variant"],
  ["SPLICE_SITE_ACCEPTOR", "splice_acceptor_variant"],
  ["SPLICE_SITE_DONOR", "splice_donor_variant"],
  ["SPLICE_SITE_REGION", "splice_region_variant"],
  ["INTRON", "intron_variant"],
  ["EXON", "non_coding_transcript_exon_variant"],
  ["SYNONYMOUS_CODING", "synonymous_variant"],
  ["SYNONYMOUS_START", "start_retained_variant"],
  ["SYNONYMOUS_STOP", "stop_retained_variant"],
  ["NON_SYNONYMOUS_CODING", "missense_variant"],
  ["NON_SYNONYMOUS_START", "initiator_codon_variant"],
  ["NON_SYNONYMOUS_STOP", "stop_retained_variant"],
  ["STOP_GAINED", "stop_gained"],
  ["STOP_LOST", "stop_lost"],
  ["START_LOST", "start_lost"],
  ["CODON_CHANGE", "coding_sequence_variant"],
  ["CODON_INSERTION", "inframe_insertion"],
  ["CODON_CHANGE_PLUS_CODON_INSERTION", "inframe_insertion"],
  ["CODON_DELETION", "inframe_deletion"],
  ["CODON_CHANGE_PLUS_CODON_DELETION", "inframe_deletion"],
  ["FRAME_SHIFT", "frameshift_variant"],
  ["EXON_DELETED", "exon_loss_variant"],
  ["REGULATION", "regulatory_region_variant"],
];

/**
 * bcftools csq consequence names → SO term. Source: bcftools manual, `csq` section, and
 * https://samtools.github.io/bcftools/howtos/csq-calling.html. A leading `*` (consequence
 * downstream of a stop) is kept as written, unranked: it is not the SO term it resembles.
 */
const BCSQ_NAMES: readonly (readonly [string, string])[] = [
  ["intergenic", "intergenic_variant"],
  ["intron", "intron_variant"],
  ["splice_acceptor", "splice_acceptor_variant"],
  ["splice_donor", "splice_donor_variant"],
  ["splice_region", "splice_region_variant"],
  ["non_coding", "non_coding_transcript_variant"],
  ["5_prime_utr", "5_prime_UTR_variant"],
  ["3_prime_utr", "3_prime_UTR_variant"],
  ["coding_sequence", "coding_sequence_variant"],
  ["synonymous", "synonymous_variant"],
  ["missense", "missense_variant"],
  ["stop_gained", "stop_gained"],
  ["stop_lost", "stop_lost"],
  ["stop_retained", "stop_retained_variant"],
  ["start_lost", "start_lost"],
  ["start_retained", "start_retained_variant"],
  ["inframe_insertion", "inframe_insertion"],
  ["inframe_deletion", "inframe_deletion"],
  ["inframe_altering", "protein_altering_variant"],
  ["frameshift", "frameshift_variant"],
  ["feature_elongation", "feature_elongation"],
];

/**
 * ANNOVAR `Func.*` and `ExonicFunc.*` values → SO term. Source: ANNOVAR gene-based annotation
 * documentation (https://annovar.openbioinformatics.org/en/latest/user-guide/gene/).
 * ANNOVAR's "splicing" is within 2 bp of a splice junction by default, hence splice_site_variant.
 */
const ANNOVAR_NAMES: readonly (readonly [string, string])[] = [
  ["exonic", "coding_sequence_variant"],
  ["splicing", "splice_site_variant"],
  ["ncRNA_exonic", "non_coding_transcript_exon_variant"],
  ["ncRNA_intronic", "intron_variant"],
  ["ncRNA_splicing", "splice_site_variant"],
  ["ncRNA_UTR5", "5_prime_UTR_variant"],
  ["ncRNA_UTR3", "3_prime_UTR_variant"],
  ["UTR5", "5_prime_UTR_variant"],
  ["UTR3", "3_prime_UTR_variant"],
  ["intronic", "intron_variant"],
  ["upstream", "upstream_gene_variant"],
  ["downstream", "downstream_gene_variant"],
  ["intergenic", "intergenic_variant"],
  ["nonsynonymous_SNV", "missense_variant"],
  ["synonymous_SNV", "synonymous_variant"],
  ["stopgain", "stop_gained"],
  ["stoploss", "stop_lost"],
  ["startloss", "start_lost"],
  ["frameshift_insertion", "frameshift_variant"],
  ["frameshift_deletion", "frameshift_variant"],
  ["frameshift_substitution", "frameshift_variant"],
  ["frameshift_block_substitution", "frameshift_variant"],
  ["nonframeshift_insertion", "inframe_insertion"],
  ["nonframeshift_deletion", "inframe_deletion"],
  ["nonframeshift_substitution", "protein_altering_variant"],
  ["nonframeshift_block_substitution", "protein_altering_variant"],
];

const RANK = new Map<string, number>(VEP_ORDER.map(([term], index) => [term, index]));
const IMPACT = new Map<string, Impact>(VEP_ORDER);
for (const [term, as] of RANK_AS) {
  RANK.set(term, RANK.get(as) ?? VEP_ORDER.length);
  const impact = IMPACT.get(as);
  if (impact !== undefined) IMPACT.set(term, impact);
}
const UNKNOWN_RANK = VEP_ORDER.length;

const SYNONYM_MAP: ReadonlyMap<string, string> = new Map(SYNONYMS);

const BY_SOURCE = new Map<TermSource, ReadonlyMap<string, string>>([
  ["VEP", SYNONYM_MAP],
  ["SnpEff", SYNONYM_MAP],
  ["EFF", new Map(EFF_NAMES)],
  ["BCSQ", new Map(BCSQ_NAMES)],
  ["ANNOVAR", new Map(ANNOVAR_NAMES)],
]);

export type TermSource = "VEP" | "SnpEff" | "EFF" | "BCSQ" | "ANNOVAR";

/** Severity rank of an SO term: lower is more severe; terms we do not know rank last. */
export function soRank(term: string): number {
  return RANK.get(term) ?? UNKNOWN_RANK;
}

/** VEP's IMPACT for an SO term, or undefined when the term is not in the table. */
export function soImpact(term: string): Impact | undefined {
  return IMPACT.get(term);
}

/** The SO term for a tool's consequence name; names without a mapping come back unchanged. */
export function toSoTerm(name: string, source: TermSource): string {
  return BY_SOURCE.get(source)?.get(name) ?? name;
}

/** Terms mapped to SO, de-duplicated, most severe first (ties keep their written order). */
export function orderTerms(names: readonly string[], source: TermSource): string[] {
  // One name (most annotation entries) needs no de-duplication or sort.
  if (names.length === 1) {
    const term = toSoTerm(names[0]!.trim(), source);
    return term === "" ? [] : [term];
  }
  // A handful of names per entry: de-duplicate with includes and insertion-sort by rank, which
  // keeps ties in written order (a Set and a sort over {term, index} pairs were ~3% of a
  // panel-dense run).
  const terms: string[] = [];
  const ranks: number[] = [];
  for (const name of names) {
    const term = toSoTerm(name.trim(), source);
    if (term === "" || terms.includes(term)) continue;
    const rank = soRank(term);
    let at = terms.length;
    while (at > 0 && ranks[at - 1]! > rank) at--;
    terms.splice(at, 0, term);
    ranks.splice(at, 0, rank);
  }
  return terms;
}

/** The impact of the most severe known term, for annotators that do not write one. */
export function impactOf(terms: readonly string[]): Impact | undefined {
  for (const term of terms) {
    const impact = soImpact(term);
    if (impact !== undefined) return impact;
  }
  return undefined;
}

/**
 * Whether a consequence says a change is coding but not what it does to the protein:
 * `coding_sequence_variant` is what VEP writes when it cannot tell, and what the builtin MANE
 * model writes without a coding sequence.
 */
export function proteinEffectUnknown(terms: readonly string[]): boolean {
  return terms.includes("coding_sequence_variant");
}

/** Terms that put a change near a splice site without saying whether splicing changes. */
const SPLICE_REGION = new Set([
  "splice_region_variant",
  "splice_donor_5th_base_variant",
  "splice_donor_region_variant",
  "splice_polypyrimidine_tract_variant",
]);

/**
 * Whether a consequence lies in a splice region (exon bases 1–3 or intron bases 3–8 from a
 * boundary, or VEP's finer splice terms) without a splice donor/acceptor or other HIGH term:
 * such a change may or may not alter splicing (a synonymous last-exon-base change can skip the
 * exon), which neither VEP's terms nor the MANE model tell, so an unread one is listed as not judged.
 */
export function spliceEffectUnknown(terms: readonly string[]): boolean {
  return terms.some((t) => SPLICE_REGION.has(t)) && !terms.some((t) => soImpact(t) === "HIGH");
}
