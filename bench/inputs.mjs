/**
 * Bench inputs: the external tools (Debian packages), the synthetic VCFs (cached in bench/out/
 * under a name made of their parameters and the generator's hash), and the BED of the regions
 * marrowscope reads in index mode.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GNU_TIME, onPath, run } from "./measure.mjs";

/** Installs `tabix`, `bcftools` and `time` from Debian when their commands are missing. */
export async function ensureTools(log) {
  const wanted = [
    ["bgzip", "tabix"],
    ["tabix", "tabix"],
    ["bcftools", "bcftools"],
  ];
  const missing = new Set(wanted.filter(([cmd]) => !onPath(cmd)).map(([, pkg]) => pkg));
  if (!existsSync(GNU_TIME)) missing.add("time");
  if (missing.size === 0) return;
  const pkgs = [...missing].sort();
  if (!onPath("apt-get")) {
    throw new Error(`missing ${pkgs.join(", ")} and no apt-get to install them; install them and rerun`);
  }
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  log(`installing Debian packages: ${pkgs.join(" ")} (apt-get update, then apt-get install -y)`);
  try {
    await run([...sudo, "apt-get", "update"], { inherit: true });
    await run([...sudo, "apt-get", "install", "-y", ...pkgs], { inherit: true, env: { DEBIAN_FRONTEND: "noninteractive" } });
  } catch (error) {
    throw new Error(`could not install ${pkgs.join(", ")}: ${error.message}`);
  }
  const still = wanted.filter(([cmd]) => !onPath(cmd)).map(([cmd]) => cmd);
  if (still.length > 0) throw new Error(`still missing after install: ${still.join(", ")}`);
  // `time` is optional: measure.mjs falls back to polling /proc.
  if (!existsSync(GNU_TIME)) log("GNU time still missing; peak RSS will be polled from /proc");
}

/**
 * @typedef {object} CaseSpec
 * @property {string} id         short name used in the table
 * @property {number} records
 * @property {number} samples
 * @property {number} panelDensity
 * @property {number} csqFraction
 * @property {number} seed
 */

/** The bench cases, in table order. */
export function caseSpecs({ quick, denseRecords }) {
  const seed = 42;
  const synth = (records, samples) => ({
    id: `${records / 1e6}M x${samples}`,
    records,
    samples,
    panelDensity: 0.01,
    csqFraction: 0.3,
    seed,
  });
  const dense = { id: `dense ${denseRecords / 1e3}k x1`, records: denseRecords, samples: 1, panelDensity: 1, csqFraction: 1, seed };
  // Ten samples of the panel-dense file: ~220,000 findings, which held in memory took the peak
  // past 300 MB; the CLI keeps them on disk past a budget (src/spill.ts).
  const denseMany = { ...dense, id: `dense ${denseRecords / 1e3}k x10`, samples: 10 };
  // A real genome's density: the generator puts 0.01% of records in its panel genes (0.01 puts
  // 1% there, 63,000 records of the 5M file's panel regions), so the regions hold about what a
  // uniform spread leaves in 8 Mb (~14,000 records), as in a real WGS call set.
  const sparse = { ...synth(5e6, 1), id: "5M x1 sparse", panelDensity: 0.0001 };
  if (quick) return [synth(1e6, 1), dense];
  return [synth(1e6, 1), synth(1e6, 10), synth(5e6, 1), sparse, synth(5e6, 10), dense, denseMany];
}

/**
 * Generates (or reuses) the bgzipped, tabix-indexed VCF for a case.
 * @returns {Promise<string>} path of the .vcf.gz (its .tbi beside it)
 */
