/**
 * Allele normalisation: one ALT at a time, trimmed to its minimal representation
 * (as `bcftools norm -m-` leaves split records: shared suffix, then shared prefix, keeping
 * one padding base for indels), and the variant class read from the alleles alone.
 */
import type { VariantKind } from "../model.js";

export function isSymbolic(alt: string): boolean {
  return alt.startsWith("<") && alt.endsWith(">");
}

export function isBreakend(alt: string): boolean {
  return alt.includes("[") || alt.includes("]") || (alt.length > 1 && (alt.startsWith(".") || alt.endsWith(".")));
}

/** `*` (overlapping deletion), `<*>` and `<NON_REF>` (gVCF) are placeholders, never variants. */
export function isPlaceholderAllele(alt: string): boolean {
  return alt === "*" || alt === "<*>" || alt === "<NON_REF>" || alt === "." || alt === "<X>";
}

export interface TrimmedAllele {
  readonly pos: number;
  readonly ref: string;
  readonly alt: string;
}

/** Trims shared suffix then shared prefix, keeping at least one base in each allele. */
export function trimAlleles(pos: number, ref: string, alt: string): TrimmedAllele {
  // SNVs, most records: nothing to trim (a one-character ALT is a breakend only as "[" or "]").
  if (ref.length === 1 && alt.length === 1 && alt !== "[" && alt !== "]") return { pos, ref: ref.toUpperCase(), alt: alt.toUpperCase() };
  if (isSymbolic(alt) || isBreakend(alt)) return { pos, ref, alt };
  let r = ref.toUpperCase();
  let a = alt.toUpperCase();
  while (r.length > 1 && a.length > 1 && r[r.length - 1] === a[a.length - 1]) {
    r = r.slice(0, -1);
    a = a.slice(0, -1);
  }
  let p = pos;
  while (r.length > 1 && a.length > 1 && r[0] === a[0]) {
    r = r.slice(1);
    a = a.slice(1);
    p++;
  }
  return { pos: p, ref: r, alt: a };
}

/** Variant class from trimmed alleles; no consequence is ever guessed from it. */
export function alleleKind(ref: string, alt: string): VariantKind {
  if (isSymbolic(alt)) return "sv";
  if (isBreakend(alt)) return "breakend";
  if (ref.length === 1 && alt.length === 1) return "snv";
  if (ref.length === alt.length) return "mnv";
  if (ref.length === 1 && alt.startsWith(ref)) return "insertion";
  if (alt.length === 1 && ref.startsWith(alt)) return "deletion";
  return "indel";
}
