import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { MarrowscopeError } from "../src/errors.js";
import { geneLoci, genesOverlapping, hotspotsOverlapping, loadGeneTables, normalizeChrom, resolveGene } from "../src/genes/index.js";
import type { Assembly } from "../src/model.js";

const REPO = resolve(import.meta.dirname, "..");
const SHARED = resolve(REPO, "..", "shared");
const PANEL_TSV = join(SHARED, "knowledge", "panel_genes_coords_grch38_grch37.tsv");
const hasShared = existsSync(join(SHARED, "data", "genes", "GRCh38.genes.tsv.gz"));

function resolvedId(symbol: string): string {
  const r = resolveGene(symbol);
  if (r.status !== "resolved") throw new Error(`${symbol} did not resolve: ${JSON.stringify(r)}`);
  return r.hgncId;
}

function span(hgncId: string, assembly: Assembly): string[] {
  return geneLoci(hgncId, assembly).map((l) => `${l.chrom}:${l.start}-${l.end}(${l.strand})`);
}

// The tables load on demand (src/genes/index.ts); these tests look genes up directly.
beforeAll(() => loadGeneTables());

describe("resolveGene", () => {
  it("resolves current symbols, ignoring case, and HGNC ids", () => {
    expect(resolveGene("TERT")).toEqual({ status: "resolved", symbol: "TERT", hgncId: "HGNC:11730", via: "symbol" });
    expect(resolveGene("tert")).toMatchObject({ status: "resolved", symbol: "TERT", via: "symbol" });
    expect(resolveGene("HGNC:11727")).toEqual({ status: "resolved", symbol: "TERC", hgncId: "HGNC:11727", via: "hgnc-id" });
    expect(resolveGene(" hgnc:2978 ")).toMatchObject({ symbol: "DNMT3A", via: "hgnc-id" });
  });

  it("follows previous symbols and aliases to the current gene", () => {
    expect(resolveGene("OBFC1")).toEqual({ status: "resolved", symbol: "STN1", hgncId: "HGNC:26200", via: "previous" });
    expect(resolveGene("C16orf57")).toEqual({ status: "resolved", symbol: "USB1", hgncId: "HGNC:25792", via: "previous" });
    expect(resolveGene("hTR")).toEqual({ status: "resolved", symbol: "TERC", hgncId: "HGNC:11727", via: "alias" });
    expect(resolveGene("MLL")).toMatchObject({ symbol: "KMT2A", via: "previous" });
    expect(resolveGene("SEPT9")).toMatchObject({ symbol: "SEPTIN9", via: "previous" });
  });

  it("never picks one gene for an ambiguous alias", () => {
    expect(resolveGene("TR")).toEqual({
      status: "ambiguous",
      via: "alias",
      candidates: [
        { symbol: "F2R", hgncId: "HGNC:3537" },
        { symbol: "TERC", hgncId: "HGNC:11727" },
        { symbol: "TMEFF2", hgncId: "HGNC:11867" },
        { symbol: "TXNRD2", hgncId: "HGNC:18155" },
      ],
    });
  });

  it("says unknown for names and ids it does not know", () => {
    expect(resolveGene("NOTAGENE1")).toEqual({ status: "unknown" });
    expect(resolveGene("")).toEqual({ status: "unknown" });
    expect(resolveGene("HGNC:999999")).toEqual({ status: "unknown" });
  });
});

