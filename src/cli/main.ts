/**
 * The `marrowscope` command. stdout carries data only; warnings and errors go to stderr as
 * one line each (no stack unless --debug). Exit codes: 0 ok, 1 internal bug, 2 usage/options,
 * 3 input/VCF/assembly/sample, 4 panel (DESIGN.md §5).
 */
import { randomUUID } from "node:crypto";
import { type FileHandle, open, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";
import { Argument, Command, CommanderError, Option } from "commander";
import { annotateStreamWith, annotateWith, type RunStore } from "../annotate.js";
import type { CohortEntry, CohortFormat } from "../cohort.js";
import { type PatientContext, parseContext } from "../context.js";
import { exitCodeFor, MarrowscopeError, quote, type Warning } from "../errors.js";
import { nodeResolvers } from "../node-resolvers.js";
import type { AnnotateOptions, Progress } from "../options.js";
import { builtinPanel, canonicalJson, loadPanel, type Panel } from "../panel/index.js";
import { describeProblems, validateWith } from "../read.js";
import { toReport } from "../report/build.js";
import { jsonChunks, ndjsonChunks, tsvChunks } from "../report/emit.js";
import { spillingStore } from "../spill.js";
import { utf8Batches } from "../utf8-batches.js";
import { VERSION } from "../version.js";

const MAX_WARNINGS_SHOWN = 50;

/** Signals on which `annotate` removes its temporary files before it dies (src/spill.ts). */
const CLEANUP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

class CliState {
  debug = false;
  quiet = false;
  warningsShown = 0;
  warningsHidden = 0;
  /** While a progress bar owns the terminal line, warnings wait here. */
  held: Warning[] | undefined;
  warn = (warning: Warning) => {
    if (this.quiet) return;
    if (this.held) {
      if (this.held.length < MAX_WARNINGS_SHOWN) this.held.push(warning);
      else this.warningsHidden++;
      return;
    }
    if (this.warningsShown < MAX_WARNINGS_SHOWN) {
      process.stderr.write(`marrowscope: warning: ${warning.message}\n`);
      this.warningsShown++;
    } else this.warningsHidden++;
  };
  release() {
    const held = this.held ?? [];
    this.held = undefined;
    for (const warning of held) this.warn(warning);
  }
  flushWarnings() {
    if (this.warningsHidden > 0) {
      process.stderr.write(`marrowscope: ${this.warningsHidden} more warning(s) not shown (all are in the report's warnings)\n`);
    }
  }
}

async function readPanelFile(path: string): Promise<Panel> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new MarrowscopeError(
      "E_PANEL",
      `cannot read panel file: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
      { file: path },
      { cause },
    );
  }
  let json: unknown;
  if (/\.ya?ml$/i.test(path)) {
    // YAML for curators who prefer it; the `yaml` package reports line and column.
    // Loaded on demand: most runs use the builtin panel, and start-up time counts in pipelines.
    const { parseDocument } = await import("yaml");
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new MarrowscopeError(
        "E_PANEL",
        `not valid YAML: ${(error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`,
        { file: path, ...(line ? { line } : {}) },
      );
    }
    json = doc.toJS();
  } else {
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new MarrowscopeError("E_PANEL", `not valid JSON: ${(cause as Error).message}`, { file: path }, { cause });
    }
  }
  return loadPanel(json, { name: path });
}

/** Line (1-based) of character `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Reads `--context FILE`: JSON, or YAML for `.yaml`/`.yml` (the `yaml` package, loaded on demand
 * as for panels). Every problem is a usage error (exit 2) naming the file, and the line where
 * the parser knows it.
 */
async function readContextFile(path: string): Promise<PatientContext> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new MarrowscopeError(
      "E_OPTIONS",
      `cannot read context file: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
      { file: path, field: "--context" },
      { cause },
    );
  }
  if (/\.ya?ml$/i.test(path)) {
    const { LineCounter, parseDocument } = await import("yaml");
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new MarrowscopeError(
        "E_OPTIONS",
        `not valid YAML: ${(error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`,
        { file: path, ...(line ? { line } : {}) },
      );
    }
    // A field's line: its value's node, else (a path into nothing) the document's start.
    const lineOf = (fieldPath: readonly PropertyKey[]) => {
      const node = doc.getIn(fieldPath as unknown[], true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0] ?? (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    };
    return parseContext(doc.toJS(), path, lineOf);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const message = (cause as Error).message;
    // V8 says "at position N" (Node 20) or "(line L column C)" (later versions).
    const byLine = /line (\d+) column \d+/.exec(message);
    const byPosition = /at position (\d+)/.exec(message);
    const line = byLine ? Number(byLine[1]) : byPosition ? lineAt(text, Number(byPosition[1])) : undefined;
    throw new MarrowscopeError("E_OPTIONS", `not valid JSON: ${message}`, { file: path, ...(line ? { line } : {}) }, { cause });
  }
  return parseContext(json, path);
}

function cannotWrite(output: string, cause: unknown): MarrowscopeError {
  return new MarrowscopeError(
    "E_INPUT",
    `cannot write output: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
    { file: output },
    { cause },
  );
}

// Bytes gathered before each write: few syscalls, bounded memory.
const WRITE_BATCH = 1 << 20;

interface Output {
  /** Writes all of the bytes, or fails (ENOSPC, EFBIG …) with the temporary file removed. */
  write(data: Uint8Array): Promise<void>;
  /** Closes the file and gives it its name: only a complete output ever has it. */
  commit(): Promise<void>;
  /** Closes and removes what was written; safe after a failed write. */
  discard(): Promise<void>;
}

/**
 * Opens `-o FILE`. A regular file (or a new one) is written under a temporary name beside it and
 * renamed when complete, so a failed run leaves no partial file under the name; a device or a pipe
 * (/dev/stdout, a FIFO) is written as it is: renaming over it would replace it.
 */
async function openOutput(output: string): Promise<Output> {
  const info = await stat(output).catch(() => undefined);
  const direct = info !== undefined && !info.isFile();
  // A link to a file: the file it names is replaced, the link kept.
  const target = direct ? output : await realpath(output).catch(() => output);
  // Unpredictable and created exclusively: a link planted at the name is not followed.
  const temporary = direct ? undefined : `${target}.partial-${process.pid}-${randomUUID()}`;
  let handle: FileHandle;
  try {
    handle = await open(temporary ?? output, temporary ? "wx" : "w");
  } catch (cause) {
    throw cannotWrite(output, cause);
  }
  const discard = async () => {
    await handle.close().catch(() => {});
    if (temporary) await unlink(temporary).catch(() => {});
  };
  return {
    async write(data) {
      try {
        // A write may take part of the bytes (a disk filling up): the rest must follow, or fail.
        for (let done = 0; done < data.byteLength; ) {
          const { bytesWritten } = await handle.write(data, done, data.byteLength - done);
          if (bytesWritten === 0) throw Object.assign(new Error("no bytes written"), { code: "EIO" });
          done += bytesWritten;
        }
      } catch (cause) {
        // The caller discards (emit and the annotate command both do, once).
        throw cannotWrite(output, cause);
      }
    },
    async commit() {
      try {
        await handle.close();
        if (temporary) await rename(temporary, target);
      } catch (cause) {
        await discard();
        throw cannotWrite(output, cause);
      }
    },
    discard,
  };
}

const toStdout = (data: Uint8Array) =>
  new Promise<void>((resolve, reject) => process.stdout.write(data, (error) => (error ? reject(error) : resolve())));

/** Writes the pieces in order to the file (or stdout for none/"-"), waiting for each write. */
async function emit(chunks: readonly string[] | Generator<string>, output: string | undefined): Promise<void> {
  const file = output && output !== "-" ? await openOutput(output) : undefined;
  // One buffer for every write: each write is awaited to completion before the next batch.
  const buffer = Buffer.allocUnsafe(WRITE_BATCH);
  try {
    for (const batch of utf8Batches(buffer, chunks)) {
      const bytes = typeof batch === "string" ? Buffer.from(batch) : batch;
      await (file ? file.write(bytes) : toStdout(bytes));
    }
  } catch (error) {
    // Nothing half-written is left behind.
    await file?.discard();
    throw error;
  }
  await file?.commit();
}

/** A cohort manifest: TSV with a header naming at least `id` and `vcf`; paths relative to the manifest. */
async function readManifest(path: string): Promise<CohortEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new MarrowscopeError("E_INPUT", "cannot read the manifest", { file: path }, { cause });
  }
  const lines = text.split(/\r?\n/);
  const head = (lines[0] ?? "").split("\t").map((h) => h.trim().toLowerCase());
  const col = (name: string) => head.indexOf(name);
  if (col("id") < 0 || col("vcf") < 0)
    throw new MarrowscopeError("E_OPTIONS", "the header must name the columns id and vcf", { file: path, line: 1 });
  const out: CohortEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const cells = line.split("\t");
    const get = (name: string) => (col(name) >= 0 ? cells[col(name)]?.trim() || undefined : undefined);
    const id = get("id");
    const vcf = get("vcf");
    if (!id || !vcf)
      throw new MarrowscopeError("E_OPTIONS", "id and vcf must not be empty", { file: path, line: i + 1, field: !id ? "id" : "vcf" });
    const assembly = get("assembly");
    if (assembly && !["GRCh37", "GRCh38", "auto"].includes(assembly)) {
      throw new MarrowscopeError("E_OPTIONS", `assembly ${JSON.stringify(assembly)} is not GRCh37, GRCh38 or auto`, {
        file: path,
        line: i + 1,
        field: "assembly",
      });
    }
    const sex = get("sex");
    if (sex && sex !== "male" && sex !== "female")
      throw new MarrowscopeError("E_OPTIONS", "sex is male or female", { file: path, line: i + 1, field: "sex" });
    const tumor = get("tumor");
    const normal = get("normal");
    if (tumor && tumor === normal)
      throw new MarrowscopeError("E_OPTIONS", "tumor and normal name the same sample", { file: path, line: i + 1, field: "normal" });
    // fromEntries defines own keys, so a sample named __proto__ keeps its role.
    const roles: Record<string, "tumor" | "normal"> = Object.fromEntries([
      ...(tumor ? [[tumor, "tumor"] as const] : []),
      ...(normal ? [[normal, "normal"] as const] : []),
    ]);
    const options: AnnotateOptions = {
      ...(assembly ? { assembly: assembly as "GRCh37" | "GRCh38" | "auto" } : {}),
      ...(sex ? { sex: sex as "male" | "female" } : {}),
      ...(Object.keys(roles).length > 0 ? { roles } : {}),
    };
    const patient = get("patient");
    const timepoint = get("timepoint");
    if (timepoint && !patient)
      throw new MarrowscopeError("E_OPTIONS", "a timepoint needs the patient it belongs to", { file: path, line: i + 1, field: "patient" });
    out.push({
      id,
      vcf: isAbsolute(vcf) ? vcf : join(dirname(path), vcf),
      ...(Object.keys(options).length > 0 ? { options } : {}),
      ...(patient ? { patient } : {}),
      ...(timepoint ? { timepoint } : {}),
    });
  }
  return out;
}

/** Whether two paths name the same file (an output that does not exist yet names none). */
async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Writes text or bytes as they come (the annotated VCF streams from the input) to a file or
 * stdout; a file under a temporary name, renamed when complete (openOutput).
 */
async function emitBytes(chunks: AsyncIterable<Uint8Array | string>, output: string | undefined): Promise<void> {
  const file = output && output !== "-" ? await openOutput(output) : undefined;
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let size = 0;
  const flush = (data: Uint8Array) => (file ? file.write(data) : toStdout(data));
  try {
    for await (const chunk of chunks) {
      if (typeof chunk !== "string") {
        await flush(chunk);
        continue;
      }
      // Lines gathered into writes of about WRITE_BATCH bytes.
      pending.push(chunk);
      size += chunk.length;
      if (size >= WRITE_BATCH) {
        await flush(encoder.encode(pending.join("")));
        pending = [];
        size = 0;
      }
    }
    if (pending.length > 0) await flush(encoder.encode(pending.join("")));
  } catch (error) {
    // Nothing half-written is left behind.
    await file?.discard();
    throw error;
  }
  await file?.commit();
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A bar on stderr with this format, only when stderr is a terminal (never in pipelines or logs).
 * cli-progress is loaded on demand: pipelines (no TTY) never pay for it.
 */
async function terminalBar(state: CliState, format: string): Promise<import("cli-progress").SingleBar | undefined> {
  if (!process.stderr.isTTY || state.quiet) return undefined;
  const { SingleBar } = await import("cli-progress");
  return new SingleBar({
    stream: process.stderr,
    format,
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
    barsize: 30,
    barCompleteChar: "#",
    barIncompleteChar: "-",
  });
}

/** The cohort's bar: entries done of all. */
async function cohortBar(state: CliState, total: number): Promise<import("cli-progress").SingleBar | undefined> {
  const bar = await terminalBar(state, "marrowscope cohort {bar} {value}/{total} entries | {id}");
  bar?.start(total, 0, { id: "" });
  return bar;
}

/** annotate's bar: bytes read of the file, records so far. */
async function progressBar(state: CliState): Promise<{ update: (p: Progress) => void; stop: () => void } | undefined> {
  const bar = await terminalBar(state, "marrowscope {bar} {percentage}% | {records} records | {mb} MB");
  if (!bar) return undefined;
  let started = false;
  state.held = [];
  return {
    update(p) {
      const payload = { records: p.records.toLocaleString("en-US"), mb: (p.bytesRead / 1e6).toFixed(0) };
      if (!started) {
        bar.start(p.totalBytes ?? 0, 0, payload);
        started = true;
      }
      bar.update(Math.min(p.bytesRead, p.totalBytes ?? p.bytesRead), payload);
    },
    // Idempotent: called after the run, and again on the way out if the run failed.
    stop() {
      if (started) bar.stop();
      started = false;
      state.release();
    },
  };
}

function parseVaf(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new MarrowscopeError("E_OPTIONS", `expected a fraction between 0 and 1, found ${JSON.stringify(value)}`, { field: "--min-vaf" });
  }
  return n;
}

export function buildProgram(state: CliState): Command {
  const program = new Command("marrowscope")
    .description("Aplastic-anemia treatment-resistance annotations from VCF files (research use only; not a diagnosis)")
    .version(VERSION, "-V, --version")
    .option("--debug", "print stack traces for errors")
    .option("-q, --quiet", "do not print warnings to stderr (they stay in the report)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.hook("preAction", (cmd) => {
    const opts = cmd.opts();
    state.debug = Boolean(opts.debug);
    state.quiet = Boolean(opts.quiet);
  });

  program
    .command("annotate")
    .description("annotate a VCF (plain, gzip or BGZF; .tbi/.csi beside it is used automatically)")
    .argument("<vcf>", "VCF file path")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["json", "ndjson", "tsv", "md", "html", "vcf", "fhir", "phenopacket"])
        .default("json"),
    )
    .option("--only-findings", "with -f vcf: keep only the records that have a finding (default: every record)")
    .option(
      "--created <time>",
      "phenopacket metaData.created (RFC 3339; default 1970-01-01T00:00:00Z, a placeholder that keeps output deterministic)",
    )
    .option("-o, --output <file>", "write to FILE instead of stdout")
    .option("--panel <file>", 'custom panel, JSON or YAML (may `extends: "builtin"`)')
    .addOption(new Option("--assembly <assembly>", "reference assembly").choices(["GRCh37", "GRCh38", "auto"]).default("auto"))
    .option("--sample <name>", "only this sample (repeatable)", collect)
    .option("--tumor <name>", "tumor sample of a tumor/normal pair")
    .option("--normal <name>", "normal sample of a tumor/normal pair")
    .addOption(new Option("--strategy <strategy>", "read via index, full scan, or auto").choices(["auto", "index", "scan"]).default("auto"))
    .option("--index <file>", "the .tbi/.csi index when it is not beside the VCF")
    .addOption(new Option("--origin <origin>", "declare the origin of every variant").choices(["germline", "somatic"]))
    .addOption(new Option("--sex <sex>", "sample sex, for X-linked genes").choices(["male", "female"]))
    .option("--min-vaf <fraction>", "ignore calls below this allele fraction", parseVaf)
    .option("--lenient", "skip bad records with a warning instead of stopping")
    .option("--targets <bed>", "BED of the regions the input was called over (plain or gzip): what coverage counts as assessed")
    .addOption(
      new Option("--scope <scope>", "declare the input a whole genome or an exome (coverage, when no --targets or gVCF blocks)").choices([
        "genome",
        "exome",
      ]),
    )
    .addOption(
      new Option(
        "--consequences <source>",
        "file: the input's annotation, the builtin MANE model where it has none; builtin: the model only; both: the file's, the model's where the file has none, warning where they differ",
      )
        .choices(["file", "builtin", "both"])
        .default("file"),
    )
    .option(
      "--reference <fasta>",
      "indexed reference FASTA of the input's build (.fai beside it; bgzipped: .fai and .gzi): protein and HGVS consequences for every panel gene, REF checks",
    )
    .option(
      "--context <file>",
      "patient context, JSON or YAML (age, sex, telomereLengthPercentile, pnhCloneSize, priorTherapy, plannedDonor)",
    )
    .action(async (vcf: string, opts) => {
      const roles: Record<string, "tumor" | "normal"> = {};
      if (opts.tumor) roles[opts.tumor] = "tumor";
      if (opts.normal) roles[opts.normal] = "normal";
      if (opts.format === "vcf" && opts.output && opts.output !== "-" && (await sameFile(opts.output, vcf))) {
        throw new MarrowscopeError("E_OPTIONS", "-f vcf reads the input again while it writes: -o must not be the input file", {
          field: "output",
        });
      }
      if (opts.format === "vcf" && opts.strategy === "index") {
        throw new MarrowscopeError("E_OPTIONS", "-f vcf writes every record of the input, so it scans: drop --strategy index", {
          field: "strategy",
        });
      }
      const options: AnnotateOptions = {
        assembly: opts.assembly,
        // The annotated VCF matches findings to records by line number, which a scan gives.
        strategy: opts.format === "vcf" ? "scan" : opts.strategy,
        strict: !opts.lenient,
        onWarning: state.warn,
        ...(opts.panel ? { panel: await readPanelFile(opts.panel) } : {}),
        ...(opts.sample ? { samples: opts.sample } : {}),
        ...(Object.keys(roles).length ? { roles } : {}),
        ...(opts.index ? { index: opts.index } : {}),
        ...(opts.origin ? { origin: opts.origin } : {}),
        ...(opts.sex ? { sex: opts.sex } : {}),
        ...(opts.minVaf !== undefined ? { minVaf: opts.minVaf } : {}),
        ...(opts.targets ? { targets: opts.targets } : {}),
        ...(opts.scope ? { scope: opts.scope } : {}),
        consequences: opts.consequences,
        ...(opts.reference ? { reference: opts.reference } : {}),
        ...(opts.context ? { context: await readContextFile(opts.context) } : {}),
      };
      const bar = await progressBar(state);
      // Samples are made one at a time as the writer reaches them; findings and warnings past
      // a budget wait on disk meanwhile (src/spill.ts), so memory does not grow with them.
      let store: RunStore | undefined;
      const makeStore = spillingStore();
      // A scheduler's SIGTERM, a hang-up or Ctrl-C must not leave the temporary files behind:
      // remove them, then die of the same signal, so the exit status still says what happened.
      const onSignal = (signal: NodeJS.Signals) => {
        bar?.stop();
        store?.close();
        for (const s of CLEANUP_SIGNALS) process.removeListener(s, onSignal);
        process.kill(process.pid, signal);
      };
      for (const s of CLEANUP_SIGNALS) process.on(s, onSignal);
      try {
        const report = await annotateStreamWith(vcf, bar ? { ...options, onProgress: bar.update } : options, nodeResolvers, (panel) => {
          store = makeStore(panel);
          return store;
        });
        bar?.stop();
        state.flushWarnings();
        if (opts.format === "fhir") {
          // Exporters load only when asked for: start-up is what a cohort of files pays per process.
          const { toFHIR } = await import("../report/fhir.js");
          await emit([toFHIR(toReport(report), options.panel ? { panel: options.panel } : {})], opts.output);
          return;
        }
        if (opts.format === "phenopacket") {
          const { toPhenopacket } = await import("../report/phenopacket.js");
          await emit([toPhenopacket(toReport(report), opts.created ? { created: opts.created } : {})], opts.output);
          return;
        }
        if (opts.format === "vcf") {
          // The input's own lines, with the findings added; BGZF when the output ends in .gz.
          const [{ vcfChunks }, { fileLines }, { bgzfBlocks }] = await Promise.all([
            import("../report/vcf.js"),
            import("../vcf/node-lines.js"),
            import("../vcf/bgzf-write-node.js"),
          ]);
          const lines = vcfChunks(toReport(report), fileLines(vcf), { onlyFindings: Boolean(opts.onlyFindings) });
          await emitBytes(opts.output?.endsWith(".gz") ? bgzfBlocks(lines) : lines, opts.output);
          return;
        }
        const clinician = opts.format === "md" || opts.format === "html" ? await import("../report/clinician.js") : undefined;
        const chunks =
          opts.format === "ndjson"
            ? ndjsonChunks(report)
            : opts.format === "tsv"
              ? tsvChunks(report)
              : opts.format === "md"
                ? clinician!.markdownChunks(report)
                : opts.format === "html"
                  ? clinician!.htmlChunks(report)
                  : jsonChunks(report);
        await emit(chunks, opts.output);
      } finally {
        bar?.stop();
        store?.close();
        for (const s of CLEANUP_SIGNALS) process.removeListener(s, onSignal);
      }
    });

  program
    .command("cohort")
    .description(
      "annotate many VCFs into a folder: per-entry reports and the cohort tables (resumable; a failing file does not stop the rest)",
    )
    .argument("[vcf...]", "VCF files (entry id = file name), or use --manifest")
    .option(
      "--manifest <file>",
      "TSV with a header: id, vcf, and optionally assembly, tumor, normal, sex, patient, timepoint (paths relative to the manifest; rows of one patient in time order)",
    )
    .requiredOption("-o, --output <dir>", "output folder")
    .option("--jobs <n>", "entries annotated at once, each in a worker thread (at most the number of cores)", "2")
    .option("-f, --formats <list>", "per-entry report formats, comma-separated: json,tsv,md,html,fhir,phenopacket", "json")
    .addOption(
      new Option("--assembly <assembly>", "reference assembly for entries that do not set one")
        .choices(["GRCh37", "GRCh38", "auto"])
        .default("auto"),
    )
    .option("--panel <file>", "a custom panel instead of the builtin one")
    .option("--lenient", "report bad records as warnings and keep going")
    .option("--force", "annotate again even where an entry's reports are current")
    .option("--tables-only", "only make the cohort tables from <id>.json reports already in the folder (workflow engines' gather step)")
    .action(async (vcfs: string[], opts) => {
      const entries = opts.manifest
        ? await readManifest(opts.manifest)
        : vcfs.map((vcf) => ({ id: basename(vcf).replace(/\.vcf(\.gz)?$/, ""), vcf }));
      if (entries.length === 0) throw new MarrowscopeError("E_OPTIONS", "give VCF files or --manifest", { field: "vcf" });
      const formats = String(opts.formats)
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean);
      for (const f of formats) {
        if (!["json", "tsv", "md", "html", "fhir", "phenopacket"].includes(f)) {
          throw new MarrowscopeError("E_OPTIONS", `unknown format ${JSON.stringify(f)} (json, tsv, md, html, fhir, phenopacket)`, {
            field: "formats",
          });
        }
      }
      const jobs = Number(opts.jobs);
      if (!/^[1-9][0-9]*$/.test(String(opts.jobs))) {
        throw new MarrowscopeError("E_OPTIONS", `--jobs ${quote(opts.jobs)}: expected a whole number of at least 1`, { field: "jobs" });
      }
      const panel = opts.panel ? await readPanelFile(opts.panel) : undefined;
      const { annotateCohort } = await import("../cohort.js");
      // Ids come from the manifest: quoted, so no control character reaches the terminal.
      const line = (r: { id: string; status: string; error?: string }) =>
        `marrowscope: cohort: ${quote(r.id)}: ${r.status}${r.error ? `: ${r.error}` : ""}\n`;
      const bar = await cohortBar(state, entries.length);
      const failures: { id: string; status: string; error?: string }[] = [];
      let result: Awaited<ReturnType<typeof annotateCohort>>;
      try {
        result = await annotateCohort(entries, {
          outDir: opts.output,
          formats: formats as CohortFormat[],
          jobs,
          force: Boolean(opts.force),
          tablesOnly: Boolean(opts.tablesOnly),
          options: { assembly: opts.assembly, strict: !opts.lenient, ...(panel ? { panel } : {}) },
          onEntry: (r) => {
            // On a terminal a bar counts the entries and only failures are listed (after it);
            // elsewhere (pipelines, logs) one line per entry.
            if (bar) {
              bar.increment(1, { id: quote(r.id) });
              if (r.status === "failed") failures.push(r);
            } else if (!state.quiet) process.stderr.write(line(r));
          },
        });
      } finally {
        bar?.stop();
      }
      for (const r of failures) process.stderr.write(line(r));
      const count = (status: string) => result.entries.filter((e) => e.status === status).length;
      const failed = count("failed");
      if (!state.quiet) {
        process.stderr.write(
          `marrowscope: cohort: ${count("done")} done, ${count("skipped")} skipped, ${failed} failed (${result.threads === 0 ? "in one thread" : `${result.threads} worker threads`}); tables in ${result.tables.json}\n`,
        );
      }
      const internal = result.entries.filter((e) => e.internal).length;
      // Not the inputs' fault (a full disk, a crashed worker): exit 1, as any internal error.
      if (internal > 0)
        throw new Error(`cohort: ${internal} entries failed for a reason other than their input (see ${result.tables.json})`);
      if (failed > 0) {
        throw new MarrowscopeError(
          "E_INPUT",
          `cohort: ${failed} of ${result.entries.length} entries failed (see ${result.tables.json}); the others were written`,
          {},
        );
      }
    });

  program
    .command("compare")
    .description("serial samples of one patient, in time order: each clone's VAF over time (new, growing, shrinking, lost) and alerts")
    .argument("<vcfs...>", "two or more VCFs, earliest first")
    .option("--labels <list>", "comma-separated names of the time points (default: the file names)")
    .addOption(new Option("--assembly <assembly>", "reference assembly").choices(["GRCh37", "GRCh38", "auto"]).default("auto"))
    .addOption(new Option("-f, --format <format>", "output format (html: with a plot)").choices(["json", "md", "html"]).default("json"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (vcfs: string[], opts) => {
      if (vcfs.length < 2) throw new MarrowscopeError("E_OPTIONS", "compare needs two or more VCFs", { field: "vcfs" });
      const labels = opts.labels ? String(opts.labels).split(",") : undefined;
      if (labels && labels.length !== vcfs.length)
        throw new MarrowscopeError("E_OPTIONS", `${labels.length} labels for ${vcfs.length} files`, { field: "labels" });
      const { compareTimepoints, comparisonMarkdown } = await import("../compare.js");
      const reports = [];
      for (const vcf of vcfs) reports.push(await annotateWith(vcf, { assembly: opts.assembly, onWarning: state.warn }, nodeResolvers));
      state.flushWarnings();
      const result = compareTimepoints(reports, labels);
      const text =
        opts.format === "html"
          ? (await import("../report/trajectory-html.js")).comparisonHtml(result)
          : opts.format === "md"
            ? comparisonMarkdown(result)
            : `${JSON.stringify(result, null, 2)}\n`;
      await emit([text], opts.output);
    });

  program
    .command("donor")
    .description("does a related donor carry the patient's germline or unknown-origin panel findings? and the donor's own clonal findings")
    .argument("<patient>", "the patient's VCF")
    .argument("<donor>", "the donor's VCF")
    .option("--patient-sample <name>", "the patient's sample, when the file has several")
    .option("--donor-sample <name>", "the donor's sample, when the file has several")
    .addOption(new Option("--assembly <assembly>", "reference assembly").choices(["GRCh37", "GRCh38", "auto"]).default("auto"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "md"]).default("json"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("--panel <file>", "a custom panel instead of the builtin one")
    .action(async (patientFile: string, donorFile: string, opts) => {
      const { checkDonor, donorMarkdown } = await import("../donor.js");
      const result = await checkDonor(patientFile, donorFile, {
        assembly: opts.assembly,
        onWarning: state.warn,
        ...(opts.patientSample ? { patientSample: opts.patientSample } : {}),
        ...(opts.donorSample ? { donorSample: opts.donorSample } : {}),
        ...(opts.panel ? { panel: await readPanelFile(opts.panel) } : {}),
      });
      state.flushWarnings();
      await emit([opts.format === "md" ? donorMarkdown(result) : `${JSON.stringify(result, null, 2)}\n`], opts.output);
    });

  program
    .command("validate")
    .description("parse every record fully; exit 0 when the file is valid, 3 when not")
    .argument("<vcf>", "VCF file path")
    .option("--lenient", "report bad records as warnings and keep going (exit 0)")
    .option(
      "--strict-spec",
      "every violation with its line, not the first of each kind, bad records read past; counts per code and field (exit 3 if any is an error)",
    )
    .action(async (vcf: string, opts) => {
      // Warnings counted here, not kept: a lenient run over a file of bad records has one per record.
      let warnings = 0;
      const onWarning = (warning: Warning) => {
        warnings++;
        // --strict-spec asked for every violation: past the usual 50 shown, they still go to stderr.
        if (opts.strictSpec && !state.quiet) process.stderr.write(`marrowscope: ${warning.code}: ${warning.message}\n`);
        else state.warn(warning);
      };
      const strictSpec = opts.strictSpec === true;
      const result = await validateWith(vcf, { strict: !opts.lenient, onWarning }, nodeResolvers, { keepWarnings: false, strictSpec });
      state.flushWarnings();
      const counts = strictSpec && result.problems.length > 0 ? `\n  ${describeProblems(result.problems)}` : "";
      const summary = `${vcf}: ok: ${result.fileformat}, ${result.compression}, ${result.records} records (${result.variants} variant alleles), ${result.samples.length} sample(s)${result.skipped ? `, ${result.skipped} bad record(s) skipped` : ""}${warnings ? `, ${warnings} warning(s)` : ""}${counts}\n`;
      await emit([summary], undefined);
    });

  program
    .command("schema")
    .description("print the JSON Schema of the report (default) or of a panel")
    .addArgument(new Argument("[kind]", "report or panel").choices(["report", "panel"]).default("report"))
    .action(async (kind: string) => {
      const { panelJsonSchema, reportJsonSchema } = await import("../schemas.js");
      const schema = kind === "panel" ? panelJsonSchema() : reportJsonSchema();
      await emit([`${JSON.stringify(schema, null, 2)}\n`], undefined);
    });

  const panel = program.command("panel").description("inspect and check panels");
  panel
    .command("show")
    .description("one line per gene of the panel: symbol, category, inheritance, rules")
    .option("--panel <file>", "a custom panel instead of the builtin one")
    .action(async (opts) => {
      const p = opts.panel ? await readPanelFile(opts.panel) : builtinPanel;
      const lines = [`# ${p.id} ${p.version} sha256:${p.sha256}`, ["symbol", "hgnc_id", "category", "inheritance", "rules"].join("\t")];
      for (const gene of p.genes) {
        const rules = p.rules.filter((r) => r.gene === gene.symbol).map((r) => r.id);
        lines.push([gene.symbol, gene.hgncId, gene.category, gene.inheritance.join(","), rules.join(",")].join("\t"));
      }
      await emit([`${lines.join("\n")}\n`], undefined);
    });
  panel
    .command("validate")
    .description("check a panel file; exit 0 when valid, 4 when not")
    .argument("<file>", "panel JSON")
    .action(async (file: string) => {
      const p = await readPanelFile(file);
      await emit([`${file}: ok: ${p.id} ${p.version}, ${p.genes.length} genes, ${p.rules.length} rules, sha256:${p.sha256}\n`], undefined);
    });
  panel
    .command("export")
    .description("print the effective panel as canonical JSON (builtin, or --panel merged)")
    .option("--panel <file>", "a custom panel instead of the builtin one")
    .action(async (opts) => {
      const p = opts.panel ? await readPanelFile(opts.panel) : builtinPanel;
      const { sha256, ...data } = p;
      await emit([`${JSON.stringify(JSON.parse(canonicalJson(data)), null, 2)}\n`], undefined);
    });
  return program;
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  const state = new CliState();
  const program = buildProgram(state);
  program.configureOutput({
    writeErr: (text) => process.stderr.write(text),
    writeOut: (text) => process.stdout.write(text),
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2;
    }
    if (error instanceof MarrowscopeError) {
      process.stderr.write(`marrowscope: ${error.message}\n`);
      if (state.debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return exitCodeFor(error.code);
    }
    const err = error as NodeJS.ErrnoException;
    if (err?.code === "EPIPE") return 0;
    process.stderr.write(
      `marrowscope: internal error: ${err?.message ?? String(error)} (please report this; rerun with --debug for details)\n`,
    );
    if (state.debug && err?.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
