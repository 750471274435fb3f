#!/usr/bin/env node
// Writes schema/report.schema.json and schema/panel.schema.json from the zod schemas in the
// built package (run after tsup). `--check` exits 1 when the committed files are stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const m = await import(pathToFileURL(join(root, "dist", "node.js")).href);
const outputs = {
  "schema/report.schema.json": m.reportJsonSchema(),
  "schema/panel.schema.json": m.panelJsonSchema(),
};
let stale = 0;
for (const [path, schema] of Object.entries(outputs)) {
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const file = join(root, path);
  if (check) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== text) {
      console.error(`${path} is stale: run npm run build`);
      stale++;
    }
  } else writeFileSync(file, text);
}
process.exit(stale ? 1 : 0);
