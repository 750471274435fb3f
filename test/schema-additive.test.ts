/**
 * The report schema changes additively (DESIGN.md §3): every field, enum value and type of the
 * schema before engine v2 (fixtures/schema/report-before-engine-v2.schema.json, schema/ as of
 * commit 749066d) is still there, and no field became required that was optional.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Json = { [key: string]: unknown };

const before = JSON.parse(readFileSync(new URL("../fixtures/schema/report-before-engine-v2.schema.json", import.meta.url), "utf8")) as Json;
const now = JSON.parse(readFileSync(new URL("../schema/report.schema.json", import.meta.url), "utf8")) as Json;

/** Every (path, problem) where `next` takes something away that `prev` allowed. */
function losses(prev: unknown, next: unknown, path: string): string[] {
  if (typeof prev !== "object" || prev === null) return prev === next ? [] : [`${path}: ${JSON.stringify(prev)} → ${JSON.stringify(next)}`];
  if (typeof next !== "object" || next === null) return [`${path}: removed`];
  const p = prev as Json;
  const n = next as Json;
  const out: string[] = [];
  for (const [key, value] of Object.entries(p)) {
    if (key === "description" || key === "title") continue;
    if (!(key in n)) {
      out.push(`${path}.${key}: removed`);
      continue;
    }
    if (key === "enum") {
      const allowed = new Set(n.enum as unknown[]);
      for (const v of value as unknown[]) if (!allowed.has(v)) out.push(`${path}.enum: ${JSON.stringify(v)} removed`);
      continue;
    }
    if (key === "required") {
      const was = new Set(value as string[]);
      for (const r of n.required as string[])
        if (!was.has(r) && r in ((p.properties as Json) ?? {})) out.push(`${path}: ${r} became required`);
      continue;
    }
    out.push(...losses(value, n[key], `${path}.${key}`));
  }
  return out;
}

describe("report schema v1 is only ever added to", () => {
  it("keeps every field, type and enum value of the schema before engine v2", () => {
    expect(losses(before, now, "report")).toEqual([]);
  });

  it("catches a removal (the check can fail)", () => {
    const damaged = structuredClone(now) as Json;
    const finding = ((damaged.properties as Json).samples as Json).items as Json;
    delete (finding.properties as Json).role;
    expect(losses(before, damaged, "report").length).toBeGreaterThan(0);
  });
});
