/**
 * HGVS descriptions that need the bases: indels 3′-shifted on the transcript (del, dup, ins,
 * delins) and protein changes in predicted notation `p.(…)` (missense, nonsense, synonymous,
 * frameshift `fsTer`, in-frame del/dup/ins/delins). The bases come from a `Bases` reader: the
 * model's coding sequence, or a reference FASTA's window around the variant. Where a base the
 * rules need is unknown (a shift that runs past the known bases, a new stop beyond the coding
 * sequence) the description is left out rather than guessed.
 */
import type { TranscriptModel } from "./model.js";

/** Plus-strand reference bases by 1-based position; undefined where not known. */
export interface Bases {
  base(g: number): string | undefined;
}

const COMPLEMENT: Readonly<Record<string, string>> = { A: "T", C: "G", G: "C", T: "A", N: "N" };

export const complement = (b: string): string => COMPLEMENT[b] ?? "N";
export const reverseComplement = (s: string): string => {
  let out = "";
  for (let i = s.length - 1; i >= 0; i--) out += complement(s[i]!);
  return out;
};

/** The standard genetic code, codon → one-letter amino acid (`*` stop). */
const CODE: Readonly<Record<string, string>> = (() => {
  const bases = "TCAG";
  const aa = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";
  const out: Record<string, string> = {};
  let i = 0;
  for (const a of bases) for (const b of bases) for (const c of bases) out[a + b + c] = aa[i++]!;
  return out;
})();

export const THREE: Readonly<Record<string, string>> = {
  A: "Ala",
  R: "Arg",
  N: "Asn",
  D: "Asp",
  C: "Cys",
  Q: "Gln",
  E: "Glu",
  G: "Gly",
  H: "His",
  I: "Ile",
  L: "Leu",
  K: "Lys",
  M: "Met",
  F: "Phe",
  P: "Pro",
  S: "Ser",
  T: "Thr",
  W: "Trp",
  Y: "Tyr",
  V: "Val",
  "*": "Ter",
};

/** Translation up to and including the first stop (or the end); undefined on a non-ACGT codon. */
export function translate(cds: string, untilStop = true): string | undefined {
  let out = "";
  for (let i = 0; i + 3 <= cds.length; i += 3) {
    const aa = CODE[cds.slice(i, i + 3)];
    if (!aa) return undefined;
    out += aa;
    if (untilStop && aa === "*") break;
  }
  return out;
}

/** 0-based index in the coding sequence of a genomic position, or undefined outside the CDS. */
export function cdsIndex(model: TranscriptModel, g: number): number | undefined {
  if (!model.cds) return undefined;
  const lo = Math.min(model.cds.start, model.cds.end);
  const hi = Math.max(model.cds.start, model.cds.end);
  if (g < lo || g > hi) return undefined;
  let before = 0;
  for (const e of model.exons) {
    const s = Math.max(e.start, lo);
    const t = Math.min(e.end, hi);
    if (s > t) continue;
    if (g >= s && g <= t) return before + (model.strand === 1 ? g - s : t - g);
    before += t - s + 1;
  }
  return undefined;
}

/** The model's own coding sequence read as plus-strand bases (known only inside the CDS). */
export function codingBases(model: TranscriptModel): Bases | undefined {
  const seq = model.cdsSequence;
  if (!seq) return undefined;
  return {
    base(g) {
      const i = cdsIndex(model, g);
      if (i === undefined) return undefined;
      const b = seq[i]!;
      return model.strand === 1 ? b : complement(b);
    },
  };
}

/** The first of several readers that knows a base. */
export function firstOf(...readers: readonly (Bases | undefined)[]): Bases | undefined {
  const known = readers.filter((r): r is Bases => r !== undefined);
  if (known.length === 0) return undefined;
  if (known.length === 1) return known[0];
  return {
    base(g) {
      for (const r of known) {
        const b = r.base(g);
        if (b !== undefined) return b;
      }
      return undefined;
    },
  };
}

/** A change as reference interval [start, end] replaced by `inserted` (plus strand); an insertion has end = start - 1. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly deleted: string;
  readonly inserted: string;
}

/** Most a shift walks: far beyond any repeat a short-read caller resolves. */
const MAX_SHIFT = 10_000;

/**
 * The edit moved as far 3′ on the transcript as the bases allow (HGVS's 3′ rule), or undefined
 * when the walk reaches a base the reader does not know, or a base disagrees with the VCF's REF.
 * Only pure deletions and insertions move; a delins stays where it is.
 */
