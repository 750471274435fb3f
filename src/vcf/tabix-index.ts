/**
 * Reader for tabix (.tbi) and CSI (.csi) indexes: sequence names, and the compressed byte
 * ranges that may hold the records of a region.
 *
 * Hand-written rather than read through @gmod/tabix (whose TBI/CSI classes this replaced) because
 * it is on the hot path of every index-mode run and measured as its largest fixed cost: on the
 * 1M-record benchmark file @gmod/tabix took ~0.3 s of CPU plus ~0.25 s of garbage collection to
 * turn every bin of every touched contig into objects, and it inflates the index through a
 * WebAssembly module loaded with `fetch` (which pulls in Node's undici); the index run went from
 * 1.72 s / 168 MB to 1.23 s / 130 MB without it. Here the
 * inflated index stays one byte array: a query walks one contig's bins reading integers, and
 * keeps only the chunks of bins that overlap the query. Layouts from the tabix and CSI
 * specifications (hts-specs `tabix.pdf`, `CSIv1.pdf`); bin arithmetic as htslib's
 * `hts_reg2bins` and the SAM spec §5.3.
 */
import { MarrowscopeError } from "../errors.js";

/** Compressed bytes holding records of a query: whole BGZF blocks from `from` to the block at `last`. */
export interface ByteRange {
  /** Compressed offset of the first block. */
  from: number;
  /** Offset, in the inflated first block, of the first record wanted. */
  skip: number;
  /** Compressed offset of the last block (read whole). */
  last: number;
}

export interface TabixIndex {
  readonly kind: "tbi" | "csi";
  /** Sequence names in index order, as the file spells them. */
  readonly names: readonly string[];
  /**
   * The largest compressed offset any chunk ends in: the file the index was made for has a BGZF
   * block there, so it is at least this long (a shorter file is another file, or was cut).
   */
  readonly maxOffset: number;
  /**
   * Byte ranges that may hold records overlapping any of `regions` (0-based, half-open) on
   * `name`; empty for a name the index does not know. Ranges may overlap: merge before reading.
   */
  rangesFor(name: string, regions: readonly { readonly start: number; readonly end: number }[]): ByteRange[];
}

const TBI_MAGIC = 0x01494254; // "TBI\1"
const CSI_MAGIC = 0x01495343; // "CSI\1"

/**
 * Parses an inflated .tbi or .csi. Only the layout is walked here (the offset of each contig's
 * section); bins are read when a contig is queried.
 * @throws MarrowscopeError E_INPUT when the bytes are not a well-formed index
 */
