#!/usr/bin/env node
import { tuneHeap } from "./cli/heap-tuning.js";
import { VERSION } from "./version.js";

// `marrowscope --version` answers before the engine and its dependencies (zod, the panel, the gene
// tables) are loaded: a pipeline that records tool versions calls it once per job. Measured on this
// machine (2 cores, Node 20): 0.33 s with the full CLI loaded, ~0.1 s here (bench/run.mjs).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${VERSION}\n`);
} else {
  tuneHeap();
  import("./cli/main.js")
    .then(({ main }) => main(args))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`marrowscope: internal error: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
}
