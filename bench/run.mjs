#!/usr/bin/env node
/**
 * `npm run bench`: marrowscope annotate (scan and index) side by side with `bcftools view` and
 * the decompression floor (`bgzip -dc | wc -l`) on synthetic VCFs; prints a table and writes
 * bench/results.json. See bench/README.md for what each column means.
 *
 *   node bench/run.mjs [--quick] [--case TEXT] [--repeat N] [--dense-records N]
 *                      [--shared DIR] [--rebuild] [--no-bytes] [--check] [--timeout S]
 *                      [--cohort N] [--cohort-only] [--jobs N]
 *                                          --cohort N: the cohort row over N files (default 200;
 *                                          0 skips it; --quick skips it unless --cohort is given)
 *   node bench/run.mjs --profile [--case TEXT] [--strategy scan|index]
 *                                          cpu profile of one annotate run, top 15 self times
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCohort } from "./cohort.mjs";
import { caseSpecs, ensureCase, ensureTools, writeRegionsBed } from "./inputs.mjs";
import { measure, onPath, run } from "./measure.mjs";
import { summariseProfile } from "./profile.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(REPO, "bench/out");
const RESULTS = join(REPO, "bench/results.json");
// Benchmarks run a private copy of dist/: other work in this tree rebuilds (and first deletes) dist/.
const DIST = join(OUT, "dist");
// The file package.json's `bin` names, as a user's `npx marrowscope` runs it.
const BIN = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).bin.marrowscope;
const CLI = join(DIST, relative("dist", BIN));

// The issue's targets (issue 7), checked after the run; they are bench facts, not product logic.
const TARGETS = { scanVsBcftools: 0.7, scanAim: 0.5, indexWallS: 0.5, indexVsBcftoolsR: 1.5, denseRecordsPerS: 50_000, peakRssMB: 150 };
// Issue 22's targets: a cohort against the bcftools loop, and the single-file fixed costs.
const TARGETS_22 = { cohortVsLoop: 1.5, cohortPeakRssMB: 300, versionS: 0.2, demoAnnotateS: 0.3, sparseIndexS: 0.7 };

const DEFAULT_DENSE_RECORDS = 200_000;
const DEFAULT_COHORT_FILES = 200;

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function parseArgs(argv) {
  const opts = {
    quick: false,
    profile: false,
    shared: resolve(REPO, "../shared"),
    repeat: 1,
    denseRecords: DEFAULT_DENSE_RECORDS,
    rebuild: false,
    bytes: true,
    timeoutS: 1800,
    assembly: "GRCh38",
    case: "",
    strategy: "scan",
    check: false,
    cohort: undefined,
    cohortOnly: false,
    jobs: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") opts.quick = true;
    else if (a === "--profile") opts.profile = true;
    else if (a === "--rebuild") opts.rebuild = true;
    else if (a === "--no-bytes") opts.bytes = false;
    else if (a === "--check") opts.check = true;
    else if (a === "--cohort-only") opts.cohortOnly = true;
    else if (a === "--cohort") {
      const v = value();
      opts.cohort = Number(v);
      if (!Number.isInteger(opts.cohort) || opts.cohort < 0) usage(`--cohort: expected a whole number, found "${v}"`);
    } else if (a === "--jobs") opts.jobs = positiveInt(a, value());
    else if (a === "--shared") opts.shared = resolve(value());
    else if (a === "--case") opts.case = value();
    else if (a === "--strategy") {
      opts.strategy = value();
      if (!["scan", "index"].includes(opts.strategy)) usage(`--strategy: expected scan or index, found "${opts.strategy}"`);
    } else if (a === "--repeat") opts.repeat = positiveInt(a, value());
    else if (a === "--dense-records") opts.denseRecords = positiveInt(a, value());
    else if (a === "--timeout") opts.timeoutS = positiveInt(a, value());
    else if (a === "-h" || a === "--help") usage();
    else usage(`unknown option ${a}`);
  }
  return opts;
}

function positiveInt(flag, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) usage(`${flag}: expected a positive integer, found "${v}"`);
  return n;
}

function usage(error) {
  const text = readFileSync(fileURLToPath(import.meta.url), "utf8")
    .match(/\/\*\*([\s\S]*?)\*\//)[1]
    .replace(/^ \* ?/gm, "");
  process.stderr.write(`${error ? `bench: ${error}\n\n` : ""}${text.trim()}\n`);
  process.exit(error ? 2 : 0);
}

/**
 * Builds dist/ when it is missing (or on --rebuild), then snapshots it into bench/out/dist so a
 * rebuild elsewhere cannot pull it away mid-run; false when there is no usable build.
 */
