/**
 * Serial samples of one patient (issue 22): findings matched across time points by sample and
 * variant, each with its VAF trajectory, and each step called:
 * - `new` / `lost`: present only after / only before;
 * - `growing` / `shrinking`: the VAF changed beyond chance at the reads' depth. A two-sided
 *   two-proportion z-test on alt/depth at each point, |z| ≥ 2.58 (p < 0.01). No clinical
 *   "significant growth" size is applied: the literature gives none for AA clones;
 * - `stable`: neither.
 * Alerts: a new high-risk clone (HIGH_RISK_CLONE: TP53, RUNX1, splicing factors, −7) and an
 * adverse clone that grows (ADVERSE_PROGNOSIS or CLONAL_EVOLUTION_RISK). Browser-safe: pure over
 * reports.
 */
import { markdownText } from "./report/clinician.js";
import type { Finding, Report } from "./report/schema.js";
import { DISCLAIMER } from "./report/schema.js";

export type Trend = "new" | "lost" | "growing" | "shrinking" | "stable" | "absent";

export interface TimepointValue {
  readonly label: string;
  /** Whether the finding is there at this point (an SV or sites-only call may have no VAF). */
  readonly present: boolean;
  readonly vaf?: number;
  readonly altDepth?: number;
  readonly depth?: number;
}

export interface Trajectory {
  readonly sample: string;
  readonly gene: string;
  readonly variant: string;
  readonly classification: string;
  readonly codes: readonly string[];
  readonly points: readonly TimepointValue[];
  /** One per step between consecutive points. */
  readonly steps: readonly Trend[];
  /** The last step's trend, the headline. */
  readonly trend: Trend;
}

export interface Comparison {
  readonly disclaimer: string;
  readonly labels: readonly string[];
  readonly trajectories: readonly Trajectory[];
  readonly alerts: readonly {
    readonly kind: "new-high-risk" | "adverse-growing";
    readonly gene: string;
    readonly variant: string;
    readonly statement: string;
  }[];
}

/** |z| at or above this is a change beyond chance (two-sided p < 0.01). */
const Z_CRITICAL = 2.58;
const ADVERSE = new Set(["ADVERSE_PROGNOSIS", "CLONAL_EVOLUTION_RISK"]);

/** Two-proportion z statistic of alt/depth counts (0 when a depth is missing or both are 0 or 1). */
export function zOf(a: { alt: number; depth: number }, b: { alt: number; depth: number }): number {
  if (a.depth <= 0 || b.depth <= 0) return 0;
  const p1 = a.alt / a.depth;
  const p2 = b.alt / b.depth;
  const pooled = (a.alt + b.alt) / (a.depth + b.depth);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.depth + 1 / b.depth));
  return se === 0 ? 0 : (p2 - p1) / se;
}

function step(a: TimepointValue, b: TimepointValue): Trend {
  if (!a.present && !b.present) return "absent";
  if (!a.present) return "new";
  if (!b.present) return "lost";
  if (a.altDepth === undefined || a.depth === undefined || b.altDepth === undefined || b.depth === undefined) return "stable";
  const z = zOf({ alt: a.altDepth, depth: a.depth }, { alt: b.altDepth, depth: b.depth });
  return z >= Z_CRITICAL ? "growing" : z <= -Z_CRITICAL ? "shrinking" : "stable";
}

/** Compares reports of the same patient in time order (labels name the points). */
export function compareTimepoints(reports: readonly Report[], labels?: readonly string[]): Comparison {
  const names = reports.map((r, i) => labels?.[i] ?? r.input.name);
  // Findings by sample and variant, first seen order.
  const keys: string[] = [];
  const byKey = new Map<string, (Finding | undefined)[]>();
  reports.forEach((report, t) => {
    for (const sample of report.samples) {
      for (const f of sample.findings) {
        const key = `${sample.name}\u0000${f.variant.key}\u0000${f.gene.symbol}`;
        let row = byKey.get(key);
        if (!row) {
          row = new Array(reports.length).fill(undefined);
          byKey.set(key, row);
          keys.push(key);
        }
        row[t] = f;
      }
    }
  });
  const trajectories: Trajectory[] = keys.map((key) => {
    const row = byKey.get(key)!;
    const any = row.find((f) => f !== undefined)!;
    const last = [...row].reverse().find((f) => f !== undefined)!;
    const points: TimepointValue[] = row.map((f, t) => ({
      label: names[t]!,
      present: f !== undefined,
      ...(f?.call?.vaf !== undefined ? { vaf: f.call.vaf } : {}),
      ...(f?.call?.altDepth !== undefined ? { altDepth: f.call.altDepth } : {}),
      ...(f?.call?.depth !== undefined ? { depth: f.call.depth } : {}),
    }));
    const steps = points.slice(1).map((p, k) => step(points[k]!, p));
    return {
      sample: key.split("\u0000")[0]!,
      gene: any.gene.symbol,
      variant: any.variant.key,
      classification: last.classification,
      codes: [...new Set(row.flatMap((f) => (f ? f.implications.map((i) => i.code) : [])))],
      points,
      steps,
      trend: steps.at(-1) ?? "stable",
    };
  });
  const alerts: Comparison["alerts"][number][] = [];
  for (const t of trajectories) {
    if (t.trend === "new" && t.codes.includes("HIGH_RISK_CLONE")) {
      alerts.push({
        kind: "new-high-risk",
        gene: t.gene,
        variant: t.variant,
        statement: `New high-risk clone (${t.gene}) at ${t.points.at(-1)!.label}.`,
      });
    }
    if (t.trend === "growing" && t.codes.some((c) => ADVERSE.has(c))) {
      alerts.push({
        kind: "adverse-growing",
        gene: t.gene,
        variant: t.variant,
        statement: `${t.gene} clone with an adverse association is growing.`,
      });
    }
  }
  return { disclaimer: DISCLAIMER, labels: names, trajectories, alerts };
}

/** The comparison as Markdown: alerts, then a row per finding with its VAF at each point. */
export function comparisonMarkdown(c: Comparison): string {
  const esc = markdownText;
  const head = `| Gene | Variant | ${c.labels.map(esc).join(" | ")} | Trend |\n|---|---|${c.labels.map(() => "---|").join("")}---|`;
  const rows = c.trajectories.map(
    (t) =>
      `| ${esc(t.gene)} | ${esc(t.variant)} | ${t.points.map((p) => (!p.present ? "–" : p.vaf === undefined ? "present" : `${(p.vaf * 100).toFixed(1)}%`)).join(" | ")} | **${t.trend}** |`,
  );
  const alerts = c.alerts.length === 0 ? "- None." : c.alerts.map((a) => `- ${esc(a.statement)}`).join("\n");
  return `# Serial samples\n\n**${DISCLAIMER}**\n\n## Alerts\n\n${alerts}\n\n## Clones over time\n\n${head}\n${rows.join("\n")}\n\nGrowing/shrinking: a two-proportion test on the reads (p < 0.01); no clinical size threshold is applied.\n`;
}
