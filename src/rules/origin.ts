/**
 * Origin inference: germline, somatic or unknown, with every signal that was weighed written into
 * `reasons`. The first decisive signal wins, in this order: declared origin, the matched normal,
 * a common population frequency, a germline/normal sample role, a somatic-caller hint, chrX in a
 * male, then VAF bands. Every cut-off is a panel threshold read by name (see `ORIGIN_THRESHOLDS`); a VAF below
 * the germline heterozygous band reads as subclonal.
 */

import type { PatientContext } from "../context.js";
import type { Assembly, SampleCall, Variant, Zygosity } from "../model.js";
import type { Panel } from "../panel/schema.js";
import { type Band, formatBand, formatCommon, inBand, isCommon, ORIGIN_THRESHOLDS, threshold } from "./bounds.js";

export type SampleRole = "germline" | "tumor" | "normal" | "unknown";

/** What the engine knows of a sample and its run: origin inference reads it first, then the rules. */
export interface RuleContext {
  readonly panel: Panel;
  readonly assembly: Assembly;
  readonly role: SampleRole;
  /** The paired normal's call of the same variant, when the sample is a tumor of a tumor/normal pair. */
  readonly normalCall?: SampleCall;
  /** Origin declared by the caller (--origin); wins over inference. */
  readonly declaredOrigin?: "germline" | "somatic";
  /** Caller hints from the header/record: INFO SOMATIC flag, Mutect2/Strelka somatic headers. */
  readonly somaticCaller?: boolean;
  readonly sex?: "male" | "female";
  /** Patient context given with the run (age, telomere length …), for rules that name it. */
  readonly context?: PatientContext;
}

export type OriginCall = "germline" | "somatic" | "unknown";
export type OriginConfidence = "high" | "moderate" | "low";

/** What origin inference reads: the rule context's sample facts plus the variant and its call. */
export interface OriginInput extends Pick<RuleContext, "panel" | "role" | "normalCall" | "declaredOrigin" | "somaticCaller" | "sex"> {
  readonly variant: Pick<Variant, "chrom" | "populationAf">;
  readonly call: SampleCall;
  readonly onChrX: boolean;
}

export interface Origin {
  readonly call: OriginCall;
  readonly reasons: string[];
  readonly confidence: OriginConfidence;
}

/** A call and how firmly it stands; one shared object per combination (made per hit). */
export interface OriginVerdict {
  readonly call: OriginCall;
  readonly confidence: OriginConfidence;
}

const VERDICTS: Readonly<Record<OriginCall, Readonly<Record<OriginConfidence, OriginVerdict>>>> = Object.freeze({
  germline: verdicts("germline"),
  somatic: verdicts("somatic"),
  unknown: verdicts("unknown"),
});

function verdicts(call: OriginCall): Readonly<Record<OriginConfidence, OriginVerdict>> {
  return Object.freeze({
    high: Object.freeze({ call, confidence: "high" }),
    moderate: Object.freeze({ call, confidence: "moderate" }),
    low: Object.freeze({ call, confidence: "low" }),
  });
}

const CARRIES: ReadonlySet<Zygosity> = new Set(["het", "hom-alt", "hemi"]);

function vafText(vaf: number): string {
  return String(Math.round(vaf * 10000) / 10000);
}

/** Infer where a variant arose; never throws, and says "threshold missing" rather than guess. */
export function inferOrigin(input: OriginInput): Origin {
  const reasons: string[] = [];
  const { call, confidence } = decide(input, reasons);
  return { call, reasons, confidence };
}

/**
 * @internal The call alone, without writing the reasons. applyRules needs the call for every
 * hit but the reasons only for the few hits a rule matches; writing them (numbers and bands
 * formatted into sentences) was ~1 µs and ~0.6 KB per record on a panel-dense file.
 */
export function inferOriginCall(input: OriginInput): OriginVerdict {
  return decide(input, undefined);
}

/** Adds a reason when reasons are wanted. Callers write `notes && \`…\`` so nothing is formatted otherwise. */
function say(notes: string[] | undefined, reason: string | undefined): void {
  if (notes && reason !== undefined) notes.push(reason);
}

/** A panel threshold by name, noting its absence. */
function named(input: OriginInput, notes: string[] | undefined, name: string): Band | undefined {
  const band = threshold(input.panel, name);
  if (!band) say(notes, notes && `threshold missing: ${name} (panel defines none; step skipped)`);
  return band;
}

/**
 * The one decision procedure; `notes` collects the reasons, or is undefined when only the
 * call is wanted. (Written without closures: the per-call helpers and reason thunks of the
 * first version allocated ~0.5 KB per hit even when no reason was written.)
 */
