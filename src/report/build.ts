/**
 * Assembles the report in the schema's key order and validates it: a report that fails its
 * own schema is a bug in marrowscope, never something to hand to a consumer.
 */
import type { Warning } from "../errors.js";
import type { Panel } from "../panel/index.js";
import { VERSION } from "../version.js";
import {
  DISCLAIMER,
  type Finding,
  FindingSchema,
  type Report,
  ReportSchema,
  type SampleReport,
  SampleReportSchema,
  WarningSchema,
} from "./schema.js";

/**
 * Findings validated one by one at run time, per report. Real samples give a handful to a few
 * hundred; a synthetic panel-dense genome gives tens of thousands, where zod's copy of every
 * finding cost ~0.3 s and doubled the heap (measured on the 200k-record bench case). Findings
 * are built from typed code, and the tests validate every report they make in full.
 */
export const FINDINGS_VALIDATED = 1000;

/** Warnings validated one by one at run time, per report (each time the report is written). */
export const WARNINGS_VALIDATED = 1000;

export interface ReportParts {
  readonly panel: Panel;
  readonly input: Report["input"];
  /** The samples in report order; an iterable is read once, one sample at a time. */
  readonly samples: Iterable<SampleStream>;
  /** May come from disk, as findings may (read each time it is written). */
  readonly warnings: Iterable<Warning>;
}

/** A sample whose findings may be read as they come (from a store on disk) instead of held. */
export type SampleStream = Omit<SampleReport, "findings"> & { readonly findings: Iterable<Finding> };

/**
 * A report whose samples are made one at a time as a writer reaches them (read it once), each
 * with findings that may come from disk: a run then holds one sample's second pass at a time,
 * not every finding. The emitters take it as they take a Report.
 */
export type ReportStream = Omit<Report, "samples" | "warnings"> & {
  readonly samples: Iterable<SampleStream>;
  readonly warnings: Iterable<Report["warnings"][number]>;
};

export function buildReport(parts: ReportParts): Report {
  return toReport(buildReportStream(parts));
}

/** The whole report in memory (reads the stream's samples and their findings). */
export function toReport(stream: ReportStream): Report {
  // Each sample's findings are read before the next sample is made (a store lets a sample go then).
  const samples = Array.from(stream.samples, (sample) => ({ ...sample, findings: [...sample.findings] }));
  return { ...stream, samples: samples as SampleReport[], warnings: [...stream.warnings] };
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
    warnings: [],
    disclaimer: DISCLAIMER,
  };
  check(ReportSchema.safeParse(head), []);
  const { warnings } = parts;
  return {
    ...head,
    samples: checked(parts.samples),
    warnings: { [Symbol.iterator]: () => checkedWarnings(warnings) },
  };
}

/**
 * Warnings as the report writes them, validated one by one up to a budget as findings are: a
 * lenient run over a file of bad records has one per record.
 */
function* checkedWarnings(warnings: Iterable<Warning>): Generator<Report["warnings"][number]> {
  let w = 0;
  for (const warning of warnings) {
    const written = { code: warning.code, message: warning.message, location: { ...warning.location } };
    if (w < WARNINGS_VALIDATED) check(WarningSchema.safeParse(written), ["warnings", w]);
    w++;
    yield written;
  }
}

/**
 * Samples as the report writes them, each validated without its findings; its findings are
 * validated as the writer reads them, up to the report's budget. (Read once more just to be
 * checked, a store's findings came back from disk twice.)
 */
function* checked(samples: Iterable<SampleStream>): Generator<SampleStream> {
  const budget = { left: FINDINGS_VALIDATED };
  let s = 0;
  for (const sample of samples) {
    check(SampleReportSchema.safeParse({ ...sample, findings: [] }), ["samples", s]);
    yield { ...sample, findings: checkedFindings(sample.findings, s, budget) };
    s++;
  }
}

/**
 * A sample's findings, the first of them validated as they are read: as many as the budget had
 * left when they were first read (samples are written one after another), taken from it then.
 */
function checkedFindings(findings: Iterable<Finding>, s: number, budget: { left: number }): Iterable<Finding> {
  let quota: number | undefined;
  return {
    *[Symbol.iterator]() {
      const first = quota === undefined;
      quota ??= budget.left;
      const validate = quota;
      let f = 0;
      try {
        for (const finding of findings) {
          if (f < validate) check(FindingSchema.safeParse(finding), ["samples", s, "findings", f]);
          f++;
          yield finding;
        }
      } finally {
        if (first) budget.left -= Math.min(validate, f);
      }
    },
  };
}

function check(result: { success: boolean; error?: { issues: readonly { path: PropertyKey[]; message: string }[] } }, at: PropertyKey[]) {
  if (result.success) return;
  const issue = result.error?.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join(".");
  throw new Error(`internal error: report fails its schema at ${path}: ${issue?.message ?? "invalid"}`);
}
