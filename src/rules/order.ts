/**
 * Deterministic finding order (DESIGN §3.6): no locale, no input order, so reports are
 * byte-identical across machines.
 */
import { canonicalChrom } from "../normalize/contigs.js";
import type { Finding } from "../report/schema.js";

/** 1–22, X, Y, MT, then anything else by name. */
function naturalRank(chrom: string): number {
  const c = canonicalChrom(chrom);
  if (/^\d+$/.test(c)) return Number(c);
  return c === "X" ? 23 : c === "Y" ? 24 : c === "MT" ? 25 : 26;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sample, contig order given (else natural), pos, ref, alt, rule ids, gene: no locale involved. */
export function findingOrder(contigOrder: readonly string[]): (a: Finding, b: Finding) => number {
  const given = new Map<string, number>();
  contigOrder.forEach((contig, i) => {
    if (!given.has(canonicalChrom(contig))) given.set(canonicalChrom(contig), i);
  });
  const rank = (chrom: string): number => given.get(canonicalChrom(chrom)) ?? contigOrder.length + naturalRank(chrom);
  return (a, b) =>
    compareText(a.sample, b.sample) ||
    rank(a.variant.chrom) - rank(b.variant.chrom) ||
    compareText(a.variant.chrom, b.variant.chrom) ||
    a.variant.pos - b.variant.pos ||
    compareText(a.variant.ref, b.variant.ref) ||
    compareText(a.variant.alt, b.variant.alt) ||
    compareText(a.ruleIds.join(","), b.ruleIds.join(",")) ||
    compareText(a.gene.symbol, b.gene.symbol);
}
