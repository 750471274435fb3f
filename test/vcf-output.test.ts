/**
 * The annotated VCF (issue 20): the input's header and records unchanged apart from marrowscope's
 * INFO fields, read by bcftools view (no warning) and split by bcftools +split-vep, BGZF that tabix
 * indexes when -o ends in .gz, deterministic.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toVCF as toVcfBrowser } from "../src/index.js";
import { annotate } from "../src/node.js";
import { vcfValue } from "../src/report/vcf.js";
import { fileLines } from "../src/vcf/node-lines.js";
import { expectSameApartFromOurs, linesOf } from "./format-checks.js";
import { FIXTURES, runCli, SHARED, tempDir, validationCases, vcfText } from "./helpers.js";

const hasBcftools = spawnSync("bcftools", ["--version"]).status === 0;
const SCOUT = join(SHARED, "corpus/scout/scout/demo/cancer_test.vcf.gz");

describe.skipIf(!hasBcftools)("annotated VCF (-f vcf)", () => {
  for (const [name, file, args] of [
    ["the demo", join(FIXTURES, "demo.vcf.gz"), []],
    ["scout's cancer_test.vcf.gz (tumour/normal, VEP CSQ)", SCOUT, ["--tumor", "999-99", "--normal", "998-99", "--assembly", "GRCh37"]],
  ] as const) {
    it.skipIf(!existsSync(file))(
      `${name}: bcftools reads it, +split-vep splits it, records and samples unchanged`,
      async () => {
        const dir = tempDir("vcf-out-");
        const out = join(dir, "out.vcf.gz");
        const run = await runCli(["annotate", file, "-f", "vcf", "-o", out, ...args]);
        expect(run.code, run.stderr).toBe(0);
        // bcftools view reads it without a word on stderr; tabix indexes the BGZF.
        // (scout's own file draws htslib warnings, e.g. INFO/DB undeclared: the output adds none.)
        const view = spawnSync("bcftools", ["view", "-H", out], { encoding: "utf8" });
        expect(view.status).toBe(0);
        expect(view.stderr).toBe(spawnSync("bcftools", ["view", "-H", file], { encoding: "utf8" }).stderr);
        execFileSync("tabix", ["-p", "vcf", out]);
        // +split-vep: the fields, and one line per finding, equal to the JSON report's.
        const fields = execFileSync("bcftools", ["+split-vep", "-a", "MSCOPE", "-l", out], { encoding: "utf8" });
        expect(fields).toMatch(/^0\tAllele\n1\tConsequence\n2\tGene\n/);
        const split = execFileSync(
          "bcftools",
          ["+split-vep", "-a", "MSCOPE", "-f", "%CHROM:%POS %Gene %Sample %Classification\\n", "-d", out],
          {
            encoding: "utf8",
          },
        );
        const report = JSON.parse((await runCli(["annotate", file, "--strategy", "scan", ...args])).stdout) as {
          samples: {
            findings: {
              variant: { chrom: string; pos: number };
              gene: { symbol: string };
              sample: string;
              classification: string;
              event?: unknown;
            }[];
          }[];
        };
        const want = report.samples
          .flatMap((s) => s.findings)
          .map((f) => `${f.variant.chrom}:${f.variant.pos} ${f.gene.symbol} ${f.sample} ${f.classification}`)
          .sort();
        expect(split.trim().split("\n").sort()).toEqual(want);
        expect(want.length).toBeGreaterThanOrEqual(3);
        const annotated = expectSameApartFromOurs(file, out);
        expect(annotated).toBeGreaterThanOrEqual(3);
        // --only-findings: the header and the records with a finding, nothing else.
        const only = join(dir, "only.vcf");
        await runCli(["annotate", file, "-f", "vcf", "--only-findings", "-o", only, ...args]);
        const records = linesOf(only).filter((l) => l && !l.startsWith("#"));
        expect(records.length).toBe(annotated);
        expect(records.every((l) => l.split("\t")[7]!.includes("MSCOPE="))).toBe(true);
        // Same input, same bytes.
        const again = join(dir, "again.vcf.gz");
        await runCli(["annotate", file, "-f", "vcf", "-o", again, ...args]);
        expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
      },
      60_000,
    );
  }

  it("exports every clinical validation case: each finding in one chunk, everything else unchanged", async () => {
    const out = tempDir("vcf-cases-");
    let chunks = 0;
    for (const c of validationCases()) {
      const file = c.path;
      const report = await annotate(file, { ...c.options, strategy: "scan" });
      const text = await toVcfBrowser(report, fileLines(file));
      // Arm-level events too: their chunk's Gene is the event label.
      const findings = report.samples.flatMap((s) => s.findings).length;
      const written = text
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .map((l) => /(?:^|;)MSCOPE=([^;\t]*)/.exec(l.split("\t")[7] ?? "")?.[1])
        .filter((v): v is string => v !== undefined)
        .reduce((n, v) => n + v.split(",").length, 0);
      expect(written, c.file).toBe(findings);
      const target = join(out, c.file.replace(/\.gz$/, ""));
      writeFileSync(target, text);
      expectSameApartFromOurs(file, target);
      chunks += written;
    }
    expect(chunks).toBeGreaterThan(100);
  }, 120_000);

  it("the library writes it from lines in the default entry; values are percent-encoded", async () => {
    const text = vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\tDP=100\tGT:AD:DP\t0/1:88,12:100"]);
    const report = await annotate({ text, name: "x.vcf" }, { assembly: "GRCh38", strategy: "scan" });
    const out = await toVcfBrowser(report, text.split("\n").slice(0, -1));
    const record = out.split("\n").find((l) => l.startsWith("chr2"))!;
    expect(record.split("\t")[7]).toMatch(/^DP=100;MSCOPE=T\|missense_variant\|DNMT3A\|/);
    // Annotating the annotated file again replaces, not doubles, marrowscope's lines and keys.
    const again = await annotate({ text: out, name: "x.vcf" }, { assembly: "GRCh38", strategy: "scan" });
    expect(await toVcfBrowser(again, out.split("\n").slice(0, -1))).toBe(out);
    expect(vcfValue("a;b=c,d%e|f&g h\ti\nj:k")).toBe("a%3Bb%3Dc%2Cd%25e%7Cf%26g%20h%09i%0Aj%3Ak");
  });
});

describe("review fixes (issue 20)", () => {
  it("-o onto the input is refused, and the input is left whole", async () => {
    const dir = tempDir("vcf-same-");
    const file = join(dir, "in.vcf");
    const text = vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100"]);
    writeFileSync(file, text);
    const r = await runCli(["annotate", file, "--assembly", "GRCh38", "-f", "vcf", "-o", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o must not be the input file/);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("control characters and separators from the input are percent-encoded in MSCOPE", () => {
    expect(vcfValue("a\u0000b\u001fc\u007fd")).toBe("a%00b%1Fc%7Fd");
  });

  it("arm-level events reach the annotated VCF, FHIR and Phenopackets (monosomy 7, v47)", async () => {
    const c = validationCases().find((x) => x.file.startsWith("v47-"))!;
    const report = await annotate(c.path, { ...c.options, strategy: "scan" });
    const event = report.samples.flatMap((s) => s.findings).find((f) => f.event)!;
    expect(event.event?.label).toBe("-7");
    const vcf = await toVcfBrowser(report, fileLines(c.path));
    expect(vcf).toMatch(/MSCOPE=<DEL>\|[^|]*\|-7\|/);
    const fhir = JSON.stringify((await import("../src/node.js")).toFHIRBundle(report));
    expect(fhir).toContain("-7: chromosome-arm loss");
    const packet = JSON.parse((await import("../src/node.js")).toPhenopacket(report));
    expect(JSON.stringify(packet)).toMatch(/"label":"-7 /);
  });
});
