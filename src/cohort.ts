/**
 * Many VCFs in one process (issue 22): each entry annotated, its reports written to the output
 * folder, and the cohort made from all of them: tables (TSV, JSON), a page (HTML) and, for the
 * entries of one patient at several time points, the trajectory of each clone.
 *
 * - Worker threads: entries are annotated `jobs` at a time in a pool of threads, so a cohort uses
 *   every core (one annotate is single-threaded). Where no worker script sits beside this module
 *   (running from source), entries run in this thread, `jobs` at a time.
 * - Resumable: a rerun skips an entry whose input (size, mtime), panel sha256, tool version,
 *   formats and options are those its reports were made from.
 * - A failing entry is recorded and the rest go on.
 * - Node only (files). File names come from sanitised entry ids and never leave the folder.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  type CohortEntryResult,
  type CohortFormat,
  type EntryTask,
  extension,
  internalMessage,
  runEntry,
  writeAtomically,
} from "./cohort-entry.js";
import { CohortPage, type TrajectoryFiles } from "./cohort-html.js";
import { type Comparison, compareTimepoints, comparisonMarkdown } from "./compare.js";
import { MarrowscopeError } from "./errors.js";
import type { AnnotateOptions } from "./options.js";
import { builtinPanel } from "./panel/index.js";
import { DISCLAIMER, type Report, ReportSchema } from "./report/schema.js";
import { comparisonHtml } from "./report/trajectory-html.js";

export type { CohortEntryResult, CohortFormat } from "./cohort-entry.js";
export type { TrajectoryFiles } from "./cohort-html.js";

export interface CohortEntry {
  /** Names the entry's files (sanitised) and its rows in the cohort table. */
  readonly id: string;
  /** The VCF's path. */
  readonly vcf: string;
  /** This entry's own options (assembly, roles, sex, context …), over the cohort's. */
  readonly options?: AnnotateOptions;
  /** The patient this entry is a time point of; entries of one patient are compared in entry order. */
  readonly patient?: string;
  /** This time point's label (a date, "day 180" …); the entry id when absent. */
  readonly timepoint?: string;
}

export interface CohortOptions {
  /** The output folder (created when missing). */
  readonly outDir: string;
  /** Report formats per entry (default json; json is always written, the tables read it). */
  readonly formats?: readonly CohortFormat[];
  /** Entries annotated at once (default 2), each in its own worker thread. */
  readonly jobs?: number;
  /** Options every entry starts from (callbacks and signal are not passed to entries). */
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
  /** Run entries in worker threads where the worker script is there (default true). */
  readonly threads?: boolean;
}

export interface CohortResult {
  readonly entries: readonly CohortEntryResult[];
  /** Paths of the cohort files written. */
  readonly tables: { readonly findings: string; readonly summary: string; readonly json: string; readonly html: string };
  /** Worker threads the entries ran in (0: this thread; from source, or `threads: false`, or tables only). */
  readonly threads: number;
  /**
   * Per patient with two or more annotated time points: the trajectory files written (JSON,
   * Markdown, HTML with a VAF plot), and the time points left out because their entry failed.
   */
  readonly trajectories: readonly TrajectoryFiles[];
}

/** An id as a file name: letters, digits, `.`, `_`, `-` only, no leading dot, at most 100 characters. */
export function safeName(id: string): string {
  const name = id
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 100);
  return name === "" ? "_" : name;
}

/** Stems of the cohort's own files (cohort.json, cohort-findings.tsv …), which no entry may take. */
const RESERVED = ["cohort", "cohort-findings", "cohort-summary"];

/** What file kinds add to an entry's stem before their extension (`a.fhir.json`). */
const KIND_SUFFIXES = [".fhir", ".phenopacket"];

/**
 * Unique file name stems, in entry order: `a`, then `a-2`, `a-3` … skipping any already taken (so ids
 * `a`, `a`, `a-2` give `a`, `a-2`, `a-2-2`), names that differ only in case (one file on macOS and
 * Windows), names that clash through a file kind's suffix (`a.fhir` beside `a`) and the cohort's own
 * names (an id `cohort` gives `cohort-2`). `taken` (lower case) is added to, so later names (the
 * trajectories) keep clear of these. The Snakemake and CWL workflows name reports the same way.
 */
