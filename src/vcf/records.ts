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

function toInfoValue(raw: unknown): InfoValue {
  if (raw === true) return true;
  if (Array.isArray(raw)) {
    const list = raw.map((v) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : (v as string | number)));
    return list;
  }
  if (typeof raw === "string" || typeof raw === "number") return raw;
  return null;
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
type Spec = (kind: string, field: string, detail: string) => void;

/** Splits the raw INFO column and checks each value against the header (Type, Number, Flag). */
function checkInfoWith(header: VcfHeader, infoText: string, altCount: number, fail: Fail, spec: Spec): void {
  if (infoText === "." || infoText === "") return;
  if (/\s/.test(infoText)) spec("INFO.whitespace", "INFO", "INFO holds whitespace");
  const seen = new Set<string>();
  for (const pair of infoText.split(";")) {
    if (pair === "") {
      spec("INFO.empty-entry", "INFO", 'empty INFO entry (doubled or trailing ";")');
      continue;
    }
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const field = `INFO.${key}`;
    if (seen.has(key)) throw fail(field, `INFO key ${key} appears twice`);
    seen.add(key);
    const def = header.info.get(key) ?? reservedDefinition("INFO", key);
    if (!def) continue;
    if (def.type === "Flag") {
      if (eq !== -1) spec(`${field}.flag`, field, `${key} is a Flag but has a value`);
      continue;
    }
    if (eq === -1) {
      spec(`${field}.novalue`, field, `${key} has no value but is declared Type=${def.type}`);
      continue;
    }
    const values = pair.slice(eq + 1).split(",");
    for (const value of values) {
      const problem = checkTypedValue(def.type, value);
      if (problem?.error) throw fail(field, problem.error);
      if (problem?.warning) spec(`${field}.type`, field, problem.warning);
      if (NON_NEGATIVE_INFO.has(key) && value.startsWith("-"))
        spec(`${field}.negative`, field, `${key} is negative (${value.slice(0, 20)})`);
      if (key === "CIGAR") {
        const cigar = checkCigar(value);
        if (cigar) spec(`${field}.cigar`, field, cigar);
      }
    }
    const want = def.number === "G" ? undefined : expectedCount(def.number, altCount, 2);
    if (want !== undefined && values.length !== want && !(values.length === 1 && values[0] === ".")) {
      spec(`${field}.number`, field, `${key} has ${values.length} value(s); Number=${def.number} asks for ${want}`);
    }
  }
}

/** FORMAT keys, per-sample field counts, GT syntax and allele range, and typed values. */
function checkFormatWith(
  header: VcfHeader,
  columns: readonly string[],
  format: readonly string[],
  altCount: number,
  fail: Fail,
  spec: Spec,
): void {
  const problem = checkFormatKeys(format);
  if (problem) spec("FORMAT.keys", "FORMAT", problem);
  const gtAt = format.indexOf("GT");
  if (gtAt > 0) spec("FORMAT.GT-first", "FORMAT", "GT must be the first FORMAT key");
  for (let c = 9; c < columns.length; c++) {
    const values = columns[c]!.split(":");
    const sample = header.samples[c - 9] ?? `column ${c + 1}`;
    if (values.length > format.length) throw fail(`sample ${sample}`, `${values.length} values for ${format.length} FORMAT keys`);
    let ploidy = 2;
    if (gtAt !== -1 && values[gtAt] !== undefined) {
      const gtText = values[gtAt]!;
      const gt = parseGenotype(gtText);
      if (!gt || /[/|]$|[/|]{2}/.test(gtText)) throw fail(`${sample}.GT`, `malformed genotype ${JSON.stringify(gtText.slice(0, 40))}`);
      if (gt.alleles.some((a) => a !== undefined && a > altCount)) {
        // ALT "." with a non-reference GT is accepted by the spec's own validator (hts-specs passed_body_alt).
        if (altCount === 0)
          spec("GT.no-alt", `${sample}.GT`, `genotype ${JSON.stringify(gtText.slice(0, 40))} names an ALT allele but ALT is "."`);
        else throw fail(`${sample}.GT`, `genotype ${JSON.stringify(gtText.slice(0, 40))} names an allele beyond the ${altCount} ALT(s)`);
      }
      ploidy = gt.alleles.length;
    }
    const laaAt = format.indexOf("LAA");
    const laa = laaAt === -1 ? undefined : values[laaAt];
    if (laa !== undefined && laa !== "" && laa !== ".") {
      // LAA holds 1-based ALT indices (VCF 4.5 §1.6.2); anything else cannot be mapped back.
      for (const part of laa.split(",")) {
        if (!/^\d+$/.test(part) || Number(part) < 1 || Number(part) > altCount)
          throw fail(`${sample}.LAA`, `local allele ${JSON.stringify(part.slice(0, 20))} is not an ALT index (1..${altCount})`);
      }
    }
    for (let k = 0; k < values.length; k++) {
      if (k === gtAt) continue;
      const def = header.format.get(format[k]!) ?? reservedDefinition("FORMAT", format[k]!);
      const value = values[k]!;
      if (!def || value === ".") continue;
      const parts = value.split(",");
      for (const part of parts) {
        const typed = checkTypedValue(def.type, part);
        if (typed?.error) throw fail(`${sample}.${def.id}`, typed.error);
        if (typed?.warning) spec(`FORMAT.${def.id}.type`, `${sample}.${def.id}`, typed.warning);
      }
      const want = expectedCount(def.number, altCount, ploidy);
      if (want !== undefined && parts.length !== want && !(parts.length === 1 && parts[0] === ".")) {
        spec(
          `FORMAT.${def.id}.number`,
          `${sample}.${def.id}`,
          `${def.id} has ${parts.length} value(s); Number=${def.number} asks for ${want}`,
        );
      }
    }
  }
}

