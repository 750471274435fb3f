/**
 * Hostile content in outputs (issue 23). Sample names, a file name, INFO values (VEP's percent
 * escapes decode to `<`, tab, newline), ID and FILTER, and panel text (a rule's statement, a
 * summary statement, a citation) carry markup, quotes, separators and line breaks. Each format
 * must keep them as data: JSON and NDJSON round-trip them, TSV keeps one row per finding and its
 * columns, Markdown renders them as literal text (with raw HTML on or off), HTML escapes them (and
 * Chromium runs nothing), the annotated VCF stays one record per line with MSCOPE percent-encoded,
 * FHIR stays valid with codes free of line breaks. Cohort file names come from sanitised ids and
 * stay in `-o DIR`. (The Markdown/HTML basics are in test/clinician.test.ts; this adds the other
 * sources and formats.)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import MarkdownIt from "markdown-it";
import { beforeAll, describe, expect, it } from "vitest";
import {
  annotate,
  annotateCohort,
  loadPanel,
  type Report,
  readVariants,
  toFHIR,
  toHTML,
  toJSON,
  toMarkdown,
  toNDJSON,
  toPhenopacket,
  toTSV,
  toVCF,
  validate,
} from "../src/node.js";
import { TSV_COLUMNS } from "../src/report/emit.js";
import { baseProblems, fhirProblems } from "./format-checks.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const HOSTILE = `<script>alert("x")</script>'&|*_[a](javascript:alert(1))\`$&$'`;
const SAMPLES = [`P1${HOSTILE}`, "../../x/P2", "# heading", "1. list"];
const FILE_NAME = `evil\n# injected\t<b>"q'.vcf`;

/** fixtures/reliability/: a VCF and a panel (extending the builtin one) whose text is hostile. */
const VCF = readFileSync(join(FIXTURES, "reliability", "hostile.vcf"), "utf8");
const RECORDS = VCF.trimEnd()
  .split("\n")
  .filter((l) => !l.startsWith("#"));
const hostilePanel = () => loadPanel(JSON.parse(readFileSync(join(FIXTURES, "reliability", "hostile-panel.json"), "utf8")));

let report: Report;
beforeAll(async () => {
  report = await annotate({ text: VCF, name: FILE_NAME }, { panel: hostilePanel(), strict: false, assembly: "GRCh38" });
  // The hostile values did reach the report (else the checks below would prove nothing).
  const findings = report.samples.flatMap((s) => s.findings);
  expect(report.samples.map((s) => s.name)).toEqual(SAMPLES);
  expect(findings.map((f) => f.gene.symbol).sort()).toEqual(["DNMT3A", "DNMT3A", "ELANE", "ELANE", "ELANE", "ELANE"]);
  expect(findings.some((f) => f.consequence?.hgvsc?.includes("<script>\ttab\nnl"))).toBe(true);
  expect(report.input.name).toBe(FILE_NAME);
});

