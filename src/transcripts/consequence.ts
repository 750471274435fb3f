/**
 * Consequences of a variant on a gene's MANE Select transcript: the SO terms Ensembl VEP assigns by
 * position and length, the impact, exon/intron number and HGVS c. (n. for a non-coding RNA). Where
 * the bases are known (the model's coding sequence, or a reference FASTA's), also what needs them:
 * missense vs synonymous vs stop gained, HGVS p. in predicted notation `p.(…)`, and indels 3′-shifted
 * as HGVS asks (del, dup, ins, delins; `fsTer` for frameshifts). Without the bases a substitution in
 * a coding exon reads `coding_sequence_variant`, as VEP writes when it cannot tell, and an indel gets
 * no HGVS whose position a shift could change. Definitions follow VEP's consequence calculations (splice donor/acceptor: the first/last
 * two intron bases; splice region: 1–3 exon bases or 3–8 intron bases from a boundary;
 * upstream/downstream: within 5 kb of the transcript).
 */
import { trimAlleles } from "../normalize/alleles.js";
import { soImpact, soRank } from "../normalize/so-terms.js";
import {
  type Bases,
  cdsIndex,
  codingBases,
  complement,
  duplicated,
  type Edit,
  firstOf,
  proteinChange,
  reverseComplement,
  shift3,
  THREE,
  translate,
} from "./hgvs.js";
import type { TranscriptModel } from "./model.js";

/** VEP's up- and downstream distance. */
export const FLANK = 5000;

export interface PredictedConsequence {
  /** SO terms, most severe first. */
  readonly terms: readonly string[];
  readonly impact: "HIGH" | "MODERATE" | "LOW" | "MODIFIER";
  readonly transcript: string;
  /** HGVS c. (n. for a non-coding transcript) of a substitution; undefined for indels (they need 3′ shifting). */
  readonly hgvsc?: string;
  /** HGVS p. (predicted, 3-letter) of a coding substitution, where the coding sequence is known. */
  readonly hgvsp?: string;
  /** "3/16" when the variant touches an exon, or an intron. */
  readonly exon?: string;
  readonly intron?: string;
}

/**
 * The protein effect of a coding substitution at c.`n` (ref/alt in transcript orientation), from the
 * coding sequence: the SO term and HGVS p. (undefined when the sequence is unknown or disagrees).
 */
function proteinEffect(sequence: string, n: number, ref: string, alt: string): { term: string; hgvsp?: string } | undefined {
  const k = Math.floor((n - 1) / 3);
  const at = (n - 1) % 3;
  const codon = sequence.slice(3 * k, 3 * k + 3);
  if (codon.length !== 3 || codon[at] !== ref) return undefined;
  const from = translate(codon);
  const to = translate(codon.slice(0, at) + alt + codon.slice(at + 1));
  if (!from || !to) return undefined;
  const residue = `${THREE[from]}${k + 1}`;
  if (k === 0) return { term: "start_lost" };
  if (from === "*") return { term: to === "*" ? "stop_retained_variant" : "stop_lost" };
  if (to === "*") return { term: "stop_gained", hgvsp: `p.(${residue}Ter)` };
  if (to === from) return { term: "synonymous_variant", hgvsp: `p.(${residue}=)` };
  return { term: "missense_variant", hgvsp: `p.(${residue}${THREE[to]})` };
}

/** The allele as an interval of reference bases it changes (an insertion: between `start - 1` and `start`). */
interface Change {
  readonly start: number;
  readonly end: number;
  readonly insertion: boolean;
  /** Bases gained minus bases lost. */
  readonly delta: number;
  /** Plus-strand bases lost and gained (the VCF anchor base left out). */
  readonly deleted: string;
  readonly inserted: string;
}

function changeOf(pos: number, ref: string, alt: string): Change {
  // trimAlleles keeps VCF's anchor base on an indel; the change starts after it.
  const t = trimAlleles(pos, ref, alt);
  const anchored = t.ref.length !== t.alt.length && t.ref[0] === t.alt[0] && (t.ref.length === 1 || t.alt.length === 1);
  const start = anchored ? t.pos + 1 : t.pos;
  const deleted = anchored ? t.ref.slice(1) : t.ref;
  const inserted = anchored ? t.alt.slice(1) : t.alt;
  const lost = deleted.length;
  const gained = inserted.length;
  if (lost === 0) return { start, end: start - 1, insertion: true, delta: gained, deleted, inserted };
  return { start, end: start + lost - 1, insertion: false, delta: gained - lost, deleted, inserted };
}

