/**
 * Reading without a panel: every record fully parsed (`readVariants`, `validate`).
 */

import { BlobFile, type GenericFilehandle, RemoteFile } from "generic-filehandle2";
import { guardAborts, throwIfAborted } from "./abort.js";
import { formatLocation, formatMessage, type Location, MarrowscopeError, quote, type Warning } from "./errors.js";
import type { Mutable, Variant } from "./model.js";
import { type AnnotationLayout, readAnnotationLayout, readAnnotations } from "./normalize/annotations.js";
import { parseOptions, type ReadOptions, ReadOptionsSchema } from "./options.js";
import { inflateBgzfBrowser } from "./vcf/bgzf-browser.js";
import type { BgzfInflater, GzipInflater } from "./vcf/decompress.js";
import type { VcfHeader } from "./vcf/header.js";
import { type Filehandle, type IndexSource, toSource, type VcfInput, type VcfSource } from "./vcf/input.js";
import type { AsciiDecoder } from "./vcf/lines.js";
import { type OpenOptions, type OpenVcf, openVcf } from "./vcf/reader.js";
import { createRecordParser } from "./vcf/records.js";
import { afterEachBatch, type ScanStats, scanBatches } from "./vcf/scan.js";

/** Turns the caller's input into a source; the Node build swaps in one that knows paths. */
export type SourceResolver = (input: unknown, name?: string) => VcfSource;
/** Resolves an `index` option; the Node build adds paths. */
export type IndexResolver = (index: unknown) => IndexSource;

const defaultIndexResolver: IndexResolver = (index) => {
  if (index instanceof URL) {
    return {
      kind: index.pathname.endsWith(".csi") ? "csi" : "tbi",
      filehandle: new RemoteFile(index.href),
      name: index.pathname.split("/").pop() ?? "index",
    };
  }
  if (typeof Blob !== "undefined" && index instanceof Blob) {
    const name = (index as File).name ?? "index";
    return { kind: name.endsWith(".csi") ? "csi" : "tbi", filehandle: new BlobFile(index), name };
  }
  if (typeof index === "object" && index !== null && typeof (index as Filehandle).read === "function") {
    return { kind: "tbi", filehandle: index as Filehandle, name: "index" };
  }
  throw new MarrowscopeError("E_OPTIONS", "index must be a URL, Blob or filehandle", { field: "options.index" });
};

export interface Resolvers {
  readonly source: SourceResolver;
  readonly index: IndexResolver;
  /** Faster BGZF inflation where the platform has one (Node: zlib on the thread pool). */
  readonly inflateBgzf?: BgzfInflater;
  /** Plain gzip read only as fast as it is used, where DecompressionStream reads ahead (Node 20). */
  readonly inflateGzip?: GzipInflater;
  readonly decodeAscii?: AsciiDecoder;
  /** A path, URL or Blob as a filehandle (reference FASTA files); paths only where there are files. */
  readonly filehandle?: (where: Blob | URL | string) => GenericFilehandle;
}

/** Opens a VCF with the platform's decoders from `resolvers` and a run's reading options. */
export function openWith(
  source: VcfSource,
  resolvers: Resolvers,
  options: Pick<OpenOptions, "strict" | "maxLineLength" | "signal" | "onWarning" | "allRules">,
): Promise<OpenVcf> {
  const { inflateBgzf, inflateGzip, decodeAscii } = resolvers;
  const { strict, maxLineLength, signal, onWarning, allRules } = options;
  return openVcf(source, { inflateBgzf, inflateGzip, decodeAscii, strict, maxLineLength, signal, onWarning, allRules });
}

