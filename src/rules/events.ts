/**
 * Chromosome-arm events (monosomy 7, del(7q), +8, del(5q), 17p loss, 6p CN-LOH) read from SV/CNV
 * records, judged by the panel's `eventRules`. An arm event is an acquired clonal lesion, so it
 * is read by the somatic standard alone; its finding names the event where a gene finding names
 * the gene. Pure and synchronous.
 */
import type { ArmEvent } from "../arms/index.js";
import type { Mutable, SampleCall, Variant } from "../model.js";
import type { EventRule, Panel } from "../panel/schema.js";
import type { Finding, Implication } from "../report/schema.js";
import { threshold } from "./bounds.js";
import { classify } from "./classify.js";
import { inferOrigin, type RuleContext } from "./origin.js";
import { SOMATIC_STANDARD, termOf } from "./standards.js";

/** The panel threshold: the fraction of an arm a record must cover to count as an arm event. */
export const ARM_FRACTION_THRESHOLD = "arm-event-fraction";

/** The minimum arm fraction the panel sets, or undefined (then no arm event is read). */
export function armFraction(panel: Panel): number | undefined {
  return threshold(panel, ARM_FRACTION_THRESHOLD)?.min;
}

/**
 * The chromosome arms the panel's event rules name (`-7` → 7p and 7q, `del(7q)` → 7q, `+8` → 8p
 * and 8q): a partial loss or gain there is worth saying even below the arm fraction.
 */
export function eventRuleArms(panel: Panel): ReadonlySet<string> {
  const arms = new Set<string>();
  for (const rule of panel.eventRules ?? []) {
    for (const label of rule.events) {
      const arm = /([0-9]+|X|Y)([pq])\)?$/.exec(label);
      if (arm) arms.add(`${arm[1]}${arm[2]}`);
      else {
        const whole = /^[-+]([0-9]+|X|Y)$/.exec(label);
        if (whole) for (const side of ["p", "q"]) arms.add(`${whole[1]}${side}`);
      }
    }
  }
  return arms;
}

/** The panel's rules for an event label, in panel order. */
export function eventRulesFor(panel: Panel, label: string): EventRule[] {
  return (panel.eventRules ?? []).filter((rule) => rule.events.includes(label));
}

/**
 * One sample's finding for one arm event, or undefined when no event rule of the panel names it
 * (or its origin conditions exclude the sample's call).
 */
export function applyEventRules(
  event: ArmEvent,
  variant: Variant,
  call: SampleCall,
  context: RuleContext,
  file: string,
): Finding | undefined {
  const { panel } = context;
  const origin = inferOrigin({
    panel,
    role: context.role,
    variant,
    call,
    onChrX: false,
    normalCall: context.normalCall,
    declaredOrigin: context.declaredOrigin,
    somaticCaller: context.somaticCaller,
    sex: context.sex,
  });
  const rules = eventRulesFor(panel, event.label).filter(
    (rule) => !rule.conditions?.origin || rule.conditions.origin.includes(origin.call),
  );
  if (rules.length === 0) return undefined;
  // Event rules carry the same verdict parts as gene rules: the classification of the most
  // severe rule, implications merged in rule-id order.
  const matched = rules.map((rule) => ({
    rule: { ...rule, gene: event.label, match: { kind: "region" as const } },
    tier: "region" as const,
  }));
  const { classification, implications, ruleIds } = classify(
    panel,
    { origin: origin.call } as Parameters<typeof classify>[1],
    matched,
    "somatic",
  );
  const codes = [...new Set(implications.map((i) => i.code))];
  const out: Mutable<Finding["call"]> = {};
  if (call.genotype !== undefined) out.genotype = call.genotype;
  if (call.zygosity !== undefined) out.zygosity = call.zygosity;
  if (call.vaf !== undefined) out.vaf = call.vaf;
  if (call.vafSource !== undefined) out.vafSource = call.vafSource;
  if (call.depth !== undefined) out.depth = call.depth;
  if (call.altDepth !== undefined) out.altDepth = call.altDepth;
  return {
    sample: call.sample,
    variant: {
      chrom: variant.chrom,
      pos: variant.pos,
      ref: variant.ref,
      alt: variant.alt,
      ...(variant.id && variant.id.length > 0 ? { id: [...variant.id] } : {}),
      filter: [...variant.filter],
      key: variant.key,
    },
    gene: { symbol: event.label, hgncId: "" },
    category: "chromosomal",
    matchBasis: "region",
    geneSource: "coordinates",
    variantClass: { kind: "sv", lengthChange: 0 },
    call: out,
    origin: { call: origin.call, reasons: origin.reasons, confidence: origin.confidence },
    classification: classification,
    implications: implications as Implication[],
    ruleIds: ruleIds as string[],
    readings: [
      {
        origin: "somatic",
        standard: SOMATIC_STANDARD,
        classification: classification,
        term: termOf("somatic", classification, "chromosomal", codes),
        criteria: [],
        codes,
        ruleIds: ruleIds as string[],
      },
    ],
    event: { ...event, arms: [...event.arms], fraction: { ...event.fraction } },
    source: { file, line: variant.source.line },
  };
}
