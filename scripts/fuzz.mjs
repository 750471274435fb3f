#!/usr/bin/env node
/**
 * The long fuzz run, for nightly use: `npm run build && npm run fuzz -- --minutes 30`.
 *
 * Damaged corpus files, damaged gzip/BGZF bytes and damaged .tbi/.csi indexes (scripts/fuzz-core.mjs)
 * go through annotate (strict and lenient), validate and readVariants of the built package in
 * dist/, in worker threads, until the time is up. Every input that throws something other than a
 * MarrowscopeError with a location, hangs past its time bound, or needs more than its heap is
 * minimised and written to fixtures/fuzz/ with a .json beside it saying where it came from (seed,
 * source file, damage, call); test/fuzz.test.ts replays every file there. Exit code 1 when any was
 * found.
 *
 * Options: --minutes N (default 1), --seed N (default: from the clock, printed), --workers N
 * (default: cores - 1), --timeout MS per case (default 10000), --heap MB per worker (default 256),
 * --dist DIR (default dist/), --out DIR (default fixtures/fuzz/), --max-bytes N (largest corpus
 * file used, default 65536).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import {
  CORPUS,
  caseArbitrary,
  corpusFiles,
  FuzzRunner,
  indexProblem,
  indexTargets,
  judge,
  minimise,
  problemOf,
  ROOT,
} from "./fuzz-core.mjs";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "1" },
    seed: { type: "string" },
    workers: { type: "string" },
    timeout: { type: "string", default: "10000" },
    heap: { type: "string", default: "256" },
    dist: { type: "string", default: join(ROOT, "dist") },
    out: { type: "string", default: join(ROOT, "fixtures", "fuzz") },
    "max-bytes": { type: "string", default: "65536" },
  },
});

const dist = resolve(values.dist);
if (!existsSync(join(dist, "node.js"))) {
  console.error(`fuzz: ${dist}/node.js not found; run \`npm run build\` first (the fuzzer runs the built package)`);
  process.exit(2);
}
if (!existsSync(CORPUS)) console.error(`fuzz: ${CORPUS} not found; only the repository's indexed fixtures are used`);

const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const minutes = Number(values.minutes);
const deadline = Date.now() + minutes * 60_000;
const workers = Number(values.workers ?? Math.max(1, availableParallelism() - 1));
const maxBytes = Number(values["max-bytes"]);
const sources = {
  text: corpusFiles({ maxBytes, parses: true }),
  compressed: corpusFiles({ maxBytes, parses: true }),
  index: indexTargets(),
};
console.log(
  `fuzz: seed ${seed}, ${minutes} min, ${workers} worker(s), ${sources.text.length} corpus files, ${sources.index.length} indexed files, build ${dist}`,
);

const runner = new FuzzRunner({ dist, workers, timeoutMs: Number(values.timeout), heapMb: Number(values.heap) });
await runner.ready();
const scans = new Map();
const arbitrary = caseArbitrary(sources);
const found = new Map();
let cases = 0;
// Outcomes per family: a run whose cases all stop at the header reaches little of the reader.
const tally = new Map();
let round = 0;

/** Writes the minimised input and its provenance; one file per distinct problem. */
async function keep(c, task, problem) {
  const signature = problem.split("\n")[0].replace(/\d+/g, "N").slice(0, 200);
  if (found.has(signature)) return;
  found.set(signature, true);
  const vcf = c.family === "index" ? sources.index[c.target].vcf : undefined;
  const stillFails = async (bytes) => {
    const rerun = c.family === "index" ? { ...task, index: { ...task.index, bytes } } : { ...task, bytes };
    const outcome = await runner.run(rerun);
    const p = vcf ? indexProblem(outcome, scans.get(vcf)) : problemOf(outcome);
    return p !== undefined && p.split("\n")[0].replace(/\d+/g, "N").slice(0, 200) === signature;
  };
  const original = c.family === "index" ? task.index.bytes : task.bytes;
  const small = await minimise(original, stillFails, { maxSteps: 1500 });
  const hash = createHash("sha256").update(small).digest("hex").slice(0, 12);
  mkdirSync(values.out, { recursive: true });
  const base = `${c.family}-${hash}`;
  const file =
    c.family === "index" ? `${base}.${task.index.name.split(".").pop()}` : `${base}${task.name.endsWith(".gz") ? ".vcf.gz" : ".vcf"}`;
  writeFileSync(join(values.out, file), small);
  const provenance = {
    file,
    found: new Date().toISOString().slice(0, 10),
    seed,
    problem: problem.split("\n")[0],
    api: task.api,
    options: task.options,
    ...(task.stream ? { stream: task.stream } : {}),
    ...(c.family === "index"
      ? { vcf: sources.index[c.target].vcf.replace(`${ROOT}/`, "").replace(`${CORPUS}/`, "corpus:") }
      : { source: `corpus:${c.file}` }),
    damage: c,
  };
  writeFileSync(join(values.out, `${base}.json`), `${JSON.stringify(provenance, null, 2)}\n`);
  console.log(
    `fuzz: FOUND ${problem.split("\n")[0]}\n  kept as ${join(values.out, file)} (${small.length} bytes, from ${original.length})`,
  );
}

while (Date.now() < deadline) {
  const batch = fc.sample(arbitrary, { seed: seed + round++, numRuns: 50 });
  await Promise.all(
    batch.map(async (c) => {
      if (Date.now() >= deadline) return;
      const { task, outcome, problem } = await judge(runner, c, sources, scans);
      cases++;
      const kind = `${c.family} ${outcome.kind === "typed" ? outcome.code : outcome.kind}`;
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
      if (problem) await keep(c, task, problem);
    }),
  );
  if (round % 20 === 0) console.log(`fuzz: ${cases} cases, ${found.size} problem(s), ${Math.round((deadline - Date.now()) / 1000)} s left`);
}
await runner.close();
console.log(`fuzz: ${cases} cases in ${minutes} min (seed ${seed}); ${found.size} problem(s) found`);
console.log(
  [...tally]
    .sort()
    .map(([k, n]) => `  ${k}: ${n}`)
    .join("\n"),
);
if (found.size > 0) {
  console.log("fuzz: add each kept file to fixtures/README.md (fixtures/fuzz/), fix the cause, and run npm test");
  process.exit(1);
}
