/**
 * The browser demo (issue 21): web/ built with Vite, served on localhost, driven in Debian's
 * Chromium with playwright-core. The demo VCF and its index go in through the file input; the
 * page must show the summary and the three demo findings, and every download must be the CLI's
 * output for the same file, byte for byte. A 1M-record bgzipped VCF is read off the page's thread
 * (a UI action answers mid-run; Cancel gives E_ABORTED), and what the page loads to annotate the
 * demo is held to the size budget (web/budget.ts). No request may leave the page's own origin.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetSizes, BUDGET_GZIP_BYTES, checkBudget } from "../web/budget.js";
import { type StaticServer, serveStatic } from "../web/serve.js";
import { FIXTURES, ROOT, runCli, SHARED, tempDir } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const MAKE_VCF = join(SHARED, "bench", "make-vcf.mjs");
const run = promisify(execFile);
const canRun = existsSync(CHROMIUM);
const hasBgzip = await run("bgzip", ["--version"]).then(
  () => true,
  () => false,
);

let out: string;
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
/** Every request the browser made, from the page or its worker. */
const requests: string[] = [];

beforeAll(async () => {
  if (!canRun) return;
  out = join(tempDir("web-"), "dist");
  const started = performance.now();
  const { build, createLogger } = await import("vite");
  await build({
    configFile: join(ROOT, "web", "vite.config.ts"),
    customLogger: createLogger("error"),
    build: { outDir: out, emptyOutDir: true },
  });
  console.log(`web: vite build ${((performance.now() - started) / 1000).toFixed(1)} s`);
  server = await serveStatic(out);
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  context.on("request", (r) => requests.push(r.url()));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page, once its worker has fetched every chunk a run or a download may need. */
async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`web page error: ${e.message}`));
  await page.goto(`${server.origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

const stateOf = (page: Page) => page.evaluate(() => document.body.dataset.state);

/** Clicks Annotate and waits until the run has ended; its state and the page's message. */
async function annotateOn(page: Page, timeout = 60_000): Promise<{ state?: string; status: string }> {
  await page.click("#run");
  await page.waitForSelector("body[data-state=done], body[data-state=failed]", { timeout });
  return { state: await stateOf(page), status: (await page.textContent("#status-text")) ?? "" };
}

/** Clicks a download button; the file's text. */
async function download(page: Page, format: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-format=${format}]`)]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

