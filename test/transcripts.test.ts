/**
 * The MANE Select transcript table (src/transcripts/data.ts, scripts/derive-transcripts.mjs)
 * against an independent check: shared/data/transcripts/derived_panel_models.tsv, built by another
 * session from the same MANE release with its own liftover and checked against GENCODE's UTR
 * segments, Ensembl 75 and the LRG sequences (its README).
 */
import { existsSync, readFileSync } from "node:fs";
import { constants, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { annotate, readVariants } from "../src/node.js";
import { builtinPanel } from "../src/panel/index.js";
import { consequenceClass, predictConsequence } from "../src/transcripts/consequence.js";
import { cdsIndex, reverseComplement } from "../src/transcripts/hgvs.js";
import { transcriptGenes, transcriptModel } from "../src/transcripts/index.js";
import type { TranscriptModel } from "../src/transcripts/model.js";
import { predictSvConsequence, svExtent } from "../src/transcripts/sv.js";
import { SHARED, vcfText } from "./helpers.js";

const TABLE = `${SHARED}/data/transcripts/derived_panel_models.tsv`;
const hasShared = existsSync(TABLE);

function rows(): Record<string, string>[] {
  const lines = readFileSync(TABLE, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));
  const header = lines[0]!.split("\t");
  return lines.slice(1).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [header[i]!, v])));
}

const pairs = (text: string) => text.split(",").map((p) => p.split("-").map(Number));