async function ensureBuild(opts) {
  const built = () => existsSync(join(REPO, BIN)) && existsSync(join(REPO, "dist/node.js"));
  if (!built() || opts.rebuild) {
    log("npm run build");
    const r = spawnSync("npm", ["run", "build"], { cwd: REPO, encoding: "utf8" });
    if (r.status !== 0) {
      const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-8).join("\n");
      log(`build failed; marrowscope rows will be skipped:\n${tail}`);
      return false;
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(DIST, { recursive: true, force: true });
      cpSync(join(REPO, "dist"), DIST, { recursive: true });
      if (existsSync(CLI) && existsSync(join(DIST, "node.js"))) return true;
      throw new Error("dist/ incomplete");
    } catch (error) {
      if (attempt >= 5) {
        log(`cannot snapshot dist/ (${error.message}); marrowscope rows will be skipped`);
        return false;
      }
      await new Promise((r) => setTimeout(r, 3000)); // a concurrent build is rewriting dist/
    }
  }
}

const msArgs = (file, strategy) => ["node", relative(REPO, CLI), "annotate", file, "--strategy", strategy, "-o", "/dev/null"];

/** The commands of one case, in table order; `comparator` names the bcftools row it is held against. */
function toolsFor(file, bed, msAvailable) {
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const tools = [
    {
      tool: "floor: bgzip -dc | wc -l",
      key: "floor",
      argv: ["bash", "-c", `set -o pipefail; bgzip -dc ${q(file)} | wc -l`],
      capture: true,
    },
    { tool: "bcftools view -H", key: "bcftools", argv: ["bcftools", "view", "-H", file] },
    { tool: "bcftools view -H -R", key: "bcftoolsR", argv: ["bcftools", "view", "-H", "-R", bed, file], comparator: "bcftoolsR" },
    // Reference: the library this project's index reader replaced, over the same regions.
    {
      tool: "@gmod/tabix getLines",
      key: "gmodTabix",
      argv: ["node", "bench/gmod-tabix.mjs", file, bed],
      comparator: "bcftoolsR",
      capture: true,
    },
    { tool: "marrowscope scan", key: "scan", argv: msArgs(file, "scan"), marrowscope: true },
    { tool: "marrowscope index", key: "index", argv: msArgs(file, "index"), marrowscope: true, comparator: "bcftoolsR" },
  ];
  return tools.map((t) => ({ comparator: "bcftools", ...t, skip: t.marrowscope && !msAvailable }));
}

/**
 * Runs the tools in rounds, each tool once per round in table order, so a drift in the machine's
 * speed (25–45% within minutes on the bench machine) falls on every tool alike instead of on
 * whichever ran last; a tool that fails is not run again. Per tool: median wall of its runs,
 * peak RSS the largest seen.
 */
async function timeTools(tools, opts) {
  const runs = tools.map(() => []);
  const failed = tools.map(() => false);
  for (let round = 0; round < opts.repeat; round++) {
    for (let i = 0; i < tools.length; i++) {
      if (failed[i]) continue;
      const t = tools[i];
      const m = await measure(t.argv, { capture: t.capture, timeoutS: opts.timeoutS, cwd: REPO });
      runs[i].push(m);
      if (m.exitCode !== 0) failed[i] = true;
    }
  }
  return tools.map((_, i) => summarise(runs[i]));
}

function summarise(runs) {
  const failed = runs.find((m) => m.exitCode !== 0);
  if (failed) {
    const reason = failed.stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
    return { status: `exit ${failed.exitCode}${reason ? `: ${reason.slice(0, 200)}` : ""}`, runs };
  }
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const rss = runs.map((m) => m.peakRssMB).filter((x) => x !== null);
  return { status: "ok", median, peakRssMB: rss.length ? Math.max(...rss) : null, runs };
}

