/**
 * Ensembl VEP `CSQ`: field order from the header, entries per ALT, percent escapes undone.
 * VEP writes one entry per (allele, feature); this module keeps the entries of one ALT.
 */
import type { Consequence } from "../model.js";
import { type Impact, orderTerms } from "./so-terms.js";

/** What a VEP entry contributes besides its consequence: frequencies and ClinVar text, by field. */
export interface VepExtras {
  /** `[field, value]` for frequency fields with a value, from the first entry that has one. */
  readonly frequencies: (readonly [string, string])[];
  clinSig?: string;
}

/** Field names from a VEP header Description (`… Format: Allele|Consequence|…`), or undefined. */
export function readVepFormat(description: string | undefined): string[] | undefined {
  const at = description?.search(/Format:\s*/i) ?? -1;
  if (description === undefined || at < 0) return undefined;
  const list = description
    .slice(at)
    .replace(/^Format:\s*/i, "")
    .trim();
  const fields = list.split("|").map((field) => field.trim());
  return fields.includes("Allele") || fields.includes("Consequence") ? fields : undefined;
}

/**
 * Undo VEP's percent escapes (`%3B` `%3D` `%2C` `%7C` `%25` …). A lone `%` that starts no valid
 * escape stays as written rather than failing the record.
 */
export function percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

function isSequence(allele: string): boolean {
  return /^[A-Za-z]+$/.test(allele);
}

/**
 * The `Allele` text VEP writes for each ALT. VEP drops the first base of every allele when REF
 * and all sequence ALTs share it (`AT>A` gives `-`, `A>AT` gives `T`); with mixed first bases
 * (`G>C,GC`) nothing is trimmed. `*` and symbolic ALTs take no part in that decision.
 */
export function vepAlleles(ref: string, alts: readonly string[]): string[] {
  const first = ref.charAt(0).toUpperCase();
  const sequences = alts.filter(isSequence);
  const trims = first !== "" && sequences.length > 0 && sequences.every((alt) => alt.charAt(0).toUpperCase() === first);
  return alts.map((alt) => (trims && isSequence(alt) ? alt.slice(1) || "-" : alt));
}

/**
 * Which ALT (1-based) a VEP `Allele` belongs to, or 0 when none. Tries VEP's own trimming
 * first, then the untrimmed ALT, then the ALT minus its first base, so files written by VEP
 * versions that trim differently still match; an ambiguous fallback matches nothing.
 */
export function matchVepAllele(allele: string, ref: string, alts: readonly string[]): number {
  if (alts.length === 1) return 1;
  const wanted = allele.toUpperCase();
  const forms: ((alt: string, index: number) => string)[] = [
    (_, index) => vepAlleles(ref, alts)[index] ?? "",
    (alt) => alt,
    (alt) => (alt.charAt(0).toUpperCase() === ref.charAt(0).toUpperCase() ? alt.slice(1) || "-" : ""),
  ];
  for (const form of forms) {
    const hits = alts.flatMap((alt, index) => (form(alt, index).toUpperCase() === wanted ? [index + 1] : []));
    if (hits.length === 1) return hits[0] ?? 0;
    if (hits.length > 1) return 0;
  }
  return 0;
}

const FREQUENCY_FIELDS = /^(MAX_AF|AF|gnomAD[eg]?_AF|gnomAD.*popmax.*|AF_popmax)$/i;
const IMPACTS = new Set<string>(["HIGH", "MODERATE", "LOW", "MODIFIER"]);

function hgncId(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  return /^\d+$/.test(value) ? `HGNC:${value}` : value;
}

/**
 * Read one CSQ value (the text after `CSQ=`) for the ALT at `altIndex` (1-based).
 * `problems` collects what could not be read, with the entry number.
 */
export function readVep(
  value: string,
  fields: readonly string[],
  ref: string,
  alts: readonly string[],
  altIndex: number,
  problems: string[],
  maxEntries: number,
): { consequences: Consequence[]; extras: VepExtras } {
  const index = new Map<string, number>();
  fields.forEach((name, i) => {
    if (!index.has(name.toLowerCase())) index.set(name.toLowerCase(), i);
  });
  const consequences: Consequence[] = [];
  const extras: VepExtras = { frequencies: [] };
  const seenFrequency = new Set<string>();
  const entries = value.split(",");
  if (entries.length > maxEntries) problems.push(`CSQ has ${entries.length} entries; read the first ${maxEntries}`);
  entries.slice(0, maxEntries).forEach((entry, n) => {
    const raw = entry.split("|");
    if (raw.length !== fields.length) {
      problems.push(`CSQ entry ${n + 1} has ${raw.length} fields, header declares ${fields.length}`);
    }
    const get = (name: string): string | undefined => {
      const at = index.get(name.toLowerCase());
      const text = at === undefined ? undefined : raw[at];
      return text === undefined || text === "" ? undefined : percentDecode(text);
    };
    const alleleNum = get("ALLELE_NUM");
    const owner = alleleNum !== undefined && /^\d+$/.test(alleleNum) ? Number(alleleNum) : matchVepAllele(get("Allele") ?? "", ref, alts);
    if (owner === 0) problems.push(`CSQ entry ${n + 1}: Allele ${JSON.stringify(get("Allele") ?? "")} matches no single ALT`);
    if (owner !== altIndex) return;

    const impact = get("IMPACT");
    const mane = get("MANE_SELECT") ?? get("MANE");
    const canonical = get("CANONICAL");
    consequences.push(
      strip({
        source: "VEP",
        symbol: get("SYMBOL"),
        hgncId: hgncId(get("HGNC_ID")),
        geneId: get("Gene"),
        terms: orderTerms((get("Consequence") ?? "").split("&"), "VEP"),
        impact: impact !== undefined && IMPACTS.has(impact) ? (impact as Impact) : undefined,
        transcript: get("Feature"),
        biotype: get("BIOTYPE"),
        canonical: canonical === undefined ? undefined : /^(YES|1|true)$/i.test(canonical),
        maneSelect: mane,
        hgvsc: get("HGVSc"),
        hgvsp: get("HGVSp"),
        exon: get("EXON"),
        intron: get("INTRON"),
      }),
    );
    fields.forEach((name, i) => {
      const text = raw[i];
      if (!FREQUENCY_FIELDS.test(name) || text === undefined || text === "" || seenFrequency.has(name)) return;
      seenFrequency.add(name);
      extras.frequencies.push([name, percentDecode(text)]);
    });
    extras.clinSig ??= get("CLIN_SIG");
  });
  return { consequences, extras };
}

/** Drop undefined members so results compare and serialise cleanly. */
export function strip<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
