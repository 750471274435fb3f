import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { MarrowscopeError } from "../src/errors.js";
import { loadGeneTables, resolveGene } from "../src/genes/index.js";
import citationsJson from "../src/panel/data/citations.json";
import panelJson from "../src/panel/data/panel.json";
import {
  builtinPanel,
  canonicalJson,
  isHotspotLabel,
  loadPanel,
  panelJsonSchema,
  panelSha256,
  sha256HexOfText,
} from "../src/panel/index.js";

/** The released builtin panels: a content change without a version bump fails here. */
const RELEASED: Record<string, string> = {
  "0.1.0": "f889f5aae6f3dbfd9dc0f24408c9c485aa7200d0e5d67a5f5f0878037333aa05",
  "0.2.0": "c4ab05557a21f11a7359543515fc1573bad01c4a6d7fe3ce08f25ffb4b60ac49",
  "0.3.0": "77232dde9c98782a3c2b915e8abdb60dd6d996d90dc4c7d2e7a5b3f05420fd5d",
  "0.3.1": "78f9d634bba634eca0d31940b9c85a1a3f981e07075e1aff5fd46f3ca0fd0c2a",
  "0.3.2": "49aa7f154daac2ae95a8d3570e8609b3924bc82935e7ea24cde0cc072dc44c0f",
  "0.3.3": "927dd55a04eddcce7f7897977691daac731e5b24a63e342e925baed18b30ebda",
  "0.4.0": "1bc2cf09a7255fba8d2fdaafc35e81325ebd29c274a43a33932e2a6deae054bb",
  "0.4.1": "eae98348ce1d8cf99f2adcb2e1490ff33b6d8493eb4c2e074066210ff046dd14",
};

const SHARED = "/work/shared";
const hasShared = existsSync(SHARED);

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const builtinRaw = () => clone({ ...panelJson, citations: citationsJson }) as Record<string, any>;

function panelError(json: unknown, name = "custom.json"): MarrowscopeError {
  try {
    loadPanel(json, { name });
  } catch (error) {
    expect(error).toBeInstanceOf(MarrowscopeError);
    return error as MarrowscopeError;
  }
  throw new Error("expected loadPanel to throw");
}

const minimal = () => ({
  schemaVersion: 1,
  id: "mini",
  version: "1.0.0",
  released: "2026-11-25",
  genes: [
    {
      symbol: "GENE1",
      hgncId: "HGNC:1",
      category: "telomere",
      inheritance: ["AD"],
      expectedOrigin: "germline",
      evidence: [{ citation: "PMID:1", applicability: "aa-direct" }],
    },
  ],
  rules: [] as any[],
  citations: { "PMID:1": { authors: "A B", title: "T", year: 2000 } },
});

// The tables load on demand (src/genes/index.ts); the builtin-panel tests resolve symbols directly.
beforeAll(() => loadGeneTables());

