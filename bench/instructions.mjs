#!/usr/bin/env node
/**
 * Instruction counts (valgrind's callgrind) of `annotate` on a small panel-dense file, for A/B
 * work on the per-record path. Wall time on the 2-core bench machine varies by ±20% between runs
 * of the same binary; with V8 kept to one thread (`--single-threaded`) and one libuv thread
 * (`UV_THREADPOOL_SIZE=1`) the count of the same build still varies by up to ~1% (GC and
 * microtask timing), so a change of 2% or more can be seen, and `--repeat` narrows that. Counts are of the whole process, start-up included (`--startup` counts the demo
 * file alone, to subtract).
 *
 *   node bench/instructions.mjs dist                      # one build
 *   node bench/instructions.mjs /tmp/before dist          # two builds, run side by side
 *   node bench/instructions.mjs --records 50000 --startup dist
 *   node bench/instructions.mjs --repeat 3 /tmp/before dist   # median of 3 counts per build
 *
 * Needs valgrind (`apt-get install valgrind`); ~75 s per build for 20,000 records.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCase } from "./inputs.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(REPO, "bench/out");

function usage(message) {
  process.stderr.write(`${message}\nusage: node bench/instructions.mjs [--records N] [--shared DIR] [--startup] DIST...\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let records = 20000;
let shared = resolve(REPO, "../shared");
let startup = false;
let repeat = 1;
const dists = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === "--records") records = Number(argv[++i]);
  else if (arg === "--shared") shared = resolve(argv[++i] ?? "");
  else if (arg === "--startup") startup = true;
  else if (arg === "--repeat") repeat = Number(argv[++i]);
  else if (arg?.startsWith("--")) usage(`unknown option ${arg}`);
  else dists.push(resolve(arg));
}
if (dists.length === 0) usage("name at least one build directory (with cli.cjs)");
if (!Number.isInteger(records) || records <= 0) usage("--records takes a positive integer");
if (!Number.isInteger(repeat) || repeat <= 0) usage("--repeat takes a positive integer");
for (const dist of dists) if (!existsSync(join(dist, "cli.cjs"))) usage(`no cli.cjs in ${dist} (run npm run build)`);
if (spawnSync("valgrind", ["--version"]).status !== 0) usage("valgrind is not installed (apt-get install valgrind)");
const makeVcf = join(shared, "bench/make-vcf.mjs");
if (!existsSync(makeVcf)) usage(`no generator at ${makeVcf} (pass --shared DIR)`);

const log = (line) => process.stderr.write(`[instructions] ${line}\n`);
const spec = { id: `dense ${records}`, records, samples: 1, panelDensity: 1, csqFraction: 1, seed: 42 };
const file = await ensureCase(spec, { outDir: OUT, makeVcf, log });
const demo = join(REPO, "fixtures/demo.vcf.gz");

/** Instructions executed by `node cli.cjs annotate input` (what `bin` names), all threads. */
function count(dist, input) {
  return new Promise((done, fail) => {
    const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", "node", "--single-threaded"];
    args.push(join(dist, "cli.cjs"), "annotate", input, "--strategy", "scan", "-o", "/dev/null");
    const child = spawn("valgrind", args, { env: { ...process.env, UV_THREADPOOL_SIZE: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => {
      const found = /Collected\s*:\s*(\d+)/.exec(stderr);
      // valgrind passes the program's exit status on: a run that failed counts nothing useful.
      if (code !== 0) fail(new Error(`${dist} exited with ${code} under valgrind:\n${stderr.slice(-2000)}`));
      else if (found) done(Number(found[1]));
      else fail(new Error(`no count from valgrind for ${dist}:\n${stderr.slice(-2000)}`));
    });
  });
}

// Two at a time: the machine has two cores and each run is single-threaded. Repeats interleave
// the builds, so a drift in the machine touches each alike.
const kinds = dists.flatMap((dist) => [
  { dist, input: file, what: `${records} records` },
  ...(startup ? [{ dist, input: demo, what: "demo (start-up)" }] : []),
]);
const jobs = Array.from({ length: repeat }, () => kinds).flat();
const counts = new Map(kinds.map((k) => [k, []]));
for (let i = 0; i < jobs.length; i += 2) {
  const batch = jobs.slice(i, i + 2);
  log(`running ${batch.map((j) => `${j.dist} on ${j.what}`).join(" and ")}`);
  const found = await Promise.all(batch.map((j) => count(j.dist, j.input)));
  batch.forEach((j, k) => {
    counts.get(j)?.push(found[k]);
  });
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const base = median(counts.get(kinds[0]) ?? []);
for (const kind of kinds) {
  const values = counts.get(kind) ?? [];
  const m = median(values);
  const change = kind.input === file ? ` (${(((m - base) / base) * 100).toFixed(1)}% vs the first)` : "";
  const spread = values.length > 1 ? `, range ${(Math.min(...values) / 1e9).toFixed(3)}–${(Math.max(...values) / 1e9).toFixed(3)}` : "";
  process.stdout.write(`${(m / 1e9).toFixed(3)} G  ${kind.dist}  ${kind.what}${change}${spread}\n`);
}
