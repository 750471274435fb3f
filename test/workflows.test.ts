/**
 * Scale-out on existing engines (issue 22): the Snakemake workflow and the CWL workflow
 * (workflows/) give the same cohort tables and per-entry reports as `marrowscope cohort`, byte for
 * byte, over one manifest: the demo, a male DKC1 case (sex from the manifest), and the corpus's four
 * tumour/normal files of test/cohort.test.ts with the same roles (without the shared corpus, the
 * fixture copy of one of them, TCGA-AB-2968). Runs where Debian's snakemake and
 * cwltool are installed (.ci/run installs them); offline, no container. The Nextflow module
 * (Nextflow is not installed) is checked statically only.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { entryFileNames } from "../src/cohort.js";
import { CLI, FIXTURES, ROOT, runCli, SHARED, tempDir } from "./helpers.js";

const has = (tool: string) => spawnSync(tool, ["--version"]).status === 0;
const TABLES = ["cohort.json", "cohort-findings.tsv", "cohort-summary.tsv"];
const V = (f: string) => join(FIXTURES, "validation", f);
const C = (p: string) => join(SHARED, "corpus", p);
const LAML = ["TCGA-AB-2968-03A-01D-0739-09", "TCGA-AB-2968-11A-01D-0739-09"] as const;

// id, vcf, assembly, tumor, normal, sex: the manifest's columns.
type Entry = readonly [string, string, string, string, string, string];
const FIXTURE_ENTRIES: Entry[] = [
  ["demo", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
  // A male (hemizygous chrX call) and an id that is not a file name (cohort names it dkc1_male).
  ["dkc1 male", V("v58-dkc1-a353v-hemizygous-male.vcf"), "", "", "", "male"],
  // Ids whose file names clash: cohort's own name, `demo`, `demo`, `demo-2` (cohort names them
  // cohort-2, demo-2, demo-2-2) and `demo.fhir`; each engine must name them the same.
  ["cohort", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
  ["demo", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
  ["demo-2", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
  // demo.fhir.json would be entry demo's FHIR file: cohort names it demo.fhir-2.
  ["demo.fhir", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
  // One file with demo.json on macOS and Windows: cohort names it DEMO-3.
  ["DEMO", join(FIXTURES, "demo.vcf.gz"), "GRCh38", "", "", ""],
];
// test/cohort.test.ts's "corpus's four tumour/normal files, roles from the manifest"; TCGA-AB-2968's
// header names no roles, so tumour and normal come only from the manifest.
const CORPUS_ENTRIES: Entry[] = [
  ["scout", C("scout/scout/demo/cancer_test.vcf.gz"), "GRCh37", "999-99", "998-99", ""],
  ["tcga-laml", C("vcf2maf/data/TCGA-AB-2968-03.laml.vcf"), "GRCh37", ...LAML, ""],
  ["tcga-ucec", C("vcf2maf/data/TCGA-B5-A0JV-01.ucec.vcf"), "GRCh37", "", "", ""],
  ["tcga-brca", C("vcf2maf/data/TCGA-BH-A18P-01.brca.vcf"), "GRCh37", "", "", ""],
];
const PAIR_ENTRIES: Entry[] = CORPUS_ENTRIES.every(([, f]) => existsSync(f))
  ? CORPUS_ENTRIES
  : [["tcga-pair", V("v41-tcga-ab-2968-noroles.vcf"), "GRCh37", ...LAML, ""]];
const ENTRIES = [...FIXTURE_ENTRIES, ...PAIR_ENTRIES];
// cohort's file names for the ids.
const NAMES = entryFileNames(ENTRIES.map(([id]) => id));

/**
 * One folder for the whole file: the manifest (fixture paths relative to it, corpus paths
 * absolute) and `marrowscope cohort --manifest manifest.tsv -o direct` run in it, once.
 */