export function entryFileNames(ids: readonly string[], taken: Set<string> = new Set(RESERVED)): string[] {
  const used = new Map<string, number>();
  const clashes = (name: string) => {
    const key = name.toLowerCase();
    return taken.has(key) || KIND_SUFFIXES.some((suffix) => taken.has(`${key}${suffix}`));
  };
  return ids.map((id) => {
    const base = safeName(id);
    let n = used.get(base.toLowerCase()) ?? 0;
    let name: string;
    do {
      n++;
      name = n === 1 ? base : `${base}-${n}`;
    } while (clashes(name));
    used.set(base.toLowerCase(), n);
    taken.add(name.toLowerCase());
    for (const suffix of KIND_SUFFIXES) taken.add(`${name.toLowerCase()}${suffix}`);
    return name;
  });
}

const tsvCell = (v: unknown) => String(v ?? "").replace(/[\t\r\n]/g, " ");

/**
 * The worker script built beside this module (dist/cohort-worker.js or .cjs), or undefined when
 * this module runs from source. The CommonJS build knows its own path (`__filename`); tsup's shim
 * of import.meta.url there mis-reads paths holding `#`, `?` or `%`.
 */
function workerScript(): string | undefined {
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  const ext = here.endsWith(".cjs") ? "cjs" : here.endsWith(".js") ? "js" : undefined;
  if (!ext) return undefined;
  const script = join(dirname(here), `cohort-worker.${ext}`);
  return existsSync(script) ? script : undefined;
}

interface Lane {
  worker: Worker | undefined;
  /** Settles the task running in this lane's worker, if any. */
  settle?: (result: CohortEntryResult) => void;
}

/** Runs tasks `jobs` at a time, in worker threads when it can; results in task order. */
async function runTasks(
  tasks: readonly EntryTask[],
  jobs: number,
  threads: boolean,
  signal: AbortSignal | undefined,
  onResult: (result: CohortEntryResult) => void,
): Promise<{ results: CohortEntryResult[]; threads: number }> {
  const results: CohortEntryResult[] = new Array(tasks.length);
  let next = 0;
  const script = threads ? workerScript() : undefined;
  const count = Math.max(1, Math.min(jobs, tasks.length));
  const lanes: Lane[] = [];
  const started = new Set<Worker>();
  // A worker that dies (or errs between tasks) fails the task it holds, as an internal failure,
  // and its lane starts a new one; nothing is left waiting and no error goes unhandled.
  const spawn = (lane: Lane) => {
    const worker = new Worker(script!);
    started.add(worker);
    const fail = (why: string) => {
      if (lane.worker !== worker) return;
      lane.worker = undefined;
      const settle = lane.settle;
      lane.settle = undefined;
      settle?.({ id: "", file: "", status: "failed", error: `the cohort worker stopped: ${why}`, internal: true });
    };
    worker.on("message", (message: { result?: CohortEntryResult; bug?: string }) => {
      const settle = lane.settle;
      lane.settle = undefined;
      settle?.(message.result ?? { id: "", file: "", status: "failed", error: message.bug ?? "no result", internal: true });
    });
    worker.on("error", (error) => fail(error.message));
    worker.on("messageerror", (error) => fail(error.message));
    worker.on("exit", (code) => fail(`exit code ${code}`));
    lane.worker = worker;
  };
  const inWorker = (lane: Lane, task: EntryTask): Promise<CohortEntryResult> => {
    if (!lane.worker) spawn(lane);
    return new Promise<CohortEntryResult>((resolve) => {
      lane.settle = (r) => resolve(r.id === "" ? { ...r, id: task.id, file: task.vcf } : r);
      lane.worker!.postMessage(task);
    });
  };
  const run = async (lane: Lane) => {
    for (;;) {
      if (signal?.aborted) return;
      const i = next++;
      if (i >= tasks.length) return;
      const result = script ? await inWorker(lane, tasks[i]!) : await runEntry(tasks[i]!);
      results[i] = result;
      onResult(result);
    }
  };
  // On abort, stop the workers at once: their tasks fail, and no lane takes another.
  const onAbort = () => {
    for (const w of started) void w.terminate();
  };
  signal?.addEventListener("abort", onAbort);
  try {
    for (let k = 0; k < count; k++) lanes.push({ worker: undefined });
    await Promise.all(lanes.map(run));
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const lane of lanes) lane.worker = undefined;
    await Promise.all([...started].map((w) => w.terminate()));
  }
  if (signal?.aborted) throw new MarrowscopeError("E_ABORTED", "the cohort was aborted", {}, { cause: signal.reason });
  return { results, threads: script ? Math.min(count, started.size) : 0 };
}

/** Options a worker thread gets: URLs as their text (a URL object does not survive the copy). */
function cloneable(options: AnnotateOptions, id: string): AnnotateOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) out[key] = value instanceof URL ? value.href : value;
  try {
    structuredClone(out);
  } catch {
    throw new MarrowscopeError("E_OPTIONS", "cohort options must be plain data (paths, URLs, text, Blobs)", { field: `${id}.options` });
  }
  return out as AnnotateOptions;
}

