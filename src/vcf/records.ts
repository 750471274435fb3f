/**
 * The only file that touches @gmod/vcf's parser. A data line becomes zero or more Variants
 * (one per real ALT); every failure is re-thrown as E_VCF_RECORD with file, line and field.
 */
import VCFParser from "@gmod/vcf";
import { formatMessage, type Location, MarrowscopeError, type Warning } from "../errors.js";
import type { InfoValue, SampleCall, Variant } from "../model.js";
import { alleleKind, isBreakend, isPlaceholderAllele, isSymbolic, trimAlleles } from "../normalize/alleles.js";
import { parseGenotype, readCall, type SampleFields } from "../normalize/calls.js";
import { BoundedMap, own } from "../own.js";
import { splitOn } from "../split.js";
import {
  checkCigar,
  checkContigName,
  checkFilterColumn,
  checkFormatKeys,
  checkFormatKeysV42,
  checkIdColumn,
  checkTypedValue,
  expectedCount,
  NON_NEGATIVE_INFO,
  reservedDefinition,
  specVersion,
} from "./conformance.js";
import type { FieldDefinition, VcfHeader } from "./header.js";

export interface RecordParserOptions {
  readonly file: string;
  /** Sample indices (into header.samples) to read calls for; default all. */
  readonly sampleIndices?: readonly number[];
  /**
   * Build INFO values for these keys only (every key is still checked against the header).
   * `annotate` reads annotations from the raw INFO text and needs a few keys besides, so it
   * skips building lists such as CSQ's, the largest allocation per panel record. Default: all.
   */
  readonly infoKeys?: ReadonlySet<string>;
  /**
   * Called for each gVCF reference block: a record whose only ALT is `<NON_REF>` (GATK, DRAGEN)
   * or `<*>` (bcftools) and whose INFO has END. Such records yield no Variant (their ALT is a
   * placeholder), so this is how a reader learns which regions were called. `start`/`end` are
   * POS and END (1-based inclusive); `called` is false when no selected sample called the block:
   * every genotype missing (`./.`), or a depth of 0 (MIN_DP, else DP). Records without samples
   * count as called. (For coverage: see src/coverage.ts `CalledRegions`.)
   */
  readonly onReferenceBlock?: (chrom: string, start: number, end: number, called: boolean) => void;
  /**
   * Every W_VCF_SPEC occurrence goes to onWarning, not the first of each kind only
   * (`validate --strict-spec`).
   */
  readonly everyOccurrence?: boolean;
  /** Told of each occurrence that was not reported because its kind already was (for counts). */
  readonly onRepeat?: (code: Warning["code"], location: Location) => void;
  /** `validate`'s rules besides the reader's (VCF 4.1/4.2 FORMAT keys; see HeaderOptions.allRules). */
  readonly allRules?: boolean;
}

/** Does a reference block's sample call say the block was called? (see `onReferenceBlock`) */
function blockCalled(fields: SampleFields): boolean {
  const gt = fields.get("GT");
  if (gt !== undefined && !/[0-9]/.test(gt)) return false;
  const depth = fields.get("MIN_DP") ?? fields.get("DP");
  if (depth !== undefined && depth !== "." && Number(depth) === 0) return false;
  return true;
}

/** INFO/END of a raw INFO column (a positive integer), or undefined. */
function infoEnd(infoText: string): number | undefined {
  let at: number;
  if (infoText.startsWith("END=")) at = 4;
  else {
    const found = infoText.indexOf(";END=");
    if (found === -1) return undefined;
    at = found + 5;
  }
  let semi = infoText.indexOf(";", at);
  if (semi === -1) semi = infoText.length;
  const text = infoText.slice(at, semi);
  return POS_RE.test(text) ? Number(text) : undefined;
}

