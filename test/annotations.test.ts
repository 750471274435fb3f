import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Consequence } from "../src/model.js";
import {
  type AnnotationLayout,
  chooseConsequence,
  type InfoDefinition,
  normaliseClinVarText,
  readAnnotationLayout,
  readAnnotations,
  soRank,
} from "../src/normalize/annotations.js";
import { matchVepAllele, percentDecode, vepAlleles } from "../src/normalize/csq.js";

// ---- a tiny VCF reader for tests (plain string splits; no dependency on src/vcf) ------------

interface Row {
  chrom: string;
  pos: number;
  ref: string;
  alts: string[];
  info: string;
}

interface Fixture {
  defs: Map<string, InfoDefinition>;
  rows: Row[];
  layout: AnnotationLayout;
}

function loadFixture(name: string): Fixture {
  const bytes = readFileSync(join(__dirname, "..", "fixtures", "annotated", name));
  const text = (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  const defs = new Map<string, InfoDefinition>();
  const rows: Row[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("##INFO=<")) {
      const id = /ID=([^,>]+)/.exec(line)?.[1];
      if (id === undefined) continue;
      const number = /,Number=([^,>]+)/.exec(line)?.[1];
      const type = /,Type=([^,>]+)/.exec(line)?.[1];
      const description = /,Description="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
      defs.set(id, {
        id,
        ...(number ? { number } : {}),
        ...(type ? { type } : {}),
        ...(description ? { description } : {}),
      });
    } else if (line !== "" && !line.startsWith("#")) {
      const cols = line.split("\t");
      rows.push({
        chrom: cols[0] ?? "",
        pos: Number(cols[1]),
        ref: cols[3] ?? "",
        alts: (cols[4] ?? "").split(","),
        info: cols[7] ?? "",
      });
    }
  }
  return { defs, rows, layout: readAnnotationLayout(defs) };
}

function row(fixture: Fixture, chrom: string, pos: number): Row {
  const found = fixture.rows.find((r) => r.chrom === chrom && r.pos === pos);
  if (found === undefined) throw new Error(`no record at ${chrom}:${pos}`);
  return found;
}

function annotate(fixture: Fixture, chrom: string, pos: number, altIndex = 1) {
  const r = row(fixture, chrom, pos);
  return readAnnotations(fixture.layout, r.info, r.ref, r.alts, altIndex);
}

function byTranscript(consequences: readonly Consequence[], transcript: string): Consequence {
  const found = consequences.find((c) => c.transcript === transcript);
  if (found === undefined) throw new Error(`no consequence on ${transcript}`);
  return found;
}

// ---- VEP CSQ --------------------------------------------------------------------------------

