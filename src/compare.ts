/**
 * Serial samples of one patient (issue 22): findings matched across time points by sample and
 * variant, each with its VAF trajectory, and each step called:
 * - `new` / `lost`: present only after / only before;
 * - `growing` / `shrinking`: the VAF changed beyond chance at the reads' depth. A two-sided
 *   two-proportion z-test on alt/depth at each point, |z| ≥ 2.58 (p < 0.01). No clinical
 *   "significant growth" size is applied: the literature gives none for AA clones;
 * - `stable`: neither.
 * Alerts, at every step (not only the last): a clone that appears with the panel's HIGH_RISK_CLONE
 * code, and a clone with an adverse code (ADVERSE_PROGNOSIS or CLONAL_EVOLUTION_RISK) that grows.
 * Which genes and events count is the panel's data, not a list here: today HIGH_RISK_CLONE is on
 * somatic/unknown-origin TP53, RUNX1, SRSF2, U2AF1, ZRSR2 and the −7/del(7q) and 17p-loss events,
 * while SF3B1 carries CLONAL_EVOLUTION_RISK only (so it alerts when it grows, not when it appears).
 * Browser-safe: pure over reports.
 */
import { markdownText } from "./report/clinician.js";
import type { Finding, Report } from "./report/schema.js";
import { DISCLAIMER } from "./report/schema.js";

export type Trend = "new" | "lost" | "growing" | "shrinking" | "stable" | "absent";

export interface TimepointValue {
  readonly label: string;
  /**
   * Whether the finding was called at this point (an SV or sites-only call may have no VAF). Not
   * called is not a VAF of 0: a variants-only file cannot tell it from a site that was not covered.
   */
  readonly present: boolean;
  readonly vaf?: number;
  readonly altDepth?: number;
  readonly depth?: number;
}

export interface Trajectory {
  /**
   * The sample. When every report has one sample it is matched whatever its name (a file per time
   * point usually names it after the specimen), and this is its names over the points, distinct,
   * joined by " / ".
   */
  readonly sample: string;
  /** The gene, or for an arm-level event its label (`-7`, `del(7q)`). */
  readonly gene: string;
  /** The variant key where first found (an arm event is matched by its label, not its breakpoints). */
  readonly variant: string;
  readonly classification: string;
  readonly codes: readonly string[];
  readonly points: readonly TimepointValue[];
  /** One per step between consecutive points. */
  readonly steps: readonly Trend[];
  /** The last step's trend, the headline. */
  readonly trend: Trend;
}

export interface Alert {
  readonly kind: "new-high-risk" | "adverse-growing";
  readonly gene: string;
  readonly variant: string;
  /** The time point the alert is about: where the clone appeared, or where its growth was seen. */
  readonly at: string;
  readonly statement: string;
}

export interface Comparison {
  readonly disclaimer: string;
  readonly labels: readonly string[];
  readonly trajectories: readonly Trajectory[];
  /** In time order, then trajectory order. */
  readonly alerts: readonly Alert[];
}

/** |z| at or above this is a change beyond chance (two-sided p < 0.01). */
const Z_CRITICAL = 2.58;
const HIGH_RISK = "HIGH_RISK_CLONE";
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

/** How a trajectory's codes mark it: a high-risk clone, an adverse one, or neither. */
export function riskOf(t: Pick<Trajectory, "codes">): "high-risk" | "adverse" | undefined {
  return t.codes.includes(HIGH_RISK) ? "high-risk" : t.codes.some((c) => ADVERSE.has(c)) ? "adverse" : undefined;
}

/**
 * A point as text: `12.0% (12/100)`, `present (no VAF)`, or `–` when not called. "Not called" is
 * not a VAF of 0: a variants-only file cannot say whether the site was covered.
 */
export function pointText(p: TimepointValue): string {
  if (!p.present) return "–";
  if (p.vaf === undefined) return "present (no VAF)";
  const reads = p.depth !== undefined ? ` (${p.altDepth ?? "?"}/${p.depth})` : "";
  return `${(p.vaf * 100).toFixed(1)}%${reads}`;
}

