/**
 * Transcript models: the MANE Select transcript of each builtin panel gene in both builds, as
 * scripts/derive-transcripts.mjs writes them (src/transcripts/data.ts), for consequences without
 * an annotator (issue 19).
 */
import type { Assembly } from "../model.js";

/** One build's model as stored: exons as flat [start, end, …] pairs, 5'→3' along the transcript. */
export interface RawBuildModel {
  readonly chrom: string;
  readonly strand: 1 | -1;
  readonly exons: readonly number[];
  /** [first base of the start codon, last base of the stop codon]: start > end on the minus strand. */
  readonly cds?: readonly [number, number];
}

export interface RawTranscript {
  readonly refseq: string;
  readonly ensembl?: string;
  /** The coding sequence (start codon to stop codon, transcript orientation), where an LRG gives it. */
  readonly cdsSequence?: string;
  readonly GRCh38: RawBuildModel;
  readonly GRCh37: RawBuildModel;
}

export type RawTranscriptTable = Readonly<Record<string, RawTranscript>>;

/** A gene's transcript in one build, exons as 1-based inclusive intervals in transcript order. */
export interface TranscriptModel {
  readonly symbol: string;
  readonly refseq: string;
  readonly ensembl?: string;
  readonly assembly: Assembly;
  readonly chrom: string;
  readonly strand: 1 | -1;
  readonly exons: readonly { readonly start: number; readonly end: number }[];
  /** The lowest and highest exon base (genomic order). */
  readonly span: { readonly start: number; readonly end: number };
  readonly cds?: { readonly start: number; readonly end: number };
  /** The coding sequence (start codon to stop codon, transcript orientation), when known. */
  readonly cdsSequence?: string;
}
