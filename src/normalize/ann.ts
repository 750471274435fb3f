/**
 * SnpEff `ANN` (the VCF annotation standard) and SnpEff's legacy `EFF`. SnpEff writes the ALT
 * as it stands in the VCF, so alleles are compared whole; cancer-mode entries (`G-C`: ALT G
 * against ALT C) describe a comparison between ALTs, not one ALT, and are left out.
 */
import type { Consequence } from "../model.js";
import { strip } from "./csq.js";
import { type Impact, orderTerms } from "./so-terms.js";

/** SnpEff's ANN field order, used when the header does not spell it out. */
export const ANN_DEFAULT_FIELDS: readonly string[] = [
  "Allele",
  "Annotation",
  "Annotation_Impact",
  "Gene_Name",
  "Gene_ID",
  "Feature_Type",
  "Feature_ID",
  "Transcript_BioType",
  "Rank",
  "HGVS.c",
  "HGVS.p",
  "cDNA.pos / cDNA.length",
  "CDS.pos / CDS.length",
  "AA.pos / AA.length",
  "Distance",
  "ERRORS / WARNINGS / INFO",
];

const IMPACTS = new Set<string>(["HIGH", "MODERATE", "LOW", "MODIFIER"]);

function impactOf(text: string | undefined): Impact | undefined {
  return text !== undefined && IMPACTS.has(text) ? (text as Impact) : undefined;
}

function blank(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

/** Field names from the quoted list in an ANN or EFF Description, or undefined. */
export function readSnpEffFormat(description: string | undefined, kind: "ANN" | "EFF"): string[] | undefined {
  if (description === undefined) return undefined;
  const list = kind === "ANN" ? /'([^']*)'/.exec(description)?.[1] : /\(([^)]*)\)/.exec(description)?.[1];
  if (list === undefined || !list.includes("|")) return undefined;
  return list.split("|").map((name) => name.replace(/[[\]]/g, "").trim());
}

/** Which ALT (1-based) an ANN/EFF allele names, or 0. A lone ALT owns an empty allele. */
function owner(allele: string | undefined, alts: readonly string[]): number {
  if (allele === undefined) return alts.length === 1 ? 1 : 0;
  if (/^\d+$/.test(allele)) return Number(allele);
  const wanted = allele.toUpperCase();
  return alts.findIndex((alt) => alt.toUpperCase() === wanted) + 1;
}

function isCancerPair(allele: string | undefined, alts: readonly string[]): boolean {
  if (allele === undefined || !allele.includes("-")) return false;
  const parts = allele.split("-");
  return parts.length === 2 && parts.every((part) => alts.some((alt) => alt.toUpperCase() === part.toUpperCase()));
}

/** Exon or intron from SnpEff's `Rank` (`4/11`), depending on where the effect lies. */
function rank(text: string | undefined, terms: readonly string[]): Pick<Consequence, "exon" | "intron"> {
  if (text === undefined) return {};
  return terms.some((term) => term.includes("intron")) ? { intron: text } : { exon: text };
}

/** Read one ANN value for the ALT at `altIndex` (1-based). */
export function readAnn(
  value: string,
  fields: readonly string[],
  alts: readonly string[],
  altIndex: number,
  problems: string[],
  maxEntries: number,
): Consequence[] {
  const index = new Map<string, number>(fields.map((name, i) => [name.toLowerCase(), i]));
  const consequences: Consequence[] = [];
  const entries = value.split(",");
  if (entries.length > maxEntries) problems.push(`ANN has ${entries.length} entries; read the first ${maxEntries}`);
  entries.slice(0, maxEntries).forEach((entry, n) => {
    const raw = entry.split("|");
    const get = (name: string): string | undefined => {
      const at = index.get(name.toLowerCase());
      return blank(at === undefined ? undefined : raw[at]);
    };
    const allele = get("Allele");
    if (isCancerPair(allele, alts)) return;
    const who = owner(allele, alts);
    if (who === 0) problems.push(`ANN entry ${n + 1}: Allele ${JSON.stringify(allele ?? "")} matches no ALT`);
    if (who !== altIndex) return;
    // Older SnpEff joined effects with '+', newer with '&'.
    const terms = orderTerms((get("Annotation") ?? "").split(/[&+]/), "SnpEff");
    consequences.push(
      strip({
        source: "SnpEff",
        symbol: get("Gene_Name"),
        geneId: get("Gene_ID"),
        terms,
        impact: impactOf(get("Annotation_Impact")),
        transcript: get("Feature_ID"),
        biotype: get("Transcript_BioType"),
        hgvsc: get("HGVS.c"),
        hgvsp: get("HGVS.p"),
        ...rank(get("Rank"), terms),
      }),
    );
  });
  return consequences;
}