/**
 * Bytes the command read from the VCF and its index, counted by strace (a separate, untimed run;
 * io_uring off so libuv's file reads are plain syscalls).
 */
async function bytesRead(argv, file) {
  const logFile = join(OUT, `strace-${process.pid}.log`);
  const m = await measure(
    ["strace", "-f", "-y", "-qq", "-s", "0", "-e", "trace=read,pread64,readv,preadv,preadv2", "-o", logFile, ...argv],
    {
      env: { UV_USE_IO_URING: "0" },
      cwd: REPO,
    },
  );
  if (m.exitCode !== 0 || !existsSync(logFile)) return null;
  const text = readFileSync(logFile, "utf8");
  rmSync(logFile, { force: true });
  const pending = new Map();
  const totals = { vcf: 0, tbi: 0, calls: 0 };
  const target = resolve(REPO, file);
  const add = (path, n) => {
    if (path === target) totals.vcf += n;
    else if (path === `${target}.tbi` || path === `${target}.csi`) totals.tbi += n;
    else return;
    totals.calls++;
  };
  for (const line of text.split("\n")) {
    const pid = line.match(/^(\d+)\s/)?.[1];
    const open = line.match(/^\d+\s+\w+\(\d+<([^>]+)>/);
    if (open && / <unfinished \.\.\.>$/.test(line)) {
      pending.set(pid, open[1]);
      continue;
    }
    const ret = line.match(/\)\s+=\s+(\d+)/);
    if (open && ret) add(open[1], Number(ret[1]));
    else if (/<\.\.\. \w+ resumed>/.test(line) && pending.has(pid)) {
      if (ret) add(pending.get(pid), Number(ret[1]));
      pending.delete(pid);
    }
  }
  return totals;
}

function versionOf(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.split("\n")[0]?.trim() || null;
}

function gitState() {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" });
  const status = spawnSync("git", ["status", "--porcelain", "--", "src"], { cwd: REPO, encoding: "utf8" });
  return { commit: head.status === 0 ? head.stdout.trim() : null, srcDirty: status.status === 0 ? status.stdout.trim() !== "" : null };
}

const r2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);
const r3 = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);

