/**
 * The cohort page (cohort.html): every entry's summary, then a sample × gene grid of the findings
 * (classification, VAF, origin), failed entries with their errors, and links to each entry's
 * report and each patient's trajectory. Self-contained (inline CSS, no script, no network);
 * every value from a report or manifest escaped with markdown-it's escaper, as the clinician
 * report does.
 */
import type { CohortEntryResult } from "./cohort-entry.js";
import { escapeHtml } from "./report/clinician.js";
import { DISCLAIMER, type Finding, type Report } from "./report/schema.js";

/** One patient's trajectory files, and the time points left out because their entry failed. */
export interface TrajectoryFiles {
  readonly patient: string;
  readonly json: string;
  readonly md: string;
  readonly html: string;
  readonly omitted?: readonly { readonly id: string; readonly timepoint: string }[];
}

/** Findings shown per gene in one grid cell; the rest are counted ("+N more"), so the page stays small. */
const CELL_LIMIT = 3;

const CSS = `body{font:10pt/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;margin:0 auto;max-width:300mm;padding:8mm}
h1{font-size:15pt;margin:0 0 4pt}h2{font-size:12pt;margin:12pt 0 4pt;border-bottom:1px solid #999}
table{border-collapse:collapse;font-size:8.5pt;margin:3pt 0}th,td{border:1px solid #bbb;padding:2pt 4pt;text-align:left;vertical-align:top}
th{background:#eee;position:sticky;top:0}td.c{white-space:nowrap}
.disclaimer{border:1px solid #a00;color:#a00;padding:2pt 6pt;display:inline-block;font-weight:bold}
.pathogenic,.likely-pathogenic{background:#f6d5cf}.vus,.uncertain{background:#fff3c4}.adverse,.unfavorable,.high{color:#a00;font-weight:bold}
.failed{color:#a00}@media print{body{padding:0}th{position:static}}`;

const ORIGIN_MARK: Readonly<Record<string, string>> = { germline: "g", somatic: "s", unknown: "?" };

/** One finding in a grid cell: classification, VAF and origin (g germline, s somatic, ? unknown). */
function cell(f: Finding): string {
  const vaf = typeof f.call?.vaf === "number" ? ` ${(f.call.vaf * 100).toFixed(1)}%` : "";
  const origin = Object.hasOwn(ORIGIN_MARK, f.origin.call) ? ORIGIN_MARK[f.origin.call] : "?";
  return `<span class="${escapeHtml(f.classification)}" title="${escapeHtml(f.variant.key)}">${escapeHtml(f.classification)}${vaf} ${origin}</span>`;
}

interface SampleRow {
  readonly summary: string;
  readonly label: string;
  readonly cells: ReadonlyMap<string, string>;
}

/**
 * The page, built one entry at a time so a cohort never holds its reports: each entry leaves its
 * summary rows and a few rendered cells per gene. Deterministic for the same entries in the same order.
 */
export class CohortPage {
  readonly #rows: SampleRow[] = [];
  readonly #genes = new Set<string>();
  readonly #failed: string[] = [];
  #entries = 0;
  #panel: Report["panel"] | undefined;

  /** Adds an entry: its report (undefined when it failed) and the link to its own report. */
  add(id: string, file: string, result: CohortEntryResult, report: Report | undefined, href: string): void {
    this.#entries++;
    if (!report) {
      this.#failed.push(`<li><strong>${escapeHtml(id)}</strong> (${escapeHtml(file)}): ${escapeHtml(result.error ?? "")}</li>\n`);
      return;
    }
    this.#panel ??= typeof report.panel?.sha256 === "string" ? report.panel : undefined;
    for (const sample of report.samples) {
      const s = sample.summary;
      const byGene = new Map<string, Finding[]>();
      for (const f of sample.findings) {
        this.#genes.add(f.gene.symbol);
        const list = byGene.get(f.gene.symbol);
        if (list) list.push(f);
        else byGene.set(f.gene.symbol, [f]);
      }
      const cells = new Map<string, string>();
      for (const [gene, list] of byGene) {
        const more = list.length > CELL_LIMIT ? `<br>+${list.length - CELL_LIMIT} more` : "";
        cells.set(gene, list.slice(0, CELL_LIMIT).map(cell).join("<br>") + more);
      }
      this.#rows.push({
        summary: `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(id)}</a></td><td>${escapeHtml(sample.name)}</td><td>${escapeHtml(sample.role)}</td><td class="${escapeHtml(s.istResponse)}">${escapeHtml(s.istResponse)}</td><td class="${escapeHtml(s.clonalEvolutionRisk)}">${escapeHtml(s.clonalEvolutionRisk)}</td><td>${escapeHtml(s.inheritedDisorder)}</td><td>${sample.findings.length}</td></tr>\n`,
        label: `<td>${escapeHtml(id)}</td><td>${escapeHtml(sample.name)}</td>`,
        cells,
      });
    }
  }

  /** The whole page, with links to the patients' trajectories. */
  html(trajectories: readonly TrajectoryFiles[]): string {
    const genes = [...this.#genes].sort();
    const out: string[] = [];
    out.push(
      `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>marrowscope cohort</title>\n<style>${CSS}</style>\n</head>\n<body>\n`,
      `<h1>Cohort: ${this.#entries} entries, ${this.#rows.length} samples</h1>\n<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p>\n`,
    );
    const panel = this.#panel;
    if (panel)
      out.push(`<p>Panel ${escapeHtml(panel.id)} ${escapeHtml(panel.version)} (sha256 ${escapeHtml(panel.sha256.slice(0, 12))}…).</p>\n`);
    out.push(
      "<h2>Summary</h2>\n<table>\n<thead><tr><th>Entry</th><th>Sample</th><th>Role</th><th>IST response</th><th>Clonal evolution risk</th><th>Inherited disorder</th><th>Findings</th></tr></thead>\n<tbody>\n",
      ...this.#rows.map((r) => r.summary),
      "</tbody>\n</table>\n<h2>Findings by gene</h2>\n",
    );
    if (genes.length === 0) out.push("<p>No finding in any sample.</p>\n");
    else {
      out.push(
        `<p>Each cell: classification, VAF, origin (g germline, s somatic, ? unknown), at most ${CELL_LIMIT} per gene; hover for the variant. The entry's report has them all.</p>\n<table>\n<thead><tr><th>Entry</th><th>Sample</th>${genes.map((g) => `<th>${escapeHtml(g)}</th>`).join("")}</tr></thead>\n<tbody>\n`,
        ...this.#rows.map((r) => `<tr>${r.label}${genes.map((g) => `<td class="c">${r.cells.get(g) ?? ""}</td>`).join("")}</tr>\n`),
        "</tbody>\n</table>\n",
      );
    }
    if (trajectories.length > 0) {
      out.push("<h2>Serial samples</h2>\n<ul>\n");
      for (const t of trajectories) {
        out.push(
          `<li>${escapeHtml(t.patient)}: <a href="${escapeHtml(t.html)}">trajectory</a> (<a href="${escapeHtml(t.md)}">Markdown</a>, <a href="${escapeHtml(t.json)}">JSON</a>)${t.omitted ? `; left out, their entry failed: ${t.omitted.map((o) => escapeHtml(o.timepoint)).join(", ")}` : ""}</li>\n`,
        );
      }
      out.push("</ul>\n");
    }
    if (this.#failed.length > 0) out.push(`<h2 class="failed">Failed (${this.#failed.length})</h2>\n<ul>\n`, ...this.#failed, "</ul>\n");
    out.push(`<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p>\n</body>\n</html>\n`);
    return out.join("");
  }
}
