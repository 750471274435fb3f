#!/usr/bin/env node
import { tuneHeap } from "./cli/heap-tuning.js";
import { main } from "./cli/main.js";

tuneHeap();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`marrowscope: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