describe("VEP CSQ: scout cancer_test.vcf.gz (VEP 95)", () => {
  const vcf = loadFixture("scout.cancer_test.vcf.gz");

  it("reads the IDH2 R140Q missense on its canonical transcript", () => {
    const { consequences, problems } = annotate(vcf, "15", 90631934);
    expect(problems).toEqual([]);
    const idh2 = chooseConsequence(consequences, { symbol: "IDH2" });
    expect(idh2).toMatchObject({
      source: "VEP",
      symbol: "IDH2",
      hgncId: "HGNC:5383",
      geneId: "ENSG00000182054",
      terms: ["missense_variant"],
      impact: "MODERATE",
      transcript: "ENST00000330062",
      biotype: "protein_coding",
      canonical: true,
      exon: "4/11",
      hgvsc: "ENST00000330062.3:c.419G>A",
      hgvsp: "ENSP00000331897.3:p.Arg140Gln",
    });
  });

  it("matches VEP's '-' allele to a deletion (DNMT3A frameshift)", () => {
    const { consequences } = annotate(vcf, "2", 25467473);
    const dnmt3a = chooseConsequence(consequences, { symbol: "DNMT3A", hgncId: "HGNC:2978" });
    expect(dnmt3a?.terms).toEqual(["frameshift_variant"]);
    expect(dnmt3a?.hgvsc).toBe("ENST00000264709.3:c.1595_1602del");
    expect(dnmt3a?.hgvsp).toBe("ENSP00000264709.3:p.Gly532ValfsTer11");
  });

  it("splits '&' consequence lists and orders terms most severe first (FLT3 ITD)", () => {
    const { consequences } = annotate(vcf, "13", 28608220);
    expect(consequences).toHaveLength(1);
    expect(consequences[0]?.terms).toEqual(["feature_elongation", "coding_sequence_variant"]);
    expect(consequences[0]?.symbol).toBe("FLT3");
  });

  it("picks the JAK2 consequence, not the neighbouring downstream gene or regulatory features", () => {
    const { consequences } = annotate(vcf, "9", 5073770);
    expect(consequences).toHaveLength(4);
    const jak2 = chooseConsequence(consequences, { symbol: "JAK2" });
    expect(jak2?.hgvsp).toBe("ENSP00000371067.3:p.Val617Phe");
    expect(chooseConsequence(consequences, { symbol: "AL161450.1" })?.terms).toEqual(["downstream_gene_variant"]);
  });

  it("chooses between two canonical TP53 transcripts (Ensembl and RefSeq) by transcript id", () => {
    const { consequences } = annotate(vcf, "17", 7577559);
    const tp53 = chooseConsequence(consequences, { symbol: "TP53", hgncId: "HGNC:11998" });
    expect(tp53?.transcript).toBe("ENST00000269305");
    expect(tp53?.hgvsc).toBe("ENST00000269305.4:c.722C>T");
    const refseq = byTranscript(consequences, "NM_000546.5");
    expect(refseq.geneId).toBe("7157");
    expect(refseq.hgvsp).toBe("NP_000537.3:p.Ser241Phe");
  });
});

describe("VEP CSQ: bcftools split-vep.vcf", () => {
  const vcf = loadFixture("bcftools.split-vep.vcf");

  it("percent-decodes HGVSp (%3D is '=') and reads MAX_AF as the population frequency", () => {
    const result = annotate(vcf, "1", 69270);
    const or4f5 = chooseConsequence(result.consequences, { symbol: "OR4F5", hgncId: "HGNC:14825" });
    expect(or4f5?.hgvsp).toBe("ENSP00000334393.3:p.Ser60=");
    expect(or4f5?.canonical).toBe(true);
    expect(result.populationAf).toEqual({ value: 0.9983, source: "CSQ/MAX_AF" });
  });

  it("assigns untrimmed VEP alleles of a mixed SNV/insertion record (G>C,GC) by ALLELE_NUM", () => {
    const first = annotate(vcf, "1", 15903, 1);
    const second = annotate(vcf, "1", 15903, 2);
    expect(byTranscript(first.consequences, "ENST00000423562").hgvsc).toBe("ENST00000423562.1:n.1026C>G");
    expect(byTranscript(second.consequences, "ENST00000423562").hgvsc).toBe("ENST00000423562.1:n.1025_1026insG");
    expect(first.consequences).toHaveLength(6);
    expect(second.consequences).toHaveLength(6);
  });

  it("assigns trimmed alleles of GT>GTT,G ('TT' and '-')", () => {
    expect(annotate(vcf, "1", 129148, 1).consequences.map((c) => c.symbol)).toEqual(["CICP27"]);
    expect(annotate(vcf, "1", 129148, 2).consequences).toHaveLength(1);
  });

  it("gives no consequence to a spanning-deletion ALT", () => {
    expect(annotate(vcf, "1", 267229, 1).consequences).toEqual([]);
    expect(annotate(vcf, "1", 267229, 2).consequences[0]?.terms).toEqual(["non_coding_transcript_exon_variant"]);
  });
});

