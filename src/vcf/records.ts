/**
 * The only file that touches @gmod/vcf's parser. A data line becomes zero or more Variants
 * (one per real ALT); every failure is re-thrown as E_VCF_RECORD with file, line and field.
 */
import VCFParser from "@gmod/vcf";
import { formatMessage, MarrowscopeError, type Warning } from "../errors.js";
import type { InfoValue, SampleCall, Variant } from "../model.js";
import { alleleKind, isBreakend, isPlaceholderAllele, isSymbolic, trimAlleles } from "../normalize/alleles.js";
import { parseGenotype, readCall } from "../normalize/calls.js";
import {
  checkCigar,
  checkContigName,
  checkFilterColumn,
  checkFormatKeys,
  checkIdColumn,
  checkTypedValue,
  expectedCount,
  NON_NEGATIVE_INFO,
  reservedDefinition,
} from "./conformance.js";
import { type FieldDefinition, isUnsafeKey, type VcfHeader } from "./header.js";

export interface RecordParserOptions {
  readonly file: string;
  /** Sample indices (into header.samples) to read calls for; default all. */
  readonly sampleIndices?: readonly number[];
}

/** Parses data lines of one file. */
export interface RecordParser {
  /**
   * `onWarning` receives spec violations that do not stop the read (W_VCF_SPEC), the first of
   * each kind per file only, so a file with the same quirk on every line stays readable.
   * @throws MarrowscopeError E_VCF_RECORD
   */
  parse(line: string, lineNo: number | undefined, onWarning?: (warning: Warning) => void): Variant[];
}

const REF_RE = /^[ACGTNacgtn]+$/;
/** IUPAC ambiguity codes: real in a few reference positions (GRCh37/38), so REF may carry them. */
const IUPAC_REF_RE = /^[ACGTURYSWKMBDHVNacgturyswkmbdhvn]+$/;
const BASES_ALT_RE = /^[ACGTNacgtn]+$/;
const IUPAC_ALT_RE = IUPAC_REF_RE;
const POS_RE = /^\d+$/;
const QUAL_RE = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|NaN|Inf|inf|nan)$/;

/** Cuts an INFO value down to one ALT according to its declared Number. */
function perAllele(value: InfoValue, def: FieldDefinition | undefined, altIndex: number, altCount: number): InfoValue {
  if (!Array.isArray(value) || altCount === 1 || !def) return value;
  const list = value as readonly (string | number | null)[];
  if (def.number === "A" && list.length === altCount) return [list[altIndex - 1] ?? null];
  if (def.number === "R" && list.length === altCount + 1) return [list[0] ?? null, list[altIndex] ?? null];
  if (def.number === "G" && list.length === ((altCount + 1) * (altCount + 2)) / 2) {
    // Diploid genotype order: index of (j,k), j<=k, is k(k+1)/2 + j (VCF spec §1.6.2).
    const at = (j: number, k: number) => list[(k * (k + 1)) / 2 + j] ?? null;
    return [at(0, 0), at(0, altIndex), at(altIndex, altIndex)];
  }
  return value;
}

/**
 * Decodes each run of `%XX` escapes (VCF 4.3 §1.2: `%3A %3B %3D %25 %2C %0D %0A %09`) on its
 * own. @gmod/vcf decodes a whole value with decodeURIComponent and, when one stray `%` makes
 * that throw, keeps every escape of the value encoded.
 */
export function decodePercent(value: string): string {
  if (!value.includes("%")) return value;
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not valid UTF-8 as a whole (e.g. `%E9` from Latin-1): decode byte by byte.
      return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
  });
}

/**
 * Splits the raw INFO column ourselves, for values @gmod/vcf would mishandle: prototype keys,
 * and percent escapes (decoded after splitting on "," so `%2C` stays inside its value).
 * Same shapes as @gmod/vcf: Flag or empty value → true, "." → null, numbers typed.
 */
function safeInfo(infoText: string, header: VcfHeader): Record<string, InfoValue> {
  const out: Record<string, InfoValue> = Object.create(null);
  for (const pair of infoText.split(";")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const type = header.info.get(key)?.type;
    if (eq === -1 || eq === pair.length - 1 || type === "Flag") {
      out[key] = true;
      continue;
    }
    const numeric = type === "Integer" || type === "Float";
    out[key] = pair
      .slice(eq + 1)
      .split(",")
      .map((v) => (v === "." ? null : numeric ? Number(decodePercent(v)) : decodePercent(v)));
  }
  return out;
}

