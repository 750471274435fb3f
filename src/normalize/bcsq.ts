/**
 * bcftools csq `BCSQ`. Entries carry no allele column; the ALT is read from `dna_change`
 * (`69428T>G`, `121028CTA>C`, `…+…` for compound variants). `@POS` entries only point at the
 * record that holds a compound consequence, so they add nothing here. `amino_acid_change`
 * and `dna_change` are bcftools notation, not HGVS; they are kept as written in hgvsp/hgvsc.
 */
import type { Consequence } from "../model.js";
import { strip } from "./csq.js";
import { impactOf, orderTerms } from "./so-terms.js";

/** bcftools' field order, used when the header does not spell it out. */
export const BCSQ_DEFAULT_FIELDS: readonly string[] = [
  "Consequence",
  "gene",
  "transcript",
  "biotype",
  "strand",
  "amino_acid_change",
  "dna_change",
];

/** ALTs (1-based) a `dna_change` names: each `+` part ends in `REF>ALT`. */
function owners(dnaChange: string, ref: string, alts: readonly string[]): number[] {
  const found = new Set<number>();
  for (const part of dnaChange.split("+")) {
    const match = /^\d*([A-Za-z]+)>([A-Za-z]+)$/.exec(part.trim());
    if (match === null) continue;
    const [, from = "", to = ""] = match;
    alts.forEach((alt, i) => {
      const sameRef = from.toUpperCase() === ref.toUpperCase();
      if (sameRef && to.toUpperCase() === alt.toUpperCase()) found.add(i + 1);
    });
  }
  return [...found];
}

/** Read one BCSQ value for the ALT at `altIndex` (1-based). */
export function readBcsq(
  value: string,
  fields: readonly string[],
  ref: string,
  alts: readonly string[],
  altIndex: number,
  problems: string[],
  maxEntries: number,
): Consequence[] {
  const index = new Map<string, number>(fields.map((name, i) => [name.toLowerCase(), i]));
  const realAlts = alts.filter((alt) => alt !== "*").length;
  const consequences: Consequence[] = [];
  const entries = value.split(",");
  if (entries.length > maxEntries) problems.push(`BCSQ has ${entries.length} entries; read the first ${maxEntries}`);
  entries.slice(0, maxEntries).forEach((entry, n) => {
    if (entry.startsWith("@")) return;
    const raw = entry.split("|");
    const get = (name: string): string | undefined => {
      const at = index.get(name.toLowerCase());
      const text = at === undefined ? undefined : raw[at];
      return text === undefined || text === "" ? undefined : text;
    };
    const dnaChange = get("dna_change");
    if (dnaChange === undefined) {
      // Region-level entries (intron, non_coding, UTR) name no allele; they hold for each ALT.
      if (alts[altIndex - 1] === "*") return;
      if (realAlts > 1 && altIndex === alts.findIndex((alt) => alt !== "*") + 1) {
        problems.push(`BCSQ entry ${n + 1} names no allele; applied to every ALT`);
      }
    } else {
      const who = owners(dnaChange, ref, alts);
      if (who.length === 0 && alts.length === 1) who.push(1);
      if (who.length === 0) problems.push(`BCSQ entry ${n + 1}: dna_change ${JSON.stringify(dnaChange)} matches no ALT`);
      if (!who.includes(altIndex)) return;
    }
    const terms = orderTerms((get("Consequence") ?? "").split("&"), "BCSQ");
    consequences.push(
      strip({
        source: "BCSQ",
        symbol: get("gene"),
        terms,
        impact: impactOf(terms),
        transcript: get("transcript"),
        biotype: get("biotype"),
        hgvsc: dnaChange,
        hgvsp: get("amino_acid_change"),
      }),
    );
  });
  return consequences;
}