async function benchmark(opts) {
  const loadBefore = loadavg()[0];
  if (loadBefore > 0.5 * cpus().length) log(`load average ${loadBefore.toFixed(1)} on ${cpus().length} cpus: timings will be noisy`);
  const specs = opts.cohortOnly ? [] : selectCases(opts);
  const msAvailable = await ensureBuild(opts);
  const files = [];
  for (const spec of specs) files.push(await ensureCase(spec, { outDir: OUT, makeVcf: makeVcfPath(opts), log }));
  const cohortFiles = opts.cohort ?? (opts.quick || opts.case !== "" ? 0 : DEFAULT_COHORT_FILES);
  const sparseSpec = caseSpecs({ quick: false, denseRecords: opts.denseRecords }).find((s) => s.id === "5M x1 sparse");
  const sparse = cohortFiles > 0 ? await ensureCase(sparseSpec, { outDir: OUT, makeVcf: makeVcfPath(opts), log }) : undefined;
  const regions = await writeRegionsBed({
    repo: REPO,
    dist: DIST,
    shared: opts.shared,
    vcf: files[0] ?? sparse,
    outDir: OUT,
    assembly: opts.assembly,
    log,
  });
  log(`regions: ${regions.regions} merged regions, ${(regions.bases / 1e6).toFixed(2)} Mb (${regions.source})`);
  const startup = msAvailable ? await measureStartup(opts) : [];
  const withStrace = opts.bytes && onPath("strace");
  if (opts.bytes && !withStrace) log("strace not found: bytes read are not measured");

  const cases = [];
  for (let c = 0; c < specs.length; c++) {
    const spec = specs[c];
    const file = files[c];
    const rel = relative(REPO, file);
    const headerLines = (await run(["tabix", "-H", file], { capture: true })).split("\n").filter(Boolean).length;
    await run(["bash", "-c", `cat '${file}' '${file}.tbi' > /dev/null`]); // warm the page cache for every tool alike
    log(`case ${spec.id}: ${rel}`);
    const results = new Map();
    const tools = toolsFor(rel, relative(REPO, regions.bed), msAvailable);
    const timed = await timeTools(
      tools.filter((t) => !t.skip),
      opts,
    );
    for (const t of tools) {
      if (t.skip) {
        results.set(t.key, { t, r: { status: "skipped: dist/ not built" } });
        continue;
      }
      const r = timed.shift();
      if (t.key === "floor" && r.status === "ok") {
        const lines = Number(r.median.stdout.trim());
        if (lines - headerLines !== spec.records) r.status = `record count ${lines - headerLines} ≠ ${spec.records}`;
      }
      if (withStrace && r.status === "ok" && (t.key === "index" || t.key === "bcftoolsR")) r.bytes = await bytesRead(t.argv, rel);
      results.set(t.key, { t, r });
      log(`  ${t.tool.padEnd(26)} ${r.status === "ok" ? `${r.median.wallS.toFixed(2)} s, ${r.peakRssMB?.toFixed(0)} MB` : r.status}`);
    }
    const wall = (key) => {
      const r = results.get(key)?.r;
      return r?.status === "ok" ? r.median.wallS : null;
    };
    const sizeBytes = statSync(file).size;
    const check = opts.check && msAvailable ? await crossCheck(rel, relative(REPO, regions.bed), spec.id) : null;
    cases.push({
      id: spec.id,
      file: rel,
      sizeMB: r2(sizeBytes / 2 ** 20),
      records: spec.records,
      samples: spec.samples,
      panelDensity: spec.panelDensity,
      csqFraction: spec.csqFraction,
      seed: spec.seed,
      check,
      runs: [...results.values()].map(({ t, r }) => {
        const ok = r.status === "ok";
        const base = wall(t.comparator);
        const floor = wall("floor");
        return {
          tool: t.tool,
          command: t.argv.join(" "),
          status: r.status,
          wallS: ok ? r3(r.median.wallS) : null,
          cpuS: ok ? r2(r.median.cpuS) : null,
          peakRssMB: ok ? r2(r.peakRssMB) : null,
          recordsPerS: ok ? Math.round(spec.records / r.median.wallS) : null,
          vs: t.comparator === "bcftoolsR" ? "bcftools view -H -R" : "bcftools view -H",
          vsBcftools: ok && base ? r3(r.median.wallS / base) : null,
          vsFloor: ok && floor ? r3(r.median.wallS / floor) : null,
          repeats: r.runs?.map((m) => r3(m.wallS)) ?? [],
          bytesRead: r.bytes
            ? { vcf: r.bytes.vcf, index: r.bytes.tbi, readCalls: r.bytes.calls, vcfFraction: r3(r.bytes.vcf / sizeBytes) }
            : null,
        };
      }),
    });
  }

  const cohort =
    cohortFiles > 0 && msAvailable
      ? await benchCohort({
          repo: REPO,
          cli: CLI,
          outDir: OUT,
          vcf: sparse,
          bed: regions.bed,
          files: cohortFiles,
          jobs: opts.jobs,
          timeTools,
          opts,
          log,
        })
      : null;

  const results = {
    schemaVersion: 1,
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      memGB: r2(totalmem() / 2 ** 30),
      load1mBefore: r2(loadBefore),
      load1mAfter: r2(loadavg()[0]),
    },
    tools: {
      bcftools: versionOf(["bcftools", "--version"]),
      bgzip: versionOf(["bgzip", "--version"]),
      tabix: versionOf(["tabix", "--version"]),
    },
    marrowscope: { version: JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version, built: msAvailable, ...gitState() },
    options: { quick: opts.quick, case: opts.case || null, repeat: opts.repeat, denseRecords: opts.denseRecords, assembly: opts.assembly },
    peakRssMethod: existsSync("/usr/bin/time") ? "GNU time -v (largest single process)" : "/proc VmHWM poll",
    startup,
    regions: { source: regions.source, bed: relative(REPO, regions.bed), count: regions.regions, bases: regions.bases },
    cases,
    targets: checkTargets(cases),
    cohort,
    targets22: checkTargets22(startup, cohort),
    // Before/after measurements of single changes (bench/compare.mjs), kept across full runs.
    ...(existsSync(RESULTS) ? { comparisons: JSON.parse(readFileSync(RESULTS, "utf8")).comparisons ?? [] } : {}),
  };
  // Only a full run replaces the committed results; partial runs go to bench/out/ (git-ignored).
  const partial =
    opts.quick ||
    opts.case !== "" ||
    opts.denseRecords !== DEFAULT_DENSE_RECORDS ||
    opts.cohortOnly ||
    cohortFiles !== DEFAULT_COHORT_FILES;
  const target = partial ? join(OUT, "results-partial.json") : RESULTS;
  writeFileSync(target, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderTable(results));
  log(`wrote ${relative(REPO, target)}`);
}