/** Builds the parser for a header. @throws MarrowscopeError E_VCF_HEADER */
export function createRecordParser(header: VcfHeader, options: RecordParserOptions): RecordParser {
  const { file } = options;
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
  const expectedColumns = nSamples > 0 ? 9 + nSamples : 8;
  const warned = new Set<string>();
  const checkInfo = (infoText: string, altCount: number, fail: Fail, spec: Spec) => checkInfoWith(header, infoText, altCount, fail, spec);
  const checkFormat = (columns: readonly string[], format: readonly string[], altCount: number, fail: Fail, spec: Spec) =>
    checkFormatWith(header, columns, format, altCount, fail, spec);

  return {
    parse(line: string, lineNo: number | undefined, onWarning?: (warning: Warning) => void): Variant[] {
      const fail = (field: string, detail: string) => new MarrowscopeError("E_VCF_RECORD", detail, { file, line: lineNo, field });
      const spec = (kind: string, field: string, detail: string) => {
        if (!onWarning || warned.has(kind)) return;
        warned.add(kind);
        const location = { file, line: lineNo, field };
        onWarning({ code: "W_VCF_SPEC", message: formatMessage(location, `${detail} (first occurrence; not repeated)`), location });
      };
      const columns = line.split("\t");
      if (columns.length !== expectedColumns && !(nSamples === 0 && columns.length === 9)) {
        throw fail(
          "columns",
          `expected ${expectedColumns} tab-separated columns (${nSamples} sample${nSamples === 1 ? "" : "s"}), found ${columns.length}`,
        );
      }
      // CHROM may also be an angle-bracketed ID pointing into an assembly file (VCF 4.3 §1.6.1).
      const [chrom = "", posText = "", idText = "", ref = "", altText = "", qualText = "", filterText = "", infoText = ""] = columns;
      if (chrom === "" || (checkContigName(chrom) && !/^<[^<>\s,]+>$/.test(chrom)))
        throw fail("CHROM", `expected a contig name, found ${JSON.stringify(chrom.slice(0, 40))}`);
      if (!POS_RE.test(posText)) throw fail("POS", `expected a positive integer, found ${JSON.stringify(posText.slice(0, 40))}`);
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
      const alts = altText === "." ? [] : altText.split(",");
      for (const alt of alts) {
        const symbolic = isSymbolic(alt);
        if (!BASES_ALT_RE.test(alt) && IUPAC_ALT_RE.test(alt)) {
          spec("ALT.iupac", "ALT", `ALT ${JSON.stringify(alt.slice(0, 40))} holds IUPAC ambiguity codes (VCF allows A, C, G, T, N)`);
        } else if (!(BASES_ALT_RE.test(alt) || alt === "*" || symbolic || isBreakend(alt))) {
          throw fail("ALT", `expected bases, "*", <ID> or a breakend, found ${JSON.stringify(alt.slice(0, 40))}`);
        }
        if (symbolic && /[<>\s,]/.test(alt.slice(1, -1)))
          throw fail("ALT", `malformed symbolic allele ${JSON.stringify(alt.slice(0, 40))}`);
        if (!symbolic && isBreakend(alt) && !/[ACGTNacgtn]/.test(alt.replace(/\[[^[\]]*\[|\][^[\]]*\]/g, ""))) {
          throw fail("ALT", `breakend ${JSON.stringify(alt.slice(0, 40))} has no bases on either side`);
        }
      }
      checkInfo(infoText, alts.length, fail, spec);
      let record: ReturnType<VCFParser["parseLine"]>;
      try {
        record = parser.parseLine(line);
      } catch (cause) {
        throw new MarrowscopeError(
          "E_VCF_RECORD",
          `cannot parse record: ${(cause as Error).message.split("\n")[0]}`,
          { file, line: lineNo },
          { cause },
        );
      }
      const own = infoText.includes("%") || /(^|;)(__proto__|constructor|prototype)(=|;|$)/.test(infoText);
      const infoAll: Record<string, InfoValue> = own ? safeInfo(infoText, header) : Object.create(null);
      if (!own) {
        for (const [key, value] of Object.entries(record.INFO)) {
          if (!isUnsafeKey(key)) infoAll[key] = toInfoValue(value);
        }
      }
      const pos = Number(posText);
      const id = idText === "." ? undefined : idText.split(";");
      const qual = qualText === "." ? undefined : Number(qualText);
      const filter = filterText === "." ? [] : filterText.split(";");

      // Sample fields, parsed once per record and only for candidate records.
      const format = columns[8]?.split(":") ?? [];
      if (nSamples > 0) checkFormat(columns, format, alts.length, fail, spec);
      const sampleFields: Map<string, string>[] = [];
      for (const index of sampleIndices) {
        const values = (columns[9 + index] ?? "").split(":");
        const fields = new Map<string, string>();
        for (let k = 0; k < format.length; k++) {
          const value = values[k];
          if (value !== undefined) fields.set(format[k]!, value);
        }
        sampleFields.push(fields);
      }

      const variants: Variant[] = [];
      const altCount = alts.length;
      for (let a = 1; a <= altCount; a++) {
        const rawAlt = alts[a - 1]!;
        if (isPlaceholderAllele(rawAlt)) continue;
        const trimmed = trimAlleles(pos, ref, rawAlt);
        const kind = alleleKind(trimmed.ref, trimmed.alt);
        const info: Record<string, InfoValue> = Object.create(null);
        for (const [key, value] of Object.entries(infoAll)) info[key] = perAllele(value, header.info.get(key), a, altCount);
        let end = trimmed.pos + trimmed.ref.length - 1;
        if (kind === "sv") {
          const endValue = infoAll.END;
          const svlen = infoAll.SVLEN ?? infoAll.LEN;
          const endNum = Array.isArray(endValue) ? endValue[0] : endValue;
          const lenValue = Array.isArray(svlen) ? (svlen.length === altCount ? svlen[a - 1] : svlen[0]) : svlen;
          if (typeof endNum === "number" && Number.isFinite(endNum) && endNum >= pos) end = endNum;
          else if (typeof lenValue === "number" && Number.isFinite(lenValue) && !/^<INS/.test(rawAlt)) end = pos + Math.abs(lenValue);
        }
        const calls: SampleCall[] = sampleIndices.map((index, i) =>
          readCall(header.samples[index]!, sampleFields[i]!, { altIndex: a, altCount, alt: trimmed.alt, ref: trimmed.ref }),
        );
        variants.push({
          chrom,
          pos: trimmed.pos,
          end,
          ref: trimmed.ref,
          alt: trimmed.alt,
          key: `${chrom}:${trimmed.pos}:${trimmed.ref}:${trimmed.alt}`,
          kind,
          ...(id ? { id } : {}),
          ...(qual !== undefined ? { qual } : {}),
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