describe("sha256", () => {
  it("matches FIPS 180-4 / NIST test vectors", () => {
    expect(sha256HexOfText("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256HexOfText("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256HexOfText("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    // 1,000,000 × "a" crosses many blocks; 55/56/64 bytes hit the padding edge cases.
    expect(sha256HexOfText("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("agrees with node:crypto at every padding boundary and on non-ASCII text", async () => {
    const { createHash } = await import("node:crypto");
    for (const text of ["a".repeat(55), "a".repeat(56), "a".repeat(63), "a".repeat(64), "a".repeat(65), "ü→𝔸"]) {
      expect(sha256HexOfText(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }
  });
});

describe("canonical JSON", () => {
  it("sorts keys at every depth, keeps array order and drops $schema", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }, 3], $schema: "x" })).toBe('{"a":[{"c":2,"d":1},3],"b":1}');
  });

  it("hashes the same content identically whatever the key order or $schema", () => {
    const reordered = Object.fromEntries(Object.entries(builtinRaw()).reverse());
    delete reordered.$schema;
    expect(loadPanel(reordered).sha256).toBe(builtinPanel.sha256);
  });
});

describe("builtin panel", () => {
  it("pins (version, sha256): content changes need a version bump and a CHANGES.md entry", () => {
    expect(RELEASED[builtinPanel.version]).toBe(builtinPanel.sha256);
    const changes = readFileSync(new URL("../src/panel/data/CHANGES.md", import.meta.url), "utf8");
    expect(changes).toContain(`## ${builtinPanel.version}`);
  });

  it("is frozen and its sha256 is the hash of its canonical JSON", () => {
    expect(Object.isFrozen(builtinPanel)).toBe(true);
    expect(Object.isFrozen(builtinPanel.genes[0])).toBe(true);
    expect(panelSha256(builtinPanel)).toBe(builtinPanel.sha256);
  });

  it("is exactly what loadPanel makes of its data (start-up skips the parse; scripts/panel-canonical.mjs keeps them equal)", () => {
    // Order-sensitive: report bytes follow the panel objects' key order.
    expect(JSON.stringify(loadPanel(builtinRaw(), { name: "builtin" }))).toBe(JSON.stringify(builtinPanel));
  });

  const required = [
    // telomere biology
    ...["TERT", "TERC", "DKC1", "RTEL1", "TINF2", "PARN", "NHP2", "NOP10", "WRAP53", "ACD", "CTC1", "STN1"],
    ...["POT1", "NAF1", "ZCCHC8"],
    // other inherited marrow failure
    ...["FANCA", "FANCB", "FANCC", "BRCA2", "FANCD2", "FANCE", "FANCF", "FANCG", "FANCI", "BRIP1", "FANCL"],
    ...["PALB2", "RAD51C", "SLX4", "ERCC4", "RAD51", "BRCA1", "UBE2T", "XRCC2", "MAD2L2", "RFWD3"],
    ...["GATA2", "DDX41", "SAMD9", "SAMD9L", "ETV6", "RUNX1", "ANKRD26", "MECOM", "SBDS", "MPL", "ERCC6L2", "USB1"],
    // AA clonal haematopoiesis and myeloid drivers
    ...["PIGA", "BCOR", "BCORL1", "DNMT3A", "ASXL1", "TET2", "ZRSR2", "STAT5B"],
    ...["TP53", "SF3B1", "SRSF2", "U2AF1", "IDH1", "IDH2", "JAK2", "NPM1", "FLT3", "NRAS", "KRAS", "SETBP1"],
    ...["STAG2", "CBL", "PTPN11", "WT1", "PHF6", "EZH2", "CUX1", "PPM1D", "KMT2A"],
    // HLA class I
    ...["HLA-A", "HLA-B", "HLA-C"],
  ];

  it.each(required)("has %s with a category, ≥1 citation and ≥1 rule", (symbol) => {
    const gene = builtinPanel.genes.find((g) => g.symbol === symbol);
    expect(gene, symbol).toBeDefined();
    expect(gene?.evidence.length).toBeGreaterThan(0);
    expect(gene?.category).toMatch(/^(telomere|inherited-bmf|aa-clonal|myeloid-driver|hla-immune)$/);
    expect(builtinPanel.rules.some((rule) => rule.gene === symbol)).toBe(true);
  });

  it("has the inheritance the issue asks for", () => {
    const inh = (s: string) => builtinPanel.genes.find((g) => g.symbol === s)?.inheritance;
    expect(inh("DKC1")).toEqual(["XLR"]);
    expect(inh("FANCB")).toEqual(["XLR"]);
    expect(inh("RAD51")).toEqual(["AD"]);
    expect(inh("FANCA")).toEqual(["AR"]);
    expect(inh("TERC")).toEqual(["AD"]);
    // Recessive genes carry a two-hit rule and a carrier rule.
    const fanca = builtinPanel.rules.filter((r) => r.gene === "FANCA").map((r) => [r.id, r.conditions?.hits]);
    expect(fanca).toEqual([
      ["FANCA.BIALLELIC.GERMLINE", "two"],
      ["FANCA.CARRIER.GERMLINE", "one"],
    ]);
  });

  it("resolves every gene symbol to the same HGNC id in the shipped gene table", () => {
    for (const gene of builtinPanel.genes) {
      const resolved = resolveGene(gene.symbol);
      expect(resolved, gene.symbol).toMatchObject({ status: "resolved", symbol: gene.symbol, hgncId: gene.hgncId });
    }
  });

  it.skipIf(!hasShared)("matches every gene's HGNC id and symbol to the knowledge-base gene table", () => {
    const tsv = readFileSync(`${SHARED}/knowledge/panel_genes_coords_grch38_grch37.tsv`, "utf8");
    const table = new Map(
      tsv
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split("\t"))
        .map(([symbol, hgnc]) => [symbol, hgnc]),
    );
    // Genes added after the knowledge base's table (panel 0.4.0: THPO, SRP54 …) are checked against
    // the full HGNC table the package carries.
    for (const gene of builtinPanel.genes) {
      const resolved = resolveGene(gene.symbol);
      const hgnc = table.get(gene.symbol) ?? (resolved.status === "resolved" ? resolved.hgncId : undefined);
      expect([gene.symbol, hgnc]).toEqual([gene.symbol, gene.hgncId]);
    }
  });

  it.skipIf(!hasShared)("uses hotspot labels that exist in the shared hotspot table for that gene", () => {
    const rows = readFileSync(`${SHARED}/data/hotspots/hotspots.tsv`, "utf8").trim().split("\n").slice(1);
    const known = new Set(rows.map((row) => row.split("\t").slice(0, 2).join(":")));
    const labels = builtinPanel.rules.flatMap((rule) =>
      rule.match.kind === "hotspot" ? rule.match.labels.map((label) => `${rule.gene}:${label}`) : [],
    );
    expect(labels.length).toBeGreaterThan(15);
    for (const label of labels) expect(known.has(label), label).toBe(true);
  });

  it("reports TERT A1062T and rs2736100 as low-penetrance, superseding the generic TERT rules", () => {
    for (const id of ["TERT.A1062T", "TERT.RS2736100"]) {
      const rule = builtinPanel.rules.find((r) => r.id === id);
      expect(rule?.classification).toBe("low-penetrance");
      expect(rule?.implications.map((i) => i.code)).toEqual(["LOW_PENETRANCE"]);
      expect(rule?.supersedes).toContain("TERT.LOF.GERMLINE");
    }
  });

  it("names the therapy-relevant implications the issue lists", () => {
    const codes = (id: string) => builtinPanel.rules.find((r) => r.id === id)?.implications.map((i) => i.code);
    expect(codes("TERT.LOF.GERMLINE")).toEqual(
      expect.arrayContaining(["TELOMERE_DISORDER", "IST_UNFAVORABLE", "ANDROGEN_OPTION", "ADAPTED_CONDITIONING", "DONOR_SCREENING"]),
    );
    expect(codes("PIGA.LOF.SOMATIC")).toEqual(expect.arrayContaining(["PNH_CLONE", "IST_FAVORABLE"]));
    expect(codes("DDX41.LOF")).toEqual(expect.arrayContaining(["GERMLINE_CONFIRMATION", "GVHD_RISK", "DONOR_SCREENING"]));
    expect(codes("FANCA.BIALLELIC.GERMLINE")).toEqual(expect.arrayContaining(["FANCONI_ANEMIA", "ADAPTED_CONDITIONING"]));
    expect(codes("FANCA.CARRIER.GERMLINE")).toContain("CARRIER");
  });

  it.skipIf(!hasShared)("keys citations by PMID/DOI only where references.tsv confirms the identifier", () => {
    const tsv = readFileSync(`${SHARED}/knowledge/references.tsv`, "utf8").trim().split("\n").slice(1);
    const ids = new Set(
      tsv.flatMap((line) => {
        const cols = line.split("\t");
        return [cols[7] ? `PMID:${cols[7]}` : "", cols[8] ? `DOI:${cols[8]}` : ""].filter(Boolean);
      }),
    );
    for (const key of Object.keys(builtinPanel.citations)) {
      if (key.startsWith("PMID:") || key.startsWith("DOI:")) expect(ids.has(key), key).toBe(true);
    }
  });
});

