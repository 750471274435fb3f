/**
 * The MANE Select transcript table (src/transcripts/data.ts, scripts/derive-transcripts.mjs)
 * against an independent check: shared/data/transcripts/derived_panel_models.tsv, built by another
 * session from the same MANE release with its own liftover and checked against GENCODE's UTR
 * segments, Ensembl 75 and the LRG sequences (its README).
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinPanel } from "../src/panel/index.js";
import { transcriptGenes, transcriptModel } from "../src/transcripts/index.js";
import { SHARED } from "./helpers.js";

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
