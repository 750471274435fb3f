/**
 * Many VCFs in one process (issue 22): each entry annotated, its reports written to the output
 * folder, and a cohort table made from all of them.
 *
 * - Resumable: a rerun skips an entry whose input (size, mtime), panel sha256 and tool version
 *   are those its reports were made from.
 * - A failing entry is recorded and the rest go on.
 * - Node only (files). File names come from sanitised entry ids and never leave the folder.
 *   Each file is written under a temporary name and renamed, so an interrupted run leaves no
 *   report that claims to be complete.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { annotateWith } from "./annotate.js";
import { isMarrowscopeError } from "./errors.js";
import { nodeResolvers } from "./node-resolvers.js";
import type { AnnotateOptions } from "./options.js";
import { builtinPanel } from "./panel/index.js";
import { htmlChunks, markdownChunks } from "./report/clinician.js";
import { toJSON, toTSV } from "./report/emit.js";
import { toFHIR } from "./report/fhir.js";
import { toPhenopacket } from "./report/phenopacket.js";
import type { Report } from "./report/schema.js";
import { VERSION } from "./version.js";

export type CohortFormat = "json" | "tsv" | "md" | "html" | "fhir" | "phenopacket";

export interface CohortEntry {
  /** Names the entry's files (sanitised) and its rows in the cohort table. */
  readonly id: string;
  /** The VCF's path. */
  readonly vcf: string;
  /** This entry's own options (assembly, roles, sex, context …), over the cohort's. */
  readonly options?: AnnotateOptions;
}

export interface CohortOptions {
  /** The output folder (created when missing). */
  readonly outDir: string;
  /** Report formats per entry (default json; json is always written, the table reads it). */
  readonly formats?: readonly CohortFormat[];
  /** Entries annotated at once (default 2). */
  readonly jobs?: number;
  /** Options every entry starts from. */
  readonly options?: AnnotateOptions;
  /** Annotate again even when an entry's reports are current. */
  readonly force?: boolean;
  /** Called as each entry ends. */
  readonly onEntry?: (result: CohortEntryResult) => void;
  /**
   * Only make the cohort tables, from `<name>.json` reports already in `outDir` (written by a
   * workflow engine's per-sample steps, for example); an entry without one is failed.
   */
  readonly tablesOnly?: boolean;
}

export interface CohortEntryResult {
  readonly id: string;
  readonly file: string;
  readonly status: "done" | "skipped" | "failed";
  /** The `file:line: field: what` message of a failed entry. */
  readonly error?: string;
}

export interface CohortResult {
  readonly entries: readonly CohortEntryResult[];
  /** Paths of the cohort tables written. */
  readonly tables: { readonly findings: string; readonly summary: string; readonly json: string };
}

/** An id as a file name: letters, digits, `.`, `_`, `-` only, no leading dot, at most 100 characters. */
export function safeName(id: string): string {
  const name = id
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 100);
  return name === "" ? "_" : name;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.partial-${process.pid}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly panelSha256: string;
  readonly tool: string;
  readonly formats: readonly string[];
  readonly options: string;
}

const tsvCell = (v: unknown) => String(v ?? "").replace(/[\t\r\n]/g, " ");