describe("loadPanel errors", () => {
  it("names the exact path of a misspelled field and suggests the intended one", () => {
    const json = JSON.parse(readFileSync(new URL("../fixtures/panels/misspelled-field.json", import.meta.url), "utf8"));
    const error = panelError(json, "misspelled-field.json");
    expect(error.code).toBe("E_PANEL");
    expect(error.location).toEqual({ file: "misspelled-field.json", field: "genes[0].evidense" });
    expect(error.message).toBe('misspelled-field.json: genes[0].evidense: unknown field "evidense" (did you mean "evidence"?)');
  });

  it("names a nested path for a wrong value", () => {
    const json = builtinRaw();
    json.rules[2].implications[0].evidence[0].applicability = "strong";
    expect(panelError(json).location.field).toBe("rules[2].implications[0].evidence[0].applicability");
  });

  it("rejects a citation missing from the registry, with its path", () => {
    const json = minimal();
    json.genes[0]!.evidence[0]!.citation = "PMID:2";
    const error = panelError(json);
    expect(error.location.field).toBe("genes[0].evidence[0].citation");
    expect(error.detail).toContain('"PMID:2" is not in the citation registry');
  });

  it("rejects a registry citation that nothing uses", () => {
    const json = minimal() as any;
    json.citations["PMID:3"] = { authors: "C", title: "Unused", year: 2001 };
    expect(panelError(json).location.field).toBe('citations["PMID:3"]');
  });

  it("rejects an unknown implication code", () => {
    const json = builtinRaw();
    json.rules[0].implications[0].code = "CURE";
    expect(panelError(json).location.field).toBe("rules[0].implications[0].code");
  });

  it("rejects a rule whose gene is not in the panel, and an id not prefixed by its gene", () => {
    const rule = {
      id: "GENE2.LOF",
      gene: "GENE2",
      description: "d",
      match: { kind: "consequence", classes: ["lof"] },
      classification: "likely-pathogenic",
      implications: [],
      evidence: [{ citation: "PMID:1", applicability: "aa-direct" }],
    };
    const json = {
      ...minimal(),
      consequenceClasses: { lof: { description: "x", terms: ["stop_gained"] } },
      rules: [rule],
    };
    expect(panelError(json).location.field).toBe("rules[0].gene");
    expect(panelError({ ...json, rules: [{ ...rule, gene: "GENE1" }] }).location.field).toBe("rules[0].id");
  });

  it("rejects malformed hotspot labels and unknown consequence classes", () => {
    const json = builtinRaw();
    const i = json.rules.findIndex((r: any) => r.id === "DNMT3A.R882.SOMATIC");
    json.rules[i].match.labels = ["Arg882"];
    expect(panelError(json).location.field).toBe(`rules[${i}].match.labels[0]`);
    const json2 = builtinRaw();
    json2.rules[0].match.matches[0].classes = ["nonsense"];
    expect(panelError(json2).location.field).toBe("rules[0].match.matches[0].classes[0]");
    const json3 = builtinRaw();
    const k = json3.rules.findIndex((r: any) => r.id === "GATA2.ZF2.MISSENSE.GERMLINE");
    json3.rules[k].conditions.consequences = ["missense", "misense"];
    expect(panelError(json3).location.field).toBe(`rules[${k}].conditions.consequences[1]`);
    expect(["R882", "K700", "G12", "C228T", "exon12-frameshift-region", "ITD-region-exon14-15"].every(isHotspotLabel)).toBe(true);
    expect(["Arg882", "r882", "882", "R", "exon12"].some(isHotspotLabel)).toBe(false);
  });

  it("rejects duplicate rule ids and unknown threshold names", () => {
    const json = builtinRaw();
    json.rules[1].id = json.rules[0].id;
    expect(panelError(json).location.field).toBe("rules[1].id");
    const json2 = builtinRaw();
    const i = json2.rules.findIndex((r: any) => r.conditions?.populationAf);
    json2.rules[i].conditions.populationAf.threshold = "rare";
    expect(panelError(json2).location.field).toBe(`rules[${i}].conditions.populationAf.threshold`);
  });

  it("does not let unverified-only evidence classify above uncertain", () => {
    const json = builtinRaw();
    const i = json.rules.findIndex((r: any) => r.id === "PARN.LOF.GERMLINE");
    expect(json.rules[i].classification).toBe("uncertain");
    json.rules[i].classification = "likely-pathogenic";
    const error = panelError(json);
    expect(error.location.field).toBe(`rules[${i}].classification`);
  });

  it("wraps non-object input as E_PANEL", () => {
    expect(panelError("not a panel").code).toBe("E_PANEL");
    expect(panelError({ ...minimal(), version: "1.0" }).location.field).toBe("version");
  });
});

