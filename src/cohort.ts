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
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type CohortEntryResult, type CohortFormat, type EntryTask, extension, runEntry, writeAtomically } from "./cohort-entry.js";
import { CohortPage } from "./cohort-html.js";
import { type Comparison, compareTimepoints, comparisonMarkdown } from "./compare.js";
import type { AnnotateOptions } from "./options.js";
import { builtinPanel } from "./panel/index.js";
import { DISCLAIMER, type Report } from "./report/schema.js";
import { comparisonHtml } from "./report/trajectory-html.js";

export type { CohortEntryResult, CohortFormat } from "./cohort-entry.js";

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
  /** Per patient with two or more time points: the trajectory files written (JSON, Markdown, HTML with a VAF plot). */
  readonly trajectories: readonly { readonly patient: string; readonly json: string; readonly md: string; readonly html: string }[];
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

/**
 * Unique file name stems, in entry order: `a`, then `a-2`, `a-3` … skipping any already taken (so ids
 * `a`, `a`, `a-2` give `a`, `a-2`, `a-2-2`) and the cohort's own names (an id `cohort` gives `cohort-2`).
 * The Snakemake and CWL workflows name reports the same way (workflows/).
 */
export function entryFileNames(ids: readonly string[], taken: Set<string> = new Set(RESERVED)): string[] {
  const used = new Map<string, number>();
  // `a.fhir.json` is entry a's FHIR file and entry a.fhir's report: a name and the name plus a
  // suffix of another file kind never both go to entries.
  const clashes = (name: string) => taken.has(name) || KIND_SUFFIXES.some((suffix) => taken.has(`${name}${suffix}`));
  return ids.map((id) => {
    const base = safeName(id);
    let n = used.get(base) ?? 0;
    let name: string;
    do {
      n++;
      name = n === 1 ? base : `${base}-${n}`;
    } while (clashes(name));
    used.set(base, n);
    taken.add(name);
    for (const suffix of KIND_SUFFIXES) taken.add(`${name}${suffix}`);
    return name;
  });
}

/** What file kinds add to a stem before their extension (`a.fhir.json`, `p.trajectory.md`). */
const KIND_SUFFIXES = [".fhir", ".phenopacket", ".trajectory"];

const tsvCell = (v: unknown) => String(v ?? "").replace(/[\t\r\n]/g, " ");

/**
 * The worker script built beside this module (dist/cohort-worker.js or .cjs), or undefined when
 * this module runs from source.
 */
function workerScript(): URL | undefined {
  const here = import.meta.url;
  const ext = here.endsWith(".cjs") ? "cjs" : here.endsWith(".js") ? "js" : undefined;
  if (!ext) return undefined;
  const url = new URL(`./cohort-worker.${ext}`, here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** Runs tasks `jobs` at a time, in worker threads when it can; results in task order. */
async function runTasks(
  tasks: readonly EntryTask[],
  jobs: number,
  threads: boolean,
  onResult: (i: number, result: CohortEntryResult) => void,
): Promise<{ results: CohortEntryResult[]; threads: number }> {
  const results: CohortEntryResult[] = new Array(tasks.length);
  let next = 0;
  const script = threads ? workerScript() : undefined;
  const lanes = Math.max(1, Math.min(jobs, tasks.length));
  const workers: Worker[] = [];
  const lane = async (worker: Worker | undefined) => {
    for (;;) {
      const i = next++;
      if (i >= tasks.length) return;
      const result = worker ? await inWorker(worker, tasks[i]!) : await runEntry(tasks[i]!);
      results[i] = result;
      onResult(i, result);
    }
  };
  try {
    for (let k = 0; k < lanes && script; k++) workers.push(new Worker(script));
    await Promise.all(Array.from({ length: lanes }, (_, k) => lane(workers[k])));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, threads: workers.length };
}

function inWorker(worker: Worker, task: EntryTask): Promise<CohortEntryResult> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (message: { result?: CohortEntryResult; bug?: string }) => {
      done();
      if (message.result) resolve(message.result);
      else reject(new Error(`cohort worker: ${message.bug}`));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`cohort worker exited (code ${code}) during ${task.id}`));
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(task);
  });
}

