/**
 * The builtin consequence of a hit, for a variant whose file carries no annotation of its gene
 * (or when the run asks for the model's): one Consequence on the gene's MANE Select model; for a
 * symbolic DEL/DUP, the exons it covers.
 */
import type { Assembly, Consequence, Hit } from "../model.js";
import { svTypeOf } from "../rules/evaluate.js";
import { type PredictedConsequence, predictConsequence, type TranscriptSequence } from "./consequence.js";
import { transcriptModel } from "./index.js";
import { predictSvConsequence, svExtent } from "./sv.js";

/** The model's consequence for the hit's variant, or undefined (no model, an SV, or beyond the flanks). */
export function builtinConsequence(hit: Hit, assembly: Assembly, sequence?: TranscriptSequence): Consequence | undefined {
  const { variant } = hit;
  if (variant.kind === "breakend") return undefined;
  const model = transcriptModel(hit.gene.symbol, assembly);
  if (!model) return undefined;
  let predicted: PredictedConsequence | undefined;
  if (variant.kind === "sv") {
    // A symbolic DEL/DUP: the exons it covers; other structural records get no builtin consequence.
    const extent = svExtent(variant.pos, variant.end, svTypeOf(variant.alt, variant.info.SVTYPE));
    predicted = extent ? predictSvConsequence(model, extent) : undefined;
  } else predicted = predictConsequence(model, variant.pos, variant.ref, variant.alt, sequence);
  if (!predicted) return undefined;
  return {
    source: "builtin",
    symbol: hit.gene.symbol,
    hgncId: hit.gene.hgncId,
    terms: predicted.terms,
    impact: predicted.impact,
    transcript: predicted.transcript,
    canonical: true,
    maneSelect: model.refseq,
    ...(predicted.hgvsc ? { hgvsc: predicted.hgvsc } : {}),
    ...(predicted.hgvsp ? { hgvsp: predicted.hgvsp } : {}),
    ...(predicted.exon ? { exon: predicted.exon } : {}),
    ...(predicted.intron ? { intron: predicted.intron } : {}),
  };
}
