import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, DIST, fixture, ROOT } from "./helpers.js";

beforeAll(() => {
  if (process.env.MARROWSCOPE_BUILD_ERROR) throw new Error(`build failed:\n${process.env.MARROWSCOPE_BUILD_ERROR}`);
});

describe("built package", () => {
  it("bin names the CommonJS CLI the tests run, and the ESM cli.js writes the same report", () => {
    const bin = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).bin.marrowscope;
    expect(join(DIST, relative("dist", bin))).toBe(CLI);
    const report = (file: string) => execFileSync(process.execPath, [file, "annotate", fixture("demo.vcf.gz")], { encoding: "utf8" });
    const viaBin = report(CLI);
    expect(JSON.parse(viaBin).samples[0].findings).toHaveLength(3);
    expect(report(join(DIST, "cli.js"))).toBe(viaBin);
  });

  it("the ESM node entry annotates a path", async () => {
    const m = await import(pathToFileURL(join(DIST, "node.js")).href);
    const report = await m.annotate(fixture("demo.vcf.gz"));
    expect(report.samples[0].findings.map((f: { gene: { symbol: string } }) => f.gene.symbol).sort()).toEqual(["DNMT3A", "PIGA", "TERT"]);
  });

  it("the CJS entries load with require()", () => {
    const require = createRequire(import.meta.url);
    const browser = require(join(DIST, "index.cjs"));
    const node = require(join(DIST, "node.cjs"));
    expect(typeof browser.annotate).toBe("function");
    expect(typeof node.annotate).toBe("function");
    expect(browser.builtinPanel.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the browser entry annotates bytes and a Blob", async () => {
    const m = await import(pathToFileURL(join(DIST, "index.js")).href);
    const { readFileSync } = await import("node:fs");
    const bytes = new Uint8Array(readFileSync(fixture("demo.vcf.gz")));
    const fromBytes = await m.annotate(bytes, { name: "demo.vcf.gz" });
    const fromBlob = await m.annotate(new Blob([bytes]), { name: "demo.vcf.gz" });
    expect(fromBytes.samples[0].findings).toHaveLength(3);
    expect(m.toJSON(fromBlob)).toBe(m.toJSON(fromBytes));
  });

  it("the default entry bundles for the browser with no node: import", async () => {
    const result = await build({
      entryPoints: [join(DIST, "index.js")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      conditions: ["browser", "import", "default"],
      metafile: true,
    });
    const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imported.filter((p) => p.startsWith("node:"))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });
});