describe("MANE Select transcript models", () => {
  it("has a model for every builtin panel gene, in both builds, exons in transcript order", () => {
    expect([...transcriptGenes()].sort()).toEqual(builtinPanel.genes.map((g) => g.symbol).sort());
    for (const symbol of transcriptGenes()) {
      for (const assembly of ["GRCh38", "GRCh37"] as const) {
        const m = transcriptModel(symbol, assembly)!;
        expect(m.exons.length, symbol).toBeGreaterThan(0);
        for (let i = 1; i < m.exons.length; i++) {
          // 5'→3': ascending on the plus strand, descending on the minus strand.
          expect(Math.sign(m.exons[i]!.start - m.exons[i - 1]!.start), `${symbol} ${assembly}`).toBe(m.strand);
        }
        if (m.cds) expect(Math.sign(m.cds.end - m.cds.start), `${symbol} cds`).toBe(m.strand);
      }
    }
    expect(transcriptModel("NOT_A_GENE", "GRCh38")).toBeUndefined();
    expect(transcriptModel("__proto__", "GRCh38")).toBeUndefined();
  });

  it.skipIf(!hasShared)("equals the independent verification table in both builds (exons and CDS)", () => {
    let compared = 0;
    for (const row of rows()) {
      const symbol = row.symbol!;
      // TERC is checked below: the table describes it in words (no MANE model).
      if (!transcriptGenes().includes(symbol) || symbol === "TERC") continue;
      const m38 = transcriptModel(symbol, "GRCh38")!;
      const m37 = transcriptModel(symbol, "GRCh37")!;
      expect(m38.chrom, symbol).toBe(row.chrom);
      expect(m38.refseq, symbol).toBe(row.mane_refseq);
      expect(
        m38.exons.map((e) => [e.start, e.end]),
        `${symbol} GRCh38`,
      ).toEqual(pairs(row.grch38_exons!));
      expect(
        m37.exons.map((e) => [e.start, e.end]),
        `${symbol} GRCh37`,
      ).toEqual(pairs(row.grch37_exons_chainlift!));
      if (row.grch38_cds_start) {
        expect([m38.cds?.start, m38.cds?.end], `${symbol} GRCh38 CDS`).toEqual([Number(row.grch38_cds_start), Number(row.grch38_cds_end)]);
        expect([m37.cds?.start, m37.cds?.end], `${symbol} GRCh37 CDS`).toEqual([Number(row.grch37_cds_start), Number(row.grch37_cds_end)]);
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(79);
  });

  it("TERC is the single 451-nt exon of NR_001566.1 (LRG_347), with no CDS", () => {
    const terc = transcriptModel("TERC", "GRCh38")!;
    expect(terc.refseq).toBe("NR_001566.1");
    expect(terc.exons).toEqual([{ start: 169764610, end: 169765060 }]);
    expect(terc.cds).toBeUndefined();
    expect(transcriptModel("TERC", "GRCh37")!.exons).toEqual([{ start: 169482398, end: 169482848 }]);
  });
});

describe("consequences from the transcript model", () => {
  const at = (symbol: string, assembly: "GRCh38" | "GRCh37" = "GRCh38") => transcriptModel(symbol, assembly)!;

  it("classifies by position on a plus-strand gene (MPL)", () => {
    const mpl = at("MPL");
    expect(mpl.strand).toBe(1);
    const cds = mpl.cds!;
    // The first base of the start codon: start_lost, c.1.
    const start = predictConsequence(mpl, cds.start, "A", "G")!;
    expect(start.terms).toEqual(["start_lost"]);
    expect(start.hgvsc).toBe(`${mpl.refseq}:c.1A>G`);
    // MPL c.305G>C p.R102P (GRCh38 chr1:43338634, checked against LRG_510; blood-2001-97-3675):
    // MPL's coding sequence comes from LRG_510, so the protein change is read too.
    expect(mpl.cdsSequence?.length).toBe(1908);
    const r102p = predictConsequence(mpl, 43338634, "G", "C")!;
    expect(r102p.terms).toEqual(["missense_variant"]);
    expect(r102p.hgvsc).toBe(`${mpl.refseq}:c.305G>C`);
    expect(r102p.hgvsp).toBe("p.(Arg102Pro)");
    // Without a sequence (SAMD9 has no LRG record) a coding substitution stays coding_sequence_variant.
    const samd9 = at("SAMD9");
    expect(samd9.cdsSequence).toBeUndefined();
    const mid = samd9.exons.find((e) => e.start < samd9.cds!.start && e.end > samd9.cds!.end) ?? samd9.exons[1]!;
    const inCds = Math.min(
      Math.max(Math.round((mid.start + mid.end) / 2), Math.min(samd9.cds!.start, samd9.cds!.end) + 10),
      Math.max(samd9.cds!.start, samd9.cds!.end) - 10,
    );
    expect(predictConsequence(samd9, inCds, "A", "G")!.terms).toEqual(["coding_sequence_variant"]);
    // Exon 1's last base; the intron's first two bases, its 3rd and its 9th.
    const e1 = mpl.exons[0]!;
    expect(predictConsequence(mpl, e1.end, "C", "T")!.terms).toContain("splice_region_variant");
    expect(predictConsequence(mpl, e1.end + 1, "G", "A")!.terms).toEqual(["splice_donor_variant"]);
    expect(predictConsequence(mpl, e1.end + 2, "G", "A")!.terms).toEqual(["splice_donor_variant"]);
    expect(predictConsequence(mpl, e1.end + 3, "G", "A")!.terms).toEqual(["splice_region_variant", "intron_variant"]);
    expect(predictConsequence(mpl, e1.end + 9, "G", "A")!.terms).toEqual(["intron_variant"]);
    expect(predictConsequence(mpl, e1.end + 9, "G", "A")!.hgvsc).toMatch(/:c\.\d+\+9G>A$/);
    // The next exon is preceded by the acceptor's last two intron bases.
    const e2 = mpl.exons[1]!;
    expect(predictConsequence(mpl, e2.start - 1, "A", "G")!.terms).toEqual(["splice_acceptor_variant"]);
    expect(predictConsequence(mpl, e2.start - 1, "A", "G")!.hgvsc).toMatch(/:c\.\d+-1A>G$/);
    // Up- and downstream within 5 kb, nothing beyond.
    expect(predictConsequence(mpl, mpl.exons[0]!.start - 100, "A", "G")!.terms).toEqual(["upstream_gene_variant"]);
    expect(predictConsequence(mpl, mpl.exons.at(-1)!.end + 100, "A", "G")!.terms).toEqual(["downstream_gene_variant"]);
    expect(predictConsequence(mpl, mpl.exons[0]!.start - 6000, "A", "G")).toBeUndefined();
  });

  it("indels in the CDS: frameshift by length, in-frame otherwise (minus-strand DNMT3A)", () => {
    const d = at("DNMT3A");
    expect(d.strand).toBe(-1);
    // R882 codon (GRCh38 chr2:25234372-25234374, shared hotspot table): c.2645G>A p.Arg882His, the
    // DNMT3A R882 hotspot (PMID:35296003); the coding sequence is LRG_459's, transcribed (scripts/data/lrg-transcribed).
    const r882h = predictConsequence(d, 25234373, "C", "T")!;
    expect(r882h.terms).toEqual(["missense_variant"]);
    expect(r882h.hgvsc).toBe(`${d.refseq}:c.2645G>A`);
    expect(r882h.hgvsp).toBe("p.(Arg882His)");
    expect(predictConsequence(d, 25234373, "CG", "C")!.terms).toEqual(["frameshift_variant"]);
    expect(predictConsequence(d, 25234373, "C", "CGGA")!.terms).toEqual(["inframe_insertion"]);
    expect(predictConsequence(d, 25234370, "CGGAG", "CG")!.terms).toEqual(["inframe_deletion"]);
    // With the coding sequence an indel is 3'-shifted and named: DNMT3A is on the minus strand, so
    // 3' is toward lower coordinates.
    expect(predictConsequence(d, 25234373, "CG", "C")!.hgvsc).toBe(`${d.refseq}:c.2644del`);
    // 5' UTR before the start codon (higher coordinates on the minus strand): c.-N.
    const utr = predictConsequence(d, d.cds!.start + 5, "A", "G")!;
    expect(utr.terms).toEqual(["5_prime_UTR_variant"]);
    expect(utr.hgvsc).toBe(`${d.refseq}:c.-5T>C`);
  });

  // Indels named as VEP names them (HGVS 3' rule), checked against VEP 95's own CSQ in the scout
  // cancer_test.vcf.gz demo (GRCh37): ASXL1 c.1934dup p.Gly646TrpfsTer12 and DNMT3A
  // c.1595_1602del p.Gly532ValfsTer11.
  it("indels in repeats are 3'-shifted: the ASXL1 G8 run (plus strand) and DNMT3A (minus), both builds", () => {
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      const asxl1 = at("ASXL1", assembly);
      // c.1927–c.1934 is a run of eight G (the coding sequence says so), c.1935 a T.
      const g = (c: number) => genomicOf(asxl1, c);
      expect([...Array(8)].map((_, i) => asxl1.cdsSequence![1926 + i]).join("")).toBe("GGGGGGGG");
      // One G inserted anywhere in the run, or after the base before it, is c.1934dup.
      for (const anchor of [g(1926), g(1927), g(1930), g(1934)]) {
        const ref = anchor === g(1926) ? "A" : "G";
        const dup = predictConsequence(asxl1, anchor, ref, `${ref}G`)!;
        expect(dup.terms).toEqual(["frameshift_variant"]);
        expect(dup.hgvsc).toBe(`${asxl1.refseq}:c.1934dup`);
        expect(dup.hgvsp).toBe("p.(Gly646TrpfsTer12)");
      }
      // One G deleted anywhere in the run is c.1934del (p.Gly645ValfsTer58, the other recurrent ASXL1 change).
      expect(predictConsequence(asxl1, g(1927), "GG", "G")!.hgvsc).toBe(`${asxl1.refseq}:c.1934del`);
      expect(predictConsequence(asxl1, g(1927), "GG", "G")!.hgvsp).toBe("p.(Gly645ValfsTer58)");
      // Three G (one glycine of the five, Gly642–Gly646): in-frame, the last glycine of the run.
      const del3 = predictConsequence(asxl1, g(1926), "AGGG", "A")!;
      expect(del3.terms).toEqual(["inframe_deletion"]);
      expect(del3.hgvsc).toBe(`${asxl1.refseq}:c.1932_1934del`);
      expect(del3.hgvsp).toBe("p.(Gly646del)");
      const dup3 = predictConsequence(asxl1, g(1926), "A", "AGGG")!;
      expect(dup3.hgvsc).toBe(`${asxl1.refseq}:c.1932_1934dup`);
      expect(dup3.hgvsp).toBe("p.(Gly646dup)");
      // A REF that disagrees with the coding sequence gets no name: the shift cannot be trusted.
      expect(predictConsequence(asxl1, g(1927), "TG", "T")!.hgvsc).toBeUndefined();
      // Minus strand: the DNMT3A 8-bp deletion VEP names c.1595_1602del (GRCh37 2:25467473
      // ACTGGTAGC>A in the demo), written here from the coding sequence for either build.
      const d = at("DNMT3A", assembly);
      const lo = genomicOf(d, 1602);
      const anchor = lo - 1;
      const deleted = reverseComplement(d.cdsSequence!.slice(1594, 1602));
      const anchorBase = reverseComplement(d.cdsSequence![1602]!);
      if (assembly === "GRCh37") expect(`${anchor}:${anchorBase}${deleted}`).toBe("25467473:ACTGGTAGC");
      const del8 = predictConsequence(d, anchor, `${anchorBase}${deleted}`, anchorBase)!;
      expect(del8.hgvsc).toBe(`${d.refseq}:c.1595_1602del`);
      expect(del8.hgvsp).toBe("p.(Gly532ValfsTer11)");
    }
  });

  it("splice-boundary indels: an insertion between the last exon base and the intron reads both, and gets no protein change", () => {
    const mpl = at("MPL");
    const e1 = mpl.exons[0]!;
    const c = predictConsequence(mpl, e1.end, "N", "NA")!;
    expect(c.terms).toEqual(expect.arrayContaining(["splice_region_variant"]));
    expect(c.hgvsp).toBeUndefined();
    // A deletion of the donor's first two intron bases: splice donor.
    expect(predictConsequence(mpl, e1.end, "NGT", "N")!.terms).toContain("splice_donor_variant");
  });

  // One variant of each consequence class on a plus-strand (MPL) and a minus-strand (GATA2) gene in
  // both builds. Positions come from the model; the expected protein effect is worked out here from
  // the coding sequence's own codons (the standard code), independently of the module's path.
  it("gives each consequence class on a plus- and a minus-strand gene, in both builds", () => {
    const CODE: Record<string, string> = {};
    const b = "TCAG";
    const aa = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";
    let k = 0;
    for (const x of b) for (const y of b) for (const z of b) CODE[x + y + z] = aa[k++]!;
    const comp: Record<string, string> = { A: "T", C: "G", G: "C", T: "A" };
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      for (const symbol of ["MPL", "GATA2"]) {
        const m = at(symbol, assembly);
        const cds = m.cdsSequence!;
        const plus = (tx: string) => (m.strand === 1 ? tx : comp[tx]!);
        const g = (c: number) => genomicOf(m, c);
        const terms = (pos: number, ref: string, alt: string) => predictConsequence(m, pos, ref, alt)!.terms;
        const other = (base: string, avoid: string[]) => "ACGT".split("").find((x) => x !== base && !avoid.includes(x))!;
        // A substitution at codon 20, base 3: the expected term from the codon table.
        const codonAt = 19;
        const codon = cds.slice(codonAt * 3, codonAt * 3 + 3);
        for (const alt of "ACGT".split("").filter((x) => x !== codon[2])) {
          const mutated = codon.slice(0, 2) + alt;
          const want = CODE[mutated] === "*" ? "stop_gained" : CODE[mutated] === CODE[codon] ? "synonymous_variant" : "missense_variant";
          const pos = g(codonAt * 3 + 3);
          expect(terms(pos, plus(codon[2]!), plus(alt)), `${symbol} ${assembly} c.60${codon[2]}>${alt}`).toContain(want);
        }
        // Start codon, stop codon.
        expect(terms(g(1), plus("A"), plus("G"))).toContain("start_lost");
        const last = cds.length;
        const stopBase = cds[last - 3]!;
        const stopAlt = other(stopBase, []);
        const stopTerm = CODE[stopAlt + cds.slice(last - 2)] === "*" ? "stop_retained_variant" : "stop_lost";
        expect(terms(g(last - 2), plus(stopBase), plus(stopAlt))).toContain(stopTerm);
        // Frameshift and in-frame, by length, in codon 20.
        const p = g(60);
        const refBase = plus(cds[59]!);
        expect(terms(p, refBase, `${refBase}A`)).toContain("frameshift_variant");
        expect(terms(p, refBase, `${refBase}AAA`)).toContain("inframe_insertion");
        const span = m.strand === 1 ? [p, p + 3] : [p - 3, p];
        const delRef = [...Array(4)].map((_, i) => plus(cds[m.strand === 1 ? 59 + i : 62 - i]!));
        const delAlleles = m.strand === 1 ? delRef.join("") : [...delRef].reverse().join("");
        expect(terms(span[0]!, delAlleles, delAlleles[0]!)).toContain("inframe_deletion");
        // Splice sites around the first coding exon's 3' end, and the UTRs, up/downstream.
        const exonIndex = m.exons.findIndex((e) => cdsIndex(m, m.strand === 1 ? e.end : e.start) !== undefined);
        const e = m.exons[exonIndex]!;
        const end3 = m.strand === 1 ? e.end : e.start;
        const step = m.strand;
        expect(terms(end3 + step, "N", "A")).toEqual(["splice_donor_variant"]);
        expect(terms(end3 + 2 * step, "N", "A")).toEqual(["splice_donor_variant"]);
        expect(terms(end3 + 5 * step, "N", "A")).toEqual(["splice_region_variant", "intron_variant"]);
        expect(terms(end3 + 20 * step, "N", "A")).toEqual(["intron_variant"]);
        const next = m.exons[exonIndex + 1]!;
        const start5 = m.strand === 1 ? next.start : next.end;
        expect(terms(start5 - step, "N", "A")).toEqual(["splice_acceptor_variant"]);
        expect(terms(start5 - 2 * step, "N", "A")).toEqual(["splice_acceptor_variant"]);
        const utr5 = g(1) - step;
        expect(terms(utr5, "N", "A")).toContain("5_prime_UTR_variant");
        const utr3 = g(last) + step;
        expect(terms(utr3, "N", "A")).toContain("3_prime_UTR_variant");
        const txFirst = m.strand === 1 ? m.span.start : m.span.end;
        const txLast = m.strand === 1 ? m.span.end : m.span.start;
        expect(terms(txFirst - 100 * step, "N", "A")).toEqual(["upstream_gene_variant"]);
        expect(terms(txLast + 100 * step, "N", "A")).toEqual(["downstream_gene_variant"]);
      }
    }
  });

  // Symbolic DEL/DUP over a model (issue 19): the exons covered in VEP's EXON notation, and VEP's
  // structural terms (transcript_ablation/amplification for the whole transcript, feature
  // truncation/elongation for part of it).
  it("reads symbolic deletions and duplications exon by exon, plus and minus strand, both builds", () => {
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      for (const symbol of ["MPL", "GATA2"]) {
        const m = at(symbol, assembly);
        const n = m.exons.length;
        // The whole transcript, padded 1 kb each side.
        const whole = { start: m.span.start - 1000, end: m.span.end + 1000 };
        const del = predictSvConsequence(m, { ...whole, gain: false })!;
        expect(del.terms).toEqual(["transcript_ablation"]);
        expect(del.exon).toBe(`1-${n}/${n}`);
        expect(predictSvConsequence(m, { ...whole, gain: true })!.terms).toEqual(["transcript_amplification"]);
        // Exons 2 and 3 (transcript order) and the introns around them.
        const [e2, e3] = [m.exons[1]!, m.exons[2]!];
        const part = { start: Math.min(e2.start, e3.start) - 50, end: Math.max(e2.end, e3.end) + 50, gain: false };
        const partial = predictSvConsequence(m, part)!;
        expect(partial.exon).toBe(`2-3/${n}`);
        expect(partial.terms).toEqual(expect.arrayContaining(["feature_truncation", "intron_variant"]));
        expect(partial.terms).not.toContain("transcript_ablation");
        // Inside one intron only: no exon.
        const e1 = m.exons[0]!;
        const intronLo = Math.min(e1.end, e2.end) + 100;
        const inIntron = predictSvConsequence(m, { start: intronLo, end: intronLo + 10, gain: false })!;
        expect(inIntron.exon).toBeUndefined();
        expect(inIntron.terms).toEqual(["feature_truncation", "intron_variant"]);
      }
    }
    // VCF: POS is the padding base; END the last deleted base. Only DEL and DUP are read.
    expect(svExtent(100, 200, "DEL")).toEqual({ start: 101, end: 200, gain: false });
    expect(svExtent(100, 200, "DUP:TANDEM")).toEqual({ start: 101, end: 200, gain: true });
    expect(svExtent(100, 200, "INV")).toBeUndefined();
  });

  it("an unannotated whole-gene GATA2 deletion is read as transcript_ablation, which the panel's lof class holds", async () => {
    const m = at("GATA2", "GRCh38");
    const text = vcfText([`chr3\t${m.span.start - 5000}\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=${m.span.end + 5000}\tGT\t0/1`], {
      meta: [
        '##ALT=<ID=DEL,Description="Deletion">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">',
      ],
    });
    const report = await annotate({ text, name: "gata2-del.vcf" }, { assembly: "GRCh38" });
    const finding = report.samples[0]!.findings.find((f) => f.gene.symbol === "GATA2");
    expect(finding?.consequence).toMatchObject({ terms: ["transcript_ablation"], exon: "1-6/6", source: "builtin" });
    expect(builtinPanel.consequenceClasses.lof?.terms).toContain("transcript_ablation");
    expect(finding?.ruleIds).toContain("GATA2.LOF.GERMLINE");
  });

  it("TERC is a non-coding RNA: n. numbering, and GRCh37 mirrors GRCh38", () => {
    for (const [assembly, pos] of [
      ["GRCh38", 169764756],
      ["GRCh37", 169482544],
    ] as const) {
      // n.305G>A (yamaguchi-2003-blood), positions from the LRG_347 mapping.
      const c = predictConsequence(at("TERC", assembly), pos, "C", "T")!;
      expect(c.terms).toEqual(["non_coding_transcript_exon_variant"]);
      expect(c.hgvsc).toBe("NR_001566.1:n.305G>A");
    }
  });

  // Every VEP-annotated VCF of the corpus (a header declaring CSQ), wherever VEP's transcript is the
  // gene's MANE Select one: the same SO terms (sequence-dependent coding terms read as
  // coding_sequence_variant; terms VEP added after 2019 and `sequence_feature` rows left out) and
  // the same HGVS c. of every substitution.
  it.skipIf(!hasShared)(
    "agrees with VEP on the corpus's annotated files",
    async () => {
      // Known differences, each with its reason.
      const EXPECTED: Record<string, string> = {
        // A 93-bp FLT3 ITD at the exon 14 boundary: VEP 3'-shifts the insertion into the exon and
        // reads the protein change; without the sequence the model cannot shift it.
        "FLT3 13:28608220:A:AAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCTGAGGAGCCG":
          "3' shifting needs the sequence",
      };
      // HGVS VEP gives and the model cannot, without a reference FASTA: the gene has no coding
      // sequence here (no LRG record, or the LRG is another transcript), an intronic indel's 3'
      // shift needs intron bases, or a frameshift's new stop lies past the coding sequence.
      const NO_SEQUENCE = "no coding sequence for the gene (no LRG record, or the LRG is another transcript): needs --reference";
      const INTRON = "intronic indel: the 3' shift needs intron bases: needs --reference";
      const NOT_NAMED: Record<string, string> = {
        "POT1 7:124475295:ATAAAC:A c.": NO_SEQUENCE,
        "POT1 7:124475296:TAAACA:T c.": NO_SEQUENCE,
        "POT1 7:124475296:T:TAAACA c.": NO_SEQUENCE,
        "POT1 7:124499002:AT:CA c.": NO_SEQUENCE,
        "POT1 7:124537447:TA:T c.": NO_SEQUENCE,
        "POT1 7:124491972:C:A p.": NO_SEQUENCE,
        "FANCM 14:45654409:GTCTT:G c.": NO_SEQUENCE,
        "FANCM 14:45606387:A:G p.": NO_SEQUENCE,
        "IDH2 15:90631934:C:T p.": NO_SEQUENCE,
        "ANKRD26 10:27355268:CTTTA:C c.": INTRON,
        "TP53 chr17:7675393:CTTT:C c.": INTRON,
        "TP53 chr17:7676325:CCCCCAGCCCTCCAGGT:C c.": INTRON,
        "BRCA1 chr17:43059469:C:CACAACA c.": INTRON,
        "BRCA1 chr17:43077743:AT:A c.": INTRON,
        "BRCA1 chr17:43077760:G:GT c.": INTRON,
        "BRCA1 chr17:43097346:TA:T c.": INTRON,
        "BRCA1 chr17:43104083:AAAG:A c.": INTRON,
        // NPM1 c.860_863dup (type A): the new frame reads past the stop codon into the 3' UTR.
        "NPM1 5:170837543:C:CTCTG p.": "frameshift whose new stop lies in the 3' UTR: needs --reference",
      };
      const norm = consequenceClass;
      const files = readFileSync(`${SHARED}/corpus/MANIFEST.tsv`, "utf8")
        .split("\n")
        .map((l) => l.split("\t")[0]!)
        .filter((f) => /\.vcf(\.gz)?$/.test(f));
      let compared = 0;
      let agreed = 0;
      let hgvs = 0;
      let protein = 0;
      let hgvsps = 0;
      const unexpected: string[] = [];
      const missingC: string[] = [];
      const missingP: string[] = [];
      for (const rel of files) {
        const file = `${SHARED}/corpus/${rel}`;
        if (!existsSync(file) || !headerOf(file).includes("ID=CSQ")) continue;
        try {
          for await (const v of readVariants(file, { strict: false })) {
            for (const c of v.consequences ?? []) {
              if (!c.symbol || !c.transcript || !transcriptGenes().includes(c.symbol)) continue;
              const vep = norm(c.terms);
              if (vep === "") continue;
              const base = c.transcript.split(".")[0];
              const model = (["GRCh38", "GRCh37"] as const)
                .map((a) => transcriptModel(c.symbol!, a)!)
                .find(
                  (m) =>
                    (base === m.ensembl?.split(".")[0] || base === m.refseq.split(".")[0]) && predictConsequence(m, v.pos, v.ref, v.alt),
                );
              if (!model) continue;
              const ours = predictConsequence(model, v.pos, v.ref, v.alt)!;
              compared++;
              const key = `${c.symbol} ${v.key}`;
              if (norm(ours.terms) === vep) agreed++;
              else if (!EXPECTED[key]) unexpected.push(`${key}: VEP ${vep}, model ${norm(ours.terms)}`);
              // With the coding sequence: the exact coding term and the protein change.
              const PROTEIN = ["missense_variant", "synonymous_variant", "stop_gained", "stop_lost", "stop_retained_variant"];
              const oursCoding = ours.terms.filter((t) => PROTEIN.includes(t));
              if (oursCoding.length > 0) {
                protein++;
                const vepCoding = c.terms.filter((t) => PROTEIN.includes(t));
                if (vepCoding.join("&") !== oursCoding.join("&"))
                  unexpected.push(`${key}: VEP ${vepCoding.join("&")}, model ${oursCoding.join("&")}`);
              }
              if (c.hgvsc && !ours.hgvsc) missingC.push(`${key} c.`);
              if (c.hgvsp && !ours.hgvsp) missingP.push(`${key} p.`);
              // Every protein change both name (substitutions, frameshifts, in-frame indels).
              if (c.hgvsp && ours.hgvsp) {
                hgvsps++;
                const vepP = (c.hgvsp.includes(":") ? c.hgvsp.split(":")[1]! : c.hgvsp).replace("%3D", "=");
                // VEP writes p. without the predicted-notation parentheses.
                if (ours.hgvsp.replace(/^p\.\((.*)\)$/, "p.$1") !== vepP) unexpected.push(`${key}: VEP ${vepP}, model ${ours.hgvsp}`);
              }
              if (c.hgvsc && ours.hgvsc) {
                hgvs++;
                const vepC = c.hgvsc.includes(":") ? c.hgvsc.split(":")[1] : c.hgvsc;
                if (ours.hgvsc.split(":")[1] !== vepC) unexpected.push(`${key}: VEP ${vepC}, model ${ours.hgvsc}`);
              }
            }
          }
        } catch {
          // Files the reader refuses are the corpus test's business, not this one's.
        }
      }
      // Every HGVS VEP gives that the model does not, with its reason.
      expect([...new Set([...missingC, ...missingP])].sort()).toEqual(Object.keys(NOT_NAMED).sort());
      expect(unexpected).toEqual([]);
      expect(compared).toBeGreaterThanOrEqual(100);
      expect(agreed / compared).toBeGreaterThanOrEqual(0.99);
      expect(hgvs).toBeGreaterThanOrEqual(73);
      // Where an LRG gives the coding sequence (60 genes): the exact coding term and HGVS p.
      expect(protein).toBeGreaterThanOrEqual(21);
      expect(hgvsps).toBeGreaterThanOrEqual(24);
    },
    120_000,
  );
});