/**
 * Transcript coordinate of a genomic position inside an exon: 1-based along the transcript.
 * Undefined when the position is not exonic.
 */
function txPos(model: TranscriptModel, g: number): number | undefined {
  let before = 0;
  for (const e of model.exons) {
    if (g >= e.start && g <= e.end) return before + (model.strand === 1 ? g - e.start + 1 : e.end - g + 1);
    before += e.end - e.start + 1;
  }
  return undefined;
}

/** Distance along the transcript's direction from a to b (positive when b is 3′ of a). */
const along = (model: TranscriptModel, a: number, b: number) => (model.strand === 1 ? b - a : a - b);

/**
 * The intron holding a genomic position: its 0-based index (between exon i and i + 1, transcript
 * order), the transcript-order bases of the exons around it, and how far the position lies from
 * the donor (5′) and acceptor (3′) ends. Undefined when the position is not intronic.
 */
function intronAt(
  model: TranscriptModel,
  g: number,
): { index: number; last: number; next: number; fromDonor: number; toAcceptor: number } | undefined {
  const { exons, strand } = model;
  for (let i = 0; i + 1 < exons.length; i++) {
    const last = strand === 1 ? exons[i]!.end : exons[i]!.start;
    const next = strand === 1 ? exons[i + 1]!.start : exons[i + 1]!.end;
    const fromDonor = along(model, last, g);
    const toAcceptor = along(model, g, next);
    if (fromDonor > 0 && toAcceptor > 0) return { index: i, last, next, fromDonor, toAcceptor };
  }
  return undefined;
}

/** c./n. position text of an exonic transcript position. */
function codingPosition(model: TranscriptModel, t: number): string {
  if (!model.cds) return `${t}`;
  const cdsStart = txPos(model, model.cds.start) as number;
  const cdsEnd = txPos(model, model.cds.end) as number;
  if (t < cdsStart) return `-${cdsStart - t}`;
  if (t > cdsEnd) return `*${t - cdsEnd}`;
  return `${t - cdsStart + 1}`;
}

/** HGVS position of a genomic position: exonic, or intronic relative to the nearest exon boundary. */
function hgvsPosition(model: TranscriptModel, g: number): string | undefined {
  const t = txPos(model, g);
  if (t !== undefined) return codingPosition(model, t);
  const intron = intronAt(model, g);
  if (!intron) return undefined;
  const { last, next, fromDonor, toAcceptor } = intron;
  // HGVS: the middle base of an intron is numbered from the donor side (+).
  return fromDonor <= toAcceptor
    ? `${codingPosition(model, txPos(model, last) as number)}+${fromDonor}`
    : `${codingPosition(model, txPos(model, next) as number)}-${toAcceptor}`;
}

/**
 * Bases a run knows beyond the model's own coding sequence (from a reference FASTA): plus-strand
 * bases around the variant, and the coding sequence when the model has none.
 */
export interface TranscriptSequence {
  readonly bases?: Bases;
  readonly cds?: string;
}

/** An HGVS range of genomic bases lo..hi, written 5′→3′ on the transcript. */
function hgvsRange(model: TranscriptModel, lo: number, hi: number): string | undefined {
  const a = hgvsPosition(model, lo);
  const b = hgvsPosition(model, hi);
  if (a === undefined || b === undefined) return undefined;
  if (lo === hi) return a;
  return model.strand === 1 ? `${a}_${b}` : `${b}_${a}`;
}

/** The HGVS c./n. body of an indel or delins, 3′-shifted; undefined where the bases cannot settle it. */
function describeEdit(model: TranscriptModel, edit: Edit, bases: Bases): string | undefined {
  const { strand } = model;
  const moved = shift3(edit, strand, bases);
  if (!moved) return undefined;
  const tx = (s: string) => (strand === 1 ? s : reverseComplement(s));
  if (moved.inserted.length === 0) {
    const range = hgvsRange(model, moved.start, moved.end);
    return range && `${range}del`;
  }
  if (moved.deleted.length === 0) {
    const dup = duplicated(moved, strand, bases);
    if (dup) {
      const range = hgvsRange(model, dup.start, dup.end);
      return range && `${range}dup`;
    }
    // Between moved.start - 1 and moved.start.
    const range = hgvsRange(model, moved.start - 1, moved.start);
    return range && `${range}ins${tx(moved.inserted)}`;
  }
  const range = hgvsRange(model, moved.start, moved.end);
  return range && `${range}delins${tx(moved.inserted)}`;
}

