/**
 * Panel loading: zod parse, `extends: "builtin"` merge, cross-checks the schema cannot express,
 * then a deeply frozen Panel stamped with the sha256 of its canonical JSON. Every failure is one
 * `MarrowscopeError("E_PANEL")` naming the exact path of the first problem.
 */
import type { z } from "zod";
import { MarrowscopeError, quote } from "../errors.js";
import { SampleSummarySchema } from "../report/schema.js";
import { BUILTIN_PANEL_SHA256 } from "./builtin-sha256.js";
import { panelSha256 } from "./canonical.js";
import { builtinPanelJson } from "./data.js";
import {
  type Bound,
  type ContextCondition,
  type EventRule,
  type Evidence,
  type Panel,
  type PanelData,
  type PanelRule,
  PanelSchema,
  type RuleMatch,
  type SingleMatch,
  type SummaryRule,
  type Threshold,
} from "./schema.js";

export interface LoadPanelOptions {
  /** File name used in error locations (default `panel`). */
  readonly name?: string;
  /** Panel that `extends: "builtin"` starts from (default: the builtin panel). */
  readonly base?: Panel;
}

type PathPart = string | number;

/** `["genes", 3, "rules", 0]` → `genes[3].rules[0]`; odd keys are quoted (`citations["PMID:1"]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || "(root)";
}

function fail(name: string, path: readonly PathPart[], detail: string): never {
  throw new MarrowscopeError("E_PANEL", detail, {
    file: name,
    field: formatPath(path),
  });
}

/** Turn zod's first issue into one located error; unknown keys first, since a typo also makes the
 * intended field look missing and the typo is the more useful thing to name. */
function failFromZod(name: string, error: z.ZodError): never {
  const issues = error.issues;
  const unknown = issues.find((issue) => issue.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    const key = unknown.keys[0] ?? "";
    const path = [...unknown.path, key] as PathPart[];
    const missing = issues
      .filter(
        (issue) =>
          issue.code === "invalid_type" &&
          issue.path.length === unknown.path.length + 1 &&
          formatPath(issue.path.slice(0, -1)) === formatPath(unknown.path),
      )
      .map((issue) => String(issue.path[issue.path.length - 1]));
    const hint = missing.length > 0 ? ` (did you mean ${missing.map((m) => quote(m)).join(" or ")}?)` : "";
    fail(name, path, `unknown field ${quote(key)}${hint}`);
  }
  const first = issues[0];
  if (!first) fail(name, [], "invalid panel");
  fail(name, first.path as PathPart[], first.message);
}

/** Parse, merge and cross-check a panel; the result is deeply frozen and carries its sha256. */
export function loadPanel(json: unknown, options: LoadPanelOptions = {}): Panel {
  const name = options.name ?? "panel";
  const parsed = PanelSchema.safeParse(json);
  if (!parsed.success) failFromZod(name, parsed.error);
  const own = parsed.data;
  const data = own.extends === "builtin" ? mergePanels(options.base ?? getBuiltinPanel(), own) : own;
  checkPanel(name, data, Object.keys(own.citations));
  const sha256 = panelSha256(data);
  return deepFreeze({ ...data, sha256 });
}

let builtin: Panel | undefined;

/**
 * The builtin panel, loaded on first use and then shared. Its data is stored exactly as
 * `loadPanel` would return it (schema key order, defaults written out) and its hash is computed
 * when the data changes (scripts/panel-canonical.mjs, checked in CI and by test/panel.test.ts), so
 * start-up skips the zod parse and the hash: about 150 ms of every run.
 */
export function getBuiltinPanel(): Panel {
  builtin ??= deepFreeze({ ...(builtinPanelJson as PanelData), sha256: BUILTIN_PANEL_SHA256 }) as Panel;
  return builtin;
}

/** Overlay `own` on `base`: genes by symbol, rules and summary rules by id, maps by key. Later wins;
 * base order is kept and new entries are appended, so the merge is deterministic. */
function mergePanels(base: Panel, own: PanelData): PanelData {
  const { sha256: _sha, $schema: _schema, ...baseData } = base;
  const { extends: _extends, ...ownData } = own;
  return {
    ...ownData,
    consequenceClasses: {
      ...baseData.consequenceClasses,
      ...own.consequenceClasses,
    },
    thresholds: { ...baseData.thresholds, ...own.thresholds },
    citations: { ...baseData.citations, ...own.citations },
    genes: overlay(baseData.genes, own.genes, (gene) => gene.symbol),
    rules: overlay(baseData.rules, own.rules, (rule) => rule.id),
    summaryRules: overlay(baseData.summaryRules, own.summaryRules, (rule) => rule.id),
    eventRules: overlay(baseData.eventRules ?? [], own.eventRules ?? [], (rule) => rule.id),
    summaryPrecedence: { ...baseData.summaryPrecedence, ...own.summaryPrecedence },
    ...((own.unknownOrigin ?? baseData.unknownOrigin) ? { unknownOrigin: own.unknownOrigin ?? baseData.unknownOrigin } : {}),
  };
}

