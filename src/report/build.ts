/**
 * Assembles the report in the schema's key order and validates it: a report that fails its
 * own schema is a bug in marrowscope, never something to hand to a consumer.
 */
import type { Warning } from "../errors.js";
import type { Panel } from "../panel/index.js";
import { VERSION } from "../version.js";
import { DISCLAIMER, FindingSchema, type Report, ReportSchema, type SampleReport } from "./schema.js";

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
  readonly samples: readonly SampleReport[];
  readonly warnings: readonly Warning[];
}

export function buildReport(parts: ReportParts): Report {
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "marrowscope", version: VERSION },
    panel: { id: parts.panel.id, version: parts.panel.version, sha256: parts.panel.sha256 },
    input: parts.input,
    samples: [...parts.samples],
    warnings: parts.warnings.map((w) => ({ code: w.code, message: w.message, location: { ...w.location } })),
    disclaimer: DISCLAIMER,
  };
  // The report without its findings, then findings up to the budget, each at its own path.
  const shell = { ...report, samples: report.samples.map((sample) => ({ ...sample, findings: [] })) };
  check(ReportSchema.safeParse(shell), []);
  let budget = FINDINGS_VALIDATED;
  report.samples.forEach((sample, s) => {
    for (let f = 0; f < sample.findings.length && budget > 0; f++, budget--) {
      check(FindingSchema.safeParse(sample.findings[f]), ["samples", s, "findings", f]);
    }
  });
  return report;
}

function check(result: { success: boolean; error?: { issues: readonly { path: PropertyKey[]; message: string }[] } }, at: PropertyKey[]) {
  if (result.success) return;
  const issue = result.error?.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join(".");
  throw new Error(`internal error: report fails its schema at ${path}: ${issue?.message ?? "invalid"}`);
}