function decide(input: OriginInput, notes: string[] | undefined): OriginVerdict {
  if (input.declaredOrigin) {
    say(notes, notes && `declared ${input.declaredOrigin} by the caller (--origin)`);
    return VERDICTS[input.declaredOrigin].high;
  }

  const { call, normalCall } = input;
  const vaf = call.vaf;

  if (input.role === "tumor" && normalCall) {
    const who = `matched normal ${normalCall.sample}`;
    if (normalCall.vaf !== undefined) {
      const text = `${who} VAF ${vafText(normalCall.vaf)}`;
      // A dedicated cut-off when the panel has one, else the germline bands themselves.
      const own = threshold(input.panel, ORIGIN_THRESHOLDS.normalGermline);
      const bands = own ? [own] : [named(input, notes, ORIGIN_THRESHOLDS.germlineHet), named(input, notes, ORIGIN_THRESHOLDS.germlineHom)];
      const present = bands.filter((b): b is Band => b !== undefined);
      if (present.length > 0) {
        const range = present.map(formatBand).join(" or ");
        if (present.some((b) => inBand(normalCall.vaf as number, b))) {
          say(notes, notes && `${text} is in the germline range ${range}`);
          return VERDICTS.germline.high;
        }
        say(
          notes,
          notes &&
            `${text} is outside the germline range ${range}; a few alt reads in the normal are expected when tumour cells contaminate it`,
        );
        return VERDICTS.somatic.high;
      }
    } else if (normalCall.zygosity && CARRIES.has(normalCall.zygosity)) {
      say(notes, notes && `${who} genotype ${normalCall.genotype ?? normalCall.zygosity} carries the allele (no VAF)`);
      return VERDICTS.germline.high;
    } else if (normalCall.zygosity === "hom-ref") {
      say(notes, notes && `${who} genotype ${normalCall.genotype ?? "hom-ref"} lacks the allele`);
      return VERDICTS.somatic.high;
    } else {
      say(notes, notes && `${who} has no genotype or VAF for this allele`);
    }
  }

  const af = input.variant.populationAf;
  const commonBand = af ? named(input, notes, ORIGIN_THRESHOLDS.common) : undefined;
  const common = af !== undefined && commonBand !== undefined && isCommon(af.value, commonBand);
  const het = vaf !== undefined ? named(input, notes, ORIGIN_THRESHOLDS.germlineHet) : undefined;
  if (common && af && commonBand) {
    // A common allele is germline when the call looks germline. Below the heterozygous band it
    // is not: a subclonal call of a "common" allele is a clone or an artefact (ASXL1 c.1934dup
    // is common in gnomAD because of its homopolymer), and frequency must not drop a clone.
    const subclonal = vaf !== undefined && het?.min !== undefined && vaf < het.min;
    if (!subclonal) {
      say(notes, notes && `population AF ${af.value} (${af.source}) is common (${formatCommon(commonBand)})`);
      return VERDICTS.germline.high;
    }
    say(
      notes,
      notes &&
        `population AF ${af.value} (${af.source}) is common (${formatCommon(commonBand)}), but VAF ${vafText(vaf as number)} is subclonal: not read as germline`,
    );
  }

  const hom = vaf !== undefined ? named(input, notes, ORIGIN_THRESHOLDS.germlineHom) : undefined;
  const inHet = vaf !== undefined && het !== undefined && inBand(vaf, het);
  const inHom = vaf !== undefined && hom !== undefined && inBand(vaf, hom);
  // Below the heterozygous band the allele is in only part of the cells: a clone, not germline.
  const low = vaf !== undefined && het?.min !== undefined && vaf < het.min;
  const vafNote = notes && vaf !== undefined ? `VAF ${vafText(vaf)}` : "";
  const male = input.sex === "male" && input.onChrX;

  if (input.role === "germline" || input.role === "normal") {
    if (low && het) {
      say(
        notes,
        notes &&
          `${vafNote} is below the germline heterozygous range ${formatBand(het)} in a ${input.role} sample: mosaicism, clonal haematopoiesis or artefact`,
      );
      return VERDICTS.unknown.low;
    }
    say(notes, notes && `sample role is ${input.role}${vaf !== undefined ? ` (${vafNote})` : ""}`);
    return VERDICTS.germline.high;
  }

  if (input.somaticCaller) {
    if ((inHet || inHom) && !male) {
      say(notes, notes && `somatic-caller hint, but ${vafNote} is germline-like; confirm in germline tissue`);
      return VERDICTS.unknown.low;
    }
    say(notes, "somatic-caller hint (INFO SOMATIC flag or somatic-caller header)");
    return VERDICTS.somatic.moderate;
  }

  if (male && vaf !== undefined) {
    if (inHet && het) {
      say(notes, notes && `${vafNote} on chrX in a male is heterozygous-like ${formatBand(het)}, not a hemizygous germline signature`);
      return VERDICTS.somatic.moderate;
    }
    if (inHom) {
      say(notes, notes && `${vafNote} on chrX in a male: a hemizygous germline allele or a clone filling the sample`);
      return VERDICTS.unknown.low;
    }
  }

  if (vaf === undefined) {
    say(notes, "no VAF, matched normal or caller hint to infer origin");
    return VERDICTS.unknown.low;
  }
  if (low && het) {
    say(notes, notes && `${vafNote} is below the germline heterozygous range ${formatBand(het)}: a subclonal event`);
    return VERDICTS.somatic.moderate;
  }
  if ((inHet && het) || (inHom && hom)) {
    const band = (inHet ? het : hom) as Band;
    const kind = inHet ? "heterozygous" : "homozygous";
    // Without a matched normal or a declared origin, a germline-like VAF is not germline: a clone
    // filling the marrow reads the same (DNMT3A, TP53, a female's X-linked PIGA clone). The finding
    // then carries both readings and asks for germline tissue.
    const where = input.role === "tumor" ? "a tumour without a matched normal" : "no matched normal or declared origin";
    say(notes, notes && `${vafNote} is germline-like ${kind} ${formatBand(band)}, with ${where}: inherited or a clone filling the sample`);
    return VERDICTS.unknown.low;
  }
  say(notes, notes && `${vafNote} lies outside the panel's germline VAF ranges`);
  return VERDICTS.unknown.low;
}
