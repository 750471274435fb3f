/**
 * A RunStore that keeps findings and warnings in temporary files (Node only; the CLI's), so a
 * run's memory does not grow with them. Held in memory, findings cost ~1 KB each: a panel-dense
 * file of 1M records (110,000 findings) peaked at 285 MB, a 10-sample one of 200,000 records
 * (222,000 findings) at 326 MB.
 *
 * Past a budget, first-pass findings go to one file per sample as JSON lines, each with the
 * facts of its Subject that the second pass reads. The second pass (src/rules/summary.ts `secondPass`) reads a sample's file
 * once and hands its findings to this store's sorter. Findings that a window of SORT_WINDOW sorts
 * (a sorted VCF's) are read from that file again, through the window, as the report is written;
 * others are sorted in runs of RUN_SIZE written out, and the report reads the runs merged, one
 * finding of each at a time. Below the budget nothing touches the disk.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunStore, RunStoreFactory } from "./annotate.js";
import { MarrowscopeError, type Warning } from "./errors.js";
import type { Panel, PanelGene } from "./panel/schema.js";
import type { Finding } from "./report/schema.js";
import type { FirstPassFinding, SubjectFacts } from "./rules/evaluate.js";
import type { FindingSorter } from "./rules/summary.js";
import { utf8Batches } from "./utf8-batches.js";

/**
 * First-pass findings held in memory, all samples together, before they are written out (~1 KB
 * each). A real sample has tens to hundreds; the bench's panel-dense file has 22,288, and holding
 * up to 24,576 kept its speed but took the 1M-record file to 152 MB (one run).
 */
export const SPILL_AFTER = 8192;

/** Findings sorted in memory per run of the sort on disk. */
export const RUN_SIZE = 4096;

/**
 * How far from its sorted place a finding may come and still be sorted without a sort on disk:
 * a sorted VCF's findings are out of order only among one record's ALTs and genes, or where an
 * allele normalises a few bases on past the next records.
 */
const SORT_WINDOW = 1024;

/** Read buffer of a first-pass file; each sorted run, read beside the others, gets a smaller one. */
const READ_CHUNK = 1 << 20;
const RUN_READ_CHUNK = 1 << 16;
const WRITE_CHUNK = 1 << 20;

/**
 * Shared parts written once and referred to by number (see SpillStore.line); past this many,
 * parts that turn out not to be shared are written whole.
 */
const MAX_SHARED = 8192;

/** A finding as read back: its shared parts are still table numbers. */
interface WrittenFinding {
  gene: unknown;
  implications: unknown;
  ruleIds: unknown;
  readings?: unknown;
}

/** Facts as written: the panel gene by its place in the panel (the facts hold the object). */
type WrittenFacts = Omit<SubjectFacts, "gene"> & { gene: number };

export interface SpillOptions {
  /** Findings held before writing out (default SPILL_AFTER; tests use fewer). */
  readonly after?: number;
  /** Findings per sorted run (default RUN_SIZE, or `after` when that is given). */
  readonly runSize?: number;
  /** How far from its sorted place a finding may come and be sorted without runs (default SORT_WINDOW). */
  readonly window?: number;
  /** Where the temporary directory goes (default the system's). */
  readonly dir?: string;
}

/** The CLI's store factory. */
export function spillingStore(options: SpillOptions = {}): RunStoreFactory {
  return (panel) => new SpillStore(panel, options);
}

interface SpillFile {
  readonly path: string;
  readonly fd: number;
}

class SpillStore implements RunStore {
  private readonly held = new Map<number, FirstPassFinding[]>();
  private heldCount = 0;
  private heldWarnings: Warning[] = [];
  private warningFile: SpillFile | undefined;
  /** First-pass findings written out, per sample. */
  private readonly files = new Map<number, SpillFile>();
  /** Sorted runs, per sample. */
  private readonly runs = new Map<number, SpillFile[]>();
  private dir: string | undefined;
  private readonly geneIndex: Map<PanelGene, number>;
  private readonly after: number;
  private readonly runSize: number;
  private readonly window: number;
  private readonly buffer = Buffer.allocUnsafe(WRITE_CHUNK);
  private readonly table: object[] = [];
  private readonly ids = new Map<object, number>();

