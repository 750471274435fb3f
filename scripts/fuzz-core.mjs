/**
 * The fuzzing engine shared by the mutation tests (test/fuzz.test.ts, seeded and bounded) and the
 * nightly run (scripts/fuzz.mjs): damaged inputs made from real files with fast-check, run one by
 * one in a worker thread against a built marrowscope, and judged. A case passes when it gives a
 * result or a MarrowscopeError with a location; it fails when it throws anything else, takes longer
 * than its time bound (a hang, stopped from outside however it loops), or needs more memory than
 * the worker may use.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { crc32, deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CORPUS = resolve(ROOT, "..", "shared", "corpus");

/**
 * Tokens that broke parsers before (htslib's and bcftools' issue trackers, OSS-Fuzz reports) or
 * that sit on the edges of what the reader accepts: numbers past int32 and 2^53, separators of
 * every level, percent escapes, prototype keys, control characters, header syntax in records.
 */
export const HOSTILE_TOKENS = [
  "",
  ".",
  "-1",
  "0",
  "-0",
  "2147483648",
  "4294967296",
  "9007199254740993",
  "1e308",
  "-1e308",
  "NaN",
  "Infinity",
  "0x1F",
  "__proto__",
  "constructor",
  "prototype",
  "%",
  "%zz",
  "%00",
  "%0A",
  "\u0000",
  "\r",
  ";",
  "=",
  ",",
  ":",
  "|",
  "/",
  "&",
  "<",
  ">",
  "<DEL>",
  "<INS:ME>",
  "<*>",
  "<NON_REF>",
  "*",
  "[chr1:1[",
  "]2:3]A",
  "A[",
  "./.",
  "0/18446744073709551616",
  "1|2|3|4|5|6|7|8|9|10",
  "\uFFFD",
  "é",
  "\u2028",
  "#",
  "##",
  "#CHROM",
  "##fileformat=VCFv4.5",
  '##INFO=<ID=X,Number=A,Type=Integer,Description="x">',
  "END=0",
  "END=-5",
  "END=99999999999",
  "SVLEN=-99999999999",
  "SVTYPE=TRA",
  "CSQ=|||||||",
  "ANN=A|||",
  "LAA=0",
  "LAA=9",
  "GT:AD:DP:LAA:LAD:LGT",
  "A".repeat(4096),
  "1,".repeat(2048),
  "<".repeat(300),
];

/**
 * Corpus data files (plain or compressed VCF) of at most `maxBytes`, in manifest order; with
 * `parses`, only those the manifest says parse (damage to a file that already fails at its
 * header reaches no further than the header).
 */
export function corpusFiles({ maxBytes = 65536, compressed, parses = false } = {}) {
  const manifest = join(CORPUS, "MANIFEST.tsv");
  if (!existsSync(manifest)) return [];
  const out = [];
  for (const line of readFileSync(manifest, "utf8").split("\n").slice(1)) {
    const [path, , , , bytes, , , behaviour = ""] = line.split("\t");
    if (!path || !/\.(vcf|vcf\.gz)$/.test(path) || Number(bytes) > maxBytes) continue;
    if (parses && !/^(must )?parse ok/.test(behaviour)) continue;
    if (compressed !== undefined && path.endsWith(".gz") !== compressed) continue;
    out.push(path);
  }
  return out;
}

/** The file's text, whatever its compression. */
export function textOf(bytes) {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** BGZF (SAM spec §4.1) with blocks of `blockSize` input bytes and the EOF block, as bgzip writes it. */
export function bgzf(bytes, blockSize = 0xff00) {
  const blocks = [];
  for (let at = 0; at < bytes.length; at += blockSize) blocks.push(bgzfBlock(bytes.subarray(at, at + blockSize)));
  blocks.push(bgzfBlock(new Uint8Array(0)));
  return Buffer.concat(blocks);
}

function bgzfBlock(data) {
  const deflated = deflateRawSync(data);
  const block = Buffer.alloc(18 + deflated.length + 8);
  block.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0], 0);
  block.writeUInt16LE(block.length - 1, 16);
  block.set(deflated, 18);
  block.writeUInt32LE(crc32(data), 18 + deflated.length);
  block.writeUInt32LE(data.length, 22 + deflated.length);
  // An empty block deflates to 2 bytes: 28 in all, the EOF marker.
  return block;
}

/** Offsets where BGZF blocks start (stops at the first byte that is no block header). */
export function blockStarts(bytes) {
  const starts = [];
  for (let at = 0; at + 18 <= bytes.length && bytes[at] === 0x1f && bytes[at + 1] === 0x8b; ) {
    starts.push(at);
    at += bytes.readUInt16LE(at + 16) + 1;
  }
  return starts;
}

