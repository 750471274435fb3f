/**
 * The two interpretation standards a finding is read by, one per origin reading:
 * - germline: ACMG/AMP 2015 (Richards et al., PMID 25741868) with the ClinGen SVI refinements
 *   (PVS1 decision tree, Abou Tayoun et al. 2018; PM2 at supporting strength; PP5/BP6 retired,
 *   Biesecker & Harrison 2018);
 * - somatic: the ClinGen/CGC/VICC 2022 oncogenicity standard (Horak et al. 2022), chosen over the
 *   AMP/ASCO/CAP 2017 tiers because it classifies the variant's biology (oncogenic … benign) on
 *   the same five-step scale as the germline reading, where the AMP tiers grade actionability in a
 *   diagnosed tumour, which a marrow-failure clone is not.
 *
 * The criteria here are the ones the input itself can show (consequence, the panel's curated
 * alleles, hotspots and domains, population frequency, ClinVar); the panel rule's classification
 * stays the curated conclusion, and the criteria say what in the input stood behind it. Strengths
 * are the standards' own defaults, not clinical content of this panel. Pure and synchronous.
 */
import type { Panel, PanelGene } from "../panel/schema.js";
import type { Category, Classification, Criterion, ImplicationCode } from "../report/schema.js";
import { type Band, isCommon, ORIGIN_THRESHOLDS, threshold } from "./bounds.js";
import { clinvarClassification, reviewStars } from "./clinvar.js";
import type { MatchedRule, Subject } from "./evaluate.js";

export const GERMLINE_STANDARD = "ACMG/AMP 2015 (ClinGen SVI)";
export const SOMATIC_STANDARD = "ClinGen/CGC/VICC 2022 (oncogenicity)";

/** Panel names the standards read (a missing one skips its criterion; it never guesses a number). */
export const STANDARD_THRESHOLDS = {
  /** BA1: stand-alone benign from this population AF up (ACMG/AMP 2015: 5%). */
  ba1: "ba1-population-af",
  /** The consequence class read as a null (loss-of-function) variant for PVS1/OVS1. */
  nullClass: "lof",
} as const;

/** What a reading's frequency check found, so classification and criteria agree. */
export interface Frequency {
  readonly ba1: boolean;
  readonly bs1: boolean;
  /** The threshold the AF met (BA1's or BS1's), for the criterion's basis. */
  readonly band?: Band;
}

const NO_FREQUENCY: Frequency = Object.freeze({ ba1: false, bs1: false });

/**
 * BA1/BS1 for a germline reading: the gene's own thresholds (e.g. from a ClinGen VCEP) when the
 * panel gives them, else the panel's `ba1-population-af` and `common-population-af-max`. The
 * criterion itself is written by `frequencyCriteria`, only when a reading's criteria are made:
 * criteria are shared, so nearly always made already, and the sentence written for every
 * finding with a frequency was 20 of judge's 674 ms in a CPU profile of the 200k panel-dense file.
 */
export function germlineFrequency(panel: Panel, gene: PanelGene, af: Subject["populationAf"]): Frequency {
  if (!af) return NO_FREQUENCY;
  const ba1: Band | undefined =
    gene.populationAf?.ba1 !== undefined ? { min: gene.populationAf.ba1 } : threshold(panel, STANDARD_THRESHOLDS.ba1);
  if (ba1 && isCommon(af.value, ba1)) return { ba1: true, bs1: false, band: ba1 };
  const bs1: Band | undefined =
    gene.populationAf?.bs1 !== undefined ? { max: gene.populationAf.bs1 } : threshold(panel, ORIGIN_THRESHOLDS.common);
  if (bs1 && isCommon(af.value, bs1)) return { ba1: false, bs1: true, band: bs1 };
  return NO_FREQUENCY;
}

/** The BA1 or BS1 criterion a frequency check found, if any. */
function frequencyCriteria(subject: Subject, frequency: Frequency): Criterion[] {
  const { populationAf: af, gene } = subject;
  const band = frequency.band;
  if (!af || !band) return [];
  const whose = gene.populationAf ? `${gene.symbol}'s own threshold` : "the panel's threshold";
  if (frequency.ba1) {
    return [criterion("BA1", "stand-alone", "benign", `population AF ${af.value} (${af.source}) at or above ${whose} ${band.min}`)];
  }
  return [criterion("BS1", "strong", "benign", `population AF ${af.value} (${af.source}) above ${whose} ${band.max ?? band.min}`)];
}

