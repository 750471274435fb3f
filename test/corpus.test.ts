/**
 * Acceptance test for issue 3: every data file of the shared third-party corpus either validates
 * (when the manifest says it parses) or ends in a clear MarrowscopeError / a warning naming the
 * violation (when the manifest says it must fail). A raw exception fails the test, and so does
 * silence on a must-error file unless the exceptions table below says why.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMarrowscopeError, type Warning } from "../src/errors.js";
import { browserResolvers, type Resolvers, validateWith } from "../src/read.js";
import { toNodeSource } from "../src/vcf/node-input.js";
import { SHARED } from "./helpers.js";

// The reader alone (not the package entry), so this test does not depend on the rules code.
const resolvers: Resolvers = { source: (input, name) => toNodeSource(input as string, name), index: browserResolvers.index };
const validate = (path: string, options: Parameters<typeof validateWith>[1]) => validateWith(path, options, resolvers);

const CORPUS = join(SHARED, "corpus");
const MANIFEST = join(CORPUS, "MANIFEST.tsv");
const present = existsSync(MANIFEST);
if (!present) console.warn(`corpus.test: ${MANIFEST} not found; skipping the corpus acceptance test`);

type Expectation = "ok" | "error";
type Outcome = { kind: "ok" } | { kind: "warned"; warnings: Warning[] } | { kind: "errored"; code: string; message: string };

/** Data files only: VCF text (plain, gzip, BGZF), BCF, and the one empty file. */
function isDataFile(path: string): boolean {
  return /\.(vcf|vcf\.gz|bcf|vcf\.tmp)$/.test(path) || path.endsWith("/emptyfile");
}

/**
 * What the manifest expects. The first clause (before `||`) is the upstream project's own
 * expectation and wins; the bcftools 1.16 check decides only when upstream said nothing.
 */
function expectationOf(behaviour: string): Expectation {
  const upstream = behaviour.split("||")[0]!.trim();
  if (/^(must )?parse ok|^header parse ok/.test(upstream)) return "ok";
  if (/^must error|MUST FAIL on this file|must error \(or flag\)|strict mode MUST throw|not a complete VCF|-> must error clearly/.test(upstream))
    return "error";
  if (/REJECTS|FAILS on body/.test(behaviour)) return "error";
  return "ok";
}

/**
 * Reviewed disagreements with the manifest, each with the reason we differ. Keys are corpus paths;
 * for the hts-specs `failed/` suite, `cause:` keys match the file's `##CauseOfFailure` text.
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

interface Row {
  readonly path: string;
  readonly expected: Expectation;
  readonly cause?: string;
}

function loadRows(): Row[] {
  if (!present) return [];
  const rows: Row[] = [];
  for (const line of readFileSync(MANIFEST, "utf8").split("\n").slice(1)) {
    const cols = line.split("\t");
    const path = cols[0];
    const behaviour = cols[7];
    if (!path || behaviour === undefined || !isDataFile(path)) continue;
    let cause: string | undefined;
    if (path.includes("/failed/")) {
      const m = /^##CauseOfFailure=(.*)$/m.exec(readFileSync(join(CORPUS, path), "latin1"));
      cause = m?.[1]?.trim();
    }
    rows.push({ path, expected: path.includes("/failed/") ? "error" : expectationOf(behaviour), cause });
  }
  return rows;
}

async function run(path: string): Promise<Outcome> {
  const warnings: Warning[] = [];
  try {
    await validate(join(CORPUS, path), { name: path, onWarning: (w) => warnings.push(w) });
  } catch (error) {
    if (!isMarrowscopeError(error)) throw error;
    return { kind: "errored", code: error.code, message: error.message };
  }
  return warnings.length > 0 ? { kind: "warned", warnings } : { kind: "ok" };
}

const rows = loadRows();
const tally = { ok: 0, errored: 0, warned: 0, disagreeing: 0 };
const disagreements: string[] = [];
const byCode = new Map<string, number>();

describe.skipIf(!present)("shared corpus (MANIFEST.tsv)", () => {
  afterAll(() => {
    const lines = [
      `corpus: ${rows.length} data files: ok ${tally.ok}, errored ${tally.errored}, warned ${tally.warned}, disagreeing ${tally.disagreeing}`,
      `errors by code: ${[...byCode].map(([c, n]) => `${c} ${n}`).join(", ")}`,
      ...disagreements.map((d) => `  disagree: ${d}`),
    ];
    console.log(lines.join("\n"));
  });

  it.each(rows.map((r) => [r.path, r] as const))("%s", async (_path, row) => {
    const outcome = await run(row.path);
    if (outcome.kind === "errored") {
      byCode.set(outcome.code, (byCode.get(outcome.code) ?? 0) + 1);
      tally.errored++;
    } else if (outcome.kind === "warned") tally.warned++;
    else tally.ok++;
    const exception = EXCEPTIONS[row.path] ?? (row.cause !== undefined ? EXCEPTIONS[`cause:${row.cause}`] : undefined);
    const describeOutcome =
      outcome.kind === "errored" ? `${outcome.code}: ${outcome.message}` : outcome.kind === "warned" ? `warned: ${outcome.warnings[0]!.message}` : "silent";
    const agrees =
      row.expected === "ok"
        ? outcome.kind !== "errored"
        : outcome.kind === "errored"
          ? ["E_VCF_HEADER", "E_VCF_RECORD", "E_INPUT"].includes(outcome.code)
          : outcome.kind === "warned";
    if (!agrees) {
      tally.disagreeing++;
      disagreements.push(`${row.path} (expected ${row.expected}${row.cause ? `: ${row.cause}` : ""}; got ${describeOutcome})${exception ? ` — ${exception}` : ""}`);
      expect.soft(exception, `${row.path}: expected ${row.expected}, got ${describeOutcome}`).toBeDefined();
    }
  });
});
