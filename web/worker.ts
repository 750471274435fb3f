/**
 * Annotation off the page's thread: a whole-genome file takes seconds to minutes, and the page
 * must stay usable (and cancellable) meanwhile. The worker keeps the last report and its input
 * for the downloads. Nothing leaves the machine: the only fetches are the page's own chunks.
 */
import { type AnnotateOptions, annotate, isMarrowscopeError, loadPanel, type Report } from "../src/index.js";
import type { FromWorker, RunRequest, ToWorker } from "./protocol.js";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);

let running: AbortController | undefined;
let last: { readonly report: Report; readonly input: File } | undefined;

/** A JSON or YAML file (by its name) as a value; YAML's parser is loaded only for YAML. */
async function readDocument(file: File, what: string): Promise<unknown> {
  const text = await file.text();
  if (/\.ya?ml$/i.test(file.name)) {
    const { parse } = await import("yaml");
    return parse(text);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new Error(`${what} ${file.name} is not valid JSON: ${(cause as Error).message}`);
  }
}

async function run(request: RunRequest): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  last = undefined;
  const started = performance.now();
  try {
    const roles: Record<string, "tumor" | "normal"> = {};
    if (request.tumor) roles[request.tumor] = "tumor";
    if (request.normal) roles[request.normal] = "normal";
    const options: AnnotateOptions = {
      assembly: request.assembly,
      signal: controller.signal,
      onProgress: (p) => {
        if (running === controller) post({ type: "progress", records: p.records, bytesRead: p.bytesRead, totalBytes: p.totalBytes });
      },
      ...(request.index ? { index: request.index } : {}),
      ...(Object.keys(roles).length > 0 ? { roles } : {}),
      ...(request.panel ? { panel: loadPanel(await readDocument(request.panel, "panel"), { name: request.panel.name }) } : {}),
      ...(request.context ? { context: (await readDocument(request.context, "patient context")) as AnnotateOptions["context"] } : {}),
    };
    const report = await annotate(request.vcf, options);
    if (controller.signal.aborted) return;
    last = { report, input: request.vcf };
    post({ type: "done", report, ms: performance.now() - started });
  } catch (error) {
    // A run replaced by a newer one says nothing more.
    if (running !== controller) return;
    const code = isMarrowscopeError(error) ? error.code : "ERROR";
    post({ type: "failed", code, message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (running === controller) running = undefined;
  }
}

/**
 * Fetches, while the page is idle after loading, every chunk a run with the builtin panel or a
 * download may need (the BGZF inflater, the index reader, the exporters), so the page keeps
 * working if the connection goes once it has loaded. What only a custom panel needs (the gene
 * tables, ~880 KB gzipped; the YAML parser, 32 KB) is left to load when a run asks for it.
 */
async function warm(): Promise<void> {
  await Promise.all([import("@gmod/bgzf-filehandle"), import("../src/vcf/regions.js"), import("./exports.js")]);
  post({ type: "ready" });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "run") void run(message);
  else if (message.type === "cancel") running?.abort();
  else if (message.type === "export") {
    const done = last;
    if (!done) {
      post({ type: "export-failed", format: message.format, message: "no report yet" });
      return;
    }
    import("./exports.js")
      .then(({ exportReport }) => exportReport(done.report, done.input, message.format))
      .then(({ name, blob }) => post({ type: "exported", format: message.format, name, blob }))
      .catch((error: unknown) =>
        post({ type: "export-failed", format: message.format, message: String((error as Error)?.message ?? error) }),
      );
  }
};

warm().catch(() => {
  // Offline before the chunks came: each is fetched again when a run or download needs it.
});
