/**
 * Emitters. Output is deterministic: keys in the schema's order (objects are built that way),
 * "\n" line endings, no timestamps.
 */
import type { Finding, Report } from "./schema.js";
import { DISCLAIMER } from "./schema.js";

/** The report as pretty JSON (2-space indent, trailing newline). */
export function toJSON(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One finding per line, each carrying its sample; the first line describes the run. */
export function toNDJSON(report: Report): string {
  const head = {
    type: "run",
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    panel: report.panel,
    input: report.input,
    disclaimer: report.disclaimer,
  };
  const lines = [JSON.stringify(head)];
  for (const sample of report.samples) {
    for (const finding of sample.findings) lines.push(JSON.stringify({ type: "finding", ...finding }));
    lines.push(JSON.stringify({ type: "summary", sample: sample.name, role: sample.role, ...sample.summary }));
  }
  for (const warning of report.warnings) lines.push(JSON.stringify({ type: "warning", ...warning }));
  return `${lines.join("\n")}\n`;
}

/** Stable column order for the TSV; one finding per row. */
export const TSV_COLUMNS = [
  "sample",
  "chrom",
  "pos",
  "ref",
  "alt",
  "filter",
  "gene",
  "hgnc_id",
  "category",
  "classification",
  "origin",
  "genotype",
  "zygosity",
  "vaf",
  "vaf_source",
  "depth",
  "alt_depth",
  "consequence",
  "hgvsc",
  "hgvsp",
  "transcript",
  "match_basis",
  "gene_source",
  "implications",
  "rule_ids",
  "citations",
  "source_line",
] as const;

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  // Tabs and newlines would break the row; nothing in a finding needs them.
  return String(value).replace(/[\t\r\n]/g, " ");
}

function row(f: Finding): string[] {
  const citations = [...new Set(f.implications.flatMap((i) => i.evidence.map((e) => e.citation)))].sort();
  return [
    f.sample,
    f.variant.chrom,
    String(f.variant.pos),
    f.variant.ref,
    f.variant.alt,
    f.variant.filter.join(";"),
    f.gene.symbol,
    f.gene.hgncId,
    f.category,
    f.classification,
    f.origin.call,
    f.call.genotype,
    f.call.zygosity,
    f.call.vaf,
    f.call.vafSource,
    f.call.depth,
    f.call.altDepth,
    f.consequence?.terms.join("&"),
    f.consequence?.hgvsc,
    f.consequence?.hgvsp,
    f.consequence?.transcript,
    f.matchBasis,
    f.geneSource,
    f.implications.map((i) => i.code).join(","),
    f.ruleIds.join(","),
    citations.join(","),
    f.source.line,
  ].map(cell);
}

/** Tab-separated findings with two comment lines naming the panel and the disclaimer. */
export function toTSV(report: Report): string {
  const lines = [
    `# ${DISCLAIMER} marrowscope ${report.tool.version}; panel ${report.panel.id} ${report.panel.version} sha256:${report.panel.sha256}`,
    `# input ${report.input.name} (${report.input.assembly}, ${report.input.strategy})`,
    TSV_COLUMNS.join("\t"),
  ];
  for (const sample of report.samples) for (const finding of sample.findings) lines.push(row(finding).join("\t"));
  return `${lines.join("\n")}\n`;
}
