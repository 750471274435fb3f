/**
 * Canonical JSON of a panel, the input of its sha256: object keys sorted by code unit, no
 * whitespace, array order kept, `$schema` and `sha256` left out (a link and the hash itself are
 * not content). Two panels with the same content hash the same however their files are laid out.
 */
import { sha256HexOfText } from "./sha256.js";

const EXCLUDED_TOP_LEVEL = new Set(["$schema", "sha256"]);

function canonicalValue(value: unknown, topLevel: boolean): string {
  if (value === null || typeof value !== "object") {
    // undefined never reaches here from parsed data; JSON.stringify handles strings/numbers/booleans.
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalValue(item, false)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && !(topLevel && EXCLUDED_TOP_LEVEL.has(key)))
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalValue(record[key], false)}`).join(",")}}`;
}

/** Canonical JSON text of a panel (or any JSON value). */
export function canonicalJson(value: unknown): string {
  return canonicalValue(value, true);
}

/** sha256 (hex) of the canonical JSON. */
export function panelSha256(value: unknown): string {
  return sha256HexOfText(canonicalJson(value));
}