export function shift3(edit: Edit, strand: 1 | -1, bases: Bases): Edit | undefined {
  const { deleted, inserted } = edit;
  for (let i = 0; i < deleted.length; i++) {
    const b = bases.base(edit.start + i);
    if (b !== undefined && b !== deleted[i]) return undefined;
  }
  if (deleted.length > 0 && inserted.length > 0) return edit;
  let { start, end } = edit;
  let moving = deleted.length > 0 ? deleted : inserted;
  for (let n = 0; n < MAX_SHIFT; n++) {
    // Plus strand: the base after the edit must equal the moving sequence's first base.
    const next = strand === 1 ? bases.base(end + 1) : bases.base(start - 1);
    if (next === undefined) return undefined;
    if (strand === 1 ? next !== moving[0] : next !== moving[moving.length - 1]) {
      return deleted.length > 0 ? { start, end, deleted: moving, inserted: "" } : { start, end, deleted: "", inserted: moving };
    }
    moving = strand === 1 ? moving.slice(1) + next : next + moving.slice(0, -1);
    start += strand;
    end += strand;
  }
  return undefined;
}

/** Whether an insertion (after shifting) repeats the bases just 5′ of it on the transcript: a duplication. */
export function duplicated(edit: Edit, strand: 1 | -1, bases: Bases): { start: number; end: number } | undefined {
  const n = edit.inserted.length;
  if (n === 0 || edit.deleted.length > 0) return undefined;
  // Insertion between end (= start - 1) and start; 5′ on the plus strand is to the left.
  const lo = strand === 1 ? edit.start - n : edit.start;
  const hi = lo + n - 1;
  for (let g = lo; g <= hi; g++) {
    const b = bases.base(g);
    if (b === undefined || b !== edit.inserted[g - lo]) return undefined;
  }
  return { start: lo, end: hi };
}

const three = (aa: string): string => THREE[aa] ?? "Xaa";
const threeAll = (s: string): string => [...s].map(three).join("");

/**
 * The protein change of an edit fully inside the coding sequence, from the coding sequence (in
 * transcript orientation) and the edit's CDS interval [i, j) replaced by `alt` (transcript
 * orientation): an SO term the bases decide and the predicted HGVS p., or undefined where the
 * rules need what the sequence does not have (a new stop beyond the coding sequence).
 */
export function proteinChange(cds: string, i: number, j: number, alt: string): { term?: string; hgvsp?: string } | undefined {
  const ref = translate(cds, false);
  if (!ref || !ref.endsWith("*")) return undefined;
  const mutated = cds.slice(0, i) + alt + cds.slice(j);
  const delta = alt.length - (j - i);
  if (i < 3) return { term: "start_lost" };
  if (delta % 3 !== 0) {
    const q = translate(mutated);
    if (!q) return undefined;
    let a = 0;
    while (a < q.length && a < ref.length && q[a] === ref[a]) a++;
    if (a >= ref.length - 1) return undefined;
    if (!q.endsWith("*")) return {};
    if (q[a] === "*") return { hgvsp: `p.(${three(ref[a]!)}${a + 1}Ter)` };
    return { hgvsp: `p.(${three(ref[a]!)}${a + 1}${three(q[a]!)}fsTer${q.length - a})` };
  }
  const q = translate(mutated, false);
  if (!q) return undefined;
  const early = q.indexOf("*");
  if (early < q.length - 1) {
    // An in-frame change that makes a stop: the first residue lost to it.
    let a = 0;
    while (a < early && q[a] === ref[a]) a++;
    return { term: "stop_gained", hgvsp: `p.(${three(ref[a]!)}${a + 1}Ter)` };
  }
  // Common prefix first, then suffix: the changed stretch ends up as far C-terminal as it goes.
  let a = 0;
  while (a < q.length && a < ref.length && q[a] === ref[a]) a++;
  let b = 0;
  while (b < q.length - a && b < ref.length - a && q[q.length - 1 - b] === ref[ref.length - 1 - b]) b++;
  const lost = ref.slice(a, ref.length - b);
  const gained = q.slice(a, q.length - b);
  if (lost.includes("*") || gained.includes("*")) return undefined;
  const at = (k: number) => `${three(ref[k]!)}${k + 1}`;
  if (lost.length === 0 && gained.length === 0) return { hgvsp: "p.(=)" };
  if (gained.length === 0) {
    return { hgvsp: lost.length === 1 ? `p.(${at(a)}del)` : `p.(${at(a)}_${at(a + lost.length - 1)}del)` };
  }
  if (lost.length === 0) {
    if (a === 0) return undefined;
    const n = gained.length;
    if (a - n >= 0 && ref.slice(a - n, a) === gained) {
      return { hgvsp: n === 1 ? `p.(${at(a - 1)}dup)` : `p.(${at(a - n)}_${at(a - 1)}dup)` };
    }
    return { hgvsp: `p.(${at(a - 1)}_${at(a)}ins${threeAll(gained)})` };
  }
  if (lost.length === 1 && gained.length === 1) return { term: "missense_variant", hgvsp: `p.(${at(a)}${three(gained)})` };
  const span = lost.length === 1 ? at(a) : `${at(a)}_${at(a + lost.length - 1)}`;
  return { hgvsp: `p.(${span}delins${threeAll(gained)})` };
}
