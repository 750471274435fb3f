import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { annotate, toFHIR, toHTML, toMarkdown, toPhenopacket } from "../src/node.js";
import { jsonChunks, ndjsonChunks, tsvChunks } from "../src/report/emit.js";
import { ReportSchema } from "../src/report/schema.js";
import { fixture, runCli, tempDir, vcfText } from "./helpers.js";

beforeAll(() => {
  if (process.env.MARROWSCOPE_BUILD_ERROR) throw new Error(`build failed:\n${process.env.MARROWSCOPE_BUILD_ERROR}`);
});

const DEMO = fixture("demo.vcf.gz");

describe("marrowscope annotate (demo fixture)", () => {
  it("prints a JSON report that holds the TERT, PIGA and DNMT3A findings", async () => {
    const { code, stdout, stderr } = await runCli(["annotate", DEMO]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(stdout));
    expect(report.input).toMatchObject({ name: "demo.vcf.gz", assembly: "GRCh38", strategy: "index", samples: ["PATIENT_01"] });
    expect(report.input.assemblyEvidence).toMatch(/contig lengths/);
    const findings = report.samples[0]!.findings;
    const byGene = new Map(findings.map((f) => [f.gene.symbol, f]));
    expect([...byGene.keys()].sort()).toEqual(["DNMT3A", "PIGA", "TERT"]);
    expect(byGene.get("TERT")!.variant).toMatchObject({ chrom: "chr5", pos: 1294000, ref: "AG", alt: "A" });
    expect(byGene.get("TERT")!.call).toMatchObject({ genotype: "0/1", vaf: 0.4839, vafSource: "FORMAT/AD", depth: 62, altDepth: 30 });
    expect(byGene.get("TERT")!.consequence?.terms).toContain("frameshift_variant");
    expect(byGene.get("PIGA")!.call.vaf).toBe(0.06);
    expect(byGene.get("PIGA")!.consequence?.terms).toContain("stop_gained");
    const dnmt3a = byGene.get("DNMT3A")!;
    expect(dnmt3a.variant).toMatchObject({ chrom: "chr2", pos: 25234373, ref: "C", alt: "T" });
    expect(dnmt3a.call.vaf).toBe(0.12);
    expect(dnmt3a.consequence?.hgvsp).toBe("ENSP00000324375.5:p.Arg882His");
    expect(dnmt3a.geneSource).toBe("both");
    expect(report.disclaimer).toBe("Research use only; not a diagnosis.");
  });

  it("validates against the schema that `marrowscope schema` prints", async () => {
    const [{ stdout: reportText }, { stdout: schemaText, code }] = await Promise.all([runCli(["annotate", DEMO]), runCli(["schema"])]);
    expect(code).toBe(0);
    const jsonSchema = JSON.parse(schemaText);
    expect(jsonSchema.title).toBe("marrowscope report v1");
    const fromJsonSchema = z.fromJSONSchema(jsonSchema);
    expect(fromJsonSchema.safeParse(JSON.parse(reportText)).success).toBe(true);
    expect(fromJsonSchema.safeParse({ schemaVersion: 2 }).success).toBe(false);
  });

  it("gives byte-identical output on repeated runs and in scan mode", async () => {
    const a = await runCli(["annotate", DEMO]);
    const b = await runCli(["annotate", DEMO]);
    expect(a.stdout).toBe(b.stdout);
    const scan = await runCli(["annotate", DEMO, "--strategy", "scan"]);
    const strip = (text: string) => {
      const r = JSON.parse(text);
      r.input.strategy = "-";
      r.input.recordsRead = 0;
      for (const s of r.samples) for (const f of s.findings) delete f.source.line;
      return r;
    };
    expect(strip(scan.stdout)).toEqual(strip(a.stdout));
    const scanned = JSON.parse(scan.stdout);
    expect(scanned.input.strategy).toBe("scan");
    expect(scanned.input.recordsRead).toBe(7);
    // The index path reads only the blocks over the panel's regions: 3 of the 7 records.
    expect(JSON.parse(a.stdout).input.recordsRead).toBe(3);
  });

  it("writes TSV and NDJSON to a file with -o", async () => {
    const dir = tempDir();
    const tsv = join(dir, "out.tsv");
    const r = await runCli(["annotate", DEMO, "-f", "tsv", "-o", tsv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const rows = readFileSync(tsv, "utf8").trimEnd().split("\n");
    expect(rows[0]).toMatch(/^# Research use only; not a diagnosis\./);
    const header = rows[2]!.split("\t");
    const genes = rows.slice(3).map((row) => row.split("\t")[header.indexOf("gene")]);
    expect(genes.sort()).toEqual(["DNMT3A", "PIGA", "TERT"]);
    const nd = await runCli(["annotate", DEMO, "-f", "ndjson"]);
    const objects = nd.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(objects[0].type).toBe("run");
    expect(objects.filter((o) => o.type === "finding")).toHaveLength(3);
  });
});

describe("marrowscope annotate -f md|html|fhir|phenopacket: the library's text, byte for byte", () => {
  for (const [format, render] of [
    ["md", toMarkdown],
    ["html", toHTML],
    ["fhir", toFHIR],
    ["phenopacket", toPhenopacket],
  ] as const) {
    it(format, async () => {
      const r = await runCli(["annotate", DEMO, "-f", format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(render(await annotate(DEMO)));
    });
  }

  it("-f vcf refuses --strategy index (it writes every record, so it scans)", async () => {
    const r = await runCli(["annotate", DEMO, "-f", "vcf", "--strategy", "index"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-f vcf writes every record of the input, so it scans/);
  });
});

describe("errors: one stderr line naming the file, exit 3", () => {
  const oneLine = (stderr: string) => {
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    return lines[0]!;
  };

  it("missing file", async () => {
    const r = await runCli(["annotate", "no/such/file.vcf.gz"]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe("marrowscope: no/such/file.vcf.gz: cannot read: no such file");
  });

  it("non-VCF file", async () => {
    const r = await runCli(["annotate", "package.json"]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^marrowscope: package\.json:1: fileformat: not a VCF file/);
  });

  it("truncated .gz", async () => {
    const dir = tempDir();
    const path = join(dir, "cut.vcf.gz");
    const bytes = readFileSync(DEMO);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await runCli(["annotate", path, "--strategy", "scan"]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/cut\.vcf\.gz: compressed data ends early \(truncated \.gz file\?\)$/);
    const v = await runCli(["validate", path]);
    expect(v.code).toBe(3);
    expect(oneLine(v.stderr)).toMatch(/cut\.vcf\.gz/);
  });

  it("bad record names file, line and field", async () => {
    const dir = tempDir();
    const path = join(dir, "bad.vcf");
    const text = readFileSync(DEMO);
    const { gunzipSync } = await import("node:zlib");
    const lines = gunzipSync(text).toString().split("\n");
    const at = lines.findIndex((l) => l.startsWith("chr3\t"));
    lines[at] = lines[at]!.replace("12345678", "12a4");
    writeFileSync(path, lines.join("\n"));
    const r = await runCli(["validate", path]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(`marrowscope: ${path}:${at + 1}: POS: expected a positive integer, found "12a4"`);
    const lenient = await runCli(["validate", path, "--lenient"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain(`${path}:${at + 1}: POS`);
    expect(lenient.stdout).toMatch(/7 records .*1 bad record\(s\) skipped, 1 warning\(s\)\n$/);
    // -q keeps stderr quiet; the count still comes from every warning.
    const quiet = await runCli(["validate", path, "--lenient", "-q"]);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toMatch(/1 bad record\(s\) skipped, 1 warning\(s\)\n$/);
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["annotate"])).code).toBe(2);
    expect((await runCli(["annotate", DEMO, "-f", "xml"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/annotate/);
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("validate passes the demo", async () => {
    const r = await runCli(["validate", DEMO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok: VCFv4\.2, bgzf, 7 records/);
  });
});

describe("marrowscope panel / custom panels", () => {
  it("panel export holds every gene with a category and at least one citation", async () => {
    const r = await runCli(["panel", "export"]);
    expect(r.code).toBe(0);
    const panel = JSON.parse(r.stdout);
    expect(panel.genes.length).toBeGreaterThanOrEqual(80);
    for (const gene of panel.genes) {
      expect(gene.category, gene.symbol).toMatch(/^(telomere|inherited-bmf|aa-clonal|myeloid-driver|hla-immune)$/);
      expect(gene.evidence.length, gene.symbol).toBeGreaterThan(0);
      for (const e of gene.evidence) expect(panel.citations[e.citation], `${gene.symbol} ${e.citation}`).toBeDefined();
    }
    const symbols = new Set(panel.genes.map((g: { symbol: string }) => g.symbol));
    for (const s of ["TERT", "TERC", "DKC1", "PIGA", "BCOR", "DNMT3A", "TP53", "FANCA", "FANCB", "RAD51", "GATA2", "DDX41", "HLA-A"]) {
      expect(symbols.has(s), s).toBe(true);
    }
  });

  it("a misspelled field fails with exit 4 and the field's path", async () => {
    const r = await runCli(["panel", "validate", "fixtures/panels/misspelled-field.json"]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim()).toMatch(
      /^marrowscope: fixtures\/panels\/misspelled-field\.json: genes\[0\]\.evidense: unknown field "evidense"/,
    );
    const annotateWithBadPanel = await runCli(["annotate", DEMO, "--panel", "fixtures/panels/misspelled-field.json"]);
    expect(annotateWithBadPanel.code).toBe(4);
  });

  it("a panel extending the builtin one adds a gene that yields findings", async () => {
    const vcf = fixture("panels", "elane-frameshift.vcf");
    const without = JSON.parse((await runCli(["annotate", vcf])).stdout);
    expect(without.samples[0].findings).toEqual([]);
    const r = await runCli(["annotate", vcf, "--panel", "fixtures/panels/extends-add-gene.json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.panel.id).toBe("local-extension");
    const findings = report.samples[0].findings;
    expect(findings.map((f: { gene: { symbol: string } }) => f.gene.symbol)).toEqual(["ELANE"]);
    expect(findings[0].ruleIds).toEqual(["ELANE.LOF.GERMLINE"]);
    expect(findings[0].classification).toBe("uncertain");
  });
});

describe("YAML panels", () => {
  it("a YAML panel works like its JSON twin", async () => {
    const vcf = fixture("panels", "elane-frameshift.vcf");
    const json = JSON.parse((await runCli(["annotate", vcf, "--panel", "fixtures/panels/extends-add-gene.json"])).stdout);
    const yaml = JSON.parse((await runCli(["annotate", vcf, "--panel", "fixtures/panels/extends-add-gene.yaml"])).stdout);
    expect(yaml.panel).toEqual(json.panel);
    expect(yaml.samples).toEqual(json.samples);
  });

  it("broken YAML fails with exit 4 naming file and line", async () => {
    const r = await runCli(["panel", "validate", "fixtures/panels/broken.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim()).toMatch(
      /^marrowscope: fixtures\/panels\/broken\.yaml:2: not valid YAML: Nested mappings are not allowed in compact mappings$/,
    );
  });
});

describe("--min-vaf", () => {
  it("drops calls below the fraction (PIGA at 0.06), keeps the rest", async () => {
    const r = JSON.parse((await runCli(["annotate", DEMO, "--min-vaf", "0.1"])).stdout);
    expect(r.samples[0].findings.map((f: { gene: { symbol: string } }) => f.gene.symbol).sort()).toEqual(["DNMT3A", "TERT"]);
    expect((await runCli(["annotate", DEMO, "--min-vaf", "2"])).code).toBe(2);
  });
});

describe("a report larger than one write batch (1 MiB)", () => {
  // 2,000 DNMT3A stop-gains (most become findings): a report of several MB, written in several batches through one reused
  // buffer. A batch written before the last one finished, or a buffer refilled too early,
  // would show here as bytes that differ from the library's own rendering.
  const CSQ =
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|MANE_SELECT|HGNC_ID|gnomADe_AF|CLIN_SIG">';
  const records = Array.from(
    { length: 2000 },
    (_, i) =>
      `chr2\t${25240000 + i * 7}\t.\tC\tT\t60\tPASS\tCSQ=T|stop_gained|HIGH|DNMT3A|ENSG00000119772|ENST00000321117.10|protein_coding|ENST00000321117.10:c.${100 + i}C>T|p.Arg${40 + i}Ter|YES|NM_022552.5|HGNC:2978||\tGT:AD:DP\t0/1:${60 + (i % 40)},${10 + (i % 30)}:${70 + (i % 40) + (i % 30)}`,
  );

  it("is written whole and byte-identical, to a file and to stdout, in every format", async () => {
    const dir = tempDir();
    const vcf = join(dir, "large.vcf");
    writeFileSync(vcf, vcfText(records, { meta: [CSQ] }));
    const report = await annotate(vcf);
    expect(report.samples[0]!.findings.length).toBeGreaterThan(1000);
    const expected = { json: jsonChunks(report), ndjson: ndjsonChunks(report), tsv: tsvChunks(report) };
    for (const [format, chunks] of Object.entries(expected)) {
      const text = [...chunks].join("");
      if (format === "json") expect(text.length).toBeGreaterThan(3 * 1024 * 1024);
      const out = join(dir, `report.${format}`);
      const [toFile, toStdout] = await Promise.all([
        runCli(["annotate", vcf, "-f", format, "-o", out, "-q"]),
        runCli(["annotate", vcf, "-f", format, "-q"]),
      ]);
      expect(toFile.code).toBe(0);
      expect(readFileSync(out, "utf8") === text).toBe(true);
      expect(toStdout.code).toBe(0);
      expect(toStdout.stdout === text).toBe(true);
    }
  });
});