function criterion(code: string, strength: Criterion["strength"], direction: Criterion["direction"], basis: string): Criterion {
  return { code, strength, direction, basis };
}

function nullTerm(panel: Panel, subject: Subject): string | undefined {
  const terms = subject.consequence?.terms;
  const nullTerms = panel.consequenceClasses[STANDARD_THRESHOLDS.nullClass]?.terms;
  if (!terms || !nullTerms) return undefined;
  return terms.find((t) => nullTerms.includes(t));
}

/** Does a matched rule read loss of function as this gene's mechanism (a consequence match on the null class)? */
function lofMechanism(matched: readonly MatchedRule[]): MatchedRule | undefined {
  return matched.find((m) => {
    const match = m.rule.match;
    const all = match.kind === "any-of" ? match.matches : [match];
    return all.some((x) => x.kind === "consequence" && x.classes.includes(STANDARD_THRESHOLDS.nullClass));
  });
}

function ruleKinds(m: MatchedRule): readonly string[] {
  const match = m.rule.match;
  return match.kind === "any-of" ? match.matches.map((x) => x.kind) : [match.kind];
}

function hotspotBasis(subject: Subject, rule: string): string {
  const labels = subject.hotspots.join(", ");
  const how = subject.consequence?.terms.length ? `with ${subject.consequence.terms.join("&")}` : "by coordinates only (no annotation)";
  return `hotspot ${labels} matched ${how} (rule ${rule})`;
}

/** The ACMG/AMP criteria the input shows for a germline reading. */
export function germlineCriteria(panel: Panel, subject: Subject, matched: readonly MatchedRule[], frequency: Frequency): Criterion[] {
  const out: Criterion[] = [];
  const term = nullTerm(panel, subject);
  const lof = term ? lofMechanism(matched) : undefined;
  if (term && lof) {
    // The SVI tree lowers PVS1 for start-loss and for variants that escape NMD; without a
    // transcript model only the first can be told apart here.
    const strength: Criterion["strength"] = term === "start_lost" ? "moderate" : "very-strong";
    out.push(
      criterion(
        "PVS1",
        strength,
        "pathogenic",
        `${term}: null variant where the panel reads loss of function as the mechanism (rule ${lof.rule.id}); NMD escape and last-exon position not assessed`,
      ),
    );
  }
  for (const m of matched) {
    const kinds = ruleKinds(m);
    if (m.curated && kinds.includes("allele") && !kinds.includes("hotspot") && severe(m.rule.classification)) {
      out.push(criterion("PS1", "strong", "pathogenic", `the panel's curated allele (rule ${m.rule.id})`));
    } else if (m.curated && kinds.includes("hotspot")) {
      out.push(criterion("PM1", "moderate", "pathogenic", hotspotBasis(subject, m.rule.id)));
    } else if (m.tier === "region" && kinds.includes("region")) {
      out.push(criterion("PM1", "moderate", "pathogenic", `in a functional domain the panel names (rule ${m.rule.id})`));
    }
  }
  const af = subject.populationAf;
  if (!frequency.ba1 && !frequency.bs1) {
    if (af && af.value === 0) out.push(criterion("PM2", "supporting", "pathogenic", `population AF 0 (${af.source})`));
    else if (!af && subject.consequence)
      out.push(
        criterion(
          "PM2",
          "supporting",
          "pathogenic",
          `no population AF in the ${subject.consequence.source} annotation: absent from its database, or not annotated for frequency`,
        ),
      );
  }
  out.push(...frequencyCriteria(subject, frequency));
  const clinvar = clinvarCriterion(subject);
  if (clinvar) out.push(clinvar);
  return out;
}

function severe(classification: Classification): boolean {
  return classification === "pathogenic" || classification === "likely-pathogenic";
}

/**
 * ClinVar is listed, never scored as ACMG evidence (PP5/BP6 are retired): a reviewed P/LP or B/LB
 * assertion is what the rules may use; an unreviewed one (VEP's CLIN_SIG) is supporting only, and
 * a conflicting or mixed one is neutral.
 */
function clinvarCriterion(subject: Subject): Criterion | undefined {
  const clinvar = subject.clinvar;
  if (!clinvar) return undefined;
  const stars = reviewStars(clinvar.reviewStatus);
  const aggregate = clinvarClassification(clinvar.significance);
  const review =
    clinvar.reviewStatus === undefined ? "no review status" : `${clinvar.reviewStatus}, ${stars} star${stars === 1 ? "" : "s"}`;
  const direction: Criterion["direction"] =
    aggregate === undefined ? "neutral" : aggregate === "benign" || aggregate === "likely-benign" ? "benign" : "pathogenic";
  const note =
    aggregate === undefined
      ? "conflicting, uncertain or mixed: not used as evidence"
      : (stars ?? 0) >= 1
        ? "reviewed assertion"
        : "unreviewed assertion: supporting only";
  return criterion("ClinVar", "supporting", direction, `ClinVar ${clinvar.significance} (${review}): ${note}`);
}