describe.skipIf(!canRun)("browser demo (web/)", () => {
  it("annotates the demo and its index from the file input: summary, findings, and every download equal to the CLI's", async () => {
    const page = await openPage();
    await page.setInputFiles("#files", [join(FIXTURES, "demo.vcf.gz"), join(FIXTURES, "demo.vcf.gz.tbi")]);
    expect(await page.textContent("#chosen")).toContain("demo.vcf.gz.tbi");
    const started = performance.now();
    const { state, status } = await annotateOn(page);
    const wall = performance.now() - started;
    expect([state, status]).toEqual([
      "done",
      expect.stringMatching(/^Done in [\d.]+ s: 3 records read \(index\), 3 findings, 0 warnings\.$/),
    ]);
    console.log(
      `web: demo annotated in ${(wall / 1000).toFixed(2)} s (click to results; worker ${await page.evaluate(() => document.body.dataset.ms)} ms)`,
    );

    const summary = await page.locator("table.summary").innerText();
    expect(summary).toMatch(/Immunosuppression picture\s+inherited-disorder-first/);
    expect(summary).toMatch(/Clonal evolution risk\s+elevated/);
    expect(summary).toMatch(/Inherited disorder\s+suspected/);
    const rows = await page.locator("table.findings tbody tr").allInnerTexts();
    expect(rows.map((r) => r.split("\t").slice(0, 6))).toEqual([
      ["DNMT3A", "chr2:25234373:C:T", "c.2645G>A p.Arg882His", "12.0%", "somatic", "hotspot"],
      ["TERT", "chr5:1294000:AG:A", "frameshift_variant", "48.4%", "unknown", "likely-pathogenic"],
      ["PIGA", "chrX:15331500:G:A", "stop_gained", "6.0%", "somatic", "likely-pathogenic"],
    ]);
    expect(await page.textContent("#warnings")).toBe("None.");

    // What the page loaded to annotate (the page, its worker and the chunks it fetched while
    // idle: the BGZF inflater, the index reader, the exporters, YAML), held to the budget.
    const loaded = [...server.served];
    const sizes = assetSizes(out, loaded);
    const total = checkBudget(sizes);
    console.log(
      `web: loaded to annotate the demo: ${total.raw} bytes, ${total.gzip} gzipped (budget ${BUDGET_GZIP_BYTES})\n${sizes.map((s) => `  ${s.path} ${s.raw} / ${s.gzip}`).join("\n")}`,
    );
    // The gene tables stay out: the builtin panel's loci and names are precomputed.
    expect(loaded.filter((p) => /\/(genes|grch37|grch38)-/.test(p))).toEqual([]);

    // Every download, against the CLI's output for the same file (an index read there too).
    const formats = { json: "json", tsv: "tsv", md: "md", html: "html", fhir: "fhir", phenopacket: "phenopacket", vcf: "vcf" };
    for (const [button, flag] of Object.entries(formats)) {
      const cli = await runCli(["annotate", join(FIXTURES, "demo.vcf.gz"), "-f", flag]);
      expect(cli.code, cli.stderr).toBe(0);
      const file = await download(page, button);
      expect([button, file.text.length > 0 && file.text === cli.stdout]).toEqual([button, true]);
      expect(file.name).toMatch(/^demo\./);
    }
    // Nothing more was fetched for them.
    expect(server.served.slice(loaded.length)).toEqual([]);

    // The clinician report, in a frame with no script.
    await page.click("#show-report");
    const frame = page.frameLocator("#report");
    await expect.poll(() => frame.locator("body").innerText(), { timeout: 10_000 }).toContain("What to consider next");
    expect(await page.getAttribute("#report", "sandbox")).toBe("");

    if (process.env.MARROWSCOPE_UPDATE_DOCS) {
      await page.evaluate(() => document.getElementById("report")?.setAttribute("hidden", ""));
      await page.screenshot({ path: join(ROOT, "docs", "web-demo.png"), fullPage: true });
    }
    await page.close();
  }, 120_000);

  it("works offline once loaded: with the server gone, the demo annotates from its index and downloads", async () => {
    const page = await openPage();
    server.offline = true;
    try {
      await page.setInputFiles("#files", [join(FIXTURES, "demo.vcf.gz"), join(FIXTURES, "demo.vcf.gz.tbi")]);
      const { state } = await annotateOn(page);
      expect(state).toBe("done");
      expect(await page.locator("table.findings tbody tr td:first-child").allTextContents()).toEqual(["DNMT3A", "TERT", "PIGA"]);
      const cli = await runCli(["annotate", join(FIXTURES, "demo.vcf.gz")]);
      expect((await download(page, "json")).text).toBe(cli.stdout);
      expect((await download(page, "vcf")).text).toMatch(/MSCOPE=/);
    } finally {
      server.offline = false;
    }
    await page.close();
  }, 60_000);

  it("a custom panel loads the gene tables and finds its gene; a wrong sample name is shown as E_SAMPLE", async () => {
    const page = await openPage();
    const before = server.served.length;
    await page.setInputFiles("#files", join(FIXTURES, "panels", "elane-frameshift.vcf"));
    await page.click("#options > summary");
    await page.setInputFiles("#panel", join(FIXTURES, "panels", "extends-add-gene.yaml"));
    const { state } = await annotateOn(page);
    expect(state).toBe("done");
    expect(await page.locator("table.findings tbody tr").allInnerTexts()).toEqual([expect.stringMatching(/^ELANE\tchr19:853000:CT:C\t/)]);
    const loaded = server.served.slice(before);
    expect(loaded.filter((p) => /\/(genes|grch37|grch38)-/.test(p)).length).toBe(3);
    const sizes = assetSizes(out, loaded);
    console.log(`web: loaded for a YAML custom panel: ${sizes.map((s) => `${s.path} ${s.raw} / ${s.gzip}`).join(", ")}`);

    await page.fill("#tumor", "NOT_A_SAMPLE");
    const failed = await annotateOn(page);
    expect(failed.state).toBe("failed");
    expect(failed.status).toMatch(/^Failed: E_SAMPLE: .*NOT_A_SAMPLE/);
    await page.close();
  }, 60_000);

  it.skipIf(!existsSync(MAKE_VCF) || !hasBgzip)(
    "reads a 1M-record bgzipped VCF off the page's thread: the page answers mid-run, Cancel gives E_ABORTED, a full run completes",
    async () => {
      const file = join(tempDir("web-1m-"), "synthetic-1M.vcf.gz");
      let started = performance.now();
      await run("bash", ["-c", `set -o pipefail; node '${MAKE_VCF}' --records 1000000 | bgzip -@ 2 -c > '${file}'`]);
      console.log(`web: made ${file} (${statSync(file).size} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const page = await openPage();
      await page.setInputFiles("#files", file);
      const readingSome = () =>
        page.waitForFunction(() => /Reading: [1-9][\d,]* records/.test(document.getElementById("status-text")?.textContent ?? ""));

      // Cancel mid-run.
      await page.click("#run");
      await readingSome();
      await page.click("#cancel");
      await page.waitForSelector("body[data-state=failed]", { timeout: 30_000 });
      expect(await page.textContent("#status-text")).toBe("Cancelled (E_ABORTED).");
      expect(await page.evaluate(() => document.body.dataset.error)).toBe("E_ABORTED");

      // A full run; a UI action (opening the options) is answered while the worker reads.
      started = performance.now();
      await page.click("#run");
      await readingSome();
      const clicked = performance.now();
      await page.click("#options > summary");
      const answered = await page.evaluate(() => ({
        open: (document.getElementById("options") as HTMLDetailsElement).open,
        state: document.body.dataset.state,
      }));
      const latency = performance.now() - clicked;
      expect(answered).toEqual({ open: true, state: "running" });
      await page.waitForSelector("body[data-state=done], body[data-state=failed]", { timeout: 600_000 });
      const wall = performance.now() - started;
      const status = (await page.textContent("#status-text")) ?? "";
      expect(status).toMatch(/^Done in [\d.]+ s: 1,000,000 records read \(scan\), \d+ findings?, \d+ warnings?\.$/);
      console.log(
        `web: 1M records annotated in the browser in ${(wall / 1000).toFixed(1)} s (click to results; ${status}); options opened mid-run in ${latency.toFixed(0)} ms`,
      );
      await page.close();
    },
    600_000,
  );

  it("asked for nothing but its own files", () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => !url.startsWith(`${server.origin}/`))).toEqual([]);
  });
});

describe("the size budget check", () => {
  it("passes within the budget and fails, naming the files, over it", () => {
    const sizes = [
      { path: "/assets/a.js", raw: 1000, gzip: 400 },
      { path: "/assets/b.js", raw: 500, gzip: 200 },
    ];
    expect(checkBudget(sizes, 600)).toEqual({ raw: 1500, gzip: 600 });
    expect(() => checkBudget(sizes, 599)).toThrow(
      /over its size budget: 600 bytes gzipped > 599\n {2}\/assets\/a\.js: 1000 bytes, 400 gzipped/,
    );
  });

  it("measures a file's gzipped size as a server would send it", () => {
    const [size] = assetSizes(FIXTURES, ["/README.md"]);
    expect(size!.raw).toBe(statSync(join(FIXTURES, "README.md")).size);
    expect(size!.gzip).toBeGreaterThan(0);
    expect(size!.gzip).toBeLessThan(size!.raw);
  });
});
