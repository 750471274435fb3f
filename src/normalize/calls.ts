/**
 * Per-sample calls for one ALT: genotype, zygosity, VAF and depths, each value tagged
 * with the FORMAT field it came from. Callers disagree on how they store allele counts,
 * so each known convention is tried in a fixed order (documented in docs/input.md).
 */

import type { Mutable, SampleCall, Zygosity } from "../model.js";
import { BoundedMap } from "../own.js";
import { splitOn } from "../split.js";

/** FORMAT values of one sample by FORMAT key (a Map, or a view over the split column). */
export interface SampleFields {
  get(key: string): string | undefined;
  has(key: string): boolean;
  entries(): Iterable<[string, string]>;
}

export interface CallContext {
  readonly altIndex: number; // 1-based
  readonly altCount: number;
  /** The ALT allele text (Strelka SNV counts are per base: AU/CU/GU/TU). */
  readonly alt: string;
  readonly ref: string;
  /** A symbolic ALT (`<DEL>`, `<CNV>` …): only then is FORMAT/CN read. */
  readonly symbolic?: boolean;
}

/** Strips a percent sign, literal (`48.7%`) or percent-encoded (`48.74%25`, VCF 4.3 §1.2). */
function stripPercent(v: string): string {
  if (v.endsWith("%")) return v.slice(0, -1);
  if (v.endsWith("%25")) return v.slice(0, -3);
  return v;
}

function numberOf(v: string): number | undefined {
  if (v === "." || v === "") return undefined;
  const n = Number(stripPercent(v));
  return Number.isFinite(n) ? n : undefined;
}

function numbers(text: string | undefined): (number | undefined)[] | undefined {
  if (text === undefined || text === "" || text === ".") return undefined;
  return splitOn(text, ",").map(numberOf);
}

function num(text: string | undefined): number | undefined {
  const values = numbers(text);
  return values?.length === 1 ? values[0] : undefined;
}

