#!/usr/bin/env node
/**
 * Derives src/transcripts/data.ts: the MANE Select transcript model of every builtin panel gene in
 * GRCh38 and GRCh37 (exons 5'→3', CDS start/end), for consequences without VEP (issue 19).
 *
 *   node scripts/derive-transcripts.mjs [--shared DIR] [--check]
 *
 * Sources (unchanged public files under the shared data folder; provenance in
 * data/transcripts/SOURCES.tsv): the CAVA database of MANE 1.1 (GRCh38 models), the MANE list of
 * RefSeq ↔ Ensembl ids, the UCSC hg38ToHg19 chain (GRCh37 by lifting every exon whole: an exon that
 * does not lift whole in one ungapped block stops the script), and LRG_347 for TERC (non-coding, no
 * MANE model). `--check` fails when the committed file differs from what the sources give.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const sharedAt = args.indexOf("--shared");
const shared = resolve(sharedAt >= 0 ? args[sharedAt + 1] : join(root, "..", "shared"));
const check = args.includes("--check");
const OUT = join(root, "src", "transcripts", "data.ts");

const SOURCES = {
  cava: "data/transcripts/sicotteh_CAVA/MANE.GRCh38.v1.1.refseq_genomic.db.gz",
  mane: "data/hotspots/sources/pzweuj_ManeSelectBed/transcript.txt.gz",
  chain: "data/transcripts/ucsc_chain/hg38ToHg19.over.chain.gz",
  terc: "data/transcripts/lrg/LRG_347.xml.gz",
};

function read(rel) {
  const path = join(shared, rel);
  if (!existsSync(path)) throw new Error(`missing source ${path} (pass --shared DIR)`);
  const bytes = readFileSync(path);
  return { text: gunzipSync(bytes).toString("utf8"), sha256: createHash("sha256").update(bytes).digest("hex") };
}

const panel = JSON.parse(readFileSync(join(root, "src/panel/data/panel.json"), "utf8"));
const LRG_DIR = "data/transcripts/lrg";
const symbols = panel.genes.map((g) => g.symbol);
const src = Object.fromEntries(Object.entries(SOURCES).map(([k, rel]) => [k, read(rel)]));

// MANE Select: symbol → RefSeq and Ensembl ids.
const mane = new Map();
for (const line of src.mane.text.split("\n")) {
  if (!line || line.startsWith("#")) continue;
  const [gene, refseq, ensembl] = line.split("\t");
  mane.set(gene, { refseq, ensembl });
}

// CAVA rows: id, symbol, symbol, summary, chrom, strand, txStart0, txEnd, cdna of first CDS base,
// CDS start, CDS end (1-based; start > end on the minus strand), then exon pairs start0 end1 5'→3'.
const cava = new Map();
for (const line of src.cava.text.split("\n")) {
  if (!line) continue;
  const f = line.split("\t");
  cava.set(f[0], f);
}

// UCSC chain (GRCh38 target → GRCh37 query): ungapped blocks per chain, best chains first.
const chains = new Map();
{
  let current;
  for (const line of src.chain.text.split("\n")) {
    if (line.startsWith("chain")) {
      const [, score, tName, , tStrand, tStart, , qName, qSize, qStrand, qStart] = line.split(" ");
      current = { score: Number(score), tName, tStrand, qName, qSize: Number(qSize), qStrand, blocks: [] };
      current.t = Number(tStart);
      current.q = Number(qStart);
      if (!chains.has(tName)) chains.set(tName, []);
      chains.get(tName).push(current);
    } else if (line.trim() && current) {
      const [size, dt, dq] = line.split("\t").map(Number);
      current.blocks.push([current.t, current.q, size]);
      current.t += size + (dt || 0);
      current.q += size + (dq || 0);
    }
  }
  for (const list of chains.values()) list.sort((a, b) => b.score - a.score);
}

/** GRCh38 1-based [start, end] → GRCh37, lifted whole through one ungapped block (else undefined). */
function liftWhole(chrom, start, end) {
  for (const chain of chains.get(chrom) ?? []) {
    if (chain.tStrand !== "+" || chain.qStrand !== "+" || chain.qName !== chrom) continue;
    for (const [t, q, size] of chain.blocks) {
      if (start - 1 >= t && end <= t + size) return [q + (start - 1 - t) + 1, q + (end - t)];
    }
  }
  return undefined;
}

