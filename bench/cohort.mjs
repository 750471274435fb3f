/**
 * The cohort row of `npm run bench` (issue 22): `marrowscope cohort` over N indexed whole-genome VCFs
 * at a real genome's density of panel records, side by side with a shell loop of
 * `bcftools view -H -R` over the same files and regions.
 *
 * The N files are hard links of one generated file (the "5M x1 sparse" case, make-vcf.mjs) and its
 * index, under N names. Two hundred distinct 5M-record files would take 46 GB and about four hours to
 * generate here (230 MB and 76 s each), and index-mode work per file does not depend on which
 * synthetic genome it is: both tools read the index and the same panel-region blocks of each file,
 * from the page cache alike.
 */
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * @param {{ repo: string, cli: string, outDir: string, vcf: string, bed: string, files: number, jobs: number,
 *           timeTools: (tools: object[], opts: object) => Promise<object[]>, opts: object, log: (m: string) => void }} a
 */
export async function benchCohort({ repo, cli, outDir, vcf, bed, files, jobs, timeTools, opts, log }) {
  const dir = join(outDir, "cohort");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "in"), { recursive: true });
  const names = Array.from({ length: files }, (_, i) => `s${String(i + 1).padStart(3, "0")}`);
  for (const name of names) {
    linkSync(vcf, join(dir, "in", `${name}.vcf.gz`));
    if (existsSync(`${vcf}.tbi`)) linkSync(`${vcf}.tbi`, join(dir, "in", `${name}.vcf.gz.tbi`));
  }
  const manifest = join(dir, "manifest.tsv");
  writeFileSync(manifest, ["id\tvcf\tassembly", ...names.map((n) => `${n}\tin/${n}.vcf.gz\tGRCh38`)].join("\n"));
  const list = join(dir, "files.txt");
  writeFileSync(list, names.map((n) => join(dir, "in", `${n}.vcf.gz`)).join("\n"));
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const tools = [
    {
      tool: `bcftools view -H -R loop × ${files}`,
      argv: ["bash", "-c", `while read -r f; do bcftools view -H -R ${q(bed)} "$f"; done < ${q(list)} > /dev/null`],
    },
    {
      tool: `marrowscope cohort × ${files} (--jobs ${jobs})`,
      // --force: every round annotates every file (a rerun would skip them all).
      argv: ["node", relative(repo, cli), "cohort", "--manifest", manifest, "-o", join(dir, "out"), "--jobs", String(jobs), "--force"],
    },
  ];
  // The single-file figures beside it: one index-mode annotate of the same file and bcftools on it.
  tools.push(
    { tool: "bcftools view -H -R (one file)", argv: ["bcftools", "view", "-H", "-R", bed, vcf] },
    {
      tool: "marrowscope index (one file)",
      argv: ["node", relative(repo, cli), "annotate", vcf, "--assembly", "GRCh38", "--strategy", "index", "-q", "-o", "/dev/null"],
    },
  );
  log(`cohort: ${files} hard links of ${relative(repo, vcf)}, ${jobs} jobs`);
  // Warm the page cache for both tools alike (the files are links of one file and its index).
  spawnSync("bash", ["-c", `cat ${q(vcf)} ${existsSync(`${vcf}.tbi`) ? q(`${vcf}.tbi`) : ""} > /dev/null`]);
  const timed = await timeTools(tools, opts);
  const [loop, cohort, one, oneIndex] = timed;
  const ratio = (a, b) => (a.status === "ok" && b.status === "ok" ? Math.round((a.median.wallS / b.median.wallS) * 1000) / 1000 : null);
  const row = (t, r, n) => ({
    tool: t.tool,
    status: r.status,
    wallS: r.status === "ok" ? Math.round(r.median.wallS * 1000) / 1000 : null,
    perFileS: r.status === "ok" ? Math.round((r.median.wallS / n) * 10000) / 10000 : null,
    peakRssMB: r.peakRssMB === undefined || r.peakRssMB === null ? null : Math.round(r.peakRssMB * 100) / 100,
    // CPU seconds (user + system) beside wall: the cohort uses every core, the bcftools loop one.
    cpuS: r.status === "ok" && typeof r.median.cpuS === "number" ? Math.round(r.median.cpuS * 100) / 100 : null,
    repeats: r.runs?.map((m) => Math.round(m.wallS * 1000) / 1000) ?? [],
  });
  const rows = tools.map((t, i) => row(t, timed[i], i < 2 ? files : 1));
  for (const r of rows)
    log(`  ${r.tool.padEnd(40)} ${r.status === "ok" ? `${r.wallS.toFixed(2)} s, ${r.peakRssMB?.toFixed(0)} MB` : r.status}`);
  rmSync(join(dir, "out"), { recursive: true, force: true });
  return {
    files,
    jobs,
    source: relative(repo, vcf),
    note: "hard links of one generated file (see bench/cohort.mjs)",
    runs: rows,
    vsLoop: ratio(cohort, loop),
    indexVsBcftoolsR: ratio(oneIndex, one),
  };
}
