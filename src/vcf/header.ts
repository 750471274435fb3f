/**
 * Reads the VCF header into plain, prototype-safe data (Maps and null-prototype objects).
 * It also produces the sanitised header text handed to @gmod/vcf, whose metadata lives in
 * plain objects: a `##__proto__=<…>` line would otherwise write to Object.prototype.
 */
import { formatMessage, MarrowscopeError, type Warning } from "../errors.js";
import { checkAltId, checkContigName, checkKeyOrder, checkReserved, isValidNumber } from "./conformance.js";

export interface FieldDefinition {
  readonly id: string;
  readonly number?: string;
  readonly type?: string;
  readonly description?: string;
}

export interface ContigDefinition {
  readonly id: string;
  readonly length?: number;
  readonly assembly?: string;
}

export interface VcfHeader {
  readonly fileformat: string;
  readonly info: ReadonlyMap<string, FieldDefinition>;
  readonly format: ReadonlyMap<string, FieldDefinition>;
  readonly filters: ReadonlyMap<string, FieldDefinition>;
  readonly alts: ReadonlyMap<string, FieldDefinition>;
  readonly contigs: readonly ContigDefinition[];
  readonly samples: readonly string[];
  /** `##reference=` value, if any. */
  readonly reference?: string;
  /** `##assembly=` value, if any. */
  readonly assembly?: string;
  /** From `##tumor_sample=`/`##normal_sample=` (Mutect2) or `##SAMPLE=<ID=TUMOR|NORMAL,SampleName=…>`. */
  readonly tumorSample?: string;
  readonly normalSample?: string;
  /** Caller hints: `##source=` values and GATK/Strelka command-line IDs. */
  readonly sources: readonly string[];
  /** Header with unsafe lines removed, for @gmod/vcf. */
  readonly text: string;
  /** Number of header lines (the first record is line `lineCount + 1`). */
  readonly lineCount: number;
}

/** Keys that would reach Object.prototype if used to index a plain object. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.has(key);
}

/**
 * Parses `<ID=DP,Number=1,Type=Integer,Description="a, \"quoted\" text">` into a Map.
 * Returns undefined when the brackets or quotes do not close.
 */
export function parseStructured(value: string): Map<string, string> | undefined {
  if (!value.startsWith("<") || !value.endsWith(">")) return undefined;
  const body = value.slice(1, -1);
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf("=", i);
    if (eq === -1) {
      const key = body.slice(i).trim();
      if (key) out.set(key, "");
      break;
    }
    const key = body.slice(i, eq).trim();
    // A comma or space inside a key means a value ran on without its own "=" (`ID=1,A,length=…`).
    if (key === "" || /[\s,]/.test(key)) return undefined;
    let j = eq + 1;
    let val: string;
    if (body[j] === '"') {
      j++;
      let text = "";
      while (j < body.length && body[j] !== '"') {
        if (body[j] === "\\" && j + 1 < body.length) j++;
        text += body[j];
        j++;
      }
      if (j >= body.length) return undefined;
      val = text;
      j++;
      // Only "," may follow a closing quote: anything else is an unescaped quote inside the value.
      while (j < body.length && body[j] === " ") j++;
      if (j < body.length && body[j] !== ",") return undefined;
    } else if (body[j] === "<" || body[j] === "[") {
      // Nested `<a,b>` or `[a, b]` values (##SAMPLE software fields, ##META Values) hold commas.
      const close = body.indexOf(body[j] === "<" ? ">" : "]", j);
      if (close === -1) return undefined;
      val = body.slice(j, close + 1);
      j = close + 1;
    } else {
      const comma = body.indexOf(",", j);
      const end = comma === -1 ? body.length : comma;
      val = body.slice(j, end).trim();
      j = end;
    }
    out.set(key, val);
    i = j + 1;
  }
  return out;
}

/** Structured meta lines whose content we use; a malformed one stops a strict read. */
const USED_KEYS = new Set(["INFO", "FORMAT", "FILTER", "ALT", "contig", "SAMPLE"]);

const HEADER_COLUMNS = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"];

export interface HeaderOptions {
  readonly file: string;
  readonly strict?: boolean;
  readonly onWarning?: (warning: Warning) => void;
}

/**
 * Builds a VcfHeader from the header lines (every line up to and including `#CHROM`).
 * @throws MarrowscopeError E_VCF_HEADER naming the line
 */
