/**
 * Contig names and assembly inference. Assembly comes from contig lengths first (the only
 * reliable evidence), then from `##reference`/`##assembly`/contig `assembly=` names; when
 * nothing decides we stop and ask rather than guess.
 */
import { MarrowscopeError } from "../errors.js";
import type { Assembly } from "../model.js";
import type { VcfHeader } from "../vcf/header.js";

/** Primary-assembly sequence lengths (GRC assembly reports GCF_000001405.25 / .39). */
const LENGTHS: Record<Assembly, ReadonlyMap<string, number>> = {
  GRCh37: new Map([
    ["1", 249250621],
    ["2", 243199373],
    ["3", 198022430],
    ["4", 191154276],
    ["5", 180915260],
    ["6", 171115067],
    ["7", 159138663],
    ["8", 146364022],
    ["9", 141213431],
    ["10", 135534747],
    ["11", 135006516],
    ["12", 133851895],
    ["13", 115169878],
    ["14", 107349540],
    ["15", 102531392],
    ["16", 90354753],
    ["17", 81195210],
    ["18", 78077248],
    ["19", 59128983],
    ["20", 63025520],
    ["21", 48129895],
    ["22", 51304566],
    ["X", 155270560],
    ["Y", 59373566],
  ]),
  GRCh38: new Map([
    ["1", 248956422],
    ["2", 242193529],
    ["3", 198295559],
    ["4", 190214555],
    ["5", 181538259],
    ["6", 170805979],
    ["7", 159345973],
    ["8", 145138636],
    ["9", 138394717],
    ["10", 133797422],
    ["11", 135086622],
    ["12", 133275309],
    ["13", 114364328],
    ["14", 107043718],
    ["15", 101991189],
    ["16", 90338345],
    ["17", 83257441],
    ["18", 80373285],
    ["19", 58617616],
    ["20", 64444167],
    ["21", 46709983],
    ["22", 50818468],
    ["X", 156040895],
    ["Y", 57227415],
  ]),
};

/**
 * hg19's chrM is the Yoruba mitochondrion (NC_001807, 16,571 bp); GRCh37's MT and GRCh38's
 * chrM are both the rCRS (NC_012920, 16,569 bp). So 16,571 says hg19, i.e. GRCh37 nuclear
 * coordinates, while 16,569 tells the two builds apart not at all.
 */
const HG19_CHRM_LENGTH = 16571;

/**
 * `chr5`/`5`/`CHR5` → `5`; `chrM`/`MT`/`M` → `MT`. Only the primary chromosomes are
 * canonicalised; anything else (alts, decoys, unplaced) is returned unchanged.
 * Note hg19's chrM (16,571 bp, NC_001807) is not GRCh37's MT (rCRS, 16,569 bp); we only
 * rename, and no panel gene lies on the mitochondrion.
 */
export function canonicalChrom(chrom: string): string {
  // Records come in runs of one contig and every stage asks again: remember the last answer.
  if (chrom === lastChrom) return lastCanonical;
  lastCanonical = canonicalOf(chrom);
  lastChrom = chrom;
  return lastCanonical;
}

let lastChrom = "";
let lastCanonical = "";

function canonicalOf(chrom: string): string {
  const bare = /^chr/i.test(chrom) ? chrom.slice(3) : chrom;
  if (/^([1-9]|1\d|2[0-2])$/.test(bare)) return bare;
  const upper = bare.toUpperCase();
  if (upper === "X" || upper === "Y") return upper;
  if (upper === "M" || upper === "MT") return "MT";
  return chrom;
}

export interface AssemblyDecision {
  readonly assembly: Assembly;
  /** Human-readable evidence, stamped on the report. */
  readonly evidence: string;
}

const NAME_PATTERNS: readonly [Assembly, RegExp][] = [
  ["GRCh38", /grch38|hg38|hs38|GCA_000001405\.(1[5-9]|2\d)|GCF_000001405\.(2[6-9]|3\d|4\d)/i],
  ["GRCh37", /grch37|hg19|hs37|b37|human_g1k_v37|GCA_000001405\.([1-9]|1[0-4])\b|GCF_000001405\.(1\d|2[0-5])\b/i],
];

