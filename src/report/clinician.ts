/**
 * The clinician report: one page per sample that a haematologist reads in two minutes. It has
 * the summary with its reasons, what published practice considers next, findings by origin, and
 * what was not assessed. Markdown (`toMarkdown`) and one self-contained HTML file (`toHTML`: inline
 * CSS, no script, no network, A4 print).
 *
 * Every value from the input or the panel is escaped for the format it lands in. In Markdown,
 * `markdownText` backslash-escapes the syntax characters and folds line breaks. In HTML, markdown-it
 * renders with raw HTML off, and the SVG is built from escaped text. Output is deterministic: no
 * dates, and the order is the report's.
 */
import MarkdownIt from "markdown-it";
import type { ReportStream, SampleStream } from "./build.js";
import type { Finding, Report, SampleSummary } from "./schema.js";
import { DISCLAIMER } from "./schema.js";

type AnyReport = Report | ReportStream;
type AnySample = Report["samples"][number] | SampleStream;

/** Markdown syntax characters anywhere in a line (emphasis, code, links, HTML, tables, entities). */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#!|<>~&]/g;

/**
 * A value as literal Markdown inline text: syntax escaped, line breaks and tabs folded to spaces,
 * and a leading `-`, `+`, `=` or number-and-dot (which would start a list or a heading) escaped.
 */
