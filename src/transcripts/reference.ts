/**
 * A reference FASTA (indexed: `.fai`, or bgzipped with `.fai` and `.gzi`) read with
 * `@gmod/indexedfasta` for the builtin panel genes' transcript regions: bases for 3′ shifting and
 * HGVS of indels anywhere in a gene, the coding sequence of genes the package has none for, and
 * REF checks. Browser-safe: the filehandles come from the caller (local file, URL or Blob).
 *
 * Each gene's span plus VEP's 5 kb flanks is read once before the scan: 86 genes, 6.8 Mb in all,
 * so the scan stays synchronous and a run reads the FASTA in 86 requests, not one per record.
 */
import { BgzipIndexedFasta, IndexedFasta } from "@gmod/indexedfasta";
import type { GenericFilehandle } from "generic-filehandle2";
import { MarrowscopeError } from "../errors.js";
import type { Assembly } from "../model.js";
import { assemblyOfLengths, canonicalChrom } from "../normalize/contigs.js";
import { FLANK } from "./consequence.js";
import type { Bases } from "./hgvs.js";
import { cdsIndex, complement } from "./hgvs.js";
import type { TranscriptModel } from "./model.js";
import type { ReferenceInput } from "./reference-input.js";

/** Filehandles of an indexed FASTA. */
export interface ReferenceFiles {
  readonly fasta: GenericFilehandle;
  readonly fai: GenericFilehandle;
  /** Present for a bgzipped FASTA. */
  readonly gzi?: GenericFilehandle;
  readonly name: string;
}

/** A window of plus-strand bases, 1-based from `start`. */
class Window implements Bases {
  constructor(
    private readonly start: number,
    private readonly text: string,
  ) {}
  base(g: number): string | undefined {
    const i = g - this.start;
    if (i < 0 || i >= this.text.length) return undefined;
    const b = this.text[i]!.toUpperCase();
    return b === "N" ? undefined : b;
  }
}

/** What a reference gives one gene: its window of bases and its coding sequence. */
export interface GeneSequence {
  readonly bases: Bases;
  readonly cds?: string;
}

export interface LoadedReference {
  readonly name: string;
  /** The build its sequence lengths say, when they say one. */
  readonly assembly?: Assembly;
  readonly genes: ReadonlyMap<string, GeneSequence>;
}

/** The coding sequence of a model read off a window (transcript orientation), or undefined where a base is unknown. */
function codingSequence(model: TranscriptModel, bases: Bases): string | undefined {
  if (!model.cds) return undefined;
  const lo = Math.min(model.cds.start, model.cds.end);
  const hi = Math.max(model.cds.start, model.cds.end);
  const out: string[] = [];
  for (const e of model.exons) {
    const s = Math.max(e.start, lo);
    const t = Math.min(e.end, hi);
    if (s > t) continue;
    for (let k = 0; k <= t - s; k++) {
      const g = model.strand === 1 ? s + k : t - k;
      const b = bases.base(g);
      if (b === undefined) return undefined;
      out.push(model.strand === 1 ? b : complement(b));
    }
  }
  const cds = out.join("");
  return cdsIndex(model, model.cds.end) === cds.length - 1 ? cds : undefined;
}

/**
 * Reads the windows of the given models from the reference. Fails with E_INPUT when the
 * index or a region cannot be read, E_ASSEMBLY when the reference's build is not the run's; a gene whose contig the
 * reference lacks is left out (its consequences stay as the package's data gives them).
 */
export async function loadReference(
  files: ReferenceFiles,
  models: readonly TranscriptModel[],
  assembly: Assembly,
  signal?: AbortSignal,
): Promise<LoadedReference> {
  const fasta = files.gzi
    ? new BgzipIndexedFasta({ fasta: files.fasta, fai: files.fai, gzi: files.gzi })
    : new IndexedFasta({ fasta: files.fasta, fai: files.fai });
  let sizes: Record<string, number>;
  try {
    sizes = await fasta.getSequenceSizes({ signal });
  } catch (cause) {
    throw new MarrowscopeError(
      "E_INPUT",
      `cannot read the reference FASTA's index (.fai${files.gzi ? " / .gzi" : ""})`,
      { file: files.name },
      { cause },
    );
  }
  const built = assemblyOfLengths(sizes);
  if (built !== undefined && built !== assembly) {
    throw new MarrowscopeError(
      "E_ASSEMBLY",
      `the reference FASTA is ${built} (its chromosome lengths say so) but the input is read as ${assembly}`,
      { file: files.name },
    );
  }
  // The reference's own name for each primary chromosome (chr5 or 5).
  const names = new Map<string, string>();
  for (const name of Object.keys(sizes)) {
    const canonical = canonicalChrom(name);
    if (!names.has(canonical)) names.set(canonical, name);
  }
  const genes = new Map<string, GeneSequence>();
  for (const model of models) {
    const contig = names.get(canonicalChrom(model.chrom));
    if (contig === undefined) continue;
    const start = Math.max(1, model.span.start - FLANK);
    const end = Math.min(sizes[contig] ?? model.span.end + FLANK, model.span.end + FLANK);
    let text: string | undefined;
    try {
      // 0-based, end-exclusive.
      text = await fasta.getSequence(contig, start - 1, end, { signal });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new MarrowscopeError(
        "E_INPUT",
        `cannot read ${contig}:${start}-${end} from the reference FASTA`,
        { file: files.name },
        { cause },
      );
    }
    if (!text) continue;
    const bases = new Window(start, text);
    const cds = codingSequence(model, bases);
    genes.set(model.symbol, { bases, ...(cds ? { cds } : {}) });
  }
  return { name: files.name, ...(built ? { assembly: built } : {}), genes };
}

const nameOf = (v: Blob | URL | string): string =>
  typeof v === "string" ? v : v instanceof URL ? v.pathname.split("/").pop() || v.href : (v as { name?: string }).name || "reference.fa";

/**
 * The filehandles of a reference: `.fai` (and for a `.gz` FASTA `.gzi`) beside it unless given.
 * `open` turns a path or URL into a filehandle (a path only where the platform has files).
 */
export function referenceFiles(input: ReferenceInput, open: (where: Blob | URL | string) => GenericFilehandle): ReferenceFiles {
  const parts = typeof input === "string" || input instanceof URL ? { fasta: input } : input;
  const { fasta } = parts;
  const beside = (suffix: string): URL | string | undefined =>
    typeof fasta === "string" ? `${fasta}${suffix}` : fasta instanceof URL ? new URL(`${fasta.href}${suffix}`) : undefined;
  const fai = parts.fai ?? beside(".fai");
  const gzipped = nameOf(fasta).endsWith(".gz");
  const gzi = parts.gzi ?? (gzipped ? beside(".gzi") : undefined);
  if (fai === undefined || (gzipped && gzi === undefined)) {
    throw new MarrowscopeError("E_OPTIONS", `a reference given as a Blob needs its .fai${gzipped ? " and .gzi" : ""} as Blobs too`, {
      field: "reference",
    });
  }
  return { fasta: open(fasta), fai: open(fai), ...(gzi !== undefined ? { gzi: open(gzi) } : {}), name: nameOf(fasta) };
}