/** `<NON_REF>` (GATK) or `<*>` (bcftools): the ALT of a gVCF reference block. */
export function isReferenceBlockAlt(alt: string): boolean {
  return alt === "<NON_REF>" || alt === "<*>";
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

type Fail = (field: string, detail: string) => MarrowscopeError;
/** Reports a problem of a kind (W_VCF_SPEC unless `code` says otherwise); see RecordParser.parse. */
type Spec = (kind: string, field: string, detail: string, code?: "W_VCF_SPEC" | "W_VCF_VERSION") => void;
type Definition = { readonly id: string; readonly number?: string; readonly type?: string };

/** How @gmod/vcf types an INFO value (its header metadata, reserved keys included). */
type ValueKind = "flag" | "number" | "text";

/** What the per-record INFO pass needs about one key, worked out once per key and file. */
interface InfoKey {
  /** The definition conformance checks use: the header's, else the spec's reserved one. */
  readonly def: Definition | undefined;
  readonly kind: ValueKind;
  readonly nonNegative: boolean;
}

/** What the per-record FORMAT pass needs about one FORMAT string, worked out once per string. */
interface FormatLayout {
  readonly keys: readonly string[];
  readonly problem: string | undefined;
  /** A VCF 4.1/4.2 spelling problem (`validate` only; see checkFormatKeysV42). */
  readonly legacy: string | undefined;
  readonly gtAt: number;
  readonly laaAt: number;
  readonly defs: readonly (Definition | undefined)[];
  /** Key → column; undefined when a key repeats (a spec warning; such samples get a Map). */
  readonly index: ReadonlyMap<string, number> | undefined;
}

/**
 * Per-key and per-FORMAT caches are bounded: the strings come from the input, and a file that
 * varies them on every line must not grow memory. Real files have a handful of each.
 */
const MAX_CACHED = 4096;

/** One sample's FORMAT values by key, read from its split column (no Map built per sample). */
class FormatValues implements SampleFields {
  constructor(
    private readonly index: ReadonlyMap<string, number>,
    private readonly values: readonly string[],
  ) {}
  get(key: string): string | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.values[at];
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [key, at] of this.index) {
      const value = this.values[at];
      if (value !== undefined) yield [key, value];
    }
  }
}

/** FORMAT values as a Map, later keys winning (for a FORMAT string that repeats a key). */
function mapOf(keys: readonly string[], values: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let k = 0; k < keys.length; k++) {
    const value = values[k];
    if (value !== undefined) fields.set(keys[k]!, value);
  }
  return fields;
}

const MALFORMED_GT_RE = /[/|]$|[/|]{2}/;
const LAA_PART_RE = /^\d+$/;
const WHITESPACE_RE = /\s/;

/**
 * Builds the parser for a header.
 *
 * Hot path: each line is split on tabs once and INFO once, the conformance checks and the
 * INFO values coming from the same pass. @gmod/vcf still reads the header, and its metadata
 * (the spec's reserved keys included) types the INFO values exactly as its `parseLine` did,
 * but it no longer re-splits every line: `parseLine` beside our own checks meant a second split
 * of the line and of INFO. Definitions per INFO key and layouts per FORMAT string are worked
 * out once, sample columns are split once (checks and calls share them) and read through a
 * view instead of a Map per sample. Measured on the 50,000-record panel-dense VEP file
 * (1 sample, in-process): 25–35 → 8 µs per record.
 * @throws MarrowscopeError E_VCF_HEADER
 */
