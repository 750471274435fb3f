/**
 * A FindingStore that writes findings to temporary files (Node only; the CLI's). The second pass
 * needs a sample's findings together, but one sample at a time: in a many-sample file every
 * sample's findings were held to the end (a 10-sample panel-dense file of 200,000 records:
 * 222,000 findings, a 200 MB heap). Findings past a small budget go to one file per sample, as
 * JSON lines with the facts the second pass remembers, and come back when their sample is
 * written. A one-sample run keeps them in memory: it would read them all back at once anyway.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FindingStore, type FindingStoreFactory, memoryStore } from "./annotate.js";
import { MarrowscopeError } from "./errors.js";
import type { Panel, PanelGene } from "./panel/schema.js";
import type { Finding } from "./report/schema.js";
import { factsOf, type SubjectFacts, withFacts } from "./rules/apply.js";

/** Findings held in memory, all samples together, before they are written out (~1 KB each). */
export const SPILL_AFTER = 4096;

const READ_CHUNK = 1 << 20;
const WRITE_CHUNK = 1 << 20;

/**
 * Shared parts written once and referred to by number (see SpillStore.write); past this many,
 * parts that turn out not to be shared are written whole.
 */
const MAX_SHARED = 8192;

/** A finding as read back: its shared parts are still table numbers. */
interface WrittenFinding {
  variant: { filter: unknown };
  gene: unknown;
  consequence?: { terms: unknown };
  variantClass?: unknown;
  implications: unknown;
  ruleIds: unknown;
}

/** Facts as written: the panel gene by its place in the panel (the facts hold the object). */
type WrittenFacts = Omit<SubjectFacts, "gene"> & { gene: number };

export interface SpillOptions {
  /** Findings held before writing out (default SPILL_AFTER; tests use fewer). */
  readonly after?: number;
  /** Where the temporary directory goes (default the system's). */
  readonly dir?: string;
}

/** The CLI's store factory: spills when the run has more than one sample. */
export function spillingStore(options: SpillOptions = {}): FindingStoreFactory {
  return (panel, samples) => (samples > 1 ? new SpillStore(panel, options) : memoryStore(panel, samples));
}

class SpillStore implements FindingStore {
  private readonly held = new Map<number, Finding[]>();
  private heldCount = 0;
  private readonly files = new Map<number, { path: string; fd: number }>();
  private dir: string | undefined;
  private readonly geneIndex: Map<PanelGene, number>;
  private readonly table: object[] = [];
  private readonly ids = new Map<object, number>();
  private readonly after: number;
  private buffer = Buffer.allocUnsafe(WRITE_CHUNK);

  constructor(
    private readonly panel: Panel,
    private readonly options: SpillOptions,
  ) {
    this.geneIndex = new Map(panel.genes.map((gene, i) => [gene, i]));
    this.after = options.after ?? SPILL_AFTER;
  }

  add(sampleIndex: number, finding: Finding): void {
    const list = this.held.get(sampleIndex);
    if (list) list.push(finding);
    else this.held.set(sampleIndex, [finding]);
    if (++this.heldCount >= this.after) this.spill();
  }

  take(sampleIndex: number): Finding[] {
    const tail = this.held.get(sampleIndex) ?? [];
    this.held.delete(sampleIndex);
    const file = this.files.get(sampleIndex);
    if (!file) return tail;
    this.files.delete(sampleIndex);
    const findings: Finding[] = [];
    try {
      for (const line of readLines(file.fd)) findings.push(this.restore(line));
    } finally {
      closeSync(file.fd);
      rmSync(file.path, { force: true });
    }
    for (const finding of tail) findings.push(finding);
    return findings;
  }

  close(): void {
    this.held.clear();
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private spill(): void {
    for (const [sampleIndex, list] of this.held) {
      const file = this.fileFor(sampleIndex);
      // Lines are encoded straight into one reused buffer: a string joined from thousands of
      // lines had to be flattened, then encoded, at twice the time.
      let used = 0;
      const flush = () => {
        try {
          for (let done = 0; done < used; ) done += writeSync(file.fd, this.buffer, done, used - done);
        } catch (cause) {
          throw this.fail(`cannot write findings to ${file.path}`, cause);
        }
        used = 0;
      };
      for (const finding of list) {
        const line = `${this.write(finding)}\n`;
        // A UTF-16 unit is at most 3 UTF-8 bytes.
        if (line.length * 3 > this.buffer.length - used) {
          flush();
          if (line.length * 3 > this.buffer.length) this.buffer = Buffer.allocUnsafe(line.length * 3);
        }
        used += this.buffer.write(line, used, "utf8");
      }
      flush();
    }
    this.held.clear();
    this.heldCount = 0;
  }

  private fileFor(sampleIndex: number): { path: string; fd: number } {
    let file = this.files.get(sampleIndex);
    if (!file) {
      try {
        this.dir ??= mkdtempSync(join(this.options.dir ?? tmpdir(), "marrowscope-"));
        const path = join(this.dir, `sample-${sampleIndex}.ndjson`);
        file = { path, fd: openSync(path, "w+") };
      } catch (cause) {
        throw this.fail("cannot create a temporary file for findings", cause);
      }
      this.files.set(sampleIndex, file);
    }
    return file;
  }

  /**
   * A finding as one JSON line. The parts findings share by reference (gene, variant class,
   * implications (most of a finding's text), rule ids, FILTER and consequence-term lists: a few
   * dozen distinct values on a panel-dense file) are written once into a table and stand as
   * numbers in the line, at the same key; read back, findings share them again.
   */
  private write(finding: Finding): string {
    const facts = factsOf(finding);
    const gene = facts ? this.geneIndex.get(facts.gene) : undefined;
    if (facts && gene === undefined)
      throw new Error(`internal error: the gene of a finding (${facts.gene.symbol}) is not in the run's panel`);
    const written: WrittenFacts | null = facts ? { ...facts, gene: gene as number } : null;
    const { variant, consequence, variantClass } = finding;
    // Spread then overwritten: every key keeps its place, so the JSON reads back in the same order.
    const line = {
      ...finding,
      variant: { ...variant, filter: this.share(variant.filter) },
      gene: this.share(finding.gene),
      ...(consequence ? { consequence: { ...consequence, terms: this.share(consequence.terms) } } : {}),
      ...(variantClass ? { variantClass: this.share(variantClass) } : {}),
      implications: this.share(finding.implications),
      ruleIds: this.share(finding.ruleIds),
    };
    return JSON.stringify([line, written]);
  }

  private restore(line: string): Finding {
    const [finding, written] = JSON.parse(line) as [WrittenFinding, WrittenFacts | null];
    const { variant, consequence } = finding;
    variant.filter = this.shared(variant.filter);
    finding.gene = this.shared(finding.gene);
    if (consequence) consequence.terms = this.shared(consequence.terms);
    if (finding.variantClass !== undefined) finding.variantClass = this.shared(finding.variantClass);
    finding.implications = this.shared(finding.implications);
    finding.ruleIds = this.shared(finding.ruleIds);
    const restored = finding as unknown as Finding;
    return written ? withFacts(restored, { ...written, gene: this.panel.genes[written.gene]! }) : restored;
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

/**
 * The lines of a file from its start, a chunk at a time (a sample's file can be large). Lines
 * are cut on the byte 0x0A, which UTF-8 never uses inside a character, and each is decoded on its
 * own: no text larger than a line is made.
 */
function* readLines(fd: number): Generator<string> {
  let buffer = Buffer.allocUnsafe(READ_CHUNK);
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
