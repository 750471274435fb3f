/**
 * Reads the VCF header into plain, prototype-safe data (Maps and null-prototype objects).
 * It also produces the sanitised header text handed to @gmod/vcf, whose metadata lives in
 * plain objects: a `##__proto__=<…>` line would otherwise write to Object.prototype.
 */
import { formatMessage, MarrowscopeError, type Warning } from "../errors.js";
import {
  checkAltId,
  checkContigName,
  checkIdentifier,
  checkKeyOrder,
  checkMetaDefinition,
  checkReserved,
  checkSampleV42,
  checkUrl,
  hasUrlScheme,
  isValidNumber,
  specVersion,
} from "./conformance.js";

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
 * Returns undefined when the brackets or quotes do not close. A last entry without "="
 * (`Original=Some,thing`) is kept with an empty value, and its key is added to `keyless`.
 */
export function parseStructured(value: string, keyless?: string[]): Map<string, string> | undefined {
  if (!value.startsWith("<") || !value.endsWith(">")) return undefined;
  const body = value.slice(1, -1);
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf("=", i);
    if (eq === -1) {
      const key = body.slice(i).trim();
      if (key) {
        out.set(key, "");
        // `##key=<"free text">` is a form the conformance suite passes (complexfile_passed_000).
        if (!(i === 0 && /^"(?:[^"\\]|\\.)*"$/.test(key))) keyless?.push(key);
      }
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
  /**
   * `validate`'s view: also the rules about spellings a read never depends on and that common
   * writers break (VCF 4.1/4.2 ##SAMPLE grammar, identifier characters of ##SAMPLE/##PEDIGREE,
   * an ##assembly that is no URL). Reading (annotate, readVariants) leaves them out.
   */
  readonly allRules?: boolean;
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
  const specWarn = (line: number, field: string, detail: string, code: "W_VCF_SPEC" | "W_VCF_VERSION" = "W_VCF_SPEC") => {
    const location = { file, line, field };
    options.onWarning?.({ code, message: formatMessage(location, detail), location });
  };
  const allRules = options.allRules === true;

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
  const version = specVersion(ff?.[1] ?? "VCFv4.2");
  // ##assembly=url and ##pedigreeDB=URL (VCF 4.3 §1.4.6, §1.4.9; 4.1/4.2 §1.2.6, §1.2.9).
  const checkUrlLine = (lineNo: number, key: string, value: string) => {
    if (value === "") return; // reported as an empty value
    // EBI's 4.1 grammar writes `##pedigreeDB=<URL>`: read inside the brackets.
    const url = value.startsWith("<") && value.endsWith(">") ? value.slice(1, -1).trim() : value;
    if (url === "") {
      specWarn(lineNo, key, `##${key} holds no URL`);
      return;
    }
    // `##assembly=GRCh38` names the build (and is read as assembly evidence): only `validate`
    // reports a value without a scheme.
    if (!allRules && !hasUrlScheme(url)) return;
    const problem = checkUrl(url);
    if (problem) specWarn(lineNo, key, `##${key}: ${problem}`);
  };

  const info = new Map<string, FieldDefinition>();
  const format = new Map<string, FieldDefinition>();
  const filters = new Map<string, FieldDefinition>();
  const alts = new Map<string, FieldDefinition>();
  const contigs: ContigDefinition[] = [];
  /** `key\0ID` of each structured line seen → its Number/Type/length (checkUniqueId). */
  const definitions = new Map<string, string>();
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
    const urlLine = key === "assembly" || key === "pedigreeDB";
    if (urlLine) checkUrlLine(lineNo, key, value.trim());
    if (value.startsWith("<")) {
      const keyless: string[] = [];
      const fields = parseStructured(value.trimEnd(), keyless);
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
      if (id) checkUniqueId(lineNo, key, id, fields);
      // A structured line is a list of key=value pairs (VCF 4.3 §1.4; 4.1/4.2 §1.2).
      const loose = keyless[0];
      if (loose !== undefined) specWarn(lineNo, key, `${JSON.stringify(loose.slice(0, 40))} in ##${key} is not a key=value pair`);
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
      } else if (!urlLine) {
        checkOtherStructured(lineNo, key, id, fields, value);
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

  /**
   * IDs are unique within their type from VCF 4.3 on (§1.4; its change list: "must have an ID
   * value that is unique for a given value of key"; the 4.1/4.2 suites pass a repeated contig).
   * A repeat that changes Number, Type or length changes how values read (the later line wins):
   * always reported; an identical repeat (merged headers) only by `validate`.
   */
  function checkUniqueId(lineNo: number, key: string, id: string, fields: ReadonlyMap<string, string>): void {
    if (version < 403) return;
    const name = `${key}\u0000${id}`;
    const shape = `${fields.get("Number")}/${fields.get("Type")}/${fields.get("length")}`;
    const before = definitions.get(name);
    if (before === undefined) {
      definitions.set(name, shape);
      return;
    }
    if (before !== shape) {
      specWarn(lineNo, `${key}.${id}`, `${key} ${id} is defined again with another Number, Type or length; the later definition is used`);
    } else if (allRules) specWarn(lineNo, `${key}.${id}`, `${key} ${id} is defined twice (IDs are unique within their type)`);
  }

  /** ##SAMPLE, ##PEDIGREE, ##META and lines the spec does not define: nothing a read uses but names. */
  function checkOtherStructured(lineNo: number, key: string, id: string | undefined, fields: Map<string, string>, raw: string): void {
    if (!id) {
      // ##SAMPLE always had an ID; every other structured line needs one from VCF 4.3 on (§1.4:
      // "All structured lines require an ID"; its change list: "##PEDIGREE newly requires a
      // unique ID"). VCF 4.1/4.2 write ##PEDIGREE=<Name_0=G0-ID,…> (§1.2.9).
      if (key === "SAMPLE" || version >= 403) specWarn(lineNo, `${key}.ID`, `${key} line without ID`);
    } else if ((key === "SAMPLE" || key === "PEDIGREE") && /[\s,]/.test(id)) {
      specWarn(lineNo, `${key}.ID`, `${key} ID ${JSON.stringify(id)} holds whitespace or a comma`);
      return;
    }
    if (key === "META" && version >= 403) {
      const problem = checkMetaDefinition(fields);
      if (problem) specWarn(lineNo, "META", problem);
    }
    if (!allRules) return;
    if (key === "SAMPLE") {
      const grammar = version <= 402 ? checkSampleV42(fields, raw) : undefined;
      const name = id ? checkIdentifier(id) : undefined;
      if (grammar) specWarn(lineNo, "SAMPLE", grammar, "W_VCF_VERSION");
      else if (name) specWarn(lineNo, "SAMPLE.ID", `SAMPLE ID ${name}`);
    } else if (key === "PEDIGREE") {
      // Every value names a genome or sample (VCF 4.3 §1.4.9; 4.1/4.2 §1.2.9).
      for (const [name, text] of fields) {
        const problem = text === "" || name === "Description" ? undefined : checkIdentifier(text);
        if (problem) {
          specWarn(lineNo, `PEDIGREE.${name}`, `PEDIGREE ${name} ${problem}`);
          return;
        }
      }
    }
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
