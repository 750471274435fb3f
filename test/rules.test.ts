import { describe, expect, it } from "vitest";
import { makeCall, makeHit } from "../fixtures/cases/builders.js";
import { enginePanelJson } from "../fixtures/cases/engine-panel.js";
import type { Hit, SampleCall } from "../src/model.js";
import { builtinPanel, loadPanel, type Panel } from "../src/panel/index.js";
import { FindingSchema } from "../src/report/schema.js";
import { firstPass } from "../src/rules/apply.js";
import { subjectFrom } from "../src/rules/evaluate.js";
import {
  applyRules,
  clinvarClassification,
  normalizeHgvsp,
  type RuleContext,
  reviewStars,
  significanceMatches,
} from "../src/rules/index.js";

const panel = loadPanel(enginePanelJson, { name: "engine-panel" });
const ctx = (extra: Partial<RuleContext> = {}): RuleContext => ({ panel, assembly: "GRCh38", role: "unknown", ...extra });

const TERT = { gene: "TERT", hgncId: "HGNC:11730", chrom: "chr5" } as const;
const TERC = { gene: "TERC", hgncId: "HGNC:11727", chrom: "chr3" } as const;
const PIGA = { gene: "PIGA", hgncId: "HGNC:8957", chrom: "chrX" } as const;
const DKC1 = { gene: "DKC1", hgncId: "HGNC:2890", chrom: "chrX" } as const;
const FANCA = { gene: "FANCA", hgncId: "HGNC:3582", chrom: "chr16" } as const;
const DNMT3A = { gene: "DNMT3A", hgncId: "HGNC:2978", chrom: "chr2" } as const;

const tertStop = (extra: Partial<Parameters<typeof makeHit>[0]> = {}): Hit =>
  makeHit({ ...TERT, pos: 1260600, ref: "G", alt: "A", terms: ["stop_gained"], impact: "HIGH", ...extra });
const piga = (): Hit => makeHit({ ...PIGA, pos: 15331000, ref: "C", alt: "T", terms: ["stop_gained"] });
const dnmt3aR882 = (): Hit =>
  makeHit({ ...DNMT3A, pos: 25234373, ref: "C", alt: "T", terms: ["missense_variant"], hgvsp: "p.Arg882His", hotspots: ["R882"] });

function finding(hit: Hit, call: SampleCall, context = ctx()) {
  const result = applyRules(hit, call, context);
  if (!result) throw new Error("expected a finding");
  return result;
}

