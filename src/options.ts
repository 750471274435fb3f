/**
 * The one options object of annotate/streamFindings/readVariants, validated by zod so a typo
 * (`{ stict: false }`) is an E_OPTIONS error rather than a silently ignored key.
 */
import { z } from "zod";
import { PatientContextSchema } from "./context.js";
import { MarrowscopeError, type Warning } from "./errors.js";
import type { Panel } from "./panel/index.js";
import { isReferenceInput, type ReferenceInput } from "./transcripts/reference-input.js";
import type { Filehandle, VcfInput } from "./vcf/input.js";

export interface Progress {
  /** Raw records seen so far. */
  readonly records: number;
  /** Records fully parsed (the prefilter skips the rest). */
  readonly parsed: number;
  /** Raw (compressed) bytes read so far, and the input's size when it is known. */
  readonly bytesRead: number;
  readonly totalBytes?: number;
}

const fn = <T>(name: string) => z.custom<T>((value) => typeof value === "function", { message: `${name} must be a function` });

export const ReadOptionsSchema = z.strictObject({
  samples: z.array(z.string().min(1)).min(1).optional().meta({ description: "Samples to report (default: all, header order)" }),
  strict: z.boolean().default(true).meta({ description: "Stop at the first bad record (default); false skips it with a warning" }),
  maxLineLength: z.number().int().positive().optional(),
  name: z.string().min(1).optional().meta({ description: "Name used for the input in messages and reports" }),
  signal: z.custom<AbortSignal>((v) => typeof v === "object" && v !== null && "aborted" in v).optional(),
  onWarning: fn<(warning: Warning) => void>("onWarning").optional(),
  onProgress: fn<(progress: Progress) => void>("onProgress").optional(),
});

export const AnnotateOptionsSchema = ReadOptionsSchema.extend({
  panel: z
    .custom<Panel>((v) => typeof v === "object" && v !== null && "genes" in v && "sha256" in v, {
      message: "panel must be a loaded Panel (use loadPanel())",
    })
    .optional(),
  assembly: z.enum(["GRCh37", "GRCh38", "auto"]).default("auto"),
  strategy: z.enum(["auto", "index", "scan"]).default("auto"),
  roles: z.record(z.string(), z.enum(["germline", "tumor", "normal"])).optional(),
  origin: z.enum(["germline", "somatic"]).optional().meta({ description: "Declared origin of every variant (wins over inference)" }),
  sex: z.enum(["male", "female"]).optional(),
  minVaf: z.number().min(0).max(1).optional(),
  index: z
    .custom<Filehandle | URL | Blob | string>((v) => v !== null && v !== undefined)
    .optional()
    .meta({ description: "The .tbi/.csi index, when it is not beside the input" }),
  context: PatientContextSchema.optional().meta({
    description: "Patient context (age, sex, telomere length, PNH clone, prior therapy, donor)",
  }),
  targets: z
    .custom<TargetsInput>(isTargetsInput, { message: "targets must be a BED file path (Node), { text }, a Blob or a URL" })
    .optional()
    .meta({ description: "BED of the regions the input was called over (what coverage counts as assessed)" }),
  consequences: z.enum(["file", "builtin", "both"]).default("file").meta({
    description:
      "file: the input's own annotation, and the builtin MANE Select model where the file says nothing about a gene; builtin: the model only; both: the file's, the model's where the file has none, and a warning where the model's class differs",
  }),
  reference: z
    .custom<ReferenceInput>(isReferenceInput, {
      message: "reference must be a FASTA path (Node), a URL, or { fasta, fai, gzi } as Blobs/URLs",
    })
    .optional()
    .meta({
      description:
        "Indexed reference FASTA (.fai; bgzipped with .gzi) of the input's build: bases for every panel gene's consequences and HGVS, and REF checks",
    }),
  scope: z
    .enum(["genome", "exome"])
    .optional()
    .meta({ description: "Declares the input a whole genome or an exome (used for coverage when there are no targets or gVCF blocks)" }),
}).superRefine((options, ctx) => {
  // The context's sex replaces options.sex; two different answers are a mistake, not a choice.
  const fromContext = options.context?.sex;
  if (fromContext !== undefined && options.sex !== undefined && fromContext !== options.sex) {
    ctx.addIssue({
      code: "custom",
      path: ["context", "sex"],
      message: `the patient context says ${JSON.stringify(fromContext)} but options.sex is ${JSON.stringify(options.sex)}`,
    });
  }
});

/** A target BED: a path (Node build only), `{ text }`, a Blob or a URL. */
export type TargetsInput = string | URL | Blob | { readonly text: string; readonly name?: string };

function isTargetsInput(value: unknown): value is TargetsInput {
  if (typeof value === "string") return value.length > 0;
  if (value instanceof URL) return true;
  if (typeof Blob !== "undefined" && value instanceof Blob) return true;
  return typeof value === "object" && value !== null && typeof (value as { text?: unknown }).text === "string";
}

export type ReadOptions = z.input<typeof ReadOptionsSchema>;
export type AnnotateOptions = z.input<typeof AnnotateOptionsSchema>;
export type ParsedAnnotateOptions = z.output<typeof AnnotateOptionsSchema>;

/** @throws MarrowscopeError E_OPTIONS naming the offending key */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join(".");
  const detail =
    issue.code === "unrecognized_keys" ? `unknown option ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` : issue.message;
  throw new MarrowscopeError("E_OPTIONS", detail, { field: path ? `options.${path}` : "options" });
}

export type { VcfInput };
