/**
 * The CLI's run store (src/spill.ts): findings and warnings past a budget wait in temporary
 * files; the second pass reads findings back and sorts them in runs on disk. The report must be byte for
 * byte the one made with every finding in memory (order, two-hit verdicts from the remembered
 * facts, shared parts), and the files must be gone afterwards, also when the run fails.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { annotateStreamWith, memoryStore, type RunStore } from "../src/annotate.js";
import { type AnnotateOptions, annotate } from "../src/node.js";
import { nodeResolvers } from "../src/node-resolvers.js";
import { builtinPanel } from "../src/panel/index.js";
import { jsonChunks, ndjsonChunks, toJSON, tsvChunks } from "../src/report/emit.js";
import type { Finding } from "../src/report/schema.js";
import type { FirstPassFinding } from "../src/rules/evaluate.js";
import { spillingStore } from "../src/spill.js";
import { CLI, fixture, runCli, SHARED, tempDir } from "./helpers.js";

const text = (chunks: Iterable<string>) => [...chunks].join("");

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A run through the spilling store, keeping the store so a test can look at it. */
async function spilled(input: unknown, options: AnnotateOptions, after: number, dir: string, window?: number) {
  const stores: RunStore[] = [];
  const make = spillingStore({ after, dir, ...(window ? { window } : {}) });
  const report = await annotateStreamWith(input, options, nodeResolvers, (panel) => {
    const store = make(panel);
    stores.push(store);
    return store;
  });
  const close = () => {
    for (const store of stores) store.close();
  };
  return { report, stores, close };
}

/** A spilled run written by `emit`, its store closed after. */
async function spilledText(
  input: unknown,
  options: AnnotateOptions,
  after: number,
  dir: string,
  emit: (report: Awaited<ReturnType<typeof spilled>>["report"]) => Iterable<string>,
) {
  const { report, close } = await spilled(input, options, after, dir);
  try {
    return text(emit(report));
  } finally {
    close();
  }
}

