/**
 * Reads one SV/CNV record (and one sample's FORMAT values) as a copy-number change: a loss, a
 * gain or a copy-neutral loss of heterozygosity over an interval. Callers write the same thing in
 * different ways, all read here:
 *
 * - symbolic ALTs `<DEL>`, `<DUP>`, `<DUP:TANDEM>`, `<CN0>`…`<CNn>`, `<CNV>`, `<LOH>`;
 * - INFO/SVTYPE `DEL`, `DUP`, `CNV`, `LOH`, `CNLOH` with INFO/END or SVLEN (Manta, CNVkit);
 * - FORMAT/CN, the sample's copy number (GATK gCNV, CNVkit, Canvas), or INFO/CN (VCF 4.2's
 *   reserved key) when no sample value is given;
 * - FORMAT/GT of GATK gCNV segments, whose ALT is `<DEL>,<DUP>` and GT `1` (DEL) or `2` (DUP);
 * - Canvas IDs `Canvas:LOSS:…`, `Canvas:GAIN:…`, `Canvas:LOH:…`, `Canvas:REF:…`, and its FORMAT/MCC
 *   (major chromosome count: MCC equal to CN, with CN ≥ 2, is copy-neutral LOH);
 * - an explicit LOH flag (INFO/LOH, INFO/CNLOH, or a FORMAT flag the caller passes in).
 *
 * A copy number is judged against the normal number for the chromosome and sex: 2 on autosomes,
 * 1 on chrX and chrY in a male, 2 on chrX and 0 on chrY in a female. Without a sex, a chrX/chrY
 * copy number counts only when both sexes would read it the same way; otherwise the caller's own
 * call (ALT, SVTYPE, GT, Canvas ID) decides. Pure and synchronous.
 */
import type { InfoValue } from "../model.js";
import { canonicalChrom } from "../normalize/contigs.js";

export type CopyNumberChange = "loss" | "gain" | "cn-loh";

export type Sex = "male" | "female";

/**
 * The record-level fields read. A `Variant` (src/model.ts) fits as it is: pass it whole.
 * Coordinates are 1-based inclusive.
 */
export interface CopyNumberRecord {
  readonly chrom: string;
  readonly pos: number;
  /** Last base of the event (INFO/END or POS + SVLEN; a `Variant` has worked this out). */
  readonly end?: number;
  /** This ALT allele, as written (`<DEL>`, `<CN1>`, `<CNV>` …). */
  readonly alt: string;
  /** 1-based index of `alt` among the record's ALTs: GT names alleles by this number. */
  readonly altIndex?: number;
  /** The ID column split on `;` (Canvas writes its call type there). */
  readonly id?: readonly string[] | undefined;
  readonly info: Readonly<Record<string, InfoValue>>;
}

/** One sample's FORMAT values that bear on copy number (all optional). */
export interface SampleCopyNumber {
  /** FORMAT/CN: the sample's copy number over the interval. */
  readonly cn?: number;
  /** FORMAT/GT as written (`1`, `2`, `0/1`, `./.`). */
  readonly gt?: string;
  /** FORMAT/MCC (Canvas): major chromosome count. */
  readonly mcc?: number;
  /** An explicit per-sample LOH flag (e.g. FORMAT/LOH=1). */
  readonly loh?: boolean;
}

/** A copy-number change over an interval (1-based inclusive), and what it was read from. */
export interface CopyNumberEvent {
  /** Canonical name: `7`, `X`. */
  readonly chrom: string;
  readonly start: number;
  readonly end: number;
  readonly change: CopyNumberChange;
  /** The copy number, when the record gave one. */
  readonly copyNumber?: number;
  /** What decided the change, e.g. `FORMAT/CN=1 (normal 2)`, `ALT <DEL>`, `ID Canvas:LOH`. */
  readonly basis: string;
}

type Direction = "loss" | "gain" | "cn-loh";

/** Normal copy number of a chromosome in a sex (pseudoautosomal regions are not told apart). */
function normalCopies(chrom: string, sex: Sex): number {
  if (chrom === "X") return sex === "male" ? 1 : 2;
  if (chrom === "Y") return sex === "male" ? 1 : 0;
  return 2;
}

