/**
 * One cohort entry's work: annotate a VCF and write its reports, unless the reports on disk were
 * made from the same input, panel, tool version, formats and options. Runs in the cohort's worker
 * threads (src/cohort-worker.ts) or, where no worker can be started, in the calling thread; so
 * everything a task carries is plain, structured-cloneable data.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { threadId } from "node:worker_threads";
import { annotateWith } from "./annotate.js";
import { isMarrowscopeError } from "./errors.js";
import { nodeResolvers } from "./node-resolvers.js";
import type { AnnotateOptions } from "./options.js";
import { builtinPanel, type Panel } from "./panel/index.js";
import { toHTML, toMarkdown } from "./report/clinician.js";
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
  /** The failure was not a bad input but the system or a bug (a full disk, a crashed worker …). */
  readonly internal?: boolean;
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
      return toMarkdown(report);
    case "html":
      return toHTML(report);
    case "fhir":
      return toFHIR(report);
    case "phenopacket":
      return toPhenopacket(report);
  }
}

/**
 * Writes under a temporary name and renames, so an interrupted run leaves no report that claims to
 * be complete. The temporary name is unpredictable and created exclusively (a planted symlink is not
 * followed), and removed when the write fails.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.partial-${process.pid}-${threadId}-${randomUUID()}`;
  try {
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/** What identifies a file's content for the stamp: its path, identity, size and mtime. */
async function fileStamp(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info ? `${resolve(path)}|${info.dev}:${info.ino}|${info.size}|${info.mtimeMs}` : undefined;
}

/** Options that name files whose content changes a report. */
const FILE_OPTIONS = ["targets", "reference", "index"] as const;

/**
 * Annotates one entry into the folder (or finds its reports current). Never rejects: a bad input
 * is the entry's MarrowscopeError message; anything else (a full disk, a bug) fails the entry
 * too, marked `internal`, so the rest of the cohort goes on.
 */
export async function runEntry(task: EntryTask): Promise<CohortEntryResult> {
  const { id, vcf, name, outDir, formats } = task;
  const panel = task.panel ?? builtinPanel;
  const stampPath = join(outDir, ".marrowscope", `${name}.stamp.json`);
  try {
    const input = await fileStamp(vcf);
    const files: Record<string, string | undefined> = {};
    for (const key of FILE_OPTIONS) {
      const value = task.options[key];
      if (typeof value === "string") files[key] = await fileStamp(value);
    }
    const stamp = JSON.stringify({
      input,
      files,
      panelSha256: panel.sha256,
      tool: VERSION,
      formats,
      options: JSON.stringify(task.options),
    });
    const previous = await readFile(stampPath, "utf8").catch(() => undefined);
    // Current only when every report is still there as well.
    const outputs = formats.map((format) => join(outDir, `${name}.${extension(format)}`));
    const present = (
      await Promise.all(
        outputs.map((o) =>
          stat(o).then(
            () => true,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
    if (!task.force && input && present && previous === stamp) return { id, file: vcf, status: "skipped" };
    const report = await annotateWith(vcf, { ...task.options, panel, onWarning: () => {} }, nodeResolvers);
    await mkdir(join(outDir, ".marrowscope"), { recursive: true });
    for (const [k, format] of formats.entries()) await writeAtomically(outputs[k]!, render(report, format));
    await writeAtomically(stampPath, stamp);
    return { id, file: vcf, status: "done" };
  } catch (error) {
    if (isMarrowscopeError(error)) return { id, file: vcf, status: "failed", error: error.message };
    return { id, file: vcf, status: "failed", error: internalMessage(error), internal: true };
  }
}

/** A failure that is not a MarrowscopeError, in one line: the system's code (EISDIR, ENOSPC …) first. */
export function internalMessage(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === "string" ? `${code}: ` : ""}${message}`.replace(/[\r\n]+/g, " ");
}