/** Annotates each entry into `outDir` and writes the cohort tables. */
export async function annotateCohort(entries: readonly CohortEntry[], options: CohortOptions): Promise<CohortResult> {
  const { outDir } = options;
  await mkdir(join(outDir, ".marrowscope"), { recursive: true });
  const formats = [...new Set<CohortFormat>(["json", ...(options.formats ?? [])])];
  const panel = options.options?.panel ?? builtinPanel;
  // Unique file names, in entry order.
  const used = new Map<string, number>();
  const names = entries.map((e) => {
    const base = safeName(e.id);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
  const results: CohortEntryResult[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= entries.length) return;
      const entry = entries[i]!;
      const name = names[i]!;
      const stampPath = join(outDir, ".marrowscope", `${name}.stamp.json`);
      let result: CohortEntryResult;
      if (options.tablesOnly) {
        const there = await stat(join(outDir, `${name}.json`)).catch(() => undefined);
        // "done": the report is there, made by the engine's step (the tables then equal a direct run's).
        result = there
          ? { id: entry.id, file: entry.vcf, status: "done" }
          : { id: entry.id, file: entry.vcf, status: "failed", error: `${name}.json is not in ${outDir}` };
        results[i] = result;
        options.onEntry?.(result);
        continue;
      }
      try {
        const info = await stat(entry.vcf).catch(() => undefined);
        const merged = { ...options.options, ...entry.options };
        const { onWarning: _w, onProgress: _p, signal: _s, panel: _panel, ...plain } = merged as AnnotateOptions & Record<string, unknown>;
        const stamp: Stamp = {
          size: info?.size ?? -1,
          mtimeMs: info?.mtimeMs ?? -1,
          panelSha256: panel.sha256,
          tool: VERSION,
          formats,
          options: JSON.stringify(plain),
        };
        const previous = await readFile(stampPath, "utf8").catch(() => undefined);
        if (!options.force && info && previous === JSON.stringify(stamp)) {
          result = { id: entry.id, file: entry.vcf, status: "skipped" };
        } else {
          const report = await annotateWith(entry.vcf, merged, nodeResolvers);
          for (const format of formats) await writeAtomically(join(outDir, `${name}.${extension(format)}`), render(report, format));
          await writeAtomically(stampPath, JSON.stringify(stamp));
          result = { id: entry.id, file: entry.vcf, status: "done" };
        }
      } catch (error) {
        if (!isMarrowscopeError(error)) throw error;
        result = { id: entry.id, file: entry.vcf, status: "failed", error: error.message };
      }
      results[i] = result;
      options.onEntry?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 2, entries.length)) }, worker));
  const tables = await writeTables(outDir, entries, names, results);
  return { entries: results, tables };
}

function extension(format: CohortFormat): string {
  return format === "md"
    ? "md"
    : format === "html"
      ? "html"
      : format === "tsv"
        ? "tsv"
        : format === "fhir"
          ? "fhir.json"
          : format === "phenopacket"
            ? "phenopacket.json"
            : "json";
}

function render(report: Report, format: CohortFormat): string {
  switch (format) {
    case "json":
      return toJSON(report);
    case "tsv":
      return toTSV(report);
    case "md":
      return [...markdownChunks(report)].join("");
    case "html":
      return [...htmlChunks(report)].join("");
    case "fhir":
      return toFHIR(report);
    case "phenopacket":
      return toPhenopacket(report);
  }
}

/** The cohort tables, from every entry's JSON report on disk (made now or by an earlier run). */
async function writeTables(
  outDir: string,
  entries: readonly CohortEntry[],
  names: readonly string[],
  results: readonly CohortEntryResult[],
): Promise<CohortResult["tables"]> {
  const findings = [["entry", "sample", "role", "gene", "variant", "classification", "origin", "vaf", "codes"].join("\t")];
  const summary = [["entry", "sample", "role", "istResponse", "clonalEvolutionRisk", "inheritedDisorder", "findings"].join("\t")];
  const json: unknown[] = [];
  for (const [i, entry] of entries.entries()) {
    const result = results[i]!;
    if (result.status === "failed") {
      json.push({ id: entry.id, file: entry.vcf, status: "failed", error: result.error });
      continue;
    }
    const report = JSON.parse(await readFile(join(outDir, `${names[i]}.json`), "utf8")) as Report;
    const samples = report.samples.map((s) => {
      for (const f of s.findings) {
        findings.push(
          [
            entry.id,
            s.name,
            s.role,
            f.gene.symbol,
            f.variant.key,
            f.classification,
            f.origin.call,
            f.call?.vaf ?? "",
            f.implications.map((x) => x.code).join(","),
          ]
            .map(tsvCell)
            .join("\t"),
        );
      }
      summary.push(
        [entry.id, s.name, s.role, s.summary.istResponse, s.summary.clonalEvolutionRisk, s.summary.inheritedDisorder, s.findings.length]
          .map(tsvCell)
          .join("\t"),
      );
      return { name: s.name, role: s.role, summary: { ...s.summary, reasons: undefined }, findings: s.findings.length };
    });
    json.push({ id: entry.id, file: entry.vcf, status: result.status, report: `${names[i]}.json`, panel: report.panel, samples });
  }
  const paths = {
    findings: join(outDir, "cohort-findings.tsv"),
    summary: join(outDir, "cohort-summary.tsv"),
    json: join(outDir, "cohort.json"),
  };
  await writeAtomically(paths.findings, `${findings.join("\n")}\n`);
  await writeAtomically(paths.summary, `${summary.join("\n")}\n`);
  await writeAtomically(paths.json, `${JSON.stringify({ disclaimer: "Research use only; not a diagnosis.", entries: json }, null, 2)}\n`);
  return paths;
}