describe("VEP CSQ: VAtools inputs", () => {
  it("splits a multi-allelic C>T,A record by allele, HGNC ids given as HGNC:n", () => {
    const vcf = loadFixture("vatools.input.multiallelic.vcf.gz");
    const t = annotate(vcf, "chr17", 7675088, 1);
    const a = annotate(vcf, "chr17", 7675088, 2);
    expect(a.consequences).toHaveLength(1);
    expect(a.consequences[0]).toMatchObject({ transcript: "ENST00000420246.6", hgncId: "HGNC:11998" });
    expect(byTranscript(t.consequences, "ENST00000269305.8").hgvsp).toBe("ENSP00000269305.4:p.Arg175His");
    expect(t.clinvar).toEqual({
      significance: "not provided; likely pathogenic; pathogenic",
      source: "CSQ/CLIN_SIG",
    });
    expect(t.populationAf).toEqual({ value: 4.06392e-6, source: "CSQ/gnomADe_AF" });
  });

  it("reads an old VEP field order (Allele|Gene|Feature|…) and old SO names", () => {
    const vcf = loadFixture("vatools.input.snvs_and_indels.vcf");
    const ins = annotate(vcf, "6", 41754573).consequences[0];
    expect(ins).toMatchObject({
      symbol: "PRICKLE4",
      transcript: "ENST00000458694",
      terms: ["inframe_insertion"],
      canonical: true,
      hgvsc: "ENST00000458694.1:c.861_862insCTT",
      hgvsp: "ENSP00000404911.1:p.Leu287dup",
    });
    const del = annotate(vcf, "6", 43250725).consequences[0];
    expect(del?.hgvsp).toBe("ENSP00000259750.4:p.Glu750del");
    const nc = annotate(vcf, "22", 16228619).consequences[0];
    expect(nc?.terms).toEqual(["non_coding_transcript_exon_variant", "non_coding_transcript_variant"]);
  });
});

// ---- SnpEff ---------------------------------------------------------------------------------

describe("SnpEff ANN and EFF", () => {
  it("reads ANN per ALT and leaves out cancer-mode ALT-vs-ALT entries", () => {
    const vcf = loadFixture("snpeff.cancer.ann.vcf");
    const g = annotate(vcf, "1", 69091, 2);
    const c = annotate(vcf, "1", 69091, 1);
    expect(g.consequences).toEqual([
      {
        source: "SnpEff",
        symbol: "OR4F5",
        geneId: "ENSG00000186092",
        terms: ["start_lost"],
        impact: "HIGH",
        transcript: "ENST00000335137",
        biotype: "protein_coding",
        hgvsc: "c.1A>G",
        hgvsp: "p.Met1?",
        exon: "1/1",
      },
    ]);
    expect(c.consequences.map((x) => x.terms)).toEqual([["initiator_codon_variant"]]);
    expect(g.problems).toEqual([]);
  });

  it("reads legacy EFF with Amino_Acid_length and Genotype_Number, mapping names to SO", () => {
    const vcf = loadFixture("snpeff.cancer.eff.vcf");
    const g = annotate(vcf, "1", 69091, 2);
    expect(g.consequences).toHaveLength(1);
    expect(g.consequences[0]).toMatchObject({
      symbol: "OR4F5",
      terms: ["start_lost"],
      impact: "HIGH",
      transcript: "ENST00000335137",
      hgvsp: "M1V",
    });
    expect(annotate(vcf, "1", 69091, 1).consequences[0]?.terms).toEqual(["initiator_codon_variant"]);
  });

  it("reads EFF without the length field (SnpEff 4.0 header)", () => {
    const vcf = loadFixture("snpeff.test_gatk.eff.vcf");
    expect(annotate(vcf, "1", 865694).consequences).toEqual([
      {
        source: "SnpEff",
        symbol: "SAMD11",
        terms: ["missense_variant"],
        impact: "MODERATE",
        transcript: "ENST00000420190",
        biotype: "protein_coding",
        hgvsp: "H78Y",
        exon: "3",
      },
    ]);
  });

  it("reads undeclared EFF v2 entries and says the header lacks them", () => {
    const vcf = loadFixture("snpeff.test.EFF_V2.vcf");
    const result = annotate(vcf, "1", 755584);
    expect(result.consequences.map((c) => [c.symbol, c.terms[0], c.transcript])).toEqual([
      ["FAM87B", "downstream_gene_variant", "ENST00000326734"],
      ["RP11-206L10.10", "upstream_gene_variant", "ENST00000435300"],
    ]);
    expect(result.problems).toContain("EFF is not declared in the header; field order guessed per entry");
  });

  it("splits old '+'-joined ANN effects and keeps SnpEff-only SO terms", () => {
    const vcf = loadFixture("snpeff.test_vcf_ann_plus_sign.vcf");
    const result = annotate(vcf, "10", 146569454);
    expect(result.consequences[0]?.terms).toEqual(["exon_loss_variant", "5_prime_UTR_truncation"]);
    expect(result.consequences[0]?.hgvsc).toBe("c.-6_-1delTTACCC");
  });
});

