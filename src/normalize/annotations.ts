/**
 * The VCF's own annotations, read per ALT: VEP CSQ, SnpEff ANN/EFF, bcftools BCSQ, ANNOVAR
 * columns, population frequency and ClinVar. Pure and synchronous over the INFO text; what
 * cannot be read becomes a line in `problems`, never an exception.
 */
import type { ClinVar, Consequence, PopulationAf } from "../model.js";
import { BoundedMap } from "../own.js";
import { splitOn } from "../split.js";
import { ANN_DEFAULT_FIELDS, readAnn, readEff, readSnpEffFormat } from "./ann.js";
import { readAnnovar, unescapeAnnovar } from "./annovar.js";
import { BCSQ_DEFAULT_FIELDS, readBcsq } from "./bcsq.js";
import { readVep, readVepFormat } from "./csq.js";
import { soRank } from "./so-terms.js";

export { soRank };

/** One `##INFO=<…>` header line, as the header reader gives it. */
export interface InfoDefinition {
  id: string;
  number?: string;
  type?: string;
  description?: string;
}

/** Which annotations the header declares and how their fields are ordered. Opaque to callers. */
export interface AnnotationLayout {
  readonly vep?: { readonly key: string; readonly fields: readonly string[] };
  readonly snpEff?: { readonly fields: readonly string[] };
  readonly eff?: { readonly fields?: readonly string[] };
  readonly bcsq?: { readonly fields: readonly string[] };
  /** ANNOVAR gene databases declared (`refGene`, `knownGene`, `ensGene` …), in header order. */
  readonly annovar: readonly string[];
  /** INFO Number per key, to cut Number=A/R values to one ALT. */
  readonly numbers: ReadonlyMap<string, string>;
}

/** Everything the file's annotation says about one ALT. */
export interface AlleleAnnotations {
  consequences: Consequence[];
  populationAf?: PopulationAf;
  clinvar?: ClinVar;
  /** e.g. `CSQ entry 3 has 12 fields, header declares 40`. */
  problems: string[];
}

const MAX_ENTRIES = 20_000;
const MAX_PAIRS = 20_000;
const MAX_PROBLEMS = 50;

function isVepDescription(description: string | undefined): boolean {
  return description !== undefined && /Ensembl VEP|Format:\s*Allele\|/i.test(description);
}

/** Read the annotation layout from the header's INFO definitions. */
export function readAnnotationLayout(infoDefs: ReadonlyMap<string, InfoDefinition>): AnnotationLayout {
  const numbers = new Map<string, string>();
  const annovar: string[] = [];
  let vepKey: string | undefined;
  for (const [id, def] of infoDefs) {
    if (def.number !== undefined) numbers.set(id, def.number);
    const db = /^Func\.(.+)$/.exec(id)?.[1];
    if (db !== undefined) annovar.push(db);
    // VEP can write under any key (--vcf_info_field); CSQ wins when there are several.
    if (isVepDescription(def.description) && readVepFormat(def.description) && (vepKey === undefined || id === "CSQ")) {
      vepKey = id;
    }
  }
  const fieldsOf = (key: string) => readVepFormat(infoDefs.get(key)?.description);
  const vepFields = vepKey === undefined ? undefined : fieldsOf(vepKey);
  const ann = infoDefs.get("ANN");
  const eff = infoDefs.get("EFF");
  const bcsq = infoDefs.get("BCSQ");
  const effFields = readSnpEffFormat(eff?.description, "EFF");
  return {
    ...(vepKey !== undefined && vepFields !== undefined ? { vep: { key: vepKey, fields: vepFields } } : {}),
    ...(ann !== undefined && vepKey !== "ANN"
      ? {
          snpEff: {
            fields: readSnpEffFormat(ann.description, "ANN") ?? ANN_DEFAULT_FIELDS,
          },
        }
      : {}),
    ...(eff !== undefined ? { eff: effFields === undefined ? {} : { fields: effFields } } : {}),
    ...(bcsq !== undefined ? { bcsq: { fields: fieldsOf("BCSQ") ?? BCSQ_DEFAULT_FIELDS } } : {}),
    annovar,
    numbers,
  };
}

