/**
 * Node entry (the "node" export condition): everything in the browser entry, plus path
 * strings as inputs. A plain string is always a file path; wrap VCF text as `{ text }`.
 */
import { annotateWith, streamFindingsWith } from "./annotate.js";
import type { Variant } from "./model.js";
import { nodeResolvers } from "./node-resolvers.js";
import type { AnnotateOptions, ReadOptions } from "./options.js";
import { readVariantsWith, type ValidateOptions, type ValidationResult, validateEntry } from "./read.js";
import type { Finding, Report } from "./report/schema.js";
import type { NodeVcfInput } from "./vcf/node-input.js";

/** As the browser `annotate`, and `input` may be a file path. */
export function annotate(input: NodeVcfInput, options?: AnnotateOptions): Promise<Report> {
  return annotateWith(input, options, nodeResolvers);
}

/** As the browser `streamFindings`, and `input` may be a file path. */
export function streamFindings(input: NodeVcfInput, options?: AnnotateOptions): AsyncIterable<Finding> {
  return streamFindingsWith(input, options, nodeResolvers);
}

/** As the browser `readVariants`, and `input` may be a file path. */
export function readVariants(input: NodeVcfInput, options?: ReadOptions): AsyncIterable<Variant> {
  return readVariantsWith(input, options, nodeResolvers);
}

/** As the browser `validate`, and `input` may be a file path. */
export function validate(input: NodeVcfInput, options?: ValidateOptions): Promise<ValidationResult> {
  return validateEntry(input, options, nodeResolvers);
}

export {
  annotateCohort,
  type CohortEntry,
  type CohortEntryResult,
  type CohortFormat,
  type CohortOptions,
  type CohortResult,
} from "./cohort.js";
export { checkDonor, type DonorCheck, type DonorOptions, type DonorReport, donorMarkdown } from "./donor.js";
export type {
  Alert,
  AnnotateOptions,
  Assembly,
  Comparison,
  Consequence,
  ErrorCode,
  Filehandle,
  Finding,
  Hit,
  Location,
  Panel,
  Progress,
  ReadOptions,
  Region,
  Report,
  SampleCall,
  SampleSummary,
  TimepointValue,
  Trajectory,
  Trend,
  ValidateOptions,
  ValidationResult,
  Variant,
  VariantKind,
  VcfInput,
  Warning,
  Zygosity,
} from "./index.js";
export {
  applyRules,
  builtinPanel,
  compareTimepoints,
  comparisonHtml,
  comparisonMarkdown,
  DISCLAIMER,
  FindingSchema,
  htmlChunks,
  indexPanel,
  isMarrowscopeError,
  jsonChunks,
  loadGeneTables,
  loadPanel,
  MarrowscopeError,
  markdownChunks,
  matchVariant,
  ndjsonChunks,
  panelJsonSchema,
  ReportSchema,
  reportJsonSchema,
  toFHIR,
  toFHIRBundle,
  toHTML,
  toJSON,
  toMarkdown,
  toNDJSON,
  toPhenopacket,
  toPhenopackets,
  toTSV,
  toVCF,
  tsvChunks,
  VCF_FIELDS,
  vcfChunks,
  vcfLines,
} from "./index.js";
export type { NodeVcfInput } from "./vcf/node-input.js";
