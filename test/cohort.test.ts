/**
 * `marrowscope cohort` / `annotateCohort` (issue 22, first part): many VCFs into one folder with
 * per-entry reports and the cohort tables; a failing file is reported and the rest go on (exit 3);
 * a rerun skips what is current; names never leave the folder.
 */
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { safeName } from "../src/cohort.js";
import { annotate, annotateCohort } from "../src/node.js";
import { FIXTURES, runCli, SHARED, tempDir } from "./helpers.js";

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
    expect(first.stderr).toMatch(/cohort: 3 done, 0 skipped, 1 failed/);
    expect(first.stderr).toMatch(/cohort: missing: failed: .*no\/such\.vcf: cannot read/);
    // Files stay in the folder, named from sanitised ids.
    expect(readdirSync(out).sort()).toEqual(
      [
        ".marrowscope",
        "__escape_me.json",
        "__escape_me.md",
        "cohort-findings.tsv",
        "cohort-summary.tsv",
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