/** The ClinGen/CGC/VICC criteria the input shows for a somatic reading. Population frequency is not applied. */
export function somaticCriteria(panel: Panel, subject: Subject, matched: readonly MatchedRule[]): Criterion[] {
  const out: Criterion[] = [];
  const term = nullTerm(panel, subject);
  const lof = term ? lofMechanism(matched) : undefined;
  if (term && lof) {
    out.push(
      criterion(
        "OVS1",
        "very-strong",
        "pathogenic",
        `${term}: null variant in a gene the panel reads by loss of function (rule ${lof.rule.id})`,
      ),
    );
  }
  for (const m of matched) {
    const kinds = ruleKinds(m);
    if (m.curated && kinds.includes("hotspot")) out.push(criterion("OS3", "strong", "pathogenic", hotspotBasis(subject, m.rule.id)));
    else if (m.tier === "region" && kinds.includes("region"))
      out.push(criterion("OM1", "moderate", "pathogenic", `in a critical functional domain the panel names (rule ${m.rule.id})`));
    else if (m.curated && kinds.includes("allele"))
      out.push(criterion("OS1", "strong", "pathogenic", `the panel's curated allele (rule ${m.rule.id})`));
  }
  // The 2022 standard scores SBVS1 (AF > 5%) and SBS1 (AF > 1%) against oncogenicity. marrowscope
  // does not lower a somatic reading by them: a reading is somatic because the matched normal, a
  // caller or a low VAF says so, and then a population AF counts germline carriers of that allele
  // (or, in homopolymers such as ASXL1 c.1934dup, sequencing artefact), not this clone. Listed, so
  // the choice is visible (docs/rules.md).
  const af = subject.populationAf;
  const common = threshold(panel, ORIGIN_THRESHOLDS.common);
  if (af && common && isCommon(af.value, common)) {
    const ba1 = threshold(panel, STANDARD_THRESHOLDS.ba1);
    const veryCommon = ba1 !== undefined && isCommon(af.value, ba1);
    out.push(
      criterion(
        veryCommon ? "SBVS1" : "SBS1",
        veryCommon ? "stand-alone" : "strong",
        "neutral",
        `population AF ${af.value} (${af.source}): not applied to a somatic reading (a germline carrier frequency, not this clone's)`,
      ),
    );
  }
  return out;
}

const GERMLINE_TERMS: Readonly<Record<Classification, string>> = {
  pathogenic: "Pathogenic",
  "likely-pathogenic": "Likely pathogenic",
  hotspot: "Likely pathogenic (hotspot)",
  "low-penetrance": "Pathogenic, low penetrance",
  uncertain: "Uncertain significance",
  "likely-benign": "Likely benign",
  benign: "Benign",
};

const SOMATIC_TERMS: Readonly<Record<Classification, string>> = {
  pathogenic: "Oncogenic",
  "likely-pathogenic": "Likely oncogenic",
  hotspot: "Oncogenic (hotspot)",
  "low-penetrance": "Uncertain significance",
  uncertain: "Uncertain significance",
  "likely-benign": "Likely benign",
  benign: "Benign",
};

/**
 * The classification in the standard's own words. Somatic PIGA/BCOR clones and HLA loss are not
 * oncogenic events: their somatic reading is named for what they mark.
 */
export function termOf(
  reading: "germline" | "somatic",
  classification: Classification,
  category: Category,
  codes: readonly ImplicationCode[],
): string {
  if (reading === "germline") return GERMLINE_TERMS[classification];
  const marker = codes.includes("IST_FAVORABLE") || codes.includes("PNH_CLONE");
  const immuneEscape = category === "hla-immune" || codes.includes("IMMUNE_ESCAPE");
  if (marker || immuneEscape) {
    const what = marker ? "clonal marker of immune aplastic anaemia" : "immune-escape (HLA loss) event";
    if (classification === "pathogenic") return `Established ${what}`;
    if (classification === "likely-pathogenic" || classification === "hotspot") return `Likely ${what}`;
  }
  return SOMATIC_TERMS[classification];
}