/** Annotates each entry into `outDir` and writes the cohort tables, page and trajectories. */
export async function annotateCohort(entries: readonly CohortEntry[], options: CohortOptions): Promise<CohortResult> {
  const { outDir } = options;
  await mkdir(join(outDir, ".marrowscope"), { recursive: true });
  const formats = [...new Set<CohortFormat>(["json", ...(options.formats ?? [])])];
  const panel = options.options?.panel ?? builtinPanel;
  const names = entryFileNames(entries.map((e) => e.id));
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
      const { onWarning: _w, onProgress: _p, signal: _s, panel: _panel, ...plain } = merged;
      return {
        id: entry.id,
        vcf: entry.vcf,
        name: names[i]!,
        outDir,
        formats,
        options: plain,
        ...(panel === builtinPanel ? {} : { panel }),
        force: Boolean(options.force),
      };
    });
    ({ results, threads } = await runTasks(tasks, options.jobs ?? 2, options.threads ?? true, (_i, r) => options.onEntry?.(r)));
  }
  const trajectories = await writeTrajectories(outDir, entries, names, results);
  const tables = await writeTables(outDir, entries, names, results, formats, trajectories);
  return { entries: results, tables, threads, trajectories };
}

async function readReport(outDir: string, name: string): Promise<Report> {
  return JSON.parse(await readFile(join(outDir, `${name}.json`), "utf8")) as Report;
}

/**
 * Serial samples: the entries of each patient, in entry order, compared when two or more were
 * annotated. One patient's reports are read at a time.
 */
async function writeTrajectories(
  outDir: string,
  entries: readonly CohortEntry[],
  names: readonly string[],
  results: readonly CohortEntryResult[],
): Promise<CohortResult["trajectories"]> {
  const byPatient = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    if (entry.patient === undefined || results[i]!.status === "failed") return;
    const list = byPatient.get(entry.patient) ?? [];
    list.push(i);
    byPatient.set(entry.patient, list);
  });
  const patients = [...byPatient].filter(([, list]) => list.length >= 2);
  // Trajectory files are named after the patient; never over an entry's own report.
  const stems = entryFileNames(
    patients.map(([patient]) => `${patient}.trajectory`),
    new Set([...RESERVED, ...names]),
  );
  const out: { patient: string; json: string; md: string; html: string }[] = [];
  for (const [k, [patient, list]] of patients.entries()) {
    const reports: Report[] = [];
    for (const i of list) reports.push(await readReport(outDir, names[i]!));
    const comparison: Comparison = compareTimepoints(
      reports,
      list.map((i) => entries[i]!.timepoint ?? entries[i]!.id),
    );
    const json = join(outDir, `${stems[k]}.json`);
    const md = join(outDir, `${stems[k]}.md`);
    await writeAtomically(json, `${JSON.stringify({ patient, ...comparison }, null, 2)}\n`);
    const html = join(outDir, `${stems[k]}.html`);
    await writeAtomically(md, comparisonMarkdown(comparison));
    await writeAtomically(html, comparisonHtml(comparison));
    out.push({ patient, json, md, html });
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
  results: readonly CohortEntryResult[],
  formats: readonly CohortFormat[],
  trajectories: CohortResult["trajectories"],
): Promise<CohortResult["tables"]> {
  const paths = {
    findings: join(outDir, "cohort-findings.tsv"),
    summary: join(outDir, "cohort-summary.tsv"),
    json: join(outDir, "cohort.json"),
    html: join(outDir, "cohort.html"),
  };
  const findingsPartial = `${paths.findings}.partial-${process.pid}`;
  const findings = await open(findingsPartial, "w");
  const summary = [["entry", "sample", "role", "istResponse", "clonalEvolutionRisk", "inheritedDisorder", "findings"].join("\t")];
  const json: unknown[] = [];
  const page = new CohortPage();
  const link = formats.includes("html") ? "html" : "json";
  try {
    await findings.write(`${["entry", "sample", "role", "gene", "variant", "classification", "origin", "vaf", "codes"].join("\t")}\n`);
    for (const [i, entry] of entries.entries()) {
      const result = results[i]!;
      if (result.status === "failed") {
        json.push({ id: entry.id, file: entry.vcf, status: "failed", error: result.error });
        page.add(entry.id, entry.vcf, result, undefined, "");
        continue;
      }
      const report = await readReport(outDir, names[i]!);
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
      json.push({ id: entry.id, file: entry.vcf, status: result.status, report: `${names[i]}.json`, panel: report.panel, samples });
      page.add(entry.id, entry.vcf, result, report, `${names[i]}.${extension(link)}`);
    }
  } finally {
    await findings.close();
  }
  await rename(findingsPartial, paths.findings);
  const trajectoryFiles = trajectories.map((t) => ({
    patient: t.patient,
    json: basename(t.json),
    md: basename(t.md),
    html: basename(t.html),
  }));
  await writeAtomically(paths.summary, `${summary.join("\n")}\n`);
  await writeAtomically(
    paths.json,
    `${JSON.stringify({ disclaimer: DISCLAIMER, entries: json, ...(trajectoryFiles.length > 0 ? { trajectories: trajectoryFiles } : {}) }, null, 2)}\n`,
  );
  await writeAtomically(paths.html, page.html(trajectoryFiles));
  return paths;
}