function lrgTerc() {
  const xml = src.terc.text;
  const span = (system) => {
    const m = new RegExp(
      `<mapping coord_system="${system}"[^>]*>\\s*<mapping_span lrg_start="(\\d+)" lrg_end="(\\d+)" other_start="(\\d+)" other_end="(\\d+)" strand="(-?1)"`,
    ).exec(xml);
    if (!m) throw new Error(`LRG_347: no ${system} mapping`);
    return m.slice(1, 6).map(Number);
  };
  const [nStart, nEnd] = span("NR_001566.1");
  const model = (system) => {
    const [lrgStart, , , otherEnd, strand] = span(system);
    if (strand !== -1) throw new Error("LRG_347: expected the minus strand");
    const g = (lrg) => otherEnd - (lrg - lrgStart);
    return { chrom: "chr3", strand: -1, exons: [[g(nEnd), g(nStart)]] };
  };
  return { refseq: "NR_001566.1", ensembl: undefined, GRCh38: model("GRCh38"), GRCh37: model("GRCh37.p13") };
}

const CODON = {};
{
  const bases = "TCAG";
  const aa = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";
  let i = 0;
  for (const a of bases) for (const b of bases) for (const c of bases) CODON[a + b + c] = aa[i++];
}
const translate = (cds) => {
  let out = "";
  for (let i = 0; i + 2 < cds.length; i += 3) out += CODON[cds.slice(i, i + 3)] ?? "X";
  return out;
};

/**
 * The coding sequence of an LRG's fixed transcript (t1), cut from its cDNA at the coding region:
 * used only when its length equals the MANE model's CDS and it translates to the LRG's protein
 * with one terminal stop (same reference transcript).
 */
function lrgCds(xml) {
  const fixed = xml.slice(0, xml.indexOf("</fixed_annotation>"));
  const cdna = /<cdna>\s*<sequence>([ACGTN]+)<\/sequence>/.exec(fixed)?.[1];
  const protein = /<translation name="p1">\s*<sequence>([A-Z*]+)<\/sequence>/.exec(fixed)?.[1];
  const lrgName = /<id>(LRG_\d+)<\/id>/.exec(xml)?.[1];
  const coding = new RegExp(`<coding_region>\\s*<coordinates coord_system="${lrgName}" start="(\\d+)"`).exec(fixed);
  if (!cdna || !protein || !coding) return undefined;
  const codingStart = Number(coding[1]);
  let offset;
  for (const m of fixed.matchAll(
    new RegExp(
      `<coordinates coord_system="${lrgName}" start="(\\d+)" end="(\\d+)" strand="1" />\\s*<coordinates coord_system="${lrgName}t1" start="(\\d+)"`,
      "g",
    ),
  )) {
    const [gs, ge, ts] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (codingStart >= gs && codingStart <= ge) offset = ts + (codingStart - gs);
  }
  if (offset === undefined) return undefined;
  const cds = cdna.slice(offset - 1, offset - 1 + (protein.length + 1) * 3);
  const t = translate(cds);
  return t === `${protein}*` ? cds : undefined;
}

const lrgBySymbol = new Map();
for (const name of readdirSync(join(shared, LRG_DIR))
  .filter((f) => f.endsWith(".xml.gz"))
  .sort()) {
  const { text, sha256 } = read(`${LRG_DIR}/${name}`);
  const symbol = /<lrg_locus source="HGNC">([^<]+)<\/lrg_locus>/.exec(text)?.[1];
  if (symbol) lrgBySymbol.set(symbol, { name, text, sha256 });
}