type Pair = readonly [key: string, value: string | undefined];

/** Calls `each` with every INFO entry's key and value (undefined for a bare key), in order. */
function eachInfoEntry(rawInfo: string, problems: string[], each: (key: string, value: string | undefined) => void): void {
  const text = rawInfo.trim();
  if (text === "" || text === ".") return;
  const parts = splitOn(text, ";");
  if (parts.length > MAX_PAIRS) problems.push(`INFO has ${parts.length} entries; read the first ${MAX_PAIRS}`);
  const count = Math.min(parts.length, MAX_PAIRS);
  for (let i = 0; i < count; i++) {
    const part = parts[i]!;
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) each(part, undefined);
    else each(part.slice(0, eq), part.slice(eq + 1));
  }
}

/**
 * This ALT's INFO: keys outside ANNOVAR blocks, plus the ALT's own `ANNOVAR_DATE … ALLELE_END`
 * block. A Map, so keys from the file never touch an object prototype.
 */
function viewForAlt(rawInfo: string, altCount: number, altIndex: number, problems: string[]): Map<string, string | undefined> {
  const view = new Map<string, string | undefined>();
  const add = (key: string, value: string | undefined) => {
    if (view.has(key)) problems.push(`INFO key ${key} appears more than once; the first is used`);
    else view.set(key, value);
  };
  // Without ANNOVAR blocks (nearly every file) the view is the INFO entries themselves, read
  // straight into the Map: no [key, value] pair per entry (every panel record comes here).
  if (!rawInfo.includes("ANNOVAR_DATE")) {
    eachInfoEntry(rawInfo, problems, add);
    return view;
  }
  const pairs: Pair[] = [];
  eachInfoEntry(rawInfo, problems, (key, value) => pairs.push([key, value]));
  const blocks: Pair[][] = [];
  const shared: Pair[] = [];
  let current: Pair[] | undefined;
  for (const pair of pairs) {
    if (pair[0] === "ANNOVAR_DATE") {
      current = [];
      blocks.push(current);
    }
    if (current !== undefined) current.push(pair);
    else shared.push(pair);
    if (pair[0] === "ALLELE_END") current = undefined;
  }
  if (blocks.length > 0 && blocks.length !== altCount) {
    problems.push(`INFO has ${blocks.length} ANNOVAR blocks for ${altCount} ALTs; ANNOVAR columns not read`);
  }
  const own = blocks.length === altCount ? (blocks[altIndex - 1] ?? []) : [];
  for (const [key, value] of shared) add(key, value);
  for (const [key, value] of own) add(key, value);
  return view;
}

/** What readAnnotations looks for in an INFO key, worked out once per distinct key. */
interface KeyRole {
  /** Frequency rank as an INFO key, and as a CSQ field (where VEP's own `AF` counts too). */
  readonly rank: number | undefined;
  readonly rankInVep: number | undefined;
  /** ANNOVAR database of a `Func.<db>` key. */
  readonly annovarDb: string | undefined;
  readonly clinSig: "plain" | "prefixed" | undefined;
}

/** Bounded: keys come from the input. Real files use a few dozen. */
const keyRoles = new BoundedMap<string, KeyRole>(4096);

/**
 * The regular expressions below ran for every key of every record (several per key); the
 * answers depend on the key alone, so they are cached. Measured on a 50,000-record VEP file:
 * ~1.5 µs per record.
 */
function roleOf(key: string): KeyRole {
  let role = keyRoles.get(key);
  if (role) return role;
  role = {
    rank: frequencyRank(key, false),
    rankInVep: frequencyRank(key, true),
    annovarDb: key.startsWith("Func.") ? /^Func\.(.+)$/.exec(key)?.[1] : undefined,
    clinSig: /^CLNSIG$/i.test(key) ? "plain" : /_CLNSIG$/i.test(key) ? "prefixed" : undefined,
  };
  keyRoles.set(key, role);
  return role;
}