// ---- bcftools csq ---------------------------------------------------------------------------

describe("bcftools BCSQ", () => {
  it("reads BCSQ with the header's format (split-vep.4.vcf)", () => {
    const vcf = loadFixture("bcftools.split-vep.4.vcf");
    expect(annotate(vcf, "1", 69719).consequences).toEqual([
      {
        source: "BCSQ",
        symbol: "OR4F5",
        terms: ["stop_gained"],
        impact: "HIGH",
        transcript: "ENST00000335137",
        biotype: "protein_coding",
        hgvsc: "69719C>G",
        hgvsp: "210S>210*",
      },
    ]);
  });

  it("applies allele-less region entries to every ALT of GT>GTT,G and says so", () => {
    const vcf = loadFixture("bcftools.split-vep.4.vcf");
    const first = annotate(vcf, "1", 129148, 1);
    const second = annotate(vcf, "1", 129148, 2);
    expect(first.consequences[0]).toMatchObject({ symbol: "RP11-34P13.7", terms: ["non_coding_transcript_variant"] });
    expect(second.consequences[0]?.symbol).toBe("RP11-34P13.7");
    expect(first.problems).toEqual(["BCSQ entry 1 names no allele; applied to every ALT"]);
  });

  it("reads a custom BCSQ format with extra fields (split-vep.9.vcf)", () => {
    const vcf = loadFixture("bcftools.split-vep.9.vcf");
    expect(annotate(vcf, "1", 145075172).consequences[0]).toMatchObject({
      symbol: "PDE4DIP",
      terms: ["intron_variant"],
      biotype: "protein_coding",
    });
  });

  it("reads bcftools' expected BCSQ strings from the csq tests: compounds and '@' links", () => {
    // The csq test inputs hold bcftools' expected BCSQ text in INFO/EXP; read it as BCSQ.
    const vcf = loadFixture("bcftools.csq.snps.vcf");
    const asBcsq = (pos: number) => {
      const r = row(vcf, "1", pos);
      const exp = /(?:^|;)EXP=([^;]*)/.exec(r.info)?.[1] ?? "";
      return readAnnotations(vcf.layout, `BCSQ=${exp}`, r.ref, r.alts, 1);
    };
    expect(asBcsq(3630).consequences).toEqual([]);
    expect(asBcsq(3632).consequences[0]).toMatchObject({
      terms: ["stop_lost"],
      transcript: "ENST00000423372",
      hgvsc: "3630T>A+3632A>C",
      hgvsp: "260*>260G",
    });
    expect(asBcsq(2721).consequences[0]?.terms).toEqual(["splice_region_variant", "3_prime_UTR_variant"]);
    const indel = loadFixture("bcftools.csq.stop-gained-inframe-indel.vcf");
    const r = row(indel, "3", 13461);
    const exp = /(?:^|;)EXP=([^;]*)/.exec(r.info)?.[1] ?? "";
    expect(readAnnotations(indel.layout, `BCSQ=${exp}`, r.ref, r.alts, 1).consequences[0]).toMatchObject({
      symbol: "XPC",
      terms: ["stop_gained", "inframe_deletion"],
      hgvsp: "430YKE>430*",
      hgvsc: "13461CTCTTTA>C",
    });
  });
});

