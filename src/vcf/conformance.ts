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

/** `VCFv4.2` → 402: the declared version, for rules that changed between versions. */
export function specVersion(fileformat: string): number {
  const m = /^VCFv(\d+)\.(\d+)$/.exec(fileformat);
  return m ? Number(m[1]) * 100 + Number(m[2]) : 402;
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/** Does the value start with a URL scheme (`http:`, `ftp:`, `file:`, RFC 3986 §3.1)? */
export function hasUrlScheme(value: string): boolean {
  return SCHEME_RE.test(value);
}

/**
 * A URL with a scheme (`##assembly=url`, `##pedigreeDB=URL`: VCF 4.3 §1.4.6, §1.4.9; 4.1/4.2
 * §1.2.6, §1.2.9), checked as RFC 3986 §3 reads it: no whitespace (§2), a numeric port
 * (§3.2.3), and a host that is an IPv4 address, an IP literal or a host name (§3.2.2), whose
 * highest-level label starts with a letter (RFC 1123 §2.1: "at least the highest-level
 * component label will be alphabetic"), so `ftp://8080:8080/…` has no host. `file:///…` may
 * leave the host empty (RFC 8089 §2).
 */
export function checkUrl(value: string): string | undefined {
  const url = JSON.stringify(value.slice(0, 60));
  if (/\s/.test(value)) return `URL ${url} holds whitespace`;
  const scheme = SCHEME_RE.exec(value)?.[0];
  if (scheme === undefined) return `expected a URL (scheme://host/path), found ${url}`;
  const rest = value.slice(scheme.length);
  if (rest === "") return `URL ${url} has nothing after its scheme`;
  if (!rest.startsWith("//")) return undefined;
  const after = rest.slice(2);
  const end = after.search(/[/?#]/);
  const authority = end === -1 ? after : after.slice(0, end);
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  let host = hostPort;
  let port: string | undefined;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close === -1) return `URL ${url} opens an IP literal "[" it does not close`;
    host = hostPort.slice(0, close + 1);
    port = close + 1 < hostPort.length ? hostPort.slice(close + 1) : undefined;
    if (port !== undefined && !port.startsWith(":")) return `URL ${url} has text after its IP literal`;
    port = port?.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(":");
    if (colon !== -1) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
  }
  if (port !== undefined && !/^\d*$/.test(port)) return `URL ${url}: port ${JSON.stringify(port.slice(0, 20))} is not a number`;
  if (host === "") return scheme.toLowerCase() === "file:" ? undefined : `URL ${url} has no host`;
  if (host.startsWith("[") || IPV4_RE.test(host)) return undefined;
  const labels = host.split(".");
  if (labels.length > 1 && labels[labels.length - 1] === "") labels.pop();
  if (!labels.every((label) => HOST_LABEL_RE.test(label)) || !/^[A-Za-z]/.test(labels[labels.length - 1]!)) {
    return `URL ${url}: host ${JSON.stringify(host.slice(0, 40))} is neither a host name (whose last label starts with a letter) nor an IPv4 address`;
  }
  return undefined;
}

/**
 * Sample, genome and pedigree identifiers as the hts-specs conformance suite accepts them
 * (test/vcf/4.x/failed/failed_meta_pedigree_000/001, failed_meta_sample_003; EBI vcf-validator's
 * `identifier`): letters, digits, `.`, `_`, `-`, `+`, and not punctuation alone. The prose of
 * §1.4.8/§1.4.9 (4.1/4.2 §1.2.8/§1.2.9) names no character set, so `validate` alone applies it.
 */
export function checkIdentifier(id: string): string | undefined {
  if (/^[A-Za-z0-9._+-]+$/.test(id) && /[A-Za-z0-9]/.test(id)) return undefined;
  return `${JSON.stringify(id.slice(0, 40))} holds characters other than letters, digits, ".", "_", "-" and "+"`;
}

/**
 * `##META` (VCF 4.3+ §1.4.8) defines the values a `##SAMPLE` field may take: always
 * `Type=String,Number=.` and a `Values=[a, b, …]` list (the spec's only form, and what the
 * conformance suite's failed_meta_meta_000..002 require).
 */
export function checkMetaDefinition(fields: ReadonlyMap<string, string>): string | undefined {
  const number = fields.get("Number");
  const type = fields.get("Type");
  const values = fields.get("Values");
  const found = (text: string | undefined) => (text === undefined ? "none" : JSON.stringify(text.slice(0, 40)));
  const problems: string[] = [];
  if (number !== ".") problems.push(`Number must be ".", found ${found(number)}`);
  if (type !== "String") problems.push(`Type must be String, found ${found(type)}`);
  if (values === undefined || !values.startsWith("[") || !values.endsWith("]")) {
    problems.push(`Values must be a list in square brackets, found ${found(values)}`);
  }
  return problems.length > 0 ? `META ${problems.join("; ")}` : undefined;
}

/**
 * VCF 4.1/4.2 give `##SAMPLE=<ID=S_ID,Genomes=G1_ID;…;GK_ID,Mixture=N1;…;NK,Description=S1;…;SK>`
 * as the only form (4.2 §1.2.8): Genomes is there, and Genomes/Mixture are `;`-lists, not quoted
 * strings (conformance suite failed_meta_sample_000/001). VCF 4.3 made the fields free; Mutect2
 * still writes `##SAMPLE=<ID=NORMAL,SampleName=…>` under VCFv4.2, so this is for `validate` alone.
 */
export function checkSampleV42(fields: ReadonlyMap<string, string>, raw: string): string | undefined {
  if (!fields.has("Genomes")) {
    return "SAMPLE line without Genomes: VCF 4.1/4.2 define only ##SAMPLE=<ID,Genomes,Mixture,Description> (free fields arrive with VCF 4.3)";
  }
  for (const key of ["Genomes", "Mixture"]) {
    if (new RegExp(`[<,]${key}="`).test(raw)) return `SAMPLE ${key} is a quoted string; VCF 4.1/4.2 give it as a ";"-separated list`;
  }
  return undefined;
}

/**
 * VCF 4.1/4.2 §1.4.2: FORMAT is a "colon-separated alphanumeric String"; `_` and `.` in keys
 * arrive with VCF 4.3 (§1.6.2, `^[A-Za-z_][0-9A-Za-z_.]*$`). GATK's gVCF MIN_DP breaks the
 * older letter, so this is for `validate` alone.
 */
export function checkFormatKeysV42(keys: readonly string[]): string | undefined {
  const key = keys.find((k) => k !== "." && !/^[A-Za-z0-9]+$/.test(k));
  return key === undefined
    ? undefined
    : `FORMAT key ${JSON.stringify(key.slice(0, 40))} is not alphanumeric, which VCF 4.1/4.2 ask for ("_" and "." arrive with VCF 4.3)`;
}
