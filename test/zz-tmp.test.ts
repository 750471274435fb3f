import { test } from "vitest";
import { readdirSync } from "node:fs";
import { annotate } from "../src/node.js";
test("e2e try", async () => {
  for (const f of readdirSync("fixtures/cases").filter((f) => f.endsWith(".vcf")).sort()) {
    try {
      const r = await annotate(`fixtures/cases/${f}`, {});
      for (const s of r.samples) {
        console.log(f, s.name, s.role, JSON.stringify(s.summary.istResponse), s.summary.clonalEvolutionRisk, s.summary.inheritedDisorder, s.summary.considerations.join(","), "|", s.findings.map((x) => `${x.gene.symbol}:${x.classification}:${x.origin.call}:${x.ruleIds.join("+")}`).join(" "));
      }
      if (r.warnings.length) console.log("  warnings:", r.warnings.map((w) => w.message).join(" / "));
    } catch (e) {
      console.log(f, "ERROR", (e as Error).message);
    }
  }
});