describe("origin", () => {
  it("declared origin wins over a germline-like VAF", () => {
    const f = finding(piga(), makeCall("S", "0/1", 0.5), ctx({ declaredOrigin: "somatic" }));
    expect(f.origin.call).toBe("somatic");
    expect(f.origin.reasons).toEqual(["declared somatic by the caller (--origin)"]);
  });

  it("a heterozygous VAF in the matched normal makes the variant germline", () => {
    const f = finding(tertStop(), makeCall("T", "0/1", 0.45), ctx({ role: "tumor", normalCall: makeCall("N", "0/1", 0.47) }));
    expect(f.origin.call).toBe("germline");
    expect(f.origin.reasons[0]).toContain("matched normal N VAF 0.47");
  });

  it("a few alt reads in the normal do not make the variant germline", () => {
    const f = finding(dnmt3aR882(), makeCall("T", "0/1", 0.3), ctx({ role: "tumor", normalCall: makeCall("N", "0/0", 0.04) }));
    expect(f.origin.call).toBe("somatic");
    expect(f.origin.reasons[0]).toContain("contaminate");
  });

  it("a normal genotype without VAF decides by genotype", () => {
    const normal: SampleCall = { sample: "N", genotype: "0/0", zygosity: "hom-ref" };
    const f = finding(dnmt3aR882(), makeCall("T", "0/1", 0.5), ctx({ role: "tumor", normalCall: normal }));
    expect(f.origin.call).toBe("somatic");
  });

  it("a common population AF means germline when the call looks germline", () => {
    const hit = makeHit({ ...TERT, pos: 1280000, ref: "A", alt: "G", populationAf: 0.2 });
    const f = finding(hit, makeCall("S", "0/1", 0.5));
    expect(f.origin.call).toBe("germline");
    expect(f.origin.reasons[0]).toBe("population AF 0.2 (CSQ/gnomADe_AF) is common (> 0.01)");
  });

  it("a common population AF does not make a subclonal call germline (frequency never drops a clone)", () => {
    // Engine v2 (issue 17): ASXL1 c.1934dup (p.G646Wfs*12) is "common" in gnomAD because of its
    // homopolymer; at a subclonal VAF in a tumour-only sample it is a clone, not germline.
    const hit = makeHit({ ...TERT, pos: 1280000, ref: "A", alt: "G", populationAf: 0.2 });
    const f = finding(hit, makeCall("S", "0/1", 0.08));
    expect(f.origin.call).toBe("somatic");
    expect(f.origin.reasons[0]).toBe(
      "population AF 0.2 (CSQ/gnomADe_AF) is common (> 0.01), but VAF 0.08 is subclonal: not read as germline",
    );
  });

  it("a somatic caller hint is somatic unless the VAF looks germline", () => {
    expect(finding(dnmt3aR882(), makeCall("S", "0/1", 0.12), ctx({ somaticCaller: true })).origin.call).toBe("somatic");
    expect(finding(tertStop(), makeCall("S", "0/1", 0.5), ctx({ somaticCaller: true })).origin.call).toBe("unknown");
  });

  it("on chrX in a male a heterozygous-like VAF is somatic and ~100% is undecidable", () => {
    const half = finding(piga(), makeCall("S", "0/1", 0.5), ctx({ sex: "male" }));
    expect(half.origin.call).toBe("somatic");
    expect(half.origin.reasons[0]).toContain("not a hemizygous germline signature");
    expect(finding(piga(), makeCall("S", "1", 0.98), ctx({ sex: "male" })).origin.call).toBe("unknown");
  });

  it("reads VAF bands by sample role", () => {
    // Engine v2 (issue 17): without a matched normal or a declared origin, a germline-band VAF is
    // "unknown", not germline: a clone filling the marrow reads the same (AMP/ASCO/CAP 2017,
    // PMID 27993330: tumour-only results need confirmation on normal tissue).
    expect(finding(tertStop(), makeCall("S", "0/1", 0.5)).origin.call).toBe("unknown");
    expect(finding(tertStop(), makeCall("S", "0/1", 0.5), ctx({ role: "germline" })).origin.call).toBe("germline");
    expect(finding(tertStop(), makeCall("S", "0/1", 0.5), ctx({ role: "tumor" })).origin.call).toBe("unknown");
    expect(finding(piga(), makeCall("S", "0/1", 0.05)).origin.call).toBe("somatic");
    expect(finding(tertStop(), makeCall("S", "0/1", 0.05), ctx({ role: "germline" })).origin.call).toBe("unknown");
    expect(finding(tertStop(), makeCall("S", "0/1"), ctx({ role: "germline" })).origin.call).toBe("germline");
    expect(finding(tertStop(), makeCall("S", "0/1")).origin.call).toBe("unknown");
  });

  it("says which threshold is missing instead of inventing one", () => {
    const { sha256: _sha, ...data } = panel;
    const thresholds = { ...data.thresholds };
    delete thresholds["germline-heterozygous-vaf"];
    const bare: Panel = { ...data, thresholds, sha256: "0".repeat(64) };
    const f = finding(tertStop(), makeCall("S", "0/1", 0.5), ctx({ panel: bare }));
    expect(f.origin.call).toBe("unknown");
    expect(f.origin.reasons).toContain("threshold missing: germline-heterozygous-vaf (panel defines none; step skipped)");
  });
});