/**
 * Read the annotations of the ALT at `altIndex` (1-based). `rawInfo` is the whole INFO column
 * text exactly as in the file (e.g. `DP=10;CSQ=A|missense_variant|…`).
 */
export function readAnnotations(
  layout: AnnotationLayout,
  rawInfo: string,
  ref: string,
  alts: readonly string[],
  altIndex: number,
): AlleleAnnotations {
  const problems: string[] = [];
  const view = viewForAlt(rawInfo, alts.length, altIndex, problems);
  let consequences: Consequence[] = [];
  const value = (key: string) => {
    const text = view.get(key);
    return text === undefined || text === "" || text === "." ? undefined : text;
  };

  let vepFrequencies: (readonly [string, string])[] = [];
  let clinSig: string | undefined;
  const csq = value(layout.vep?.key ?? "CSQ");
  if (csq !== undefined && layout.vep === undefined) {
    problems.push("CSQ is present but the header gives no Format for it; not read");
  } else if (csq !== undefined && layout.vep !== undefined) {
    const read = readVep(csq, layout.vep.fields, ref, alts, altIndex, problems, MAX_ENTRIES);
    consequences = read.consequences;
    vepFrequencies = read.extras.frequencies;
    clinSig = read.extras.clinSig;
  }

  const ann = layout.vep?.key === "ANN" ? undefined : value("ANN");
  if (ann !== undefined) {
    if (layout.snpEff === undefined) problems.push("ANN is not declared in the header; read with SnpEff's field order");
    const fields = layout.snpEff?.fields ?? ANN_DEFAULT_FIELDS;
    consequences.push(...readAnn(ann, fields, alts, altIndex, problems, MAX_ENTRIES));
  }
  const eff = value("EFF");
  if (eff !== undefined) {
    if (layout.eff === undefined) problems.push("EFF is not declared in the header; field order guessed per entry");
    consequences.push(...readEff(eff, layout.eff?.fields, alts, altIndex, problems, MAX_ENTRIES));
  }
  const bcsq = value("BCSQ");
  if (bcsq !== undefined) {
    if (layout.bcsq === undefined) problems.push("BCSQ is not declared in the header; read with bcftools' field order");
    const fields = layout.bcsq?.fields ?? BCSQ_DEFAULT_FIELDS;
    consequences.push(...readBcsq(bcsq, fields, ref, alts, altIndex, problems, MAX_ENTRIES));
  }
  const keys = [...view.keys()];
  const roles = keys.map(roleOf);
  let databases: Set<string> | undefined = layout.annovar.length > 0 ? new Set(layout.annovar) : undefined;
  for (const role of roles) {
    if (role.annovarDb === undefined) continue;
    databases ??= new Set();
    databases.add(role.annovarDb);
  }
  for (const db of databases ?? []) consequences.push(...readAnnovar(db, value));

  const infoValue = (key: string) => {
    const text = value(key);
    return text === undefined ? undefined : unescapeAnnovar(text);
  };
  const populationAf = chooseFrequency(keys, roles, infoValue, layout.numbers, vepFrequencies, alts.length, altIndex, problems);
  const clinvar = readClinVar(keys, roles, infoValue, layout.numbers, clinSig, alts.length, altIndex);

  let kept = problems;
  if (problems.length > MAX_PROBLEMS) {
    kept = problems.slice(0, MAX_PROBLEMS);
    kept.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  }
  return { consequences, populationAf, clinvar, problems: kept };
}

// ---- population frequency -------------------------------------------------------------------

/**
 * Which frequency key to prefer: the highest population maximum first (the conservative value
 * for calling a variant rare), then gnomAD overall (combined, genomes, exomes), then VEP's `AF`
 * (1000 Genomes). Population-specific keys (`gnomAD_AFR_AF`) and the cohort's own INFO `AF`
 * are never used.
 */