function byLengths(header: VcfHeader): { assembly?: Assembly; evidence?: string; conflict?: string } {
  const votes: Record<Assembly, string[]> = { GRCh37: [], GRCh38: [] };
  for (const contig of header.contigs) {
    if (contig.length === undefined) continue;
    const name = canonicalChrom(contig.id);
    if (name === "MT" && contig.length === HG19_CHRM_LENGTH) votes.GRCh37.push(contig.id);
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      if (LENGTHS[assembly].get(name) === contig.length) votes[assembly].push(contig.id);
    }
  }
  const n37 = votes.GRCh37.length;
  const n38 = votes.GRCh38.length;
  if (n37 === 0 && n38 === 0) return {};
  if (n37 > 0 && n38 > 0) {
    return {
      conflict: `contig lengths match GRCh37 (${votes.GRCh37.slice(0, 3).join(", ")}) and GRCh38 (${votes.GRCh38.slice(0, 3).join(", ")})`,
    };
  }
  const assembly: Assembly = n38 > 0 ? "GRCh38" : "GRCh37";
  const matched = votes[assembly];
  return {
    assembly,
    evidence: `contig lengths: ${matched.length} contig(s) match ${assembly} (${matched.slice(0, 3).join(", ")}${matched.length > 3 ? ", …" : ""})`,
  };
}

function byNames(header: VcfHeader): { assembly?: Assembly; evidence?: string } {
  const candidates: [string, string | undefined][] = [
    ["##reference", header.reference],
    ["##assembly", header.assembly],
    ...header.contigs.slice(0, 1).map((c): [string, string | undefined] => ["contig assembly", c.assembly]),
  ];
  for (const [where, value] of candidates) {
    if (!value) continue;
    const hits = NAME_PATTERNS.filter(([, re]) => re.test(value));
    if (hits.length === 1) {
      const assembly = hits[0]![0];
      return { assembly, evidence: `${where} names ${assembly} (${JSON.stringify(value.slice(0, 80))})` };
    }
  }
  return {};
}

/**
 * Decides the assembly from the header, checked against the caller's choice.
 * @throws MarrowscopeError E_ASSEMBLY when nothing decides, or evidence contradicts the option
 */
export function inferAssembly(header: VcfHeader, requested: Assembly | "auto" | undefined, file: string): AssemblyDecision {
  const lengths = byLengths(header);
  const names = byNames(header);
  const inferred = lengths.assembly ? lengths : names.assembly ? names : undefined;
  if (requested && requested !== "auto") {
    if (inferred?.assembly && inferred.assembly !== requested) {
      throw new MarrowscopeError("E_ASSEMBLY", `--assembly ${requested} contradicts the header (${inferred.evidence})`, {
        file,
        field: "assembly",
      });
    }
    return { assembly: requested, evidence: inferred?.evidence ? `given, and ${inferred.evidence}` : "given by the caller" };
  }
  if (lengths.conflict && !names.assembly) {
    throw new MarrowscopeError("E_ASSEMBLY", `cannot tell the assembly: ${lengths.conflict}; pass --assembly GRCh37 or GRCh38`, {
      file,
      field: "assembly",
    });
  }
  if (inferred?.assembly && inferred.evidence) return { assembly: inferred.assembly, evidence: inferred.evidence };
  throw new MarrowscopeError(
    "E_ASSEMBLY",
    "cannot tell the assembly (no contig lengths or reference name in the header); pass --assembly GRCh37 or GRCh38",
    { file, field: "assembly" },
  );
}

/**
 * The build whose primary chromosome lengths a set of sequence lengths matches (a reference
 * FASTA's index), or undefined when neither or both fit.
 */
export function assemblyOfLengths(sizes: Readonly<Record<string, number>>): Assembly | undefined {
  const fits: Assembly[] = [];
  for (const assembly of ["GRCh37", "GRCh38"] as const) {
    let same = 0;
    let differ = 0;
    for (const [name, length] of Object.entries(sizes)) {
      const known = LENGTHS[assembly].get(canonicalChrom(name));
      if (known === undefined) continue;
      if (known === length) same++;
      else differ++;
    }
    if (same > 0 && differ === 0) fits.push(assembly);
  }
  return fits.length === 1 ? fits[0] : undefined;
}
