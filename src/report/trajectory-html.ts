/**
 * The serial-samples report as one self-contained HTML file (issue 22): the Markdown of
 * `comparisonMarkdown` rendered by markdown-it with raw HTML off, with a VAF-over-time plot (inline
 * SVG) before the table of values. Inline CSS, no script, no network, A4 print.
 *
 * The plot draws only what the files say. A point where the finding was not called, or was called
 * without a VAF, is a gap, not a 0: a variants-only file cannot tell "VAF 0" from "not covered".
 * Every value from the input (labels, sample names, variant keys, gene symbols) is escaped with
 * markdown-it's escaper, in text and in double-quoted attributes alike. Deterministic: no dates,
 * coordinates rounded to 0.1, the comparison's order.
 */
import MarkdownIt from "markdown-it";
import { type Comparison, comparisonMarkdown, pointText, riskOf, type Trajectory } from "../compare.js";
import { escapeHtml } from "./clinician.js";
import { DISCLAIMER } from "./schema.js";

/** The plot's size and margins in SVG user units (the plotting area is what the margins leave). */
export const TRAJECTORY_PLOT = { width: 640, height: 280, left: 52, right: 36, top: 22, bottom: 40 } as const;

/** Most clones drawn (high-risk first, then adverse, then the rest); the table has all. */
const MAX_PLOTTED = 12;

/** Okabe–Ito colours (told apart with colour-vision deficiency); each clone also has a number. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"] as const;

const CSS = `@page{size:A4;margin:14mm}
body{font:10.5pt/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;margin:0 auto;max-width:190mm;padding:8mm}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12.5pt;margin:12pt 0 4pt;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;font-size:9pt;margin:3pt 0}th,td{border:1px solid #bbb;padding:2pt 4pt;text-align:left;vertical-align:top}
th{background:#eee}ul{margin:3pt 0;padding-left:16pt}p{margin:4pt 0}
.disclaimer{border:1px solid #a00;color:#a00;padding:2pt 6pt;display:inline-block;font-weight:bold}
ul.alerts li{color:#a00;font-weight:bold}
figure{margin:6pt 0;break-inside:avoid;page-break-inside:avoid}svg.plot{display:block;width:100%;max-width:160mm;height:auto}
figcaption ol{margin:3pt 0;padding-left:18pt;font-size:9pt}figcaption p{font-size:9pt;color:#333}
.swatch{vertical-align:middle;margin-right:4pt}.risk{font-weight:bold;color:#a00}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}@media print{body{padding:0}}`;

/** A number for SVG: rounded to 0.1, so the same input gives the same bytes on any platform. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Text cut to `max` characters with an ellipsis (before escaping, so no entity is cut). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

interface Plotted {
  readonly number: number;
  readonly colour: string;
  readonly risk: ReturnType<typeof riskOf>;
  readonly t: Trajectory;
}

/** The clones to draw: those with a VAF at some point, the marked ones first. */
function plotted(c: Comparison): { shown: Plotted[]; left: number } {
  const rank = (t: Trajectory) => {
    const risk = riskOf(t);
    return risk === "high-risk" ? 0 : risk === "adverse" ? 1 : 2;
  };
  const withVaf = c.trajectories.filter((t) => t.points.some((p) => p.present && p.vaf !== undefined));
  // The marked ones win the room; the chosen are then numbered in table order.
  const kept = new Set([...withVaf].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_PLOTTED));
  const chosen = withVaf.filter((t) => kept.has(t));
  const shown = chosen.map((t, i) => ({ number: i + 1, colour: PALETTE[i % PALETTE.length]!, risk: riskOf(t), t }));
  return { shown, left: withVaf.length - shown.length };
}

/** The top of the VAF axis: the largest VAF drawn rounded up to 10%, at least 10%, at most 100%. */
function vafAxisTop(vafs: readonly number[]): number {
  const max = Math.max(0, ...vafs.map((v) => Math.min(Math.max(v, 0), 1)));
  return Math.min(1, Math.max(1, Math.ceil(Math.round(max * 1000) / 100)) / 10);
}