  constructor(
    private readonly panel: Panel,
    private readonly options: SpillOptions,
  ) {
    this.geneIndex = new Map(panel.genes.map((gene, i) => [gene, i]));
    this.after = Math.max(1, options.after ?? SPILL_AFTER);
    this.runSize = Math.max(1, options.runSize ?? options.after ?? RUN_SIZE);
    this.window = Math.max(1, options.window ?? SORT_WINDOW);
  }

  add(sampleIndex: number, judged: FirstPassFinding): void {
    const list = this.held.get(sampleIndex);
    if (list) list.push(judged);
    else this.held.set(sampleIndex, [judged]);
    if (++this.heldCount >= this.after) {
      // One line at a time: all 8,192 lines made first were ~8 MB more at the peak.
      for (const [s, list] of this.held) this.writeLines(this.fileOf(s), list, (j) => this.line(j.finding, j.facts));
      this.held.clear();
      this.heldCount = 0;
    }
  }

  read(sampleIndex: number): Iterable<FirstPassFinding> {
    const file = this.files.get(sampleIndex);
    const tail = this.held.get(sampleIndex) ?? [];
    return file ? writtenThenHeld(file, (line) => this.restore(line), tail) : tail;
  }

  sorter(sampleIndex: number): FindingSorter {
    return (findings, compare, again) => {
      if (!again) return this.sortInRuns(sampleIndex, findings, compare);
      // A sorted VCF's findings come nearly in order (out of it only among a record's ALTs and
      // genes, or where an allele normalises a few bases on). When a window sorts them, nothing
      // is written: they are read again through the same window. Writing sorted runs and
      // reading them back was ~0.3 s of the main thread's 4.7 s on the 200k-record panel-dense
      // file. An unsorted file's are read a third time, to be sorted in runs.
      const size = this.window;
      let window: SortWindow<Finding> | undefined = new SortWindow(compare, size);
      for (const finding of findings) if (window?.add(finding) === false) window = undefined;
      return window ? { [Symbol.iterator]: () => windowSorted(again(), compare, size) } : this.sortInRuns(sampleIndex, again(), compare);
    };
  }

  /** Sorted runs of RUN_SIZE written out, read back merged (the last run stays in memory). */
  private sortInRuns(sampleIndex: number, findings: Iterable<Finding>, compare: (a: Finding, b: Finding) => number): Iterable<Finding> {
    // Registered at once, so that release and close find every run even if sorting fails.
    const runs: SpillFile[] = [];
    this.runs.set(sampleIndex, runs);
    let chunk: Finding[] = [];
    for (const finding of findings) {
      chunk.push(finding);
      if (chunk.length >= this.runSize) {
        const run = this.newFile(`sample-${sampleIndex}-run-${runs.length}`);
        this.writeLines(run, chunk.sort(compare), (finding) => this.line(finding));
        runs.push(run);
        chunk = [];
      }
    }
    chunk.sort(compare);
    if (runs.length === 0) return chunk;
    const last = chunk;
    const store = this;
    // Runs hold consecutive stretches of the input, so taking the earlier run on a tie keeps
    // the order of equal findings as a stable sort of the whole would.
    return {
      *[Symbol.iterator]() {
        const sources = [
          ...runs.map((run) => writtenThenHeld(run, (line) => store.restore(line).finding, [], RUN_READ_CHUNK)[Symbol.iterator]()),
          last[Symbol.iterator](),
        ];
        yield* mergeSorted(sources, compare);
      },
    };
  }

  addWarning(warning: Warning): void {
    this.heldWarnings.push(warning);
    if (this.heldWarnings.length >= this.after) {
      this.warningFile ??= this.newFile("warnings");
      this.writeLines(this.warningFile, this.heldWarnings, (w) => JSON.stringify(w));
      this.heldWarnings = [];
    }
  }

  warnings(): Iterable<Warning> {
    return writtenThenHeld(this.warningFile, (line) => JSON.parse(line) as Warning, this.heldWarnings);
  }