/**
 * `loss`, `gain` or `neutral` for a copy number, with the normal number it was judged against;
 * undefined when the sex is not given and the two sexes would read the copy number differently.
 */
function judgeCopies(cn: number, chrom: string, sex: Sex | undefined): { judged: "loss" | "gain" | "neutral"; normal: string } | undefined {
  const judge = (normal: number) => (cn < normal ? "loss" : cn > normal ? "gain" : "neutral");
  if (sex) return { judged: judge(normalCopies(chrom, sex)), normal: String(normalCopies(chrom, sex)) };
  const male = normalCopies(chrom, "male");
  const female = normalCopies(chrom, "female");
  if (judge(male) !== judge(female)) return undefined;
  return { judged: judge(male), normal: male === female ? String(male) : `${male} in a male, ${female} in a female` };
}

function firstOf(value: InfoValue | undefined): string | number | true | null | undefined {
  return Array.isArray(value) ? (value as readonly (string | number | null)[])[0] : (value as string | number | true | null | undefined);
}

function numberOf(value: InfoValue | undefined): number | undefined {
  const v = firstOf(value);
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function flagOf(value: InfoValue | undefined): boolean {
  const v = firstOf(value);
  return v === true || v === 1 || v === "1" || (typeof v === "string" && /^(true|yes)$/i.test(v));
}

/** The direction a record's own call names (ALT, SVTYPE, Canvas ID), with where it came from. */
function recordDirection(record: CopyNumberRecord): { direction: Direction; basis: string } | undefined {
  const alt = record.alt.toUpperCase();
  if (alt.startsWith("<") && alt.endsWith(">")) {
    const symbol = alt.slice(1, -1);
    if (symbol.startsWith("DEL")) return { direction: "loss", basis: `ALT ${record.alt}` };
    if (symbol.startsWith("DUP")) return { direction: "gain", basis: `ALT ${record.alt}` };
    if (symbol === "LOH" || symbol === "CNLOH") return { direction: "cn-loh", basis: `ALT ${record.alt}` };
  }
  const svtype = firstOf(record.info.SVTYPE);
  if (typeof svtype === "string") {
    const t = svtype.toUpperCase();
    if (t.startsWith("DEL")) return { direction: "loss", basis: `INFO/SVTYPE=${svtype}` };
    if (t.startsWith("DUP")) return { direction: "gain", basis: `INFO/SVTYPE=${svtype}` };
    if (t === "LOH" || t === "CNLOH" || t === "CN-LOH") return { direction: "cn-loh", basis: `INFO/SVTYPE=${svtype}` };
  }
  for (const id of record.id ?? []) {
    const m = /^Canvas:(LOSS|GAIN|LOH):/i.exec(id);
    if (!m) continue;
    const kind = m[1]!.toUpperCase();
    return {
      direction: kind === "LOSS" ? "loss" : kind === "GAIN" ? "gain" : "cn-loh",
      basis: `ID ${id.split(":").slice(0, 2).join(":")}`,
    };
  }
  return undefined;
}

/** Copy number written in the ALT itself: `<CN0>`, `<CN3>` (Canvas, VCF 4.x CNV alleles). */
function altCopies(alt: string): number | undefined {
  const m = /^<CN(\d+)>$/i.exec(alt);
  return m ? Number(m[1]) : undefined;
}

/** GT alleles called (numbers), or undefined when GT is absent or says nothing (`.`, `./.`). */
function calledAlleles(gt: string | undefined): number[] | undefined {
  if (gt === undefined) return undefined;
  const alleles = gt
    .replace(/^[|/]/, "")
    .split(/[|/]/)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  return alleles.length > 0 ? alleles : undefined;
}

/** What says the interval lost heterozygosity, if anything does. */
function lohEvidence(
  record: CopyNumberRecord,
  sample: SampleCopyNumber,
  cn: number | undefined,
  stated: { direction: Direction; basis: string } | undefined,
): string | undefined {
  if (stated?.direction === "cn-loh") return stated.basis;
  if (sample.loh === true) return "sample LOH flag";
  if (flagOf(record.info.LOH)) return "INFO/LOH";
  if (flagOf(record.info.CNLOH)) return "INFO/CNLOH";
  // Canvas: every copy from one parent (MCC = CN) over at least two copies.
  if (sample.mcc !== undefined && cn !== undefined && cn >= 2 && sample.mcc === cn) return `FORMAT/MCC=${sample.mcc}`;
  return undefined;
}

function eventEnd(record: CopyNumberRecord): number | undefined {
  if (record.end !== undefined && Number.isFinite(record.end) && record.end >= record.pos) return record.end;
  const end = numberOf(record.info.END);
  if (end !== undefined && end >= record.pos) return end;
  const svlen = numberOf(record.info.SVLEN);
  if (svlen !== undefined) return record.pos + Math.abs(svlen);
  return undefined;
}

/**
 * The copy-number change one record shows for one sample, or undefined when it shows none (not
 * a CNV/SV record, a reference call, an ALT the sample does not carry, a normal copy number, or a
 * direction nothing states). `sample` holds the sample's FORMAT values; `sex` sets the normal
 * copy number of chrX and chrY.
 *
 * A record with a multi-ALT (`<DEL>,<DUP>`, `<CN0>,<CN1>,<CN3>`) is read once per ALT: the ALT
 * the sample's GT or CN does not point at gives undefined, so each call is reported once.
 */
export function copyNumberEvent(record: CopyNumberRecord, sample: SampleCopyNumber = {}, sex?: Sex): CopyNumberEvent | undefined {
  const chrom = canonicalChrom(record.chrom);
  const start = record.pos;
  const end = eventEnd(record);
  if (end === undefined) return undefined;

  // GT first: a reference call, or a call of another ALT of the record, is no event of this one.
  const alleles = calledAlleles(sample.gt);
  if (alleles) {
    if (alleles.every((a) => a === 0)) return undefined;
    if (record.altIndex !== undefined && !alleles.includes(record.altIndex)) return undefined;
  }

  const stated = recordDirection(record);
  const fromAlt = altCopies(record.alt);
  const infoCn = numberOf(record.info.CN);
  const sampleCn = sample.cn !== undefined && Number.isFinite(sample.cn) ? sample.cn : undefined;
  const cn = sampleCn ?? infoCn ?? fromAlt;
  const cnSource = sampleCn !== undefined ? "FORMAT/CN" : infoCn !== undefined ? "INFO/CN" : `ALT ${record.alt}`;
  // `<CN1>` read with a sample whose CN is 3: the sample's call is another ALT of the record.
  if (fromAlt !== undefined && sampleCn !== undefined && fromAlt !== sampleCn) return undefined;

  const loh = lohEvidence(record, sample, cn, stated);

  if (cn !== undefined && cn >= 0) {
    const judged = judgeCopies(cn, chrom, sex);
    if (judged) {
      const basis = `${cnSource}=${cn} (normal ${judged.normal})`;
      if (judged.judged === "neutral") {
        if (!loh) return undefined;
        return { chrom, start, end, change: "cn-loh", copyNumber: cn, basis: `${basis}, ${loh}` };
      }
      // A loss/gain ALT read with the opposite copy number: the sample's call is the other ALT.
      if (stated && stated.direction !== "cn-loh" && stated.direction !== judged.judged) return undefined;
      return { chrom, start, end, change: judged.judged, copyNumber: cn, basis };
    }
    // chrX/chrY without a sex: the copy number alone cannot tell; the caller's own call decides.
  }

  if (!stated) return undefined;
  const basis = alleles && sample.gt !== undefined ? `${stated.basis}, FORMAT/GT=${sample.gt}` : stated.basis;
  return cn !== undefined
    ? { chrom, start, end, change: stated.direction, copyNumber: cn, basis }
    : { chrom, start, end, change: stated.direction, basis };
}