/** The meta lines of a VCF (plain or gzip/BGZF). */
function headerOf(file: string): string {
  const bytes = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) : bytes).toString("utf8");
  const end = text.indexOf("\n#CHROM");
  return end < 0 ? text : text.slice(0, end);
}

/** The genomic position of c.`c` (a coding position), found by the model's own CDS index. */
function genomicOf(model: TranscriptModel, c: number): number {
  for (const e of model.exons) for (let g = e.start; g <= e.end; g++) if (cdsIndex(model, g) === c - 1) return g;
  throw new Error(`c.${c} is not in ${model.symbol}`);
}

describe("annotate with --consequences", () => {
  const TCGA = "fixtures/cases/TCGA-AB-2968-03.laml.vcf";
  const roles = { "TCGA-AB-2968-03A-01D-0739-09": "tumor", "TCGA-AB-2968-11A-01D-0739-09": "normal" } as const;

  // The unannotated TCGA-AB-2968 AML pair (issue 19): from the MANE model alone the BCOR frameshift
  // and the DNMT3A nonsense change are read (loss-of-function rules), NRAS Q61H and U2AF1 S34F stay
  // hotspots with their c./p. names; the variant classes agree with the MAF vcf2maf/VEP wrote from
  // the same file (data/TCGA-AB-2968-03.laml.maf: Frame_Shift_Ins, Nonsense_Mutation,
  // Missense_Mutation ×3). The DNMT3A missense change outside R882 (c.2222C>T p.(Ala741Val)) is an
  // uncertain finding (panel 0.4.1 DNMT3A.MISSENSE.SOMATIC; R882 is about a tenth of DNMT3A changes
  // in clonal haematopoiesis, PMID:35296003).
  it("builtin: reads an unannotated pair from the MANE model", async () => {
    const report = await annotate(TCGA, { assembly: "GRCh37", roles, consequences: "builtin" });
    const tumor = report.samples.find((s) => s.role === "tumor")!;
    const bySymbol = Object.fromEntries(tumor.findings.map((f) => [f.gene.symbol, f]));
    expect(Object.keys(bySymbol).sort()).toEqual(["BCOR", "DNMT3A", "NRAS", "U2AF1"]);
    const missense = tumor.findings.find((f) => f.variant.key === "2:25463271:G:A")!;
    expect(missense.classification).toBe("uncertain");
    expect(missense.consequence).toMatchObject({ terms: ["missense_variant"], hgvsc: "NM_022552.5:c.2222C>T", hgvsp: "p.(Ala741Val)" });
    bySymbol.DNMT3A = tumor.findings.find((f) => f.variant.key === "2:25469029:C:A")!;
    expect(bySymbol.BCOR!.consequence?.source).toBe("builtin");
    expect(bySymbol.BCOR!.consequence?.terms).toContain("frameshift_variant");
    expect(bySymbol.DNMT3A!.variant.key).toBe("2:25469029:C:A");
    expect(bySymbol.DNMT3A!.consequence?.terms[0]).toBe("stop_gained");
    expect(bySymbol.DNMT3A!.consequence?.hgvsp).toBe("p.(Glu477Ter)");
    expect(bySymbol.NRAS!.consequence?.hgvsc).toBe("NM_002524.5:c.183A>T");
    expect(bySymbol.NRAS!.consequence?.hgvsp).toBe("p.(Gln61His)");
    expect(bySymbol.U2AF1!.consequence?.hgvsc).toBe("NM_006758.3:c.101C>T");
    expect(bySymbol.U2AF1!.consequence?.hgvsp).toBe("p.(Ser34Phe)");
    expect(tumor.notJudged).toBeUndefined();
    // The default (file) falls back to the model where the file says nothing: the same findings.
    const file = await annotate(TCGA, { assembly: "GRCh37", roles });
    expect(file.samples.find((s) => s.role === "tumor")!.findings).toEqual(tumor.findings);
  });

  it("both: an annotated file keeps its own consequences", async () => {
    const demo = "fixtures/demo.vcf.gz";
    const [file, both] = await Promise.all([annotate(demo), annotate(demo, { consequences: "both" })]);
    expect(both.samples.map((s) => s.findings)).toEqual(file.samples.map((s) => s.findings));
  });
});