describe("extends: builtin", () => {
  it("adds a gene and its rule on top of the builtin panel", () => {
    const json = JSON.parse(readFileSync(new URL("../fixtures/panels/extends-add-gene.json", import.meta.url), "utf8"));
    const panel = loadPanel(json, { name: "extends-add-gene.json" });
    expect(panel.id).toBe("local-extension");
    expect(panel.version).toBe("0.1.0-local.1");
    expect(panel.genes.length).toBe(builtinPanel.genes.length + 1);
    expect(panel.genes.at(-1)?.symbol).toBe("ELANE");
    expect(panel.rules.at(-1)?.id).toBe("ELANE.LOF.GERMLINE");
    expect(panel.citations["local-elane-note"]).toBeDefined();
    expect(panel.citations["PMID:15814878"]).toBeDefined();
    expect(panel.sha256).not.toBe(builtinPanel.sha256);
    expect("extends" in panel).toBe(false);
  });

  it("overrides a builtin gene and rule in place, keeping order", () => {
    const base = builtinRaw();
    const tert = base.genes.find((g: any) => g.symbol === "TERT");
    const rule = { ...base.rules.find((r: any) => r.id === "TERT.A1062T"), classification: "benign" };
    const panel = loadPanel({
      schemaVersion: 1,
      id: "override",
      version: "1.0.0",
      released: "2026-11-25",
      extends: "builtin",
      genes: [{ ...tert, note: "local note" }],
      rules: [rule],
    });
    expect(panel.genes.length).toBe(builtinPanel.genes.length);
    expect(panel.genes.findIndex((g) => g.symbol === "TERT")).toBe(builtinPanel.genes.findIndex((g) => g.symbol === "TERT"));
    expect(panel.genes.find((g) => g.symbol === "TERT")?.note).toBe("local note");
    expect(panel.rules.find((r) => r.id === "TERT.A1062T")?.classification).toBe("benign");
  });

  it("checks the merged panel (an added rule may cite builtin citations)", () => {
    const error = panelError({
      schemaVersion: 1,
      id: "bad-extension",
      version: "1.0.0",
      released: "2026-11-25",
      extends: "builtin",
      rules: [{ ...builtinRaw().rules[0], id: "NOPE.LOF", gene: "NOPE" }],
    });
    expect(error.location.field).toBe(`rules[${builtinPanel.rules.length}].gene`);
  });
});

describe("panelJsonSchema", () => {
  it("is a JSON Schema that documents the strict top-level fields", () => {
    const schema = panelJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["schemaVersion", "id", "version", "genes", "rules", "thresholds", "summaryRules", "citations"]),
    );
    expect(schema.additionalProperties).toBe(false);
  });
});