// A fraction of the length, uniform (fc.double is uniform over doubles, nearly all of them tiny;
// and unbiased, as fast-check leans towards edge values and offset 0 is the least interesting).
const position = fc.noBias(fc.integer({ min: 0, max: 2 ** 30 - 1 })).map((n) => n / 2 ** 30);
const at = (fraction, length) => Math.min(length - 1, Math.floor(fraction * length));

/** Line-level damage, as the mutation run did it: lines dropped, duplicated, swapped, fields replaced or salted, the text cut. */
export const textMutation = fc.oneof(
  fc.record({ op: fc.constant("drop"), line: position }),
  fc.record({ op: fc.constant("duplicate"), line: position }),
  fc.record({ op: fc.constant("swap"), line: position, other: position }),
  fc.record({ op: fc.constant("replace-field"), line: position, field: fc.nat(12), token: fc.constantFrom(...HOSTILE_TOKENS) }),
  fc.record({ op: fc.constant("insert"), line: position, offset: position, token: fc.constantFrom(...HOSTILE_TOKENS) }),
  fc.record({ op: fc.constant("cut"), offset: position }),
  fc.record({ op: fc.constant("byte"), offset: position, value: fc.integer({ min: 0, max: 255 }) }),
);

export function applyTextMutations(bytes, mutations) {
  let text = Buffer.from(bytes).toString("latin1");
  for (const m of mutations) {
    if (m.op === "cut") {
      text = text.slice(0, Math.floor(m.offset * text.length));
      continue;
    }
    if (m.op === "byte") {
      if (text.length === 0) continue;
      const i = at(m.offset, text.length);
      text = text.slice(0, i) + String.fromCharCode(m.value) + text.slice(i + 1);
      continue;
    }
    const lines = text.split("\n");
    const i = at(m.line, lines.length);
    if (m.op === "drop") lines.splice(i, 1);
    else if (m.op === "duplicate") lines.splice(i, 0, lines[i]);
    else if (m.op === "swap") {
      const j = at(m.other, lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    } else if (m.op === "replace-field") {
      const fields = lines[i].split("\t");
      fields[m.field % fields.length] = m.token;
      lines[i] = fields.join("\t");
    } else if (m.op === "insert") {
      const k = Math.floor(m.offset * (lines[i].length + 1));
      lines[i] = lines[i].slice(0, k) + m.token + lines[i].slice(k);
    }
    text = lines.join("\n");
  }
  // Tokens outside latin1 (é, U+2028) went in as UTF-16 code units: write them as UTF-8.
  return Buffer.from(text, /[^\u0000-\u00ff]/.test(text) ? "utf8" : "latin1");
}

/** Damage to compressed bytes: bits flipped, bytes set, the file cut; block-aware for BGZF (header, size, CRC, ISIZE, whole blocks). */
export const byteMutation = fc.oneof(
  fc.record({ op: fc.constant("flip"), offset: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant("set"), offset: position, value: fc.constantFrom(0, 1, 0x1f, 0x8b, 0x7f, 0x80, 0xff) }),
  fc.record({ op: fc.constant("cut"), offset: position }),
  fc.record({
    op: fc.constant("block-field"),
    block: position,
    field: fc.constantFrom("bsize", "xlen", "slen", "flg", "cm", "crc", "isize", "data"),
    value: fc.constantFrom(0, 1, 27, 28, 0xffff, 0x7fffffff, 0xffffffff),
  }),
  fc.record({ op: fc.constantFrom("drop-block", "duplicate-block", "cut-block-end"), block: position }),
  fc.record({ op: fc.constant("swap-blocks"), block: position, other: position }),
);

export function applyByteMutations(bytes, mutations) {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    if (m.op === "flip") {
      out[at(m.offset, out.length)] ^= 1 << m.bit;
      continue;
    }
    if (m.op === "set") {
      out[at(m.offset, out.length)] = m.value;
      continue;
    }
    if (m.op === "cut") {
      out = out.subarray(0, Math.floor(m.offset * out.length));
      continue;
    }
    const starts = blockStarts(out);
    if (starts.length === 0) continue;
    const b = at(m.block, starts.length);
    const start = starts[b];
    const end = b + 1 < starts.length ? starts[b + 1] : out.length;
    if (m.op === "drop-block") out = Buffer.concat([out.subarray(0, start), out.subarray(end)]);
    else if (m.op === "duplicate-block") out = Buffer.concat([out.subarray(0, end), out.subarray(start, end), out.subarray(end)]);
    else if (m.op === "cut-block-end") out = out.subarray(0, end);
    else if (m.op === "swap-blocks") {
      const o = at(m.other, starts.length);
      const parts = starts.map((s, k) => out.subarray(s, k + 1 < starts.length ? starts[k + 1] : out.length));
      [parts[b], parts[o]] = [parts[o], parts[b]];
      out = Buffer.concat([out.subarray(0, starts[0]), ...parts]);
    } else if (m.op === "block-field") {
      out = Buffer.from(out);
      const put16 = (o) => o + 2 <= end && out.writeUInt16LE(m.value & 0xffff, o);
      const put32 = (o) => o >= start && o + 4 <= end && out.writeUInt32LE(m.value >>> 0, o);
      if (m.field === "bsize") put16(start + 16);
      else if (m.field === "xlen") put16(start + 10);
      else if (m.field === "slen") put16(start + 14);
      else if (m.field === "flg") out[start + 3] = m.value & 0xff;
      else if (m.field === "cm") out[start + 2] = m.value & 0xff;
      else if (m.field === "crc") put32(end - 8);
      else if (m.field === "isize") put32(end - 4);
      else if (start + 18 < end - 8) out[start + 18 + ((m.value >>> 0) % (end - 8 - start - 18))] ^= 0x55;
    }
  }
  return out;
}