function frequencyRank(key: string, fromVep: boolean): number | undefined {
  if (/^MAX_AF$/i.test(key)) return 0;
  if (/^AF_popmax$/i.test(key) || /^gnomad.*popmax$/i.test(key)) return 1;
  if (/^gnomad(\d+(\.\d+)?)?[_.]?(exomes?|genomes?|e|g)?[_.]?(af|all)$/i.test(key)) {
    return /exome|^gnomade/i.test(key) ? 4 : /genome|^gnomadg/i.test(key) ? 3 : 2;
  }
  if (fromVep && key === "AF") return 5;
  return undefined;
}

/** One ALT's value from an INFO value: Number=A/R cut by index, a lone value as is. */
function perAlt(text: string, number: string | undefined, altCount: number, altIndex: number): string | undefined {
  const parts = text.split(",");
  if (number === "A") return parts[altIndex - 1];
  if (number === "R") return parts[altIndex];
  if (parts.length === 1) return parts[0];
  return parts.length === altCount ? parts[altIndex - 1] : undefined;
}

function frequency(text: string | undefined): number | undefined {
  // One value (nearly always): no lists.
  if (text !== undefined && !text.includes("&")) {
    if (text === "" || text === ".") return undefined;
    const value = Number(text);
    return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
  }
  // VEP joins co-located known variants' values with '&'; the largest is the cautious reading.
  const values = (text ?? "")
    .split("&")
    .filter((part) => part !== "" && part !== ".")
    .map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) return undefined;
  return Math.max(...values);
}

function chooseFrequency(
  keys: readonly string[],
  roles: readonly KeyRole[],
  info: (key: string) => string | undefined,
  numbers: ReadonlyMap<string, string>,
  vep: readonly (readonly [string, string])[],
  altCount: number,
  altIndex: number,
  problems: string[],
): PopulationAf | undefined {
  // `order` 0 is INFO, 1 is CSQ; the source text is made only for the candidate reported.
  const candidates: {
    rank: number;
    order: number;
    key: string;
    text: string | undefined;
  }[] = [];
  for (let k = 0; k < keys.length; k++) {
    const rank = roles[k]!.rank;
    if (rank === undefined) continue;
    const key = keys[k]!;
    const text = info(key);
    if (text === undefined) continue;
    const one = perAlt(text, numbers.get(key), altCount, altIndex);
    candidates.push({ rank, order: 0, key, text: one });
  }
  for (const [key, text] of vep) {
    const rank = roleOf(key).rankInVep;
    if (rank !== undefined) candidates.push({ rank, order: 1, key, text });
  }
  // Same order, same source prefix: comparing keys is comparing sources.
  if (candidates.length > 1) candidates.sort((a, b) => a.rank - b.rank || a.order - b.order || (a.key < b.key ? -1 : 1));
  for (const candidate of candidates) {
    const value = frequency(candidate.text);
    const source = () => `${candidate.order === 0 ? "INFO" : "CSQ"}/${candidate.key}`;
    if (value !== undefined) return { value, source: source() };
    if (candidate.text !== undefined && candidate.text !== ".") {
      problems.push(`${source()}: ${JSON.stringify(candidate.text.slice(0, 40))} is not a frequency`);
    }
  }
  return undefined;
}

// ---- ClinVar ---------------------------------------------------------------------------------

/**
 * ClinVar text with separators normalised and the words kept: `_` becomes a space, list
 * separators (`|`, `&`, a bare `,`) become `; `. `criteria_provided,_single_submitter` keeps
 * its comma, which belongs to the phrase.
 */
export function normaliseClinVarText(text: string): string {
  const seen = new Set<string>();
  for (const part of text.split(/[|&]|,(?!_)/)) {
    const clean = part.replace(/_/g, " ").replace(/\s+/g, " ").trim();
    if (clean !== "" && clean !== ".") seen.add(clean);
  }
  return [...seen].join("; ");
}

