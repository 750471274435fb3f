/**
 * The builtin panel's istResponse rules end to end: an uncertain finding (which carries no
 * IST_UNFAVORABLE since panel 0.3.3) must not turn a favourable PIGA clone into "mixed"; only a classified
 * unfavourable finding may (panel 0.2.0 dropped SUMMARY.IST.MIXED, whose `withCodes` ignored the
 * other finding's classification, and relies on the tie of FAVORABLE and UNFAVORABLE instead).
 */
import { describe, expect, it } from "vitest";
import { annotate } from "../src/node.js";
import { vcfText } from "./helpers.js";

const CSQ =
  '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL|MANE_SELECT|HGNC_ID|gnomADe_AF|CLIN_SIG">';

// The records of fixtures/cases c03 (TERC n.322G>A), a04 (PIGA stop-gain, VAF 0.04) and a05 (DNMT3A R882H, VAF 0.18).
const TERC_UNCERTAIN =
  "chr3\t169764739\t.\tC\tT\t60\tPASS\tCSQ=T|non_coding_transcript_exon_variant|MODIFIER|TERC|ENSG00000270141|||n.322G>A||||HGNC:11727||\tGT:AD:DP\t0/1:48,52:100";
const PIGA_CLONE =
  "chrX\t15325000\t.\tC\tT\t60\tPASS\tCSQ=T|stop_gained|HIGH|PIGA|ENSG00000165195|ENST00000333590.6|protein_coding|||YES|NM_002641.4|HGNC:8957||\tGT:AD:DP\t0/1:480,20:500";
const DNMT3A_R882H =
  "chr2\t25234373\t.\tC\tT\t60\tPASS\tCSQ=T|missense_variant|MODERATE|DNMT3A|ENSG00000119772|ENST00000321117.10|protein_coding|ENST00000321117.10:c.2645G>A|p.Arg882His|YES|NM_022552.5|HGNC:2978||\tGT:AD:DP\t0/1:82,18:100";

async function sample(records: string[]) {
  const report = await annotate({ text: vcfText(records, { samples: ["P1"], meta: [CSQ] }) }, {});
  const only = report.samples[0];
  if (!only) throw new Error("no sample");
  return only;
}