/**
 * The edit as a coding-sequence interval [i, j) (an insertion: i = j), or undefined when it is not
 * wholly inside the CDS or spans an intron.
 */
function cdsSpan(model: TranscriptModel, edit: Edit): [number, number] | undefined {
  if (edit.deleted.length === 0) {
    const a = cdsIndex(model, edit.start - 1);
    const b = cdsIndex(model, edit.start);
    if (a === undefined || b === undefined || Math.abs(a - b) !== 1) return undefined;
    const at = Math.max(a, b);
    return [at, at];
  }
  const a = cdsIndex(model, edit.start);
  const b = cdsIndex(model, edit.end);
  if (a === undefined || b === undefined || Math.abs(a - b) !== edit.end - edit.start) return undefined;
  return [Math.min(a, b), Math.max(a, b) + 1];
}

function ordered(terms: Set<string>): string[] {
  return [...terms].sort((a, b) => soRank(a) - soRank(b));
}

/**
 * The consequence of a variant (VCF position and alleles, on the plus strand) on a transcript
 * model, or undefined when it lies beyond the transcript's 5 kb flanks.
 */
export function predictConsequence(
  model: TranscriptModel,
  pos: number,
  ref: string,
  alt: string,
  sequence?: TranscriptSequence,
): PredictedConsequence | undefined {
  const change = changeOf(pos, ref.toUpperCase(), alt.toUpperCase());
  const { exons, strand } = model;
  const { start: txStart, end: txEnd } = model.span;
  // The reference bases touched (an insertion touches the two bases around it).
  const lo = change.insertion ? change.start - 1 : change.start;
  const hi = change.insertion ? change.start : change.end;
  if (hi < txStart - FLANK || lo > txEnd + FLANK) return undefined;
  const terms = new Set<string>();
  const transcript = model.refseq;
  if (hi < txStart || lo > txEnd) {
    const fivePrime = strand === 1 ? hi < txStart : lo > txEnd;
    terms.add(fivePrime ? "upstream_gene_variant" : "downstream_gene_variant");
    return { terms: ordered(terms), impact: "MODIFIER", transcript };
  }
  const coding = model.cds !== undefined;
  const cdsLo = coding ? Math.min(model.cds!.start, model.cds!.end) : 0;
  const cdsHi = coding ? Math.max(model.cds!.start, model.cds!.end) : 0;
  let exonNumber: number | undefined;
  let intronNumber: number | undefined;
  let inCds = false;
  // Each base the change touches, classified; an insertion touches the bases on both sides, so one
  // at an exon/intron junction reads as both, as VEP reads it by its neighbours (at most 10,000).
  for (let g = lo; g <= hi && g - lo < 10_000; g++) {
    const exonIndex = exons.findIndex((e) => g >= e.start && g <= e.end);
    if (exonIndex >= 0) {
      exonNumber ??= exonIndex + 1;
      const e = exons[exonIndex]!;
      // Exon bases 1–3 from an intron boundary (not at the transcript's ends) are splice region.
      const fromLow = g - e.start;
      const fromHigh = e.end - g;
      const lowIsIntron = strand === 1 ? exonIndex > 0 : exonIndex < exons.length - 1;
      const highIsIntron = strand === 1 ? exonIndex < exons.length - 1 : exonIndex > 0;
      if ((lowIsIntron && fromLow < 3) || (highIsIntron && fromHigh < 3)) terms.add("splice_region_variant");
      if (!coding) terms.add("non_coding_transcript_exon_variant");
      else if (g >= cdsLo && g <= cdsHi) inCds = true;
      else {
        const fivePrime = strand === 1 ? g < cdsLo : g > cdsHi;
        terms.add(fivePrime ? "5_prime_UTR_variant" : "3_prime_UTR_variant");
      }
      continue;
    }
    const intron = intronAt(model, g);
    if (!intron) continue;
    intronNumber ??= intron.index + 1;
    if (intron.fromDonor <= 2) terms.add("splice_donor_variant");
    else if (intron.toAcceptor <= 2) terms.add("splice_acceptor_variant");
    else {
      if (intron.fromDonor <= 8 || intron.toAcceptor <= 8) terms.add("splice_region_variant");
      terms.add("intron_variant");
    }
    if (!coding) terms.add("non_coding_transcript_variant");
  }
  if (inCds) {
    const startCodon = strand === 1 ? [model.cds!.start, model.cds!.start + 2] : [model.cds!.start - 2, model.cds!.start];
    const hitsStart = change.insertion ? false : change.start <= startCodon[1]! && change.end >= startCodon[0]!;
    if (hitsStart) terms.add("start_lost");
    if (change.delta === 0) {
      if (!hitsStart) terms.add("coding_sequence_variant");
    } else if (change.delta % 3 !== 0) terms.add("frameshift_variant");
    else terms.add(change.delta > 0 ? "inframe_insertion" : "inframe_deletion");
  }
  let hgvsc: string | undefined;
  let hgvsp: string | undefined;
  const kind = coding ? "c" : "n";
  const cds = sequence?.cds ?? model.cdsSequence;
  if (change.deleted.length === 1 && change.inserted.length === 1) {
    const at = hgvsPosition(model, change.start);
    const r = strand === 1 ? change.deleted : complement(change.deleted);
    const a = strand === 1 ? change.inserted : complement(change.inserted);
    if (at !== undefined) hgvsc = `${transcript}:${kind}.${at}${r}>${a}`;
    // With the coding sequence, a coding substitution's effect on the protein.
    if (inCds && cds && at !== undefined && /^\d+$/.test(at)) {
      const effect = proteinEffect(cds, Number(at), r, a);
      if (effect) {
        terms.delete("coding_sequence_variant");
        terms.add(effect.term);
        hgvsp = effect.hgvsp;
      }
    }
  } else {
    const bases = firstOf(sequence?.bases, codingBases(model));
    const edit: Edit = { start: change.start, end: change.end, deleted: change.deleted, inserted: change.inserted };
    // A REF the known bases contradict (anchor included) names nothing: the shift cannot be trusted.
    const agrees = bases !== undefined && [...ref.toUpperCase()].every((b, i) => (bases.base(pos + i) ?? b) === b);
    const described = agrees ? describeEdit(model, edit, bases) : undefined;
    if (described) hgvsc = `${transcript}:${kind}.${described}`;
    // The protein change of an edit inside the coding sequence (shifting does not change the result).
    if (inCds && cds && agrees && shift3(edit, strand, bases) !== undefined) {
      const span = cdsSpan(model, edit);
      if (span) {
        const alt = strand === 1 ? edit.inserted : reverseComplement(edit.inserted);
        const effect = proteinChange(cds, span[0], span[1], alt);
        if (effect?.term) {
          terms.delete("coding_sequence_variant");
          terms.add(effect.term);
        }
        if (effect?.hgvsp) hgvsp = effect.hgvsp;
      }
    }
  }
  const list = ordered(terms);
  const impact = soImpact(list[0] ?? "") ?? "MODIFIER";
  return {
    terms: list,
    impact,
    transcript,
    ...(hgvsc ? { hgvsc } : {}),
    ...(hgvsp ? { hgvsp } : {}),
    ...(exonNumber !== undefined ? { exon: `${exonNumber}/${exons.length}` } : {}),
    ...(intronNumber !== undefined && exonNumber === undefined ? { intron: `${intronNumber}/${exons.length - 1}` } : {}),
  };
}