describe("spilling finding store", () => {
  let dense: string;
  beforeAll(() => {
    // Four samples, every record in a panel gene and annotated: thousands of findings, hom-alt
    // calls (two-hit verdicts) among them.
    dense = execFileSync(
      process.execPath,
      [join(SHARED, "bench", "make-vcf.mjs"), "--records", "3000", "--samples", "4", "--panel-density", "1", "--csq-fraction", "1"],
      { encoding: "utf8", maxBuffer: 64 << 20 },
    );
  }, 60_000);

  it("writes a many-sample file's findings out and reads them back into the same report", async () => {
    const options = { name: "dense.vcf", strategy: "scan" } as const;
    const inMemory = await annotate({ text: dense }, options);
    const findings = inMemory.samples.reduce((n, s) => n + s.findings.length, 0);
    expect(findings).toBeGreaterThan(500);

    const dir = tempDir();
    const { report, close } = await spilled({ text: dense }, options, 97, dir);
    // Before the samples are read, each sample's findings but the last few are on disk.
    const written = filesUnder(dir);
    expect(written.map((f) => f.replace(/^marrowscope-[^/]+\//, ""))).toEqual([0, 1, 2, 3].map((s) => `sample-${s}.ndjson`));
    const lines = written.reduce((n, f) => n + readFileSync(join(dir, f), "utf8").split("\n").length - 1, 0);
    expect(lines).toBeGreaterThan(findings - 97);
    expect(lines).toBeLessThanOrEqual(findings);

    expect(text(jsonChunks(report))).toBe(toJSON(inMemory));
    // Each sample's files go once it is written; the directory when the store is closed.
    expect(filesUnder(dir)).toEqual([]);
    close();
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("gives the same NDJSON and TSV, and the same reports for multi-sample fixtures", async () => {
    const options = { name: "dense.vcf", strategy: "scan" } as const;
    const inMemory = await annotate({ text: dense }, options);
    const dir = tempDir();
    expect(await spilledText({ text: dense }, options, 50, dir, ndjsonChunks)).toBe(text(ndjsonChunks(inMemory)));
    expect(await spilledText({ text: dense }, options, 1, dir, tsvChunks)).toBe(text(tsvChunks(inMemory)));
    for (const file of [
      fixture("cases", "a06-tp53-somatic-tumor-normal.vcf"),
      fixture("cases", "c03-terc-n322-n450.vcf"),
      fixture("annotated", "scout.cancer_test.vcf.gz"),
    ]) {
      const expected = toJSON(await annotate(file, { strict: false }));
      expect(await spilledText(file, { strict: false }, 1, dir, jsonChunks), file).toBe(expected);
    }
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("reads back the facts the second pass works from: two-hit verdicts in a three-sample file", async () => {
    const header = readFileSync(fixture("cases", "a08-fanca-two-alleles.vcf"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("##"));
    header.splice(3, 0, "##contig=<ID=chr7,length=159345973,assembly=GRCh38>");
    const record = (file: string, i: number, gts: string[]) => {
      const line = readFileSync(fixture("cases", file), "utf8")
        .trimEnd()
        .split("\n")
        .filter((l) => !l.startsWith("#"))[i]!;
      return [...line.split("\t").slice(0, 9), ...gts].join("\t");
    };
    const vcf = [
      ...header,
      ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", "P1", "P2", "P3"].join("\t"),
      // P2: homozygous; P3: two SBDS alleles (phase unknown); P1 one FANCA allele of each.
      record("c11-sbds-compound-het.vcf", 0, ["0/0:100,0:100", "0/1:50,50:100", "0/1:50,50:100"]),
      record("c11-sbds-compound-het.vcf", 1, ["0/0:100,0:100", "0/0:100,0:100", "0/1:51,49:100"]),
      record("a08-fanca-two-alleles.vcf", 0, ["0/1:54,46:100", "1/1:0,100:100", "0/0:100,0:100"]),
      record("a08-fanca-two-alleles.vcf", 1, ["0/1:50,50:100", "0/0:100,0:100", "0/0:100,0:100"]),
    ];
    const input = { text: `${vcf.join("\n")}\n` };
    const inMemory = await annotate(input, { name: "trio.vcf" });
    const twoHits = inMemory.samples.map((s) => s.summary.reasons.filter((r) => /two hits|compound heterozygote/.test(r.statement)).length);
    expect(twoHits).toEqual([1, 1, 1]);
    const dir = tempDir();
    expect(await spilledText(input, { name: "trio.vcf" }, 1, dir, jsonChunks)).toBe(toJSON(inMemory));
  });

  it("round-trips first-pass findings exactly: text, key order, facts, shared parts", async () => {
    // The first-pass findings of a run, with their facts, as a store is given them.
    const firsts: FirstPassFinding[] = [];
    await annotateStreamWith({ text: dense }, { name: "dense.vcf", strategy: "scan" }, nodeResolvers, (panel) => {
      const store = memoryStore(panel);
      const add: RunStore["add"] = (s, judged) => {
        firsts.push(judged);
        store.add(s, judged);
      };
      return { ...store, add };
    });
    expect(firsts.length).toBeGreaterThan(64);
    const store = spillingStore({ after: 64, dir: tempDir() })(builtinPanel);
    for (const [i, f] of firsts.entries()) store.add(i % 2, f);
    const back = [...store.read(0), ...store.read(1)];
    // Read again: the same findings (a second pass reads them twice).
    expect([...store.read(0)].map((f) => JSON.stringify(f.finding))).toEqual(
      back.slice(0, [...store.read(0)].length).map((f) => JSON.stringify(f.finding)),
    );
    store.close();
    const expected = [...firsts.filter((_, i) => i % 2 === 0), ...firsts.filter((_, i) => i % 2 === 1)];
    expect(back.map((f) => JSON.stringify(f.finding))).toEqual(expected.map((f) => JSON.stringify(f.finding)));
    back.forEach(({ facts }, i) => {
      const before = expected[i]!.facts;
      expect(before).toBeDefined();
      expect(facts).toEqual(before);
      // The panel gene itself, not a copy.
      expect(facts!.gene).toBe(before!.gene);
    });
    // Parts shared before are shared again (one object, not one per finding).
    const distinct = (get: (f: (typeof back)[number]) => unknown) => new Set(back.map(get)).size;
    expect(distinct((f) => f.finding.implications)).toBe(new Set(expected.map((f) => f.finding.implications)).size);
    expect(distinct((f) => f.finding.gene)).toBe(new Set(expected.map((f) => f.finding.gene)).size);
  }, 60_000);

  it("sorts on disk as a stable sort in memory would, ties in input order", async () => {
    const report = await annotate({ text: dense }, { name: "dense.vcf", strategy: "scan" });
    const findings = report.samples.flatMap((s) => s.findings);
    // Positions only, so that many findings tie: their input order must survive the merge.
    const byPos = (a: (typeof findings)[number], b: (typeof findings)[number]) => a.variant.pos - b.variant.pos;
    const shuffled = findings
      .map((f, i) => ({ f, k: (i * 7919) % findings.length }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.f);
    const dir = tempDir();
    const store = spillingStore({ after: 33, dir })(builtinPanel);
    const sorted = store.sorter(0)(shuffled, byPos);
    expect(filesUnder(dir).filter((f) => f.includes("-run-")).length).toBe(Math.floor(shuffled.length / 33));
    const expected = [...shuffled].sort(byPos).map((f) => JSON.stringify(f));
    expect([...sorted].map((f) => JSON.stringify(f))).toEqual(expected);
    // And again: a report reads its findings more than once (validation, then writing).
    expect([...sorted].map((f) => JSON.stringify(f))).toEqual(expected);
    store.release(0);
    expect(filesUnder(dir)).toEqual([]);
    store.close();
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("sorts a sorted file's findings through a window (no runs on disk), an unsorted file's in runs", async () => {
    const lines = dense.trimEnd().split("\n");
    const header = lines.filter((l) => l.startsWith("#"));
    // The records in a fixed scrambled order (a scan reads an unsorted file, with a warning).
    const records = lines.filter((l) => !l.startsWith("#"));
    const scrambled = records.map((_, i) => records[(i * 7919) % records.length]!);
    const unsorted = `${[...header, ...scrambled].join("\n")}\n`;
    for (const [input, window, runsWritten] of [
      [dense, undefined, false],
      [dense, 64, false],
      [unsorted, 8, true],
    ] as const) {
      const options = { name: "dense.vcf", strategy: "scan", strict: false } as const;
      const inMemory = toJSON(await annotate({ text: input }, options));
      const dir = tempDir();
      const { report, close } = await spilled({ text: input }, options, 40, dir, window);
      // Look at the files while the report is written: runs live only while their sample is.
      const seen = new Set<string>();
      let written = "";
      let n = 0;
      for (const chunk of jsonChunks(report)) {
        written += chunk;
        if (n++ % 25 === 0) for (const f of filesUnder(dir)) seen.add(f.replace(/^marrowscope-[^/]+\//, ""));
      }
      close();
      const which = `${input === dense ? "sorted" : "unsorted"}, window ${window ?? "default"}`;
      expect(written, which).toBe(inMemory);
      expect(seen.has("sample-0.ndjson"), which).toBe(true);
      // A sorted file's findings are out of order only among one record's ALTs and genes, or
      // where an allele normalises a few bases on.
      expect(
        [...seen].some((f) => f.includes("-run-")),
        which,
      ).toBe(runsWritten);
      expect(readdirSync(dir)).toEqual([]);
    }
  }, 60_000);

  it("sorts findings through a window as a stable sort would, or in runs past the window", () => {
    const make = (pos: number, tag: number) => ({ sample: "S", variant: { pos }, tag }) as unknown as Finding;
    // Positions with ties, each stretch of `k` reversed: every finding within k places of its
    // sorted place.
    const k = 7;
    const input: Finding[] = [];
    for (let block = 0; block < 60; block++) {
      const part = Array.from({ length: k }, (_, i) => make(Math.floor((block * k + i) / 3), block * k + i));
      input.push(...part.reverse());
    }
    const byPos = (a: Finding, b: Finding) => a.variant.pos - b.variant.pos;
    const expected = [...input].sort(byPos).map((f) => (f as unknown as { tag: number }).tag);
    for (const [window, runsWritten] of [
      [k, false],
      [64, false],
      [k - 2, true],
      [1, true],
    ] as const) {
      const dir = tempDir();
      const store = spillingStore({ after: 50, dir, window })(builtinPanel);
      const sorted = store.sorter(0)(input, byPos, () => input);
      expect(
        filesUnder(dir).some((f) => f.includes("-run-")),
        `window ${window}`,
      ).toBe(runsWritten);
      expect(
        [...sorted].map((f) => (f as unknown as { tag: number }).tag),
        `window ${window}`,
      ).toEqual(expected);
      expect(
        [...sorted].map((f) => (f as unknown as { tag: number }).tag),
        `window ${window}, read again`,
      ).toEqual(expected);
      store.close();
    }
  });

  it("keeps a one-sample run on disk too, past the budget", async () => {
    const options = { name: "dense.vcf", strategy: "scan" } as const;
    // The first sample only.
    const one = dense
      .split("\n")
      .map((l) => (l.startsWith("##") ? l : l.split("\t").slice(0, 10).join("\t")))
      .join("\n");
    const inMemory = await annotate({ text: one }, options);
    const findings = inMemory.samples[0]!.findings.length;
    expect(findings).toBeGreaterThan(100);
    const dir = tempDir();
    const { report, close } = await spilled({ text: one }, options, 40, dir);
    expect(filesUnder(dir).map((f) => f.replace(/^marrowscope-[^/]+\//, ""))).toEqual(["sample-0.ndjson"]);
    expect(text(jsonChunks(report))).toBe(toJSON(inMemory));
    close();
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("removes its files when the run fails after findings were written", async () => {
    // Findings from the good records first, then a record that breaks strict mode.
    const lines = dense.trimEnd().split("\n");
    const broken = `${[...lines, lines[lines.length - 1]!.replace(/\t\d+\t/, "\tnot-a-position\t")].join("\n")}\n`;
    const dir = tempDir();
    await expect(spilled({ text: broken }, { name: "broken.vcf", strategy: "scan" }, 10, dir)).rejects.toMatchObject({
      code: "E_VCF_RECORD",
    });
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("removes its files when the reader stops before the last sample", async () => {
    const dir = tempDir();
    const { report, close } = await spilled({ text: dense }, { name: "dense.vcf", strategy: "scan" }, 10, dir);
    for (const sample of report.samples) {
      expect([...sample.findings].length).toBeGreaterThan(0);
      break;
    }
    // Leaving a for-of early returns the generator, which lets go of every sample's files.
    expect(filesUnder(dir)).toEqual([]);
    close();
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("keeps a lenient run's warnings on disk past the budget, in order", async () => {
    // Every third record of the dense file broken: a warning each in lenient mode.
    let n = 0;
    const broken = dense
      .split("\n")
      .map((l) => (l.startsWith("#") || l === "" || n++ % 3 !== 0 ? l : l.replace(/\t(\d+)\t/, "\tx$1\t")))
      .join("\n");
    const options = { name: "broken.vcf", strategy: "scan", strict: false } as const;
    const inMemory = await annotate({ text: broken }, options);
    expect(inMemory.warnings.filter((w) => w.code === "E_VCF_RECORD").length).toBe(1000);
    const dir = tempDir();
    const { report, close } = await spilled({ text: broken }, options, 64, dir);
    expect(filesUnder(dir).filter((f) => f.endsWith("warnings.ndjson"))).toHaveLength(1);
    expect(text(jsonChunks(report))).toBe(toJSON(inMemory));
    // Written again (a writer may read them more than once): the same warnings.
    expect([...report.warnings].map((w) => w.message)).toEqual(inMemory.warnings.map((w) => w.message));
    close();
    expect(readdirSync(dir)).toEqual([]);
    expect(await spilledText({ text: broken }, options, 64, dir, ndjsonChunks)).toBe(text(ndjsonChunks(inMemory)));
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

describe("marrowscope annotate on a many-sample file", () => {
  it("writes the report the library makes in memory, past the CLI's spill budget", async () => {
    const dir = tempDir();
    const vcf = join(dir, "dense10.vcf");
    execFileSync(
      "bash",
      [
        "-c",
        `'${process.execPath}' '${join(SHARED, "bench", "make-vcf.mjs")}' --records 4000 --samples 10 --panel-density 1 --csq-fraction 1 > '${vcf}'`,
      ],
      { stdio: "ignore" },
    );
    const inMemory = await annotate(vcf, { strategy: "scan" });
    // More findings than src/spill.ts holds before writing out (SPILL_AFTER).
    expect(inMemory.samples.reduce((n, s) => n + s.findings.length, 0)).toBeGreaterThan(4096);
    const cli = await runCli(["annotate", vcf, "-q"]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(toJSON(inMemory));
  }, 120_000);
});

describe("marrowscope annotate when it is stopped by a signal", () => {
  let dir: string;
  let vcf: string;
  beforeAll(() => {
    dir = tempDir();
    vcf = join(dir, "dense.vcf");
    // ~10,000 findings: past SPILL_AFTER (8,192), so findings wait on disk for a while.
    execFileSync(
      "bash",
      [
        "-c",
        `'${process.execPath}' '${join(SHARED, "bench", "make-vcf.mjs")}' --records 90000 --samples 1 --panel-density 1 --csq-fraction 1 > '${vcf}'`,
      ],
      { stdio: "ignore" },
    );
  }, 60_000);

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "removes its temporary files on %s, then dies of it",
    async (signal) => {
      const tmp = join(dir, `tmp-${signal}`);
      mkdirSync(tmp);
      const child = spawn(process.execPath, [CLI, "annotate", vcf, "-q", "-o", join(dir, "report.json")], {
        env: { ...process.env, TMPDIR: tmp },
        stdio: "ignore",
      });
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      // Signal once the findings file is there (the run is then well under way).
      const spilledFile = () => filesUnder(tmp).some((f) => f.endsWith("sample-0.ndjson"));
      const deadline = Date.now() + 60_000;
      while (!spilledFile() && !ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(ended, "the run ended before its findings went to disk").toBe(false);
      expect(spilledFile()).toBe(true);
      child.kill(signal);
      const [code, killedBy] = await exited;
      expect({ code, killedBy }).toEqual({ code: null, killedBy: signal });
      expect(readdirSync(tmp)).toEqual([]);
    },
    90_000,
  );
});
