/**
 * The CLI's young-generation cap, in child processes (V8 flags are process-wide): a workload
 * that grows the new space well past the cap without it stays at the cap with it, and a user's
 * own semi-space flag is left alone.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { NEW_SPACE_CAP, tunesYoungGeneration } from "../src/cli/young-generation.js";
import { ROOT, tempDir } from "./helpers.js";

let driver = "";

beforeAll(() => {
  const dir = tempDir("marrowscope-young-");
  const bundled = buildSync({
    entryPoints: [join(ROOT, "src/cli/young-generation.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "error",
  });
  writeFileSync(join(dir, "young-generation.mjs"), bundled.outputFiles[0]!.text);
  // Allocates objects of which the last 20,000 stay alive (survivors are what make V8 grow the
  // new space), pausing so the cap's timer gets its turns, then prints the new space's size.
  writeFileSync(
    join(dir, "driver.mjs"),
    `import { getHeapSpaceStatistics } from "node:v8";
import { capYoungGeneration } from "./young-generation.mjs";
if (process.argv[2] === "cap") capYoungGeneration();
let keep = [];
for (let round = 0; round < 60; round++) {
  for (let i = 0; i < 50000; i++) {
    keep.push({ round, i, text: "x" + i });
    if (keep.length > 20000) keep = [];
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
}
console.log(getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);
`,
  );
  driver = join(dir, "driver.mjs");
});

function newSpaceAfterWorkload(mode: "cap" | "none", nodeOptions = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [driver, mode], { env: { ...process.env, NODE_OPTIONS: nodeOptions } }, (error, stdout) =>
      error ? reject(error) : resolve(Number(stdout.trim())),
    );
  });
}

const onNode20 = process.versions.node.startsWith("20.");

describe("capYoungGeneration", () => {
  it.runIf(onNode20)("holds the new space at the cap where V8 alone grows it past", async () => {
    const [uncapped, capped] = await Promise.all([newSpaceAfterWorkload("none"), newSpaceAfterWorkload("cap")]);
    expect(uncapped).toBeGreaterThan(NEW_SPACE_CAP * 1.5);
    expect(capped).toBeLessThanOrEqual(NEW_SPACE_CAP * 1.1);
  });

  it.runIf(onNode20)("leaves a user's own --max-semi-space-size alone", async () => {
    // 16 MB semi-spaces are V8's own maximum: tuned, the space would stop at the cap.
    expect(await newSpaceAfterWorkload("cap", "--max-semi-space-size=16")).toBeGreaterThan(NEW_SPACE_CAP * 1.5);
  });

  it("applies on Node 20 only, and not over the user's own semi-space flags", () => {
    const node20 = { nodeVersion: "20.20.2", execArgv: [], nodeOptions: undefined };
    expect(tunesYoungGeneration(node20)).toBe(true);
    expect(tunesYoungGeneration({ ...node20, nodeVersion: "22.12.0" })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, execArgv: ["--max-semi-space-size=32"] })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, nodeOptions: "--semi_space_growth_factor=4" })).toBe(false);
    expect(tunesYoungGeneration({ ...node20, nodeOptions: "--max-old-space-size=4096" })).toBe(true);
  });
});
