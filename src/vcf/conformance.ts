/**
 * What the VCF specification (hts-specs VCFv4.3/4.5 §1.4, §1.6) says about fields, as checks
 * that return a problem description or undefined. These are format rules, not clinical content.
 * Callers decide whether a problem stops the read (E_VCF_*) or becomes a W_VCF_SPEC warning.
 */

/** Reserved INFO keys and their required Number/Type (VCF 4.3 §1.6.1 table 1). */
const RESERVED_INFO: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["AA", ["1", "String"]],
  ["AC", ["A", "Integer"]],
  ["AD", ["R", "Integer"]],
  ["ADF", ["R", "Integer"]],
  ["ADR", ["R", "Integer"]],
  ["AF", ["A", "Float"]],
  ["AN", ["1", "Integer"]],
  ["BQ", ["1", "Float"]],
  ["CIGAR", ["A", "String"]],
  ["DB", ["0", "Flag"]],
  ["DP", ["1", "Integer"]],
  ["END", ["1", "Integer"]],
  ["H2", ["0", "Flag"]],
  ["H3", ["0", "Flag"]],
  ["MQ", ["1", "Float"]],
  ["MQ0", ["1", "Integer"]],
  ["NS", ["1", "Integer"]],
  ["SOMATIC", ["0", "Flag"]],
  ["VALIDATED", ["0", "Flag"]],
  ["1000G", ["0", "Flag"]],
]);

/** Reserved FORMAT keys (VCF 4.3 §1.6.2 table 2; GLE from VCF 4.1/4.2). */
const RESERVED_FORMAT: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["AD", ["R", "Integer"]],
  ["ADF", ["R", "Integer"]],
  ["ADR", ["R", "Integer"]],
  ["DP", ["1", "Integer"]],
  ["EC", ["A", "Integer"]],
  ["FT", ["1", "String"]],
  ["GL", ["G", "Float"]],
  ["GLE", ["G", "String"]],
  ["GP", ["G", "Float"]],
  ["GQ", ["1", "Integer"]],
  ["GT", ["1", "String"]],
  ["HQ", ["2", "Integer"]],
  ["MQ", ["1", "Integer"]],
  ["PL", ["G", "Integer"]],
  ["PP", ["G", "Integer"]],
  ["PQ", ["1", "Integer"]],
  ["PS", ["1", "Integer"]],
]);

/** The spec's own definition of a reserved key, used when a file uses the key without declaring it. */
export function reservedDefinition(kind: "INFO" | "FORMAT", id: string): { id: string; number: string; type: string } | undefined {
  const want = (kind === "INFO" ? RESERVED_INFO : RESERVED_FORMAT).get(id);
  return want ? { id, number: want[0], type: want[1] } : undefined;
}

/** INFO keys whose values are counts or positions and so can never be negative. */
export const NON_NEGATIVE_INFO: ReadonlySet<string> = new Set(["AC", "AN", "DP", "NS", "MQ0", "END", "AF"]);

/**
 * A reserved key declared with another Number or Type (a warning: GATK 3 wrote AD as
 * `Number=.`, and the values are still read by their length).
 */
export function checkReserved(
  kind: "INFO" | "FORMAT",
  id: string,
  number: string | undefined,
  type: string | undefined,
): string | undefined {
  const want = (kind === "INFO" ? RESERVED_INFO : RESERVED_FORMAT).get(id);
  if (!want) return undefined;
  const [wantNumber, wantType] = want;
  if (number === wantNumber && type === wantType) return undefined;
  return `${kind}/${id} is declared Number=${number ?? "?"},Type=${type ?? "?"}; the VCF spec reserves Number=${wantNumber},Type=${wantType}`;
}

const NUMBER_RE = /^(\d+|[ARGM.]|LA|LR|LG)$/;

/** `Number=` must be an integer, A, R, G, `.`, or (VCF 4.5) M, LA, LR, LG. */
export function isValidNumber(number: string): boolean {
  return NUMBER_RE.test(number);
}

/** Key order required in INFO/FORMAT (ID, Number, Type, Description) and ALT (ID, Description) lines. */
export function checkKeyOrder(kind: string, keys: readonly string[]): string | undefined {
  const order =
    kind === "INFO" || kind === "FORMAT" ? ["ID", "Number", "Type", "Description"] : kind === "ALT" ? ["ID", "Description"] : undefined;
  if (!order) return keys.length > 0 && keys[0] !== "ID" && keys.includes("ID") ? `${kind}: ID must be the first key` : undefined;
  for (let i = 0; i < order.length; i++) {
    if (keys[i] !== order[i]) return `${kind}: keys must start ${order.join(",")}, found ${keys.slice(0, order.length).join(",")}`;
  }
  return undefined;
}

const BAD_CONTIG_RE = /[\s,<>[\]"'()\\{}]|^[*=]/;

/** Contig names (VCF 4.3 §1.4.7): no whitespace, commas, brackets or quotes, and not starting with `*` or `=`. */
export function checkContigName(id: string): string | undefined {
  return BAD_CONTIG_RE.test(id) ? `contig name ${JSON.stringify(id.slice(0, 40))} holds characters the VCF spec forbids` : undefined;
}

/** Symbolic ALT IDs (VCF 4.3 §1.4.5): no whitespace, commas or angle brackets; structural ones start with a known type. */
export function checkAltId(id: string): string | undefined {
  if (/[\s,<>]/.test(id)) return `ALT ID ${JSON.stringify(id)} holds whitespace, a comma or an angle bracket`;
  const top = id.split(":")[0]!;
  if (
    !["DEL", "INS", "DUP", "INV", "CNV", "BND", "CN"].some((p) => top === p || (p === "CN" && /^CN\d+$/.test(top))) &&
    id !== "*" &&
    id !== "NON_REF" &&
    id !== "X"
  ) {
    return `ALT ID ${JSON.stringify(id)} does not start with DEL, INS, DUP, INV or CNV`;
  }
  return undefined;
}

const INT32_MIN_VALID = -2147483648 + 8; // the 8 lowest values are reserved by BCF (VCF 4.3 §6.3.3)
const INT32_MAX = 2147483647;
const INTEGER_RE = /^[-+]?\d+$/;
const FLOAT_RE = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|NaN|nan|Inf|inf|Infinity|infinity)$/;