describe("builtin panel: istResponse", () => {
  // Changed in panel 0.3.3 (issue 18): an uncertain finding no longer carries IST_UNFAVORABLE at all
  // (uncertainWithholds; ACMG/AMP 2015, richards-2015-genet-med: a VUS is not used for clinical
  // decisions, and an inferred immunosuppression outcome is one). Until 0.3.2 it carried the code
  // and the summary had to ignore it.
  it("an uncertain TERC variant next to a PIGA clone: no immunosuppression inference from the VUS, the clone stays favourable", async () => {
    const s = await sample([TERC_UNCERTAIN, PIGA_CLONE]);
    const terc = s.findings.find((f) => f.gene.symbol === "TERC");
    expect(terc?.classification).toBe("uncertain");
    expect(terc?.implications.map((i) => i.code)).toContain("TELOMERE_DISORDER");
    expect(terc?.implications.map((i) => i.code)).not.toContain("IST_UNFAVORABLE");
    expect(s.summary.istResponse).toBe("favorable");
    expect(s.summary.considerations).toContain("IST_FAVORABLE");
    expect(s.summary.considerations).not.toContain("IST_UNFAVORABLE");
  });

  // Changed in engine v2 (issue 17; panel 0.3.1): DNMT3A/ASXL1 clones carry ADVERSE_PROGNOSIS
  // (progression and survival, Ogawa 2016 review of Yoshizato 2015), not IST_UNFAVORABLE: RACE
  // (PMID 34986284) found baseline somatic mutations did not change response. From 0.3.1 to 0.4.0
  // this pair gave "favorable". Changed again in panel 0.4.1 (issue 19): the favourable association
  // was measured against DNMT3A/ASXL1 clones (ogawa-2016-blood), several mutations together are a
  // progression risk factor (PMID:32430502), so a favourable clone beside a clone that makes
  // clonalEvolutionRisk elevated or high is not read alone: "mixed", with the conflict's reason.
  it("a DNMT3A clone next to a PIGA clone makes istResponse mixed, with both associations said", async () => {
    const s = await sample([DNMT3A_R882H, PIGA_CLONE]);
    expect(s.summary.istResponse).toBe("mixed");
    const dnmt3a = s.findings.find((f) => f.gene.symbol === "DNMT3A");
    expect(dnmt3a?.implications.map((i) => i.code)).toEqual(expect.arrayContaining(["ADVERSE_PROGNOSIS", "CLONAL_EVOLUTION_RISK"]));
    expect(dnmt3a?.implications.map((i) => i.code)).not.toContain("IST_UNFAVORABLE");
    expect(s.summary.considerations).toEqual(expect.arrayContaining(["IST_FAVORABLE", "ADVERSE_PROGNOSIS"]));
    expect(s.summary.clonalEvolutionRisk).toBe("elevated");
    const conflict = s.summary.reasons.find((r) => r.statement.startsWith("A clone associated with a better response"));
    expect(conflict?.citations).toEqual(["PMID:32430502", "PMID:34986284", "ogawa-2016-blood"]);
    expect(conflict?.ruleIds).toEqual(["SUMMARY.IST.FAVORABLE"]);
  });

  it("a PIGA clone alone stays favourable (no clone with an adverse association beside it)", async () => {
    const s = await sample([PIGA_CLONE]);
    expect(s.summary.istResponse).toBe("favorable");
    expect(s.summary.reasons.some((r) => r.statement.startsWith("A clone associated with a better response"))).toBe(false);
  });

  it("a suspected inherited disorder outranks a favourable clone (inherited-disorder-first)", async () => {
    const TERT_FRAMESHIFT =
      "chr5\t1294000\t.\tAG\tA\t60\tPASS\tCSQ=-|frameshift_variant|HIGH|TERT|ENSG00000164362|ENST00000310581.10|protein_coding|||YES|NM_198253.3|HGNC:11730||\tGT:AD:DP\t0/1:32,30:62";
    const s = await sample([TERT_FRAMESHIFT, PIGA_CLONE]);
    expect(s.summary.istResponse).toBe("inherited-disorder-first");
    expect(s.summary.reasons.map((r) => r.ruleIds[0])).toContain("SUMMARY.IST.INHERITED-FIRST");
    // The favourable clone is still said, not lost.
    expect(s.summary.considerations).toContain("IST_FAVORABLE");
  });
});

// Panel 0.3.3 (issue 18; clinical-review-2 §2 and §4): a summary reason cites only evidence that
// holds for the findings that triggered it. Before, a consideration cited its rule's own static
// sources whatever the trigger (a telomere review under a DDX41 donor reason, Fanconi GeneReviews
// under a TERT finding), and caveat sources leaked into the reason they contradict: RACE
// (PMID:34986284, no effect of baseline mutations on response) and Eckardt (PMID:33926021, BCOR
// adverse in AML) under the favourable PIGA/BCOR reasons, Scheinberg 2010
// (DOI:10.1001/jama.2010.1376, telomere length did not predict response) under the
// immunosuppression reasons of a TERT finding.
describe("builtin panel: what summary reasons cite", () => {
  const citationsOf = (s: Awaited<ReturnType<typeof sample>>, ruleId: string) =>
    s.summary.reasons.filter((r) => r.ruleIds[0] === ruleId).flatMap((r) => r.citations);

  it("a favourable PIGA clone's reasons do not cite RACE or the AML BCOR study", async () => {
    const s = await sample([PIGA_CLONE]);
    const cited = [...citationsOf(s, "SUMMARY.IST.FAVORABLE"), ...citationsOf(s, "SUMMARY.CONSIDER.IST-FAVORABLE")];
    expect(cited.length).toBeGreaterThan(0);
    expect(cited).not.toContain("PMID:34986284");
    expect(cited).not.toContain("PMID:33926021");
  });

  it("a TERT finding's reasons cite neither Scheinberg 2010 for immunosuppression nor Fanconi or GATA2 sources", async () => {
    const TERT_FRAMESHIFT =
      "chr5\t1294000\t.\tAG\tA\t60\tPASS\tCSQ=-|frameshift_variant|HIGH|TERT|ENSG00000164362|ENST00000310581.10|protein_coding|||YES|NM_198253.3|HGNC:11730||\tGT:AD:DP\t0/1:32,30:62";
    const s = await sample([TERT_FRAMESHIFT]);
    const ist = [...citationsOf(s, "SUMMARY.IST.INHERITED-FIRST"), ...citationsOf(s, "SUMMARY.CONSIDER.IST-UNFAVORABLE")];
    expect(ist.length).toBeGreaterThan(0);
    expect(ist).not.toContain("DOI:10.1001/jama.2010.1376");
    const all = s.summary.reasons.flatMap((r) => r.citations);
    expect(all).not.toContain("mehta-genereviews-fanconi");
    expect(all).not.toContain("PMID:25359990");
    expect(all).not.toContain("wagner-2007-blood");
  });
});