/** Annotates each entry into `outDir` and writes the cohort tables, page and trajectories. */
export async function annotateCohort(entries: readonly CohortEntry[], options: CohortOptions): Promise<CohortResult> {
  const { outDir } = options;
  const jobs = options.jobs ?? 2;
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new MarrowscopeError("E_OPTIONS", "jobs must be a whole number of at least 1", { field: "jobs" });
  const signal = options.options?.signal;
  if (signal?.aborted) throw new MarrowscopeError("E_ABORTED", "the cohort was aborted", {}, { cause: signal.reason });
  await mkdir(join(outDir, ".marrowscope"), { recursive: true });
  const formats = [...new Set<CohortFormat>(["json", ...(options.formats ?? [])])];
  const taken = new Set(RESERVED);
  const names = entryFileNames(
    entries.map((e) => e.id),
    taken,
  );
  let results: CohortEntryResult[];
  let threads = 0;
  if (options.tablesOnly) {
    results = [];
    for (const [i, entry] of entries.entries()) {
      const there = existsSync(join(outDir, `${names[i]}.json`));
      // "done": the report is there, made by the engine's step (the tables then equal a direct run's).
      const result: CohortEntryResult = there
        ? { id: entry.id, file: entry.vcf, status: "done" }
        : { id: entry.id, file: entry.vcf, status: "failed", error: `${names[i]}.json is not in ${outDir}` };
      results.push(result);
      options.onEntry?.(result);
    }
  } else {
    const tasks = entries.map((entry, i): EntryTask => {
      const merged = { ...options.options, ...entry.options };
      const { onWarning: _w, onProgress: _p, signal: _s, panel, ...plain } = merged;
      return {
        id: entry.id,
        vcf: entry.vcf,
        name: names[i]!,
        outDir,
        formats,
        options: cloneable(plain, entry.id),
        // An entry's own panel wins over the cohort's, as every other option does.
        ...(panel === undefined || panel === builtinPanel ? {} : { panel }),
        force: Boolean(options.force),
      };
    });
    // Beyond the cores there is nothing to gain, and each thread holds an engine (~100 MB).
    const lanes = Math.min(jobs, availableParallelism());
    ({ results, threads } = await runTasks(tasks, lanes, options.threads ?? true, signal, (r) => options.onEntry?.(r)));
  }
  const reports = new ReportReader(outDir, names, results, Boolean(options.tablesOnly));
  const trajectories = await writeTrajectories(outDir, entries, reports, taken);
  const tables = await writeTables(outDir, entries, names, reports, formats, trajectories);
  return { entries: reports.results, tables, threads, trajectories };
}

/**
 * Reads entries' reports back, one at a time. A report that is missing or not a report (a folder
 * edited by hand, another tool's step in `--tables-only`) fails its entry, with the file named.
 */
class ReportReader {
  readonly results: CohortEntryResult[];
  constructor(
    private readonly outDir: string,
    private readonly names: readonly string[],
    results: readonly CohortEntryResult[],
    /** Reports written by others are checked against the report schema. */
    private readonly foreign: boolean,
  ) {
    this.results = [...results];
  }

  async read(i: number): Promise<Report | undefined> {
    const result = this.results[i]!;
    if (result.status === "failed") return undefined;
    const file = join(this.outDir, `${this.names[i]}.json`);
    try {
      const json: unknown = JSON.parse(await readFile(file, "utf8"));
      if (this.foreign) return ReportSchema.parse(json) as Report;
      if (!Array.isArray((json as Report | null)?.samples)) throw new Error("no samples");
      return json as Report;
    } catch (error) {
      this.results[i] = {
        ...result,
        status: "failed",
        error: `${file}: not a marrowscope report (${internalMessage(error).slice(0, 200)})`,
      };
      return undefined;
    }
  }
}

/**
 * Serial samples: the entries of each patient, in entry order, compared when two or more were
 * annotated. One patient's reports are read at a time.
 */
