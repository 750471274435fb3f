/**
 * Failure modes (issue 23), each with what must happen instead of a crash, a hang or a silently
 * different answer: an index that belongs to another file or is older than it; BGZF cut inside a
 * block and at a block boundary; a file that grows or shrinks while it is read; an AbortSignal at
 * each stage (nothing left open or on disk, E_ABORTED); 50 concurrent annotate calls; a
 * 100,000-sample header; `-o` onto a read-only folder, a full disk and a pipe.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { open as openFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { LocalFile } from "generic-filehandle2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bgzf, blockStarts } from "../scripts/fuzz-core.mjs";
import { annotateStreamWith } from "../src/annotate.js";
import type { MarrowscopeError, Warning } from "../src/errors.js";
import { annotate, readVariants, streamFindings, toJSON, validate } from "../src/node.js";
import { nodeResolvers } from "../src/node-resolvers.js";
import { spillingStore } from "../src/spill.js";
import { CLI, FIXTURES, rejectedWith, tempDir, validationCases, vcfText } from "./helpers.js";

const DEMO = join(FIXTURES, "demo.vcf.gz");
const demoText = gunzipSync(readFileSync(DEMO)).toString();
const findingKeys = (report: Awaited<ReturnType<typeof annotate>>) =>
  report.samples.flatMap((s) => s.findings.map((f) => `${s.name} ${f.variant.key} ${f.gene.symbol}`)).sort();

/** bgzip + tabix, as a user would make them. */
function bgzipAndIndex(path: string, text: string, csi = false): void {
  writeFileSync(path.replace(/\.gz$/, ""), text);
  execFileSync("bgzip", ["-f", path.replace(/\.gz$/, "")]);
  execFileSync("tabix", ["-f", ...(csi ? ["-C"] : []), "-p", "vcf", path]);
}

/** The demo with filler records ahead of its own: same first record, every later offset moved. */
function demoGrown(extra: number): string {
  const lines = demoText.trimEnd().split("\n");
  const header = lines.filter((l) => l.startsWith("#"));
  const records = lines.filter((l) => !l.startsWith("#"));
  const filler = Array.from({ length: extra }, (_, i) => `chr1\t${1_000_000 + i * 10}\t.\tA\tG\t50\tPASS\tDP=20\tGT:AD:DP\t0/1:10,10:20`);
  return `${[...header, records[0]!, ...filler, ...records.slice(1)].join("\n")}\n`;
}

