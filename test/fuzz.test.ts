/**
 * Mutation tests (issue 23), the seeded and bounded part of `npm run fuzz` (scripts/fuzz.mjs).
 * Damaged corpus files, damaged gzip/BGZF bytes and damaged .tbi/.csi indexes go through the
 * built package (test/global-setup.ts) in a worker thread: each must give a result or a
 * MarrowscopeError whose location names the file, within 10 s (a hang is stopped from outside,
 * even a synchronous one) and within a 256 MB heap. A damaged index may also hide records, never
 * invent findings a scan of the same file does not give. Every input the long run kept
 * (fixtures/fuzz/) is replayed. FUZZ_SEED changes the seed; the cases stay the same without it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CORPUS,
  caseArbitrary,
  corpusFiles,
  type FuzzCase,
  FuzzRunner,
  indexTargets,
  judge,
  problemOf,
  type Sources,
  type Task,
} from "../scripts/fuzz-core.mjs";
import { FIXTURES } from "./helpers.js";

const SEED = Number(process.env.FUZZ_SEED ?? 23);
const dist = process.env.MARROWSCOPE_DIST;
const corpus = existsSync(CORPUS);
if (!corpus) console.warn(`fuzz.test: ${CORPUS} not found; the corpus cases are skipped, the repository's indexed files are still used`);

let runner: FuzzRunner;
const scans = new Map<string, string[]>();

beforeAll(async () => {
  if (!dist) throw new Error(`the package did not build: ${process.env.MARROWSCOPE_BUILD_ERROR}`);
  runner = new FuzzRunner({ dist, workers: 1, timeoutMs: 10_000, heapMb: 256 });
  await runner.ready();
});
afterAll(() => runner?.close());

/** Runs the cases of one family and fails with the first problem, fast-check shrinking the damage first. */
async function holds(sources: Sources, numRuns: number, seed: number): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(caseArbitrary(sources), async (c: FuzzCase) => {
      const { task, outcome, problem } = await judge(runner, c, sources, scans);
      const kind = outcome.kind === "typed" ? outcome.code : outcome.kind;
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      if (problem) throw new Error(`${label(task)}: ${problem}`);
    }),
    { seed, numRuns, endOnFailure: false },
  );
  return outcomes;
}

function label(task: Task): string {
  return `${task.api} ${task.name}${task.index ? ` with ${task.index.name}` : ""} ${JSON.stringify(task.options ?? {})}`;
}

const text = corpus ? corpusFiles({ maxBytes: 65536, parses: true }) : [];

describe("damaged inputs give a result or a located MarrowscopeError, never another exception, a hang or a blown heap", () => {
  it.skipIf(!corpus)(
    "corpus files with lines dropped, duplicated, swapped, fields replaced by hostile tokens, bytes changed, cut",
    async () => {
      const outcomes = await holds({ text }, 2000, SEED);
      // The damage reaches past the header: some files still read, some fail record by record.
      expect(outcomes.get("ok") ?? 0).toBeGreaterThan(50);
      expect(outcomes.get("E_VCF_RECORD") ?? 0).toBeGreaterThan(20);
    },
    120_000,
  );

  it.skipIf(!corpus)(
    "the same files as gzip and BGZF with damaged bytes, headers, sizes, CRCs and blocks",
    async () => {
      const outcomes = await holds({ compressed: text }, 1500, SEED + 1);
      expect(outcomes.get("E_INPUT") ?? 0).toBeGreaterThan(50);
      expect(outcomes.get("ok") ?? 0).toBeGreaterThan(10);
    },
    120_000,
  );

  it("damaged .tbi and .csi indexes: a clear error, a fallback to a scan, or findings a scan also gives", async () => {
    const index = indexTargets();
    expect(index.length).toBeGreaterThanOrEqual(2);
    const outcomes = await holds({ index }, 300, SEED + 2);
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(20);
    expect(outcomes.get("E_INPUT") ?? 0).toBeGreaterThan(20);
  }, 120_000);
});

const KEPT = join(FIXTURES, "fuzz");
const kept = existsSync(KEPT) ? readdirSync(KEPT).filter((f) => f.endsWith(".json")) : [];

describe("inputs the long run kept (fixtures/fuzz/)", () => {
  it.skipIf(kept.length === 0)(
    "each gives a result or a located MarrowscopeError now",
    async () => {
      for (const file of kept) {
        const provenance = JSON.parse(readFileSync(join(KEPT, file), "utf8"));
        const bytes = readFileSync(join(KEPT, provenance.file));
        const task: Task = provenance.vcf
          ? {
              api: "annotate",
              bytes: readFileSync(
                provenance.vcf.startsWith("corpus:") ? join(CORPUS, provenance.vcf.slice(7)) : join(FIXTURES, "..", provenance.vcf),
              ),
              name: provenance.vcf.split("/").pop(),
              options: provenance.options,
              index: { name: provenance.file, bytes },
            }
          : {
              api: provenance.api,
              bytes,
              name: provenance.file,
              options: provenance.options,
              ...(provenance.stream ? { stream: provenance.stream } : {}),
            };
        expect(problemOf(await runner.run(task)), file).toBeUndefined();
      }
    },
    120_000,
  );
});