/** Compares reports of the same patient in time order (labels name the points). */
export function compareTimepoints(reports: readonly Report[], labels?: readonly string[]): Comparison {
  const names = reports.map((r, i) => labels?.[i] ?? r.input.name);
  // One sample per file: the patient at that point, whatever the file calls it. Several
  // (tumour/normal): by name. An arm event by its label, as its breakpoints move between calls.
  const single = reports.every((r) => r.samples.length === 1);
  const keyOf = (sample: string, f: Finding) =>
    `${single ? "" : sample}\u0000${f.event ? `event\u0000${f.event.label}` : f.variant.key}\u0000${f.gene.symbol}`;
  // Findings by sample and variant, first seen order.
  const keys: string[] = [];
  const byKey = new Map<string, (Finding | undefined)[]>();
  reports.forEach((report, t) => {
    for (const sample of report.samples) {
      for (const f of sample.findings) {
        const key = keyOf(sample.name, f);
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
      sample: single ? [...new Set(reports.map((r) => r.samples[0]!.name))].join(" / ") : any.sample,
      gene: any.gene.symbol,
      variant: any.variant.key,
      classification: last.classification,
      codes: [...new Set(row.flatMap((f) => (f ? f.implications.map((i) => i.code) : [])))],
      points,
      steps,
      trend: steps.at(-1) ?? "stable",
    };
  });
  const alerts: Alert[] = [];
  for (let k = 0; k + 1 < names.length; k++) {
    for (const t of trajectories) {
      const [before, after] = [t.points[k]!, t.points[k + 1]!];
      const risk = riskOf(t);
      const what = { gene: t.gene, variant: t.variant, at: after.label };
      if (t.steps[k] === "new" && risk === "high-risk") {
        alerts.push({
          kind: "new-high-risk",
          ...what,
          statement: `New high-risk clone at ${after.label}: ${t.gene} ${t.variant}, ${pointText(after)}; not called at ${before.label}.`,
        });
      }
      // A high-risk clone carries an adverse code too (CLONAL_EVOLUTION_RISK), so it alerts when it grows.
      if (t.steps[k] === "growing" && t.codes.some((c) => ADVERSE.has(c))) {
        alerts.push({
          kind: "adverse-growing",
          ...what,
          statement: `${t.gene} ${t.variant}, a clone with an adverse association, grew from ${pointText(before)} at ${before.label} to ${pointText(after)} at ${after.label}.`,
        });
      }
    }
  }
  return { disclaimer: DISCLAIMER, labels: names, trajectories, alerts };
}

/** The steps of a trajectory, the last (the headline) in bold: `new, **growing**`. */
function stepsText(t: Trajectory): string {
  return [...t.steps.slice(0, -1), `**${t.trend}**`].join(", ");
}

/**
 * The comparison as Markdown: alerts, then a row per finding with its VAF (alt/depth) at each
 * point and its trend per step (a Sample column when the findings come from several samples).
 */
export function comparisonMarkdown(c: Comparison): string {
  const esc = markdownText;
  const bySample = new Set(c.trajectories.map((t) => t.sample)).size > 1;
  const first = bySample ? "| Sample " : "";
  const head = `${first}| Gene | Variant | ${c.labels.map(esc).join(" | ")} | Trend |\n${bySample ? "|---" : ""}|---|---|${c.labels.map(() => "---|").join("")}---|`;
  // pointText is digits, %, parentheses and words only: no Markdown syntax to escape.
  const rows = c.trajectories.map(
    (t) =>
      `${bySample ? `| ${esc(t.sample)} ` : ""}| ${esc(t.gene)} | ${esc(t.variant)} | ${t.points.map(pointText).join(" | ")} | ${stepsText(t)} |`,
  );
  const alerts = c.alerts.length === 0 ? "- None." : c.alerts.map((a) => `- ${esc(a.statement)}`).join("\n");
  const table = c.trajectories.length === 0 ? "No finding at any time point." : `${head}\n${rows.join("\n")}`;
  return `# Serial samples\n\n**${DISCLAIMER}**\n\n## Alerts\n\n${alerts}\n\n## Clones over time\n\n${table}\n\nGrowing/shrinking: a two-proportion test on the reads (p < 0.01); no clinical size threshold is applied. A dash: not called at that point; a variants-only file cannot tell that from a site that was not covered, so it is not read as a VAF of 0.\n`;
}