/** The SVG plot: a polyline per run of consecutive points with a VAF, a marker per point. */
function plotSvg(c: Comparison, shown: readonly Plotted[]): string {
  const { width, height, left, right, top, bottom } = TRAJECTORY_PLOT;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const count = c.labels.length;
  const x = (t: number) => left + (count === 1 ? plotW / 2 : (t * plotW) / (count - 1));
  const vafs = shown.flatMap((s) => s.t.points.flatMap((p) => (p.present && p.vaf !== undefined ? [p.vaf] : [])));
  const axisTop = vafAxisTop(vafs);
  const y = (vaf: number) => top + plotH * (1 - Math.min(Math.max(vaf, 0), axisTop) / axisTop);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="trajectory-title trajectory-desc">`,
    `<title id="trajectory-title">Variant allele fraction over time</title>`,
    `<desc id="trajectory-desc">${escapeHtml(
      `VAF of ${shown.length} clone(s) at ${count} time point(s): ${c.labels.join(", ")}. The values are in the table below the plot.`,
    )}</desc>`,
  );
  // The VAF axis: ticks every 10% (every 5% up to 30%).
  const tick = axisTop > 0.3 ? 0.1 : 0.05;
  for (let k = 0; k * tick <= axisTop + 1e-9; k++) {
    const v = k * tick;
    out.push(
      `<line x1="${left}" y1="${n(y(v))}" x2="${width - right}" y2="${n(y(v))}" stroke="${k === 0 ? "#666" : "#ddd"}" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${n(y(v) + 3)}" font-size="9" text-anchor="end">${Math.round(v * 100)}%</text>`,
    );
  }
  out.push(`<text x="${left - 6}" y="${top - 10}" font-size="9" font-weight="bold" text-anchor="end">VAF</text>`);
  // The time axis: a label per point, cut to the room between points.
  const room = count === 1 ? plotW : plotW / (count - 1);
  const chars = Math.max(6, Math.min(28, Math.floor(room / 6)));
  c.labels.forEach((label, t) => {
    const anchor = count === 1 ? "middle" : t === 0 ? "start" : t === count - 1 ? "end" : "middle";
    out.push(
      `<line x1="${n(x(t))}" y1="${top + plotH}" x2="${n(x(t))}" y2="${top + plotH + 4}" stroke="#666" stroke-width="1"/>`,
      `<text x="${n(x(t))}" y="${top + plotH + 16}" font-size="9" text-anchor="${anchor}">${escapeHtml(clip(label, chars))}</text>`,
    );
  });
  for (const s of shown) {
    const marked = s.risk !== undefined;
    const attrs = `data-number="${s.number}" data-gene="${escapeHtml(s.t.gene)}" data-variant="${escapeHtml(s.t.variant)}" data-trend="${escapeHtml(s.t.trend)}"${marked ? ` data-risk="${s.risk}"` : ""}`;
    out.push(`<g class="clone" ${attrs}>`);
    // Runs of consecutive points with a VAF; anything else (not called, no VAF) breaks the line.
    const runs: { x: number; y: number }[][] = [[]];
    s.t.points.forEach((p, t) => {
      if (p.present && p.vaf !== undefined) runs.at(-1)!.push({ x: x(t), y: y(p.vaf) });
      else if (runs.at(-1)!.length > 0) runs.push([]);
    });
    for (const run of runs.filter((r) => r.length > 1)) {
      out.push(
        `<polyline points="${run.map((p) => `${n(p.x)},${n(p.y)}`).join(" ")}" fill="none" stroke="${s.colour}" stroke-width="${marked ? 3 : 1.5}" stroke-linejoin="round"/>`,
      );
    }
    let lastDrawn: { x: number; y: number } | undefined;
    s.t.points.forEach((p, t) => {
      if (!p.present || p.vaf === undefined) return;
      lastDrawn = { x: x(t), y: y(p.vaf) };
      const tip = `${s.t.gene} ${s.t.variant} at ${p.label}: ${pointText(p)}`;
      out.push(
        `<circle cx="${n(lastDrawn.x)}" cy="${n(lastDrawn.y)}" r="${marked ? 4.5 : 3}" fill="${s.colour}"${marked ? ` stroke="#000" stroke-width="1.5"` : ""}><title>${escapeHtml(tip)}</title></circle>`,
      );
    });
    if (lastDrawn) {
      out.push(
        `<text x="${n(lastDrawn.x + 7)}" y="${n(lastDrawn.y + 3)}" font-size="9" font-weight="bold" fill="${s.colour}">${s.number}</text>`,
      );
    }
    out.push("</g>");
  }
  out.push("</svg>");
  return out.join("\n");
}