describe("an index that belongs to another file, or is older than it", () => {
  let dir: string;
  let scan: string[];
  beforeAll(async () => {
    dir = tempDir("index-");
    scan = findingKeys(await annotate(DEMO, { strategy: "scan" }));
    expect(scan.length).toBe(3);
  });

  it("another file's index: E_INPUT naming it when an index read is asked for, else a scan with a warning", async () => {
    const foreign = join(FIXTURES, "index", "volvox.test.vcf.gz.tbi");
    const error = await rejectedWith(annotate(DEMO, { strategy: "index", index: foreign }));
    expect(error.code).toBe("E_INPUT");
    expect(error.location.file).toBe(DEMO);
    expect(error.message).toContain('volvox.test.vcf.gz.tbi does not match the file: it does not list contig "chr1" of the first record');
    expect(error.message).toContain("tabix -p vcf");
    // Before issue 23 this read nothing (the index names no panel contig) and reported no findings.
    const report = await annotate(DEMO, { index: foreign });
    expect(report.input.strategy).toBe("scan");
    expect(findingKeys(report)).toEqual(scan);
    expect(report.warnings.map((w) => w.code)).toContain("W_INDEX_UNUSED");
  });

  it("the index of an earlier version of the file (rewritten with more records): found before anything is read", async () => {
    const path = join(dir, "grown.vcf.gz");
    bgzipAndIndex(path, demoText);
    const old = readFileSync(`${path}.tbi`);
    bgzipAndIndex(path, demoGrown(20_000));
    writeFileSync(`${path}.tbi`, old);
    // Same mtime second as the file: only the content can tell.
    const { mtime } = statSync(path);
    utimesSync(`${path}.tbi`, mtime, mtime);
    const error = await rejectedWith(annotate(path, { strategy: "index" }));
    expect(error.code).toBe("E_INPUT");
    expect(error.message).toContain("grown.vcf.gz.tbi does not match the file");
    const report = await annotate(path);
    expect(report.input.strategy).toBe("scan");
    expect(findingKeys(report)).toEqual(scan.map((k) => k.replace("demo.vcf.gz", "grown.vcf.gz")));
    expect(report.warnings.find((w) => w.code === "W_INDEX_UNUSED")?.message).toMatch(
      /does not match the file.*reading the whole file instead/,
    );
  });

  it("the index of a longer file: it points past the end", async () => {
    const long = join(dir, "long.vcf.gz");
    bgzipAndIndex(long, demoGrown(20_000));
    const error = await rejectedWith(annotate(DEMO, { strategy: "index", index: `${long}.tbi` }));
    expect(error.message).toMatch(
      /long\.vcf\.gz\.tbi does not match the file: it points at compressed offset \d+, past the end of the file \(1531 bytes: cut short, or the index is another file's\)/,
    );
  });

  it("an index older than its file: a scan under auto (htslib only warns); an index read asked for warns and reads", async () => {
    const path = join(dir, "touched.vcf.gz");
    copyFileSync(DEMO, path);
    copyFileSync(`${DEMO}.tbi`, `${path}.tbi`);
    const now = Date.now() / 1000;
    utimesSync(`${path}.tbi`, now - 3600, now - 3600);
    utimesSync(path, now, now);
    const auto = await annotate(path);
    expect(auto.input.strategy).toBe("scan");
    expect(auto.warnings.find((w) => w.code === "W_INDEX_UNUSED")?.message).toContain(
      "touched.vcf.gz.tbi does not match the file: it is older than the file",
    );
    const indexed = await annotate(path, { strategy: "index" });
    expect(indexed.input.strategy).toBe("index");
    expect(findingKeys(indexed)).toEqual(findingKeys(auto));
    expect(indexed.warnings.map((w) => w.code)).toContain("W_INDEX_OLDER");
    // Warnings from the header are not doubled when the scan reads it again.
    expect(auto.warnings.filter((w) => w.code !== "W_INDEX_UNUSED")).toEqual((await annotate(path, { strategy: "scan" })).warnings);
  });

  it("a CSI index of another file the same way", async () => {
    const other = join(dir, "other.vcf.gz");
    bgzipAndIndex(other, vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100"]), true);
    const error = await rejectedWith(annotate(DEMO, { strategy: "index", index: `${other}.csi` }));
    expect(error.message).toMatch(/other\.vcf\.gz\.csi does not match the file/);
    expect(findingKeys(await annotate(DEMO, { index: `${other}.csi` }))).toEqual(scan);
  });
});

describe("BGZF cut short", () => {
  let dir: string;
  let aligned: Buffer;
  let starts: number[];
  beforeAll(() => {
    dir = tempDir("cut-");
    // bcftools writes whole records per block (htslib flushes before a record that would not fit).
    const big = join(dir, "big.vcf");
    writeFileSync(big, demoGrown(6000));
    execFileSync("bcftools", ["view", "--no-version", "-Oz", "-o", `${big}.gz`, big]);
    aligned = readFileSync(`${big}.gz`);
    starts = blockStarts(aligned);
    expect(starts.length).toBeGreaterThan(3);
  });

  it("inside a block: E_INPUT naming the file, from every reader and strategy", async () => {
    const cut = aligned.subarray(0, starts[2]! + 200);
    for (const run of [
      () => validate(cut, { name: "cut.vcf.gz" }),
      () => validate(cut, { name: "cut.vcf.gz", strict: false }),
      () => annotate(cut, { name: "cut.vcf.gz", strict: false }),
      async () => {
        for await (const _ of readVariants(cut, { name: "cut.vcf.gz" })) {
          // read to the end
        }
      },
    ]) {
      const error = await rejectedWith(run());
      expect(error.code).toBe("E_INPUT");
      expect(error.location.file).toBe("cut.vcf.gz");
      expect(error.message).toMatch(/compressed data ends early/);
    }
    // Cut inside a block's header (the first 18 bytes), too.
    expect((await rejectedWith(validate(aligned.subarray(0, starts[2]! + 7), { name: "h.vcf.gz" }))).message).toMatch(/ends early/);
  });

  it("inside a block of an indexed file: the index read fails clearly, it does not return fewer findings", async () => {
    const path = join(dir, "indexed.vcf.gz");
    writeFileSync(path.replace(/\.gz$/, ""), demoGrown(6000));
    execFileSync("bgzip", ["-f", path.replace(/\.gz$/, "")]);
    execFileSync("tabix", ["-p", "vcf", path]);
    const whole = readFileSync(path);
    const last = blockStarts(whole).at(-2)!;
    const cutPath = join(dir, "indexed-cut.vcf.gz");
    writeFileSync(cutPath, whole.subarray(0, last + 100));
    copyFileSync(`${path}.tbi`, `${cutPath}.tbi`);
    for (const strategy of ["index", "auto", "scan"] as const) {
      const error = await rejectedWith(annotate(cutPath, { strategy }));
      expect(error.code, strategy).toBe("E_INPUT");
      expect(error.location.file).toBe(cutPath);
      expect(error.message).toMatch(/cut short|compressed data ends early/);
    }
  });

  it("at a block boundary after whole records: the records before it, and W_BGZF_EOF in the report (never silent)", async () => {
    const cut = aligned.subarray(0, starts[3]!);
    const records = gunzipSync(cut)
      .toString()
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#")).length;
    const warnings: Warning[] = [];
    const result = await validate(cut, { name: "boundary.vcf.gz", onWarning: (w) => warnings.push(w) });
    expect(result.records).toBe(records);
    expect(warnings.map((w) => w.code)).toContain("W_BGZF_EOF");
    const report = await annotate(cut, { name: "boundary.vcf.gz" });
    expect(report.warnings.find((w) => w.code === "W_BGZF_EOF")?.message).toBe(
      "boundary.vcf.gz: BGZF end-of-file marker missing; the file may be truncated",
    );
  });

  it("at a block boundary inside a record: that record is an error (strict) or skipped with a warning (lenient)", async () => {
    // Blocks of 300 bytes: boundaries fall inside lines.
    const packed = bgzf(Buffer.from(demoText), 300);
    const cut = packed.subarray(0, blockStarts(packed).at(-3)!);
    const error = await rejectedWith(validate(cut, { name: "mid.vcf.gz" }));
    expect(error.code).toBe("E_VCF_RECORD");
    expect(error.location.file).toBe("mid.vcf.gz");
    expect(error.location.line).toBeGreaterThan(1);
    const lenient = await validate(cut, { name: "mid.vcf.gz", strict: false });
    expect(lenient.skipped).toBe(1);
    expect(lenient.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["E_VCF_RECORD", "W_BGZF_EOF"]));
  });
});

describe("a file that grows or shrinks while it is read", () => {
  let dir: string;
  let text: string;
  beforeAll(() => {
    dir = tempDir("changing-");
    // ~1.3 MB: read in several pieces (256 KiB from a path, 1 MiB from a filehandle), so the change
    // lands while records are still coming.
    const records = Array.from({ length: 20_000 }, (_, i) => `chr2\t${100 + i * 5}\t.\tC\tT\t50\tPASS\tDP=30\tGT:AD:DP\t0/1:15,15:30`);
    text = vcfText(records);
  });

  /** Reads `path` through readVariants and calls `change` after the first variant. */
  async function readWhileChanging(input: string | LocalFile, change: () => void): Promise<MarrowscopeError> {
    return rejectedWith(
      (async () => {
        let first = true;
        for await (const _ of readVariants(input, { name: "changing.vcf" })) {
          if (first) change();
          first = false;
        }
      })(),
    );
  }

  for (const [how, change] of [
    ["grows", (path: string) => appendFileSync(path, "chr2\t999999\t.\tC\tT\t50\tPASS\tDP=30\tGT:AD:DP\t0/1:15,15:30\n")],
    ["shrinks", (path: string) => truncateSync(path, 300_000)],
  ] as const) {
    it(`${how}: E_INPUT saying so, for a path and for a filehandle`, async () => {
      for (const kind of ["path", "filehandle"] as const) {
        const path = join(dir, `${how}-${kind}.vcf`);
        writeFileSync(path, text);
        const size = statSync(path).size;
        const error = await readWhileChanging(kind === "path" ? path : new LocalFile(path), () => change(path));
        expect(error.code, kind).toBe("E_INPUT");
        expect(error.location.file).toBe("changing.vcf");
        expect(error.message).toMatch(
          new RegExp(`the file changed while it was read \\(${size} bytes when opened, \\d+ bytes at the end\\)`),
        );
      }
    });
  }

  it("an unchanged file reads to the end (the check does not fire on its own)", async () => {
    const path = join(dir, "still.vcf");
    writeFileSync(path, text);
    let n = 0;
    for await (const _ of readVariants(path)) n++;
    expect(n).toBe(20_000);
    n = 0;
    for await (const _ of readVariants(new LocalFile(path))) n++;
    expect(n).toBe(20_000);
  });
});

/** Open file descriptors of this process (Linux), to see that an aborted run closed its files. */
const fds = () => readdirSync("/proc/self/fd").length;
const linux = existsSync("/proc/self/fd");

describe("an AbortSignal at any stage", () => {
  let dir: string;
  let big: string;
  beforeAll(() => {
    dir = tempDir("abort-");
    big = join(dir, "big.vcf");
    // The demo's findings first, then ~4 MB of records that nothing matches: many batches to abort in.
    const filler = Array.from(
      { length: 60_000 },
      (_, i) => `chrY\t${3_000_000 + i * 10}\t.\tA\tG\t50\tPASS\tDP=20\tGT:AD:DP\t0/1:10,10:20`,
    );
    writeFileSync(big, `${demoText}${filler.join("\n")}\n`);
  });

  const aborted = async (run: () => Promise<unknown>): Promise<MarrowscopeError> => {
    const before = linux ? fds() : 0;
    const error = await rejectedWith(run());
    // Streams and reads in flight close on later turns of the event loop: wait for them (a
    // descriptor left open stays open, and fails below).
    for (let waited = 0; linux && fds() > before && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    if (linux) expect(fds()).toBeLessThanOrEqual(before);
    return error;
  };

  it("before anything starts: every entry rejects with E_ABORTED, whatever the input", async () => {
    const signal = AbortSignal.abort();
    const drain = async (items: AsyncIterable<unknown>) => {
      for await (const _ of items) {
        // read to the end
      }
    };
    for (const run of [
      () => annotate(DEMO, { signal }),
      () => annotate(DEMO, { signal, strategy: "scan" }),
      () => annotate({ text: demoText }, { signal }),
      () => validate(DEMO, { signal }),
      () => validate({ text: demoText }, { signal }),
      () => drain(readVariants({ text: demoText }, { signal })),
      () => drain(streamFindings(DEMO, { signal })),
    ]) {
      const error = await aborted(run);
      expect(error.code).toBe("E_ABORTED");
      expect(error.message).toMatch(/aborted$/);
    }
  });

  it("while the header is read, while the index is read, during the scan, between findings: E_ABORTED, files closed", async () => {
    // During the header: a stream whose first read fires the signal.
    const inHeader = new AbortController();
    async function* slowly() {
      const bytes = new TextEncoder().encode(demoText);
      yield bytes.subarray(0, 100);
      inHeader.abort();
      yield bytes.subarray(100);
    }
    expect((await aborted(() => annotate(slowly(), { signal: inHeader.signal, name: "s.vcf" }))).code).toBe("E_ABORTED");

    // While the index is read: a filehandle for the .tbi that fires the signal as it is read.
    const inIndex = new AbortController();
    const tbi = new LocalFile(`${DEMO}.tbi`);
    const index = {
      read: tbi.read.bind(tbi),
      stat: tbi.stat.bind(tbi),
      close: tbi.close.bind(tbi),
      readFile: async (options?: { signal?: AbortSignal }) => {
        inIndex.abort();
        return tbi.readFile(options);
      },
    } as unknown as LocalFile;
    const inIndexError = await aborted(() => annotate(DEMO, { signal: inIndex.signal, index, strategy: "index" }));
    expect(inIndexError.code).toBe("E_ABORTED");

    // During the scan: the first progress report fires it.
    const inScan = new AbortController();
    let reports = 0;
    const error = await aborted(() =>
      annotate(big, {
        signal: inScan.signal,
        onProgress: () => {
          reports++;
          inScan.abort();
        },
      }),
    );
    expect(error).toMatchObject({ code: "E_ABORTED", location: { file: big } });
    expect(reports).toBeLessThan(5);

    // Between findings of a stream: the consumer fires it after the first.
    const inStream = new AbortController();
    const streamError = await aborted(async () => {
      for await (const _ of streamFindings(big, { signal: inStream.signal })) inStream.abort();
    });
    expect(streamError.code).toBe("E_ABORTED");

    // And validate and readVariants mid-file.
    const inValidate = new AbortController();
    setImmediate(() => inValidate.abort());
    expect((await aborted(() => validate(big, { signal: inValidate.signal }))).code).toBe("E_ABORTED");
  });

  it("after findings went to temporary files (the CLI's store): the files are removed", async () => {
    const spill = join(dir, "spill");
    mkdirSync(spill);
    const controller = new AbortController();
    const spilled = () => readdirSync(spill, { recursive: true }).some((f) => String(f).endsWith(".ndjson"));
    let sawFiles = false;
    const error = await aborted(() =>
      annotateStreamWith(
        big,
        {
          signal: controller.signal,
          onProgress: () => {
            if (spilled()) {
              sawFiles = true;
              controller.abort();
            }
          },
        },
        nodeResolvers,
        spillingStore({ after: 1, dir: spill }),
      ),
    );
    expect(error.code).toBe("E_ABORTED");
    expect(sawFiles).toBe(true);
    expect(readdirSync(spill)).toEqual([]);
  });
});

describe("50 concurrent annotate calls in one process", () => {
  it("give the same reports as the same calls one after another", async () => {
    const cases = validationCases().slice(0, 46);
    const calls = [
      ...cases.map((c) => () => annotate(c.path, c.options)),
      () => annotate(DEMO),
      () => annotate(DEMO, { strategy: "scan" }),
      () => annotate({ text: demoText, name: "demo.vcf" }),
      () => annotate(join(FIXTURES, "index", "roh.1.vcf.gz"), { strategy: "index", assembly: "GRCh37" }),
    ];
    expect(calls.length).toBe(50);
    const serial: string[] = [];
    for (const call of calls) serial.push(toJSON(await call()));
    const concurrent = await Promise.all(calls.map(async (call) => toJSON(await call())));
    expect(concurrent).toEqual(serial);
    // The reports differ from each other: a shared state would show as copies.
    expect(new Set(serial).size).toBeGreaterThan(45);
  }, 120_000);
});

describe("a 100,000-sample header", () => {
  const N = 100_000;
  const carrier = N - 2;
  let text: string;
  beforeAll(() => {
    const samples = Array.from({ length: N }, (_, i) => `S${i}`);
    const calls = samples.map((_, i) => (i === carrier ? "0/1:60,40:100" : "0/0:50,0:50"));
    text = vcfText(
      [
        `chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t${calls.join("\t")}`,
        `chr2\t25234400\t.\tG\tA\t.\tPASS\t.\tGT:AD:DP\t${calls.map(() => "./.:.:.").join("\t")}`,
      ],
      { samples },
    );
  });

  it("validate reads every sample of every record", async () => {
    const result = await validate({ text, name: "wide.vcf" });
    expect(result.samples.length).toBe(N);
    expect(result.samples[carrier]).toBe(`S${carrier}`);
    expect(result.records).toBe(2);
    expect(result.variants).toBe(2);
  }, 60_000);

  it("readVariants gives each variant's 100,000 calls in header order", async () => {
    const variants = [];
    for await (const v of readVariants({ text })) variants.push(v);
    expect(variants[0]!.calls.length).toBe(N);
    expect(variants[0]!.calls[carrier]).toMatchObject({ sample: `S${carrier}`, zygosity: "het", vaf: 0.4, depth: 100 });
    expect(variants[0]!.calls[0]).toMatchObject({ sample: "S0", zygosity: "hom-ref" });
    expect(variants[1]!.calls.every((c) => c.zygosity === "no-call")).toBe(true);
  }, 60_000);

  it("streamFindings over every sample, and annotate for one, find the one carrier", async () => {
    const found = [];
    for await (const f of streamFindings({ text }, { assembly: "GRCh38" })) found.push(f);
    expect(found.map((f) => `${f.sample} ${f.gene.symbol}`)).toEqual([`S${carrier} DNMT3A`]);
    const one = await annotate({ text }, { assembly: "GRCh38", samples: [`S${carrier}`] });
    expect(one.samples.map((s) => [s.name, s.findings.map((f) => f.gene.symbol)])).toEqual([[`S${carrier}`, ["DNMT3A"]]]);
  }, 60_000);
});

describe("-o onto a folder that cannot be written, a full disk, a pipe", () => {
  let dir: string;
  const run = (args: string[], options: { uid?: number; gid?: number; shell?: string } = {}) =>
    new Promise<{ code: number; stderr: string }>((resolvePromise) => {
      const command = options.shell
        ? ["sh", ["-c", `${options.shell}; exec "$0" "$@"`, process.execPath, CLI, ...args]]
        : [process.execPath, [CLI, ...args]];
      execFile(
        command[0] as string,
        command[1] as string[],
        { uid: options.uid, gid: options.gid, cwd: tmpdir() },
        (error, _stdout, stderr) => {
          resolvePromise({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr });
        },
      );
    });
  beforeAll(() => {
    // Not under the run's own temporary folder (mode 0700): a child run as another user must reach it.
    dir = join(tmpdir(), `marrowscope-ro-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  });
  afterAll(() => {
    execFileSync("rm", ["-rf", dir]);
  });

  const root = process.getuid?.() === 0;
  // As root, chmod does not stop writes: the run goes as "nobody" instead.
  const asNobody = root ? { uid: 65534, gid: 65534 } : {};
  const canDropRoot = (() => {
    if (!root) return true;
    try {
      execFileSync(process.execPath, ["-e", ""], { uid: 65534, gid: 65534 });
      return true;
    } catch {
      return false;
    }
  })();
  if (!canDropRoot)
    console.warn("failure-modes.test: running as root without permission to switch to uid 65534; the read-only folder case is skipped");

  it.skipIf(!canDropRoot)("a read-only folder: exit 3, a one-line error naming the output, no file", async () => {
    const ro = join(dir, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const out = join(ro, "report.json");
    // json and vcf: the two ways the CLI writes (whole reports, and the VCF streamed from its input).
    for (const format of ["json", "vcf"]) {
      const { code, stderr } = await run(["annotate", DEMO, "-f", format, "-o", out], asNobody);
      expect({ format, code }).toEqual({ format, code: 3 });
      expect(stderr.trim()).toBe(`marrowscope: ${out}: cannot write output: EACCES`);
    }
    expect(readdirSync(ro)).toEqual([]);
  });

  it.skipIf(!existsSync("/dev/full"))("/dev/full: exit 3 with ENOSPC, and the device is still a device", async () => {
    for (const format of ["json", "vcf"]) {
      const { code, stderr } = await run(["annotate", DEMO, "-f", format, "-o", "/dev/full"]);
      expect({ format, code }).toEqual({ format, code: 3 });
      expect(stderr.trim()).toBe("marrowscope: /dev/full: cannot write output: ENOSPC");
    }
    expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
    expect(existsSync(`/dev/full.partial-${process.pid}`)).toBe(false);
  });

  it("a disk that fills up part-way (a 512-byte file-size limit): exit 3, no partial file, an earlier report kept whole", async () => {
    const full = join(dir, "full");
    mkdirSync(full);
    const out = join(full, "report.json");
    writeFileSync(out, "the report of an earlier run\n");
    for (const format of ["json", "vcf"]) {
      // `ulimit -f` counts 512-byte blocks in sh; Node ignores SIGXFSZ, so the write fails with EFBIG.
      const { code, stderr } = await run(["annotate", DEMO, "-f", format, "-o", out], { shell: "ulimit -f 1" });
      expect({ format, code, stderr: stderr.trim() }).toEqual({
        format,
        code: 3,
        stderr: `marrowscope: ${out}: cannot write output: EFBIG`,
      });
      expect(readdirSync(full)).toEqual(["report.json"]);
      expect(readFileSync(out, "utf8")).toBe("the report of an earlier run\n");
    }
    // Without the limit the same run writes the whole report.
    expect((await run(["annotate", DEMO, "-o", out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).samples[0].findings.length).toBe(3);
  });

  it("a named pipe is written as it is, not replaced by a file", async () => {
    const fifo = join(dir, "report.fifo");
    execFileSync("mkfifo", [fifo]);
    const reading = (async () => {
      const handle = await openFile(fifo, "r");
      const text = (await handle.readFile()).toString();
      await handle.close();
      return text;
    })();
    const { code } = await run(["annotate", DEMO, "-o", fifo]);
    // A run that never opened the pipe would leave the reader waiting for a writer.
    if (code !== 0) closeSync(openSync(fifo, "w"));
    expect(code).toBe(0);
    const written = await reading;
    expect(JSON.parse(written).samples[0].findings.length).toBe(3);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(written).toBe(toJSON(await annotate(DEMO)));
  });
});
