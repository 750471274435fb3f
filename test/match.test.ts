/**
 * Gene matching on real files (issue 4): hotspots and promoter regions without annotation,
 * the same genes in both builds, and annotation vs coordinates agreeing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { geneLoci, genesOverlapping, loadGeneTables, otherNames, resolveGene } from "../src/genes/index.js";
import { indexPanel, matchVariant } from "../src/match.js";
import type { Assembly, Variant } from "../src/model.js";
import {
  BUILTIN_GENE_LOCI,
  BUILTIN_GENES_PANEL_SHA256,
  BUILTIN_OTHER_NAME_GENES,
  BUILTIN_OTHER_NAMES,
} from "../src/panel/builtin-genes.js";
import { builtinPanel } from "../src/panel/index.js";
import { readVariantsWith } from "../src/read.js";
import { toNodeSource } from "../src/vcf/node-input.js";
import { fixture } from "./helpers.js";

const resolvers = {
  source: (input: unknown, name?: string) => toNodeSource(input as string, name),
  index: () => {
    throw new Error("no index here");
  },
};

async function variants(path: string): Promise<Variant[]> {
  const out: Variant[] = [];
  for await (const v of readVariantsWith(path, {}, resolvers)) out.push(v);
  return out;
}

function panelHits(list: readonly Variant[], assembly: Assembly) {
  const index = indexPanel(builtinPanel, assembly);
  return list.map((v) => matchVariant(v, index).hits);
}

/** Strips the file's own annotation so only coordinates can place the variant. */
function stripAnnotation(v: Variant): Variant {
  return { ...v, consequences: [] };
}

// The tables load on demand (src/genes/index.ts); these tests look genes up directly.
beforeAll(() => loadGeneTables());

describe("TERT promoter hotspots (vcf2maf tests)", () => {
  it("finds C228T and C250T in GRCh37 (test.vcf) by coordinates, outside the gene span", async () => {
    const list = await variants(fixture("match", "vcf2maf.test.vcf"));
    const hits = panelHits(list, "GRCh37")
      .flat()
      .filter((h) => h.gene.symbol === "TERT");
    expect(hits.map((h) => `${h.variant.pos}${h.variant.ref}>${h.variant.alt}`).sort()).toEqual(["1295228G>A", "1295250G>A"]);
    expect(hits.every((h) => h.geneSource === "coordinates")).toBe(true);
    expect(hits.flatMap((h) => h.hotspots).sort()).toEqual(["C228T", "C250T"]);
  });

  it("finds them in GRCh38 (test_grch38.vcf)", async () => {
    const list = await variants(fixture("match", "vcf2maf.test_grch38.vcf"));
    const hits = panelHits(list, "GRCh38")
      .flat()
      .filter((h) => h.gene.symbol === "TERT");
    expect(hits.map((h) => h.variant.pos).sort()).toEqual([1295113, 1295135]);
    expect(hits.flatMap((h) => h.hotspots).sort()).toEqual(["C228T", "C250T"]);
  });
});

describe("the same genes in both builds", () => {
  it("vcf2maf test_b37/test_b38: record by record, every overlapping protein-coding gene and every panel gene", async () => {
    const b37 = await variants(fixture("match", "vcf2maf.test_b37.vcf"));
    const b38 = await variants(fixture("match", "vcf2maf.test_b38.vcf"));
    expect(b37).toHaveLength(25);
    expect(b38).toHaveLength(b37.length);
    const genes = (v: Variant, a: Assembly) =>
      // Non-coding models differ between GENCODE releases (RUNX1-AS1 exists only in the GRCh38 table).
      [
        ...new Set(
          genesOverlapping(a, v.chrom, v.pos, v.end)
            .filter((g) => g.biotype === "protein_coding")
            .map((g) => g.symbol),
        ),
      ]
        .sort()
        .join(",");
    const g37 = b37.map((v) => genes(v, "GRCh37"));
    const g38 = b38.map((v) => genes(v, "GRCh38"));
    expect(g38).toEqual(g37);
    const p37 = panelHits(b37, "GRCh37").map((h) => h.map((x) => x.gene.symbol).join(","));
    const p38 = panelHits(b38, "GRCh38").map((h) => h.map((x) => x.gene.symbol).join(","));
    expect(p38).toEqual(p37);
    // RUNX1 (chr21) is the panel gene these records exercise.
    expect(p37.filter((s) => s === "RUNX1").length).toBeGreaterThan(0);
  });

  for (const tumor of ["BRCA", "COAD"]) {
    it(`pcgr T001-${tumor}: panel genes hit in GRCh37 equal those in GRCh38`, async () => {
      const b37 = await variants(fixture("match", `pcgr.T001-${tumor}.grch37.vcf.gz`));
      const b38 = await variants(fixture("match", `pcgr.T001-${tumor}.grch38.vcf.gz`));
      const symbols = (list: Variant[], a: Assembly) =>
        panelHits(list, a)
          .flat()
          .map((h) => h.gene.symbol)
          .sort();
      const s37 = symbols(b37, "GRCh37");
      const s38 = symbols(b38, "GRCh38");
      expect(s38).toEqual(s37);
      expect(s37.length).toBeGreaterThan(0);
    });
  }
});