/** Split `A(x|y),B(z)` at top-level commas only. */
function splitEffects(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/**
 * EFF layouts differ by SnpEff version: with `Amino_Acid_length` (and `Genotype_Number`) or
 * without. The header says which; a file without the header is told apart by the fifth field,
 * which is a protein length (digits or empty) only in the longer layout.
 */
function effFields(declared: readonly string[] | undefined, raw: readonly string[]): readonly string[] {
  if (declared !== undefined) return declared;
  const long = raw.length >= 10 && /^\d*$/.test(raw[4] ?? "");
  return long
    ? [
        "Effect_Impact",
        "Functional_Class",
        "Codon_Change",
        "Amino_Acid_Change",
        "Amino_Acid_Length",
        "Gene_Name",
        "Transcript_BioType",
        "Gene_Coding",
        "Transcript_ID",
        "Exon_Rank",
        "Genotype_Number",
        "ERRORS",
        "WARNINGS",
      ]
    : [
        "Effect_Impact",
        "Functional_Class",
        "Codon_Change",
        "Amino_Acid_Change",
        "Gene_Name",
        "Transcript_BioType",
        "Gene_Coding",
        "Transcript_ID",
        "Exon",
        "ERRORS",
        "WARNINGS",
      ];
}

/** Read one legacy EFF value for the ALT at `altIndex` (1-based). */
export function readEff(
  value: string,
  declared: readonly string[] | undefined,
  alts: readonly string[],
  altIndex: number,
  problems: string[],
  maxEntries: number,
): Consequence[] {
  const consequences: Consequence[] = [];
  const entries = splitEffects(value);
  if (entries.length > maxEntries) problems.push(`EFF has ${entries.length} entries; read the first ${maxEntries}`);
  entries.slice(0, maxEntries).forEach((entry, n) => {
    const match = /^([^(]*)\((.*)\)$/s.exec(entry.trim());
    if (match === null) {
      problems.push(`EFF entry ${n + 1} is not of the form EFFECT(…)`);
      return;
    }
    const raw = (match[2] ?? "").split("|");
    const fields = effFields(declared, raw);
    const index = new Map<string, number>(fields.map((name, i) => [name.toLowerCase(), i]));
    const get = (...names: string[]): string | undefined => {
      for (const name of names) {
        const at = index.get(name.toLowerCase());
        const text = blank(at === undefined ? undefined : raw[at]);
        if (text !== undefined) return text;
      }
      return undefined;
    };
    const genotype = get("Genotype_Number", "Genotype");
    if (isCancerPair(genotype, alts)) return;
    const who = genotype === undefined ? (alts.length === 1 ? 1 : 0) : owner(genotype, alts);
    if (who === 0) problems.push(`EFF entry ${n + 1}: genotype ${JSON.stringify(genotype ?? "")} matches no single ALT`);
    if (who !== altIndex) return;
    const terms = orderTerms((match[1] ?? "").split(/[&+]/), "EFF");
    // Newer EFF puts "p.X/c.Y" in the amino-acid field; older ones a bare "R882C".
    const change = get("Amino_Acid_Change", "Amino_Acid_change") ?? "";
    const parts = change.split("/");
    const hgvsp = parts.find((part) => part.startsWith("p.")) ?? (change.startsWith("c.") ? undefined : blank(change));
    const hgvsc = parts.find((part) => part.startsWith("c."));
    consequences.push(
      strip({
        source: "SnpEff",
        symbol: get("Gene_Name"),
        terms,
        impact: impactOf(get("Effect_Impact")),
        transcript: get("Transcript_ID"),
        biotype: get("Transcript_BioType"),
        hgvsc,
        hgvsp,
        ...rank(get("Exon_Rank", "Exon"), terms),
      }),
    );
  });
  return consequences;
}