async function writeTrajectories(
  outDir: string,
  entries: readonly CohortEntry[],
  reports: ReportReader,
  taken: Set<string>,
): Promise<CohortResult["trajectories"]> {
  const byPatient = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    if (entry.patient === undefined) return;
    const list = byPatient.get(entry.patient) ?? [];
    list.push(i);
    byPatient.set(entry.patient, list);
  });
  const out: TrajectoryFiles[] = [];
  for (const [patient, all] of byPatient) {
    const read: { i: number; report: Report }[] = [];
    for (const i of all) {
      const report = await reports.read(i);
      if (report) read.push({ i, report });
    }
    if (read.length < 2) continue;
    const label = (i: number) => entries[i]!.timepoint ?? entries[i]!.id;
    // Named after the patient (cut so the suffix stays), clear of every entry's files.
    const [stem] = entryFileNames([`${safeName(patient).slice(0, 88)}.trajectory`], taken);
    const comparison: Comparison = compareTimepoints(
      read.map((r) => r.report),
      read.map((r) => label(r.i)),
    );
    // A time point whose entry failed is left out of the comparison, and said to be.
    const omitted = all.filter((i) => !read.some((r) => r.i === i)).map((i) => ({ id: entries[i]!.id, timepoint: label(i) }));
    const json = join(outDir, `${stem}.json`);
    const md = join(outDir, `${stem}.md`);
    const html = join(outDir, `${stem}.html`);
    await writeAtomically(json, `${JSON.stringify({ patient, ...(omitted.length > 0 ? { omitted } : {}), ...comparison }, null, 2)}\n`);
    await writeAtomically(md, comparisonMarkdown(comparison));
    await writeAtomically(html, comparisonHtml(comparison));
    out.push({ patient, json, md, html, ...(omitted.length > 0 ? { omitted } : {}) });
  }
  return out;
}

/**
 * The cohort tables and page, from every entry's JSON report, read one at a time: the findings
 * table is written as it grows and the page keeps a few cells per gene, so memory does not grow
 * with the reports (200 whole-genome reports are ~400 MB of JSON).
 */
async function writeTables(
  outDir: string,
  entries: readonly CohortEntry[],
  names: readonly string[],
  reports: ReportReader,
  formats: readonly CohortFormat[],
  trajectories: CohortResult["trajectories"],
): Promise<CohortResult["tables"]> {
  const paths = {
    findings: join(outDir, "cohort-findings.tsv"),
    summary: join(outDir, "cohort-summary.tsv"),
    json: join(outDir, "cohort.json"),
    html: join(outDir, "cohort.html"),
  };
  const findingsPartial = `${paths.findings}.partial-${process.pid}-${randomUUID()}`;
  const findings = await open(findingsPartial, "wx");
  const summary = [["entry", "sample", "role", "istResponse", "clonalEvolutionRisk", "inheritedDisorder", "findings"].join("\t")];
  const json: unknown[] = [];
  const page = new CohortPage();
  const link = formats.includes("html") ? "html" : "json";
  try {
    await findings.write(`${["entry", "sample", "role", "gene", "variant", "classification", "origin", "vaf", "codes"].join("\t")}\n`);
    for (const [i, entry] of entries.entries()) {
      const report = await reports.read(i);
      const result = reports.results[i]!;
      if (!report) {
        json.push({ id: entry.id, file: entry.vcf, status: "failed", error: result.error });
        page.add(entry.id, entry.vcf, result, undefined, "");
        continue;
      }
      const rows: string[] = [];
      const samples = report.samples.map((s) => {
        for (const f of s.findings) {
          rows.push(
            `${[
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
              .join("\t")}\n`,
          );
        }
        summary.push(
          [entry.id, s.name, s.role, s.summary.istResponse, s.summary.clonalEvolutionRisk, s.summary.inheritedDisorder, s.findings.length]
            .map(tsvCell)
            .join("\t"),
        );
        return { name: s.name, role: s.role, summary: { ...s.summary, reasons: undefined }, findings: s.findings.length };
      });
      await findings.write(rows.join(""));
      // "done" also for a report made by an earlier run: the table is the same whether resumed or not.
      json.push({ id: entry.id, file: entry.vcf, status: "done", report: `${names[i]}.json`, panel: report.panel, samples });
      page.add(entry.id, entry.vcf, result, report, `${names[i]}.${extension(link)}`);
    }
    await findings.close();
    await rename(findingsPartial, paths.findings);
  } catch (error) {
    await findings.close().catch(() => {});
    await unlink(findingsPartial).catch(() => {});
    throw error;
  }
  const trajectoryFiles = trajectories.map((t) => ({
    patient: t.patient,
    json: basename(t.json),
    md: basename(t.md),
    html: basename(t.html),
    ...(t.omitted ? { omitted: t.omitted } : {}),
  }));
  await writeAtomically(paths.summary, `${summary.join("\n")}\n`);
  await writeAtomically(
    paths.json,
    `${JSON.stringify({ disclaimer: DISCLAIMER, entries: json, ...(trajectoryFiles.length > 0 ? { trajectories: trajectoryFiles } : {}) }, null, 2)}\n`,
  );
  await writeAtomically(paths.html, page.html(trajectoryFiles));
  return paths;
}