// LRG records that are only in the EBI-LRG/lrg-xml repository (about 1 GiB, not in the shared
// folder): their fixed transcript's cDNA and protein, copied out of the XML text twice, independently,
// and kept only where both copies are byte-identical (scripts/data/lrg-transcribed/README.md).
const TRANSCRIBED_DIR = join(root, "scripts", "data", "lrg-transcribed");
const transcribedBySymbol = new Map();
{
  const sources = readFileSync(join(TRANSCRIBED_DIR, "SOURCES.tsv"), "utf8").split("\n");
  for (const line of sources) {
    if (!line || line.startsWith("#")) continue;
    const [lrg, symbol] = line.split("\t");
    const text = (suffix) => readFileSync(join(TRANSCRIBED_DIR, `${lrg}.${suffix}.txt`), "utf8").replace(/\s+/g, "");
    const cdna = text("cdna");
    const protein = text("protein");
    transcribedBySymbol.set(symbol, { name: lrg, cdna, protein, sha256: createHash("sha256").update(`${cdna}\n${protein}`).digest("hex") });
  }
}

/**
 * The coding sequence in a transcribed cDNA: the one stretch that translates to the LRG protein and
 * a stop (the first codon may be a non-AUG start); undefined when there is none or more than one.
 */
function transcribedCds({ cdna, protein }) {
  const found = [];
  const length = (protein.length + 1) * 3;
  for (let at = 0; at + length <= cdna.length; at++) {
    const t = translate(cdna.slice(at, at + length));
    if (t.slice(1) === `${protein.slice(1)}*`) found.push(cdna.slice(at, at + length));
  }
  return found.length === 1 ? found[0] : undefined;
}

/** Bases of the exons between the CDS ends. */
function cdsLength(exons, cdsStart, cdsEnd) {
  return exons.reduce((n, [s, e]) => {
    const lo = Math.max(s, Math.min(cdsStart, cdsEnd));
    const hi = Math.min(e, Math.max(cdsStart, cdsEnd));
    return n + Math.max(0, hi - lo + 1);
  }, 0);
}

const models = [];
const usedLrgs = [];
const usedTranscribed = [];
for (const symbol of symbols) {
  if (symbol === "TERC") {
    models.push({ symbol, ...lrgTerc() });
    continue;
  }
  const ids = mane.get(symbol);
  const row = ids && cava.get(ids.refseq);
  if (!row) {
    process.stderr.write(`derive-transcripts: no MANE Select model for ${symbol}; consequences stay unknown for it\n`);
    continue;
  }
  const chrom = `chr${row[4]}`;
  const strand = Number(row[5]);
  const cdsStart = Number(row[9]);
  const cdsEnd = Number(row[10]);
  const exons38 = [];
  for (let i = 11; i + 1 < row.length; i += 2) exons38.push([Number(row[i]) + 1, Number(row[i + 1])]);
  const exons37 = exons38.map(([s, e]) => {
    const lifted = liftWhole(chrom, s, e);
    if (!lifted) throw new Error(`${symbol}: exon ${chrom}:${s}-${e} does not lift whole to GRCh37`);
    return lifted;
  });
  const liftPos = (p) => {
    const lifted = liftWhole(chrom, p, p);
    if (!lifted) throw new Error(`${symbol}: CDS end ${p} does not lift`);
    return lifted[0];
  };
  const hasCds = cdsStart > 0 && cdsEnd > 0 && cdsStart !== cdsEnd;
  // The coding sequence from the gene's LRG, when it is the same transcript (length and protein).
  let cds;
  const lrg = lrgBySymbol.get(symbol);
  if (hasCds && lrg) {
    const seq = lrgCds(lrg.text);
    const length = cdsLength(exons38, cdsStart, cdsEnd);
    if (seq && seq.length === length) {
      cds = seq;
      usedLrgs.push(lrg);
    } else process.stderr.write(`derive-transcripts: ${symbol}: ${lrg.name} is not the MANE coding sequence; no sequence\n`);
  }
  const copied = transcribedBySymbol.get(symbol);
  if (hasCds && !cds && copied) {
    const seq = transcribedCds(copied);
    if (seq && seq.length === cdsLength(exons38, cdsStart, cdsEnd)) {
      cds = seq;
      usedTranscribed.push(copied);
    } else
      process.stderr.write(`derive-transcripts: ${symbol}: ${copied.name} (transcribed) is not the MANE coding sequence; no sequence\n`);
  }
  models.push({
    symbol,
    refseq: ids.refseq,
    ensembl: ids.ensembl,
    ...(cds ? { sequence: cds } : {}),
    GRCh38: { chrom, strand, exons: exons38, ...(hasCds ? { cds: [cdsStart, cdsEnd] } : {}) },
    GRCh37: { chrom, strand, exons: exons37, ...(hasCds ? { cds: [liftPos(cdsStart), liftPos(cdsEnd)] } : {}) },
  });
}

