#!/usr/bin/env node
// Derives the compact gene tables shipped in src/genes/data/ from the shared data folder.
//
//   node scripts/derive-genes.mjs [--shared DIR] [--check]
//
// --shared DIR  the shared folder (default ../shared relative to the repo root)
// --check       derive in memory and compare with the files on disk; exit 1 if they differ
//
// Plain Node ESM without dependencies. Output is deterministic: the same inputs give the same
// bytes. The encoding is described in docs/genes.md and decoded by src/genes/codec.ts.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = join(REPO, "src", "genes", "data");

// Paths inside the shared folder, in the order they are listed in generated headers.
const SRC = {
  grch38: "data/genes/GRCh38.genes.tsv.gz",
  grch37: "data/genes/GRCh37.genes.tsv.gz",
  aliases: "data/genes/aliases.tsv.gz",
  panel: "knowledge/panel_genes_coords_grch38_grch37.tsv",
  hotspots: "data/hotspots/hotspots.tsv",
  mane38utr5: "data/hotspots/sources/pzweuj_ManeSelectBed/Gencode.GRCh38.utr5.bed.gz",
  mane38utr3: "data/hotspots/sources/pzweuj_ManeSelectBed/Gencode.GRCh38.utr3.bed.gz",
  mane37utr5: "data/hotspots/sources/pzweuj_ManeSelectBed/Gencode.GRCh37.utr5.bed.gz",
  mane37utr3: "data/hotspots/sources/pzweuj_ManeSelectBed/Gencode.GRCh37.utr3.bed.gz",
};

// A MANE span is recorded only where it differs from the gene span by more than this at either
// end; below it the two are the same for matching purposes (the validation tables use 1 kb too).
const CORE_MIN_DIFF = 1000;

// Annotation names that only name an unnamed model: GENCODE clone names (RP11-34P13.7),
// accession names (AC000068.5) and Ensembl IDs. They never name a panel gene and cost ~130 kB.
const UNNAMED = /(\.\d+$)|(^ENSG\d{11}$)/;

const CHROMS = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), "chrX", "chrY", "chrM"];

// ---------------------------------------------------------------- number codec
// Variable-length base-44 integers: every digit but the last comes from CONT, the last from TERM,
// so numbers need no separators. 88 printable ASCII characters that JSON.stringify leaves alone
// and that are safe inside a TypeScript string literal (no quote, backslash, backtick or $).
// Must match src/genes/codec.ts.
const ALPHABET = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
  .filter((c) => !`"'\\\`$,`.includes(c))
  .join("");
const TERM = ALPHABET.slice(0, 44);
const CONT = ALPHABET.slice(44);

function enc(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`cannot encode ${n}`);
  let out = TERM[n % TERM.length];
  n = Math.floor(n / TERM.length);
  while (n > 0) {
    out = CONT[n % CONT.length] + out;
    n = Math.floor(n / CONT.length);
  }
  return out;
}

// Fixed three base-88 digits (HGNC numbers up to 681,471): ids come in random order, so a
// variable-length delta would not be shorter.
function encId(n) {
  if (!Number.isSafeInteger(n) || n < 0 || n >= ALPHABET.length ** 3) throw new Error(`cannot encode id ${n}`);
  const b = ALPHABET.length;
  return ALPHABET[Math.floor(n / b / b)] + ALPHABET[Math.floor(n / b) % b] + ALPHABET[n % b];
}

// Front coding: a string sharing k >= 2 leading characters with a reference string is written as
// PREFIX[k - 2] + the rest. None of these characters occurs in any HGNC symbol (checked below).
const PREFIX = "!%&<=>?^{}~;";
function frontCode(text, reference) {
  let k = 0;
  while (k < text.length && k < reference.length && k < PREFIX.length + 1 && text[k] === reference[k]) k++;
  return k >= 2 ? PREFIX[k - 2] + text.slice(k) : text;
}