let cohort: Promise<{ dir: string; manifest: string; cells: string[] }> | undefined;
function direct() {
  cohort ??= (async () => {
    const dir = tempDir("workflows-");
    const cells = ENTRIES.map(([, vcf]) => (vcf.startsWith(FIXTURES) ? relative(dir, vcf) : vcf));
    const manifest = join(dir, "manifest.tsv");
    writeFileSync(
      manifest,
      `${["id\tvcf\tassembly\ttumor\tnormal\tsex", ...ENTRIES.map(([id, , ...rest], i) => [id, cells[i], ...rest].join("\t"))].join("\n")}\n`,
    );
    const r = await runCli(["cohort", "--manifest", "manifest.tsv", "-o", "direct"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return { dir, manifest, cells };
  })();
  return cohort;
}

/** What must show in any of the three outputs: the manifest's roles and sex were applied. */
function expectRolesAndSex(out: string) {
  const summary = readFileSync(join(out, "cohort-summary.tsv"), "utf8");
  const paired = ENTRIES.filter(([, , , tumor]) => tumor !== "");
  expect(paired.length).toBeGreaterThanOrEqual(1);
  for (const [id, , , tumor, normal] of paired) {
    expect(summary, id).toContain(`\n${id}\t${tumor}\ttumor\t`);
    expect(summary, id).toContain(`\n${id}\t${normal}\tnormal\t`);
  }
  // (TCGA-AB-2968's header names no roles: without the manifest's, both its samples read "unknown".)
  // --sex male: the hemizygous reading (without it: "germline-like homozygous").
  expect(readFileSync(join(out, "dkc1_male.json"), "utf8")).toContain("VAF 1 on chrX in a male");
}

function expectSame(out: string, expected: string, normalise: (text: string) => string = (t) => t) {
  for (const file of [...TABLES, ...NAMES.map((n) => `${n}.json`)]) {
    expect(normalise(readFileSync(join(out, file), "utf8")), file).toBe(readFileSync(join(expected, file), "utf8"));
  }
}

describe("workflow engines", () => {
  it("marrowscope cohort applies the manifest's roles and sex (what the engines are compared with)", async () => {
    const { dir } = await direct();
    expectRolesAndSex(join(dir, "direct"));
  }, 120_000);

  it.skipIf(!has("snakemake"))(
    "Snakemake: the same cohort tables and reports as marrowscope cohort",
    async () => {
      const { dir } = await direct();
      const run = spawnSync(
        "snakemake",
        [
          "-s",
          join(ROOT, "workflows/snakemake/Snakefile"),
          "--cores",
          "2",
          "--directory",
          dir,
          "--config",
          "manifest=manifest.tsv",
          "outdir=snake",
          `marrowscope=node ${CLI}`,
        ],
        { encoding: "utf8" },
      );
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      expectSame(join(dir, "snake"), join(dir, "direct"));
      expectRolesAndSex(join(dir, "snake"));
    },
    180_000,
  );

  it.skipIf(!has("cwltool"))(
    "CWL (cwltool, no container): the same cohort tables and reports as marrowscope cohort",
    async () => {
      const { dir, manifest, cells } = await direct();
      const job = join(dir, "job.json");
      writeFileSync(
        job,
        JSON.stringify({
          marrowscope: { class: "Directory", path: join(CLI, "..") },
          manifest: { class: "File", path: manifest },
          vcfs: ENTRIES.map(([, vcf]) => ({ class: "File", path: vcf })),
          ids: ENTRIES.map(([id]) => id),
          // Empty cells as "" (and one list with nulls): both mean "not given".
          assemblies: ENTRIES.map(([, , a]) => a),
          tumors: ENTRIES.map(([, , , t]) => t),
          normals: ENTRIES.map(([, , , , n]) => n || null),
          sexes: ENTRIES.map(([, , , , , s]) => s),
        }),
      );
      const out = join(dir, "cwl");
      const run = spawnSync("cwltool", ["--quiet", "--no-container", "--outdir", out, join(ROOT, "workflows/cwl/cohort.cwl"), job], {
        encoding: "utf8",
      });
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      // cwltool stages each VCF in a folder of its own: warnings name it there. Put back the path
      // the manifest gives (as cohort, run in the manifest's folder, names it).
      const spelt = new Map(ENTRIES.map(([, vcf], i) => [basename(vcf), isAbsolute(cells[i]!) ? cells[i]! : join(".", cells[i]!)]));
      const unstage = (text: string) =>
        text.replace(/\/[^"\s]*?\/stg[0-9a-f-]{36}\/([^"\s/:]+)/g, (m, name: string) => spelt.get(name) ?? m);
      expectSame(out, join(dir, "direct"), unstage);
      expectRolesAndSex(out);
    },
    300_000,
  );
});

describe("Nextflow module (nf-core style; not run: no Nextflow here)", () => {
  const MODULE = join(ROOT, "workflows/nextflow/modules/marrowscope/annotate");
  const main = readFileSync(join(MODULE, "main.nf"), "utf8");
  // The lines of a `name:` block of the process, up to the next block.
  const block = (name: string) => {
    const m = main.match(new RegExp(`^\\s*${name}:\\s*\\n([\\s\\S]*?)(?=^\\s*(?:input|output|when|script|stub):\\s*$|^}\\s*$)`, "m"));
    expect(m, name).not.toBeNull();
    return m![1]!;
  };
  // `tuple val(meta), path("*.json"), emit: json` → element names [meta, *.json].
  const elements = (line: string) =>
    [...line.matchAll(/\b(?:val|path|eval)\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*?))\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const declared = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("//"));

  it("meta.yml parses and names the process's inputs and outputs (and the versions topic)", () => {
    const meta = parse(readFileSync(join(MODULE, "meta.yml"), "utf8"));
    expect(main).toMatch(new RegExp(`^process ${String(meta.name).toUpperCase()} \\{`, "m"));
    expect(meta.name).toBe("marrowscope_annotate");
    const keys = (tuple: Record<string, unknown>[]) => tuple.map((e) => Object.keys(e)[0]);
    // Inputs: one channel per line; a tuple's elements in order.
    const inputs = declared(block("input")).map(elements);
    expect(inputs).toEqual([["meta", "vcf", "tbi"]]);
    expect(meta.input.map(keys)).toEqual(inputs);
    // Outputs: keyed by emit; the versions output also goes to the `versions` topic.
    const outputs: Record<string, string[]> = {};
    const topics: Record<string, string[][]> = {};
    for (const line of declared(block("output"))) {
      const emit = line.match(/\bemit:\s*(\w+)/)?.[1];
      expect(emit, line).toBeDefined();
      outputs[emit!] = elements(line.replace(/,\s*(?:emit|topic):.*$/, ""));
      const topic = line.match(/\btopic:\s*(\w+)/)?.[1];
      if (topic) topics[topic] = [...(topics[topic] ?? []), outputs[emit!]!];
    }
    expect(Object.keys(outputs)).toEqual(["json", "versions_marrowscope"]);
    expect(outputs.json).toEqual(["meta", "*.json"]);
    expect(Object.fromEntries(Object.entries(meta.output).map(([k, v]) => [k, (v as Record<string, unknown>[][]).map(keys)]))).toEqual(
      Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, [v]])),
    );
    expect(Object.fromEntries(Object.entries(meta.topics).map(([k, v]) => [k, (v as Record<string, unknown>[][]).map(keys)]))).toEqual(
      topics,
    );
    // nf-core conventions the module keeps.
    expect(main).toContain('tag "$meta.id"');
    expect(main).toMatch(/^\s*conda "\$\{moduleDir\}\/environment\.yml"$/m);
    expect(main).toContain("task.ext.when == null || task.ext.when");
    expect(main).toMatch(/def args = task\.ext\.args \?: ''/);
    expect(main).toMatch(/^\s*stub:\s*$/m);
  });

  it("the script uses only options that marrowscope annotate --help lists; the versions command prints the version", async () => {
    const help = await runCli(["annotate", "--help"]);
    expect(help.code, help.stderr).toBe(0);
    const listed = new Set(
      help.stdout.split("\n").flatMap((l) => (l.match(/^ {2}(?:(-\w), )?(--[a-z][a-z-]*)/)?.slice(1) ?? []).filter((o) => o !== undefined)),
    );
    expect(listed).toContain("--tumor");
    const script = main.slice(main.search(/^\s*script:\s*$/m), main.search(/^\s*stub:\s*$/m));
    expect(script).toMatch(/^\s*marrowscope annotate \\\\$/m);
    const used = new Set([...script.matchAll(/(?<![\w-])--?[a-z][a-z-]*/g)].map((m) => m[0]));
    // Every manifest column, the index and the output name reach the command line.
    for (const o of ["--assembly", "--tumor", "--normal", "--sex", "--index", "-o"]) expect(used, o).toContain(o);
    expect([...used].filter((o) => !listed.has(o))).toEqual([]);
    const version = spawnSync(process.execPath, [CLI, "--version"], { encoding: "utf8" });
    expect(main).toContain("eval('marrowscope --version')");
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  it("environment.yml parses and keeps nf-core's environment schema (channels, pinned channel::tool=version, no name)", () => {
    const env = parse(readFileSync(join(MODULE, "environment.yml"), "utf8"));
    expect(Object.keys(env).sort()).toEqual(["channels", "dependencies"]);
    expect(env.channels.length).toBeGreaterThanOrEqual(2);
    for (const c of env.channels) expect(["bioconda", "conda-forge"]).toContain(c);
    expect(env.dependencies.length).toBeGreaterThanOrEqual(1);
    for (const d of env.dependencies) expect(d).toMatch(/^(bioconda|conda-forge)::[a-z0-9_.-]+=[0-9][\w.]*$/);
  });
});
