/**
 * `validate` as strict as the spec (issue 23): the header rules about ##META, ##SAMPLE,
 * ##PEDIGREE, ##assembly/##pedigreeDB URLs, repeated IDs and VCF 4.1/4.2 spellings, POS past a
 * contig's length, and the counts and every-occurrence report of `strictSpec`. Each rule is
 * checked on a file that breaks it and on one that does not, and reading (readVariants,
 * annotate's reader) is checked to warn at most, and only where the rule is not `validate`'s own.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Warning } from "../src/errors.js";
import { validate } from "../src/index.js";
import { browserResolvers, describeProblems, readVariantsWith, type ValidateSettings, validateWith } from "../src/read.js";
import { checkUrl } from "../src/vcf/conformance.js";
import { rejectedWith, runCli, tempDir } from "./helpers.js";

const COLUMNS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO";

/** A VCF of the given version: meta lines, then #CHROM (with FORMAT and S1 when `samples`), then records. */
function vcf(version: string, meta: readonly string[], records: readonly string[] = [], samples = false): string {
  const header = samples ? `${COLUMNS}\tFORMAT\tS1` : COLUMNS;
  return `${[`##fileformat=VCFv${version}`, ...meta, header, ...records].join("\n")}\n`;
}

async function validated(text: string, settings: ValidateSettings = {}, strict = true) {
  const warnings: Warning[] = [];
  const result = await validateWith({ text, name: "t.vcf" }, { strict, onWarning: (w) => warnings.push(w) }, browserResolvers, settings);
  return { result, warnings };
}

/** What reading (no validate rules) warns about. */
async function readWarnings(text: string): Promise<Warning[]> {
  const warnings: Warning[] = [];
  for await (const _ of readVariantsWith({ text, name: "t.vcf" }, { onWarning: (w) => warnings.push(w) }, browserResolvers)) {
    // every record read
  }
  return warnings;
}

const brief = (warnings: readonly Warning[]) => warnings.map((w) => `${w.code} ${w.location.line}:${w.location.field}`);

