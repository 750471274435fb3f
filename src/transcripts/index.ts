/**
 * The MANE Select transcript models of the builtin panel's genes (src/transcripts/data.ts,
 * derived by scripts/derive-transcripts.mjs). Browser-safe: plain data, no `node:` import.
 */
import type { Assembly } from "../model.js";
import { TRANSCRIPTS } from "./data.js";
import type { TranscriptModel } from "./model.js";

export type { TranscriptModel } from "./model.js";

/** Models made so far: a run asks for the same few genes on every record of them. */
const made = new Map<string, TranscriptModel>();

/** The model of a gene in a build, or undefined when the table has none (not a builtin panel gene). */
export function transcriptModel(symbol: string, assembly: Assembly): TranscriptModel | undefined {
  const raw = Object.hasOwn(TRANSCRIPTS, symbol) ? TRANSCRIPTS[symbol] : undefined;
  if (!raw) return undefined;
  // Bounded by the table: only its own symbols reach here.
  const key = `${symbol}\u0000${assembly}`;
  const known = made.get(key);
  if (known) return known;
  const build = raw[assembly];
  const exons: { start: number; end: number }[] = [];
  for (let i = 0; i + 1 < build.exons.length; i += 2) exons.push({ start: build.exons[i]!, end: build.exons[i + 1]! });
  const model: TranscriptModel = Object.freeze({
    symbol,
    refseq: raw.refseq,
    ...(raw.ensembl ? { ensembl: raw.ensembl } : {}),
    assembly,
    chrom: build.chrom,
    strand: build.strand,
    exons,
    span: { start: Math.min(...exons.map((e) => e.start)), end: Math.max(...exons.map((e) => e.end)) },
    ...(build.cds ? { cds: { start: build.cds[0], end: build.cds[1] } } : {}),
    ...(raw.cdsSequence ? { cdsSequence: raw.cdsSequence } : {}),
  });
  made.set(key, model);
  return model;
}

/** Every gene the table has a model for. */
export function transcriptGenes(): readonly string[] {
  return Object.keys(TRANSCRIPTS);
}
