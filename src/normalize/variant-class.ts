/**
 * What the alleles alone say about a variant: its class and length change. This is what we
 * report when the file carries no annotation; it is never a predicted consequence.
 */
import { MarrowscopeError, quote } from "../errors.js";
import type { VariantKind } from "../model.js";
import { isBreakend, isSymbolic } from "./alleles.js";

export interface VariantClass {
  kind: VariantKind;
  /** `alt.length - ref.length` for sequence alleles; 0 for symbolic and breakend ALTs, whose length the alleles do not give. */
  lengthChange: number;
  /** For insertions, deletions and delins: whether the length change is not a multiple of 3. */
  frameshift?: boolean;
}

/**
 * Classify one REF/ALT pair. Shared leading and trailing bases are set aside first, so
 * `AT>ATT` is an insertion and `ACG>ATG` an SNV. `*`, `<*>`, `<NON_REF>`, `.` and an ALT equal
 * to REF are not variants: the caller should drop them before asking, so they throw.
 */
export function variantClass(ref: string, alt: string): VariantClass {
  if (alt === "*" || alt === "." || alt === "<*>" || alt === "<NON_REF>") {
    throw new MarrowscopeError("E_VCF_RECORD", `${quote(alt)} is not a variant allele`, { field: "ALT" });
  }
  if (isSymbolic(alt)) return { kind: "sv", lengthChange: 0 };
  if (isBreakend(alt)) return { kind: "breakend", lengthChange: 0 };
  if (!/^[A-Za-z]+$/.test(ref)) {
    throw new MarrowscopeError("E_VCF_RECORD", `REF ${quote(ref)} is not a base sequence`, { field: "REF" });
  }
  if (!/^[A-Za-z]+$/.test(alt)) {
    throw new MarrowscopeError("E_VCF_RECORD", `ALT ${quote(alt)} is not a base sequence`, { field: "ALT" });
  }
  const r = ref.toUpperCase();
  const a = alt.toUpperCase();
  let start = 0;
  while (start < r.length && start < a.length && r[start] === a[start]) start++;
  let end = 0;
  while (end < r.length - start && end < a.length - start && r[r.length - 1 - end] === a[a.length - 1 - end]) end++;
  const refLeft = r.length - start - end;
  const altLeft = a.length - start - end;
  const lengthChange = a.length - r.length;
  if (refLeft === 0 && altLeft === 0) {
    throw new MarrowscopeError("E_VCF_RECORD", `ALT ${quote(alt)} equals REF`, { field: "ALT" });
  }
  const frameshift = lengthChange % 3 !== 0;
  if (refLeft === 0) return { kind: "insertion", lengthChange, frameshift };
  if (altLeft === 0) return { kind: "deletion", lengthChange, frameshift };
  if (refLeft === altLeft) return { kind: refLeft === 1 ? "snv" : "mnv", lengthChange };
  return { kind: "indel", lengthChange, frameshift };
}