export function parseTabixIndex(bytes: Uint8Array, file: string): TabixIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (detail: string) => new MarrowscopeError("E_INPUT", `not a readable .tbi/.csi index: ${detail}`, { file });
  let p = 0;
  const need = (n: number, what: string) => {
    if (n < 0 || p + n > bytes.length) throw fail(`ends inside ${what} (byte ${p})`);
  };
  const int32 = (what: string) => {
    need(4, what);
    const v = view.getInt32(p, true);
    p += 4;
    return v;
  };
  const count = (what: string) => {
    const n = int32(what);
    if (n < 0) throw fail(`negative ${what} at byte ${p - 4}`);
    return n;
  };

  const magic = int32("the magic number");
  let kind: "tbi" | "csi";
  let minShift = 14;
  let depth = 5;
  let names: string[] = [];
  let nRef: number;
  if (magic === TBI_MAGIC) {
    kind = "tbi";
    nRef = count("the sequence count");
    need(24, "the tabix header");
    p += 24; // format, col_seq, col_beg, col_end, meta, skip
    const namesLength = count("the names length");
    need(namesLength, "the sequence names");
    names = readNames(bytes, p, namesLength);
    p += namesLength;
    if (names.length !== nRef) throw fail(`${nRef} sequences declared, ${names.length} names given`);
  } else if (magic === CSI_MAGIC) {
    kind = "csi";
    minShift = int32("min_shift");
    depth = int32("depth");
    if (minShift < 0 || minShift > 30 || depth < 0 || depth > 10) throw fail(`min_shift ${minShift} / depth ${depth} out of range`);
    const auxLength = count("the aux length");
    need(auxLength, "the aux data");
    // Tabix-style aux (what tabix and bcftools write for VCF): format..skip, l_nm, names.
    if (auxLength >= 28) {
      const namesLength = view.getInt32(p + 24, true);
      if (namesLength >= 0 && 28 + namesLength <= auxLength) names = readNames(bytes, p + 28, namesLength);
    }
    p += auxLength;
    nRef = count("the sequence count");
    if (names.length !== nRef) throw fail("the CSI index carries no sequence names (only tabix-style CSI indexes are supported)");
  } else {
    throw fail("no TBI or CSI magic number");
  }

  // Bins above this are pseudo-bins (metadata), not intervals.
  const maxBin = (2 ** ((depth + 1) * 3) - 1) / 7;
  // Walk the sections once, reading counts only, to know where each contig's bins start.
  const sections = new Int32Array(nRef);
  let maxOffset = 0;
  for (let r = 0; r < nRef; r++) {
    sections[r] = p;
    const nBin = count("a bin count");
    for (let b = 0; b < nBin; b++) {
      need(4, "a bin number");
      const bin = view.getUint32(p, true);
      p += kind === "csi" ? 12 : 4; // bin (+ loffset)
      const nChunk = count("a chunk count");
      need(nChunk * 16, "a chunk list");
      // A pseudo-bin's second "chunk" holds record counts, not offsets.
      if (bin <= maxBin) for (let c = 0; c < nChunk; c++) maxOffset = Math.max(maxOffset, coffset(view, p + c * 16 + 8));
      p += nChunk * 16;
    }
    if (kind === "tbi") {
      const nIntv = count("a linear index count");
      need(nIntv * 8, "a linear index");
      p += nIntv * 8;
    }
  }

  const refOf = new Map<string, number>();
  names.forEach((name, i) => {
    if (!refOf.has(name)) refOf.set(name, i);
  });
  // First bin number of each level (level l holds 8^l bins) and the bases one bin spans there.
  const levelFirst = Array.from({ length: depth + 1 }, (_, l) => (8 ** l - 1) / 7);
  const levelSize = Array.from({ length: depth + 1 }, (_, l) => 2 ** (minShift + 3 * (depth - l)));

  function rangesFor(name: string, regions: readonly { readonly start: number; readonly end: number }[]): ByteRange[] {
    const ref = refOf.get(name);
    if (ref === undefined || regions.length === 0) return [];
    // Per level and region, the bins that overlap it (htslib's reg2bins as first..last), flat.
    const count = regions.length;
    const firstBin = new Float64Array((depth + 1) * count);
    const lastBin = new Float64Array((depth + 1) * count);
    for (let l = 0; l <= depth; l++) {
      for (let i = 0; i < count; i++) {
        const region = regions[i]!;
        firstBin[l * count + i] = levelFirst[l]! + Math.floor(region.start / levelSize[l]!);
        lastBin[l * count + i] = levelFirst[l]! + Math.floor((region.end - 1) / levelSize[l]!);
      }
    }
    // Leaf bins are nearly all of an index (one per 16 kb holding records): mark the wanted ones
    // so that most bins are passed over with one array read (when the leaf level is not huge).
    const leafFirst = levelFirst[depth]!;
    const leafCount = 8 ** depth;
    const leafMarks = leafCount <= 1 << 22 ? new Uint8Array(leafCount) : undefined;
    if (leafMarks) {
      for (let i = 0; i < count; i++) {
        const k = depth * count + i;
        for (let bin = firstBin[k]!; bin <= lastBin[k]! && bin - leafFirst < leafCount; bin++) leafMarks[bin - leafFirst] = 1;
      }
    }
    let q = sections[ref]!;
    const nBin = view.getInt32(q, true);
    q += 4;
    // Chunks of overlapping bins, with the regions they overlap; filtered below by offset.
    const found: { at: number; regions: number[] }[] = [];
    // CSI: the loffset of each region's leaf bin, when the index has that bin.
    const leafLowest: (VirtualOffset | undefined)[] = regions.map(() => undefined);
    for (let b = 0; b < nBin; b++) {
      const bin = view.getUint32(q, true);
      if (kind === "csi") {
        for (let i = 0; i < regions.length; i++) {
          if (bin === leafFirst + Math.floor(regions[i]!.start / 2 ** minShift)) leafLowest[i] = virtualOffset(view, q + 4);
        }
      }
      q += kind === "csi" ? 12 : 4;
      const nChunk = view.getInt32(q, true);
      q += 4;
      const chunks = q;
      q += nChunk * 16;
      if (bin > maxBin || (leafMarks && bin >= leafFirst && leafMarks[bin - leafFirst] === 0)) continue;
      let level = depth;
      while (bin < levelFirst[level]!) level--;
      let overlapping: number[] | undefined;
      for (let i = 0, k = level * count; i < count; i++, k++) {
        if (bin < firstBin[k]! || bin > lastBin[k]!) continue;
        overlapping ??= [];
        overlapping.push(i);
      }
      if (overlapping) for (let c = 0; c < nChunk; c++) found.push({ at: chunks + c * 16, regions: overlapping });
    }
    // Lowest offset a record overlapping each region can have (TBI: the linear index, which
    // follows the bins; CSI: the loffset of the region's leaf bin). A chunk ending at or before
    // it holds no such record.
    const lowest: VirtualOffset[] = regions.map(() => ZERO);
    if (kind === "tbi") {
      const nIntv = view.getInt32(q, true);
      if (nIntv > 0) {
        regions.forEach((region, i) => {
          lowest[i] = virtualOffset(view, q + 4 + Math.min(Math.floor(region.start / 2 ** minShift), nIntv - 1) * 8);
        });
      }
    } else {
      for (let i = 0; i < regions.length; i++) lowest[i] = leafLowest[i] ?? ZERO;
    }

    const out: ByteRange[] = [];
    for (const { at, regions: overlapping } of found) {
      if (!overlapping.some((i) => after(view, at + 8, lowest[i]!))) continue;
      out.push({ from: coffset(view, at), skip: view.getUint32(at, true) & 0xffff, last: coffset(view, at + 8) });
    }
    return out;
  }

  return { kind, names, maxOffset, rangesFor };
}

/** NUL-separated names. */
function readNames(bytes: Uint8Array, from: number, length: number): string[] {
  const text = new TextDecoder().decode(bytes.subarray(from, from + length));
  const names = text.split("\0");
  if (names[names.length - 1] === "") names.pop();
  return names;
}

/** Compressed (block) offset of the virtual offset at `at`: its upper 48 bits. */
function coffset(view: DataView, at: number): number {
  return (view.getUint32(at, true) >>> 16) + view.getUint32(at + 4, true) * 65536;
}

/** A virtual offset as [block offset, offset in block]: 64 bits do not fit one JS number. */
type VirtualOffset = readonly [number, number];
const ZERO: VirtualOffset = [0, 0];

function virtualOffset(view: DataView, at: number): VirtualOffset {
  return [coffset(view, at), view.getUint32(at, true) & 0xffff];
}

/** Is the virtual offset at `at` past `than`? */
function after(view: DataView, at: number, than: VirtualOffset): boolean {
  const block = coffset(view, at);
  return block > than[0] || (block === than[0] && (view.getUint32(at, true) & 0xffff) > than[1]);
}