const zigzag = (n) => (n >= 0 ? 2 * n : -2 * n - 1);
const encSigned = (n) => enc(zigzag(n));

// ---------------------------------------------------------------- input helpers
function parseArgs(argv) {
  const args = { shared: resolve(REPO, "..", "shared"), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--shared") {
      const v = argv[++i];
      if (!v) throw new Error("--shared needs a directory");
      args.shared = resolve(v);
    } else if (a === "--check") args.check = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function readSource(shared, rel) {
  const bytes = readFileSync(join(shared, rel));
  const text = (rel.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  return { text, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function tsv(text) {
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0].replace(/^#/, "").split("\t");
  return lines.slice(1).map((line) => {
    const cells = line.split("\t");
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

const hgncNumber = (id) => {
  const m = /^HGNC:(\d+)$/.exec(id);
  if (!m) throw new Error(`bad HGNC id ${id}`);
  return Number(m[1]);
};

// ---------------------------------------------------------------- derivation
/** Derive every generated file; returns Map<file name, contents> plus a summary for stdout. */
export function derive(shared) {
  const src = Object.fromEntries(Object.entries(SRC).map(([k, rel]) => [k, readSource(shared, rel)]));
  const header = (what) =>
    [
      "// GENERATED by scripts/derive-genes.mjs — do not edit; re-run `node scripts/derive-genes.mjs`.",
      `// ${what}`,
      "// Sources (paths under the shared data folder, sha256 of the bytes read):",
      ...Object.entries(SRC).map(([k, rel]) => `//   ${rel}  ${src[k].sha256}`),
      "// Encoding: docs/genes.md. Coordinates are 1-based inclusive.",
      "",
    ].join("\n");
  const summary = [];

  const builds = { GRCh38: tsv(src.grch38.text), GRCh37: tsv(src.grch37.text) };
  const aliasRows = tsv(src.aliases.text);

  // Curated panel coordinates win over the derived table for panel genes (today they agree).
  const panel = tsv(src.panel.text);
  for (const [build, prefix] of [
    ["GRCh38", "grch38"],
    ["GRCh37", "grch37"],
  ]) {
    let overridden = 0;
    for (const p of panel) {
      const chrom = p[`${prefix}_contig`];
      if (!chrom) continue;
      const start = Number(p[`${prefix}_start_1based`]);
      const end = Number(p[`${prefix}_end`]);
      const rows = builds[build].filter((r) => r.hgnc_id === p.hgnc_id);
      if (rows.length !== 1) throw new Error(`${build}: panel gene ${p.symbol} has ${rows.length} rows`);
      const r = rows[0];
      if (r.chrom !== chrom || Number(r.start) !== start || Number(r.end) !== end || r.strand !== p.strand) {
        overridden++;
        Object.assign(r, { chrom, start: String(start), end: String(end), strand: p.strand });
      }
    }
    summary.push(`${build}: ${panel.length} curated panel rows, ${overridden} overrode the derived span`);
  }

  // ---- gene table: GRCh38 position order first, so GRCh38 rows reference genes implicitly
  const genes = []; // { id, symbol, previous[], withdrawn[], annotation[], alias[] }
  const byId = new Map();
  const addGene = (id, symbol) => {
    const known = byId.get(id);
    if (known) {
      if (known.symbol !== symbol) throw new Error(`${id}: symbol ${known.symbol} vs ${symbol}`);
      return;
    }
    const g = { id, symbol, previous: [], withdrawn: [], annotation_name: [], alias: [] };
    byId.set(id, g);
    genes.push(g);
  };
  for (const r of sortRows(builds.GRCh38)) addGene(r.hgnc_id, r.symbol);
  for (const r of sortRows(builds.GRCh37)) addGene(r.hgnc_id, r.symbol);
  const aliasOnly = [...new Map(aliasRows.map((r) => [r.hgnc_id, r.current_symbol])).entries()]
    .filter(([id]) => !byId.has(id))
    .sort((a, b) => hgncNumber(a[0]) - hgncNumber(b[0]));
  for (const [id, symbol] of aliasOnly) addGene(id, symbol);
  let dropped = 0;
  for (const r of aliasRows) {
    const g = byId.get(r.hgnc_id);
    if (r.type === "annotation_name" && UNNAMED.test(r.alias_or_previous_symbol)) {
      dropped++;
      continue;
    }
    if (g.symbol !== r.current_symbol) throw new Error(`${r.hgnc_id}: alias table symbol ${r.current_symbol}`);
    if (!(r.type in g)) throw new Error(`unknown alias type ${r.type}`);
    g[r.type].push(r.alias_or_previous_symbol);
  }
  const index = new Map(genes.map((g, i) => [g.id, i]));
  for (const g of genes) {
    for (const s of [g.symbol, ...g.previous, ...g.withdrawn, ...g.annotation_name, ...g.alias]) {
      if (s.length === 0 || /[\s|,]/.test(s) || [...PREFIX].some((c) => s.includes(c))) {
        throw new Error(`symbol ${JSON.stringify(s)} needs escaping`);
      }
    }
  }
  // One record per gene: symbol|previous|withdrawn|annotationName|alias (lists space-separated,
  // trailing empty fields dropped), records joined by ",". The symbol is front-coded against the
  // previous record's symbol, every other name against the gene's own symbol.
  let prevSymbol = "";
  const records = genes.map((g) => {
    const names = ["previous", "withdrawn", "annotation_name", "alias"].map((t) =>
      [...g[t]]
        .sort(cmp)
        .map((n) => frontCode(n, g.symbol))
        .join(" "),
    );
    const fields = [frontCode(g.symbol, prevSymbol), ...names];
    prevSymbol = g.symbol;
    while (fields.length > 1 && fields[fields.length - 1] === "") fields.pop();
    return fields.join("|");
  });
  const ids = genes.map((g) => encId(hgncNumber(g.id)));
  const geneChunks = chunk(records, 2000).map((c) => c.join(","));
  const idChunks = chunk(ids, 2000).map((c) => c.join(""));
  const genesTs = [
    header(`HGNC genes (${genes.length}) with previous/withdrawn/annotation-name/alias symbols (${aliasRows.length - dropped}).`),
    "/** Gene records in blocks of 2,000: `symbol|previous|withdrawn|annotationName|alias`, lists space-separated, records comma-separated. */",
    `export const GENE_RECORDS: readonly string[] = [\n${geneChunks.map((c) => `  ${JSON.stringify(c)},`).join("\n")}\n];`,
    "/** HGNC numbers of the same genes, three base-88 digits each, in blocks of 2,000. */",
    `export const GENE_IDS: readonly string[] = [\n${idChunks.map((c) => `  ${JSON.stringify(c)},`).join("\n")}\n];`,
    "/** sha256 of each source file, for provenance in reports. */",
    `export const GENE_SOURCES: Readonly<Record<string, string>> = {\n${Object.entries(SRC)
      .map(([k, rel]) => `  ${JSON.stringify(rel)}: ${JSON.stringify(src[k].sha256)},`)
      .join("\n")}\n};`,
    "",
  ].join("\n");
  summary.push(`aliases: ${aliasRows.length - dropped} kept, ${dropped} clone/accession annotation names dropped`);
  summary.push(`genes: ${genes.length} (${aliasOnly.length} without coordinates in either build)`);

  // ---- MANE Select transcript spans (GENCODE v50 MANE; GRCh37 = GENCODE lift37) from UTR segments
  const symbolToId = new Map(genes.map((g) => [g.symbol, g.id]));
  const mane = {
    GRCh38: maneSpans([src.mane38utr5.text, src.mane38utr3.text], symbolToId),
    GRCh37: maneSpans([src.mane37utr5.text, src.mane37utr3.text], symbolToId),
  };

  // ---- loci per build. Row = code [gene delta] position [core offsets]; see docs/genes.md.
  const files = new Map([["genes.ts", genesTs]]);
  // GRCh38 locus per (gene, chrom), the reference GRCh37 rows are encoded against.
  const ref38 = new Map();
  for (const build of ["GRCh38", "GRCh37"]) {
    const rows = sortRows(builds[build]);
    const lociPerGene = countBy(rows, (r) => r.hgnc_id);
    const biotypes = [...countBy(rows, (r) => r.biotype).entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map((e) => e[0]);
    const bioIndex = new Map(biotypes.map((b, i) => [b, i]));
    const perChrom = CHROMS.map(() => "");
    const counts = CHROMS.map(() => 0);
    let prevGene = -1;
    let cores = 0;
    let relative = 0;
    for (const [ci, c] of CHROMS.entries()) {
      let prevStart = 0;
      let prevOffset = 0;
      for (const r of rows) {
        if (r.chrom !== c) continue;
        const gi = index.get(r.hgnc_id);
        const start = Number(r.start);
        const end = Number(r.end);
        if (r.strand !== "+" && r.strand !== "-") throw new Error(`strand ${r.strand}`);
        // MANE core: one locus per gene in this build, same chromosome, overlapping the span.
        const m = mane[build].get(r.hgnc_id);
        const core =
          m &&
          lociPerGene.get(r.hgnc_id) === 1 &&
          m.chrom === c &&
          m.start <= end &&
          m.end >= start &&
          (Math.abs(m.start - start) > CORE_MIN_DIFF || Math.abs(m.end - end) > CORE_MIN_DIFF)
            ? m
            : undefined;
        const geneDelta = gi - (prevGene + 1);
        const code = ((bioIndex.get(r.biotype) * 2 + (r.strand === "-" ? 1 : 0)) * 2 + (core ? 1 : 0)) * 2 + (geneDelta !== 0 ? 1 : 0);
        let s = enc(code) + (geneDelta !== 0 ? encSigned(geneDelta) : "");
        const key = `${gi}:${c}`;
        const ref = build === "GRCh37" ? ref38.get(key) : undefined;
        if (ref) {
          // Most GRCh37 genes sit at the GRCh38 position plus the offset of the previous gene.
          const offset = start - ref.start;
          s += encSigned(offset - prevOffset) + encSigned(end - start - (ref.end - ref.start));
          prevOffset = offset;
          relative++;
        } else {
          s += enc(start - prevStart) + enc(end - start);
        }
        if (build === "GRCh38" && !ref38.has(key)) ref38.set(key, { start, end });
        if (core) {
          s += encSigned(core.start - start) + encSigned(end - core.end);
          cores++;
        }
        perChrom[ci] += s;
        counts[ci]++;
        prevGene = gi;
        prevStart = start;
      }
    }
    const name = build.toLowerCase();
    const ts = [
      header(`${build} gene loci (${rows.length} rows; ${cores} with a MANE core span).`),
      `/** Biotypes of ${build} rows, most frequent first (the row code stores the index). */`,
      `export const BIOTYPES: readonly string[] = ${JSON.stringify(biotypes)};`,
      "/** Number of rows per chromosome, in the order of CHROMS in codec.ts (chr1…chr22, chrX, chrY, chrM). */",
      `export const COUNTS: readonly number[] = ${JSON.stringify(counts)};`,
      "/** Encoded rows per chromosome. */",
      `export const LOCI: readonly string[] = [\n${perChrom.map((c) => `  ${JSON.stringify(c)},`).join("\n")}\n];`,
      "",
    ].join("\n");
    files.set(`${name}.ts`, ts);
    summary.push(
      `${build}: ${rows.length} loci, ${cores} MANE core spans (of ${mane[build].size} MANE genes)` +
        (build === "GRCh37" ? `, ${relative} encoded against GRCh38` : ""),
    );
  }

  // ---- hotspots
  const hotspots = tsv(src.hotspots.text).map((h) => {
    const id = symbolToId.get(h.gene);
    if (!id) throw new Error(`hotspot gene ${h.gene} is not a current symbol`);
    return [
      h.gene,
      id,
      h.hotspot,
      h.kind,
      h.strand,
      h.grch37_chrom,
      Number(h.grch37_start),
      Number(h.grch37_end),
      h.grch38_chrom,
      Number(h.grch38_start),
      Number(h.grch38_end),
      h.transcript,
    ];
  });
  files.set(
    "hotspots.ts",
    [
      header(`Hotspot codons, intervals and positions (${hotspots.length}), from data/hotspots/hotspots.tsv.`),
      "/** gene, hgncId, label, kind, strand, GRCh37 chrom/start/end, GRCh38 chrom/start/end, MANE transcript. */",
      "export const HOTSPOTS: readonly (readonly [string, string, string, string, string, string, number, number, string, number, number, string])[] = [",
      ...hotspots.map((h) => `  ${JSON.stringify(h)},`),
      "];",
      "",
    ].join("\n"),
  );
  return { files, summary };
}

function maneSpans(texts, symbolToId) {
  const spans = new Map(); // symbol -> { chrom, strand, start, end, has5, has3 }
  texts.forEach((text, which) => {
    for (const r of tsv(text)) {
      const s = spans.get(r.symbol) ?? {
        chrom: r.chrom,
        strand: r.strand,
        start: Infinity,
        end: -Infinity,
        parts: new Set(),
        chroms: new Set(),
      };
      // The UTR "bed" files are 1-based inclusive (their ends equal GENCODE's; see hotspots derive.py).
      s.start = Math.min(s.start, Number(r.start));
      s.end = Math.max(s.end, Number(r.end));
      s.parts.add(which);
      s.chroms.add(r.chrom);
      spans.set(r.symbol, s);
    }
  });
  const out = new Map();
  for (const [symbol, s] of spans) {
    const id = symbolToId.get(symbol);
    // Without both UTRs the transcript ends are unknown (the CDS may extend past the last UTR).
    if (!id || s.parts.size !== 2 || s.chroms.size !== 1) continue;
    out.set(id, s);
  }
  return out;
}

function sortRows(rows) {
  const order = new Map(CHROMS.map((c, i) => [c, i]));
  for (const r of rows) if (!order.has(r.chrom)) throw new Error(`unexpected chromosome ${r.chrom}`);
  return [...rows].sort(
    (a, b) =>
      order.get(a.chrom) - order.get(b.chrom) ||
      Number(a.start) - Number(b.start) ||
      Number(a.end) - Number(b.end) ||
      hgncNumber(a.hgnc_id) - hgncNumber(b.hgnc_id),
  );
}

function countBy(items, key) {
  const m = new Map();
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------- main
function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(args.shared, SRC.grch38))) {
    console.error(`derive-genes: ${join(args.shared, SRC.grch38)} not found (use --shared DIR)`);
    process.exit(2);
  }
  const { files, summary } = derive(args.shared);
  if (args.check) {
    const stale = [...files].filter(([name, text]) => {
      const path = join(OUT_DIR, name);
      return !existsSync(path) || readFileSync(path, "utf8") !== text;
    });
    for (const [name] of stale) console.error(`derive-genes: src/genes/data/${name} is out of date`);
    if (stale.length > 0) process.exit(1);
    console.log(`derive-genes: ${files.size} generated files are current`);
    return;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  let total = 0;
  for (const [name, text] of files) {
    writeFileSync(join(OUT_DIR, name), text);
    total += Buffer.byteLength(text);
    console.log(`wrote src/genes/data/${name} (${Buffer.byteLength(text)} bytes)`);
  }
  for (const line of summary) console.log(line);
  console.log(`total ${total} bytes`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