/** Coding terms that need the sequence: the model alone writes `coding_sequence_variant` for all of them. */
const SEQUENCE_CODING = new Set([
  "missense_variant",
  "synonymous_variant",
  "stop_gained",
  "stop_lost",
  "stop_retained_variant",
  "coding_sequence_variant",
  "protein_altering_variant",
  "incomplete_terminal_codon_variant",
  "start_retained_variant",
]);
/** Terms the model never gives (newer VEP splice refinements, NMD, features). */
const NOT_MODELLED = new Set([
  "sequence_feature",
  "NMD_transcript_variant",
  "feature_truncation",
  "feature_elongation",
  "splice_donor_5th_base_variant",
  "splice_donor_region_variant",
  "splice_polypyrimidine_tract_variant",
]);

/** The class of a term list as the model can tell it (sequence-dependent coding terms as one). */
export function consequenceClass(terms: readonly string[]): string {
  return [...new Set(terms.filter((t) => !NOT_MODELLED.has(t)).map((t) => (SEQUENCE_CODING.has(t) ? "coding_sequence_variant" : t)))]
    .sort()
    .join("&");
}

/** Whether two term lists read the same as far as the model can tell. */
export function sameConsequenceClass(a: readonly string[], b: readonly string[]): boolean {
  return consequenceClass(a) === consequenceClass(b);
}