describe("annotation and coordinates agree (scout VEP demo, GRCh37)", () => {
  it("each panel gene named by VEP is also found with the annotation stripped", async () => {
    const list = await variants(fixture("annotated", "scout.cancer_test.vcf.gz"));
    const index = indexPanel(builtinPanel, "GRCh37");
    let compared = 0;
    for (const v of list) {
      const annotated = matchVariant(v, index).hits;
      const byAnnotation = annotated.filter((h) => h.geneSource !== "coordinates").map((h) => h.gene.symbol);
      if (byAnnotation.length === 0) continue;
      const stripped = matchVariant(stripAnnotation(v), index).hits.map((h) => h.gene.symbol);
      for (const gene of byAnnotation) expect(stripped, `${v.key} ${gene}`).toContain(gene);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it("reports both genes, with a warning, where WRAP53 and TP53 overlap", async () => {
    const list = await variants(fixture("annotated", "scout.cancer_test.vcf.gz"));
    const index = indexPanel(builtinPanel, "GRCh37");
    const tp53 = list.find((v) => v.consequences.some((c) => c.symbol === "TP53") && v.chrom === "17");
    expect(tp53).toBeDefined();
    const { hits, warnings } = matchVariant(tp53!, index);
    const symbols = hits.map((h) => `${h.gene.symbol}:${h.geneSource}`);
    expect(symbols).toContain("TP53:both");
    const wrap53 = hits.find((h) => h.gene.symbol === "WRAP53");
    if (wrap53 && wrap53.geneSource === "coordinates") {
      expect(warnings.map((w) => w.code)).toContain("W_GENE_UNANNOTATED");
    }
  });
});

describe("coverage", () => {
  it("U2AF1 is not assessed on GRCh38 without U2AF1 variants (blind spot), even in a declared genome", async () => {
    const { annotateWith } = await import("../src/annotate.js");
    const report = await annotateWith(fixture("demo.vcf.gz"), { strategy: "scan", scope: "genome" }, resolvers);
    const coverage = report.samples[0]!.coverage!;
    const u2af1 = coverage.notAssessed.find((g) => g.symbol === "U2AF1");
    expect(u2af1?.reason).toMatch(/GRCh38 blind spot/);
    expect(coverage.assessed).toContain("TERT");
    expect(coverage.assessed).toContain("FANCA");
    expect(coverage.assessed).not.toContain("U2AF1");
  });

  it("without evidence of what was called, no gene is assessed (engine v2: records on a chromosome are not coverage)", async () => {
    const { annotateWith } = await import("../src/annotate.js");
    const report = await annotateWith(fixture("demo.vcf.gz"), { strategy: "scan" }, resolvers);
    const coverage = report.samples[0]!.coverage!;
    expect(coverage.basis).toBe("none");
    expect(coverage.assessed).toEqual([]);
    expect(coverage.notAssessed.find((g) => g.symbol === "TERT")?.reason).toMatch(/^not evaluable/);
  });
});

describe("annotation symbols through the alias table", () => {
  it("an old symbol (OBFC1) names STN1; an ambiguous alias (TR) and an unknown symbol name nothing", async () => {
    const [demo] = await variants(fixture("demo.vcf.gz"));
    const index = indexPanel(builtinPanel, "GRCh38");
    const withSymbol = (symbol: string): Variant => ({
      ...demo!,
      consequences: [{ source: "VEP", symbol, terms: ["missense_variant"] }],
    });
    const obfc1 = matchVariant(withSymbol("OBFC1"), index).hits;
    expect(obfc1.map((h) => `${h.gene.symbol}:${h.geneSource}`)).toEqual(["STN1:annotation"]);
    expect(matchVariant(withSymbol("TR"), index).hits).toEqual([]);
    expect(matchVariant(withSymbol("SYNG123"), index).hits).toEqual([]);
  });
});

describe("variant class without a predicted consequence", () => {
  it("findings carry the allele-only class: the TERT 1-bp deletion is a frameshift by length", async () => {
    const { annotateWith } = await import("../src/annotate.js");
    const report = await annotateWith(fixture("demo.vcf.gz"), { strategy: "scan" }, resolvers);
    const byGene = new Map(report.samples[0]!.findings.map((f) => [f.gene.symbol, f.variantClass]));
    expect(byGene.get("TERT")).toEqual({ kind: "deletion", lengthChange: -1, frameshift: true });
    expect(byGene.get("DNMT3A")).toEqual({ kind: "snv", lengthChange: 0 });
  });
});

describe("the builtin panel's precomputed gene loci and names", () => {
  it("are what the gene table gives, for the current panel", () => {
    expect(BUILTIN_GENES_PANEL_SHA256).toBe(builtinPanel.sha256);
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      for (const gene of builtinPanel.genes) {
        expect({ gene: gene.symbol, assembly, loci: BUILTIN_GENE_LOCI[assembly][gene.hgncId] }).toEqual({
          gene: gene.symbol,
          assembly,
          loci: geneLoci(gene.hgncId, assembly),
        });
      }
    }
    const names = [...new Set([...otherNames(builtinPanel.genes.map((g) => g.hgncId)).values()].flat().map((n) => n.toUpperCase()))];
    expect([...BUILTIN_OTHER_NAMES]).toEqual(names.sort());
    expect(BUILTIN_OTHER_NAMES.length).toBeGreaterThan(50);
  });

  it("a panel that is not the builtin one is laid out from the gene table, to the same spans", () => {
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      const fromTable = indexPanel({ ...builtinPanel, sha256: "0".repeat(64) }, assembly);
      const precomputed = indexPanel(builtinPanel, assembly);
      expect(fromTable.spans).toEqual(precomputed.spans);
      expect(fromTable.unplaced).toEqual(precomputed.unplaced);
    }
  });

  it("each old name resolves, precomputed, to the gene resolveGene gives; a file naming it matches the same gene either way", async () => {
    const expected: Record<string, string> = {};
    for (const name of BUILTIN_OTHER_NAMES) {
      const r = resolveGene(name);
      if (r.status === "resolved") expected[name] = r.hgncId;
    }
    expect(BUILTIN_OTHER_NAME_GENES).toEqual(expected);
    // Known answers: an old symbol, a previous symbol of another panel gene, an ambiguous alias.
    expect(BUILTIN_OTHER_NAME_GENES.OBFC1).toBe("HGNC:26200");
    expect(BUILTIN_OTHER_NAME_GENES["PIG-A"]).toBe("HGNC:8957");
    expect(Object.hasOwn(BUILTIN_OTHER_NAME_GENES, "TR")).toBe(false);
    const [demo] = await variants(fixture("demo.vcf.gz"));
    const precomputed = indexPanel(builtinPanel, "GRCh38");
    const fromTable = indexPanel({ ...builtinPanel, sha256: "0".repeat(64) }, "GRCh38");
    let matched = 0;
    for (const name of [...BUILTIN_OTHER_NAMES, "constructor", "__proto__", "TOSTRING"]) {
      const v: Variant = { ...demo!, consequences: [{ source: "VEP", symbol: name, terms: ["missense_variant"] }] };
      const genes = (index: typeof precomputed) => matchVariant(v, index).hits.map((h) => `${h.gene.symbol}:${h.geneSource}`);
      expect([name, genes(precomputed)]).toEqual([name, genes(fromTable)]);
      if (genes(precomputed).length > 0) matched++;
    }
    expect(matched).toBeGreaterThan(100);
  });
});
