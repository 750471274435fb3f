import { it } from "vitest";
import { browserResolvers, validateWith } from "../src/read.js";
import { toNodeSource } from "../src/vcf/node-input.js";
it("debug", async () => {
  const f = process.env.F!;
  const r = await validateWith(f, { onWarning: (w) => console.log("W", w.message) }, { source: (i, n) => toNodeSource(i as string, n), index: browserResolvers.index }).catch((e) => e);
  console.log(r);
});
