/**
 * Numeric bands read from the panel. The engine never carries a number of its own: every cut-off
 * is a named panel threshold (with its evidence) or an inline bound written next to a rule.
 */
import type { Bound, Panel } from "../panel/schema.js";

/**
 * Panel thresholds the engine reads by name. They are names, not values: when the panel lacks
 * one, the step that needs it is skipped and the finding's origin reasons say "threshold missing".
 */
export const ORIGIN_THRESHOLDS = {
  /** VAF band of a germline heterozygous call; below it a call reads as subclonal (somatic). */
  germlineHet: "germline-heterozygous-vaf",
  /** VAF band of a germline homozygous (or hemizygous) call. */
  germlineHom: "germline-homozygous-vaf",
  /**
   * VAF in a matched normal at or above which a variant is germline. Optional: without it the
   * germline bands above are applied to the normal's VAF.
   */
  normalGermline: "normal-germline-vaf",
  /** Population AF band of a *rare* variant (`max`), or of a common one (`min`). */
  common: "common-population-af-max",
} as const;

export interface Band {
  readonly min?: number;
  readonly max?: number;
}

/** A named panel threshold as a band, or undefined when the panel does not define it. */
export function threshold(panel: Panel, name: string): Band | undefined {
  // Asked several times per hit (origin inference, VAF and AF conditions): one Band per panel
  // and name instead of a new object each time.
  let bands = bandCache.get(panel);
  if (!bands) {
    bands = new Map();
    bandCache.set(panel, bands);
  }
  if (bands.has(name)) return bands.get(name);
  let band: Band | undefined;
  if (Object.hasOwn(panel.thresholds, name)) {
    const found = panel.thresholds[name];
    band = found ? { min: found.min, max: found.max } : undefined;
  }
  bands.set(name, band);
  return band;
}

const bandCache = new WeakMap<Panel, Map<string, Band | undefined>>();

/** A rule or summary bound resolved to min/max (loadPanel has already checked the name exists). */
export function resolveBound(panel: Panel, bound: Bound): Band | undefined {
  return bound.threshold !== undefined ? threshold(panel, bound.threshold) : { min: bound.min, max: bound.max };
}

/** Both ends inclusive: the bands come from publications that state them as "≥" or "≤". */
export function inBand(value: number, band: Band): boolean {
  if (band.min !== undefined && value < band.min) return false;
  if (band.max !== undefined && value > band.max) return false;
  return true;
}

/** `[0.35, 0.65]`, `≥ 0.9`, `≤ 0.25`: how a band is written in reasons. */
export function formatBand(band: Band): string {
  if (band.min !== undefined && band.max !== undefined) return `[${band.min}, ${band.max}]`;
  if (band.min !== undefined) return `≥ ${band.min}`;
  if (band.max !== undefined) return `≤ ${band.max}`;
  return "(unbounded)";
}

/**
 * Is a population AF common? A band with `min` states "common from here"; a band with only `max`
 * states "rare up to here", so common is strictly above it.
 */
export function isCommon(af: number, band: Band): boolean {
  if (band.min !== undefined) return af >= band.min;
  if (band.max !== undefined) return af > band.max;
  return false;
}

/** How the common cut-off reads in reasons: `> 0.01` or `≥ 0.05`. */
export function formatCommon(band: Band): string {
  return band.min !== undefined ? `≥ ${band.min}` : `> ${band.max}`;
}
