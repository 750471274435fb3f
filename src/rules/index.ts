/**
 * The risk engine: `applyRules` (one Hit in one sample → a Finding) and `summarizeSample`
 * (two-hit logic and the SampleSummary). Pure, synchronous and browser-safe; every gene, rule,
 * threshold and sentence comes from the panel.
 */

export { applyRules, type RuleContext, type SampleRole } from "./apply.js";
export { ORIGIN_THRESHOLDS } from "./bounds.js";
export { clinvarClassification, reviewStars, significanceMatches } from "./clinvar.js";
export { normalizeHgvsp } from "./evaluate.js";
export { inferOrigin, type Origin, type OriginInput } from "./origin.js";
export { type SummarizeContext, summarizeSample } from "./summary.js";
