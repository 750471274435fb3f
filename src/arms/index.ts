/**
 * Chromosome-arm events: which arms (p, q) a copy-number change covers, how much of each, and an
 * ISCN-like label (`-7`, `del(7q)`, `+8`, `+1q`, `CN-LOH(6p)`). Arm boundaries for GRCh37 and
 * GRCh38 come from the UCSC cytoBand tables (./data.ts, derived by scripts/derive-arms.mjs): the p
 * arm runs from base 1 to the base before the centromere (`acen` bands), the q arm from the base
 * after it to the chromosome's end. The short arm of an acrocentric chromosome (13, 14, 15, 21,
 * 22: a satellite stalk) is not counted, so losing its q arm is losing the chromosome.
 *
 * How much of an arm makes an arm event is the caller's `minFraction` (a panel threshold, not a
 * constant here). Pure and synchronous; no I/O.
 */
import type { Assembly } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";
import type { CopyNumberChange } from "./copy-number.js";
import { ACROCENTRIC, ARM_BOUNDARIES } from "./data.js";

export {
  type CopyNumberChange,
  type CopyNumberEvent,
  type CopyNumberRecord,
  copyNumberEvent,
  type SampleCopyNumber,
  type Sex,
} from "./copy-number.js";

/** One arm of a chromosome, 1-based inclusive. */
export interface Arm {
  /** `7p`, `7q`. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** A chromosome's length, centromere and counted arms in one build. */
export interface ChromosomeArms {
  readonly chrom: string;
  readonly length: number;
  readonly centromere: { readonly start: number; readonly end: number };
  readonly acrocentric: boolean;
  /** p then q; only q for an acrocentric chromosome. */
  readonly arms: readonly Arm[];
}

/** An arm-level (or whole-chromosome) copy-number event. */
export interface ArmEvent {
  readonly kind: "arm";
  /** Canonical name: `7`, `X`. */
  readonly chrom: string;
  /** The arms covered at or above the threshold, p before q: `["7q"]`, `["7p", "7q"]`. */
  readonly arms: readonly string[];
  readonly change: CopyNumberChange;
  /** `-7`, `del(7q)`, `+8`, `+1q`, `CN-LOH(6p)`, `CN-LOH(6)`. */
  readonly label: string;
  /** Covered fraction of every counted arm the interval touches, rounded to 4 places. */
  readonly fraction: Readonly<Record<string, number>>;
}

/** The interval an arm event is judged on: a `CopyNumberEvent` fits. */
export interface CopyNumberInterval {
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
  readonly change: CopyNumberChange;
}

const ACROCENTRIC_SET: ReadonlySet<string> = new Set(ACROCENTRIC);

/** Length, centromere and arms of a chromosome (`7`, `chr7`, `X`, `chrX`), or undefined for other contigs. */
export function chromosomeArms(assembly: Assembly, chrom: string): ChromosomeArms | undefined {
  const name = canonicalChrom(chrom);
  const row = Object.hasOwn(ARM_BOUNDARIES[assembly], name) ? ARM_BOUNDARIES[assembly][name] : undefined;
  if (!row) return undefined;
  const [length, cenStart, cenEnd] = row;
  const acrocentric = ACROCENTRIC_SET.has(name);
  const q: Arm = { name: `${name}q`, start: cenEnd + 1, end: length };
  return {
    chrom: name,
    length,
    centromere: { start: cenStart, end: cenEnd },
    acrocentric,
    arms: acrocentric ? [q] : [{ name: `${name}p`, start: 1, end: cenStart - 1 }, q],
  };
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

function label(change: CopyNumberChange, chrom: string, arm: string | undefined): string {
  if (change === "loss") return arm ? `del(${chrom}${arm})` : `-${chrom}`;
  if (change === "gain") return `+${chrom}${arm ?? ""}`;
  return `CN-LOH(${chrom}${arm ?? ""})`;
}

/**
 * The arm event an interval makes in `assembly`: an arm counts when the fraction of it covered
 * (rounded to 4 places, as reported) is at least `minFraction`. Every counted arm covered makes a
 * whole-chromosome event (`-7`, `+8`, `CN-LOH(6)`); one arm makes `del(7q)`, `+1q`, `CN-LOH(6p)`.
 * Returns `[]` when no arm reaches the threshold or the contig has no arms (chrM, alt contigs).
 * @throws RangeError when `minFraction` is not in (0, 1]
 */
export function armEvents(event: CopyNumberInterval, assembly: Assembly, minFraction: number): ArmEvent[] {
  if (!(Number.isFinite(minFraction) && minFraction > 0 && minFraction <= 1)) {
    throw new RangeError(`minFraction must be in (0, 1], found ${minFraction}`);
  }
  const chromosome = chromosomeArms(assembly, event.chrom);
  if (!chromosome) return [];
  const fraction: Record<string, number> = {};
  const covered: Arm[] = [];
  for (const arm of chromosome.arms) {
    const overlap = Math.min(event.end, arm.end) - Math.max(event.start, arm.start) + 1;
    if (overlap <= 0) continue;
    const f = round4(overlap / (arm.end - arm.start + 1));
    fraction[arm.name] = f;
    if (f >= minFraction) covered.push(arm);
  }
  if (covered.length === 0) return [];
  const whole = covered.length === chromosome.arms.length;
  const { chrom } = chromosome;
  return [
    {
      kind: "arm",
      chrom,
      arms: covered.map((a) => a.name),
      change: event.change,
      label: label(event.change, chrom, whole ? undefined : covered[0]!.name.slice(chrom.length)),
      fraction,
    },
  ];
}