/** Fixed costs paid by every run: Node itself, loading the bundle, and a tiny annotate. */
async function measureStartup(opts) {
  const demo = "fixtures/demo.vcf.gz";
  const commands = [
    ["node", "-e", "0"],
    ["node", relative(REPO, CLI), "--version"],
    ...(existsSync(join(REPO, demo)) ? [["node", relative(REPO, CLI), "annotate", demo, "-o", "/dev/null"]] : []),
  ];
  const out = [];
  const timed = await timeTools(
    commands.map((argv) => ({ argv })),
    { ...opts, repeat: Math.max(3, opts.repeat) },
  );
  for (const [i, argv] of commands.entries()) {
    const r = timed[i];
    out.push({ command: argv.join(" "), status: r.status, wallS: r.median ? r3(r.median.wallS) : null, peakRssMB: r2(r.peakRssMB) });
    log(`startup: ${argv.join(" ")}: ${r.status === "ok" ? `${r.median.wallS.toFixed(2)} s, ${r.peakRssMB?.toFixed(0)} MB` : r.status}`);
  }
  return out;
}

function selectCases(opts) {
  const all = caseSpecs({ quick: opts.quick && !opts.case, denseRecords: opts.denseRecords });
  const exact = all.filter((s) => s.id === opts.case);
  const specs = exact.length > 0 ? exact : all.filter((s) => s.id.includes(opts.case));
  if (specs.length === 0)
    usage(
      `--case ${opts.case}: no case matches (ids: ${caseSpecs({ quick: false, denseRecords: opts.denseRecords })
        .map((s) => s.id)
        .join(", ")})`,
    );
  return specs;
}

function makeVcfPath(opts) {
  const p = join(opts.shared, "bench/make-vcf.mjs");
  if (!existsSync(p)) usage(`no generator at ${p} (pass --shared DIR)`);
  return p;
}

/**
 * Untimed guard for optimisations: scan and index must report the same findings and warnings,
 * and index must read exactly the records bcftools finds in the same regions.
 */