// Panel 0.4.0 review round (issue 18).
describe("builtin panel: alleles that must not make a syndrome", () => {
  const BRCA2_FRAMESHIFT =
    "chr13\t32340300\t.\tGT\tG\t60\tPASS\tCSQ=-|frameshift_variant|HIGH|BRCA2|ENSG00000139618|ENST00000380152.8|protein_coding|ENST00000380152.8:c.5946del|p.Ser1982ArgfsTer22|YES|NM_000059.4|HGNC:1101||\tGT:AD:DP\t0/1:50,50:100";
  const BRCA2_K3326X =
    "chr13\t32398489\t.\tA\tT\t60\tPASS\tCSQ=T|stop_gained|HIGH|BRCA2|ENSG00000139618|ENST00000380152.8|protein_coding|ENST00000380152.8:c.9976A>T|p.Lys3326Ter|YES|NM_000059.4|HGNC:1101|0.007|benign\tGT:AD:DP\t0/1:50,50:100";
  const TP53_STOP =
    "chr17\t7674894\t.\tG\tA\t60\tPASS\tCSQ=A|stop_gained|HIGH|TP53|ENSG00000141510|ENST00000269305.9|protein_coding|ENST00000269305.9:c.637C>T|p.Arg213Ter|YES|NM_000546.6|HGNC:11998||\tGT:AD:DP\t0/1:55,45:100";

  // Higgs 2015 (higgs-2015-j-med-genet): K3326* sits in cis with a pathogenic BRCA2 variant in
  // 52 families; it is neither an HBOC nor a Fanconi allele, so the pair is not biallelic BRCA2.
  it("BRCA2 K3326* beside a pathogenic BRCA2 frameshift is not Fanconi anaemia", async () => {
    const s = await sample([BRCA2_FRAMESHIFT, BRCA2_K3326X]);
    const k = s.findings.find((f) => f.variant.pos === 32398489);
    expect(k?.ruleIds).toEqual(["BRCA2.K3326TER"]);
    expect(s.findings.flatMap((f) => f.implications.map((i) => i.code))).not.toContain("FANCONI_ANEMIA");
    expect(s.summary.inheritedDisorder).not.toBe("suspected");
  });

  // A germline-like VAF without a matched normal or a declaration may be a dominant TP53 clone
  // (Li 2017, PMID:27993330): Li-Fraumeni is read only from a germline call.
  it("a TP53 stop at VAF 0.45 in a blood-only VCF is not called Li-Fraumeni; the same in a germline sample is", async () => {
    const blood = await sample([TP53_STOP]);
    expect(blood.findings.flatMap((f) => f.ruleIds)).not.toContain("TP53.LFS.GERMLINE");
    const report = await annotate({ text: vcfText([TP53_STOP], { samples: ["P1"], meta: [CSQ] }) }, { roles: { P1: "germline" } });
    expect(report.samples[0]?.findings.flatMap((f) => f.ruleIds)).toContain("TP53.LFS.GERMLINE");
  });
});
