/**
 * The patient context a run may be given (`options.context`, CLI `--context FILE`): facts about
 * the patient that are not in the VCF. Only the shape and its bounds live here; what each value
 * means for a finding or a summary is panel data (rule and summary-rule `context` conditions).
 * Browser-safe: zod only.
 */
import { z } from "zod";
import { MarrowscopeError } from "./errors.js";

/** Prior treatments, as the context names them. */
export const PriorTherapySchema = z.enum(["hatg", "ratg", "cyclosporine", "eltrombopag", "romiplostim", "hsct", "androgen"]).meta({
  description:
    "hatg/ratg: horse/rabbit anti-thymocyte globulin; cyclosporine; eltrombopag/romiplostim: thrombopoietin-receptor agonists; hsct: haematopoietic stem-cell transplant; androgen",
});

/** The donor a transplant is planned with. */
export const PlannedDonorSchema = z.enum(["matched-sibling", "matched-unrelated", "haploidentical", "cord", "none"]);

export const PatientContextSchema = z
  .strictObject({
    age: z.number().min(0).max(130).optional().meta({ description: "Age in years (0-130)" }),
    sex: z.enum(["male", "female"]).optional().meta({ description: "Replaces options.sex (an error when both are given and differ)" }),
    telomereLengthPercentile: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: "Lymphocyte telomere length percentile for age (flow-FISH), 0-100" }),
    pnhCloneSize: z.number().min(0).max(1).optional().meta({ description: "PNH clone size as a fraction of granulocytes, 0-1" }),
    priorTherapy: z.array(PriorTherapySchema).optional().meta({ description: "Treatments given before this sample" }),
    plannedDonor: PlannedDonorSchema.optional(),
  })
  .meta({ description: "Patient context given with the run (every field optional); echoed in the report as given" });

export type PatientContext = z.output<typeof PatientContextSchema>;
export type PriorTherapy = z.output<typeof PriorTherapySchema>;
export type PlannedDonor = z.output<typeof PlannedDonorSchema>;

/** Where in its file a field of the context was written (a YAML file knows; JSON.parse does not). */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/**
 * Checks a patient context. `file` names where it came from (a `--context` file); without it
 * the fields are named as options (`options.context.age`).
 * @throws MarrowscopeError E_OPTIONS naming the file (and line, when `lineOf` knows it) and the field
 */
export function parseContext(value: unknown, file?: string, lineOf?: LineOf): PatientContext {
  const result = PatientContextSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named by its own path, not its parent's.
  const path: PropertyKey[] = issue.code === "unrecognized_keys" && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.map(String).join(".");
  const detail =
    issue.code === "unrecognized_keys"
      ? `unknown context field ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (expected: ${Object.keys(PatientContextSchema.shape).join(", ")})`
      : issue.message;
  if (file === undefined) {
    throw new MarrowscopeError("E_OPTIONS", detail, { field: field ? `options.context.${field}` : "options.context" });
  }
  const line = lineOf?.(path);
  throw new MarrowscopeError("E_OPTIONS", detail, { file, ...(line !== undefined ? { line } : {}), field: field || "context" });
}

/**
 * The sex a run uses: the context's, else the option's.
 * @throws MarrowscopeError E_OPTIONS when both are given and differ
 */
export function effectiveSex(sex: "male" | "female" | undefined, context: PatientContext | undefined): "male" | "female" | undefined {
  const fromContext = context?.sex;
  if (fromContext !== undefined && sex !== undefined && fromContext !== sex) {
    throw new MarrowscopeError(
      "E_OPTIONS",
      `options.sex is ${JSON.stringify(sex)} but the patient context says ${JSON.stringify(fromContext)}`,
      {
        field: "options.context.sex",
      },
    );
  }
  return fromContext ?? sex;
}