async function crossCheck(file, bed, id) {
  const report = async (strategy) => {
    const out = join(OUT, `check-${strategy}.json`);
    const m = await measure([...msArgs(file, strategy).slice(0, -2), "-f", "json", "-o", out], { cwd: REPO });
    if (m.exitCode !== 0) return null;
    const json = JSON.parse(readFileSync(out, "utf8"));
    rmSync(out, { force: true });
    return json;
  };
  const scan = await report("scan");
  const index = await report("index");
  const inRegions = Number(await run(["bash", "-c", `bcftools view -H -R '${bed}' '${file}' | wc -l`], { capture: true }));
  // Index mode may not know line numbers: compare without them, and report them apart.
  const findings = (r) =>
    JSON.stringify(r?.samples.map((smp) => smp.findings.map((f) => ({ ...f, source: { ...f.source, line: undefined } }))) ?? null);
  // Messages start "file:line: " in scan mode and "file: " where index reads have no line.
  const warnings = (r) => (r?.warnings ?? []).map((w) => `${w.code} ${w.message.replace(/^\S+?(?::(?:\d+|undefined))?: /, "")}`).sort();
  const onlyIn = (a, b) => a.filter((w) => !b.includes(w));
  const [ws, wi] = [warnings(scan), warnings(index)];
  const withLines = (r) => (r ? r.samples.every((smp) => smp.findings.every((f) => Number.isInteger(f.source?.line))) : null);
  const result = {
    recordsRead: { scan: scan?.input?.recordsRead ?? null, index: index?.input?.recordsRead ?? null, bcftoolsR: inRegions },
    findings: { scan: count(scan), index: count(index) },
    warnings: { scan: scan?.warnings?.length ?? null, index: index?.warnings?.length ?? null },
    sameFindingsIgnoringLines: scan && index ? findings(scan) === findings(index) : null,
    sameSummaries:
      scan && index ? JSON.stringify(scan.samples.map((x) => x.summary)) === JSON.stringify(index.samples.map((x) => x.summary)) : null,
    findingLineNumbers: { scan: withLines(scan), index: withLines(index) },
    warningsOnlyInScan: onlyIn(ws, wi).slice(0, 5),
    warningsOnlyInIndex: onlyIn(wi, ws).slice(0, 5),
    indexReadsRegionRecords: index ? index.input.recordsRead === inRegions : null,
  };
  log(`  check ${id}: ${JSON.stringify(result)}`);
  return result;
}

const count = (r) => (r ? r.samples.reduce((n, s) => n + s.findings.length, 0) : null);

/** Issue 22's targets: the cohort row and the single-file fixed costs (null when not measured). */
function checkTargets22(startup, cohort) {
  const out = [];
  const push = (name, value, limit, pass) => out.push({ name, value, limit, pass: value === null || value === undefined ? null : pass });
  const wall = (re) => startup.find((s) => re.test(s.command) && s.status === "ok")?.wallS ?? null;
  const version = wall(/--version$/);
  const demo = wall(/annotate fixtures\/demo/);
  push("marrowscope --version wall s ≤", version, TARGETS_22.versionS, version <= TARGETS_22.versionS);
  push("demo annotate wall s ≤", demo, TARGETS_22.demoAnnotateS, demo <= TARGETS_22.demoAnnotateS);
  const one = cohort?.runs.find((r) => r.tool.startsWith("marrowscope index (one file)"));
  push("5M sparse index wall s (with start-up) ≤", one?.wallS ?? null, TARGETS_22.sparseIndexS, one?.wallS <= TARGETS_22.sparseIndexS);
  push(
    `cohort × ${cohort?.files ?? "—"} wall ÷ bcftools -R loop ≤`,
    cohort?.vsLoop ?? null,
    TARGETS_22.cohortVsLoop,
    cohort?.vsLoop <= TARGETS_22.cohortVsLoop,
  );
  const rss = cohort?.runs.find((r) => r.tool.startsWith("marrowscope cohort"))?.peakRssMB ?? null;
  push("cohort peak RSS MB <", rss, TARGETS_22.cohortPeakRssMB, rss < TARGETS_22.cohortPeakRssMB);
  return out;
}

/** The issue's targets against the measured rows (null when a row is missing). */
function checkTargets(cases) {
  const row = (c, tool) => c.runs.find((r) => r.tool === tool && r.status === "ok");
  const out = [];
  const push = (name, value, limit, pass) => out.push({ name, value, limit, pass: value === null || value === undefined ? null : pass });
  for (const c of cases) {
    const scan = row(c, "marrowscope scan");
    const index = row(c, "marrowscope index");
    if (c.panelDensity === 1) {
      // The records/s target is for one sample; the ten-sample dense case is there for its memory.
      if (c.samples === 1)
        push(
          `${c.id}: scan records/s ≥`,
          scan?.recordsPerS ?? null,
          TARGETS.denseRecordsPerS,
          scan?.recordsPerS >= TARGETS.denseRecordsPerS,
        );
    } else {
      push(
        `${c.id}: scan wall ÷ bcftools view ≤`,
        scan?.vsBcftools ?? null,
        TARGETS.scanVsBcftools,
        scan?.vsBcftools <= TARGETS.scanVsBcftools,
      );
      push(`${c.id}: index wall s <`, index?.wallS ?? null, TARGETS.indexWallS, index?.wallS < TARGETS.indexWallS);
      push(
        `${c.id}: index wall ÷ bcftools -R ≤`,
        index?.vsBcftools ?? null,
        TARGETS.indexVsBcftoolsR,
        index?.vsBcftools <= TARGETS.indexVsBcftoolsR,
      );
    }
    for (const r of [scan, index].filter(Boolean))
      push(`${c.id}: ${r.tool} peak RSS MB <`, r.peakRssMB, TARGETS.peakRssMB, r.peakRssMB < TARGETS.peakRssMB);
  }
  return out;
}

