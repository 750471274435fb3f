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
  const reasons: string[] = [];
  return { call: decide(input, reasons), reasons };
}

/**
 * @internal The call alone, without writing the reasons. applyRules needs the call for every
 * hit but the reasons only for the few hits a rule matches; writing them (numbers and bands
 * formatted into sentences) was ~1 µs and ~0.6 KB per record on a panel-dense file.
 */
export function inferOriginCall(input: OriginInput): OriginCall {
  return decide(input, undefined);
}

/**
 * Adds a reason when reasons are wanted. Callers write `notes && \`…\`` so nothing is formatted
 * otherwise; reasons are kept with the Finding, so `own` flattens each template's pieces.
 */
function say(notes: string[] | undefined, reason: string | undefined): void {
  if (notes && reason !== undefined) notes.push(own(reason));
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
function decide(input: OriginInput, notes: string[] | undefined): OriginCall {
  if (input.declaredOrigin) {
    say(notes, notes && `declared ${input.declaredOrigin} by the caller (--origin)`);
    return input.declaredOrigin;
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
          return "germline";
        }
        say(
          notes,
          notes &&
            `${text} is outside the germline range ${range}; a few alt reads in the normal are expected when tumour cells contaminate it`,
        );
        return "somatic";
      }
    } else if (normalCall.zygosity && CARRIES.has(normalCall.zygosity)) {
      say(notes, notes && `${who} genotype ${normalCall.genotype ?? normalCall.zygosity} carries the allele (no VAF)`);
      return "germline";
    } else if (normalCall.zygosity === "hom-ref") {
      say(notes, notes && `${who} genotype ${normalCall.genotype ?? "hom-ref"} lacks the allele`);
      return "somatic";
    } else {
      say(notes, notes && `${who} has no genotype or VAF for this allele`);
    }
  }

  const af = input.variant.populationAf;
  if (af) {
    const band = named(input, notes, ORIGIN_THRESHOLDS.common);
    if (band && isCommon(af.value, band)) {
      say(notes, notes && `population AF ${af.value} (${af.source}) is common (${formatCommon(band)})`);
      return "germline";
    }
  }

  const het = vaf !== undefined ? named(input, notes, ORIGIN_THRESHOLDS.germlineHet) : undefined;
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
      return "unknown";
    }
    say(notes, notes && `sample role is ${input.role}${vaf !== undefined ? ` (${vafNote})` : ""}`);
    return "germline";
  }

  if (input.somaticCaller) {
    if ((inHet || inHom) && !male) {
      say(notes, notes && `somatic-caller hint, but ${vafNote} is germline-like; confirm in germline tissue`);
      return "unknown";
    }
    say(notes, "somatic-caller hint (INFO SOMATIC flag or somatic-caller header)");
    return "somatic";
  }

  if (male && vaf !== undefined) {
    if (inHet && het) {
      say(notes, notes && `${vafNote} on chrX in a male is heterozygous-like ${formatBand(het)}, not a hemizygous germline signature`);
      return "somatic";
    }
    if (inHom) {
      say(notes, notes && `${vafNote} on chrX in a male: a hemizygous germline allele or a clone filling the sample`);
      return "unknown";
    }
  }

  if (vaf === undefined) {
    say(notes, "no VAF, matched normal or caller hint to infer origin");
    return "unknown";
  }
  if (low && het) {
    say(notes, notes && `${vafNote} is below the germline heterozygous range ${formatBand(het)}: a subclonal event`);
    return "somatic";
  }
  if ((inHet && het) || (inHom && hom)) {
    const band = (inHet ? het : hom) as Band;
    const kind = inHet ? "heterozygous" : "homozygous";
    if (input.role === "tumor") {
      say(
        notes,
        notes && `${vafNote} is germline-like ${kind} ${formatBand(band)} in a tumour without a matched normal; confirm in germline tissue`,
      );
      return "unknown";
    }
    say(notes, notes && `${vafNote} is in the germline ${kind} range ${formatBand(band)}`);
    return "germline";
  }
  say(notes, notes && `${vafNote} lies outside the panel's germline VAF ranges`);
  return "unknown";
}