/** A legend entry's swatch: the clone's line and marker as drawn. */
function swatch(s: Plotted): string {
  const marked = s.risk !== undefined;
  return `<svg class="swatch" width="28" height="10" viewBox="0 0 28 10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="${s.colour}" stroke-width="${marked ? 3 : 1.5}"/><circle cx="14" cy="5" r="${marked ? 4 : 3}" fill="${s.colour}"${marked ? ` stroke="#000" stroke-width="1.5"` : ""}/></svg>`;
}

/** The plot with its legend and its reading notes, or a sentence when nothing has a VAF. */
function figure(c: Comparison): string {
  const { shown, left } = plotted(c);
  if (shown.length === 0) {
    return c.trajectories.length === 0 ? "" : "<p>No finding has a VAF at any time point: nothing to plot; the table has them.</p>\n";
  }
  const legend = shown
    .map(
      (s) =>
        `<li value="${s.number}">${swatch(s)}<strong>${escapeHtml(s.t.gene)}</strong> ${escapeHtml(s.t.variant)}: ${escapeHtml(s.t.trend)}${s.risk ? ` <span class="risk">(${s.risk})</span>` : ""}</li>`,
    )
    .join("\n");
  const notes = [
    "A gap or a missing point: the finding was not called at that time point, or was called without a VAF. A variants-only file cannot tell that from a site that was not covered, so no VAF of 0 is drawn.",
    "Thick line, ringed marker: a high-risk clone (the panel's HIGH_RISK_CLONE) or one with an adverse association (ADVERSE_PROGNOSIS, CLONAL_EVOLUTION_RISK).",
  ];
  const notPlotted = c.trajectories.length - shown.length - left;
  if (notPlotted > 0) notes.push(`${notPlotted} finding(s) without a VAF (e.g. a copy-number call) are in the table only.`);
  if (left > 0) notes.push(`${left} more clone(s) with a VAF are in the table only.`);
  return `<figure>\n${plotSvg(c, shown)}\n<figcaption>\n<ol>\n${legend}\n</ol>\n${notes.map((t) => `<p>${escapeHtml(t)}</p>`).join("\n")}\n</figcaption>\n</figure>\n`;
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/**
 * The serial-samples comparison as one self-contained HTML page: the disclaimer, the alerts, a
 * VAF-over-time plot (inline SVG, one line per clone, gaps where the data say nothing) with its
 * legend, and the table of values. No script, no network; prints on A4; deterministic.
 */
export function comparisonHtml(c: Comparison): string {
  let body = markdown.render(comparisonMarkdown(c));
  // Function replacements: a `$` in a label must not be read as a replacement pattern.
  body = body.replace(`<p><strong>${escapeHtml(DISCLAIMER)}</strong></p>`, () => `<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p>`);
  if (c.alerts.length > 0) body = body.replace("<h2>Alerts</h2>\n<ul>", () => `<h2>Alerts</h2>\n<ul class="alerts">`);
  body = body.replace("<h2>Clones over time</h2>\n", () => `<h2>Clones over time</h2>\n${figure(c)}`);
  const title = `marrowscope serial samples: ${c.labels.join(" → ")}`;
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n${body}</main>\n</body>\n</html>\n`;
}