function renderTable(results) {
  const head = ["case", "tool", "records/s", "wall s", "cpu s", "peak MB", "× bcftools", "× floor", "read"];
  const rows = [];
  for (const c of results.cases) {
    for (const r of c.runs) {
      const ok = r.status === "ok";
      rows.push([
        c.id,
        r.tool,
        ok ? r.recordsPerS.toLocaleString("en-US") : r.status,
        ok ? r.wallS.toFixed(2) : "",
        ok && r.cpuS !== null ? r.cpuS.toFixed(2) : "",
        ok && r.peakRssMB !== null ? r.peakRssMB.toFixed(0) : "",
        ok && r.vsBcftools !== null ? `${r.vsBcftools.toFixed(2)}${r.vs.endsWith("-R") ? " (-R)" : ""}` : "",
        ok && r.vsFloor !== null ? r.vsFloor.toFixed(2) : "",
        r.bytesRead
          ? `${(r.bytesRead.vcf / 2 ** 20).toFixed(2)} MB (${(100 * r.bytesRead.vcfFraction).toFixed(1)}%) + ${(r.bytesRead.index / 1024).toFixed(0)} kB idx`
          : "",
      ]);
    }
  }
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 2 && r[3] === "" ? 0 : String(r[i]).length))));
  const fmt = (cells) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 7 ? String(cell).padStart(width[i]) : String(cell).padEnd(width[i])))
      .join("  ")
      .trimEnd();
  const lines = [
    `node ${results.machine.node}, ${results.machine.cpus} cpus (${results.machine.cpuModel}), ${results.tools.bcftools}, ${results.date}, load ${results.machine.load1mBefore} → ${results.machine.load1mAfter}`,
    "",
    fmt(head),
    fmt(head.map((_, i) => "-".repeat(width[i]))),
    ...rows.map(fmt),
    "",
    "records/s = records in the file ÷ wall (for -R and index rows: effective rate over the whole file).",
    "× bcftools = wall ÷ bcftools view -H on the same file; rows marked (-R) ÷ bcftools view -H -R over the same regions.",
    "× floor = wall ÷ bgzip -dc | wc -l.  read = bytes read from the .vcf.gz (share of the file) + index, by strace.",
    "",
    ...results.cases
      .filter((c) => c.check)
      .map(
        (c) =>
          `check ${c.id}: findings scan ${c.check.findings.scan} / index ${c.check.findings.index} ` +
          `(same ignoring line numbers: ${c.check.sameFindingsIgnoringLines}; summaries same: ${c.check.sameSummaries}; ` +
          `line numbers scan ${c.check.findingLineNumbers.scan} / index ${c.check.findingLineNumbers.index}), ` +
          `warnings scan ${c.check.warnings.scan} / index ${c.check.warnings.index}, ` +
          `records read scan ${c.check.recordsRead.scan} / index ${c.check.recordsRead.index} / bcftools -R ${c.check.recordsRead.bcftoolsR}` +
          c.check.warningsOnlyInScan.map((w) => `\n  only in scan: ${w}`).join("") +
          c.check.warningsOnlyInIndex.map((w) => `\n  only in index: ${w}`).join(""),
      ),
    "",
    "start-up (median of 3+):",
    ...results.startup.map(
      (s) =>
        `  ${s.status === "ok" ? `${s.wallS.toFixed(2)} s ${String(Math.round(s.peakRssMB)).padStart(4)} MB` : s.status}  ${s.command}`,
    ),
    "",
    ...(results.cohort
      ? [
          `cohort (issue 22): ${results.cohort.files} indexed files, ${results.cohort.source} (${results.cohort.note}), median of ${results.options.repeat}:`,
          ...results.cohort.runs.map(
            (r) =>
              `  ${r.tool.padEnd(42)} ${r.status === "ok" ? `${r.wallS.toFixed(2).padStart(7)} s ${r.perFileS.toFixed(3).padStart(7)} s/file ${r.cpuS === null ? "" : `${r.cpuS.toFixed(1).padStart(7)} cpu s `}${String(Math.round(r.peakRssMB ?? 0)).padStart(4)} MB` : r.status}`,
          ),
          `  cohort ÷ loop ${results.cohort.vsLoop ?? "—"}; one file: index ÷ bcftools -R ${results.cohort.indexVsBcftoolsR ?? "—"}`,
          "",
        ]
      : []),
    "targets (issue 22):",
    ...results.targets22.map(
      (t) => `  ${t.pass === null ? "n/a " : t.pass ? "PASS" : "FAIL"}  ${t.name} ${t.limit}  (measured ${t.value ?? "—"})`,
    ),
    "",
    "targets (issue 7):",
    ...results.targets.map(
      (t) => `  ${t.pass === null ? "n/a " : t.pass ? "PASS" : "FAIL"}  ${t.name} ${t.limit}  (measured ${t.value ?? "—"})`,
    ),
    "",
  ];
  return lines.join("\n");
}

