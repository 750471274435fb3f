/**
 * The gene tables load on demand (issue 21): a run with the builtin panel never loads them (its
 * loci and old names are precomputed), a custom panel loads them inside `annotate`, and the sync
 * lookups say so plainly when called before `loadGeneTables()`. Vitest gives each test file its
 * own module graph, so the tables start unloaded here; the tests run in order.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { geneLoci, geneTablesLoaded, resolveGene } from "../src/genes/index.js";
import { annotate, indexPanel, loadGeneTables, loadPanel, matchVariant, readVariants, type Variant } from "../src/index.js";
import { builtinPanel } from "../src/panel/index.js";
import { fixture } from "./helpers.js";

const bytes = (path: string) => new Uint8Array(readFileSync(path));

describe("gene tables on demand", () => {
  it("the builtin panel annotates, and resolves an old symbol, without them", async () => {
    const report = await annotate(bytes(fixture("demo.vcf.gz")), { name: "demo.vcf.gz" });
    expect(report.samples[0]!.findings.map((f) => f.gene.symbol).sort()).toEqual(["DNMT3A", "PIGA", "TERT"]);
    let first: Variant | undefined;
    for await (const v of readVariants(bytes(fixture("demo.vcf.gz")))) {
      first ??= v;
    }
    const index = indexPanel(builtinPanel, "GRCh38");
    const named = (symbol: string) =>
      matchVariant({ ...first!, consequences: [{ source: "VEP", symbol, terms: ["missense_variant"] }] }, index).hits.map(
        (h) => h.gene.symbol,
      );
    expect(named("OBFC1")).toEqual(["STN1"]);
    expect(named("PIG-A")).toEqual(["PIGA"]);
    expect(named("TR")).toEqual([]);
    expect(geneTablesLoaded()).toBe(false);
  });

  it("a lookup or a custom panel's index before loadGeneTables() is a clear error", () => {
    const custom = { ...builtinPanel, sha256: "0".repeat(64) };
    expect(() => indexPanel(custom, "GRCh38")).toThrow(/gene tables are not loaded; await loadGeneTables\(\)/);
    expect(() => resolveGene("TERT")).toThrow(/gene tables are not loaded/);
    expect(() => geneLoci("HGNC:11730", "GRCh38")).toThrow(/gene tables are not loaded/);
  });

  it("annotate with a custom panel loads them itself, and the new gene is found", async () => {
    const json = JSON.parse(readFileSync(fixture("panels", "extends-add-gene.json"), "utf8"));
    const panel = loadPanel(json, { name: "extends-add-gene.json" });
    const report = await annotate({ text: readFileSync(fixture("panels", "elane-frameshift.vcf"), "utf8") }, { panel });
    expect(geneTablesLoaded()).toBe(true);
    expect(report.samples[0]!.findings.map((f) => [f.gene.symbol, f.ruleIds])).toEqual([["ELANE", ["ELANE.LOF.GERMLINE"]]]);
    // Once loaded, the sync lookups answer as before.
    await loadGeneTables();
    expect(resolveGene("ELANE")).toMatchObject({ status: "resolved", hgncId: "HGNC:3309" });
    expect(indexPanel(panel, "GRCh38").spans.some((s) => s.gene.symbol === "ELANE" && s.chrom === "19")).toBe(true);
  });
});
