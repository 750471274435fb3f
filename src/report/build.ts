/**
 * Assembles the report in the schema's key order and validates it: a report that fails its
 * own schema is a bug in marrowscope, never something to hand to a consumer.
 */
import type { Warning } from "../errors.js";
import type { Panel } from "../panel/index.js";
import { VERSION } from "../version.js";
import { DISCLAIMER, FindingSchema, type Report, ReportSchema, type SampleReport, SampleReportSchema } from "./schema.js";

/**
 * Findings validated one by one at run time, per report. Real samples give a handful to a few
 * hundred; a synthetic panel-dense genome gives tens of thousands, where zod's copy of every
 * finding cost ~0.3 s and doubled the heap (measured on the 200k-record bench case). Findings
 * are built from typed code, and the tests validate every report they make in full.
 */
export const FINDINGS_VALIDATED = 1000;

export interface ReportParts {
  readonly panel: Panel;
  readonly input: Report["input"];
  /** The samples in report order; an iterable is read once, one sample at a time. */
  readonly samples: Iterable<SampleReport>;
  readonly warnings: readonly Warning[];
}

/**
 * A report whose samples are made one at a time as a writer reaches them (read it once): a
 * many-sample file then holds one sample's findings at a time instead of every sample's. The
 * emitters take it as they take a Report.
 */
export type ReportStream = Omit<Report, "samples"> & { readonly samples: Iterable<SampleReport> };

export function buildReport(parts: ReportParts): Report {
  const stream = buildReportStream(parts);
  return { ...stream, samples: [...stream.samples] };
}

/**
 * The report in the schema's key order, validated as it goes: its header and warnings at once,
 * then each sample (without its findings) and findings up to the budget as the sample is made,
 * each at its own path.
 */
export function buildReportStream(parts: ReportParts): ReportStream {
  const head: Report = {
    schemaVersion: 1,
    tool: { name: "marrowscope", version: VERSION },
    panel: { id: parts.panel.id, version: parts.panel.version, sha256: parts.panel.sha256 },
    input: parts.input,
    samples: [],
    warnings: parts.warnings.map((w) => ({ code: w.code, message: w.message, location: { ...w.location } })),
    disclaimer: DISCLAIMER,
  };
  check(ReportSchema.safeParse(head), []);
  return { ...head, samples: checked(parts.samples) };
}

function* checked(samples: Iterable<SampleReport>): Generator<SampleReport> {
  let budget = FINDINGS_VALIDATED;
  let s = 0;
  for (const sample of samples) {
    check(SampleReportSchema.safeParse({ ...sample, findings: [] }), ["samples", s]);
    for (let f = 0; f < sample.findings.length && budget > 0; f++, budget--) {
      check(FindingSchema.safeParse(sample.findings[f]), ["samples", s, "findings", f]);
    }
    yield sample;
    s++;
  }
}

function check(result: { success: boolean; error?: { issues: readonly { path: PropertyKey[]; message: string }[] } }, at: PropertyKey[]) {
  if (result.success) return;
  const issue = result.error?.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join(".");
  throw new Error(`internal error: report fails its schema at ${path}: ${issue?.message ?? "invalid"}`);
}
