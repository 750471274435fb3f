/**
 * One cohort entry's work: annotate a VCF and write its reports, unless the reports on disk were
 * made from the same input, panel, tool version, formats and options. Runs in the cohort's worker
 * threads (src/cohort-worker.ts) or, where no worker can be started, in the calling thread; so
 * everything a task carries is plain, structured-cloneable data.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { annotateWith } from "./annotate.js";
import { isMarrowscopeError } from "./errors.js";
import { nodeResolvers } from "./node-resolvers.js";
import type { AnnotateOptions } from "./options.js";
import { builtinPanel, type Panel } from "./panel/index.js";
import { htmlChunks, markdownChunks } from "./report/clinician.js";
import { toJSON, toTSV } from "./report/emit.js";
import { toFHIR } from "./report/fhir.js";
import { toPhenopacket } from "./report/phenopacket.js";
import type { Report } from "./report/schema.js";
import { VERSION } from "./version.js";

export type CohortFormat = "json" | "tsv" | "md" | "html" | "fhir" | "phenopacket";

/** What one entry needs, as plain data (no functions, no signal). */
export interface EntryTask {
  readonly id: string;
  readonly vcf: string;
  /** The entry's unique, sanitised file name stem. */
  readonly name: string;
  readonly outDir: string;
  readonly formats: readonly CohortFormat[];
  /** Annotate options without callbacks, signal or panel. */
  readonly options: AnnotateOptions;
  /** A custom panel; absent for the builtin one (each thread has its own). */
  readonly panel?: Panel;
  readonly force: boolean;
}

export interface CohortEntryResult {
  readonly id: string;
  readonly file: string;
  readonly status: "done" | "skipped" | "failed";
  /** The `file:line: field: what` message of a failed entry. */
  readonly error?: string;
}

/** The stamp a rerun compares with; its JSON text is stored as it was in the first version. */
interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly panelSha256: string;
  readonly tool: string;
  readonly formats: readonly string[];
  readonly options: string;
}

export function extension(format: CohortFormat): string {
  switch (format) {
    case "fhir":
      return "fhir.json";
    case "phenopacket":
      return "phenopacket.json";
    default:
      return format;
  }
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

/** Writes under a temporary name and renames, so an interrupted run leaves no report that claims to be complete. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.partial-${process.pid}-${threadId}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Annotates one entry into the folder (or finds its reports current). Only a bug rejects. */
export async function runEntry(task: EntryTask): Promise<CohortEntryResult> {
  const { id, vcf, name, outDir, formats } = task;
  const panel = task.panel ?? builtinPanel;
  const stampPath = join(outDir, ".marrowscope", `${name}.stamp.json`);
  try {
    const info = await stat(vcf).catch(() => undefined);
    const stamp: Stamp = {
      size: info?.size ?? -1,
      mtimeMs: info?.mtimeMs ?? -1,
      panelSha256: panel.sha256,
      tool: VERSION,
      formats,
      options: JSON.stringify(task.options),
    };
    const previous = await readFile(stampPath, "utf8").catch(() => undefined);
    if (!task.force && info && previous === JSON.stringify(stamp)) return { id, file: vcf, status: "skipped" };
    const report = await annotateWith(vcf, { ...task.options, panel, onWarning: () => {} }, nodeResolvers);
    await mkdir(join(outDir, ".marrowscope"), { recursive: true });
    for (const format of formats) await writeAtomically(join(outDir, `${name}.${extension(format)}`), render(report, format));
    await writeAtomically(stampPath, JSON.stringify(stamp));
    return { id, file: vcf, status: "done" };
  } catch (error) {
    if (!isMarrowscopeError(error)) throw error;
    return { id, file: vcf, status: "failed", error: error.message };
  }
}