describe("hostile values in each output format", () => {
  it("messages quote a hostile contig name as JSON: one line, its quotes escaped", async () => {
    const checked = await validate({ text: VCF, name: "hostile.vcf" }, { strict: false });
    const contig = checked.warnings.find((w) => w.location.field === "CHROM");
    expect(contig?.location).toEqual({ file: "hostile.vcf", line: 11, field: "CHROM" });
    expect(contig?.message).toContain(JSON.stringify(`chr<script>"'`));
  });

  it("JSON and NDJSON: every value round-trips exactly, one NDJSON object per line", () => {
    expect(JSON.parse(toJSON(report))).toEqual(JSON.parse(JSON.stringify(report)));
    const parsed = toNDJSON(report)
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const findings = report.samples.flatMap((s) => s.findings);
    expect(parsed.filter((o) => o.type === "finding").map(({ type: _, ...f }) => f)).toEqual(JSON.parse(JSON.stringify(findings)));
    expect(parsed.filter((o) => o.type === "summary").map((o) => o.sample)).toEqual(SAMPLES);
  });

  it("TSV: two comment lines, the header, one row per finding with every column; tabs and newlines folded", () => {
    const lines = toTSV(report).split("\n");
    expect(lines.pop()).toBe("");
    // The file name's newline no longer starts a line of its own (a row, had it held tabs).
    expect(lines[1]).toBe(`# input evil # injected <b>"q'.vcf (GRCh38, scan)`);
    expect(lines[2]).toBe(TSV_COLUMNS.join("\t"));
    const rows = lines.slice(3).map((l) => l.split("\t"));
    expect(rows.length).toBe(report.samples.reduce((n, s) => n + s.findings.length, 0));
    for (const row of rows) expect(row.length).toBe(TSV_COLUMNS.length);
    const hgvsc = TSV_COLUMNS.indexOf("hgvsc");
    expect(rows.map((r) => r[0])).toContain(SAMPLES[0]);
    expect(rows.map((r) => r[hgvsc])).toContain("ENST00000263621.8:c.1<script> tab nl");
  });

  it("Markdown: hostile text renders as literal text, with raw HTML off and on; headings and tables intact", () => {
    const md = toMarkdown(report);
    for (const html of [false, true]) {
      const rendered = new MarkdownIt({ html }).render(md);
      expect(rendered, `html: ${html}`).not.toMatch(/<script|<img|<iframe|<a |<b>|<strong>x|<h2>not a section/);
      // One page heading per sample, each the literal name.
      const headings = [...rendered.matchAll(/<h1>(.*?)<\/h1>/g)].map((m) => m[1]);
      expect(headings).toEqual(SAMPLES.map((s) => new MarkdownIt().utils.escapeHtml(s)));
      expect(rendered).toContain("summary &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      // Each findings table keeps its columns: a `|` from the input does not add a cell.
      for (const row of rendered.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
        const cells = (row.match(/<t[dh][ >]/g) ?? []).length;
        expect([2, 7]).toContain(cells);
      }
    }
  });

  it("HTML: escaped in text and attributes, no element from the input", () => {
    const html = toHTML(report);
    expect(html).not.toMatch(/<script|<img|<iframe|<a |<b>|javascript:alert\(1\)\)"|onerror/);
    expect(html).not.toContain('alert("x")');
    expect(html).toContain("<h1>P1&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'&amp;|*_[a](javascript:alert(1))`$&amp;$'</h1>");
    expect(html).toContain("c.1&lt;script&gt;");
  });

  it.skipIf(!existsSync("/usr/bin/chromium"))(
    "HTML in Chromium: no script runs, no request leaves the page, the names read as written",
    async () => {
      const { chromium } = await import("playwright-core");
      const file = join(tempDir("hostile-"), "report.html");
      writeFileSync(file, toHTML(report));
      const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
      try {
        const page = await browser.newPage();
        const dialogs: string[] = [];
        const requests: string[] = [];
        page.on("dialog", (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(`file://${file}`);
        expect(dialogs).toEqual([]);
        expect(requests).toEqual([`file://${file}`]);
        expect(await page.locator("script, img, iframe, a").count()).toBe(0);
        const headings = await page.locator("h1").allTextContents();
        expect(headings).toEqual(SAMPLES);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it("annotated VCF: the input's lines unchanged, one record per line, MSCOPE percent-encoded, read back by bcftools", async () => {
    const out = await toVCF(report, VCF.trimEnd().split("\n"));
    const lines = out.trimEnd().split("\n");
    const records = lines.filter((l) => !l.startsWith("#"));
    expect(records.length).toBe(RECORDS.length);
    for (const [i, line] of records.entries()) {
      const columns = line.split("\t");
      expect(columns.length).toBe(9 + SAMPLES.length);
      // Everything but INFO as in the input.
      expect([...columns.slice(0, 7), ...columns.slice(8)]).toEqual([
        ...RECORDS[i]!.split("\t").slice(0, 7),
        ...RECORDS[i]!.split("\t").slice(8),
      ]);
      const mscope = columns[7]!.split(";").find((x) => x.startsWith("MSCOPE="));
      // Values carry no separator of INFO or of the list, and no whitespace.
      for (const chunk of mscope?.slice(7).split(",") ?? []) expect(chunk).not.toMatch(/[;=\s]/);
    }
    // The record on a contig named with markup and quotes (no panel gene) passes through as it is.
    expect(records[2]).toBe(RECORDS[2]);
    expect(out).toContain("c.1<script>%09tab%0Anl|");
    expect(out).toContain(`|P1<script>alert("x")</script>'%26%7C*_[a](javascript%3Aalert(1))\`$%26$'|`);
    const read: string[] = [];
    for await (const v of readVariants({ text: out }, { strict: false })) read.push(v.key);
    expect(read.slice(0, 2)).toEqual(["chr19:853000:CT:C", "chr2:25234373:C:T"]);
    const dir = tempDir("hostile-vcf-");
    writeFileSync(join(dir, "out.vcf"), out);
    let stderr = "";
    try {
      execFileSync("bcftools", ["view", "-H", join(dir, "out.vcf")], { stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr);
    }
    expect(stderr).toBe("");
  });

  it("FHIR: valid R4 and Genomics Reporting resources; codes hold no tab or newline; names as written", () => {
    const bundle = JSON.parse(toFHIR(report));
    const resources = bundle.entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    for (const resource of resources) {
      expect(baseProblems(resource)).toEqual([]);
      expect(fhirProblems(resource)).toEqual([]);
    }
    const codes: string[] = [];
    JSON.stringify(bundle, (key, value) => {
      if (key === "code" && typeof value === "string") codes.push(value);
      return value;
    });
    // FHIR's code type: no whitespace but single spaces.
    for (const code of codes) expect(code).toMatch(/^\S+( \S+)*$/);
    expect(codes).toContain("ENST00000263621.8:c.1<script> tab nl");
    expect(JSON.stringify(bundle)).toContain(JSON.stringify(SAMPLES[0]));
  });

  it("Phenopackets: JSON that round-trips the names and HGVS as written", () => {
    const packets = JSON.parse(toPhenopacket(report));
    const text = JSON.stringify(packets);
    expect(text).toContain(JSON.stringify(SAMPLES[0]));
    expect(text).toContain(JSON.stringify("ENST00000263621.8:c.1<script>\ttab\nnl"));
  });
});

describe("cohort file names come from sanitised ids and stay in -o DIR", () => {
  const IDS = [
    "../../escaped",
    "/etc/passwd",
    "..",
    ".",
    ".hidden",
    "a/b",
    "a_b",
    "a_b",
    "cohort",
    "cohort-findings",
    `x${"y".repeat(300)}`,
    "é <script>",
    "C:\\Windows\\x",
    "a.fhir",
    "a",
  ];

  /** Every file under `dir`, relative to it. */
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile());

  it("through annotateCohort: one report per entry, each its own, every file inside the folder", async () => {
    const root = tempDir("cohort-hostile-");
    const vcf = join(root, "in.vcf");
    writeFileSync(
      vcf,
      VCF.replace(/\t(P1[^\t]*|\.\.\/\.\.\/x\/P2|# heading|1\. list)/g, (_, name) => `\t${name.replace(/\W/g, "")}`),
    );
    const out = join(root, "deep", "out");
    const entries = IDS.map((id, i) => ({
      id,
      vcf,
      patient: i < 2 ? "../../patient" : undefined,
      options: { assembly: "GRCh38" as const },
    }));
    const result = await annotateCohort(entries, {
      outDir: out,
      formats: ["json", "fhir", "tsv", "md", "html"],
      options: { strict: false },
      threads: false,
    });
    expect(result.entries.map((e) => e.status)).toEqual(IDS.map(() => "done"));
    // Nothing outside the folder: the root holds only the input and the folder's parents.
    expect(readdirSync(root).sort()).toEqual(["deep", "in.vcf"]);
    const files = filesUnder(out);
    for (const f of files) {
      expect(relative(out, join(out, f)).startsWith("..")).toBe(false);
      expect(f.split("/").pop()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    }
    // One JSON report per entry, none shared: 15 entries, 15 reports besides the cohort's own files.
    const cohort = JSON.parse(readFileSync(join(out, "cohort.json"), "utf8"));
    const reports = cohort.entries.map((e: { report: string }) => e.report);
    expect(new Set(reports).size).toBe(IDS.length);
    for (const r of reports) expect(files).toContain(r);
    // Each entry's files in every format, none shared with another entry (ids "a" and "a.fhir":
    // a's FHIR file and a.fhir's report were once both a.fhir.json).
    const stems = reports.map((r: string) => r.replace(/\.json$/, ""));
    const perEntry = stems.flatMap((stem: string) => ["json", "fhir.json", "tsv", "md", "html"].map((ext) => `${stem}.${ext}`));
    expect(new Set(perEntry).size).toBe(IDS.length * 5);
    for (const f of perEntry) expect(files).toContain(f);
    for (const stem of stems) expect(JSON.parse(readFileSync(join(out, `${stem}.json`), "utf8")).schemaVersion).toBe(1);
    for (const stem of stems) expect(JSON.parse(readFileSync(join(out, `${stem}.fhir.json`), "utf8")).resourceType).toBe("Bundle");
    // The cohort's own tables are the cohort's (an entry "cohort" did not overwrite them).
    expect(cohort.entries.length).toBe(IDS.length);
    expect(readFileSync(join(out, "cohort-findings.tsv"), "utf8").split("\n")[0]).toMatch(/^entry\t/);
  }, 120_000);

  it("through marrowscope cohort --manifest: the same names, nothing outside -o", async () => {
    const root = tempDir("cohort-cli-");
    const vcf = join(root, "in.vcf");
    writeFileSync(vcf, readFileSync(join(FIXTURES, "validation", "v01-dnmt3a-r882h-vaf48-single.vcf")));
    const manifest = join(root, "manifest.tsv");
    writeFileSync(
      manifest,
      `id\tvcf\n${IDS.slice(0, 8)
        .map((id) => `${id}\tin.vcf`)
        .join("\n")}\n`,
    );
    const out = join(root, "out");
    const { code, stderr } = await runCli(["cohort", "--manifest", manifest, "-o", out, "-q"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(readdirSync(root).sort()).toEqual(["in.vcf", "manifest.tsv", "out"]);
    const reports = JSON.parse(readFileSync(join(out, "cohort.json"), "utf8")).entries.map((e: { report: string }) => e.report);
    expect(new Set(reports).size).toBe(8);
    for (const r of reports) expect(r).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*\.json$/);
  }, 120_000);
});
