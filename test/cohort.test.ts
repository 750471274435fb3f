/**
 * `marrowscope cohort` / `annotateCohort` (issue 22, first part): many VCFs into one folder with
 * per-entry reports and the cohort tables; a failing file is reported and the rest go on (exit 3);
 * a rerun skips what is current; names never leave the folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { entryFileNames, safeName } from "../src/cohort.js";
import { annotate, annotateCohort, compareTimepoints, comparisonHtml, comparisonMarkdown } from "../src/node.js";
import { DIST, FIXTURES, rejectedWith, runCli, SHARED, tempDir } from "./helpers.js";

const V = (f: string) => join(FIXTURES, "validation", f);

describe("cohort", () => {
  it("a manifest of three validation cases and a missing file: reports, tables, exit 3, resumable", async () => {
    const dir = tempDir("cohort-");
    const out = join(dir, "out");
    const manifest = join(dir, "manifest.tsv");
    writeFileSync(
      manifest,
      [
        "id\tvcf\tassembly\ttumor\tnormal",
        `dnmt3a\t${V("v01-dnmt3a-r882h-vaf48-single.vcf")}\tGRCh38\t\t`,
        `../escape me\t${V("v02-tp53-r248q-vaf45-single.vcf")}\tGRCh38\t\t`,
        `tcga\t${V("v40-tcga-ab-2968-roles.vcf")}\tGRCh37\tTCGA-AB-2968-03A-01D-0739-09\tTCGA-AB-2968-11A-01D-0739-09`,
        "missing\tno/such.vcf\tGRCh38\t\t",
      ].join("\n"),
    );
    const first = await runCli(["cohort", "--manifest", manifest, "-o", out, "-f", "json,md"]);
    expect(first.code).toBe(3);
    // The command runs its entries in worker threads (two by default).
    expect(first.stderr).toMatch(/cohort: 3 done, 0 skipped, 1 failed \(\d+ worker threads\)/);
    expect(first.stderr).toMatch(/cohort: "missing": failed: .*no\/such\.vcf: cannot read/);
    // Files stay in the folder, named from sanitised ids.
    expect(readdirSync(out).sort()).toEqual(
      [
        ".marrowscope",
        "__escape_me.json",
        "__escape_me.md",
        "cohort-findings.tsv",
        "cohort-summary.tsv",
        "cohort.html",
        "cohort.json",
        "dnmt3a.json",
        "dnmt3a.md",
        "tcga.json",
        "tcga.md",
      ].sort(),
    );
    expect(existsSync(join(dir, "escape me.json"))).toBe(false);
    // The tables hold every finding and sample of the reports, in manifest order.
    const findings = readFileSync(join(out, "cohort-findings.tsv"), "utf8").trim().split("\n");
    const reports = ["dnmt3a", "__escape_me", "tcga"].map((n) => JSON.parse(readFileSync(join(out, `${n}.json`), "utf8")));
    const want = reports.flatMap((r, k) =>
      r.samples.flatMap((s: any) =>
        s.findings.map((f: any) => `${["dnmt3a", "../escape me", "tcga"][k]}\t${s.name}\t${f.gene.symbol}\t${f.classification}`),
      ),
    );
    expect(
      findings
        .slice(1)
        .map((l) => l.split("\t"))
        .map((c) => `${c[0]}\t${c[1]}\t${c[3]}\t${c[5]}`),
    ).toEqual(want);
    expect(want.length).toBeGreaterThanOrEqual(6);
    const summary = readFileSync(join(out, "cohort-summary.tsv"), "utf8");
    expect(summary).toMatch(/^tcga\tTCGA-AB-2968-03A-01D-0739-09\ttumor\tmixed\thigh\t/m);
    const cohort = JSON.parse(readFileSync(join(out, "cohort.json"), "utf8"));
    expect(cohort.entries.map((e: any) => e.status)).toEqual(["done", "done", "done", "failed"]);
    // The same report as annotate() alone.
    expect(reports[0]).toEqual(JSON.parse(JSON.stringify(await annotate(V("v01-dnmt3a-r882h-vaf48-single.vcf"), { assembly: "GRCh38" }))));
    // A rerun skips what is current and writes the same tables; a touched input is annotated again.
    const tables = readFileSync(join(out, "cohort-findings.tsv"));
    const second = await runCli(["cohort", "--manifest", manifest, "-o", out, "-f", "json,md"]);
    expect(second.stderr).toMatch(/cohort: 0 done, 3 skipped, 1 failed/);
    expect(readFileSync(join(out, "cohort-findings.tsv")).equals(tables)).toBe(true);
    const later = new Date(Date.now() + 5000);
    const copy = join(dir, "copy.vcf");
    writeFileSync(copy, readFileSync(V("v01-dnmt3a-r882h-vaf48-single.vcf")));
    const entries = [{ id: "dnmt3a", vcf: copy, options: { assembly: "GRCh38" as const } }];
    const a = await annotateCohort(entries, { outDir: join(dir, "api") });
    expect(a.entries[0]!.status).toBe("done");
    expect((await annotateCohort(entries, { outDir: join(dir, "api") })).entries[0]!.status).toBe("skipped");
    utimesSync(copy, later, later);
    expect((await annotateCohort(entries, { outDir: join(dir, "api") })).entries[0]!.status).toBe("done");
  }, 60_000);

  it("file names: only letters, digits, dot, dash, underscore; no leading dot", () => {
    expect(safeName("../../etc/passwd")).toBe("__.._etc_passwd");
    expect(safeName(".hidden")).toBe("_hidden");
    expect(safeName("")).toBe("_");
    expect(safeName("P1 <b>")).toBe("P1__b_");
    // Clashes are numbered past names already taken, and the cohort's own files are never an entry's.
    expect(entryFileNames(["a", "a", "a-2", "cohort", "cohort-summary", "x y", "x_y", "A", "Cohort", "a.FHIR", "b.fhir", "B"])).toEqual([
      "a",
      "a-2",
      "a-2-2",
      "cohort-2",
      "cohort-summary-2",
      "x_y",
      "x_y-2",
      // Names that differ only in case are one file on macOS and Windows.
      "A-3",
      "Cohort-3",
      // a.fhir.json is entry a's FHIR file.
      "a.FHIR-2",
      "b.fhir",
      "B-2",
    ]);
  });
});

describe("cohort over the corpus's tumour/normal files", () => {
  const PAIRS = [
    ["scout", "scout/scout/demo/cancer_test.vcf.gz", "999-99", "998-99"],
    ["tcga-laml", "vcf2maf/data/TCGA-AB-2968-03.laml.vcf", "TCGA-AB-2968-03A-01D-0739-09", "TCGA-AB-2968-11A-01D-0739-09"],
    ["tcga-ucec", "vcf2maf/data/TCGA-B5-A0JV-01.ucec.vcf", "", ""],
    ["tcga-brca", "vcf2maf/data/TCGA-BH-A18P-01.brca.vcf", "", ""],
  ] as const;
  const files = PAIRS.map(([, p]) => join(SHARED, "corpus", p));
  it.skipIf(!files.every((f) => existsSync(f)))(
    "each pair is annotated with its roles where given, and tabled",
    async () => {
      const dir = tempDir("cohort-corpus-");
      const m = join(dir, "manifest.tsv");
      writeFileSync(
        m,
        ["id\tvcf\tassembly\ttumor\tnormal", ...PAIRS.map(([id, , t, n], i) => `${id}\t${files[i]}\tGRCh37\t${t}\t${n}`)].join("\n"),
      );
      const r = await runCli(["cohort", "--manifest", m, "-o", join(dir, "out"), "--lenient"]);
      expect(r.code, r.stderr).toBe(0);
      const cohort = JSON.parse(readFileSync(join(dir, "out", "cohort.json"), "utf8"));
      expect(cohort.entries.map((e: any) => e.status)).toEqual(["done", "done", "done", "done"]);
      // Roles from the manifest reach the reports: the scout tumour's clones read as somatic.
      const scout = JSON.parse(readFileSync(join(dir, "out", "scout.json"), "utf8"));
      const tumour = scout.samples.find((s: any) => s.role === "tumor");
      expect(tumour.name).toBe("999-99");
      expect(tumour.findings.filter((f: any) => f.origin.call === "somatic").length).toBeGreaterThanOrEqual(4);
      const summary = readFileSync(join(dir, "out", "cohort-summary.tsv"), "utf8")
        .trim()
        .split("\n");
      expect(summary.length - 1).toBe(cohort.entries.reduce((n: number, e: any) => n + e.samples.length, 0));
    },
    120_000,
  );
});

/** Every file in a cohort folder and its stamp folder, name → text. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ["", ".marrowscope"]) {
    for (const d of readdirSync(join(dir, sub), { withFileTypes: true })) {
      if (d.isFile()) out.set(join(sub, d.name), readFileSync(join(dir, sub, d.name), "utf8"));
    }
  }
  return out;
}

describe("cohort in worker threads", () => {
  it("worker threads and one thread write the same files, byte for byte", async () => {
    const dir = tempDir("cohort-threads-");
    const entries = [
      { id: "dnmt3a", vcf: V("v01-dnmt3a-r882h-vaf48-single.vcf"), options: { assembly: "GRCh38" as const } },
      { id: "tp53", vcf: V("v02-tp53-r248q-vaf45-single.vcf"), options: { assembly: "GRCh38" as const } },
      { id: "tcga", vcf: V("v40-tcga-ab-2968-roles.vcf"), options: { assembly: "GRCh37" as const } },
      { id: "missing", vcf: join(dir, "no-such.vcf") },
    ];
    // The built package has its worker script beside it; the source does not, so runs in this thread.
    const built = (await import(pathToFileURL(join(DIST, "node.js")).href)) as typeof import("../src/node.js");
    const threaded = await built.annotateCohort(entries, { outDir: join(dir, "threads"), jobs: 3, formats: ["json", "md", "html"] });
    const single = await annotateCohort(entries, { outDir: join(dir, "single"), formats: ["json", "md", "html"] });
    // Three asked for, at most one per core.
    expect(threaded.threads).toBe(Math.min(3, availableParallelism()));
    expect(single.threads).toBe(0);
    expect(threaded.entries).toEqual(single.entries);
    expect(threaded.entries.map((e) => e.status)).toEqual(["done", "done", "done", "failed"]);
    const a = filesOf(join(dir, "threads"));
    const b = filesOf(join(dir, "single"));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBeGreaterThanOrEqual(14);
    for (const [name, text] of a) expect(text, name).toBe(b.get(name));
  }, 120_000);
});

describe("cohort page", () => {
  it("summary and gene grid from the reports, failures listed, every value escaped", async () => {
    const dir = tempDir("cohort-page-");
    const hostile = `<img src=x onerror="alert(1)">&`;
    const out = join(dir, "out");
    const r = await annotateCohort(
      [
        { id: hostile, vcf: V("v01-dnmt3a-r882h-vaf48-single.vcf"), options: { assembly: "GRCh38" } },
        { id: "tp53", vcf: V("v02-tp53-r248q-vaf45-single.vcf"), options: { assembly: "GRCh38" } },
        { id: "gone", vcf: join(dir, "gone.vcf") },
      ],
      { outDir: out, formats: ["html"] },
    );
    const html = readFileSync(r.tables.html, "utf8");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;");
    expect(html).toContain("Research use only; not a diagnosis.");
    // One grid column per gene with a finding in any sample, and each report linked (html asked for).
    const reports = [safeName(hostile), "tp53"].map((n) => JSON.parse(readFileSync(join(out, `${n}.json`), "utf8")));
    const genes = [...new Set(reports.flatMap((rep) => rep.samples.flatMap((s: any) => s.findings.map((f: any) => f.gene.symbol))))].sort();
    expect(genes).toEqual(expect.arrayContaining(["DNMT3A", "TP53"]));
    const head = html.slice(html.indexOf("<h2>Findings by gene</h2>"));
    const columns = [...head.slice(0, head.indexOf("</thead>")).matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(columns).toEqual(["Entry", "Sample", ...genes]);
    expect(html).toContain('href="tp53.html"');
    const f = reports[1].samples[0].findings.find((x: any) => x.gene.symbol === "TP53");
    expect(html).toContain(`${f.classification} ${(f.call.vaf * 100).toFixed(1)}%`);
    expect(html).toMatch(/<h2 class="failed">Failed \(1\)<\/h2>[\s\S]*<strong>gone<\/strong>/);
    // Deterministic: a rerun (skipping every entry) writes the same page.
    const again = await annotateCohort(
      [
        { id: hostile, vcf: V("v01-dnmt3a-r882h-vaf48-single.vcf"), options: { assembly: "GRCh38" } },
        { id: "tp53", vcf: V("v02-tp53-r248q-vaf45-single.vcf"), options: { assembly: "GRCh38" } },
        { id: "gone", vcf: join(dir, "gone.vcf") },
      ],
      { outDir: out, formats: ["html"] },
    );
    expect(again.entries.map((e) => e.status)).toEqual(["skipped", "skipped", "failed"]);
    expect(readFileSync(again.tables.html, "utf8")).toBe(html);
  }, 60_000);
});

describe("cohort: serial samples from the manifest", () => {
  const demo = () => gunzipSync(readFileSync(join(FIXTURES, "demo.vcf.gz"))).toString("utf8");
  it("a patient's time points give the trajectory compare gives; one time point gives none", async () => {
    // The synthetic series of test/compare.test.ts: PIGA shrinking, DNMT3A growing, a new TP53.
    const dir = tempDir("cohort-timepoints-");
    writeFileSync(join(dir, "t0.vcf"), demo());
    writeFileSync(
      join(dir, "t1.vcf"),
      demo()
        .replace(/\t0\/1:88,12:100:0\.12$/m, "\t0/1:70,30:100:0.3")
        .replace(/(chrX\t15331500\t[^\n]*\t)0\/1:141,9:150:0\.06$/m, "$10/1:298,2:300:0.0067")
        .replace(
          /^(chr17\t7800000\t[^\n]*)$/m,
          "$1\nchr17\t7674220\t.\tC\tT\t150\tPASS\tDP=90;CSQ=T|missense_variant|MODERATE|TP53|ENSG00000141510|Transcript|ENST00000269305|protein_coding|7/11||ENST00000269305.9:c.743G>A|ENSP00000269305.4:p.Arg248Gln|YES|NM_000546.6|HGNC:11998||\tGT:AD:DP:AF\t0/1:81,9:90:0.1",
        ),
    );
    const m = join(dir, "manifest.tsv");
    writeFileSync(
      m,
      [
        "id\tvcf\tassembly\tpatient\ttimepoint",
        "p1-dx\tt0.vcf\tGRCh38\tP1\tdiagnosis",
        "p1-m6\tt1.vcf\tGRCh38\tP1\tmonth 6",
        `other\t${V("v01-dnmt3a-r882h-vaf48-single.vcf")}\tGRCh38\tP2\tdiagnosis`,
      ].join("\n"),
    );
    const out = join(dir, "out");
    const r = await runCli(["cohort", "--manifest", m, "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const cohort = JSON.parse(readFileSync(join(out, "cohort.json"), "utf8"));
    expect(cohort.trajectories).toEqual([
      { patient: "P1", json: "P1.trajectory.json", md: "P1.trajectory.md", html: "P1.trajectory.html" },
    ]);
    const reports = [
      await annotate(join(dir, "t0.vcf"), { assembly: "GRCh38" }),
      await annotate(join(dir, "t1.vcf"), { assembly: "GRCh38" }),
    ];
    const want = compareTimepoints(reports, ["diagnosis", "month 6"]);
    const got = JSON.parse(readFileSync(join(out, "P1.trajectory.json"), "utf8"));
    expect(got.patient).toBe("P1");
    // Reports name their input; the cohort's name the manifest's path, the direct ones the same file.
    expect(got.trajectories).toEqual(JSON.parse(JSON.stringify(want.trajectories)));
    expect(got.alerts.map((a: any) => `${a.kind} ${a.gene}`).sort()).toEqual(["adverse-growing DNMT3A", "new-high-risk TP53"]);
    expect(readFileSync(join(out, "P1.trajectory.md"), "utf8")).toBe(comparisonMarkdown(want));
    expect(readFileSync(join(out, "P1.trajectory.html"), "utf8")).toBe(comparisonHtml(want));
    expect(existsSync(join(out, "P2.trajectory.json"))).toBe(false);
    expect(readFileSync(join(out, "cohort.html"), "utf8")).toContain('<a href="P1.trajectory.html">trajectory</a>');
    // A time point without its patient is a manifest error, located.
    writeFileSync(m, ["id\tvcf\ttimepoint", "x\tt0.vcf\tday 1"].join("\n"));
    const bad = await runCli(["cohort", "--manifest", m, "-o", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/manifest\.tsv:2: patient: a timepoint needs the patient/);
  }, 120_000);
});

describe("cohort page size", () => {
  it("a gene's cell shows three findings and counts the rest", async () => {
    const { CohortPage } = await import("../src/cohort-html.js");
    const report = JSON.parse(JSON.stringify(await annotate(V("v01-dnmt3a-r882h-vaf48-single.vcf"), { assembly: "GRCh38" })));
    const f = report.samples[0].findings.find((x: { gene: { symbol: string } }) => x.gene.symbol === "DNMT3A");
    report.samples[0].findings = [0, 1, 2, 3, 4].map((k) => ({ ...f, variant: { ...f.variant, key: `chr2:${k}:C:T` } }));
    const page = new CohortPage();
    page.add("p", "p.vcf", { id: "p", file: "p.vcf", status: "done" }, report, "p.json");
    const html = page.html([]);
    expect(html.match(/title="chr2:\d:C:T"/g)).toEqual(['title="chr2:0:C:T"', 'title="chr2:1:C:T"', 'title="chr2:2:C:T"']);
    expect(html).toContain("<br>+2 more");
    expect(html).toContain("<td>5</td>");
  });
});

describe("cohort: what can go wrong", () => {
  const entry = (id: string, file: string) => ({ id, vcf: V(file), options: { assembly: "GRCh38" as const } });
  const three = () => [
    entry("a", "v01-dnmt3a-r882h-vaf48-single.vcf"),
    entry("b", "v02-tp53-r248q-vaf45-single.vcf"),
    entry("c", "v01-dnmt3a-r882h-vaf48-single.vcf"),
  ];

  it("an entry that cannot be written fails alone, as internal, in threads and in this thread; the rest and the tables are written", async () => {
    const built = (await import(pathToFileURL(join(DIST, "node.js")).href)) as typeof import("../src/node.js");
    for (const [how, run] of [
      ["threads", built.annotateCohort],
      ["this thread", annotateCohort],
    ] as const) {
      const out = join(tempDir("cohort-internal-"), "out");
      // A folder where b's report goes: the rename fails (EISDIR), not the input.
      mkdirSync(join(out, "b.json"), { recursive: true });
      const r = await run(three(), { outDir: out });
      expect(
        r.entries.map((e) => `${e.id} ${e.status}${e.internal ? " internal" : ""}`),
        how,
      ).toEqual(["a done", "b failed internal", "c done"]);
      expect(r.entries[1]!.error).toMatch(/^EISDIR: /);
      expect(JSON.parse(readFileSync(r.tables.json, "utf8")).entries.map((e: { status: string }) => e.status)).toEqual([
        "done",
        "failed",
        "done",
      ]);
      // No temporary file is left behind.
      expect(readdirSync(out).filter((f) => f.includes(".partial"))).toEqual([]);
    }
    // The command says so with exit 1 (not the inputs' fault).
    const dir = tempDir("cohort-internal-cli-");
    mkdirSync(join(dir, "out", "b.json"), { recursive: true });
    const m = join(dir, "m.tsv");
    writeFileSync(m, ["id\tvcf\tassembly", ...three().map((e) => `${e.id}\t${e.vcf}\tGRCh38`)].join("\n"));
    const cli = await runCli(["cohort", "--manifest", m, "-o", join(dir, "out")]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/"b": failed: EISDIR/);
  }, 120_000);

  it("a report gone since the last run is made again; a report that is not one fails its entry with its file named", async () => {
    const out = join(tempDir("cohort-resume-"), "out");
    await annotateCohort(three(), { outDir: out, formats: ["json", "md"] });
    rmSync(join(out, "a.md"));
    const again = await annotateCohort(three(), { outDir: out, formats: ["json", "md"] });
    expect(again.entries.map((e) => e.status)).toEqual(["done", "skipped", "skipped"]);
    expect(existsSync(join(out, "a.md"))).toBe(true);
    // cohort.json is the same whether entries were made now or resumed.
    const first = readFileSync(join(out, "cohort.json"), "utf8");
    writeFileSync(join(out, "b.json"), "{not json");
    const tables = await annotateCohort(three(), { outDir: out, tablesOnly: true });
    expect(tables.entries.map((e) => e.status)).toEqual(["done", "failed", "done"]);
    expect(tables.entries[1]!.error).toMatch(/b\.json: not a marrowscope report/);
    writeFileSync(join(out, "b.json"), "{}");
    const empty = await annotateCohort(three(), { outDir: out, tablesOnly: true });
    expect(empty.entries[1]!.error).toMatch(/b\.json: not a marrowscope report/);
    expect(JSON.parse(first).entries.map((e: { status: string }) => e.status)).toEqual(["done", "done", "done"]);
  }, 120_000);

  it("the same id pointed at another file of the same size and mtime is annotated again", async () => {
    const dir = tempDir("cohort-stamp-");
    const text = readFileSync(V("v01-dnmt3a-r882h-vaf48-single.vcf"), "utf8");
    const other = text.replace(/:52,48:/, ":92,08:");
    expect(other).not.toBe(text);
    expect(other.length).toBe(text.length);
    const [one, two] = [join(dir, "one.vcf"), join(dir, "two.vcf")];
    writeFileSync(one, text);
    writeFileSync(two, other);
    const when = new Date(2026, 0, 1);
    utimesSync(one, when, when);
    utimesSync(two, when, when);
    const out = join(dir, "out");
    await annotateCohort([{ id: "p", vcf: one, options: { assembly: "GRCh38" } }], { outDir: out });
    const r = await annotateCohort([{ id: "p", vcf: two, options: { assembly: "GRCh38" } }], { outDir: out });
    expect(r.entries[0]!.status).toBe("done");
  }, 60_000);

  it("options: an aborted signal rejects with E_ABORTED; jobs must be a whole number; tumor and normal must differ", async () => {
    const controller = new AbortController();
    controller.abort();
    const out = join(tempDir("cohort-options-"), "out");
    expect((await rejectedWith(annotateCohort(three(), { outDir: out, options: { signal: controller.signal } }))).code).toBe("E_ABORTED");
    expect((await rejectedWith(annotateCohort(three(), { outDir: out, jobs: 0 }))).code).toBe("E_OPTIONS");
    expect((await rejectedWith(annotateCohort(three(), { outDir: out, jobs: Number.NaN }))).code).toBe("E_OPTIONS");
    const bad = await runCli(["cohort", V("v01-dnmt3a-r882h-vaf48-single.vcf"), "-o", out, "--jobs", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jobs "0": expected a whole number/);
    const m = join(tempDir("cohort-roles-"), "m.tsv");
    writeFileSync(m, ["id\tvcf\ttumor\tnormal", `t\t${V("v40-tcga-ab-2968-roles.vcf")}\tS1\tS1`].join("\n"));
    const same = await runCli(["cohort", "--manifest", m, "-o", out]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/m\.tsv:2: normal: tumor and normal name the same sample/);
  }, 60_000);

  it("a patient's failed time point is left out of the trajectory, and said to be", async () => {
    const out = join(tempDir("cohort-omitted-"), "out");
    const r = await annotateCohort(
      [
        { ...entry("dx", "v01-dnmt3a-r882h-vaf48-single.vcf"), patient: "P", timepoint: "dx" },
        { id: "m3", vcf: join(out, "gone.vcf"), patient: "P", timepoint: "m3" },
        { ...entry("m6", "v01-dnmt3a-r882h-vaf48-single.vcf"), patient: "P", timepoint: "m6" },
      ],
      { outDir: out },
    );
    expect(r.trajectories.map((t) => t.omitted)).toEqual([[{ id: "m3", timepoint: "m3" }]]);
    const t = JSON.parse(readFileSync(r.trajectories[0]!.json, "utf8"));
    expect(t.labels).toEqual(["dx", "m6"]);
    expect(t.omitted).toEqual([{ id: "m3", timepoint: "m3" }]);
    expect(readFileSync(r.tables.html, "utf8")).toContain("left out, their entry failed: m3");
  }, 60_000);
});
