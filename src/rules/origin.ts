/**
 * Origin inference: germline, somatic or unknown, with every signal that was weighed written into
 * `reasons`. The first decisive signal wins, in this order: declared origin, the matched normal,
 * a common population frequency, a germline/normal sample role, a somatic-caller hint, chrX in a
 * male, then VAF bands. Every cut-off is a panel threshold read by name (see `ORIGIN_THRESHOLDS`); a VAF below
 * the germline heterozygous band reads as subclonal.
 */

import type { SampleCall, Variant, Zygosity } from "../model.js";
import { own } from "../own.js";
import type { RuleContext } from "./apply.js";
import { type Band, formatBand, formatCommon, inBand, isCommon, ORIGIN_THRESHOLDS, threshold } from "./bounds.js";

export type OriginCall = "germline" | "somatic" | "unknown";

/** What origin inference reads: the rule context's sample facts plus the variant and its call. */
export interface OriginInput extends Pick<RuleContext, "panel" | "role" | "normalCall" | "declaredOrigin" | "somaticCaller" | "sex"> {
  readonly variant: Pick<Variant, "chrom" | "populationAf">;
  readonly call: SampleCall;
  readonly onChrX: boolean;
}

export interface Origin {
  readonly call: OriginCall;
  readonly reasons: string[];
}

const CARRIES: ReadonlySet<Zygosity> = new Set(["het", "hom-alt", "hemi"]);

function vafText(vaf: number): string {
  return String(Math.round(vaf * 10000) / 10000);
}

/** Infer where a variant arose; never throws, and says "threshold missing" rather than guess. */
export function inferOrigin(input: OriginInput): Origin {
  return decide(input, true);
}

/**
 * @internal The call alone, without writing the reasons. applyRules needs the call for every
 * hit but the reasons only for the few hits a rule matches; writing them (numbers and bands
 * formatted into sentences) was ~1 µs and ~0.6 KB per record on a panel-dense file.
 */
export function inferOriginCall(input: OriginInput): OriginCall {
  return decide(input, false).call;
}

/** The one decision procedure; `explain` says whether to write the reasons. */
function decide(input: OriginInput, explain: boolean): Origin {
  const reasons: string[] = [];
  // Reasons are passed as thunks so that nothing is formatted when they are not wanted.
  // Reasons are kept with the Finding: `own` flattens the template's concatenation (a tree of
  // string pieces) into one string.
  const say = (reason: () => string) => {
    if (explain) reasons.push(own(reason()));
  };
  const done = (call: OriginCall, reason?: string | (() => string)): Origin => {
    if (reason !== undefined) say(typeof reason === "string" ? () => reason : reason);
    return { call, reasons };
  };
  const named = (name: string): Band | undefined => {
    const band = threshold(input.panel, name);
    if (!band) say(() => `threshold missing: ${name} (panel defines none; step skipped)`);
    return band;
  };

  if (input.declaredOrigin) return done(input.declaredOrigin, () => `declared ${input.declaredOrigin} by the caller (--origin)`);

  const { call, normalCall } = input;
  const vaf = call.vaf;

  if (input.role === "tumor" && normalCall) {
    const who = `matched normal ${normalCall.sample}`;
    if (normalCall.vaf !== undefined) {
      const text = `${who} VAF ${vafText(normalCall.vaf)}`;
      // A dedicated cut-off when the panel has one, else the germline bands themselves.
      const own = threshold(input.panel, ORIGIN_THRESHOLDS.normalGermline);
      const bands = own ? [own] : [named(ORIGIN_THRESHOLDS.germlineHet), named(ORIGIN_THRESHOLDS.germlineHom)];
      const present = bands.filter((b): b is Band => b !== undefined);
      if (present.length > 0) {
        const range = present.map(formatBand).join(" or ");
        if (present.some((b) => inBand(normalCall.vaf as number, b)))
          return done("germline", () => `${text} is in the germline range ${range}`);
        return done(
          "somatic",
          () =>
            `${text} is outside the germline range ${range}; a few alt reads in the normal are expected when tumour cells contaminate it`,
        );
      }
    } else if (normalCall.zygosity && CARRIES.has(normalCall.zygosity)) {
      return done("germline", () => `${who} genotype ${normalCall.genotype ?? normalCall.zygosity} carries the allele (no VAF)`);
    } else if (normalCall.zygosity === "hom-ref") {
      return done("somatic", () => `${who} genotype ${normalCall.genotype ?? "hom-ref"} lacks the allele`);
    } else {
      say(() => `${who} has no genotype or VAF for this allele`);
    }
  }

  const af = input.variant.populationAf;
  if (af) {
    const band = named(ORIGIN_THRESHOLDS.common);
    if (band && isCommon(af.value, band)) {
      return done("germline", () => `population AF ${af.value} (${af.source}) is common (${formatCommon(band)})`);
    }
  }

  const het = vaf !== undefined ? named(ORIGIN_THRESHOLDS.germlineHet) : undefined;
  const hom = vaf !== undefined ? named(ORIGIN_THRESHOLDS.germlineHom) : undefined;
  const inHet = vaf !== undefined && het !== undefined && inBand(vaf, het);
  const inHom = vaf !== undefined && hom !== undefined && inBand(vaf, hom);
  // Below the heterozygous band the allele is in only part of the cells: a clone, not germline.
  const low = vaf !== undefined && het?.min !== undefined && vaf < het.min;
  const vafNote = () => (vaf !== undefined ? `VAF ${vafText(vaf)}` : "");
  const male = input.sex === "male" && input.onChrX;

  if (input.role === "germline" || input.role === "normal") {
    if (low && het) {
      return done(
        "unknown",
        () =>
          `${vafNote()} is below the germline heterozygous range ${formatBand(het)} in a ${input.role} sample: mosaicism, clonal haematopoiesis or artefact`,
      );
    }
    return done("germline", () => `sample role is ${input.role}${vaf !== undefined ? ` (${vafNote()})` : ""}`);
  }

  if (input.somaticCaller) {
    if ((inHet || inHom) && !male) {
      return done("unknown", () => `somatic-caller hint, but ${vafNote()} is germline-like; confirm in germline tissue`);
    }
    return done("somatic", "somatic-caller hint (INFO SOMATIC flag or somatic-caller header)");
  }

  if (male && vaf !== undefined) {
    if (inHet && het) {
      return done(
        "somatic",
        () => `${vafNote()} on chrX in a male is heterozygous-like ${formatBand(het)}, not a hemizygous germline signature`,
      );
    }
    if (inHom) {
      return done("unknown", () => `${vafNote()} on chrX in a male: a hemizygous germline allele or a clone filling the sample`);
    }
  }

  if (vaf === undefined) return done("unknown", "no VAF, matched normal or caller hint to infer origin");
  if (low && het)
    return done("somatic", () => `${vafNote()} is below the germline heterozygous range ${formatBand(het)}: a subclonal event`);
  if ((inHet && het) || (inHom && hom)) {
    const band = (inHet ? het : hom) as Band;
    const kind = inHet ? "heterozygous" : "homozygous";
    if (input.role === "tumor") {
      return done(
        "unknown",
        () => `${vafNote()} is germline-like ${kind} ${formatBand(band)} in a tumour without a matched normal; confirm in germline tissue`,
      );
    }
    return done("germline", () => `${vafNote()} is in the germline ${kind} range ${formatBand(band)}`);
  }
  return done("unknown", () => `${vafNote()} lies outside the panel's germline VAF ranges`);
}
