/**
 * The CLI's heap tuning, in child processes (V8 flags are process-wide): a workload that grows
 * the new space past the cap without it stays at the cap with it, full collections come sooner
 * (a smaller old generation at the peak), and a user's own flags are left alone.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { NEW_SPACE_CAP, tunesHeapGrowth, tunesYoungGeneration } from "../src/cli/heap-tuning.js";
import { ROOT, tempDir } from "./helpers.js";

let driver = "";

beforeAll(() => {
  const dir = tempDir("marrowscope-heap-");
  const bundled = buildSync({
    entryPoints: [join(ROOT, "src/cli/heap-tuning.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "error",
  });
  writeFileSync(join(dir, "heap-tuning.mjs"), bundled.outputFiles[0]!.text);
  // Keeps every 20th object for good (a growing live set, like a run's findings) and the last
  // 30,000 for a while (survivors that make V8 grow the new space, and garbage that reaches the
  // old generation), pausing so the cap's timer gets its turns. Prints the largest new and old
  // spaces seen and the number of full (mark-compact) collections.
  writeFileSync(
    join(dir, "driver.mjs"),
    `import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { tuneHeap } from "./heap-tuning.mjs";
if (process.argv[2] === "tune") tuneHeap();
let majors = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ["gc"] });
const size = (name) => getHeapSpaceStatistics().find((s) => s.space_name === name).space_size;
const kept = [];
let recent = [];
let newSpace = 0;
let oldSpace = 0;
for (let round = 0; round < 100; round++) {
  for (let i = 0; i < 40000; i++) {
    const o = { round, i, text: "x" + i + "y" + round };
    recent.push(o);
    if (recent.length > 30000) recent = [];
    if (i % 20 === 0) kept.push(o);
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
  newSpace = Math.max(newSpace, size("new_space"));
  oldSpace = Math.max(oldSpace, size("old_space"));
}
await new Promise((resolve) => setTimeout(resolve, 20));
console.log(JSON.stringify({ newSpace, oldSpace, majors, kept: kept.length }));
`,
  );
  driver = join(dir, "driver.mjs");
});

interface Outcome {
  newSpace: number;
  oldSpace: number;
  majors: number;
}

function runWorkload(mode: "tune" | "none", options: { nodeOptions?: string; execArgv?: string[] } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...(options.execArgv ?? []), driver, mode],
      { env: { ...process.env, NODE_OPTIONS: options.nodeOptions ?? "" } },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim()) as Outcome)),
    );
  });
}

const onNode20 = process.versions.node.startsWith("20.");

describe("tuneHeap", () => {
  it.runIf(onNode20)("holds the new space at the cap where V8 alone grows it past, unless the user sized it", async () => {
    const [untuned, tuned, userSized] = await Promise.all([
      runWorkload("none"),
      runWorkload("tune"),
      // 16 MB semi-spaces are V8's own maximum: tuned, the space would stop at the cap.
      runWorkload("tune", { nodeOptions: "--max-semi-space-size=16" }),
    ]);
    const seen = JSON.stringify({ untuned, tuned, userSized });
    expect(untuned.newSpace, seen).toBeGreaterThan(NEW_SPACE_CAP * 1.5);
    expect(tuned.newSpace, seen).toBeLessThanOrEqual(NEW_SPACE_CAP * 1.1);
    expect(userSized.newSpace, seen).toBeGreaterThan(NEW_SPACE_CAP * 1.5);
  });

  it.runIf(onNode20)("collects in full sooner (a smaller old generation), unless the user set the heap's growth", async () => {
    // The user's "0" is V8's own dynamic growth; the young generation is capped in both runs.
    const [tuned, userGrowth] = await Promise.all([runWorkload("tune"), runWorkload("tune", { execArgv: ["--heap-growing-percent=0"] })]);
    const seen = JSON.stringify({ tuned, userGrowth });
    expect(tuned.newSpace, seen).toBe(userGrowth.newSpace);
    expect(tuned.majors, seen).toBeGreaterThan(userGrowth.majors);
    expect(tuned.oldSpace, seen).toBeLessThan(userGrowth.oldSpace * 0.8);
  });

  it("applies on Node 20 only, and not over the user's own flags", () => {
    const node20 = { nodeVersion: "20.20.2", execArgv: [], nodeOptions: undefined };
    expect(tunesYoungGeneration(node20)).toBe(true);
    expect(tunesHeapGrowth(node20)).toBe(true);
    expect(tunesYoungGeneration({ ...node20, nodeVersion: "22.12.0" })).toBe(false);
    expect(tunesHeapGrowth({ ...node20, nodeVersion: "22.12.0" })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, execArgv: ["--max-semi-space-size=32"] })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, nodeOptions: "--semi_space_growth_factor=4" })).toBe(false);
    expect(tunesHeapGrowth({ ...node20, execArgv: ["--max-semi-space-size=32"] })).toBe(true);
    expect(tunesHeapGrowth({ ...node20, execArgv: ["--heap_growing_percent=10"] })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, execArgv: ["--heap-growing-percent=10"] })).toBe(true);
    expect(tunesYoungGeneration({ ...node20, nodeOptions: "--max-old-space-size=4096" })).toBe(true);
  });
});