export function markdownText(value: unknown): string {
  return String(value ?? "")
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
    .replace(/^([-+=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

const ORIGIN_TITLE: Readonly<Record<string, string>> = {
  germline: "Germline",
  somatic: "Somatic",
  unknown: "Origin unknown",
};

const FIELD_TITLE: Readonly<Record<keyof Omit<SampleSummary, "considerations" | "reasons">, string>> = {
  istResponse: "Immunosuppression picture",
  clonalEvolutionRisk: "Clonal evolution risk",
  inheritedDisorder: "Inherited disorder",
};

/** The HGVS of a finding, without the transcript prefix (kept in the transcript column). */
function hgvsOf(f: Finding): string {
  const strip = (s: string | undefined) => (s === undefined ? undefined : s.includes(":") ? s.slice(s.indexOf(":") + 1) : s);
  return [strip(f.consequence?.hgvsc), strip(f.consequence?.hgvsp)].filter(Boolean).join(" ");
}

function vafOf(f: Finding): string {
  const call = f.call;
  if (!call || call.vaf === undefined) return "n/a";
  const depth = call.depth !== undefined ? ` (${call.altDepth ?? "?"}/${call.depth})` : "";
  return `${(call.vaf * 100).toFixed(1)}%${depth}`;
}

/** The criteria that carried a finding's reading, `OS3 (strong)`. */
function criteriaOf(f: Finding): string {
  const reading = f.readings?.find((r) => r.classification === f.classification) ?? f.readings?.[0];
  const used = reading?.criteria.filter((c) => c.direction !== "neutral") ?? [];
  return used.map((c) => `${c.code} (${c.strength})`).join(", ");
}

function findingRow(f: Finding): string {
  const cells = [
    f.gene.symbol,
    `${f.variant.chrom}:${f.variant.pos} ${f.variant.ref}>${f.variant.alt}`,
    hgvsOf(f) || (f.consequence?.terms.join(", ") ?? ""),
    vafOf(f),
    f.classification,
    criteriaOf(f),
    f.implications.map((i) => i.code).join(", "),
  ];
  return `| ${cells.map(markdownText).join(" | ")} |`;
}

const FINDINGS_HEAD = "| Gene | Variant | HGVS | VAF (alt/depth) | Classification | Criteria | Codes |\n|---|---|---|---|---|---|---|";

/** Most findings listed per origin on the page; the JSON report has all. */
const FINDINGS_LISTED = 50;
/** Most not-assessed genes named one by one. */
const GENES_LISTED = 30;

function citationsText(citations: readonly string[]): string {
  return citations.length > 0 ? ` (${citations.map(markdownText).join("; ")})` : "";
}

/** One sample's page as Markdown (its findings read once). */
function samplePage(report: AnyReport, sample: AnySample, findings: readonly Finding[]): string {
  const out: string[] = [];
  const { input, panel, tool } = report;
  out.push(`# ${markdownText(sample.name)}${sample.role && sample.role !== "unknown" ? ` (${markdownText(sample.role)})` : ""}`);
  out.push(`**${markdownText(DISCLAIMER)}**`);
  out.push(
    [
      `Input ${markdownText(input.name)}, ${markdownText(input.assembly)}`,
      `panel ${markdownText(panel.id)} ${markdownText(panel.version)} (sha256 ${markdownText(panel.sha256)})`,
      `${markdownText(tool.name)} ${markdownText(tool.version)}`,
    ].join(" · "),
  );
  const s = sample.summary;
  out.push("## Summary");
  out.push(
    `| Question | Reading |\n|---|---|\n${(Object.keys(FIELD_TITLE) as (keyof typeof FIELD_TITLE)[])
      .map((k) => `| ${FIELD_TITLE[k]} | **${markdownText(s[k])}** |`)
      .join("\n")}`,
  );
  const considered = s.reasons.filter((r) => r.ruleIds[0]?.startsWith("SUMMARY.CONSIDER."));
  const why = s.reasons.filter((r) => !r.ruleIds[0]?.startsWith("SUMMARY.CONSIDER."));
  if (why.length > 0) out.push(`**Why**\n\n${why.map((r) => `- ${markdownText(r.statement)}${citationsText(r.citations)}`).join("\n")}`);
  out.push("## What to consider next");
  out.push(
    considered.length > 0
      ? considered.map((r) => `- ${markdownText(r.statement)}${citationsText(r.citations)}`).join("\n")
      : "- Nothing the panel's rules call for.",
  );
  out.push("## Findings");
  if (findings.length === 0) out.push("No finding met a panel rule.");
  for (const origin of ["germline", "somatic", "unknown"] as const) {
    const mine = findings.filter((f) => f.origin.call === origin);
    if (mine.length === 0) continue;
    const shown = mine.slice(0, FINDINGS_LISTED).map(findingRow).join("\n");
    const more = mine.length > FINDINGS_LISTED ? `\n\n${mine.length - FINDINGS_LISTED} more in the JSON report.` : "";
    out.push(`### ${ORIGIN_TITLE[origin]} (${mine.length})\n\n${FINDINGS_HEAD}\n${shown}${more}`);
  }
  out.push("## Not assessed");
  const nj = sample.notJudged;
  const lines: string[] = [];
  if (nj && nj.count > 0) {
    lines.push(
      `- ${nj.count} panel-gene variant(s) not judged: ${nj.variants
        .slice(0, 10)
        .map((v) => `${markdownText(v.gene)} ${markdownText(v.key)}: ${markdownText(v.why)}`)
        .join("; ")}${nj.count > 10 ? "; …" : ""}. Next step: ${markdownText(nj.nextStep)}.`,
    );
  }
  const cov = sample.coverage;
  if (cov && cov.notAssessed.length > 0) {
    const names = cov.notAssessed.slice(0, GENES_LISTED).map((g) => markdownText(g.symbol));
    const reasons = [...new Set(cov.notAssessed.map((g) => g.reason))];
    lines.push(
      `- ${cov.notAssessed.length} panel gene(s) not assessed: ${names.join(", ")}${cov.notAssessed.length > GENES_LISTED ? ", …" : ""} (${reasons.map(markdownText).join("; ")}).`,
    );
  }
  out.push(lines.length > 0 ? lines.join("\n") : "- Every panel gene was assessed and every panel-gene variant judged.");
  out.push(`---\n\n*${markdownText(DISCLAIMER)} Findings are cohort-level associations from the cited literature, not orders.*`);
  return `${out.join("\n\n")}\n`;
}

/** The samples of a report, each with its findings read once. */
function* pages(report: AnyReport): Generator<{ sample: AnySample; findings: readonly Finding[] }> {
  for (const sample of report.samples) yield { sample, findings: [...sample.findings] };
}

/** The clinician report as Markdown, a page per sample, in pieces (a sample at a time). */
export function* markdownChunks(report: AnyReport): Generator<string> {
  let first = true;
  for (const { sample, findings } of pages(report)) {
    if (!first) yield "\n";
    first = false;
    yield samplePage(report, sample, findings);
  }
  if (first) yield `# ${markdownText(report.input.name)}\n\n**${markdownText(DISCLAIMER)}**\n\nNo sample.\n`;
}

/** The clinician report as Markdown (one page per sample). */
export function toMarkdown(report: AnyReport): string {
  return [...markdownChunks(report)].join("");
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Text for HTML element content and (double-quoted) attribute values: markdown-it's own escaping. */
export function escapeHtml(value: unknown): string {
  return markdown.utils.escapeHtml(String(value ?? ""));
}

const CSS = `@page{size:A4;margin:14mm}
body{font:10.5pt/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;margin:0 auto;max-width:190mm;padding:8mm}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12.5pt;margin:12pt 0 4pt;border-bottom:1px solid #999}h3{font-size:11pt;margin:8pt 0 3pt}
table{border-collapse:collapse;width:100%;font-size:9pt;margin:3pt 0}th,td{border:1px solid #bbb;padding:2pt 4pt;text-align:left;vertical-align:top}
th{background:#eee}ul{margin:3pt 0;padding-left:16pt}p{margin:4pt 0}hr{border:0;border-top:1px solid #999;margin:10pt 0 4pt}
.page{break-after:page;page-break-after:always}.page:last-child{break-after:auto;page-break-after:auto}
.disclaimer{border:1px solid #a00;color:#a00;padding:2pt 6pt;display:inline-block;font-weight:bold}
svg{display:block;margin:4pt 0}@media print{body{padding:0}}`;

const ORIGIN_COLOUR: Readonly<Record<string, string>> = { germline: "#1f4e9c", somatic: "#a33a00", unknown: "#555" };

/** A bar per finding with a VAF: the clones at a glance (germline heterozygous sits near 50%). */
function vafChart(findings: readonly Finding[]): string {
  const shown = findings.filter((f) => f.call?.vaf !== undefined).slice(0, 20);
  if (shown.length === 0) return "";
  const row = 16;
  const label = 150;
  const width = 520;
  const scale = (v: number) => Math.round(Math.min(Math.max(v, 0), 1) * (width - label - 40));
  const bars = shown
    .map((f, i) => {
      const y = 18 + i * row;
      const vaf = f.call!.vaf!;
      const text = `${f.gene.symbol} ${hgvsOf(f).split(" ").pop() || f.variant.key}`.slice(0, 28);
      return `<text x="0" y="${y + 11}" font-size="9">${escapeHtml(text)}</text><rect x="${label}" y="${y + 2}" width="${scale(vaf)}" height="11" fill="${ORIGIN_COLOUR[f.origin.call] ?? "#555"}"/><text x="${label + scale(vaf) + 4}" y="${y + 11}" font-size="9">${(vaf * 100).toFixed(1)}%</text>`;
    })
    .join("");
  const height = 24 + shown.length * row;
  const half = label + scale(0.5);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Variant allele fraction per finding"><text x="0" y="10" font-size="9" font-weight="bold">VAF per finding (blue germline, orange somatic, grey unknown)</text><line x1="${half}" y1="14" x2="${half}" y2="${height}" stroke="#999" stroke-dasharray="3,2"/><text x="${half + 2}" y="${height - 2}" font-size="8" fill="#666">50%</text>${bars}</svg>`;
}

/** The clinician report as one self-contained HTML file in pieces (a sample at a time). */
export function* htmlChunks(report: AnyReport): Generator<string> {
  const title = `marrowscope report: ${report.input.name}`;
  yield `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n`;
  let any = false;
  for (const { sample, findings } of pages(report)) {
    any = true;
    const page = markdown.render(samplePage(report, sample, findings));
    // The chart goes after the findings heading (an HTML picture Markdown cannot carry).
    const chart = vafChart(findings);
    // A function replacement: `$` in input text must not be read as a replacement pattern.
    const withChart = chart ? page.replace("<h2>Findings</h2>\n", () => `<h2>Findings</h2>\n${chart}\n`) : page;
    const marked = withChart.replaceAll(
      `<p><strong>${escapeHtml(DISCLAIMER)}</strong></p>`,
      () => `<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p>`,
    );
    yield `<section class="page">\n${marked}</section>\n`;
  }
  if (!any) yield `<section class="page">\n<p class="disclaimer">${escapeHtml(DISCLAIMER)}</p>\n<p>No sample.</p>\n</section>\n`;
  yield "</body>\n</html>\n";
}

/** The clinician report as one self-contained HTML file (inline CSS, no script, no network). */
export function toHTML(report: AnyReport): string {
  return [...htmlChunks(report)].join("");
}