describe("geneLoci (expected values from knowledge/panel_genes_coords_grch38_grch37.tsv)", () => {
  const cases: [string, string, string, string][] = [
    ["TERT", "HGNC:11730", "chr5:1253147-1295068(-)", "chr5:1253262-1295184(-)"],
    ["TERC", "HGNC:11727", "chr3:169764520-169765060(-)", "chr3:169482308-169482848(-)"],
    ["PIGA", "HGNC:8957", "chrX:15319452-15335554(-)", "chrX:15337573-15353676(-)"],
    ["RUNX1", "HGNC:10471", "chr21:34787801-36004667(-)", "chr21:36160098-37376965(-)"],
    ["DNMT3A", "HGNC:2978", "chr2:25227855-25342590(-)", "chr2:25455845-25565459(-)"],
    ["TP53", "HGNC:11998", "chr17:7661779-7687538(-)", "chr17:7565097-7590856(-)"],
    ["WRAP53", "HGNC:25522", "chr17:7686071-7703502(+)", "chr17:7589389-7606820(+)"],
  ];
  it.each(cases)("%s in both builds", (symbol, id, grch38, grch37) => {
    expect(resolvedId(symbol)).toBe(id);
    expect(span(id, "GRCh38")).toEqual([grch38]);
    expect(span(id, "GRCh37")).toEqual([grch37]);
  });

  it("carries symbol, HGNC id and biotype per build", () => {
    const [terc38] = geneLoci("HGNC:11727", "GRCh38");
    const [terc37] = geneLoci("HGNC:11727", "GRCh37");
    expect(terc38).toMatchObject({ symbol: "TERC", hgncId: "HGNC:11727", biotype: "lncRNA" });
    expect(terc37?.biotype).toBe("lincRNA"); // Ensembl 75 vocabulary
  });

  it("records the MANE core where GENCODE's span is much wider (RefSeq 110 values from derive_report.md)", () => {
    expect(geneLoci("HGNC:10471", "GRCh38")[0]?.core).toEqual({ start: 34787801, end: 35049302 });
    expect(geneLoci("HGNC:11998", "GRCh38")[0]?.core).toEqual({ start: 7668421, end: 7687490 });
    expect(geneLoci("HGNC:11730", "GRCh38")[0]?.core).toBeUndefined(); // TERT: span = MANE within 1 kb
    const runx1 = geneLoci("HGNC:10471", "GRCh37")[0];
    expect(runx1?.core?.start).toBe(36160098);
    expect(runx1?.core?.end).toBeLessThan(runx1?.end ?? 0);
  });

  it("keeps several loci (pseudoautosomal copies) and builds without a locus", () => {
    expect(span(resolvedId("SHOX"), "GRCh38")).toEqual(["chrX:624344-659411(+)", "chrY:624344-659411(+)"]);
    expect(span(resolvedId("U2AF1L5"), "GRCh38")).toEqual(["chr21:6484623-6499261(-)"]);
    expect(geneLoci(resolvedId("U2AF1L5"), "GRCh37")).toEqual([]);
    expect(geneLoci("HGNC:999999", "GRCh38")).toEqual([]);
  });

  it.skipIf(!existsSync(PANEL_TSV))("agrees with every curated panel row in both builds", () => {
    const [head, ...lines] = readFileSync(PANEL_TSV, "utf8").trim().split("\n");
    const col = (name: string) => head?.split("\t").indexOf(name) ?? -1;
    for (const line of lines) {
      const c = line.split("\t");
      const id = c[col("hgnc_id")] ?? "";
      expect(resolvedId(c[col("symbol")] ?? "")).toBe(id);
      expect(span(id, "GRCh38")).toEqual([
        `${c[col("grch38_contig")]}:${c[col("grch38_start_1based")]}-${c[col("grch38_end")]}(${c[col("strand")]})`,
      ]);
      const grch37 = c[col("grch37_contig")]
        ? [`${c[col("grch37_contig")]}:${c[col("grch37_start_1based")]}-${c[col("grch37_end")]}(${c[col("strand")]})`]
        : [];
      expect(span(id, "GRCh37")).toEqual(grch37);
    }
  });
});

