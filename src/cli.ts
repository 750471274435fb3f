#!/usr/bin/env node
import { main } from "./cli/main.js";
import { capYoungGeneration } from "./cli/young-generation.js";

capYoungGeneration();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`marrowscope: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
