/**
 * FHIR (issue 20): every resource of the Bundle meets the Genomics Reporting IG 3.0.0 profile its
 * meta.profile names, and the base FHIR R4 JSON Schema (checkers in ./format-checks.ts); the codes a
 * receiver needs are the IG's and LOINC's; the checker catches what it should; deterministic.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { annotate, toFHIR, toFHIRBundle } from "../src/node.js";
import { baseProblems, fhirProblems, type Json } from "./format-checks.js";
import { FIXTURES, validationCases } from "./helpers.js";

describe("FHIR Genomics Reporting (IG 3.0.0)", () => {
  it("the demo: a collection Bundle whose every resource meets its IG profile, with the codes a receiver needs", async () => {
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const bundle = toFHIRBundle(report) as Json;
    expect(bundle.type).toBe("collection");
    const resources = bundle.entry.map((e: Json) => e.resource);
    expect(resources.flatMap(fhirProblems)).toEqual([]);
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
    // Somatic from its VAF alone (moderate confidence): "Likely somatic", not a definite class.
    expect(comp("48002-0").valueCodeableConcept.coding[0].code).toBe("LA18195-0");
    expect(comp("62374-4").valueCodeableConcept.coding[0].code).toBe("LA26806-2");
    expect(comp("48000-4").valueCodeableConcept.coding[0].code).toBe("LA21255-7");
    expect(comp("81254-5").valueRange).toEqual({ low: { value: 25234373 }, high: { value: 25234373 } });
    expect(comp("81258-6").valueQuantity).toEqual({ value: 0.12, system: "http://unitsofmeasure.org", code: "1" });
    expect(comp("48005-3").valueCodeableConcept.coding[0].code).toBe("ENSP00000324375.5:p.Arg882His");
    // Implications derive from their variant and cite the panel's evidence.
    const implications = resources.filter((r: Json) => r.derivedFrom);
    expect(implications.length).toBeGreaterThanOrEqual(4);
    // The PIGA clone's IST association: words, not the IG's "Presumed responsive" (a prediction).
    const pigaIst = implications.find(
      (r: Json) => r.meta.profile[0].endsWith("/therapeutic-implication") && JSON.stringify(r).includes("better response"),
    );
    expect(pigaIst.component[0].valueCodeableConcept).toEqual({
      text: "Associated at cohort level with a better response to immunosuppression (not a prediction for this patient)",
    });
    expect(JSON.stringify(resources)).not.toMatch(/LA9661-5|LA9660-7/);
    expect(pigaIst.note[0].text).toMatch(/^Cohort-level association, not a prediction for this patient\./);
    expect(pigaIst.extension.map((x: Json) => x.valueRelatedArtifact.label)).toContain("ogawa-2016-blood");
    // Clinical significance is coded (LL4034-6) from a germline reading only; the somatic DNMT3A
    // clone's is its oncogenicity term in words.
    const significanceOf = (gene: string) =>
      implications
        .filter((r: Json) => r.meta.profile[0].endsWith("/diagnostic-implication"))
        .find(
          (r: Json) =>
            r.derivedFrom[0].reference ===
            bundle.entry.find(
              (e: Json) =>
                e.resource ===
                resources.find((x: Json) => x.component?.some((c: Json) => c.valueCodeableConcept?.coding?.[0]?.display === gene)),
            ).fullUrl,
        ).component[0].valueCodeableConcept;
    expect(significanceOf("TERT").coding[0].code).toBe("LA26332-9");
    expect(significanceOf("DNMT3A")).toEqual({ text: "Oncogenic (hotspot)" });
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
    const problems = [...fhirProblems(variant), ...fhirProblems(dx)];
    expect(problems.some((p) => p.includes("Observation.status is required") || p.includes("status is required"))).toBe(true);
    expect(problems.some((p) => p.includes("code is not"))).toBe(true);
    expect(problems.some((p) => p.includes("sample-allelic-frequency occurs 2 times"))).toBe(true);
    expect(problems.some((p) => p.includes("value[x] is prohibited"))).toBe(true);
  });

  it("ids follow content: two different inputs of the same name differ, a duplicated record's findings do not collide", async () => {
    const { vcfText } = await import("./helpers.js");
    const a = vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100"]);
    const b = vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:60,40:100"]);
    const ids = async (text: string) =>
      ((toFHIRBundle(await annotate({ text, name: "sample.vcf" }, { assembly: "GRCh38", strict: false })) as Json).entry as Json[]).map(
        (e) => e.fullUrl,
      );
    const [x, y] = [await ids(a), await ids(b)];
    expect(x.filter((u: string) => y.includes(u))).toEqual([]);
    const twice = vcfText([
      "chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100",
      "chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100",
    ]);
    const d = await ids(twice);
    expect(new Set(d).size).toBe(d.length);
  });

  it("every clinical validation case exports a valid Bundle", async () => {
    let resources = 0;
    for (const c of validationCases()) {
      const report = await annotate(c.path, c.options);
      const bundle = toFHIRBundle(report) as Json;
      const all = (bundle.entry ?? []).map((e: Json) => e.resource);
      expect(all.flatMap(fhirProblems), c.file).toEqual([]);
      expect(baseProblems(bundle), c.file).toEqual([]);
      resources += all.length;
    }
    expect(resources).toBeGreaterThan(300);
  }, 60_000);
});