function overlay<T>(base: readonly T[], own: readonly T[], key: (item: T) => string): T[] {
  const replacements = new Map(own.map((item) => [key(item), item]));
  const merged = base.map((item) => replacements.get(key(item)) ?? item);
  const baseKeys = new Set(base.map(key));
  return [...merged, ...own.filter((item) => !baseKeys.has(key(item)))];
}

const RESIDUE = /^[ACDEFGHIKLMNPQRSTVWY][1-9][0-9]{0,3}$/;
const NUCLEOTIDE_POSITION = /^[ACGT][1-9][0-9]{0,5}[ACGT]$/;
const NAMED_INTERVAL = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$/;

/** Hotspot labels as the hotspot table writes them: `R882`, `C228T`, `exon12-frameshift-region`. */
export function isHotspotLabel(label: string): boolean {
  return RESIDUE.test(label) || NUCLEOTIDE_POSITION.test(label) || NAMED_INTERVAL.test(label);
}

const CLASSIFICATION_ABOVE_UNCERTAIN = new Set(["pathogenic", "likely-pathogenic", "hotspot", "low-penetrance"]);

function checkPanel(name: string, panel: PanelData, ownCitationKeys: readonly string[]): void {
  const used = new Set<string>();
  const checkEvidence = (list: readonly Evidence[] | undefined, path: PathPart[]): void => {
    list?.forEach((evidence, i) => {
      if (!Object.hasOwn(panel.citations, evidence.citation)) {
        fail(name, [...path, i, "citation"], `citation ${quote(evidence.citation)} is not in the citation registry`);
      }
      used.add(evidence.citation);
    });
  };
  const checkBound = (bound: Bound | undefined, kind: Threshold["kind"], path: PathPart[]): void => {
    if (!bound) return;
    if (bound.threshold !== undefined) {
      if (bound.min !== undefined || bound.max !== undefined || bound.evidence !== undefined) {
        fail(name, [...path, "threshold"], "give either `threshold` or `min`/`max` with `evidence`, not both");
      }
      const threshold = panel.thresholds[bound.threshold];
      if (!threshold || !Object.hasOwn(panel.thresholds, bound.threshold)) {
        fail(name, [...path, "threshold"], `unknown threshold ${quote(bound.threshold)}`);
      }
      if (threshold.kind !== kind) {
        fail(name, [...path, "threshold"], `threshold ${quote(bound.threshold)} is a ${threshold.kind} band, not ${kind}`);
      }
      return;
    }
    if (bound.min === undefined && bound.max === undefined) fail(name, path, "give `threshold` or `min`/`max`");
    if (bound.evidence === undefined) fail(name, [...path, "evidence"], "an inline bound needs `evidence`");
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      fail(name, [...path, "min"], `min ${bound.min} is greater than max ${bound.max}`);
    }
    checkEvidence(bound.evidence, [...path, "evidence"]);
  };

  for (const [key, citation] of Object.entries(panel.citations)) {
    if (key.startsWith("PMID:") && citation.pmid !== undefined && `PMID:${citation.pmid}` !== key) {
      fail(name, ["citations", key, "pmid"], `pmid ${quote(citation.pmid)} does not match key ${quote(key)}`);
    }
    if (key.startsWith("DOI:") && citation.doi !== undefined && `DOI:${citation.doi}`.toLowerCase() !== key.toLowerCase()) {
      fail(name, ["citations", key, "doi"], `doi ${quote(citation.doi)} does not match key ${quote(key)}`);
    }
  }

  for (const [key, threshold] of Object.entries(panel.thresholds)) {
    if (threshold.min === undefined && threshold.max === undefined) {
      fail(name, ["thresholds", key], "a threshold needs `min` or `max`");
    }
    if (threshold.min !== undefined && threshold.max !== undefined && threshold.min > threshold.max) {
      fail(name, ["thresholds", key, "min"], `min ${threshold.min} is greater than max ${threshold.max}`);
    }
    checkEvidence(threshold.evidence, ["thresholds", key, "evidence"]);
  }

  function checkContext(condition: ContextCondition | undefined, path: PathPart[]): void {
    checkBound(condition?.age, "age-years", [...path, "age"]);
    checkBound(condition?.telomereLengthPercentile, "percentile", [...path, "telomereLengthPercentile"]);
  }

  function checkMatch(match: RuleMatch | SingleMatch, path: PathPart[]): void {
    if (match.kind === "consequence") {
      match.classes.forEach((cls, i) => {
        if (!Object.hasOwn(panel.consequenceClasses, cls)) {
          fail(name, [...path, "classes", i], `unknown consequence class ${quote(cls)}`);
        }
      });
    } else if (match.kind === "hotspot") {
      match.labels.forEach((label, i) => {
        if (!isHotspotLabel(label)) {
          fail(
            name,
            [...path, "labels", i],
            `malformed hotspot label ${quote(label)} (expected e.g. "R882", "C228T" or "exon12-frameshift-region")`,
          );
        }
      });
    } else if (match.kind === "allele") {
      if (!match.alleles && !match.hgvsp && !match.hgvsc && !match.rsids) {
        fail(name, path, "an allele match needs `alleles`, `hgvsp`, `hgvsc` or `rsids`");
      }
    } else if (match.kind === "region") {
      match.regions?.forEach((region, i) => {
        if (region.start > region.end) fail(name, [...path, "regions", i, "start"], "start is after end");
      });
    } else if (match.kind === "any-of") {
      match.matches.forEach((inner, i) => {
        checkMatch(inner, [...path, "matches", i]);
      });
    }
  }

  const symbols = new Map<string, number>();
  panel.genes.forEach((gene, g) => {
    if (symbols.has(gene.symbol)) fail(name, ["genes", g, "symbol"], `duplicate gene ${quote(gene.symbol)}`);
    symbols.set(gene.symbol, g);
    gene.regions?.forEach((region, r) => {
      if (region.start > region.end) fail(name, ["genes", g, "regions", r, "start"], "start is after end");
    });
    checkEvidence(gene.evidence, ["genes", g, "evidence"]);
    checkEvidence(gene.populationAf?.evidence, ["genes", g, "populationAf", "evidence"]);
  });

  const ruleIds = new Set<string>();
  panel.rules.forEach((rule, r) => {
    checkRule(rule, r);
  });

  function checkRule(rule: PanelRule, r: number): void {
    const at = (...rest: PathPart[]): PathPart[] => ["rules", r, ...rest];
    if (ruleIds.has(rule.id)) fail(name, at("id"), `duplicate rule id ${quote(rule.id)}`);
    ruleIds.add(rule.id);
    if (!symbols.has(rule.gene)) fail(name, at("gene"), `gene ${quote(rule.gene)} is not in \`genes\``);
    if (!rule.id.startsWith(`${rule.gene}.`)) {
      fail(name, at("id"), `rule id ${quote(rule.id)} must start with its gene, ${quote(`${rule.gene}.`)}`);
    }
    checkMatch(rule.match, at("match"));
    rule.supersedes?.forEach((id, i) => {
      const target = panel.rules.find((other) => other.id === id);
      if (!target) fail(name, at("supersedes", i), `unknown rule id ${quote(id)}`);
      if (target.gene !== rule.gene) fail(name, at("supersedes", i), `rule ${quote(id)} belongs to another gene`);
      if (id === rule.id) fail(name, at("supersedes", i), "a rule cannot supersede itself");
    });
    checkBound(rule.conditions?.vaf, "vaf", at("conditions", "vaf"));
    checkBound(rule.conditions?.populationAf, "population-af", at("conditions", "populationAf"));
    checkContext(rule.conditions?.context, at("conditions", "context"));
    rule.conditions?.consequences?.forEach((cls, i) => {
      if (!Object.hasOwn(panel.consequenceClasses, cls))
        fail(name, at("conditions", "consequences", i), `unknown consequence class ${quote(cls)}`);
    });
    checkEvidence(rule.evidence, at("evidence"));
    rule.implications.forEach((implication, i) => {
      checkEvidence(implication.evidence, at("implications", i, "evidence"));
    });
    // The classification rests on the rule's own evidence; implication evidence supports what a
    // finding means (e.g. the danazol trial), not that this gene's variant is damaging.
    if (
      rule.evidence.every((evidence) => evidence.applicability === "unverified") &&
      CLASSIFICATION_ABOVE_UNCERTAIN.has(rule.classification)
    ) {
      fail(
        name,
        at("classification"),
        `rule backed only by unverified evidence cannot classify above "uncertain" (found ${quote(rule.classification)})`,
      );
    }
  }

  const summaryIds = new Set<string>();
  panel.summaryRules.forEach((rule: SummaryRule, s) => {
    if (summaryIds.has(rule.id)) fail(name, ["summaryRules", s, "id"], `duplicate summary rule id ${quote(rule.id)}`);
    summaryIds.add(rule.id);
    checkBound(rule.when.vaf, "vaf", ["summaryRules", s, "when", "vaf"]);
    checkContext(rule.when.context, ["summaryRules", s, "when", "context"]);
    checkEvidence(rule.evidence, ["summaryRules", s, "evidence"]);
  });

  const eventIds = new Set<string>();
  panel.eventRules?.forEach((rule: EventRule, e) => {
    if (eventIds.has(rule.id)) fail(name, ["eventRules", e, "id"], `duplicate event rule id ${quote(rule.id)}`);
    eventIds.add(rule.id);
    checkEvidence(rule.evidence, ["eventRules", e, "evidence"]);
    rule.implications.forEach((implication, i) => {
      checkEvidence(implication.evidence, ["eventRules", e, "implications", i, "evidence"]);
    });
  });
  checkEvidence(panel.uncertainWithholds?.evidence, ["uncertainWithholds", "evidence"]);
  panel.unknownOrigin?.implications.forEach((implication, i) => {
    checkEvidence(implication.evidence, ["unknownOrigin", "implications", i, "evidence"]);
  });
  // What the engine reads by name must be there when the panel relies on it: without them a
  // synonymous change at a hotspot codon would match, or an arm event would go unread, silently.
  const hasHotspotRule = panel.rules.some((rule) =>
    (rule.match.kind === "any-of" ? rule.match.matches : [rule.match]).some((m) => m.kind === "hotspot"),
  );
  if (hasHotspotRule && !Object.hasOwn(panel.consequenceClasses, "protein-altering")) {
    fail(
      name,
      ["consequenceClasses"],
      "hotspot rules need the consequence class `protein-altering` (what a hotspot match requires of a known consequence)",
    );
  }
  if (panel.eventRules?.length) {
    const fraction = Object.hasOwn(panel.thresholds, "arm-event-fraction") ? panel.thresholds["arm-event-fraction"] : undefined;
    if (!fraction) fail(name, ["thresholds"], "event rules need the threshold `arm-event-fraction`");
    if (fraction.kind !== "fraction" || fraction.min === undefined || fraction.min <= 0) {
      fail(name, ["thresholds", "arm-event-fraction"], "`arm-event-fraction` must be a `fraction` threshold with a `min` above 0");
    }
  }
  for (const [field, precedence] of Object.entries(panel.summaryPrecedence ?? {})) {
    if (!precedence) continue;
    if (new Set(precedence.order).size !== precedence.order.length)
      fail(name, ["summaryPrecedence", field, "order"], "a value is listed twice");
    // A misspelt value would never win a tie, silently: every value must be one the field takes.
    const allowed =
      (SampleSummarySchema.shape[field as keyof typeof SampleSummarySchema.shape] as { options?: readonly string[] }).options ?? [];
    const check = (value: string, path: PathPart[]) => {
      if (!allowed.includes(value)) fail(name, path, `${quote(value)} is not a value of ${field} (${allowed.join(", ")})`);
    };
    precedence.order.forEach((value, i) => {
      check(value, ["summaryPrecedence", field, "order", i]);
    });
    precedence.conflicts?.forEach((conflict, c) => {
      conflict.values.forEach((value, i) => {
        check(value, ["summaryPrecedence", field, "conflicts", c, "values", i]);
      });
      check(conflict.value, ["summaryPrecedence", field, "conflicts", c, "value"]);
      checkEvidence(conflict.evidence, ["summaryPrecedence", field, "conflicts", c, "evidence"]);
      const along = conflict.alongside;
      if (along) {
        if (along.field === field) fail(name, ["summaryPrecedence", field, "conflicts", c, "alongside", "field"], "names its own field");
        const others =
          (SampleSummarySchema.shape[along.field as keyof typeof SampleSummarySchema.shape] as { options?: readonly string[] }).options ??
          [];
        along.values.forEach((value, i) => {
          if (!others.includes(value))
            fail(
              name,
              ["summaryPrecedence", field, "conflicts", c, "alongside", "values", i],
              `${quote(value)} is not a value of ${along.field}`,
            );
        });
      }
    });
  }

  for (const key of ownCitationKeys) {
    if (!used.has(key)) fail(name, ["citations", key], `citation ${quote(key)} is never used`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
