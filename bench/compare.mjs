#!/usr/bin/env node
/**
 * Before/after: two builds of the CLI on the inputs a memory or speed change must be judged on,
 * in interleaved rounds (each input, then each build once, so a drift in the machine's speed
 * falls on both), and the medians added to bench/results.json under `comparisons` (the full
 * bench keeps them).
 *
 *   node bench/compare.mjs --before DIR --after DIR --label TEXT [--repeat 3] [--no-save]
 *
 * DIR is a folder holding a build's `cli.cjs` (e.g. a copy of dist/ made before the change).
 * Inputs: a real genome's density (5M records, panel density 0.0001; scan and index), the 1M
 * panel-dense file and the 10-sample 200k panel-dense file (bench/inputs.mjs makes them).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCase, ensureTools } from "./inputs.mjs";
import { measure } from "./measure.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(REPO, "bench/results.json");
const log = (m) => process.stderr.write(`${m}\n`);

function parseArgs(argv) {
  const opts = { repeat: 3, save: true, shared: join(REPO, "../shared") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--before") opts.before = resolve(value());
    else if (a === "--after") opts.after = resolve(value());
    else if (a === "--label") opts.label = value();
    else if (a === "--repeat") opts.repeat = Number(value());
    else if (a === "--shared") opts.shared = resolve(value());
    else if (a === "--no-save") opts.save = false;
    else throw new Error(`unknown option ${a}`);
  }
  for (const key of ["before", "after", "label"]) if (!opts[key]) throw new Error(`--${key} is required`);
  for (const key of ["before", "after"]) {
    if (!existsSync(join(opts[key], "cli.cjs"))) throw new Error(`no cli.cjs in ${opts[key]}`);
  }
  if (!Number.isInteger(opts.repeat) || opts.repeat < 1) throw new Error("--repeat takes a whole number ≥ 1");
  return opts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await ensureTools(log);
  const makeVcf = join(opts.shared, "bench/make-vcf.mjs");
  const outDir = join(REPO, "bench/out");
  const seed = 42;
  const specs = [
    { records: 5e6, samples: 1, panelDensity: 0.0001, csqFraction: 0.3, seed },
    { records: 1e6, samples: 1, panelDensity: 1, csqFraction: 1, seed },
    { records: 2e5, samples: 10, panelDensity: 1, csqFraction: 1, seed },
  ];
  const files = [];
  for (const spec of specs) files.push(await ensureCase(spec, { outDir, makeVcf, log }));
  const inputs = [
    { id: "5M x1 sparse scan", file: files[0], strategy: "scan" },
    { id: "5M x1 sparse index", file: files[0], strategy: "index" },
    { id: "dense 1000k x1 scan", file: files[1], strategy: "scan" },
    { id: "dense 200k x10 scan", file: files[2], strategy: "scan" },
  ];
  const builds = { before: opts.before, after: opts.after };
  /** @type {Record<string, Record<string, { wallS: number[], peakRssMB: number[] }>>} */
  const runs = {};
  for (let round = 0; round < opts.repeat; round++) {
    for (const input of inputs) {
      for (const [name, dir] of Object.entries(builds)) {
        const m = await measure(["node", join(dir, "cli.cjs"), "annotate", input.file, "--strategy", input.strategy, "-o", "/dev/null"], {
          cwd: REPO,
        });
        if (m.exitCode !== 0) throw new Error(`${name} on ${input.id} exited ${m.exitCode}: ${m.stderr}`);
        runs[input.id] ??= {};
        runs[input.id][name] ??= { wallS: [], peakRssMB: [] };
        runs[input.id][name].wallS.push(Math.round(m.wallS * 1000) / 1000);
        runs[input.id][name].peakRssMB.push(Math.round(m.peakRssMB * 10) / 10);
        log(`round ${round + 1}/${opts.repeat} ${input.id} ${name}: ${m.wallS.toFixed(2)} s, ${m.peakRssMB?.toFixed(0)} MB`);
      }
    }
  }
  const rows = inputs.map(({ id }) => {
    const row = { input: id };
    for (const name of Object.keys(builds)) {
      const r = runs[id][name];
      row[name] = { wallS: median(r.wallS), peakRssMB: median(r.peakRssMB), runs: r };
    }
    row.wallChange = Math.round((row.after.wallS / row.before.wallS - 1) * 1000) / 10;
    row.peakChangeMB = Math.round((row.after.peakRssMB - row.before.peakRssMB) * 10) / 10;
    return row;
  });
  for (const row of rows) {
    log(
      `${row.input.padEnd(22)} wall ${row.before.wallS.toFixed(2)} → ${row.after.wallS.toFixed(2)} s (${row.wallChange}%), ` +
        `peak ${row.before.peakRssMB.toFixed(0)} → ${row.after.peakRssMB.toFixed(0)} MB (${row.peakChangeMB >= 0 ? "+" : ""}${row.peakChangeMB})`,
    );
  }
  const entry = { label: opts.label, date: new Date().toISOString(), repeat: opts.repeat, node: process.version, rows };
  if (!opts.save) return;
  const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : { schemaVersion: 1 };
  results.comparisons = [...(results.comparisons ?? []), entry];
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`added to ${RESULTS} (comparisons[${results.comparisons.length - 1}])`);
}

main().catch((error) => {
  log(`bench/compare: ${error.message}`);
  process.exitCode = 1;
});