describe("classification and implications", () => {
  it("a germline TERT truncation is likely pathogenic with every matched rule listed", () => {
    const f = finding(tertStop({ hgvsp: "p.Gln100Ter" }), makeCall("S", "0/1", 0.49));
    expect(f.classification).toBe("likely-pathogenic");
    expect(f.matchBasis).toBe("consequence");
    expect(f.ruleIds).toEqual(["TERT.ANY", "TERT.LOF"]);
    expect(f.implications.map((i) => i.code)).toEqual(["TELOMERE_DISORDER", "DONOR_SCREENING"]);
    expect(f.implications[0]?.evidence).toEqual([{ citation: "fixture-only", applicability: "bmf-cohort" }]);
    expect(f.category).toBe("telomere");
  });

  it("an allele rule's low-penetrance call supersedes gene-wide rules, even for a ~1% allele", () => {
    const hit = makeHit({
      ...TERT,
      pos: 1253900,
      ref: "C",
      alt: "T",
      terms: ["missense_variant"],
      hgvsp: "ENSP00000310581.5:p.Ala1062Thr",
      populationAf: 0.015,
    });
    const f = finding(hit, makeCall("S", "0/1", 0.5));
    expect(f.classification).toBe("low-penetrance");
    expect(f.matchBasis).toBe("allele");
    expect(f.ruleIds).toEqual(["TERT.A1062T", "TERT.ANY"]);
    expect(f.implications.map((i) => i.code)).toEqual(["LOW_PENETRANCE"]);
  });

  it("a common variant matched only by gene-wide rules is benign with no implications", () => {
    const hit = makeHit({ ...TERT, pos: 1280000, ref: "A", alt: "G", terms: ["missense_variant"], populationAf: 0.05 });
    const f = finding(hit, makeCall("S", "0/1", 0.5));
    expect(f.ruleIds).toEqual(["TERT.ANY"]);
    expect(f.classification).toBe("benign");
    expect(f.implications).toEqual([]);
  });

  it("a reviewed ClinVar benign lowers a consequence-based call and removes its implications", () => {
    const hit = tertStop({
      clinvar: { significance: "Benign/Likely benign", reviewStatus: "criteria provided, multiple submitters, no conflicts" },
    });
    const f = finding(hit, makeCall("S", "0/1", 0.5));
    expect(f.classification).toBe("likely-benign");
    expect(f.implications).toEqual([]);
  });

  it("a reviewed ClinVar pathogenic raises an uncertain TERC non-coding call; unreviewed does not", () => {
    const base = {
      ...TERC,
      pos: 169764755,
      ref: "C",
      alt: "T",
      terms: ["non_coding_transcript_exon_variant"],
      hgvsc: "ENST00000602385.1:n.305G>A",
    };
    const reviewed = makeHit({ ...base, clinvar: { significance: "Pathogenic", reviewStatus: "criteria provided, single submitter" } });
    const f = finding(reviewed, makeCall("S", "0/1", 0.5));
    expect(f.classification).toBe("pathogenic");
    expect(f.implications.map((i) => i.code)).toEqual(["TELOMERE_DISORDER"]);
    const bare = makeHit({ ...base, clinvar: { significance: "pathogenic" } });
    expect(finding(bare, makeCall("S", "0/1", 0.5)).classification).toBe("uncertain");
  });

  it("a ClinVar match is allele-specific (any-of picks its most specific alternative)", () => {
    const hit = makeHit({
      ...TERT,
      pos: 1280000,
      ref: "A",
      alt: "G",
      terms: ["missense_variant"],
      clinvar: { significance: "Pathogenic/Likely pathogenic", reviewStatus: "criteria provided, single submitter" },
    });
    const f = finding(hit, makeCall("S", "0/1", 0.5));
    expect(f.matchBasis).toBe("allele");
    expect(f.classification).toBe("likely-pathogenic");
    expect(f.ruleIds).toEqual(["TERT.ANY", "TERT.LOF", "TERT.MISSENSE"]);
  });

  it("a ClinVar match needs a review star and an unmixed aggregate (VEP's CLIN_SIG is supporting only)", () => {
    const base = { ...TERT, pos: 1280000, ref: "A", alt: "G", terms: ["missense_variant"] };
    const unreviewed = finding(makeHit({ ...base, clinvar: { significance: "pathogenic" } }), makeCall("S", "0/1", 0.5));
    expect(unreviewed.ruleIds).not.toContain("TERT.LOF");
    const clinvarCriterion = unreviewed.readings?.flatMap((r) => r.criteria).find((c) => c.code === "ClinVar");
    expect(clinvarCriterion).toMatchObject({ strength: "supporting", direction: "pathogenic" });
    // Token reading once made this pathogenic (clinical-review-2 problem 4).
    const mixed = makeHit({
      ...base,
      clinvar: { significance: "likely_benign&uncertain_significance&pathogenic", reviewStatus: "criteria provided, single submitter" },
    });
    const m = finding(mixed, makeCall("S", "0/1", 0.5));
    expect(m.ruleIds).not.toContain("TERT.LOF");
    expect(m.readings?.flatMap((r) => r.criteria).find((c) => c.code === "ClinVar")?.direction).toBe("neutral");
  });

  it("an unverified-only rule never lifts a finding above uncertain", () => {
    const { sha256: _sha, ...data } = panel;
    const rules = data.rules.map((r) =>
      r.id === "TERC.NONCODING"
        ? { ...r, classification: "pathogenic" as const, evidence: [{ citation: "fixture-only", applicability: "unverified" as const }] }
        : r,
    );
    const loose: Panel = { ...data, rules, sha256: "0".repeat(64) };
    const hit = makeHit({ ...TERC, pos: 169764755, ref: "C", alt: "T", terms: ["non_coding_transcript_exon_variant"] });
    expect(finding(hit, makeCall("S", "0/1", 0.5), ctx({ panel: loose })).classification).toBe("uncertain");
  });

  it("a whole-TERC deletion matches the SV rule without any consequence annotation", () => {
    const hit = makeHit({ ...TERC, pos: 169760000, end: 169770000, ref: "N", alt: "<DEL>", info: { SVTYPE: "DEL" } });
    const f = finding(hit, { sample: "S", genotype: "0/1", zygosity: "het" });
    expect(hit.variant.kind).toBe("sv");
    expect(f.ruleIds).toEqual(["TERC.DELETION"]);
    expect(f.classification).toBe("likely-pathogenic");
    expect(f.matchBasis).toBe("consequence");
    expect(f.origin.call).toBe("unknown");
  });

  it("a somatic DNMT3A R882 clone is a hotspot; identical implications from two rules merge", () => {
    const f = finding(dnmt3aR882(), makeCall("S", "0/1", 0.15));
    expect(f.origin.call).toBe("somatic");
    expect(f.classification).toBe("hotspot");
    expect(f.matchBasis).toBe("allele");
    expect(f.ruleIds).toEqual(["DNMT3A.MISSENSE", "DNMT3A.R882"]);
    expect(f.implications.map((i) => i.code)).toEqual(["CLONAL_EVOLUTION_RISK", "IST_UNFAVORABLE"]);
  });

  it("conditions filter: VAF bounds, variant kinds, origin", () => {
    const small = makeHit({ ...DNMT3A, pos: 25240000, ref: "G", alt: "A", terms: ["missense_variant"] });
    expect(applyRules(small, makeCall("S", "0/1", 0.01), ctx())).toBeUndefined();
    expect(applyRules(small, makeCall("S", "0/1"), ctx())).toBeUndefined();
    const intronicDel = makeHit({ ...TERT, pos: 1270000, ref: "AT", alt: "A", terms: ["intron_variant"] });
    expect(applyRules(intronicDel, makeCall("S", "0/1", 0.5), ctx())).toBeUndefined();
    expect(applyRules(piga(), makeCall("S", "0/1", 0.5), ctx({ declaredOrigin: "germline" }))).toBeUndefined();
  });

  it("a `consequences` condition: a region rule reads a missense change only (builtin GATA2 zinc finger 2)", () => {
    // GRCh38 chr3:128481880 lies in GATA2 exon 5's part of zinc finger 2 (residues 349-398 of
    // NM_032638.5; panel 0.3.2, haematologica-gata2-cohort).
    const at = (terms?: string[]) =>
      makeHit({ gene: "GATA2", hgncId: "HGNC:4171", chrom: "chr3", pos: 128481880, ref: "C", alt: "T", ...(terms ? { terms } : {}) });
    const builtin = { ...ctx(), panel: builtinPanel };
    const missense = applyRules(at(["missense_variant"]), makeCall("S", "0/1", 0.5), builtin);
    expect(missense?.ruleIds).toEqual(["GATA2.ZF2.MISSENSE.GERMLINE"]);
    expect(missense?.classification).toBe("uncertain");
    expect(applyRules(at(["synonymous_variant"]), makeCall("S", "0/1", 0.5), builtin)).toBeUndefined();
    // Unknown consequence: the condition fails (the run lists such a variant as not judged).
    expect(applyRules(at(), makeCall("S", "0/1", 0.5), builtin)).toBeUndefined();
    // Exon 5 before zinc finger 2 (c.1018-1044, residues 340-348: chr3:128481918-128481944): no rule.
    const outside = makeHit({
      gene: "GATA2",
      hgncId: "HGNC:4171",
      chrom: "chr3",
      pos: 128481930,
      ref: "C",
      alt: "T",
      terms: ["missense_variant"],
    });
    expect(applyRules(outside, makeCall("S", "0/1", 0.5), builtin)).toBeUndefined();
  });

  it("no finding for a gene outside the panel or a sample without the allele", () => {
    expect(
      applyRules(
        makeHit({ gene: "BRCA2", hgncId: "HGNC:1101", chrom: "chr13", pos: 1, ref: "A", alt: "T", terms: ["stop_gained"] }),
        makeCall("S", "0/1", 0.5),
        ctx(),
      ),
    ).toBeUndefined();
    expect(applyRules(tertStop(), makeCall("S", "0/0", 0), ctx())).toBeUndefined();
  });

  it("recessive genes: one het allele is a carrier, homozygous or hemizygous is biallelic", () => {
    const fanca = makeHit({ ...FANCA, pos: 89800000, ref: "C", alt: "A", terms: ["stop_gained"] });
    expect(finding(fanca, makeCall("S", "0/1", 0.5)).ruleIds).toEqual(["FANCA.CARRIER"]);
    expect(finding(fanca, makeCall("S", "1/1", 1)).ruleIds).toEqual(["FANCA.BIALLELIC"]);
    const dkc1 = makeHit({ ...DKC1, pos: 154770000, ref: "G", alt: "T", terms: ["frameshift_variant"] });
    expect(finding(dkc1, makeCall("S", "1", 0.99), ctx({ sex: "male" })).ruleIds).toEqual(["DKC1.BIALLELIC"]);
    expect(finding(dkc1, makeCall("S", "1/1", 0.99), ctx({ sex: "male" })).ruleIds).toEqual(["DKC1.BIALLELIC"]);
    expect(finding(dkc1, makeCall("S", "0/1", 0.5), ctx({ sex: "female" })).ruleIds).toEqual(["DKC1.CARRIER"]);
  });

  it("builds a schema-valid finding with rounded VAF and the record's location", () => {
    const f = finding(
      tertStop({ id: ["rs1"], line: 42, transcript: "ENST00000310581", hgvsc: "c.298C>T" }),
      makeCall("S", "0/1", 0.123456),
    );
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(f.call).toEqual({ genotype: "0/1", zygosity: "het", vaf: 0.1235, vafSource: "FORMAT/AD", depth: 100, altDepth: 12 });
    expect(f.source).toEqual({ file: "case.vcf", line: 42 });
    expect(f.variant).toEqual({ chrom: "chr5", pos: 1260600, ref: "G", alt: "A", id: ["rs1"], filter: ["PASS"], key: "chr5:1260600:G:A" });
    expect(Object.keys(f)).toEqual(Object.keys(FindingSchema.shape).filter((k) => k in f));
  });
});

