/**
 * ClinVar significance is an open vocabulary: the ClinVar VCF writes `Pathogenic/Likely_pathogenic`,
 * VEP's CLIN_SIG writes `pathogenic&likely_pathogenic`, and newer releases say "classifications"
 * where older ones said "interpretations". Everything is reduced to lower-case tokens here.
 */
import type { Classification } from "../report/schema.js";

/** Lower-case, with spaces and hyphens as `_`: `Likely pathogenic` → `likely_pathogenic`. */
export function normalizeTerm(term: string): string {
  return term
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** The tokens of a significance string; any conflicting term also yields the token `conflicting`. */
export function significanceTokens(significance: string): Set<string> {
  const tokens = new Set<string>();
  const whole = normalizeTerm(significance);
  tokens.add(whole);
  for (const part of whole.split(/[/,|&;]+/)) {
    const token = part.replace(/^_+|_+$/g, "");
    if (token) tokens.add(token);
  }
  for (const token of [...tokens]) if (token.startsWith("conflicting")) tokens.add("conflicting");
  return tokens;
}

/** Does the variant's significance satisfy a rule's `clinvar` list (any term, case-insensitive)? */
export function significanceMatches(significance: string, terms: readonly string[]): boolean {
  const tokens = significanceTokens(significance);
  return terms.some((term) => tokens.has(normalizeTerm(term)));
}

/**
 * ClinVar review stars from the review-status text: 4 practice guideline, 3 expert panel,
 * 2 multiple submitters without conflicts, 1 criteria provided, 0 otherwise (ClinVar's own scale).
 */
export function reviewStars(reviewStatus: string | undefined): number | undefined {
  if (reviewStatus === undefined) return undefined;
  const text = reviewStatus.toLowerCase().replace(/_/g, " ");
  if (text.includes("practice guideline")) return 4;
  if (text.includes("expert panel")) return 3;
  if (text.includes("no assertion") || text.includes("no classification") || text.includes("no interpretation")) return 0;
  if (text.includes("multiple submitters") && text.includes("no conflict")) return 2;
  if (text.includes("criteria provided")) return 1;
  return 0;
}

/**
 * The classification ClinVar's aggregate significance supports, or undefined when it is
 * uncertain, conflicting, or says nothing about pathogenicity (risk factor, drug response).
 * A mixed `Pathogenic/Likely_pathogenic` is read as the weaker of the two; "low penetrance"
 * qualifiers give `low-penetrance`.
 */
export function clinvarClassification(significance: string): Classification | undefined {
  const tokens = significanceTokens(significance);
  const pathogenic = tokens.has("pathogenic");
  const likelyPathogenic = tokens.has("likely_pathogenic");
  const benign = tokens.has("benign");
  const likelyBenign = tokens.has("likely_benign");
  if (tokens.has("conflicting")) return undefined;
  if ((pathogenic || likelyPathogenic) && (benign || likelyBenign)) return undefined;
  // ClinVar's "Pathogenic, low penetrance" terms (2022 onward).
  if (tokens.has("low_penetrance") && (pathogenic || likelyPathogenic)) return "low-penetrance";
  if (likelyPathogenic) return "likely-pathogenic";
  if (pathogenic) return "pathogenic";
  if (likelyBenign) return "likely-benign";
  if (benign) return "benign";
  return undefined;
}