export function parseHeader(lines: readonly string[], options: HeaderOptions): VcfHeader {
  const { file } = options;
  const strict = options.strict ?? true;
  const fail = (line: number, field: string, detail: string) => new MarrowscopeError("E_VCF_HEADER", detail, { file, line, field });
  const warnOrThrow = (error: MarrowscopeError) => {
    if (strict) throw error;
    options.onWarning?.(error.toWarning());
  };
  // Spec violations that do not change how the file reads: always a warning, never a stop.
  const specWarn = (line: number, field: string, detail: string) => {
    const location = { file, line, field };
    options.onWarning?.({ code: "W_VCF_SPEC", message: formatMessage(location, detail), location });
  };

  const first = lines[0] ?? "";
  const ff = /^##fileformat=(VCFv\d+\.\d+)\s*$/.exec(first);
  if (!ff) {
    const looksLikeVcf = first.startsWith("##") || first.startsWith("#CHROM");
    const error = fail(
      1,
      "fileformat",
      looksLikeVcf
        ? `expected "##fileformat=VCFv4.x" as the first line, found ${JSON.stringify(first.slice(0, 60))}`
        : `not a VCF file: expected "##fileformat=VCFv4.x" as the first line, found ${JSON.stringify(first.slice(0, 60))}`,
    );
    if (!looksLikeVcf) throw error;
    warnOrThrow(error);
  }

  const info = new Map<string, FieldDefinition>();
  const format = new Map<string, FieldDefinition>();
  const filters = new Map<string, FieldDefinition>();
  const alts = new Map<string, FieldDefinition>();
  const contigs: ContigDefinition[] = [];
  const sources: string[] = [];
  const kept: string[] = [];
  let reference: string | undefined;
  let assembly: string | undefined;
  let tumorSample: string | undefined;
  let normalSample: string | undefined;
  let samples: string[] | undefined;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const lineNo = index + 1;
    if (line.startsWith("#CHROM") || (line.startsWith("#") && !line.startsWith("##"))) {
      const columns = line.split("\t");
      for (let c = 0; c < HEADER_COLUMNS.length; c++) {
        if (columns[c] !== HEADER_COLUMNS[c]) {
          throw fail(
            lineNo,
            "#CHROM",
            `expected tab-separated columns ${HEADER_COLUMNS.join(" ")}; column ${c + 1} is ${JSON.stringify(columns[c] ?? "")}`,
          );
        }
      }
      if (columns.length > 8 && columns[8] !== "FORMAT") {
        throw fail(lineNo, "#CHROM", `column 9 must be FORMAT, found ${JSON.stringify(columns[8])}`);
      }
      if (columns.length === 9) specWarn(lineNo, "#CHROM", "FORMAT column without any sample column");
      samples = columns.slice(9);
      const seen = new Set<string>();
      for (const sample of samples) {
        if (sample === "") throw fail(lineNo, "#CHROM", "empty sample name");
        if (seen.has(sample)) throw fail(lineNo, "#CHROM", `duplicate sample name ${JSON.stringify(sample)}`);
        if (isUnsafeKey(sample)) warnOrThrow(fail(lineNo, "#CHROM", `sample name ${JSON.stringify(sample)} is not allowed`));
        seen.add(sample);
      }
      kept.push(line);
      if (index !== lines.length - 1) throw fail(lineNo + 1, "header", "lines after #CHROM header line");
      break;
    }
    if (!line.startsWith("##")) {
      throw fail(lineNo, "header", `expected a "##" meta line or the "#CHROM" line, found ${JSON.stringify(line.slice(0, 60))}`);
    }
    const eq = line.indexOf("=");
    if (eq === -1) {
      warnOrThrow(fail(lineNo, "header", `meta line without "=": ${JSON.stringify(line.slice(0, 60))}`));
      continue;
    }
    const key = line.slice(2, eq);
    const value = line.slice(eq + 1);
    if (isUnsafeKey(key)) {
      warnOrThrow(fail(lineNo, "header", `key ${JSON.stringify(key)} is not allowed`));
      continue;
    }
    if (value.trim() === "") specWarn(lineNo, key, `meta line ##${key} has an empty value`);
    if (value.startsWith("<")) {
      const fields = parseStructured(value.trimEnd());
      if (!fields) {
        const detail = `malformed structured value ${JSON.stringify(value.slice(0, 60))}`;
        // Lines we read (field definitions, contigs, samples) must parse; others are only reported.
        if (USED_KEYS.has(key)) warnOrThrow(fail(lineNo, key, detail));
        else specWarn(lineNo, key, detail);
        continue;
      }
      const id = fields.get("ID");
      if (id !== undefined && isUnsafeKey(id)) {
        warnOrThrow(fail(lineNo, `${key}.ID`, `ID ${JSON.stringify(id)} is not allowed`));
        continue;
      }
      if ((key === "INFO" || key === "FORMAT" || key === "FILTER" || key === "ALT" || key === "contig") && !id) {
        warnOrThrow(fail(lineNo, key, `${key} definition has no ID`));
        continue;
      }
      const order = checkKeyOrder(key, [...fields.keys()]);
      if (order) specWarn(lineNo, key, order);
      if (
        (key === "INFO" || key === "FORMAT" || key === "FILTER" || key === "ALT") &&
        fields.has("Description") &&
        !/Description="/.test(value)
      ) {
        specWarn(lineNo, `${key}.Description`, `${key} Description must be in double quotes`);
      }
      const def: FieldDefinition = {
        id: id ?? "",
        number: fields.get("Number"),
        type: fields.get("Type"),
        description: fields.get("Description"),
      };
      if (key === "INFO" || key === "FORMAT") {
        if (def.type && !["Integer", "Float", "Flag", "Character", "String"].includes(def.type)) {
          warnOrThrow(fail(lineNo, `${key}.Type`, `unknown Type ${JSON.stringify(def.type)} for ${id}`));
        }
        if (def.number !== undefined && /^-\d+$/.test(def.number)) {
          // Old GATK wrote Number=-1 for "unknown"; read it as ".".
          specWarn(lineNo, `${key}.Number`, `Number=${def.number} for ${id} is not VCF; read as "."`);
        } else if (def.number !== undefined && !isValidNumber(def.number)) {
          warnOrThrow(
            fail(lineNo, `${key}.Number`, `Number must be an integer, A, R, G or ".", found ${JSON.stringify(def.number)} for ${id}`),
          );
        }
        const reserved = checkReserved(key, def.id, def.number, def.type);
        if (reserved) specWarn(lineNo, `${key}.${def.id}`, reserved);
        (key === "INFO" ? info : format).set(def.id, def);
      } else if (key === "FILTER") filters.set(def.id, def);
      else if (key === "ALT") {
        const problem = checkAltId(def.id);
        if (problem) specWarn(lineNo, "ALT.ID", problem);
        alts.set(def.id, def);
      } else if (key === "contig") {
        const problem = checkContigName(def.id);
        if (problem) specWarn(lineNo, "contig.ID", problem);
        const lengthText = fields.get("length");
        const length = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : undefined;
        contigs.push({ id: def.id, length, assembly: fields.get("assembly") });
      } else if ((key === "SAMPLE" || key === "PEDIGREE") && (!id || /[\s,]/.test(id))) {
        specWarn(lineNo, `${key}.ID`, id ? `${key} ID ${JSON.stringify(id)} holds whitespace or a comma` : `${key} line without ID`);
      }
      if (key === "SAMPLE" && id) {
        const name = fields.get("SampleName") ?? id;
        if (/^tumou?r$/i.test(id)) tumorSample = name;
        if (/^normal$/i.test(id)) normalSample = name;
      } else if (key === "GATKCommandLine" && id) {
        sources.push(id);
      }
    } else if (key === "reference") reference = value;
    else if (key === "assembly") assembly = value;
    else if (key === "tumor_sample") tumorSample = value;
    else if (key === "normal_sample") normalSample = value;
    else if (key === "source" || key === "content") sources.push(value);
    kept.push(line);
  }
  if (samples === undefined) {
    throw fail(lines.length + 1, "#CHROM", "header has no #CHROM line (is the file truncated, or not a VCF?)");
  }
  return {
    fileformat: ff?.[1] ?? "VCFv4.2",
    info,
    format,
    filters,
    alts,
    contigs,
    samples,
    reference,
    assembly,
    tumorSample,
    normalSample,
    sources,
    text: kept.join("\n"),
    lineCount: lines.length,
  };
}