function sum(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const v of values) {
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

interface GenotypeInfo {
  readonly alleles: readonly (number | undefined)[];
  readonly phased: boolean;
}

/**
 * Parsed genotypes by GT text: a file holds a handful of distinct GT strings, and each is read
 * twice per record (conformance check, then the call). Bounded, as the strings come from input.
 */
const genotypes = new BoundedMap<string, GenotypeInfo | undefined>(1024);

/**
 * Parses GT, including VCF 4.4 leading phase markers (`|0/1`) and haploid calls. The result is
 * shared between calls with the same text: treat it as read-only.
 */
export function parseGenotype(gt: string): GenotypeInfo | undefined {
  if (genotypes.has(gt)) return genotypes.get(gt);
  const parsed = readGenotype(gt);
  genotypes.set(gt, parsed);
  return parsed;
}

function readGenotype(gt: string): GenotypeInfo | undefined {
  if (gt === "" || gt === ".") return { alleles: [undefined], phased: false };
  let text = gt;
  let phased = false;
  if (text[0] === "|" || text[0] === "/") {
    phased = text[0] === "|";
    text = text.slice(1);
  }
  const parts = text.split(/[/|]/);
  if (text.includes("|")) phased = true;
  const alleles: (number | undefined)[] = [];
  for (const part of parts) {
    if (part === ".") alleles.push(undefined);
    else if (/^\d+$/.test(part)) alleles.push(Number(part));
    else return undefined;
  }
  return { alleles, phased };
}

function zygosityOf(gt: GenotypeInfo, altIndex: number): Zygosity | undefined {
  // Counted in one pass, without the filtered copies (once per call of every panel record).
  let called = 0;
  let copies = 0;
  let other = 0;
  let first: number | undefined;
  for (const a of gt.alleles) {
    if (a === undefined) continue;
    if (called++ === 0) first = a;
    if (a === altIndex) copies++;
    else if (a !== 0) other++;
  }
  if (called === 0) return "no-call";
  if (gt.alleles.length === 1) return copies === 1 ? "hemi" : first === 0 ? "hom-ref" : undefined;
  if (copies === 0) return other === 0 ? "hom-ref" : undefined;
  if (copies === gt.alleles.length) return "hom-alt";
  return "het";
}

const BASE_KEYS: Record<string, string> = { A: "AU", C: "CU", G: "GU", T: "TU" };

interface Counts {
  vaf?: number;
  vafSource?: string;
  depth?: number;
  depthSource?: string;
  altDepth?: number;
}

/**
 * VCF 4.5 local alleles: LAA lists, per sample, the 1-based ALT indices behind local alleles
 * 1..n (local 0 is always REF). Returns the global allele index of each local one, `[]` for a
 * zero-length or missing LAA (REF only), or undefined when LAA is absent or names no ALT.
 */
function localAlleles(f: SampleFields, altCount: number): number[] | undefined {
  const text = f.get("LAA");
  if (text === undefined) return undefined;
  const map = [0];
  if (text === "" || text === ".") return map;
  for (const part of text.split(",")) {
    if (!/^\d+$/.test(part)) return undefined;
    const index = Number(part);
    if (index < 1 || index > altCount) return undefined;
    map.push(index);
  }
  return map;
}

/**
 * Rewrites local fields as their global equivalents when the global ones are absent: LGT →
 * GT, LAD → AD. Alleles that are not local to the sample get depth 0: the caller kept only
 * the alleles with support in this sample (VCF 4.5 §1.6.2, "local alleles").
 */
function globalize(f: SampleFields, altCount: number): { fields: SampleFields; local: boolean } {
  if (!f.has("LAA") || (f.has("GT") && f.has("AD")) || !(f.has("LGT") || f.has("LAD"))) return { fields: f, local: false };
  const map = localAlleles(f, altCount);
  if (!map) return { fields: f, local: false };
  const out = new Map(f.entries());
  let local = false;
  const lgt = f.get("LGT");
  if (!f.has("GT") && lgt !== undefined) {
    let ok = true;
    const gt = lgt.replace(/\d+/g, (d) => {
      const global = map[Number(d)];
      if (global === undefined) ok = false;
      return String(global);
    });
    if (ok) {
      out.set("GT", gt);
      local = true;
    }
  }
  const lad = numbers(f.get("LAD"));
  if (!f.has("AD") && lad && lad.length === map.length) {
    const ad: (number | undefined)[] = new Array(altCount + 1).fill(0);
    for (let k = 0; k < map.length; k++) ad[map[k]!] = lad[k];
    out.set("AD", ad.map((v) => (v === undefined ? "." : String(v))).join(","));
    local = true;
  }
  return { fields: out, local };
}

/** Allele fraction and depths, from the first convention the sample's fields support. */
function readCounts(f: SampleFields, c: CallContext, adSource = "FORMAT/AD"): Counts {
  const a = c.altIndex;
  const ad = numbers(f.get("AD"));
  // AD per allele (Number=R, also when a header mis-declares it Number=G or Number=.). A
  // missing count of another ALT ("." where bcftools expands local alleles) counts as 0 reads;
  // REF and this ALT must be there.
  if (ad && ad.length === c.altCount + 1 && ad[0] !== undefined && ad[a] !== undefined) {
    let total = 0;
    for (const v of ad) total += v ?? 0;
    const alt = ad[a];
    if (alt !== undefined) {
      return {
        altDepth: alt,
        depth: total,
        depthSource: adSource,
        vaf: total > 0 ? alt / total : undefined,
        vafSource: total > 0 ? adSource : undefined,
      };
    }
  }
  // VarScan: AD is the alt depth alone, RD the reference depth, FREQ a percentage.
  const rd = num(f.get("RD"));
  if (ad && ad.length === 1 && rd !== undefined && ad[0] !== undefined) {
    const total = rd + ad[0];
    const freq = f.get("FREQ");
    const vaf = freq ? num(freq) : undefined;
    return {
      altDepth: ad[0],
      depth: total,
      depthSource: "FORMAT/RD+AD",
      vaf: vaf !== undefined ? vaf / 100 : total > 0 ? ad[0] / total : undefined,
      vafSource: vaf !== undefined ? "FORMAT/FREQ" : "FORMAT/RD+AD",
    };
  }
  // freebayes: AO per ALT, RO reference.
  const ao = numbers(f.get("AO"));
  const ro = num(f.get("RO"));
  if (ao && ao.length === c.altCount && ro !== undefined) {
    const aoSum = sum(ao);
    const alt = ao[a - 1];
    if (aoSum !== undefined && alt !== undefined) {
      const total = ro + aoSum;
      return {
        altDepth: alt,
        depth: total,
        depthSource: "FORMAT/RO+AO",
        vaf: total > 0 ? alt / total : undefined,
        vafSource: "FORMAT/AO+RO",
      };
    }
  }
  // Ion Torrent flow-corrected counts.
  const fao = numbers(f.get("FAO"));
  const fdp = num(f.get("FDP"));
  if (fao && fao.length === c.altCount && fdp !== undefined && fao[a - 1] !== undefined) {
    const alt = fao[a - 1]!;
    return { altDepth: alt, depth: fdp, depthSource: "FORMAT/FDP", vaf: fdp > 0 ? alt / fdp : undefined, vafSource: "FORMAT/FAO+FDP" };
  }
  // Strelka2 somatic SNVs: tier-1 counts per base (AU/CU/GU/TU, Number=2).
  if (c.ref.length === 1 && c.alt.length === 1 && f.has("AU") && f.has("TU")) {
    const tier1 = (base: string) => numbers(f.get(BASE_KEYS[base.toUpperCase()] ?? ""))?.[0];
    const bases = ["A", "C", "G", "T"].map(tier1);
    const total = sum(bases);
    const alt = tier1(c.alt);
    if (total !== undefined && alt !== undefined) {
      return {
        altDepth: alt,
        depth: total,
        depthSource: "FORMAT/AU+CU+GU+TU",
        vaf: total > 0 ? alt / total : undefined,
        vafSource: "FORMAT/AU+CU+GU+TU (tier 1)",
      };
    }
  }
  // Strelka2 somatic indels: TAR/TIR tier-1.
  const tar = numbers(f.get("TAR"))?.[0];
  const tir = numbers(f.get("TIR"))?.[0];
  if (tar !== undefined && tir !== undefined) {
    const total = tar + tir;
    return {
      altDepth: tir,
      depth: total,
      depthSource: "FORMAT/TAR+TIR",
      vaf: total > 0 ? tir / total : undefined,
      vafSource: "FORMAT/TIR+TAR (tier 1)",
    };
  }
  // samtools DP4: ref-fwd, ref-rev, alt-fwd, alt-rev (biallelic only).
  const dp4 = numbers(f.get("DP4"));
  if (dp4 && dp4.length === 4 && c.altCount === 1) {
    const total = sum(dp4);
    if (total !== undefined) {
      const alt = dp4[2]! + dp4[3]!;
      return { altDepth: alt, depth: total, depthSource: "FORMAT/DP4", vaf: total > 0 ? alt / total : undefined, vafSource: "FORMAT/DP4" };
    }
  }
  const dp = num(f.get("DP"));
  const depth: Counts = dp !== undefined ? { depth: dp, depthSource: "FORMAT/DP" } : {};
  // Mutect2/VarDict: AF per ALT (Number=A).
  const af = numbers(f.get("AF"));
  if (af && af.length === c.altCount && af[a - 1] !== undefined) {
    const vd = num(f.get("VD"));
    return { ...depth, vaf: af[a - 1], vafSource: "FORMAT/AF", ...(vd !== undefined ? { altDepth: vd } : {}) };
  }
  const freq = f.get("FREQ");
  if (freq !== undefined && num(freq) !== undefined) {
    return { ...depth, vaf: num(freq)! / 100, vafSource: "FORMAT/FREQ" };
  }
  // VarDict without AF: VD over DP.
  const vd = num(f.get("VD"));
  if (vd !== undefined && dp !== undefined) {
    return { ...depth, altDepth: vd, vaf: dp > 0 ? vd / dp : undefined, vafSource: "FORMAT/VD+DP" };
  }
  return depth;
}

/** Builds the call of one sample for one ALT allele. */
export function readCall(sample: string, sampleFields: SampleFields, context: CallContext): SampleCall {
  const { fields, local } = globalize(sampleFields, context.altCount);
  const gtText = fields.get("GT");
  const gt = gtText !== undefined ? parseGenotype(gtText) : undefined;
  const counts = readCounts(fields, context, local && !sampleFields.has("AD") ? "FORMAT/LAD+LAA" : "FORMAT/AD");
  const vaf = counts.vaf !== undefined && counts.vaf >= 0 && counts.vaf <= 1 ? Math.round(counts.vaf * 10000) / 10000 : undefined;
  // Members in a fixed order, each only when known (assigned, not spread: once per sample and ALT).
  const call: Mutable<SampleCall> = { sample };
  if (gtText !== undefined) call.genotype = gtText;
  if (gt && gt.alleles.length > 1) call.phased = gt.phased;
  if (gt) call.zygosity = zygosityOf(gt, context.altIndex);
  if (vaf !== undefined) {
    call.vaf = vaf;
    call.vafSource = counts.vafSource;
  }
  if (counts.depth !== undefined) {
    call.depth = counts.depth;
    call.depthSource = counts.depthSource;
  }
  if (counts.altDepth !== undefined) call.altDepth = counts.altDepth;
  // Only a symbolic allele can carry a copy number (reading CN costs nothing on other records).
  if (context.symbolic) {
    const cn = fields.get("CN");
    if (cn !== undefined && /^\d+$/.test(cn)) call.copyNumber = Number(cn);
  }
  return call;
}

/** Does this call show the ALT at all (genotype, or reads when the genotype is missing)? */
export function carriesAllele(call: SampleCall): boolean {
  if (call.zygosity === "het" || call.zygosity === "hom-alt" || call.zygosity === "hemi") return true;
  if (call.zygosity === "hom-ref") return false;
  if (call.altDepth !== undefined) return call.altDepth > 0;
  if (call.vaf !== undefined) return call.vaf > 0;
  return call.zygosity === undefined && call.genotype === undefined;
}
