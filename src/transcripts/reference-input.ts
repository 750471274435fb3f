/**
 * How a caller gives a reference FASTA (kept apart from the reader so that options can check it
 * without loading @gmod/indexedfasta: the reader is imported only by runs that use a reference).
 */
/** A reference FASTA as a caller gives it: a path (Node), a URL, or its files as Blobs or URLs. */
export type ReferenceInput =
  | string
  | URL
  | { readonly fasta: Blob | URL | string; readonly fai?: Blob | URL | string; readonly gzi?: Blob | URL | string };

export function isReferenceInput(value: unknown): value is ReferenceInput {
  if (typeof value === "string") return value.length > 0;
  if (value instanceof URL) return true;
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, "fasta")) return false;
  const parts = value as Record<string, unknown>;
  const ok = (v: unknown) =>
    v === undefined || typeof v === "string" || v instanceof URL || (typeof Blob !== "undefined" && v instanceof Blob);
  return parts.fasta !== undefined && ok(parts.fasta) && ok(parts.fai) && ok(parts.gzi);
}