  release(sampleIndex: number): void {
    this.held.delete(sampleIndex);
    const file = this.files.get(sampleIndex);
    this.files.delete(sampleIndex);
    for (const f of [...(file ? [file] : []), ...(this.runs.get(sampleIndex) ?? [])]) {
      closeSync(f.fd);
      rmSync(f.path, { force: true });
    }
    this.runs.delete(sampleIndex);
  }

  close(): void {
    for (const s of [...this.files.keys(), ...this.runs.keys()]) this.release(s);
    this.held.clear();
    this.heldWarnings = [];
    if (this.warningFile) closeSync(this.warningFile.fd);
    this.warningFile = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private fileOf(sampleIndex: number): SpillFile {
    let file = this.files.get(sampleIndex);
    if (!file) {
      file = this.newFile(`sample-${sampleIndex}`);
      this.files.set(sampleIndex, file);
    }
    return file;
  }

  private newFile(name: string): SpillFile {
    try {
      this.dir ??= mkdtempSync(join(this.options.dir ?? tmpdir(), "marrowscope-"));
      const path = join(this.dir, `${name}.ndjson`);
      return { path, fd: openSync(path, "w+") };
    } catch (cause) {
      throw this.fail("cannot create a temporary file for findings", cause);
    }
  }

  /**
   * Appends lines, encoded straight into one reused buffer: a string joined from thousands of
   * lines had to be flattened, then encoded, at twice the time.
   */
  private writeLines<T>(file: SpillFile, items: readonly T[], lineOf: (item: T) => string): void {
    function* lines() {
      for (const item of items) yield `${lineOf(item)}\n`;
    }
    try {
      for (const batch of utf8Batches(this.buffer, lines())) {
        const bytes = typeof batch === "string" ? Buffer.from(batch) : batch;
        for (let done = 0; done < bytes.length; ) done += writeSync(file.fd, bytes, done, bytes.length - done);
      }
    } catch (cause) {
      throw this.fail(`cannot write findings to ${file.path}`, cause);
    }
  }

  /**
   * A finding (and its facts) as one JSON line. The parts findings share by reference (gene,
   * implications (most of a finding's text), rule ids and readings: a few dozen distinct values
   * on a panel-dense file) are written once into a table and stand as numbers in the line, at the
   * same key; read back, findings share them again.
   */
  private line(finding: Finding, facts?: SubjectFacts): string {
    const gene = facts ? this.geneIndex.get(facts.gene) : undefined;
    if (facts && gene === undefined)
      throw new Error(`internal error: the gene of a finding (${facts.gene.symbol}) is not in the run's panel`);
    const written: WrittenFacts | null = facts ? { ...facts, gene: gene as number } : null;
    // Spread then overwritten: every key keeps its place, so the JSON reads back in the same order.
    const line = {
      ...finding,
      gene: this.share(finding.gene),
      implications: this.share(finding.implications),
      ruleIds: this.share(finding.ruleIds),
      ...(finding.readings ? { readings: this.share(finding.readings) } : {}),
    };
    return JSON.stringify([line, written]);
  }

  private restore(line: string): FirstPassFinding {
    const [finding, written] = JSON.parse(line) as [WrittenFinding, WrittenFacts | null];
    finding.gene = this.shared(finding.gene);
    finding.implications = this.shared(finding.implications);
    finding.ruleIds = this.shared(finding.ruleIds);
    if (finding.readings !== undefined) finding.readings = this.shared(finding.readings);
    const restored = finding as unknown as Finding;
    return written ? { finding: restored, facts: { ...written, gene: this.panel.genes[written.gene]! } } : { finding: restored };
  }

  /** The value's number in the table (the value itself once the table is full). */
  private share<T extends object>(value: T): T | number {
    let id = this.ids.get(value);
    if (id === undefined) {
      if (this.table.length >= MAX_SHARED) return value;
      id = this.table.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }

  private shared(value: unknown): unknown {
    return typeof value === "number" ? this.table[value] : value;
  }

  private fail(detail: string, cause: unknown): MarrowscopeError {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    return new MarrowscopeError("E_INPUT", `${detail}: ${code}`, { file: this.dir ?? this.options.dir ?? tmpdir() }, { cause });
  }
}

/** What was written to a file, read back, then what is still held; read afresh each time. */
function writtenThenHeld<T>(
  file: SpillFile | undefined,
  restore: (line: string) => T,
  held: readonly T[],
  chunk = READ_CHUNK,
): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      if (file) for (const line of readLines(file.fd, chunk)) yield restore(line);
      yield* held;
    },
  };
}