describe("genesOverlapping", () => {
  const symbols = (assembly: Assembly, chrom: string, start: number, end = start, interval?: "core" | "span") =>
    genesOverlapping(assembly, chrom, start, end, interval ? { interval } : {}).map((l) => l.symbol);

  it("returns both genes where TP53 and WRAP53 overlap, in both builds", () => {
    expect(symbols("GRCh38", "chr17", 7687000)).toEqual(["TP53", "WRAP53"]);
    expect(symbols("GRCh37", "17", 7590000)).toEqual(["TP53", "WRAP53"]);
  });

  it("accepts 5/chr5 alike and matches span edges inclusively", () => {
    expect(symbols("GRCh38", "5", 1253147)).toContain("TERT");
    expect(symbols("GRCh38", "chr5", 1295068)).toContain("TERT");
    expect(symbols("GRCh38", "chr5", 1295069)).not.toContain("TERT");
    expect(symbols("GRCh38", "chr2", 25457242 - 300000, 25457242 - 299999)).toEqual(symbols("GRCh38", "2", 25157242, 25157243));
  });

  it("misses the TERT promoter hotspots, which lie upstream of the gene span", () => {
    expect(symbols("GRCh38", "chr5", 1295113)).not.toContain("TERT");
    expect(symbols("GRCh37", "chr5", 1295228)).not.toContain("TERT");
  });

  it("matches RUNX1's far upstream GENCODE extension on the span only", () => {
    expect(symbols("GRCh38", "chr21", 35500000)).toContain("RUNX1");
    expect(symbols("GRCh38", "chr21", 35500000, 35500000, "core")).not.toContain("RUNX1");
    expect(symbols("GRCh38", "chr21", 35000000, 35000000, "core")).toContain("RUNX1");
  });

  it("gives nothing for contigs outside the primary assembly and rejects bad ranges", () => {
    expect(genesOverlapping("GRCh38", "chr1_KI270706v1_random", 1, 100000)).toEqual([]);
    expect(() => genesOverlapping("GRCh38", "chr1", 10, 9)).toThrow(MarrowscopeError);
    const thrown = (() => {
      try {
        genesOverlapping("GRCh38", "chr1", 0, 5);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toMatchObject({ code: "E_INPUT", location: { field: "region" } });
    expect(() => genesOverlapping("hg19" as Assembly, "chr1", 1, 5)).toThrow(/assembly/);
  });

  it("finds mitochondrial genes under MT and chrM", () => {
    expect(symbols("GRCh38", "MT", 600)).toEqual(["MT-TF"]);
    expect(symbols("GRCh37", "chrM", 600)).toEqual(["MT-TF"]);
  });
});

describe("hotspotsOverlapping (values from data/hotspots/hotspots.tsv)", () => {
  it("finds DNMT3A R882 at its codon in both builds", () => {
    const expected = { gene: "DNMT3A", hgncId: "HGNC:2978", label: "R882", kind: "codon", strand: "-" };
    expect(hotspotsOverlapping("GRCh37", "2", 25457242, 25457242)).toEqual([
      { ...expected, chrom: "chr2", start: 25457241, end: 25457243, transcript: "NM_022552.5;ENST00000321117.10" },
    ]);
    expect(hotspotsOverlapping("GRCh38", "chr2", 25234374, 25234374)).toEqual([
      { ...expected, chrom: "chr2", start: 25234372, end: 25234374, transcript: "NM_022552.5;ENST00000321117.10" },
    ]);
    expect(hotspotsOverlapping("GRCh38", "chr2", 25234375, 25234380)).toEqual([]);
  });

  it("finds TERT C228T/C250T and JAK2 V617 (same position in both builds)", () => {
    expect(hotspotsOverlapping("GRCh38", "5", 1295113, 1295135).map((h) => h.label)).toEqual(["C228T", "C250T"]);
    expect(hotspotsOverlapping("GRCh37", "5", 1295228, 1295228).map((h) => h.label)).toEqual(["C228T"]);
    for (const assembly of ["GRCh37", "GRCh38"] as const) {
      expect(hotspotsOverlapping(assembly, "chr9", 5073770, 5073770).map((h) => `${h.gene} ${h.label}`)).toEqual(["JAK2 V617"]);
    }
  });
});

describe("normalizeChrom", () => {
  it.each([
    ["5", "chr5"],
    ["chr5", "chr5"],
    ["Chr22", "chr22"],
    ["X", "chrX"],
    ["chrY", "chrY"],
    ["MT", "chrM"],
    ["M", "chrM"],
    ["chrM", "chrM"],
    ["chrMT", "chrM"],
    ["NC_000005.10", "chr5"],
    ["NC_000023.11", "chrX"],
    ["NC_012920.1", "chrM"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeChrom(input)).toBe(expected);
  });

  it.each(["chr1_KI270706v1_random", "GL000192.1", "hs37d5", "chrUn_gl000220", "23", "0", "05", "chr", ""])(
    "%s cannot be mapped",
    (input) => {
      expect(normalizeChrom(input)).toBeUndefined();
    },
  );
});

describe("generated tables", () => {
  function sourceRows(file: string): string[][] {
    return gunzipSync(readFileSync(join(SHARED, "data", "genes", file)))
      .toString("utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split("\t"));
  }

  it.skipIf(!hasShared).each(["GRCh38", "GRCh37"] as const)("decode every %s source row exactly", (assembly) => {
    const rows = sourceRows(`${assembly}.genes.tsv.gz`);
    const expected = new Map<string, string[]>();
    for (const [symbol, id, , chrom, start, end, strand, biotype] of rows) {
      const list = expected.get(id ?? "") ?? [];
      list.push(`${symbol} ${chrom}:${start}-${end}(${strand}) ${biotype}`);
      expected.set(id ?? "", list);
    }
    for (const [id, loci] of expected) {
      const got = geneLoci(id, assembly).map((l) => `${l.symbol} ${l.chrom}:${l.start}-${l.end}(${l.strand}) ${l.biotype}`);
      expect(got, id).toEqual(loci);
    }
  });

  it.skipIf(!hasShared)("finds the same genes as a linear scan of the source table", () => {
    const rows = sourceRows("GRCh37.genes.tsv.gz").filter((r) => r[3] === "chr17");
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 500; k++) {
      const start = 1 + Math.floor(random() * 81_200_000);
      const end = start + Math.floor(random() * 20_000);
      const expected = rows
        .filter((r) => Number(r[4]) <= end && Number(r[5]) >= start)
        .map((r) => r[1])
        .sort();
      const got = genesOverlapping("GRCh37", "17", start, end)
        .map((l) => l.hgncId)
        .sort();
      expect(got, `${start}-${end}`).toEqual(expected);
    }
  });

  it.skipIf(!hasShared)(
    hasShared ? "are current with ../shared (derive-genes --check)" : "are current (SKIPPED: ../shared is absent)",
    () => {
      const out = execFileSync(process.execPath, [join(REPO, "scripts", "derive-genes.mjs"), "--check", "--shared", SHARED], {
        encoding: "utf8",
      });
      expect(out).toMatch(/generated files are current/);
    },
    60_000,
  );
});
