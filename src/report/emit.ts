/**
 * Emitters. Output is deterministic: keys in the schema's order (objects are built that way),
 * "\n" line endings, no timestamps.
 */
import type { ReportStream } from "./build.js";
import type { Finding, Report } from "./schema.js";
import { DISCLAIMER } from "./schema.js";

/** The report as pretty JSON (2-space indent, trailing newline). */
export function toJSON(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The bytes of `toJSON(report)` in pieces (a finding at a time), so a writer never holds the
 * whole text: a panel-dense genome makes a report of ~50 MB, and its string plus the UTF-8 copy
 * made for writing were most of the peak memory.
 */
export function* jsonChunks(report: Report | ReportStream): Generator<string> {
  yield* pretty(report, 0);
  yield "\n";
}

// Only the way down to the findings (report → samples → sample → findings) and iterables (which
// stand for arrays that may come from disk, like the warnings) are written member by member;
// every other value, a finding or a warning too, JSON.stringify writes whole (`indented`). A
// lenient run's million warnings written member by member took 16–19 s, against 11 s for NDJSON.
const STREAM_DEPTH = 4;

/** Whether a value is written member by member: the report, arrays down to the findings, samples, iterables. */
function streamed(value: object, depth: number): boolean {
  if (depth === 0 || (!Array.isArray(value) && Symbol.iterator in value)) return true;
  if (depth >= STREAM_DEPTH) return false;
  return Array.isArray(value) || "findings" in value;
}

function* pretty(value: unknown, depth: number): Generator<string> {
  if (value === null || typeof value !== "object") {
    yield JSON.stringify(value) ?? "null";
    return;
  }
  if (!streamed(value, depth)) {
    yield indented(value, depth);
    return;
  }
  const indent = "  ".repeat(depth);
  const inner = `\n${indent}  `;
  // A ReportStream's samples, and their findings, may be iterables made as they are read:
  // written as the arrays they stand for.
  if (Array.isArray(value) || Symbol.iterator in value) {
    let first = true;
    for (const item of Array.isArray(value) ? indexed(value) : (value as Iterable<unknown>)) {
      yield first ? `[${inner}` : `,${inner}`;
      first = false;
      // As in JSON.stringify, array holes and non-JSON values are written as null.
      yield* pretty(item === undefined || typeof item === "function" || typeof item === "symbol" ? null : item, depth + 1);
    }
    yield first ? "[]" : `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) {
    yield "{}";
    return;
  }
  yield "{";
  let first = true;
  for (const [key, item] of entries) {
    yield `${first ? "" : ","}${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* pretty(item, depth + 1);
  }
  yield `\n${indent}}`;
}

/** An array's items in index order, holes included, as JSON.stringify reads it. */
function* indexed(array: readonly unknown[]): Generator<unknown> {
  for (let i = 0; i < array.length; i++) yield array[i];
}

/**
 * `JSON.stringify(value, null, 2)` as it reads `depth` levels down. Stringifying the value
 * wrapped in `depth` one-element arrays and cutting the wrappers off gives one flat string;
 * re-indenting with replaceAll built a rope per value that cost more to write than to make.
 */
function indented(value: object, depth: number): string {
  let wrapped: unknown = value;
  for (let k = 0; k < depth; k++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // "[\n  " per level before the value, "\n" + indent + "]" per level after it.
  let head = 0;
  let tail = 0;
  for (let k = 0; k < depth; k++) {
    head += 2 + 2 * (k + 1);
    tail += 2 + 2 * k;
  }
  return text.slice(head, text.length - tail);
}

/** One finding per line, each carrying its sample; the first line describes the run. */
export function toNDJSON(report: Report | ReportStream): string {
  return [...ndjsonChunks(report)].join("");
}

/** The lines of `toNDJSON(report)`, each with its newline. */
export function* ndjsonChunks(report: Report | ReportStream): Generator<string> {
  const head = {
    type: "run",
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    panel: report.panel,
    input: report.input,
    disclaimer: report.disclaimer,
  };
  yield `${JSON.stringify(head)}\n`;
  for (const sample of report.samples) {
    for (const finding of sample.findings) yield `${JSON.stringify({ type: "finding", ...finding })}\n`;
    if (sample.notJudged) yield `${JSON.stringify({ type: "notJudged", sample: sample.name, ...sample.notJudged })}\n`;
    yield `${JSON.stringify({ type: "summary", sample: sample.name, role: sample.role, ...sample.summary })}\n`;
  }
  for (const warning of report.warnings) yield `${JSON.stringify({ type: "warning", ...warning })}\n`;
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
  "origin_confidence",
  "criteria",
  "event",
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
    f.origin.confidence,
    f.readings?.map((r) => `${r.origin}:${r.criteria.map((c) => c.code).join("+") || "-"}`).join(";"),
    f.event?.label,
  ].map(cell);
}

/** Tab-separated findings with two comment lines naming the panel and the disclaimer. */
export function toTSV(report: Report): string {
  return [...tsvChunks(report)].join("");
}

/** The lines of `toTSV(report)`, each with its newline. */
export function* tsvChunks(report: Report | ReportStream): Generator<string> {
  const lines = [
    // Folded like cells: a file name with a newline would otherwise start a row of its own.
    `# ${DISCLAIMER} marrowscope ${report.tool.version}; panel ${cell(report.panel.id)} ${cell(report.panel.version)} sha256:${report.panel.sha256}`,
    `# input ${cell(report.input.name)} (${report.input.assembly}, ${report.input.strategy})`,
    TSV_COLUMNS.join("\t"),
  ];
  for (const line of lines) yield `${line}\n`;
  // Findings only, every row the same columns (a comment line between rows broke fixed-column
  // readers); what was not judged is in the JSON and NDJSON reports.
  for (const sample of report.samples) for (const finding of sample.findings) yield `${row(finding).join("\t")}\n`;
}