describe("ClinVar vocabulary and HGVS", () => {
  it("reads significance as open vocabulary", () => {
    expect(significanceMatches("Pathogenic/Likely_pathogenic", ["pathogenic"])).toBe(true);
    expect(significanceMatches("pathogenic; likely pathogenic", ["Likely_pathogenic"])).toBe(true);
    expect(significanceMatches("Conflicting interpretations of pathogenicity", ["pathogenic"])).toBe(false);
    expect(significanceMatches("Conflicting_classifications_of_pathogenicity", ["conflicting"])).toBe(true);
    expect(clinvarClassification("Pathogenic/Likely pathogenic")).toBe("likely-pathogenic");
    expect(clinvarClassification("Pathogenic")).toBe("pathogenic");
    expect(clinvarClassification("Benign")).toBe("benign");
    expect(clinvarClassification("Conflicting classifications of pathogenicity")).toBeUndefined();
    expect(clinvarClassification("Pathogenic, low penetrance")).toBe("low-penetrance");
    expect(clinvarClassification("Uncertain significance")).toBeUndefined();
    expect(clinvarClassification("risk factor")).toBeUndefined();
  });

  it("counts review stars", () => {
    expect(reviewStars("practice guideline")).toBe(4);
    expect(reviewStars("reviewed_by_expert_panel")).toBe(3);
    expect(reviewStars("criteria provided, multiple submitters, no conflicts")).toBe(2);
    expect(reviewStars("criteria provided, conflicting classifications")).toBe(1);
    expect(reviewStars("no assertion criteria provided")).toBe(0);
    expect(reviewStars(undefined)).toBeUndefined();
  });

  it("normalises HGVS protein notation", () => {
    expect(normalizeHgvsp("ENSP00000310581.5:p.Ala1062Thr")).toBe("p.A1062T");
    expect(normalizeHgvsp("p.(Arg882His)")).toBe("p.R882H");
    expect(normalizeHgvsp("p.Glu7Ter")).toBe("p.E7*");
    expect(normalizeHgvsp("p.Ala500fs")).toBe("p.A500fs");
  });
});