describe("CSQ and BCSQ in one record (bcftools split-vep.2.vcf)", () => {
  it("returns both annotators' consequences, each marked with its source", () => {
    const vcf = loadFixture("bcftools.split-vep.2.vcf");
    const { consequences } = annotate(vcf, "1", 14464);
    expect(consequences.filter((c) => c.source === "VEP")).toHaveLength(7);
    expect(consequences.filter((c) => c.source === "BCSQ")).toEqual([
      {
        source: "BCSQ",
        symbol: "WASH7P",
        terms: ["non_coding_transcript_variant"],
        impact: "MODIFIER",
        biotype: "unprocessed_pseudogene",
      },
    ]);
  });
});

// ---- ANNOVAR --------------------------------------------------------------------------------

describe("ANNOVAR columns (bcftools view.filter.annovar.vcf)", () => {
  const vcf = loadFixture("bcftools.view.filter.annovar.vcf");

  it("reads AAChange.refGene entries as transcripts, and ensGene ids as gene ids", () => {
    const { consequences } = annotate(vcf, "16", 50745926);
    const refGene = consequences.filter((c) => c.symbol === "NOD2");
    expect(refGene.map((c) => [c.transcript, c.exon, c.hgvsc, c.hgvsp])).toEqual([
      ["NM_001293557", "3", "c.C2023T", "p.R675W"],
      ["NM_022162", "4", "c.C2104T", "p.R702W"],
    ]);
    expect(refGene[0]?.terms).toEqual(["missense_variant"]);
    expect(refGene[0]?.impact).toBe("MODERATE");
    expect(byTranscript(consequences, "ENST00000300589").geneId).toBe("ENSG00000167207");
  });

  it("reads Func alone when there is no AAChange", () => {
    const { consequences } = annotate(vcf, "20", 1230237);
    expect(consequences.find((c) => c.symbol === "RAD21L1")?.terms).toEqual(["intron_variant"]);
  });
});

describe("ANNOVAR blocks and escapes (hand-written INFO)", () => {
  const layout = readAnnotationLayout(new Map());
  const info =
    "DP=9;ANNOVAR_DATE=2018-04-16;Func.refGene=exonic\\x3bsplicing;Gene.refGene=TERT;" +
    "ExonicFunc.refGene=frameshift_deletion;AAChange.refGene=TERT:NM_198253:exon2:c.1234delA:p.X;" +
    "gnomAD_exome_ALL=0.0001;ALLELE_END;ANNOVAR_DATE=2018-04-16;Func.refGene=intronic;Gene.refGene=TERT;" +
    "ExonicFunc.refGene=.;AAChange.refGene=.;gnomAD_exome_ALL=.;ALLELE_END";

  it("takes the block of the requested ALT and undoes \\x3b", () => {
    const first = readAnnotations(layout, info, "CA", ["C", "CAA"], 1);
    expect(first.consequences).toEqual([
      {
        source: "ANNOVAR",
        symbol: "TERT",
        // VEP ranks splice-site terms above frameshift.
        terms: ["splice_site_variant", "frameshift_variant"],
        impact: "HIGH",
        transcript: "NM_198253",
        exon: "2",
        hgvsc: "c.1234delA",
        hgvsp: "p.X",
      },
    ]);
    expect(first.populationAf).toEqual({ value: 0.0001, source: "INFO/gnomAD_exome_ALL" });
    const second = readAnnotations(layout, info, "CA", ["C", "CAA"], 2);
    expect(second.consequences.map((c) => c.terms)).toEqual([["intron_variant"]]);
    expect(second.populationAf).toBeUndefined();
  });
});

