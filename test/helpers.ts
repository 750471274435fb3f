import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { isMarrowscopeError, type MarrowscopeError } from "../src/errors.js";

export const ROOT = resolve(import.meta.dirname, "..");
export const FIXTURES = join(ROOT, "fixtures");
export const SHARED = resolve(ROOT, "..", "shared");
export const DIST = process.env.MARROWSCOPE_DIST ?? join(ROOT, "dist");
// The file `bin` names (CommonJS: it starts ~25 ms sooner than the ESM cli.js on Node 20).
export const CLI = join(DIST, "cli.cjs");

/** Debian's Chromium, which the browser tests drive with playwright-core (.ci/run installs it). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Opens a local HTML file in headless Chromium and runs `check` on the page; `requests` is every
 * URL the page asked for, so a test can say that nothing but the file loaded.
 */
export async function inChromium<T>(
  file: string,
  check: (page: Page, requests: readonly string[]) => Promise<T>,
  viewport = { width: 900, height: 1200 },
): Promise<T> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    return await check(page, requests);
  } finally {
    await browser.close();
  }
}

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/**
 * A fresh temporary directory inside the run's own folder (test/global-setup.ts), which is
 * removed when the run ends: tests used to leave hundreds behind.
 */
export function tempDir(prefix = "marrowscope-"): string {
  return mkdtempSync(join(process.env.MARROWSCOPE_TEST_TMP ?? tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.cjs, what `bin` names) with node. */
export function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A minimal GRCh38 header (contig lengths decide the assembly) with the given extra lines. */
export function vcfText(records: readonly string[], options: { samples?: readonly string[]; meta?: readonly string[] } = {}): string {
  const samples = options.samples ?? ["S1"];
  const lines = [
    "##fileformat=VCFv4.2",
    "##contig=<ID=chr2,length=242193529>",
    "##contig=<ID=chr3,length=198295559>",
    "##contig=<ID=chr5,length=181538259>",
    "##contig=<ID=chr17,length=83257441>",
    "##contig=<ID=chrX,length=156040895>",
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ...(options.meta ?? []),
    ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", ...(samples.length ? ["FORMAT", ...samples] : [])].join("\t"),
    ...records,
  ];
  return `${lines.join("\n")}\n`;
}

export function gz(text: string): Uint8Array {
  return gzipSync(Buffer.from(text));
}

/** The MarrowscopeError `run` throws (any other error is rethrown; none is a test failure). */
export function thrownBy(run: () => unknown): MarrowscopeError {
  try {
    run();
  } catch (error) {
    if (isMarrowscopeError(error)) return error;
    throw error;
  }
  throw new Error("expected a MarrowscopeError");
}

/** The MarrowscopeError `promise` rejects with. */
export async function rejectedWith(promise: Promise<unknown>): Promise<MarrowscopeError> {
  try {
    await promise;
  } catch (error) {
    if (isMarrowscopeError(error)) return error;
    throw error;
  }
  throw new Error("expected a MarrowscopeError");
}

/** The clinical validation cases (fixtures/validation/cases.json) with their options, target paths resolved. */
export function validationCases(): { file: string; path: string; options: Record<string, unknown> }[] {
  const dir = join(FIXTURES, "validation");
  const { cases } = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as {
    cases: { file: string; options?: Record<string, unknown> }[];
  };
  return cases.map((c) => {
    const options: Record<string, unknown> = { strict: false, ...c.options };
    if (typeof options.targets === "string") options.targets = join(dir, options.targets);
    return { file: c.file, path: join(dir, c.file), options };
  });
}