/**
 * A sort through a window: items no further than `size` places from their sorted place come out
 * sorted, ties in input order (a stable sort), with at most `size` held. `add` answers false
 * when an item comes before one already let out: the input is not sorted enough for the window.
 */
class SortWindow<T> {
  private held: T[] = [];
  private start = 0;
  private lastOut: T | undefined;

  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly size: number,
  ) {}

  /** Takes an item; gives the item let out to keep the window's size (if any), or false. */
  add(item: T): T | undefined | false {
    const { held, compare } = this;
    // After every held item it does not come before, so equal items keep their input order:
    // mostly at the end (one comparison), else found by halving.
    let at = held.length;
    if (at > this.start && compare(held[at - 1] as T, item) > 0) {
      let low = this.start;
      let high = at - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (compare(held[mid] as T, item) > 0) high = mid;
        else low = mid + 1;
      }
      at = low;
    }
    if (at === this.start && this.lastOut !== undefined && compare(this.lastOut, item) > 0) return false;
    if (at === held.length) held.push(item);
    else held.splice(at, 0, item);
    if (held.length - this.start <= this.size) return undefined;
    const out = held[this.start++] as T;
    this.lastOut = out;
    if (this.start >= this.size) {
      held.splice(0, this.start);
      this.start = 0;
    }
    return out;
  }

  /** The items still held, in order. */
  rest(): T[] {
    return this.held.slice(this.start);
  }
}

/** Items at most `size` places from their sorted place, sorted (see SortWindow). */
function* windowSorted<T>(items: Iterable<T>, compare: (a: T, b: T) => number, size: number): Generator<T> {
  const window = new SortWindow(compare, size);
  for (const item of items) {
    const out = window.add(item);
    if (out === false) throw new Error("internal error: findings read again came in another order");
    if (out !== undefined) yield out;
  }
  yield* window.rest();
}

/**
 * The items of sorted sources in one sorted sequence (a binary heap of each source's next item);
 * on a tie the earlier source's item comes first.
 */
function* mergeSorted<T>(sources: Iterator<T>[], compare: (a: T, b: T) => number): Generator<T> {
  const heap: { item: T; source: number }[] = [];
  const before = (a: { item: T; source: number }, b: { item: T; source: number }) => {
    const c = compare(a.item, b.item);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && before(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && before(heap[right]!, heap[first]!)) first = right;
      if (first === i) return;
      [heap[i], heap[first]] = [heap[first]!, heap[i]!];
      i = first;
    }
  };
  sources.forEach((iterator, source) => {
    const next = iterator.next();
    if (!next.done) {
      heap.push({ item: next.value, source });
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const top = heap[0]!;
    yield top.item;
    const next = sources[top.source]!.next();
    if (next.done) {
      const last = heap.pop()!;
      if (heap.length === 0) return;
      heap[0] = last;
    } else heap[0] = { item: next.value, source: top.source };
    down(0);
  }
}

/**
 * The lines of a file from its start, a chunk at a time. Lines are cut on the byte 0x0A, which
 * UTF-8 never uses inside a character, and each is decoded on its own: no text larger than a
 * line is made. Reads at explicit positions, so readers of one file do not disturb each other.
 */
function* readLines(fd: number, chunk: number): Generator<string> {
  let buffer = Buffer.allocUnsafe(chunk);
  let filled = 0;
  let position = 0;
  for (;;) {
    if (filled === buffer.length) {
      // A line longer than the buffer: grow it (a finding is ~1 KB; this is for safety).
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, filled, buffer.length - filled, position);
    position += n;
    const end = filled + n;
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1 && newline < end; newline = buffer.indexOf(10, start)) {
      yield buffer.toString("utf8", start, newline);
      start = newline + 1;
    }
    if (n === 0) {
      if (start < end) yield buffer.toString("utf8", start, end);
      return;
    }
    buffer.copy(buffer, 0, start, end);
    filled = end - start;
  }
}