export function createRecordParser(header: VcfHeader, options: RecordParserOptions): RecordParser {
  const { file, infoKeys: builtKeys } = options;
  let parser: VCFParser;
  try {
    parser = new VCFParser({ header: header.text, strict: false });
  } catch (cause) {
    throw new MarrowscopeError(
      "E_VCF_HEADER",
      `cannot parse header: ${(cause as Error).message.split("\n")[0]}`,
      { file, line: header.lineCount },
      { cause },
    );
  }
  const nSamples = header.samples.length;
  const sampleIndices = options.sampleIndices ?? header.samples.map((_, i) => i);
  const selected = new Map(sampleIndices.map((index, i) => [index, i]));
  const expectedColumns = nSamples > 0 ? 9 + nSamples : 8;
  const warned = new Set<string>();
  const legacyFormatKeys = options.allRules === true && specVersion(header.fileformat) <= 402;
  const contigLengths = new Map<string, number>();
  for (const contig of header.contigs) if (contig.length !== undefined) contigLengths.set(contig.id, contig.length);
  /** The declared length of the current record's contig, if the header gives one. */
  let contigLength: number | undefined;

  const kinds = new Map<string, ValueKind>();
  const infoMeta = parser.getMetadata("INFO");
  if (typeof infoMeta === "object" && infoMeta !== null) {
    for (const [key, meta] of Object.entries(infoMeta as Record<string, unknown>)) {
      const type = typeof meta === "object" && meta !== null ? (meta as { Type?: unknown }).Type : undefined;
      kinds.set(key, type === "Flag" ? "flag" : type === "Integer" || type === "Float" ? "number" : "text");
    }
  }
  const infoKeys = new BoundedMap<string, InfoKey>(MAX_CACHED);
  const infoKey = (key: string): InfoKey => {
    let found = infoKeys.get(key);
    if (found) return found;
    found = {
      def: header.info.get(key) ?? reservedDefinition("INFO", key),
      kind: kinds.get(key) ?? "text",
      nonNegative: NON_NEGATIVE_INFO.has(key),
    };
    infoKeys.set(key, found);
    return found;
  };
  const formats = new BoundedMap<string, FormatLayout>(MAX_CACHED);
  const formatLayout = (text: string): FormatLayout => {
    let found = formats.get(text);
    if (found) return found;
    const keys = text.split(":");
    const index = new Map<string, number>();
    for (let k = 0; k < keys.length; k++) index.set(keys[k]!, k);
    found = {
      keys,
      problem: checkFormatKeys(keys),
      legacy: legacyFormatKeys ? checkFormatKeysV42(keys) : undefined,
      gtAt: keys.indexOf("GT"),
      laaAt: keys.indexOf("LAA"),
      defs: keys.map((key) => header.format.get(key) ?? reservedDefinition("FORMAT", key)),
      index: index.size === keys.length ? index : undefined,
    };
    formats.set(text, found);
    return found;
  };

  // Per-record state the checks report against; set at the top of each parse.
  let lineNo: number | undefined;
  let onWarning: ((warning: Warning) => void) | undefined;
  const fail: Fail = (field, detail) => new MarrowscopeError("E_VCF_RECORD", detail, { file, line: lineNo, field });
  const { everyOccurrence = false, onRepeat } = options;
  const spec: Spec = (kind, field, detail, code = "W_VCF_SPEC") => {
    if (!onWarning) return;
    if (warned.has(kind) && !everyOccurrence) {
      onRepeat?.(code, { file, line: lineNo, field });
      return;
    }
    warned.add(kind);
    const location = { file, line: lineNo, field };
    const message = formatMessage(location, everyOccurrence ? detail : `${detail} (first occurrence; not repeated)`);
    onWarning({ code, message, location });
  };
  let lastChrom: string | undefined;
  // Keys seen in this record's INFO: a handful, so a list beats a Set (until it is not).
  const seenKeys: string[] = [];
  let seenSet: Set<string> | undefined;
  /** Set by readInfo when a key is named like a prototype member: the record is then read by safeInfo. */
  let unsafeKey = false;
  const seen = (key: string): boolean => {
    if (seenSet) {
      if (seenSet.has(key)) return true;
      seenSet.add(key);
      return false;
    }
    if (seenKeys.includes(key)) return true;
    seenKeys.push(key);
    if (seenKeys.length > 32) seenSet = new Set(seenKeys);
    return false;
  };

  /**
   * Checks INFO against the header (Type, Number, Flag) and, unless `build` is false, returns
   * its values shaped as @gmod/vcf shapes them: Flag or empty value → true, "." → null, numbers
   * typed (NaN → null), everything else a list of strings.
   */
  const readInfo = (infoText: string, altCount: number, build: boolean): Record<string, InfoValue> => {
    const out: Record<string, InfoValue> = Object.create(null);
    if (infoText === ".") return out;
    // An empty column reads as one empty key (as @gmod/vcf reads it) but is not checked.
    const check = infoText !== "";
    if (check && WHITESPACE_RE.test(infoText)) spec("INFO.whitespace", "INFO", "INFO holds whitespace");
    seenKeys.length = 0;
    seenSet = undefined;
    for (const pair of splitOn(infoText, ";")) {
      if (pair === "") {
        if (check) spec("INFO.empty-entry", "INFO", 'empty INFO entry (doubled or trailing ";")');
        if (build && (builtKeys === undefined || builtKeys.has(""))) out[""] = true;
        continue;
      }
      const eq = pair.indexOf("=");
      const key = eq === -1 ? pair : pair.slice(0, eq);
      if (seen(key)) throw fail(`INFO.${key}`, `INFO key ${key} appears twice`);
      if (key === "__proto__" || key === "constructor" || key === "prototype") unsafeKey = true;
      const { def, kind, nonNegative } = infoKey(key);
      let values: string[] | undefined;
      if (build && (builtKeys === undefined || builtKeys.has(key))) {
        if (kind === "flag" || eq === -1 || eq === pair.length - 1) out[key] = true;
        else {
          values = splitOn(pair.slice(eq + 1), ",");
          const list: (string | number | null)[] = new Array(values.length);
          for (let v = 0; v < values.length; v++) {
            const text = values[v]!;
            if (text === ".") list[v] = null;
            else if (kind === "number") {
              const n = Number(text);
              list[v] = Number.isNaN(n) ? null : n;
            } else list[v] = text;
          }
          out[key] = list;
        }
      }
      if (!def) continue;
      if (def.type === "Flag") {
        if (eq !== -1) spec(`INFO.${key}.flag`, `INFO.${key}`, `${key} is a Flag but has a value`);
        continue;
      }
      if (eq === -1) {
        spec(`INFO.${key}.novalue`, `INFO.${key}`, `${key} has no value but is declared Type=${def.type}`);
        continue;
      }
      // Type=String values can only fail the count below: skip the per-value pass for them.
      if (def.type !== "String" || key === "CIGAR" || nonNegative) {
        values ??= splitOn(pair.slice(eq + 1), ",");
        for (const value of values) {
          const problem = checkTypedValue(def.type, value);
          if (problem?.error) throw fail(`INFO.${key}`, problem.error);
          if (problem?.warning) spec(`INFO.${key}.type`, `INFO.${key}`, problem.warning);
          if (nonNegative && value.startsWith("-"))
            spec(`INFO.${key}.negative`, `INFO.${key}`, `${key} is negative (${value.slice(0, 20)})`);
          if (key === "CIGAR") {
            const cigar = checkCigar(value);
            if (cigar) spec(`INFO.${key}.cigar`, `INFO.${key}`, cigar);
          }
        }
      }
      const want = def.number === "G" ? undefined : expectedCount(def.number, altCount, 2);
      if (want === undefined) continue;
      // The count without splitting, for values nobody asked to build (a CSQ is thousands of bytes).
      let count = 1;
      if (values) count = values.length;
      else for (let c = pair.indexOf(",", eq + 1); c !== -1; c = pair.indexOf(",", c + 1)) count++;
      const missing = count === 1 && pair.length === eq + 2 && pair.charCodeAt(eq + 1) === 46;
      if (count !== want && !missing) {
        spec(`INFO.${key}.number`, `INFO.${key}`, `${key} has ${count} value(s); Number=${def.number} asks for ${want}`);
      }
    }
    return out;
  };

  /**
   * Checks every sample column (field counts, GT syntax and allele range, LAA, typed values)
   * and returns the split columns of the selected samples, in `sampleIndices` order.
   */
  const readSamples = (columns: readonly string[], layout: FormatLayout, altCount: number): (readonly string[])[] => {
    const { keys, gtAt, laaAt, defs } = layout;
    if (layout.problem) spec("FORMAT.keys", "FORMAT", layout.problem);
    else if (layout.legacy) spec("FORMAT.keys.v4.2", "FORMAT", layout.legacy, "W_VCF_VERSION");
    if (gtAt > 0) spec("FORMAT.GT-first", "FORMAT", "GT must be the first FORMAT key");
    const kept: (readonly string[])[] = new Array(sampleIndices.length);
    for (let c = 9; c < columns.length; c++) {
      const values = splitOn(columns[c]!, ":");
      const at = selected.get(c - 9);
      if (at !== undefined) kept[at] = values;
      const sample = header.samples[c - 9] ?? `column ${c + 1}`;
      if (values.length > keys.length) throw fail(`sample ${sample}`, `${values.length} values for ${keys.length} FORMAT keys`);
      let ploidy = 2;
      if (gtAt !== -1 && values[gtAt] !== undefined) {
        const gtText = values[gtAt]!;
        const gt = parseGenotype(gtText);
        if (!gt || MALFORMED_GT_RE.test(gtText)) throw fail(`${sample}.GT`, `malformed genotype ${JSON.stringify(gtText.slice(0, 40))}`);
        for (const a of gt.alleles) {
          if (a === undefined || a <= altCount) continue;
          // ALT "." with a non-reference GT is accepted by the spec's own validator (hts-specs passed_body_alt).
          if (altCount === 0)
            spec("GT.no-alt", `${sample}.GT`, `genotype ${JSON.stringify(gtText.slice(0, 40))} names an ALT allele but ALT is "."`);
          else throw fail(`${sample}.GT`, `genotype ${JSON.stringify(gtText.slice(0, 40))} names an allele beyond the ${altCount} ALT(s)`);
          break;
        }
        ploidy = gt.alleles.length;
      }
      const laa = laaAt === -1 ? undefined : values[laaAt];
      if (laa !== undefined && laa !== "" && laa !== ".") {
        // LAA holds 1-based ALT indices (VCF 4.5 §1.6.2); anything else cannot be mapped back.
        for (const part of laa.split(",")) {
          if (!LAA_PART_RE.test(part) || Number(part) < 1 || Number(part) > altCount)
            throw fail(`${sample}.LAA`, `local allele ${JSON.stringify(part.slice(0, 20))} is not an ALT index (1..${altCount})`);
        }
      }
      for (let k = 0; k < values.length; k++) {
        if (k === gtAt) continue;
        const def = defs[k];
        const value = values[k]!;
        if (!def || value === ".") continue;
        // Walk the comma-separated parts in place: no array per value (several per sample).
        const typed = def.type === "Integer" || def.type === "Float" || def.type === "Character";
        let parts = 0;
        let from = 0;
        for (;;) {
          const comma = value.indexOf(",", from);
          parts++;
          if (typed) {
            const part = comma === -1 ? (from === 0 ? value : value.slice(from)) : value.slice(from, comma);
            const problem = checkTypedValue(def.type, part);
            if (problem?.error) throw fail(`${sample}.${def.id}`, problem.error);
            if (problem?.warning) spec(`FORMAT.${def.id}.type`, `${sample}.${def.id}`, problem.warning);
          }
          if (comma === -1) break;
          from = comma + 1;
        }
        const want = expectedCount(def.number, altCount, ploidy);
        if (want !== undefined && parts !== want) {
          spec(`FORMAT.${def.id}.number`, `${sample}.${def.id}`, `${def.id} has ${parts} value(s); Number=${def.number} asks for ${want}`);
        }
      }
    }
    return kept;
  };

  return {
    parse(line: string, lineNumber: number | undefined, warn?: (warning: Warning) => void): Variant[] {
      lineNo = lineNumber;
      onWarning = warn;
      // A copy of the line (`own`): lines are slices of a whole decoded chunk, which a kept field
      // would otherwise keep alive. Without it the 1M-record panel-dense file peaks at 210 MB
      // instead of 160 (medians of 3, findings past 8,192 on disk; bench/results.json
      // `comparisons`); at a real genome's density it changes nothing measurable.
      const columns = splitOn(own(line), "\t");
      if (columns.length !== expectedColumns && !(nSamples === 0 && columns.length === 9)) {
        throw fail(
          "columns",
          `expected ${expectedColumns} tab-separated columns (${nSamples} sample${nSamples === 1 ? "" : "s"}), found ${columns.length}`,
        );
      }
      // CHROM may also be an angle-bracketed ID pointing into an assembly file (VCF 4.3 §1.6.1).
      const [chrom = "", posText = "", idText = "", ref = "", altText = "", qualText = "", filterText = "", infoText = ""] = columns;
      // Records come sorted by contig: check each contig name once per run of records.
      if (chrom !== lastChrom) {
        if (chrom === "" || (checkContigName(chrom) && !/^<[^<>\s,]+>$/.test(chrom)))
          throw fail("CHROM", `expected a contig name, found ${JSON.stringify(chrom.slice(0, 40))}`);
        lastChrom = chrom;
        contigLength = contigLengths.get(chrom);
      }
      if (!POS_RE.test(posText)) throw fail("POS", `expected a positive integer, found ${JSON.stringify(posText.slice(0, 40))}`);
      const pos = Number(posText);
      // Positions run from 1 to the contig's length; 0 and length+1 mark telomeres (VCF 4.3
      // §1.6.1 POS, §1.4.7 length). Past that the record is not on the declared contig: a
      // header from another build, or a damaged record.
      if (contigLength !== undefined && pos > contigLength + 1) {
        spec("POS.beyond-contig", "POS", `${chrom}:${pos} lies beyond the contig's declared length (${contigLength})`);
      }
      if (!REF_RE.test(ref)) {
        if (!IUPAC_REF_RE.test(ref)) throw fail("REF", `expected bases A, C, G, T or N, found ${JSON.stringify(ref.slice(0, 40))}`);
        spec("REF.iupac", "REF", `REF ${JSON.stringify(ref.slice(0, 40))} holds IUPAC ambiguity codes (VCF allows A, C, G, T, N)`);
      }
      const idProblem = checkIdColumn(idText);
      if (idProblem) throw fail("ID", idProblem);
      if (qualText !== "." && !QUAL_RE.test(qualText))
        throw fail("QUAL", `expected a number or ".", found ${JSON.stringify(qualText.slice(0, 40))}`);
      if (qualText.startsWith("-")) spec("QUAL.negative", "QUAL", `negative QUAL ${qualText.slice(0, 20)}`);
      const filterProblem = checkFilterColumn(filterText);
      if (filterProblem) throw fail("FILTER", filterProblem);
      // An empty INFO column (spec: at least ".") carries no data; htslib reads it as "." and so
      // do we (vcf2maf's test files have it), saying so once.
      if (infoText === "") spec("INFO.empty", "INFO", 'empty INFO column (the spec asks for "."); read as "."');
      const alts = altText === "." ? [] : splitOn(altText, ",");
      for (const alt of alts) {
        if (BASES_ALT_RE.test(alt)) continue;
        const symbolic = isSymbolic(alt);
        if (IUPAC_ALT_RE.test(alt)) {
          spec("ALT.iupac", "ALT", `ALT ${JSON.stringify(alt.slice(0, 40))} holds IUPAC ambiguity codes (VCF allows A, C, G, T, N)`);
        } else if (!(alt === "*" || symbolic || isBreakend(alt))) {
          throw fail("ALT", `expected bases, "*", <ID> or a breakend, found ${JSON.stringify(alt.slice(0, 40))}`);
        }
        if (symbolic && /[<>\s,]/.test(alt.slice(1, -1)))
          throw fail("ALT", `malformed symbolic allele ${JSON.stringify(alt.slice(0, 40))}`);
        if (!symbolic && isBreakend(alt) && !/[ACGTNacgtn]/.test(alt.replace(/\[[^[\]]*\[|\][^[\]]*\]/g, ""))) {
          throw fail("ALT", `breakend ${JSON.stringify(alt.slice(0, 40))} has no bases on either side`);
        }
      }
      const altCount = alts.length;
      // Percent escapes and prototype keys take the careful reader; the common case reads INFO
      // in the same pass that checks it.
      const careful = infoText.includes("%");
      unsafeKey = false;
      let infoAll = readInfo(infoText, altCount, !careful);
      // readInfo notes prototype-named keys as it checks them (one pass, not three searches).
      if (careful || unsafeKey) infoAll = safeInfo(infoText, header);
      const id = idText === "." ? undefined : splitOn(idText, ";");
      const qual = qualText === "." ? undefined : Number(qualText);
      const filter = filterText === "." ? [] : splitOn(filterText, ";");

      // Sample fields, split once per record and only for candidate records.
      let sampleFields: SampleFields[] = [];
      if (nSamples > 0) {
        const layout = formatLayout(columns[8] ?? "");
        const { index, keys } = layout;
        sampleFields = readSamples(columns, layout, altCount).map((values) =>
          index ? new FormatValues(index, values) : mapOf(keys, values),
        );
      }

      if (options.onReferenceBlock && altCount === 1 && isReferenceBlockAlt(alts[0]!)) {
        const end = infoEnd(infoText);
        if (end !== undefined && end >= pos) {
          options.onReferenceBlock(chrom, pos, end, sampleFields.length === 0 || sampleFields.some(blockCalled));
        }
      }

      const variants: Variant[] = [];
      for (let a = 1; a <= altCount; a++) {
        const rawAlt = alts[a - 1]!;
        if (isPlaceholderAllele(rawAlt)) continue;
        const trimmed = trimAlleles(pos, ref, rawAlt);
        const kind = alleleKind(trimmed.ref, trimmed.alt);
        // One ALT keeps every INFO value whole: the record's own object serves as the ALT's.
        let info = infoAll;
        if (altCount > 1) {
          info = Object.create(null);
          for (const key in infoAll) info[key] = perAllele(infoAll[key]!, header.info.get(key), a, altCount);
        }
        let end = trimmed.pos + trimmed.ref.length - 1;
        if (kind === "sv") {
          const endValue = infoAll.END;
          const svlen = infoAll.SVLEN ?? infoAll.LEN;
          const endNum = Array.isArray(endValue) ? endValue[0] : endValue;
          const lenValue = Array.isArray(svlen) ? (svlen.length === altCount ? svlen[a - 1] : svlen[0]) : svlen;
          if (typeof endNum === "number" && Number.isFinite(endNum) && endNum >= pos) end = endNum;
          else if (typeof lenValue === "number" && Number.isFinite(lenValue) && !/^<INS/.test(rawAlt)) end = pos + Math.abs(lenValue);
        }
        const calls: SampleCall[] = new Array(sampleIndices.length);
        const context = { altIndex: a, altCount, alt: trimmed.alt, ref: trimmed.ref, symbolic: kind === "sv" };
        for (let i = 0; i < sampleIndices.length; i++) calls[i] = readCall(header.samples[sampleIndices[i]!]!, sampleFields[i]!, context);
        // One literal with every member: spreading the optional ones in (`...(id ? { id } : {})`)
        // sent each later member through a slow generic store, ~10% of this function's time.
        variants.push({
          chrom,
          pos: trimmed.pos,
          end,
          ref: trimmed.ref,
          alt: trimmed.alt,
          key: `${chrom}:${trimmed.pos}:${trimmed.ref}:${trimmed.alt}`,
          kind,
          id,
          qual,
          filter,
          altIndex: a,
          altCount,
          info,
          calls,
          consequences: [],
          source: lineNo !== undefined ? { file, line: lineNo } : { file },
          // The raw record pieces the annotation reader needs (VEP matches on untrimmed alleles).
          raw: { ref, alts, infoText },
        });
      }
      return variants;
    },
  };
}
