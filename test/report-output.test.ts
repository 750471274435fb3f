/**
 * Report output at volume: a panel-dense synthetic file (../shared/bench/make-vcf.mjs, every
 * record in a panel gene and VEP-annotated) makes more findings than build.ts validates at run
 * time, so the whole report is validated here; and the streamed emitters the CLI writes with
 * must give exactly the bytes of the one-string ones.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { annotate } from "../src/node.js";
import { builtinPanel } from "../src/panel/index.js";
import { buildReport, FINDINGS_VALIDATED } from "../src/report/build.js";
import { jsonChunks, ndjsonChunks, toJSON, toNDJSON, toTSV, tsvChunks } from "../src/report/emit.js";
import { type Finding, type Report, ReportSchema } from "../src/report/schema.js";
import { fixture, SHARED } from "./helpers.js";

const join0 = (chunks: Iterable<string>) => [...chunks].join("");

describe("a panel-dense report", () => {
  let report: Report;
  beforeAll(async () => {
    const text = execFileSync(
      process.execPath,
      [join(SHARED, "bench", "make-vcf.mjs"), "--records", "20000", "--panel-density", "1", "--csq-fraction", "1"],
      { encoding: "utf8", maxBuffer: 256 << 20 },
    );
    report = await annotate({ text }, { name: "dense.vcf", strategy: "scan" });
  }, 120_000);

  it("has more findings than the run-time validation budget, and all of them fit the schema", () => {
    const findings = report.samples.reduce((n, s) => n + s.findings.length, 0);
    expect(findings).toBeGreaterThan(FINDINGS_VALIDATED);
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });

  it("streams the same bytes as the one-string emitters", () => {
    expect(join0(jsonChunks(report))).toBe(toJSON(report));
    expect(join0(jsonChunks(report))).toBe(`${JSON.stringify(report, null, 2)}\n`);
    const lines = toNDJSON(report).trimEnd().split("\n");
    const findings = report.samples.reduce((n, s) => n + s.findings.length, 0);
    const notJudged = report.samples.filter((s) => s.notJudged).length;
    expect(lines.length).toBe(1 + findings + notJudged + report.samples.length + report.warnings.length);
    expect(join0(ndjsonChunks(report))).toBe(toNDJSON(report));
    expect(join0(tsvChunks(report))).toBe(toTSV(report));
  });
});

describe("jsonChunks", () => {
  it("writes what JSON.stringify writes, empty members and undefined values included", async () => {
    const demo = await annotate(fixture("demo.vcf.gz"));
    expect(join0(jsonChunks(demo))).toBe(`${JSON.stringify(demo, null, 2)}\n`);
    const odd = {
      a: undefined,
      b: [],
      c: {},
      samples: [{ findings: [undefined, { x: [1, { y: "line\nbreak" }] }, null], empty: [], gone: undefined }],
      d: "é\u2028",
      e: [undefined, () => 1],
      // Written whole (not member by member): the same text.
      warnings: [{ code: "W", location: { line: undefined, field: [1, undefined, { z: {} }] } }, {}],
      tool: { name: "m", nested: { deeper: [[], [{}], { k: null }] } },
    } as unknown as Report;
    expect(join0(jsonChunks(odd))).toBe(`${JSON.stringify(odd, null, 2)}\n`);
  });
});

describe("buildReport", () => {
  it("still rejects a finding that breaks the schema, naming its path", async () => {
    const demo = await annotate(fixture("demo.vcf.gz"));
    const sample = demo.samples[0]!;
    const bad = { ...sample.findings[0]!, classification: "very-bad" } as unknown as Finding;
    const parts = { panel: builtinPanel, input: demo.input, warnings: [] };
    expect(() => buildReport({ ...parts, samples: [{ ...sample, findings: [sample.findings[0]!, bad] }] })).toThrow(
      /internal error: report fails its schema at samples\.0\.findings\.1\.classification/,
    );
    expect(() => buildReport({ ...parts, samples: [sample] })).not.toThrow();
  });
});