/**
 * A single INFO/FORMAT value against its declared Type; `.` (missing) is always fine.
 * `error` means the value cannot be read as declared; `warning` means it can (a 64-bit integer,
 * which htslib reads; a multi-letter Character, which VEP writes for RNC).
 */
export function checkTypedValue(type: string | undefined, value: string): { error?: string; warning?: string } | undefined {
  if (value === "." || value === "") return undefined;
  if (type === "Integer") {
    if (!INTEGER_RE.test(value)) {
      // Tools do write 2.444 into Integer fields (VEP CADD, GATK GC): readable, so only a warning.
      const detail = `expected an integer, found ${JSON.stringify(value.slice(0, 40))}`;
      return FLOAT_RE.test(value.trim()) ? { warning: detail } : { error: detail };
    }
    const n = Number(value);
    if (n > INT32_MAX || n < INT32_MIN_VALID) return { warning: `integer ${value.slice(0, 40)} is outside the 32-bit range VCF allows` };
  } else if (type === "Float") {
    if (!FLOAT_RE.test(value)) {
      const detail = `expected a number, found ${JSON.stringify(value.slice(0, 40))}`;
      return FLOAT_RE.test(value.trim()) ? { warning: detail } : { error: detail };
    }
  } else if (type === "Character" && value.length !== 1) {
    return { warning: `expected one character, found ${JSON.stringify(value.slice(0, 40))}` };
  }
  return undefined;
}

const COUNT_RE = /^(\d+|[ARG])$/;

/** How many values `Number` asks for, given the ALT count and ploidy; undefined when any count goes. */
export function expectedCount(number: string | undefined, altCount: number, ploidy: number): number | undefined {
  // Called for every typed value of every record: the common Numbers skip the pattern.
  if (number === "1") return 1;
  if (number === "." || number === undefined || !COUNT_RE.test(number)) return undefined;
  if (number === "A") return altCount;
  if (number === "R") return altCount + 1;
  if (number === "G") {
    // Combinations with repetition of ploidy alleles from altCount+1 (VCF 4.3 §1.6.2 GL).
    const n = altCount + 1;
    let c = 1;
    for (let k = 1; k <= ploidy; k++) c = (c * (n + k - 1)) / k;
    return Math.round(c);
  }
  const fixed = Number(number);
  return Number.isInteger(fixed) ? fixed : undefined;
}

/** ID column: `;`-separated, no whitespace, no empty or repeated entries. */
export function checkIdColumn(text: string): string | undefined {
  if (text === ".") return undefined;
  // One identifier (an rsID, usually): nothing can be empty or repeated.
  if (text !== "" && !text.includes(";")) return /\s/.test(text) ? "ID holds whitespace" : undefined;
  if (/\s/.test(text)) return "ID holds whitespace";
  const ids = text.split(";");
  if (ids.some((id) => id === "")) return `empty identifier in ${JSON.stringify(text.slice(0, 40))} (leading, trailing or doubled ";")`;
  if (new Set(ids).size !== ids.length) return `duplicate identifier in ${JSON.stringify(text.slice(0, 40))}`;
  return undefined;
}

/** FILTER column: PASS, `.`, or `;`-separated codes; never `0`, never `.` beside a code. */
export function checkFilterColumn(text: string): string | undefined {
  if (text === "." || text === "PASS") return undefined;
  if (/\s/.test(text)) return "FILTER holds whitespace";
  const codes = text.split(";");
  if (codes.some((c) => c === "")) return `empty filter code in ${JSON.stringify(text.slice(0, 40))}`;
  if (codes.includes("0")) return 'filter code "0" is reserved';
  if (codes.includes(".")) return '"." (missing) beside filter codes';
  if (new Set(codes).size !== codes.length) return `duplicate filter code in ${JSON.stringify(text.slice(0, 40))}`;
  return undefined;
}

/** FORMAT column keys: non-empty, unique, `[A-Za-z_][0-9A-Za-z_.]*`; a lone `.` (htslib: no FORMAT data) is fine. */
export function checkFormatKeys(keys: readonly string[]): string | undefined {
  if (keys.length === 1 && keys[0] === ".") return undefined;
  const seen = new Set<string>();
  for (const key of keys) {
    if (key === "") return "empty FORMAT key";
    if (!/^[A-Za-z_][0-9A-Za-z_.]*$/.test(key)) return `FORMAT key ${JSON.stringify(key.slice(0, 40))} has characters the VCF spec forbids`;
    if (seen.has(key)) return `FORMAT key ${key} appears twice`;
    seen.add(key);
  }
  return undefined;
}

const CIGAR_RE = /^(\d+[MIDNSHP=X])+$/;

/** INFO/CIGAR entries must be CIGAR strings. */
export function checkCigar(value: string): string | undefined {
  return value === "." || CIGAR_RE.test(value) ? undefined : `expected a CIGAR string, found ${JSON.stringify(value.slice(0, 40))}`;
}