async function profile(opts) {
  if (!(await ensureBuild(opts))) throw new Error("cannot profile without a build");
  const spec = selectCases({ ...opts, quick: true })[0];
  const file = await ensureCase(spec, { outDir: OUT, makeVcf: makeVcfPath(opts), log });
  const dir = join(OUT, "prof");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const argv = ["node", "--cpu-prof", "--cpu-prof-dir", dir, ...msArgs(relative(REPO, file), opts.strategy).slice(1)];
  log(`profiling ${spec.id}: ${argv.join(" ")}`);
  const m = await measure(argv, { cwd: REPO, timeoutS: opts.timeoutS });
  if (m.exitCode !== 0) throw new Error(`marrowscope exited ${m.exitCode}: ${m.stderr.trim().split("\n").slice(-3).join("\n")}`);
  const prof = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!prof) throw new Error(`no .cpuprofile in ${dir}`);
  const { totalMs, idleMs, rows, inclusive } = summariseProfile(join(dir, prof), REPO);
  const byFile = new Map();
  for (const r of rows) {
    const key = r.where ? r.where.replace(/:\d+$/, "") : r.fn;
    byFile.set(key, (byFile.get(key) ?? 0) + r.selfMs);
  }
  const pct = (ms) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  const out = [
    `${spec.id} ${opts.strategy}: wall ${m.wallS.toFixed(2)} s (profiled), ${totalMs.toFixed(0)} ms busy + ${idleMs.toFixed(0)} ms idle on the main thread; profile ${relative(REPO, join(dir, prof))}`,
    "",
    "top 15 functions by self time:",
    ...rows.slice(0, 15).map((r) => `  ${r.selfMs.toFixed(0).padStart(7)} ms ${pct(r.selfMs)}  ${r.fn}  ${r.where}`),
    "",
    "top 15 of our own functions (src/) by inclusive time:",
    ...inclusive
      .filter((r) => r.where.startsWith("src/"))
      .slice(0, 15)
      .map((r) => `  ${r.selfMs.toFixed(0).padStart(7)} ms ${pct(r.selfMs)}  ${r.fn}  ${r.where}`),
    "",
    "self time by file:",
    ...[...byFile]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([f, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${f}`),
    "",
  ];
  process.stdout.write(out.join("\n"));
}

const opts = parseArgs(process.argv.slice(2));
try {
  await ensureTools(log);
  await (opts.profile ? profile(opts) : benchmark(opts));
} catch (error) {
  log(`error: ${error.message}`);
  process.exitCode = 1;
}