/** Damage to an inflated .tbi/.csi: int32 fields set to edge values, bytes flipped, the index cut or grown. */
export const indexMutation = fc.oneof(
  fc.record({
    op: fc.constant("int32"),
    offset: position,
    value: fc.constantFrom(0, 1, -1, 2, 7, 37450, 37451, 0x7fffffff, -0x80000000, 0x10000, 4681),
  }),
  fc.record({ op: fc.constant("flip"), offset: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant("cut"), offset: position }),
  fc.record({ op: fc.constant("append"), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

export function applyIndexMutations(inflated, mutations) {
  let out = Buffer.from(inflated);
  for (const m of mutations) {
    if (m.op === "append") {
      out = Buffer.concat([out, m.bytes]);
      continue;
    }
    if (out.length === 0) break;
    if (m.op === "int32") {
      if (out.length < 4) continue;
      const o = Math.min(out.length - 4, Math.floor((m.offset * out.length) / 4) * 4);
      out = Buffer.from(out);
      out.writeInt32LE(m.value, o);
    } else if (m.op === "flip") {
      out = Buffer.from(out);
      out[at(m.offset, out.length)] ^= 1 << m.bit;
    } else out = out.subarray(0, Math.floor(m.offset * out.length));
  }
  return out;
}

/** Indexes are BGZF on disk; plain gzip and uncompressed ones are read too, so all three are tried. */
export function wrapIndex(inflated, how) {
  return how === "bgzf" ? bgzf(inflated) : how === "gzip" ? gzipSync(inflated) : inflated;
}

/** Why an outcome breaks the guarantees, or undefined when it keeps them. */
export function problemOf(outcome) {
  if (outcome.kind === "ok") return undefined;
  if (outcome.kind === "typed") {
    return outcome.location?.file ? undefined : `MarrowscopeError ${outcome.code} without a file in its location: ${outcome.message}`;
  }
  if (outcome.kind === "crash") return `${outcome.name}: ${outcome.message}\n${outcome.stack}`;
  return outcome.detail;
}

/**
 * Worker threads running the cases against the build in `dist`. Each case gets `timeoutMs`; a
 * worker that overruns it is stopped and replaced, as is one that runs out of its `heapMb`.
 */
export class FuzzRunner {
  constructor({ dist, workers = 1, timeoutMs = 10_000, heapMb = 256 }) {
    this.dist = dist;
    this.timeoutMs = timeoutMs;
    this.heapMb = heapMb;
    this.idle = [];
    this.waiting = [];
    this.all = new Set();
    this.next = 0;
    this.starting = Array.from({ length: workers }, () => this.spawn());
  }

  spawn() {
    const worker = new Worker(join(ROOT, "scripts", "fuzz-worker.mjs"), {
      workerData: { dist: this.dist },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    this.all.add(worker);
    return new Promise((resolvePromise, reject) => {
      const onMessage = (message) => {
        if (!message.ready) return;
        worker.off("message", onMessage);
        worker.off("error", reject);
        this.release(worker);
        resolvePromise();
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
  }

  async ready() {
    await Promise.all(this.starting);
  }

  release(worker) {
    const waiter = this.waiting.shift();
    if (waiter) waiter(worker);
    else this.idle.push(worker);
  }

  acquire() {
    const worker = this.idle.pop();
    return worker ? Promise.resolve(worker) : new Promise((r) => this.waiting.push(r));
  }

  /** Runs one case: `{ api, bytes, name, options?, index?: { bytes, name }, stream? }`. */
  async run(task) {
    const worker = await this.acquire();
    const id = this.next++;
    const bytes = Uint8Array.from(task.bytes).buffer;
    const index = task.index ? { name: task.index.name, bytes: Uint8Array.from(task.index.bytes).buffer } : undefined;
    const outcome = await new Promise((resolvePromise) => {
      const done = (value) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        resolvePromise(value);
      };
      const onMessage = (message) => message.id === id && done(message.outcome);
      const onError = (error) =>
        done({
          kind: "died",
          detail:
            error?.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? `needed more than ${this.heapMb} MB of heap`
              : `worker died: ${error?.stack ?? error}`,
        });
      const onExit = (code) => done({ kind: "died", detail: `worker exited with code ${code}` });
      const timer = setTimeout(() => done({ kind: "hang", detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ ...task, id, bytes, index }, [bytes, ...(index ? [index.bytes] : [])]);
    });
    if (outcome.kind === "hang" || outcome.kind === "died") {
      this.all.delete(worker);
      await worker.terminate().catch(() => {});
      await this.spawn();
    } else this.release(worker);
    return outcome;
  }

  async close() {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
  }
}

/**
 * Shrinks a failing input to a small one that fails the same way (`fails(bytes)` says whether it
 * still does): delta debugging over lines (Zeller's ddmin, simplified), then over byte ranges.
 */
export async function minimise(bytes, fails, { maxSteps = 2000 } = {}) {
  let steps = 0;
  let best = Buffer.from(bytes);
  const attempt = async (candidate) => {
    if (steps++ >= maxSteps || candidate.length >= best.length) return false;
    if (!(await fails(candidate))) return false;
    best = candidate;
    return true;
  };
  // Compressed input is cut in bytes only: its lines are not its units.
  const textual = !(best[0] === 0x1f && best[1] === 0x8b);
  if (textual) {
    for (let n = 2; ; ) {
      const lines = splitKeep(best);
      if (lines.length < 2) break;
      const size = Math.ceil(lines.length / n);
      let reduced = false;
      for (let start = 0; start < lines.length; start += size) {
        if (await attempt(Buffer.concat([...lines.slice(0, start), ...lines.slice(start + size)]))) {
          reduced = true;
          break;
        }
      }
      if (reduced) n = Math.max(2, n - 1);
      else if (size === 1) break;
      else n = Math.min(lines.length, n * 2);
      if (steps >= maxSteps) break;
    }
  }
  for (let size = Math.max(1, best.length >> 1); size >= 1 && steps < maxSteps; size >>= 1) {
    for (let start = 0; start < best.length && steps < maxSteps; ) {
      if (!(await attempt(Buffer.concat([best.subarray(0, start), best.subarray(start + size)])))) start += size;
    }
  }
  return best;
}

function splitKeep(bytes) {
  const lines = [];
  let from = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, from)) {
    lines.push(bytes.subarray(from, i + 1));
    from = i + 1;
  }
  if (from < bytes.length) lines.push(bytes.subarray(from));
  return lines;
}

/** Indexed files whose index the index cases damage: in the repository, and in the corpus when it is there. */
export function indexTargets() {
  const candidates = [
    [join(ROOT, "fixtures", "demo.vcf.gz"), ".tbi", "GRCh38"],
    [join(ROOT, "fixtures", "index", "roh.1.vcf.gz"), ".csi", "GRCh37"],
    [join(CORPUS, "scout", "scout", "demo", "cancer_test.vcf.gz"), ".tbi", "GRCh37"],
    [join(CORPUS, "pcgr", "examples", "T001-BRCA.grch38.vcf.gz"), ".tbi", "GRCh38"],
    [join(CORPUS, "pcgr", "examples", "T001-COAD.grch38.vcf.gz"), ".tbi", "GRCh38"],
  ];
  return candidates
    .filter(([vcf, suffix]) => existsSync(vcf) && existsSync(vcf + suffix))
    .map(([vcf, suffix, assembly]) => ({ vcf, index: vcf + suffix, assembly }));
}

const API = fc.constantFrom("annotate", "annotate-lenient", "validate", "validate-lenient", "readVariants", "readVariants-lenient");
const ASSEMBLY = fc.constantFrom("GRCh37", "GRCh38", "auto");

/**
 * One damaged input of each family: corpus text with line damage (read whole, or as a stream cut
 * into reads of any size), compressed corpus text with byte damage, an indexed file with a
 * damaged index. `sources` lists what each family may start from (paths relative to the corpus for
 * `text`/`compressed`, `indexTargets()` for `index`); a family with no source is left out.
 */
export function caseArbitrary(sources) {
  const families = [];
  if (sources.text?.length) {
    families.push(
      fc.record({
        family: fc.constant("text"),
        file: fc.constantFrom(...sources.text),
        mutations: fc.array(textMutation, { minLength: 1, maxLength: 4 }),
        api: API,
        assembly: ASSEMBLY,
        stream: fc.option(fc.integer({ min: 1, max: 4096 }), { freq: 4 }),
      }),
    );
  }
  if (sources.compressed?.length) {
    families.push(
      fc.record({
        family: fc.constant("compressed"),
        file: fc.constantFrom(...sources.compressed),
        wrap: fc.constantFrom("bgzf", "bgzf-small", "gzip", "as-is"),
        mutations: fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
        api: API,
        assembly: ASSEMBLY,
        stream: fc.option(fc.integer({ min: 1, max: 70000 }), { freq: 4 }),
      }),
    );
  }
  if (sources.index?.length) {
    families.push(
      fc.record({
        family: fc.constant("index"),
        target: fc.nat(sources.index.length - 1),
        wrap: fc.constantFrom("bgzf", "gzip", "plain"),
        mutations: fc.array(indexMutation, { minLength: 1, maxLength: 3 }),
        strategy: fc.constantFrom("index", "auto"),
      }),
    );
  }
  return fc.oneof(...families);
}

const cache = new Map();
function read(path) {
  let bytes = cache.get(path);
  if (!bytes) {
    bytes = readFileSync(path);
    cache.set(path, bytes);
  }
  return bytes;
}

/** The task a case stands for (what the worker runs), with the damage done. */
export function materialise(c, sources) {
  if (c.family === "index") {
    const target = sources.index[c.target];
    const inflated = textOf(read(target.index));
    const indexName = target.index.split("/").pop();
    return {
      api: "annotate",
      bytes: read(target.vcf),
      name: target.vcf.split("/").pop(),
      options: { strategy: c.strategy, assembly: target.assembly },
      index: { name: indexName, bytes: wrapIndex(applyIndexMutations(inflated, c.mutations), c.wrap) },
    };
  }
  const original = read(join(CORPUS, c.file));
  const [api, mode] = c.api.split("-");
  const options = { strict: mode !== "lenient", ...(api === "annotate" ? { assembly: c.assembly } : {}) };
  const base = c.file.split("/").pop().replace(/\.gz$/, "");
  if (c.family === "text") {
    const bytes = applyTextMutations(textOf(original), c.mutations);
    return { api, bytes, name: base, options, ...(c.stream ? { stream: c.stream } : {}) };
  }
  const text = textOf(original);
  const packed =
    c.wrap === "as-is" && original[0] === 0x1f
      ? original
      : c.wrap === "gzip"
        ? gzipSync(text)
        : bgzf(text, c.wrap === "bgzf-small" ? 512 : 0xff00);
  return { api, bytes: applyByteMutations(packed, c.mutations), name: `${base}.gz`, options, ...(c.stream ? { stream: c.stream } : {}) };
}

/**
 * What a damaged index may do besides failing clearly: give the findings a scan gives, or fewer
 * (records its damage hides). A finding a scan does not give is invented, and a failure.
 */
export function indexProblem(outcome, scanFindings) {
  const problem = problemOf(outcome);
  if (problem || outcome.kind !== "ok") return problem;
  const known = new Set(scanFindings);
  const invented = outcome.result.findings.filter((f) => !known.has(f));
  return invented.length ? `the damaged index gave findings a scan does not: ${invented.slice(0, 3).join("; ")}` : undefined;
}

/** The judge of one case: runs it (and, for an index case, the scan it is held to) and says what went wrong. */
export async function judge(runner, c, sources, scans = new Map()) {
  const task = materialise(c, sources);
  const outcome = await runner.run(task);
  if (c.family !== "index") return { task, outcome, problem: problemOf(outcome) };
  const target = sources.index[c.target];
  let scan = scans.get(target.vcf);
  if (!scan) {
    const reference = await runner.run({ ...task, index: undefined, options: { ...task.options, strategy: "scan" } });
    if (reference.kind !== "ok")
      throw new Error(`${target.vcf}: the undamaged file does not annotate: ${problemOf(reference) ?? reference.message}`);
    scan = reference.result.findings;
    scans.set(target.vcf, scan);
  }
  return { task, outcome, problem: indexProblem(outcome, scan) };
}