describe("URLs in ##assembly and ##pedigreeDB (VCF 4.3 §1.4.6, §1.4.9)", () => {
  it("checks the host as RFC 3986/1123 read it", () => {
    expect(checkUrl("ftp://8080:8080/not-valid/host/to/file.fastq")).toMatch(/host "8080" is neither a host name/);
    expect(checkUrl("http://999.1.1.1/x")).toMatch(/host "999.1.1.1"/);
    expect(checkUrl("http://host:80a/x")).toMatch(/port "80a" is not a number/);
    expect(checkUrl("http://a b/x")).toMatch(/whitespace/);
    expect(checkUrl("GRCh38")).toMatch(/expected a URL/);
    expect(checkUrl("https://")).toMatch(/has no host/);
    for (const good of [
      "ftp://www.ebi.ac.uk:8080/valid/host/to/file.fastq",
      "http://123.0.1.2:8080/valid/host/to/file.fastq",
      "file:///data/ref/breakpoints.fa",
      "http://[::1]:8080/x",
      "s3://bucket/key.fa",
      "https://user@example.org./x?y#z",
      "doi:10.1000/182",
    ]) {
      expect(checkUrl(good), good).toBeUndefined();
    }
  });

  it("a malformed URL warns in validate and in reading; a value without a scheme only in validate", async () => {
    const text = vcf("4.3", ["##assembly=ftp://8080:8080/x.fa", "##pedigreeDB=<>", "##assembly=GRCh38"]);
    const { warnings } = await validated(text);
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 2:assembly", "W_VCF_SPEC 3:pedigreeDB", "W_VCF_SPEC 4:assembly"]);
    expect(warnings[0]!.message).toBe(
      't.vcf:2: assembly: ##assembly: URL "ftp://8080:8080/x.fa": host "8080" is neither a host name (whose last label starts with a letter) nor an IPv4 address',
    );
    expect(warnings[1]!.message).toMatch(/##pedigreeDB holds no URL$/);
    expect(warnings[2]!.message).toMatch(/expected a URL \(scheme:\/\/host\/path\), found "GRCh38"$/);
    expect(brief(await readWarnings(text))).toEqual(["W_VCF_SPEC 2:assembly", "W_VCF_SPEC 3:pedigreeDB"]);
  });

  it("valid URLs are silent", async () => {
    const text = vcf("4.2", ["##assembly=http://123.0.1.2:8080/a.fa", "##pedigreeDB=ftp://www.ebi.ac.uk:8080/p.db"]);
    expect((await validated(text)).warnings).toEqual([]);
  });
});

describe("##META, ##PEDIGREE, ##SAMPLE (VCF 4.3 §1.4, §1.4.8, §1.4.9; 4.1/4.2 §1.2.8, §1.2.9)", () => {
  it("##META needs Number=., Type=String and a bracketed Values list (4.3 on)", async () => {
    const good = "##META=<ID=Assay,Type=String,Number=.,Values=[WholeGenome, Exome]>";
    const bad = "##META=<ID=Disease,Number=N,Type=Int,Values=Raw read depth>";
    const { warnings } = await validated(vcf("4.3", [good, bad]));
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 3:META"]);
    expect(warnings[0]!.message).toMatch(
      /META Number must be "\.", found "N"; Type must be String, found "Int"; Values must be a list in square brackets, found "Raw read depth"$/,
    );
    expect(brief(await readWarnings(vcf("4.3", [bad])))).toEqual(["W_VCF_SPEC 2:META"]);
    // Before 4.3 a ##META line is a line the spec does not define.
    expect((await validated(vcf("4.2", [bad]))).warnings).toEqual([]);
  });

  it("##PEDIGREE needs an ID from 4.3 on, and names genomes with identifier characters (validate)", async () => {
    // The VCF 4.1/4.2 form has no ID (§1.2.9).
    expect(
      (await validated(vcf("4.2", ["##PEDIGREE=<Name_0=G0,Name_1=G1>", "##PEDIGREE=<Derived=Tumor,Original=Germline>"]))).warnings,
    ).toEqual([]);
    const text = vcf("4.3", [
      "##PEDIGREE=<ID=Child,Father=F,Mother=M>",
      "##PEDIGREE=<Original=Somebody>",
      "##PEDIGREE=<ID=Pedigree1,Father=Somebody,Mother=Somebody wrong>",
      "##PEDIGREE=<ID=Pedigree2,Name_0=Something,Name_1=Something:wrong>",
      "##PEDIGREE=<ID=Pedigree3,Original=Some,thing>",
    ]);
    const { warnings } = await validated(text);
    expect(brief(warnings)).toEqual([
      "W_VCF_SPEC 3:PEDIGREE.ID",
      "W_VCF_SPEC 4:PEDIGREE.Mother",
      "W_VCF_SPEC 5:PEDIGREE.Name_1",
      "W_VCF_SPEC 6:PEDIGREE",
    ]);
    expect(warnings[1]!.message).toMatch(/PEDIGREE Mother "Somebody wrong" holds characters other than letters, digits/);
    expect(warnings[3]!.message).toMatch(/"thing" in ##PEDIGREE is not a key=value pair$/);
    // Reading keeps the structural problems only.
    expect(brief(await readWarnings(text))).toEqual(["W_VCF_SPEC 3:PEDIGREE.ID", "W_VCF_SPEC 6:PEDIGREE"]);
  });

  it("VCF 4.1/4.2 ##SAMPLE has Genomes, unquoted (validate: W_VCF_VERSION); 4.3 frees the fields", async () => {
    const lines = [
      '##SAMPLE=<ID=S1,Genomes=G1;G2,Mixture=.3;.7,Description="fine">',
      '##SAMPLE=<ID=S2,Mixture=N1;N2,Description="no Genomes">',
      '##SAMPLE=<ID=S3,Genomes=G1;G2,Mixture="N1;N2",Description="quoted Mixture">',
      "##SAMPLE=<ID=NORMAL,SampleName=patient-1-normal>",
    ];
    const { warnings } = await validated(vcf("4.2", lines));
    expect(brief(warnings)).toEqual(["W_VCF_VERSION 3:SAMPLE", "W_VCF_VERSION 4:SAMPLE", "W_VCF_VERSION 5:SAMPLE"]);
    expect(warnings[1]!.message).toMatch(/SAMPLE Mixture is a quoted string; VCF 4.1\/4.2 give it as a ";"-separated list$/);
    expect(await readWarnings(vcf("4.2", lines))).toEqual([]);
    const v43 = await validated(vcf("4.3", [...lines, '##SAMPLE=<ID=S4,Genomes="G1,G2">', "##SAMPLE=<ID=1.*,Assay=WholeGenome>"]));
    expect(brief(v43.warnings)).toEqual(["W_VCF_SPEC 7:SAMPLE.ID"]);
    expect(v43.warnings[0]!.message).toMatch(/SAMPLE ID "1\.\*" holds characters other than/);
  });

  it('`##key=<"free text">` is a form the conformance suite passes', async () => {
    expect((await validated(vcf("4.1", ['##AnalysisTitle=<"FINRISK: exomes, obesity (DILGOM)">']))).warnings).toEqual([]);
  });
});

describe("IDs unique within their type (VCF 4.3 §1.4)", () => {
  const xd = '##INFO=<ID=XD,Number=1,Type=Integer,Description="Depth">';
  it("a redefinition that changes Type warns everywhere; an identical one only in validate; none before 4.3", async () => {
    const text = vcf("4.3", [xd, '##INFO=<ID=XD,Number=1,Type=String,Description="Depth">', xd.replace("Depth", "Depth again")]);
    const { warnings } = await validated(text);
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 3:INFO.XD", "W_VCF_SPEC 4:INFO.XD"]);
    expect(warnings[0]!.message).toMatch(/INFO XD is defined again with another Number, Type or length; the later definition is used$/);
    expect(warnings[1]!.message).toMatch(/INFO XD is defined twice \(IDs are unique within their type\)$/);
    expect(brief(await readWarnings(text))).toEqual(["W_VCF_SPEC 3:INFO.XD"]);
    const same = vcf("4.3", ['##FILTER=<ID=PASS,Description="All filters passed">', '##FILTER=<ID=PASS,Description="Passed">']);
    expect(brief((await validated(same)).warnings)).toEqual(["W_VCF_SPEC 3:FILTER.PASS"]);
    expect(await readWarnings(same)).toEqual([]);
    // The 4.1/4.2 suites pass ##contig=<ID=1> followed by ##contig=<ID=1,length=123456>.
    expect((await validated(vcf("4.2", ["##contig=<ID=1>", "##contig=<ID=1,length=123456>"]))).warnings).toEqual([]);
  });
});

describe("VCF 4.1/4.2 FORMAT keys are alphanumeric (4.2 §1.4.2; '_' arrives with 4.3 §1.6.2)", () => {
  const gs = ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">', '##FORMAT=<ID=G_S,Number=1,Type=Float,Description="x">'];
  const record = "1\t100\t.\tC\tT\t.\tPASS\t.\tGT:G_S\t0/1:0.5";
  it("validate warns W_VCF_VERSION on a 4.2 file; a 4.3 file and reading are silent", async () => {
    const { warnings } = await validated(vcf("4.2", gs, [record], true));
    expect(brief(warnings)).toEqual(["W_VCF_VERSION 5:FORMAT"]);
    expect(warnings[0]!.message).toMatch(/FORMAT key "G_S" is not alphanumeric, which VCF 4\.1\/4\.2 ask for/);
    expect((await validated(vcf("4.3", gs, [record], true))).warnings).toEqual([]);
    expect(await readWarnings(vcf("4.2", gs, [record], true))).toEqual([]);
  });
});

describe("POS past the contig's declared length (VCF 4.3 §1.6.1 POS, §1.4.7)", () => {
  const contig = "##contig=<ID=chrQ,length=37>";
  it("warns in validate and in reading; length+1 is a telomere and fine", async () => {
    const text = vcf("4.1", [contig], ["chrQ\t38\t.\tA\tT\t.\tPASS\t.", "chrQ\t29999\t.\tA\tT\t.\tPASS\t."]);
    const { warnings } = await validated(text);
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 5:POS"]);
    expect(warnings[0]!.message).toBe(
      "t.vcf:5: POS: chrQ:29999 lies beyond the contig's declared length (37) (first occurrence; not repeated)",
    );
    expect(brief(await readWarnings(text))).toEqual(["W_VCF_SPEC 5:POS"]);
  });
});

describe("every violation, with counts (strictSpec)", () => {
  const meta = ['##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">', "##contig=<ID=1,length=1000>"];
  const records = [
    "1\t100\t.\tC\tT,G\t.\tPASS\tAC=1",
    "1\t200\t.\tC\tT,G\t.\tPASS\tAC=1",
    "1\t300\t.\tC\tT,G\t.\tPASS\tAC=1",
    "1\t5000\t.\tC\tT\t.\tPASS\tAC=1",
  ];

  it("by default onWarning gets the first of each kind, and the counts have every occurrence", async () => {
    const { result, warnings } = await validated(vcf("4.3", meta, records));
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 5:INFO.AC", "W_VCF_SPEC 8:POS"]);
    expect(result.problems).toEqual([
      { code: "W_VCF_SPEC", field: "INFO.AC", count: 3, first: { file: "t.vcf", line: 5, field: "INFO.AC" } },
      { code: "W_VCF_SPEC", field: "POS", count: 1, first: { file: "t.vcf", line: 8, field: "POS" } },
    ]);
    expect(result.counts).toEqual({ W_VCF_SPEC: 4 });
    expect(describeProblems(result.problems)).toBe("W_VCF_SPEC 4 (INFO.AC 3, POS 1)");
  });

  it("strictSpec reports each occurrence with its line", async () => {
    const { result, warnings } = await validated(vcf("4.3", meta, records), { strictSpec: true });
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 5:INFO.AC", "W_VCF_SPEC 6:INFO.AC", "W_VCF_SPEC 7:INFO.AC", "W_VCF_SPEC 8:POS"]);
    expect(warnings[1]!.message).toBe("t.vcf:6: INFO.AC: AC has 1 value(s); Number=A asks for 2");
    expect(result.counts).toEqual({ W_VCF_SPEC: 4 });
  });

  it("the public validate takes strictSpec beside the read options", async () => {
    const warnings: Warning[] = [];
    const result = await validate(
      { text: vcf("4.3", meta, records), name: "t.vcf" },
      { strictSpec: true, onWarning: (w) => warnings.push(w) },
    );
    expect(brief(warnings)).toEqual(["W_VCF_SPEC 5:INFO.AC", "W_VCF_SPEC 6:INFO.AC", "W_VCF_SPEC 7:INFO.AC", "W_VCF_SPEC 8:POS"]);
    expect(result.counts).toEqual({ W_VCF_SPEC: 4 });
    // Still a strict schema: a misspelt option is refused.
    expect((await rejectedWith(validate({ text: vcf("4.3", meta, records) }, { strictSpecs: true } as never))).code).toBe("E_OPTIONS");
  });

  const bad = [
    "1\t100\t.\tC\tT,G\t.\tPASS\tAC=1",
    "1\t1x0\t.\tC\tT\t.\tPASS\t.",
    "1\t300\t.\tC\tT,G\t.\tPASS\tAC=1",
    "1\t4y0\t.\tC\tT\t.\tPASS\t.",
  ];

  it("strict: the default stops at the first bad record; strictSpec reads on and throws the first with the totals", async () => {
    const plain: Warning[] = [];
    const first = await rejectedWith(
      validateWith({ text: vcf("4.3", meta, bad), name: "t.vcf" }, { onWarning: (w) => plain.push(w) }, browserResolvers),
    );
    expect(first.message).toBe('t.vcf:6: POS: expected a positive integer, found "1x0"');
    expect(brief(plain)).toEqual(["W_VCF_SPEC 5:INFO.AC"]);

    const seen: Warning[] = [];
    const error = await rejectedWith(
      validateWith({ text: vcf("4.3", meta, bad), name: "t.vcf" }, { onWarning: (w) => seen.push(w) }, browserResolvers, {
        strictSpec: true,
      }),
    );
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.location).toEqual({ file: "t.vcf", line: 6, field: "POS" });
    expect(error.message).toBe(
      't.vcf:6: POS: expected a positive integer, found "1x0" (the first of 2 error(s); W_VCF_SPEC 2 (INFO.AC 2); E_VCF_RECORD 2 (POS 2))',
    );
    expect(brief(seen)).toEqual(["W_VCF_SPEC 5:INFO.AC", "E_VCF_RECORD 6:POS", "W_VCF_SPEC 7:INFO.AC", "E_VCF_RECORD 8:POS"]);
  });

  it("lenient strictSpec returns the bad records in the counts", async () => {
    const { result } = await validated(vcf("4.3", meta, bad), { strictSpec: true }, false);
    expect(result.skipped).toBe(2);
    expect(result.counts).toEqual({ W_VCF_SPEC: 2, E_VCF_RECORD: 2 });
  });

  it("the CLI: --strict-spec prints every violation and the counts; exit 3 on errors, 0 on warnings", async () => {
    const dir = tempDir();
    const broken = join(dir, "broken.vcf");
    writeFileSync(broken, vcf("4.3", meta, bad));
    const plain = await runCli(["validate", broken]);
    expect(plain.code).toBe(3);
    expect(plain.stderr).not.toContain(`${broken}:8`);
    const strict = await runCli(["validate", broken, "--strict-spec"]);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain(`marrowscope: E_VCF_RECORD: ${broken}:6: POS`);
    expect(strict.stderr).toContain(`marrowscope: E_VCF_RECORD: ${broken}:8: POS`);
    expect(strict.stderr).toContain(`marrowscope: W_VCF_SPEC: ${broken}:7: INFO.AC`);
    expect(strict.stderr).toContain("(the first of 2 error(s); W_VCF_SPEC 2 (INFO.AC 2); E_VCF_RECORD 2 (POS 2))");

    const warned = join(dir, "warned.vcf");
    writeFileSync(warned, vcf("4.3", meta, records));
    const ok = await runCli(["validate", warned, "--strict-spec"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      `${warned}: ok: VCFv4.3, plain, 4 records (7 variant alleles), 0 sample(s), 4 warning(s)\n  W_VCF_SPEC 4 (INFO.AC 3, POS 1)\n`,
    );
  });
});