export const browserResolvers: Resolvers = {
  source: (input, name) => toSource(input as VcfInput, name),
  // DecompressionStream reads one gzip member, and BGZF is many (src/vcf/bgzf-browser.ts).
  inflateBgzf: inflateBgzfBrowser,
  index: defaultIndexResolver,
  filehandle: (where) => {
    if (where instanceof URL) return new RemoteFile(where.href);
    if (typeof where === "string") {
      if (/^https?:\/\//.test(where)) return new RemoteFile(where);
      throw new MarrowscopeError("E_OPTIONS", `a file path (${quote(where)}) can only be read in Node: pass a URL or a Blob`, {
        field: "reference",
      });
    }
    return new BlobFile(where);
  },
};

export function chooseSamples(header: VcfHeader, requested: readonly string[] | undefined, file: string): number[] {
  if (!requested) return header.samples.map((_, i) => i);
  return requested.map((name) => {
    const index = header.samples.indexOf(name);
    if (index === -1) {
      throw new MarrowscopeError(
        "E_SAMPLE",
        `sample ${JSON.stringify(name)} is not in the VCF header (samples: ${header.samples.join(", ") || "none"})`,
        { file, field: "samples" },
      );
    }
    return index;
  });
}

export function enrich(variant: Variant, layout: AnnotationLayout): { variant: Variant; problems: readonly string[] } {
  const found = readAnnotations(layout, variant.raw.infoText, variant.raw.ref, variant.raw.alts, variant.altIndex);
  // Filled in place: the parser made this object for this read alone, and copying its ~17
  // members for every panel record was measurable on panel-dense input.
  const target = variant as Mutable<Variant>;
  target.consequences = found.consequences;
  if (found.populationAf) target.populationAf = found.populationAf;
  if (found.clinvar) target.clinvar = found.clinvar;
  return { variant, problems: found.problems };
}

/**
 * Streams every variant of the file (multi-allelic records split, calls per sample), fully parsed.
 * @throws MarrowscopeError E_OPTIONS, E_INPUT, E_VCF_HEADER, E_VCF_RECORD, E_SAMPLE, E_ABORTED
 */
export async function* readVariantsWith(input: unknown, options: ReadOptions | undefined, resolvers: Resolvers): AsyncGenerator<Variant> {
  const parsed = parseOptions(ReadOptionsSchema, options);
  const source = resolvers.source(input, parsed.name);
  yield* guardAborts(
    () => readVariantsFrom(source, parsed, resolvers),
    parsed.signal,
    () => source.name,
  );
}

type ParsedReadOptions = ReturnType<typeof ReadOptionsSchema.parse>;

async function* readVariantsFrom(source: VcfSource, parsed: ParsedReadOptions, resolvers: Resolvers): AsyncGenerator<Variant> {
  const file = source.name;
  const opened = await openWith(source, resolvers, parsed);
  const sampleIndices = chooseSamples(opened.header, parsed.samples, file);
  const parser = createRecordParser(opened.header, { file, sampleIndices });
  const layout = readAnnotationLayout(opened.header.info);
  const stats: ScanStats = { records: 0, parsed: 0, skipped: 0, contigs: new Set() };
  // Variants of the current batch of lines, handed on after it (see scanBatches).
  const found: Variant[] = [];
  const scan = scanBatches(
    opened.batches,
    { file, header: opened.header, parser, strict: parsed.strict, onWarning: parsed.onWarning, stats },
    (variant) => {
      const { variant: enriched, problems } = enrich(variant, layout);
      for (const problem of problems)
        parsed.onWarning?.({ code: "W_ANNOTATION", message: formatMessage(variant.source, problem), location: variant.source });
      found.push(enriched);
    },
  );
  yield* afterEachBatch(scan, found);
}

/** How often one kind of problem occurred in a validated file. */
export interface ProblemCount {
  /** `W_VCF_SPEC`, …; an error code for bad records or header lines read past (lenient, strictSpec). */
  readonly code: Warning["code"];
  /** The field the problem names (`INFO.DP`, `POS`, `S1.AD`, `PEDIGREE.Mother`); absent for the whole file. */
  readonly field?: string;
  readonly count: number;
  /** Where it occurred first. */
  readonly first: Location;
}

/** Result of `validate`: what a full parse of every record found. */
export interface ValidationResult {
  readonly file: string;
  readonly fileformat: string;
  readonly compression: string;
  readonly samples: readonly string[];
  readonly records: number;
  readonly variants: number;
  readonly skipped: number;
  readonly warnings: readonly Warning[];
  /**
   * Every problem found, per code and field, in the order first met. Counts include the
   * repeats onWarning was not told of (W_VCF_SPEC reports the first of each kind unless
   * strictSpec).
   */
  readonly problems: readonly ProblemCount[];
  /** Problems per code: the sums of `problems`. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface ValidateSettings {
  /**
   * false (the CLI, which counts them through onWarning) leaves the result's warnings empty: a
   * lenient run over a file of bad records has one per record.
   */
  readonly keepWarnings?: boolean;
  /**
   * Report every violation, not the first of each kind: every W_VCF_SPEC occurrence goes to
   * onWarning, and bad records and header lines are read past (as warnings with their error
   * code) instead of stopping the read. In strict mode the run then throws the first error,
   * its message ending in the totals; lenient, it returns them in `problems`.
   */
  readonly strictSpec?: boolean;
}

/** The options of the public `validate`: the read options, and `strictSpec` (ValidateSettings). */
export type ValidateOptions = ReadOptions & Pick<ValidateSettings, "strictSpec">;

/** `validate` of the entries: `strictSpec` apart, since the read options are a strict schema. */
export function validateEntry(input: unknown, options: ValidateOptions | undefined, resolvers: Resolvers): Promise<ValidationResult> {
  const { strictSpec, ...read } = options ?? {};
  return validateWith(input, read, resolvers, { strictSpec: strictSpec ?? false });
}

/** `E_VCF_RECORD 2 (ALT 1, REF 1); W_VCF_SPEC 12 (INFO.DP 10, QUAL 2)`: counts per code, then per field. */
export function describeProblems(problems: readonly ProblemCount[]): string {
  const byCode = new Map<string, ProblemCount[]>();
  for (const problem of problems) {
    const list = byCode.get(problem.code);
    if (list) list.push(problem);
    else byCode.set(problem.code, [problem]);
  }
  const MAX_FIELDS = 8;
  return [...byCode]
    .map(([code, list]) => {
      const total = list.reduce((sum, p) => sum + p.count, 0);
      const fields = list.filter((p) => p.field !== undefined).map((p) => `${p.field} ${p.count}`);
      const more = fields.length > MAX_FIELDS ? `, ${fields.length - MAX_FIELDS} more field(s)` : "";
      return fields.length > 0 ? `${code} ${total} (${fields.slice(0, MAX_FIELDS).join(", ")}${more})` : `${code} ${total}`;
    })
    .join("; ");
}

/**
 * Parses every record fully (no prefilter) and reports counts. Besides the reader's checks it
 * applies the header rules reading does not need (HeaderOptions.allRules).
 * @throws MarrowscopeError E_INPUT, E_VCF_HEADER, E_VCF_RECORD (strict mode), E_ABORTED
 */
export async function validateWith(
  input: unknown,
  options: ReadOptions | undefined,
  resolvers: Resolvers,
  { keepWarnings = true, strictSpec = false }: ValidateSettings = {},
): Promise<ValidationResult> {
  const parsed = parseOptions(ReadOptionsSchema, options);
  const source = resolvers.source(input, parsed.name);
  const file = source.name;
  throwIfAborted(parsed.signal, file);
  const warnings: Warning[] = [];
  const tally = new Map<string, { code: Warning["code"]; field?: string; count: number; first: Location }>();
  const count = (code: Warning["code"], location: Location) => {
    const key = `${code} ${location.field ?? ""}`;
    const entry = tally.get(key);
    if (entry) entry.count++;
    else tally.set(key, { code, ...(location.field !== undefined ? { field: location.field } : {}), count: 1, first: location });
  };
  let firstError: Warning | undefined;
  let errors = 0;
  const warn = (w: Warning) => {
    count(w.code, w.location);
    if (w.code.startsWith("E_")) {
      errors++;
      firstError ??= w;
    }
    if (keepWarnings) warnings.push(w);
    parsed.onWarning?.(w);
  };
  // strictSpec reads past errors and decides at the end.
  const strict = parsed.strict && !strictSpec;
  const opened = await openWith(source, resolvers, { ...parsed, strict, onWarning: warn, allRules: true });
  const parser = createRecordParser(opened.header, { file, allRules: true, everyOccurrence: strictSpec, onRepeat: count });
  const layout = readAnnotationLayout(opened.header.info);
  const stats: ScanStats = { records: 0, parsed: 0, skipped: 0, contigs: new Set() };
  let variants = 0;
  const scan = scanBatches(
    opened.batches,
    { file, header: opened.header, parser, strict, onWarning: warn, stats, everyOccurrence: strictSpec, onRepeat: count },
    (variant) => {
      const { problems } = enrich(variant, layout);
      for (const problem of problems)
        warn({ code: "W_ANNOTATION", message: formatMessage(variant.source, problem), location: variant.source });
      variants++;
    },
  );
  for await (const _ of scan) {
    // Each batch's variants were counted as they were read.
  }
  const problems = [...tally.values()];
  if (strictSpec && parsed.strict && firstError) {
    const { code, location, message } = firstError;
    const where = formatLocation(location);
    const detail = where && message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
    throw new MarrowscopeError(
      code as MarrowscopeError["code"],
      `${detail} (the first of ${errors} error(s); ${describeProblems(problems)})`,
      location,
    );
  }
  const counts: Record<string, number> = {};
  for (const problem of problems) counts[problem.code] = (counts[problem.code] ?? 0) + problem.count;
  return {
    file,
    fileformat: opened.header.fileformat,
    compression: opened.compression,
    samples: opened.header.samples,
    records: stats.records,
    variants,
    skipped: stats.skipped,
    warnings,
    problems,
    counts,
  };
}
