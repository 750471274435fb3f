/**
 * Assembles the report in the schema's key order and validates it: a report that fails its
 * own schema is a bug in marrowscope, never something to hand to a consumer.
 */
import type { Warning } from "../errors.js";
import type { Panel } from "../panel/index.js";
import { VERSION } from "../version.js";
import { DISCLAIMER, type Report, ReportSchema, type SampleReport } from "./schema.js";

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
  const checked = ReportSchema.safeParse(report);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(`internal error: report fails its schema at ${issue.path.join(".")}: ${issue.message}`);
  }
  return report;
}
