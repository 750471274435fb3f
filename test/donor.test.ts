/**
 * `marrowscope donor` / `checkDonor` (issue 22): the demo patient's TERT frameshift (unknown
 * origin, a germline reading) against three related donors made from the demo: one who carries
 * it (0/1), one called reference there (0/0), one whose variants-only file has no call there; and
 * the donor's own DNMT3A clone. Published practice the panel cites: genotype related donors for
 * the familial telomere-gene variant before using them (the TERT rule's DONOR_SCREENING evidence).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkDonor, donorMarkdown } from "../src/node.js";
import { FIXTURES, runCli, tempDir } from "./helpers.js";

const DEMO = join(FIXTURES, "demo.vcf.gz");
const demoLines = () => gunzipSync(readFileSync(DEMO)).toString("utf8").split("\n");

/** The demo as a donor: the TERT record's genotype set (or the record dropped), other records kept. */
function donor(dir: string, name: string, tert: "0/1" | "0/0" | "absent"): string {
  const lines = demoLines()
    .filter((l) => !(tert === "absent" && l.startsWith("chr5\t1294000\t")))
    .map((l) =>
      l.startsWith("chr5\t1294000\t")
        ? l.replace(/\t0\/1:32,30:62:[^\t]*$/, tert === "0/1" ? "\t0/1:31,29:60:0.48" : "\t0/0:58,0:58:0")
        : l,
    )
    .map((l) => l.replace("PATIENT_01", "DONOR_01"));
  const path = join(dir, `${name}.vcf`);
  writeFileSync(path, lines.join("\n"));
  return path;
}

describe("related donor", () => {
  it("carries, does not carry, not covered; the donor's own clone; cited statements", async () => {
    const dir = tempDir("donor-");
    expect(demoLines().find((l) => l.startsWith("chr5\t1294000\t"))).toMatch(/\t0\/1:32,30:62:/);
    const results = await Promise.all(
      (["0/1", "0/0", "absent"] as const).map((t) => checkDonor(DEMO, donor(dir, `d${t.replace("/", "")}`, t))),
    );
    const tert = results.map((r) => r.checks.find((c) => c.gene === "TERT")!.donor);
    expect(tert[0]).toEqual({ status: "carries", genotype: "0/1", depth: 60, vaf: 0.4833 });
    expect(tert[1]).toEqual({ status: "does-not-carry", genotype: "0/0", depth: 58 });
    expect(tert[2]).toEqual({ status: "not-covered" });
    // Only the patient's germline/unknown findings are checked: not the somatic DNMT3A and PIGA clones.
    expect(results[0]!.checks.map((c) => c.gene)).toEqual(["TERT"]);
    const statement = results[0]!.checks[0]!.statements[0]!;
    expect(statement.statement).toMatch(/genotyping related donors for the familial variant/);
    expect(statement.citations.length).toBeGreaterThan(0);
    // The donor's own clonal findings (the demo's DNMT3A R882H at 12%, PIGA at 6%).
    expect(results[0]!.donorClonalFindings.map((f) => f.gene).sort()).toEqual(["DNMT3A", "PIGA"]);
    const md = donorMarkdown(results[2]!);
    expect(md).toMatch(/\| TERT \| .* \| \*\*not-covered\*\* \|/);
    expect(md).toContain("Research use only; not a diagnosis.");
    // The CLI gives the same JSON.
    const cli = await runCli(["donor", DEMO, join(dir, "d01.vcf")]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(results[0])));
  }, 60_000);
});
