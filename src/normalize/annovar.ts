/**
 * ANNOVAR `table_annovar.pl -vcfinput` columns: `Func.<db>`, `Gene.<db>`, `ExonicFunc.<db>`,
 * `AAChange.<db>` for db = refGene, knownGene, ensGene…, with `\x3b`-style escapes. Multi-allelic
 * records carry one `ANNOVAR_DATE … ALLELE_END` block per ALT; the caller hands us this ALT's view.
 * `AAChange` text (`c.C2023T`, `p.R675W`) is ANNOVAR's notation, kept as written.
 */
import type { Consequence } from "../model.js";
import { strip } from "./csq.js";
import { impactOf, orderTerms } from "./so-terms.js";

/** Undo ANNOVAR's `\xNN` escapes (`\x3b` is `;`, `\x3d` is `=`). */
export function unescapeAnnovar(text: string): string {
  return text.replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function values(text: string | undefined, separators: RegExp): string[] {
  if (text === undefined) return [];
  return unescapeAnnovar(text)
    .split(separators)
    .map((part) => part.trim())
    .filter((part) => part !== "" && part !== "." && part !== "NONE" && part !== "unknown");
}

/** ensGene columns name genes by Ensembl id, refGene and knownGene by symbol. */
function gene(name: string | undefined): Pick<Consequence, "symbol" | "geneId"> {
  if (name === undefined || name === "") return {};
  return /^ENS[A-Z]*G\d+/.test(name) ? { geneId: name } : { symbol: name };
}

/**
 * Consequences from one gene database's columns. `get` returns this ALT's raw INFO value for
 * a key. With AAChange there is one consequence per transcript; otherwise one per gene named,
 * paired with its `Func` part when ANNOVAR lists as many of each (`upstream;downstream`).
 */
export function readAnnovar(db: string, get: (key: string) => string | undefined): Consequence[] {
  const funcs = values(get(`Func.${db}`), /;/);
  const exonic = values(get(`ExonicFunc.${db}`), /;/);
  const genes = values(get(`Gene.${db}`), /[;,]/);
  const changes = values(get(`AAChange.${db}`), /,/);
  const splicing = funcs.filter((func) => func.includes("splicing"));

  if (changes.length > 0) {
    const terms = orderTerms([...exonic, ...splicing], "ANNOVAR");
    return changes.map((change) => {
      const [symbol, transcript, exon, hgvsc, hgvsp] = change.split(":");
      return strip({
        source: "ANNOVAR",
        ...gene(symbol),
        terms,
        impact: impactOf(terms),
        transcript: transcript || undefined,
        exon: exon?.replace(/^exon/, "") || undefined,
        hgvsc: hgvsc || undefined,
        hgvsp: hgvsp || undefined,
      });
    });
  }
  if (funcs.length === 0) return [];
  // An intergenic call names the flanking genes, not a gene the variant lies in.
  if (funcs.every((func) => func === "intergenic")) {
    const terms = orderTerms(funcs, "ANNOVAR");
    return [{ source: "ANNOVAR", terms, impact: impactOf(terms) }];
  }
  const paired = funcs.length > 1 && funcs.length === genes.length;
  return genes.map((symbol, i) => {
    const own = paired ? [funcs[i] ?? ""] : funcs;
    const named = own.flatMap((func) => (func === "exonic" && exonic.length > 0 ? exonic : [func]));
    const terms = orderTerms(named, "ANNOVAR");
    return strip({ source: "ANNOVAR", ...gene(symbol), terms, impact: impactOf(terms) });
  });
}
