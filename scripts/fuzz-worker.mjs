/**
 * Runs one fuzz case at a time against a built marrowscope (workerData.dist: the folder holding
 * node.js). Lives in a worker thread so that the parent can stop a case that hangs, even in a
 * synchronous loop, and so that a case that needs more memory than the worker's limit ends the
 * worker (ERR_WORKER_OUT_OF_MEMORY) instead of the run. See scripts/fuzz-core.mjs.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

const api = await import(pathToFileURL(join(workerData.dist, "node.js")).href);

/** The input as the case names it: a File (random access, so index reads work) or a one-shot stream. */
function inputOf(task) {
  const bytes = new Uint8Array(task.bytes);
  if (task.stream) {
    // Cut into reads of the given size, so that blocks and lines straddle reads.
    const size = Math.max(1, task.stream);
    return (async function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })();
  }
  return new File([bytes], task.name);
}

async function run(task) {
  const input = inputOf(task);
  const options = { ...task.options, name: task.name };
  if (task.index) options.index = new File([new Uint8Array(task.index.bytes)], task.index.name);
  switch (task.api) {
    case "annotate": {
      const report = await api.annotate(input, options);
      const keys = report.samples.flatMap((s) =>
        s.findings.map((f) => `${s.name}\t${f.variant.key}\t${f.gene.symbol}\t${f.ruleIds.join(",")}`),
      );
      return { findings: keys.sort(), strategy: report.input.strategy, warnings: report.warnings.map((w) => w.code) };
    }
    case "validate": {
      const result = await api.validate(input, options);
      return { records: result.records, variants: result.variants, skipped: result.skipped };
    }
    case "readVariants": {
      let variants = 0;
      for await (const _ of api.readVariants(input, options)) variants++;
      return { variants };
    }
    default:
      throw new Error(`unknown api ${task.api}`);
  }
}

parentPort.on("message", async (task) => {
  let outcome;
  try {
    outcome = { kind: "ok", result: await run(task) };
  } catch (error) {
    outcome = api.isMarrowscopeError(error)
      ? { kind: "typed", code: error.code, location: { ...error.location }, message: error.message }
      : { kind: "crash", name: error?.name, message: String(error?.message ?? error), stack: String(error?.stack ?? "") };
  }
  parentPort.postMessage({ id: task.id, outcome });
});
parentPort.postMessage({ ready: true });
