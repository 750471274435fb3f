import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { effectiveSex, PatientContextSchema, parseContext } from "../src/context.js";
import { annotate } from "../src/node.js";
import { fixture, rejectedWith, runCli, tempDir, thrownBy, vcfText } from "./helpers.js";

const FULL = {
  age: 34,
  sex: "female",
  telomereLengthPercentile: 0.5,
  pnhCloneSize: 0.12,
  priorTherapy: ["hatg", "cyclosporine", "eltrombopag"],
  plannedDonor: "matched-unrelated",
} as const;

const errorOf = thrownBy;
const rejection = rejectedWith;

describe("PatientContextSchema", () => {
  it("takes every field, and none", () => {
    expect(PatientContextSchema.parse(FULL)).toEqual(FULL);
    expect(PatientContextSchema.parse({})).toEqual({});
    for (const therapy of ["hatg", "ratg", "cyclosporine", "eltrombopag", "romiplostim", "hsct", "androgen"]) {
      expect(PatientContextSchema.safeParse({ priorTherapy: [therapy] }).success).toBe(true);
    }
    for (const donor of ["matched-sibling", "matched-unrelated", "haploidentical", "cord", "none"]) {
      expect(PatientContextSchema.safeParse({ plannedDonor: donor }).success).toBe(true);
    }
  });

  it("checks the bounds of each number, ends included", () => {
    const ok = (value: object) => PatientContextSchema.safeParse(value).success;
    expect([ok({ age: 0 }), ok({ age: 130 }), ok({ age: 0.5 })]).toEqual([true, true, true]);
    expect([ok({ age: -1 }), ok({ age: 130.5 }), ok({ age: Number.NaN }), ok({ age: Number.POSITIVE_INFINITY })]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([ok({ telomereLengthPercentile: 0 }), ok({ telomereLengthPercentile: 100 })]).toEqual([true, true]);
    expect([ok({ telomereLengthPercentile: -0.1 }), ok({ telomereLengthPercentile: 101 })]).toEqual([false, false]);
    expect([ok({ pnhCloneSize: 0 }), ok({ pnhCloneSize: 1 })]).toEqual([true, true]);
    // A percentage where a fraction is asked for is an error, not silently read as 45%.
    expect([ok({ pnhCloneSize: 45 }), ok({ pnhCloneSize: -0.01 })]).toEqual([false, false]);
  });

  it("refuses unknown fields, values and types", () => {
    const ok = (value: unknown) => PatientContextSchema.safeParse(value).success;
    expect(ok({ agee: 30 })).toBe(false);
    expect(ok({ sex: "M" })).toBe(false);
    expect(ok({ priorTherapy: ["ATG"] })).toBe(false);
    expect(ok({ priorTherapy: "hatg" })).toBe(false);
    expect(ok({ plannedDonor: "sibling" })).toBe(false);
    expect(ok({ age: "34" })).toBe(false);
    expect(ok(["age", 34])).toBe(false);
    expect(ok(null)).toBe(false);
  });
});

describe("parseContext", () => {
  it("returns the typed context", () => {
    expect(parseContext(FULL, "patient.json")).toEqual(FULL);
  });

  it("names the file and the field (E_OPTIONS)", () => {
    const error = errorOf(() => parseContext({ age: 131 }, "patient.json"));
    expect(error.code).toBe("E_OPTIONS");
    expect(error.location).toEqual({ file: "patient.json", field: "age" });
    expect(error.message).toMatch(/^patient\.json: age: .*130/);

    const item = errorOf(() => parseContext({ priorTherapy: ["hatg", "steroids"] }, "patient.json"));
    expect(item.location.field).toBe("priorTherapy.1");

    const unknown = errorOf(() => parseContext({ age: 3, telomerePercentile: 1 }, "patient.json"));
    expect(unknown.location.field).toBe("telomerePercentile");
    expect(unknown.message).toMatch(/unknown context field "telomerePercentile" \(expected: age, sex, telomereLengthPercentile/);

    const notObject = errorOf(() => parseContext("age: 3", "patient.json"));
    expect(notObject.location).toEqual({ file: "patient.json", field: "context" });
  });

  it("without a file, names the field as an option; with a line finder, the line", () => {
    expect(errorOf(() => parseContext({ pnhCloneSize: 2 })).location).toEqual({ field: "options.context.pnhCloneSize" });
    const error = errorOf(() => parseContext({ sex: "x" }, "c.yaml", (path) => (path[0] === "sex" ? 7 : undefined)));
    expect(error.location).toEqual({ file: "c.yaml", line: 7, field: "sex" });
    expect(error.message).toMatch(/^c\.yaml:7: sex: /);
  });
});

describe("effectiveSex", () => {
  it("the context's sex replaces the option; the same answer twice is fine; two answers are an error", () => {
    expect(effectiveSex(undefined, { sex: "male" })).toBe("male");
    expect(effectiveSex("female", {})).toBe("female");
    expect(effectiveSex("female", { sex: "female" })).toBe("female");
    expect(errorOf(() => effectiveSex("female", { sex: "male" })).code).toBe("E_OPTIONS");
  });
});

const PIGA_HET = vcfText(["chrX\t15332375\t.\tG\tA\t50\tPASS\t.\tGT:AD:DP\t0/1:40,20:60"]);

describe("options.context", () => {
  it("is validated with the other options (E_OPTIONS naming options.context.<field>)", async () => {
    const error = await rejection(annotate({ text: PIGA_HET }, { context: { age: 200 } }));
    expect(error.code).toBe("E_OPTIONS");
    expect(error.location.field).toBe("options.context.age");
    const unknown = await rejection(annotate({ text: PIGA_HET }, { context: { donor: "cord" } as never }));
    expect(unknown.location.field).toBe("options.context");
    expect(unknown.message).toMatch(/donor/);
  });

  it("refuses options.sex and a context sex that differ", async () => {
    const error = await rejection(annotate({ text: PIGA_HET }, { sex: "female", context: { sex: "male" } }));
    expect(error.code).toBe("E_OPTIONS");
    expect(error.location.field).toBe("options.context.sex");
    expect(error.message).toMatch(/"male".*"female"/);
    // The same answer twice is not a conflict.
    await expect(annotate({ text: PIGA_HET }, { sex: "male", context: { sex: "male" } })).resolves.toBeDefined();
  });

  it("a context sex reads chrX calls as options.sex does", async () => {
    // The demo's PIGA stop, made homozygous: in a male, origin reads it as hemizygous.
    const text = gunzipSync(readFileSync(fixture("demo.vcf.gz")))
      .toString("utf8")
      .replace("0/1:141,9:150:0.06", "1/1:2,148:150:0.99");
    const piga = (report: Awaited<ReturnType<typeof annotate>>) => report.samples[0]!.findings.filter((f) => f.gene.symbol === "PIGA");
    const unknownSex = piga(await annotate({ text }));
    const bySex = piga(await annotate({ text }, { sex: "male" }));
    const byContext = piga(await annotate({ text }, { context: { sex: "male" } }));
    expect(unknownSex[0]!.origin.reasons.join(" ")).not.toMatch(/in a male/);
    expect(bySex[0]!.origin.reasons.join(" ")).toMatch(/on chrX in a male/);
    expect(byContext).toEqual(bySex);
  });
});

describe("marrowscope annotate --context", () => {
  let dir: string;
  let vcf: string;
  beforeAll(() => {
    if (process.env.MARROWSCOPE_BUILD_ERROR) throw new Error(`build failed:\n${process.env.MARROWSCOPE_BUILD_ERROR}`);
    dir = tempDir();
    vcf = join(dir, "in.vcf");
    writeFileSync(vcf, PIGA_HET);
  });
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads a YAML and a JSON context (exit 0)", async () => {
    const yaml = write("ctx.yaml", "age: 34\nsex: male\npriorTherapy:\n  - hatg\n  - cyclosporine\nplannedDonor: matched-sibling\n");
    const json = write(
      "ctx.json",
      JSON.stringify({ age: 34, sex: "male", priorTherapy: ["hatg", "cyclosporine"], plannedDonor: "matched-sibling" }),
    );
    const [a, b, bySex] = await Promise.all([
      runCli(["annotate", vcf, "--context", yaml]),
      runCli(["annotate", vcf, "--context", json]),
      runCli(["annotate", vcf, "--sex", "male"]),
    ]);
    expect([a.code, a.stderr]).toEqual([0, ""]);
    expect([b.code, b.stderr]).toEqual([0, ""]);
    expect(a.stdout).toBe(b.stdout);
    const findings = (text: string) => JSON.parse(text).samples[0].findings;
    expect(findings(a.stdout)).toEqual(findings(bySex.stdout));
  });

  it("bad YAML: exit 2 naming the file and line", async () => {
    const path = write("bad.yaml", "age: 34\nsex: [male\nplannedDonor: cord\n");
    const r = await runCli(["annotate", vcf, "--context", path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^marrowscope: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: not valid YAML`));
  });

  it("a YAML field out of bounds: exit 2 naming file, line and field", async () => {
    const path = write("old.yaml", "# patient 7\nsex: female\nage: 140\n");
    const r = await runCli(["annotate", vcf, "--context", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:3: age: `);
    const therapy = write("therapy.yaml", "priorTherapy:\n  - hatg\n  - steroids\n");
    const t = await runCli(["annotate", vcf, "--context", therapy]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(`${therapy}:3: priorTherapy.1: `);
  });

  it("bad JSON: exit 2 naming the file and line; a bad field: file and field", async () => {
    const path = write("bad.json", '{\n  "age": 34,\n  "sex": "male",\n}\n');
    const r = await runCli(["annotate", vcf, "--context", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^marrowscope: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4: not valid JSON`));
    const field = write("field.json", JSON.stringify({ telomereLengthPercentile: 150 }));
    const f = await runCli(["annotate", vcf, "--context", field]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`${field}: telomereLengthPercentile: `);
  });

  it("a missing file, and --sex against the context's sex: exit 2", async () => {
    const missing = await runCli(["annotate", vcf, "--context", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: --context: cannot read context file: ENOENT/);
    const ctx = write("female.json", JSON.stringify({ sex: "female" }));
    const conflict = await runCli(["annotate", vcf, "--sex", "male", "--context", ctx]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/options\.context\.sex: the patient context says "female" but options\.sex is "male"/);
  });
});