/** The Subject the two-hit pass rebuilds from a first-pass Finding and its facts. */
function rebuilt(hit: Hit, call: SampleCall, context = ctx()) {
  const judged = firstPass(hit, call, context);
  if (!judged?.facts) throw new Error("expected a finding with facts");
  return { f: judged.finding, subject: subjectFrom(judged.finding, judged.facts, undefined) };
}

describe("the Subject the two-hit pass rebuilds from a Finding and its facts", () => {
  it("gives back what the Finding cannot say: extent, kind, hotspots, assembly, hemizygosity, the unrounded VAF", () => {
    // Male, hom-alt on chrX: the Finding's call says hom-alt, the rules counted a hemizygous allele.
    const dkc1 = makeHit({ ...DKC1, pos: 154770000, ref: "G", alt: "T", terms: ["frameshift_variant"], hotspots: ["X1"] });
    const call = { ...makeCall("S", "1/1", 0.99), vaf: 0.987654321 };
    const { f, subject } = rebuilt(dkc1, call, ctx({ sex: "male" }));
    expect(f.call.vaf).toBe(0.9877);
    expect(f.call.zygosity).toBe("hom-alt");
    expect(subject).toMatchObject({
      gene: { symbol: "DKC1" },
      chrom: "chrX",
      pos: 154770000,
      end: 154770000,
      ref: "G",
      alt: "T",
      kind: "snv",
      hotspots: ["X1"],
      assembly: "GRCh38",
      zygosity: "hemi",
      origin: f.origin.call,
      ids: [],
    });
    expect(subject?.call.vaf).toBe(0.987654321);
    // The rest is the Finding's own parts, not copies of them.
    expect(subject?.consequence).toBe(f.consequence);
  });

  it("a structural variant keeps its END and SVTYPE, which a Finding does not carry", () => {
    const sv = makeHit({ ...TERC, pos: 169760000, end: 169770000, ref: "N", alt: "<DEL>", kind: "sv", info: { SVTYPE: "DEL" } });
    const { f, subject } = rebuilt(sv, makeCall("S", "0/1", 0.5));
    expect(f.ruleIds).toEqual(["TERC.DELETION"]);
    expect(subject).toMatchObject({ pos: 169760000, end: 169770000, kind: "sv", svType: "DEL" });
  });

  it("a Finding hides nothing: its own keys are what its JSON says", () => {
    const f = finding(tertStop(), makeCall("S", "0/1", 0.5));
    expect(Reflect.ownKeys(f)).toEqual(Object.keys(JSON.parse(JSON.stringify(f))));
  });
});