const flat = (m) =>
  `{ chrom: ${JSON.stringify(m.chrom)}, strand: ${m.strand}, exons: [${m.exons.flat().join(", ")}]${m.cds ? `, cds: [${m.cds.join(", ")}]` : ""} }`;
const body = models
  .map(
    (m) =>
      `  ${JSON.stringify(m.symbol)}: {\n    refseq: ${JSON.stringify(m.refseq)},${m.ensembl ? `\n    ensembl: ${JSON.stringify(m.ensembl)},` : ""}${m.sequence ? `\n    cdsSequence: ${JSON.stringify(m.sequence)},` : ""}\n    GRCh38: ${flat(m.GRCh38)},\n    GRCh37: ${flat(m.GRCh37)},\n  },`,
  )
  .join("\n");
const text = `// GENERATED by scripts/derive-transcripts.mjs — do not edit; re-run \`node scripts/derive-transcripts.mjs\`.
// MANE Select models of the builtin panel's genes (${models.length}); exons as flat [start, end, …] pairs,
// 1-based inclusive, 5'→3' along the transcript; cds = [first base of the start codon, last base of the stop
// codon] (start > end on the minus strand). GRCh37 = each GRCh38 exon lifted whole with the UCSC chain.
// Sources (paths under the shared data folder, sha256 of the bytes read):
${Object.entries(SOURCES)
  .map(([k, rel]) => `//   ${rel}  ${src[k].sha256}`)
  .join("\n")}
// Coding sequences (cDNA of the LRG's fixed transcript, cut at its coding region; used where it is the
// MANE CDS: same length, translating to the LRG protein): ${usedLrgs.length} LRG records under ${LRG_DIR}/,
//   sha256 of their sha256 list ${createHash("sha256")
  .update(usedLrgs.map((l) => l.sha256).join("\n"))
  .digest("hex")}
// and ${usedTranscribed.length} LRG records transcribed from EBI-LRG/lrg-xml (scripts/data/lrg-transcribed/: ${usedTranscribed
  .map((t) => t.name)
  .join(", ")}),
//   sha256 of their cDNA+protein sha256 list ${createHash("sha256")
  .update(usedTranscribed.map((t) => t.sha256).join("\n"))
  .digest("hex")}
import type { RawTranscriptTable } from "./model.js";

export const TRANSCRIPTS: RawTranscriptTable = {
${body}
};
`;

if (check) {
  const current = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
  if (current !== text) {
    process.stderr.write("derive-transcripts --check: src/transcripts/data.ts differs from what the sources give; re-run the script\n");
    process.exit(1);
  }
  process.stdout.write(`derive-transcripts --check: ok (${models.length} models)\n`);
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}: ${models.length} models\n`);
}