function readClinVar(
  keys: readonly string[],
  roles: readonly KeyRole[],
  info: (key: string) => string | undefined,
  numbers: ReadonlyMap<string, string>,
  vepClinSig: string | undefined,
  altCount: number,
  altIndex: number,
): ClinVar | undefined {
  // CLNSIG, or a prefixed copy from vcfanno/bcftools annotate (CLINVAR_CLNSIG).
  let sigKey: string | undefined;
  let prefixedKey: string | undefined;
  for (let k = 0; k < roles.length; k++) {
    const clinSig = roles[k]!.clinSig;
    if (clinSig === "plain") {
      sigKey = keys[k];
      break;
    }
    if (clinSig === "prefixed") prefixedKey ??= keys[k];
  }
  sigKey ??= prefixedKey;
  const sigText = sigKey === undefined ? undefined : info(sigKey);
  if (sigKey !== undefined && sigText !== undefined) {
    // ClinVar's own VCF has one ALT per record and Number=.; only a declared Number=A is cut.
    const own = numbers.get(sigKey) === "A" ? (perAlt(sigText, "A", altCount, altIndex) ?? "") : sigText;
    const significance = normaliseClinVarText(own);
    const prefix = sigKey.slice(0, sigKey.length - "CLNSIG".length);
    const revText = info(`${prefix}CLNREVSTAT`);
    const reviewStatus = revText === undefined ? undefined : normaliseClinVarText(revText);
    if (significance !== "") {
      return {
        significance,
        ...(reviewStatus ? { reviewStatus } : {}),
        source: `INFO/${sigKey}`,
      };
    }
  }
  if (vepClinSig !== undefined) {
    const significance = normaliseClinVarText(vepClinSig);
    if (significance !== "") return { significance, source: "CSQ/CLIN_SIG" };
  }
  return undefined;
}

// ---- one consequence per gene --------------------------------------------------------------

/** Plain code-unit order (not locale order), so the choice is the same on every machine. */
function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function sameHgnc(a: string, b: string): boolean {
  if (a === b) return true;
  return a.replace(/^HGNC:/i, "") === b.replace(/^HGNC:/i, "");
}

function isForGene(consequence: Consequence, gene: { symbol: string; hgncId?: string }): boolean {
  if (gene.hgncId !== undefined && consequence.hgncId !== undefined) return sameHgnc(gene.hgncId, consequence.hgncId);
  const symbol = consequence.symbol;
  if (symbol === undefined) return false;
  // Exact first: case folding made two strings per comparison.
  return symbol === gene.symbol || symbol.toUpperCase() === gene.symbol.toUpperCase();
}

/**
 * One consequence per gene: MANE Select, then canonical, then most severe by SO rank; ties
 * go by transcript id, then by order in the file. The gene is matched by HGNC id when both
 * sides have one, else by symbol (alias resolution happens before this, in the matcher).
 */
export function chooseConsequence(
  consequences: readonly Consequence[],
  gene: { symbol: string; hgncId?: string },
): Consequence | undefined {
  // One pass keeping the best so far (the first wins ties, as a stable sort would): a sort with
  // a severity worked out in every comparison allocated ~0.5 KB per panel-dense record.
  let best: Consequence | undefined;
  let bestSeverity: number | undefined;
  for (const consequence of consequences) {
    if (!isForGene(consequence, gene)) continue;
    if (best === undefined) {
      best = consequence;
      continue;
    }
    // Most records carry one entry for the gene: severity is only needed from the second.
    bestSeverity ??= severity(best);
    const rank = severity(consequence);
    if (before(consequence, rank, best, bestSeverity)) {
      best = consequence;
      bestSeverity = rank;
    }
  }
  return best;
}

/** Most severe SO rank among a consequence's terms. */
function severity(c: Consequence): number {
  let rank = soRank(c.terms[0] ?? "");
  for (const term of c.terms) rank = Math.min(rank, soRank(term));
  return rank;
}

/** MANE Select, then canonical, then most severe, then transcript id; strictly before. */
function before(x: Consequence, xSeverity: number, y: Consequence, ySeverity: number): boolean {
  const mane = Number(x.maneSelect !== undefined) - Number(y.maneSelect !== undefined);
  if (mane !== 0) return mane > 0;
  const canonical = Number(x.canonical === true) - Number(y.canonical === true);
  if (canonical !== 0) return canonical > 0;
  if (xSeverity !== ySeverity) return xSeverity < ySeverity;
  return compareText(x.transcript, y.transcript) < 0;
}
