/**
 * Scale-out on existing engines (issue 22): the Snakemake workflow and the CWL workflow
 * (workflows/) give the same cohort tables as `marrowscope cohort`, byte for byte, over three
 * clinical validation cases. Runs where Debian's snakemake and cwltool are installed (.ci/run
 * installs them); offline, no container.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, FIXTURES, ROOT, runCli, tempDir } from "./helpers.js";

const has = (tool: string) => spawnSync(tool, ["--version"]).status === 0;
const TABLES = ["cohort.json", "cohort-findings.tsv", "cohort-summary.tsv"];
const ENTRIES = [
  ["dnmt3a", "v01-dnmt3a-r882h-vaf48-single.vcf", "GRCh38"],
  ["tp53", "v02-tp53-r248q-vaf45-single.vcf", "GRCh38"],
  ["scout", "v09-scout-cancer-test-noroles.vcf.gz", "GRCh37"],
] as const;

function manifest(dir: string): string {
  const path = join(dir, "manifest.tsv");
  writeFileSync(path, ["id\tvcf\tassembly", ...ENTRIES.map(([id, f, a]) => `${id}\t${join(FIXTURES, "validation", f)}\t${a}`)].join("\n"));
  return path;
}

async function direct(dir: string, m: string): Promise<string> {
  const out = join(dir, "direct");
  const r = await runCli(["cohort", "--manifest", m, "-o", out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe("workflow engines", () => {
  it.skipIf(!has("snakemake"))(
    "Snakemake: the same cohort tables as marrowscope cohort",
    async () => {
      const dir = tempDir("snakemake-");
      const m = manifest(dir);
      const expected = await direct(dir, m);
      const out = join(dir, "snake");
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
          `manifest=${m}`,
          `outdir=${out}`,
          `marrowscope=node ${CLI}`,
        ],
        { encoding: "utf8" },
      );
      expect(run.status, run.stderr).toBe(0);
      for (const t of TABLES) expect(readFileSync(join(out, t), "utf8"), t).toBe(readFileSync(join(expected, t), "utf8"));
    },
    180_000,
  );

  it.skipIf(!has("cwltool"))(
    "CWL (cwltool, no container): the same cohort tables as marrowscope cohort",
    async () => {
      const dir = tempDir("cwl-");
      const m = manifest(dir);
      const expected = await direct(dir, m);
      const job = join(dir, "job.json");
      writeFileSync(
        job,
        JSON.stringify({
          marrowscope: { class: "Directory", path: join(CLI, "..") },
          manifest: { class: "File", path: m },
          vcfs: ENTRIES.map(([, f]) => ({ class: "File", path: join(FIXTURES, "validation", f) })),
          names: ENTRIES.map(([id]) => id),
          assemblies: ENTRIES.map(([, , a]) => a),
        }),
      );
      const out = join(dir, "cwl");
      const run = spawnSync("cwltool", ["--quiet", "--no-container", "--outdir", out, join(ROOT, "workflows/cwl/cohort.cwl"), job], {
        encoding: "utf8",
      });
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      for (const t of TABLES) expect(readFileSync(join(out, t), "utf8"), t).toBe(readFileSync(join(expected, t), "utf8"));
    },
    300_000,
  );
});
