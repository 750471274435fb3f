/**
 * A symbolic deletion or duplication read against a gene's MANE Select model: which exons it
 * covers (VEP's `exon` notation, `2-5/11`) and whether it takes the whole transcript. Terms follow
 * VEP's structural-variant consequences: `transcript_ablation` / `transcript_amplification` for the
 * whole transcript, `feature_truncation` / `feature_elongation` for part of it, with the parts it
 * touches (coding sequence, UTR, intron). A partial deletion's effect on the reading frame is not
 * judged here: it reads `coding_sequence_variant`, not loss of function.
 */
import { soRank } from "../normalize/so-terms.js";
import { FLANK, type PredictedConsequence } from "./consequence.js";
import type { TranscriptModel } from "./model.js";

/** The deleted or duplicated bases [start, end] of a symbolic DEL/DUP, or undefined for other SVs. */
export function svExtent(pos: number, end: number, svType: string | undefined): { start: number; end: number; gain: boolean } | undefined {
  if (svType === undefined || end <= pos) return undefined;
  const type = svType.toUpperCase();
  // VCF: POS is the base before the event (the padding base), END its last base.
  if (type === "DEL") return { start: pos + 1, end, gain: false };
  if (type === "DUP" || type === "DUP:TANDEM") return { start: pos + 1, end, gain: true };
  return undefined;
}

/** The consequence of a deletion (gain false) or duplication of [start, end] on a model; undefined beyond its flanks. */
export function predictSvConsequence(
  model: TranscriptModel,
  extent: { start: number; end: number; gain: boolean },
): PredictedConsequence | undefined {
  const { exons, strand } = model;
  const { start: txStart, end: txEnd } = model.span;
  if (extent.end < txStart - FLANK || extent.start > txEnd + FLANK) return undefined;
  const transcript = model.refseq;
  const terms = new Set<string>();
  const covered = exons.map((e, i) => (e.start <= extent.end && extent.start <= e.end ? i + 1 : 0)).filter((n) => n > 0);
  const exonText =
    covered.length === 0
      ? undefined
      : covered.length === 1
        ? `${covered[0]}/${exons.length}`
        : `${covered[0]}-${covered.at(-1)}/${exons.length}`;
  if (extent.start <= txStart && extent.end >= txEnd) {
    terms.add(extent.gain ? "transcript_amplification" : "transcript_ablation");
  } else if (extent.end < txStart || extent.start > txEnd) {
    const fivePrime = strand === 1 ? extent.end < txStart : extent.start > txEnd;
    terms.add(fivePrime ? "upstream_gene_variant" : "downstream_gene_variant");
  } else {
    terms.add(extent.gain ? "feature_elongation" : "feature_truncation");
    const cdsLo = model.cds ? Math.min(model.cds.start, model.cds.end) : undefined;
    const cdsHi = model.cds ? Math.max(model.cds.start, model.cds.end) : undefined;
    for (const n of covered) {
      const e = exons[n - 1]!;
      const lo = Math.max(e.start, extent.start);
      const hi = Math.min(e.end, extent.end);
      if (cdsLo === undefined || cdsHi === undefined) {
        terms.add("non_coding_transcript_exon_variant");
        continue;
      }
      if (hi >= cdsLo && lo <= cdsHi) terms.add("coding_sequence_variant");
      if (lo < cdsLo) terms.add(strand === 1 ? "5_prime_UTR_variant" : "3_prime_UTR_variant");
      if (hi > cdsHi) terms.add(strand === 1 ? "3_prime_UTR_variant" : "5_prime_UTR_variant");
    }
    // Any intron base inside the extent.
    const inIntron = exons.some((e, i) => {
      const next = exons[i + 1];
      if (!next) return false;
      const gapLo = Math.min(e.end, next.end) + 1;
      const gapHi = Math.max(e.start, next.start) - 1;
      return gapLo <= gapHi && gapLo <= extent.end && extent.start <= gapHi;
    });
    if (inIntron) terms.add("intron_variant");
  }
  const list = [...terms].sort((a, b) => soRank(a) - soRank(b));
  return {
    terms: list,
    impact: list.some((t) => t === "transcript_ablation" || t === "transcript_amplification" || t.startsWith("feature_"))
      ? "HIGH"
      : "MODIFIER",
    transcript,
    ...(exonText ? { exon: exonText } : {}),
  };
}
