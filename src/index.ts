/**
 * marrowscope — aplastic-anemia treatment-resistance annotations from VCF files.
 * Browser-safe entry: no `node:` imports. Research use only; not a diagnosis.
 */
import { annotateWith, streamFindingsWith } from "./annotate.js";
import type { Variant } from "./model.js";
import type { AnnotateOptions, ReadOptions } from "./options.js";
import { browserResolvers, readVariantsWith, type ValidateOptions, type ValidationResult, validateEntry } from "./read.js";
import type { Finding, Report } from "./report/schema.js";
import type { VcfInput } from "./vcf/input.js";

/**
 * Reads a VCF and returns the validated report (schema v1).
 * @throws MarrowscopeError E_OPTIONS, E_INPUT, E_VCF_HEADER, E_VCF_RECORD, E_ASSEMBLY, E_SAMPLE, E_ABORTED
 */
export function annotate(input: VcfInput, options?: AnnotateOptions): Promise<Report> {
  return annotateWith(input, options, browserResolvers);
}

/**
 * Streams first-pass findings as they are found (no two-hit logic, no summary: see `annotate`).
 * @throws MarrowscopeError as `annotate`
 */
export function streamFindings(input: VcfInput, options?: AnnotateOptions): AsyncIterable<Finding> {
  return streamFindingsWith(input, options, browserResolvers);
}

/**
 * Streams every variant (one per ALT, calls per sample, the file's own annotation parsed).
 * @throws MarrowscopeError E_OPTIONS, E_INPUT, E_VCF_HEADER, E_VCF_RECORD, E_SAMPLE
 */
export function readVariants(input: VcfInput, options?: ReadOptions): AsyncIterable<Variant> {
  return readVariantsWith(input, options, browserResolvers);
}

/**
 * Parses every record fully and returns counts; throws at the first problem in strict mode.
 * `strictSpec: true` reports every spec violation, not the first of each kind, with counts in
 * `problems` (docs/input.md).
 * @throws MarrowscopeError E_INPUT, E_VCF_HEADER, E_VCF_RECORD
 */
export function validate(input: VcfInput, options?: ValidateOptions): Promise<ValidationResult> {
  return validateEntry(input, options, browserResolvers);
}

export {
  type Alert,
  type Comparison,
  compareTimepoints,
  comparisonMarkdown,
  type TimepointValue,
  type Trajectory,
  type Trend,
} from "./compare.js";
export { type ErrorCode, isMarrowscopeError, type Location, MarrowscopeError, type Warning } from "./errors.js";
export { loadGeneTables } from "./genes/index.js";
export { indexPanel, matchVariant } from "./match.js";
export type { Assembly, Consequence, Hit, Region, SampleCall, Variant, VariantKind, Zygosity } from "./model.js";
export type { AnnotateOptions, Progress, ReadOptions } from "./options.js";
export { builtinPanel, loadPanel, type Panel } from "./panel/index.js";
export type { ValidateOptions, ValidationResult } from "./read.js";
export { htmlChunks, markdownChunks, toHTML, toMarkdown } from "./report/clinician.js";
export { jsonChunks, ndjsonChunks, toJSON, toNDJSON, toTSV, tsvChunks } from "./report/emit.js";
export { type FhirOptions, type FhirResource, toFHIR, toFHIRBundle } from "./report/fhir.js";
export { AA_DISEASE, type PhenopacketOptions, toPhenopacket, toPhenopackets } from "./report/phenopacket.js";
export { DISCLAIMER, type Finding, FindingSchema, type Report, ReportSchema, type SampleSummary } from "./report/schema.js";
export { comparisonHtml } from "./report/trajectory-html.js";
export { toVCF, VCF_FIELDS, type VcfOptions, vcfChunks } from "./report/vcf.js";
export { applyRules } from "./rules/index.js";
export { panelJsonSchema, reportJsonSchema } from "./schemas.js";
export type { Filehandle, VcfInput } from "./vcf/input.js";
export { vcfLines } from "./vcf/input-lines.js";