export async function ensureCase(spec, { outDir, makeVcf, log }) {
  const generator = createHash("sha256").update(readFileSync(makeVcf)).digest("hex").slice(0, 8);
  const name =
    `synth-r${spec.records}-s${spec.samples}-pd${spec.panelDensity}-csq${spec.csqFraction}` + `-seed${spec.seed}-g${generator}.vcf.gz`;
  const file = join(outDir, name);
  if (existsSync(file) && existsSync(`${file}.tbi`)) return file;
  mkdirSync(outDir, { recursive: true });
  const tmp = `${file}.partial`;
  const args = [
    "--records",
    spec.records,
    "--samples",
    spec.samples,
    "--seed",
    spec.seed,
    "--panel-density",
    spec.panelDensity,
    "--csq-fraction",
    spec.csqFraction,
  ].map(String);
  log(`generating ${name} (node make-vcf.mjs ${args.join(" ")} | bgzip)`);
  const t0 = Date.now();
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  await run(["bash", "-c", `set -o pipefail; node ${q(makeVcf)} ${args.join(" ")} | bgzip -@ 2 -c > ${q(tmp)}`]);
  renameSync(tmp, file);
  rmSync(`${file}.tbi`, { force: true });
  await run(["tabix", "-p", "vcf", file]);
  log(`  ${(statSync(file).size / 2 ** 20).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

const canonical = (chrom) => {
  const c = chrom.replace(/^chr/i, "");
  return c === "M" ? "MT" : c.toUpperCase();
};

/**
 * Writes the BED (0-based half-open, sorted, overlaps merged) of the regions marrowscope reads in
 * index mode, with contig names as the file spells them. Taken from the built package
 * (`indexPanel(builtinPanel, assembly).readRegions`); when that is not importable, from the shared
 * panel-gene coordinate table padded by `fallbackPad` (and says so).
 * @returns {Promise<{ bed: string, regions: number, bases: number, source: string }>}
 */
export async function writeRegionsBed({ repo, dist, shared, vcf, outDir, assembly, log }) {
  const contigs = (await run(["tabix", "-l", vcf], { capture: true })).split("\n").filter(Boolean);
  const byCanonical = new Map(contigs.map((c) => [canonical(c), c]));
  /** @type {{ chrom: string, start: number, end: number }[]} 1-based inclusive */
  let regions;
  let source;
  try {
    const pkg = await import(pathToFileURL(join(dist, "node.js")).href);
    const index = pkg.indexPanel(pkg.builtinPanel, assembly);
    if (!Array.isArray(index?.readRegions)) throw new Error("indexPanel(...).readRegions is not an array");
    regions = index.readRegions.map((r) => ({ chrom: r.chrom, start: r.start, end: r.end }));
    source = "dist/node.js indexPanel(builtinPanel).readRegions";
  } catch (error) {
    regions = fallbackRegions(repo, shared, assembly);
    source = "FALLBACK: knowledge/panel_genes_coords_grch38_grch37.tsv ± 5000 (no flanks, no explicit regions)";
    log(`regions: built package not usable (${error.message.split("\n")[0]}); ${source}`);
  }
  const placed = [];
  const unknown = new Set();
  for (const r of regions) {
    const name = byCanonical.get(canonical(r.chrom));
    if (name) placed.push({ chrom: name, start: r.start - 1, end: r.end, order: contigs.indexOf(name) });
    else unknown.add(r.chrom);
  }
  if (unknown.size > 0) log(`regions: contigs absent from the file: ${[...unknown].join(", ")}`);
  placed.sort((a, b) => a.order - b.order || a.start - b.start);
  const merged = [];
  for (const r of placed) {
    const last = merged.at(-1);
    if (last && last.chrom === r.chrom && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const bed = join(outDir, `regions-${assembly}.bed`);
  writeFileSync(bed, merged.map((r) => `${r.chrom}\t${r.start}\t${r.end}\n`).join(""));
  const bases = merged.reduce((n, r) => n + r.end - r.start, 0);
  return { bed, regions: merged.length, bases, source };
}

/** Panel genes (from the panel JSON) placed by the shared coordinate table, padded like readRegions. */
function fallbackRegions(repo, shared, assembly) {
  const pad = 5000;
  const panel = JSON.parse(readFileSync(join(repo, "src/panel/data/panel.json"), "utf8"));
  const ids = new Set((panel.genes ?? []).map((g) => g.hgncId));
  const [head, ...rows] = readFileSync(join(shared, "knowledge/panel_genes_coords_grch38_grch37.tsv"), "utf8").trim().split("\n");
  const col = Object.fromEntries(head.split("\t").map((h, i) => [h, i]));
  const b = assembly === "GRCh37" ? "grch37" : "grch38";
  const out = [];
  for (const line of rows) {
    const f = line.split("\t");
    if (ids.size > 0 && !ids.has(f[col.hgnc_id])) continue;
    const start = Number(f[col[`${b}_start_1based`]]);
    const end = Number(f[col[`${b}_end`]]);
    if (!f[col[`${b}_contig`]] || !Number.isFinite(start) || !Number.isFinite(end)) continue;
    out.push({ chrom: f[col[`${b}_contig`]], start: Math.max(1, start - pad), end: end + pad });
  }
  return out;
}
