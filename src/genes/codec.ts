/**
 * Decoders for the generated tables in `./data/` (written by scripts/derive-genes.mjs; the
 * format is described in docs/genes.md). Internal: the public surface is `./index.ts`.
 */

/** Chromosome order of every per-chromosome array in the generated files. */
export const CHROMS: readonly string[] = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), "chrX", "chrY", "chrM"];

// Must match scripts/derive-genes.mjs: printable ASCII minus " ' \ ` $ and the record separator ",".
const ALPHABET = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
  .filter((c) => !`"'\\\`$,`.includes(c))
  .join("");
const TERM_SIZE = 44;
const CONT_SIZE = ALPHABET.length - TERM_SIZE;
const PREFIX = "!%&<=>?^{}~;";

// charCode -> digit value (terminal digits 0..43, continuation digits 44..87); -1 elsewhere.
const DIGIT = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Sequential reader of variable-length integers (see `enc` in the derive script). */
export class NumberReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  next(): number {
    let acc = 0;
    for (;;) {
      const d = DIGIT[this.text.charCodeAt(this.pos++)] ?? -1;
      if (d < 0) throw new Error(`gene table corrupt at ${this.pos - 1}`);
      if (d < TERM_SIZE) return acc * TERM_SIZE + d;
      acc = acc * CONT_SIZE + (d - TERM_SIZE);
    }
  }

  nextSigned(): number {
    const z = this.next();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

/** Three fixed base-88 digits per HGNC number. */
export function decodeIds(chunks: readonly string[]): number[] {
  const out: number[] = [];
  const b = ALPHABET.length;
  for (const chunk of chunks) {
    for (let i = 0; i + 2 < chunk.length; i += 3) {
      const d0 = DIGIT[chunk.charCodeAt(i)] ?? 0;
      const d1 = DIGIT[chunk.charCodeAt(i + 1)] ?? 0;
      const d2 = DIGIT[chunk.charCodeAt(i + 2)] ?? 0;
      out.push((d0 * b + d1) * b + d2);
    }
  }
  return out;
}

/** Undo front coding: a leading PREFIX character stands for the first k >= 2 characters of `reference`. */
export function unfront(text: string, reference: string): string {
  const k = PREFIX.indexOf(text.charAt(0));
  return k < 0 ? text : reference.slice(0, k + 2) + text.slice(1);
}

export const NAME_KINDS = ["previous", "withdrawn", "annotation-name", "alias"] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** One decoded gene record: current symbol plus its other names by kind. */
export interface GeneRecord {
  readonly symbol: string;
  readonly names: readonly (readonly string[])[]; // indexed like NAME_KINDS
}

export function decodeGeneRecords(chunks: readonly string[]): GeneRecord[] {
  const out: GeneRecord[] = [];
  let prevSymbol = "";
  for (const chunk of chunks) {
    for (const record of chunk.split(",")) {
      const [first = "", ...rest] = record.split("|");
      const symbol = unfront(first, prevSymbol);
      prevSymbol = symbol;
      const names = NAME_KINDS.map((_, i) => {
        const field = rest[i];
        return field ? field.split(" ").map((n) => unfront(n, symbol)) : [];
      });
      out.push({ symbol, names });
    }
  }
  return out;
}

/**
 * Symbols only, in record order: skips the alias lists, which are most of the bytes. Matching
 * needs symbols for every run but aliases only when a name is looked up (measured: 40 ms
 * instead of ~500 ms with garbage collection for the full decode, on Node 20).
 */
export function decodeSymbols(chunks: readonly string[]): string[] {
  const out: string[] = [];
  let prevSymbol = "";
  for (const chunk of chunks) {
    let start = 0;
    while (start <= chunk.length) {
      let comma = chunk.indexOf(",", start);
      if (comma === -1) comma = chunk.length;
      const bar = chunk.indexOf("|", start);
      const first = chunk.slice(start, bar !== -1 && bar < comma ? bar : comma);
      const symbol = unfront(first, prevSymbol);
      prevSymbol = symbol;
      out.push(symbol);
      start = comma + 1;
    }
  }
  return out;
}

/** Full records (symbol and other names) of the genes at `wanted` indices only. */
export function decodeRecordsAt(chunks: readonly string[], wanted: ReadonlySet<number>): Map<number, GeneRecord> {
  const out = new Map<number, GeneRecord>();
  let prevSymbol = "";
  let gene = 0;
  for (const chunk of chunks) {
    let start = 0;
    while (start <= chunk.length) {
      let comma = chunk.indexOf(",", start);
      if (comma === -1) comma = chunk.length;
      const record = chunk.slice(start, comma);
      const bar = record.indexOf("|");
      const symbol = unfront(bar === -1 ? record : record.slice(0, bar), prevSymbol);
      prevSymbol = symbol;
      if (wanted.has(gene)) {
        const rest = bar === -1 ? [] : record.slice(bar + 1).split("|");
        const names = NAME_KINDS.map((_, i) => {
          const field = rest[i];
          return field ? field.split(" ").map((n) => unfront(n, symbol)) : [];
        });
        out.set(gene, { symbol, names });
      }
      gene++;
      start = comma + 1;
    }
  }
  return out;
}

/** The decoded rows of one chromosome in one build, sorted by span start. */
export interface ChromRows {
  readonly gene: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** MANE core span; 0 where the row has none. */
  readonly coreStart: Int32Array;
  readonly coreEnd: Int32Array;
  readonly biotype: Uint16Array;
  readonly minus: Uint8Array;
  /** Running maximum of max(end, coreEnd), for the overlap search. */
  readonly maxEnd: Int32Array;
  /** Largest distance a core span reaches left of its row's span start. */
  readonly maxLeftReach: number;
}

/**
 * Decode one build's rows. `reference` gives, per chromosome, the GRCh38 (start, end) of a gene's
 * first locus there; GRCh37 rows of such genes are stored relative to it.
 */
export function decodeLoci(
  loci: readonly string[],
  counts: readonly number[],
  reference?: readonly ReadonlyMap<number, readonly [number, number]>[],
): ChromRows[] {
  let prevGene = -1;
  return CHROMS.map((_, ci) => {
    const n = counts[ci] ?? 0;
    const reader = new NumberReader(loci[ci] ?? "");
    const rows: ChromRows = {
      gene: new Int32Array(n),
      start: new Int32Array(n),
      end: new Int32Array(n),
      coreStart: new Int32Array(n),
      coreEnd: new Int32Array(n),
      biotype: new Uint16Array(n),
      minus: new Uint8Array(n),
      maxEnd: new Int32Array(n),
      maxLeftReach: 0,
    };
    let prevStart = 0;
    let prevOffset = 0;
    let maxEnd = 0;
    let maxLeftReach = 0;
    const ref = reference?.[ci];
    for (let i = 0; i < n; i++) {
      let code = reader.next();
      const explicitGene = code % 2 === 1;
      code = Math.floor(code / 2);
      const hasCore = code % 2 === 1;
      code = Math.floor(code / 2);
      rows.minus[i] = code % 2;
      rows.biotype[i] = Math.floor(code / 2);
      const gene = prevGene + 1 + (explicitGene ? reader.nextSigned() : 0);
      const r = ref?.get(gene);
      let start: number;
      let end: number;
      if (r) {
        prevOffset += reader.nextSigned();
        start = r[0] + prevOffset;
        end = start + (r[1] - r[0]) + reader.nextSigned();
      } else {
        start = prevStart + reader.next();
        end = start + reader.next();
      }
      rows.gene[i] = gene;
      rows.start[i] = start;
      rows.end[i] = end;
      let reach = end;
      if (hasCore) {
        const cs = start + reader.nextSigned();
        const ce = end - reader.nextSigned();
        rows.coreStart[i] = cs;
        rows.coreEnd[i] = ce;
        reach = Math.max(end, ce);
        maxLeftReach = Math.max(maxLeftReach, start - cs);
      }
      maxEnd = Math.max(maxEnd, reach);
      rows.maxEnd[i] = maxEnd;
      prevGene = gene;
      prevStart = start;
    }
    if (!reader.done) throw new Error(`gene table corrupt: ${CHROMS[ci]} has trailing data`);
    return { ...rows, maxLeftReach };
  });
}

/** Per chromosome, gene index -> (start, end) of its first row: the reference for GRCh37 rows. */
export function firstLocusByGene(rows: readonly ChromRows[]): Map<number, readonly [number, number]>[] {
  return rows.map((c) => {
    const m = new Map<number, readonly [number, number]>();
    for (let i = 0; i < c.gene.length; i++) {
      const g = c.gene[i] ?? -1;
      if (!m.has(g)) m.set(g, [c.start[i] ?? 0, c.end[i] ?? 0]);
    }
    return m;
  });
}