// ---- population frequency and ClinVar in INFO -----------------------------------------------

describe("INFO population frequency and ClinVar", () => {
  const defs = new Map<string, InfoDefinition>([
    ["gnomAD_AF", { id: "gnomAD_AF", number: "A", type: "Float" }],
    ["AF_popmax", { id: "AF_popmax", number: "A", type: "Float" }],
    ["CLNSIG", { id: "CLNSIG", number: ".", type: "String" }],
  ]);
  const layout = readAnnotationLayout(defs);

  it("cuts Number=A to the ALT and prefers the population maximum", () => {
    const info = "AF=0.5;gnomAD_AF=0.01,0.2;AF_popmax=0.03,0.4";
    expect(readAnnotations(layout, info, "A", ["C", "G"], 2).populationAf).toEqual({
      value: 0.4,
      source: "INFO/AF_popmax",
    });
    expect(readAnnotations(layout, "AF=0.5;gnomAD_AF=0.01,0.2", "A", ["C", "G"], 1).populationAf).toEqual({
      value: 0.01,
      source: "INFO/gnomAD_AF",
    });
  });

  it("never uses the cohort's own INFO AF or a population-specific key", () => {
    expect(readAnnotations(layout, "AF=0.5;gnomAD_AFR_AF=0.3", "A", ["C"], 1).populationAf).toBeUndefined();
  });

  it("reads CLNSIG with CLNREVSTAT, normalising separators only", () => {
    const info = "CLNSIG=Pathogenic/Likely_pathogenic|risk_factor;CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts";
    expect(readAnnotations(layout, info, "A", ["C"], 1).clinvar).toEqual({
      significance: "Pathogenic/Likely pathogenic; risk factor",
      reviewStatus: "criteria provided, multiple submitters, no conflicts",
      source: "INFO/CLNSIG",
    });
  });

  it("reads a prefixed ClinVar copy (CLINVAR_CLNSIG)", () => {
    expect(readAnnotations(layout, "CLINVAR_CLNSIG=Uncertain_significance", "A", ["C"], 1).clinvar).toEqual({
      significance: "Uncertain significance",
      source: "INFO/CLINVAR_CLNSIG",
    });
  });

  it("keeps hostile keys out of any object prototype", () => {
    const result = readAnnotations(layout, "__proto__=1;constructor=2;CLNSIG=Benign", "A", ["C"], 1);
    expect(result.clinvar?.significance).toBe("Benign");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ---- pieces -----------------------------------------------------------------------------------

describe("VEP allele matching", () => {
  it("follows VEP's trimming rule", () => {
    expect(vepAlleles("AT", ["A"])).toEqual(["-"]);
    expect(vepAlleles("A", ["AT"])).toEqual(["T"]);
    expect(vepAlleles("G", ["C", "GC"])).toEqual(["C", "GC"]);
    expect(vepAlleles("T", ["*", "TTA"])).toEqual(["*", "TA"]);
  });

  it("falls back to the untrimmed ALT, and refuses an ambiguous match", () => {
    expect(matchVepAllele("GTT", "GT", ["GTT", "G"])).toBe(1);
    expect(matchVepAllele("TT", "GT", ["GTT", "G"])).toBe(1);
    expect(matchVepAllele("X", "GT", ["GTT", "G"])).toBe(0);
  });

  it("reports a CSQ entry whose field count disagrees with the header", () => {
    const layout = readAnnotationLayout(
      new Map([["CSQ", { id: "CSQ", description: "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|SYMBOL" }]]),
    );
    const result = readAnnotations(layout, "CSQ=T|missense_variant", "C", ["T"], 1);
    expect(result.problems).toEqual(["CSQ entry 1 has 2 fields, header declares 3"]);
    expect(result.consequences[0]?.terms).toEqual(["missense_variant"]);
  });

  it("does not read CSQ without a declared Format", () => {
    const result = readAnnotations(readAnnotationLayout(new Map()), "CSQ=T|missense_variant", "C", ["T"], 1);
    expect(result.consequences).toEqual([]);
    expect(result.problems).toEqual(["CSQ is present but the header gives no Format for it; not read"]);
  });

  it("reads VEP output written under ANN (--vcf_info_field ANN)", () => {
    const layout = readAnnotationLayout(
      new Map([
        [
          "ANN",
          {
            id: "ANN",
            description: "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|SYMBOL|MANE_SELECT",
          },
        ],
      ]),
    );
    const result = readAnnotations(layout, "ANN=T|stop_gained|TERT|NM_198253.3", "C", ["T"], 1);
    expect(result.consequences).toEqual([{ source: "VEP", symbol: "TERT", terms: ["stop_gained"], maneSelect: "NM_198253.3" }]);
  });
});

describe("percentDecode", () => {
  it("undoes VEP's escapes and leaves a stray % alone", () => {
    expect(percentDecode("p.Ser60%3D")).toBe("p.Ser60=");
    expect(percentDecode("a%3Bb%2Cc%7Cd%25")).toBe("a;b,c|d%");
    expect(percentDecode("50%_done%3D")).toBe("50%_done=");
  });
});

describe("soRank and chooseConsequence", () => {
  it("ranks by VEP's table; unknown terms last", () => {
    expect(soRank("transcript_ablation")).toBe(0);
    expect(soRank("stop_gained")).toBeLessThan(soRank("missense_variant"));
    expect(soRank("missense_variant")).toBeLessThan(soRank("synonymous_variant"));
    expect(soRank("splice_site_variant")).toBe(soRank("splice_acceptor_variant"));
    expect(soRank("no_such_term")).toBeGreaterThan(soRank("sequence_variant"));
  });

  const base = { source: "VEP", symbol: "RUNX1", hgncId: "HGNC:10471" } as const;
  const severe: Consequence = { ...base, terms: ["stop_gained"], transcript: "ENST3" };
  const canonical: Consequence = { ...base, terms: ["intron_variant"], transcript: "ENST2", canonical: true };
  const mane: Consequence = { ...base, terms: ["synonymous_variant"], transcript: "ENST9", maneSelect: "NM_001754.5" };
  const other: Consequence = { source: "VEP", symbol: "OTHER", terms: ["stop_gained"], transcript: "ENST1" };

  it("prefers MANE Select, then canonical, then severity", () => {
    expect(chooseConsequence([severe, canonical, mane, other], { symbol: "RUNX1" })).toBe(mane);
    expect(chooseConsequence([severe, canonical, other], { symbol: "RUNX1" })).toBe(canonical);
    expect(chooseConsequence([canonical, { ...severe, canonical: true }], { symbol: "RUNX1" })?.terms).toEqual(["stop_gained"]);
  });

  it("breaks ties by transcript id and matches genes by HGNC id first", () => {
    const a: Consequence = { ...base, terms: ["missense_variant"], transcript: "ENST0000B" };
    const b: Consequence = { ...base, terms: ["missense_variant"], transcript: "ENST0000A" };
    expect(chooseConsequence([a, b], { symbol: "RUNX1" })).toBe(b);
    expect(chooseConsequence([a], { symbol: "AML1", hgncId: "10471" })).toBe(a);
    expect(chooseConsequence([a], { symbol: "RUNX1", hgncId: "HGNC:1" })).toBeUndefined();
    expect(chooseConsequence([other], { symbol: "RUNX1" })).toBeUndefined();
  });
});

describe("normaliseClinVarText", () => {
  it("keeps the words and the vocabulary open", () => {
    expect(normaliseClinVarText("Conflicting_interpretations_of_pathogenicity")).toBe("Conflicting interpretations of pathogenicity");
    expect(normaliseClinVarText("5|5")).toBe("5");
  });
});
