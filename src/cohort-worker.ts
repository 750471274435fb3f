/**
 * A cohort worker thread: takes entry tasks one at a time from the cohort (src/cohort.ts) and
 * answers each with its result, or with the text of a bug, which the cohort rethrows.
 */
import { parentPort } from "node:worker_threads";
import { type EntryTask, runEntry } from "./cohort-entry.js";

const port = parentPort;
if (port) {
  port.on("message", (task: EntryTask) => {
    runEntry(task).then(
      (result) => port.postMessage({ result }),
      (error: unknown) => port.postMessage({ bug: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
