/**
 * The only place that chains the steps: input → header → variants → hits → findings → report.
 * Everything it calls is pure, except the readers at the start.
 */

import { guardAborts } from "./abort.js";
import { armEvents, copyNumberEvent } from "./arms/index.js";
import { effectiveSex } from "./context.js";
import { assessCoverage, CalledRegions, type CoverageScope, type IntervalSet, readTargets } from "./coverage.js";
import { formatMessage, MarrowscopeError, quote, type Warning } from "./errors.js";
import { loadGeneTables } from "./genes/index.js";
import { indexPanel, matchVariant, needsGeneTables, type PanelIndex } from "./match.js";
import type { Assembly, Hit, Variant } from "./model.js";
import { readAnnotationLayout } from "./normalize/annotations.js";
import { carriesAllele } from "./normalize/calls.js";
import { type AssemblyDecision, inferAssembly } from "./normalize/contigs.js";
import { proteinEffectUnknown, spliceEffectUnknown } from "./normalize/so-terms.js";
import { type AnnotateOptions, AnnotateOptionsSchema, type ParsedAnnotateOptions, parseOptions } from "./options.js";
import { own } from "./own.js";
import { builtinPanel, type Panel } from "./panel/index.js";
import { chooseSamples, enrich, openWith, type Resolvers } from "./read.js";
import { buildReportStream, type ReportStream, type SampleStream, toReport } from "./report/build.js";
import type { Coverage, Finding, NotJudged, Report } from "./report/schema.js";
import { firstPass, type RuleContext, type SampleRole } from "./rules/apply.js";
import type { FirstPassFinding } from "./rules/evaluate.js";
import { applyEventRules, armFraction, eventRuleArms } from "./rules/events.js";
import { type FindingSorter, secondPass, sortInMemory, TwoHitCount } from "./rules/summary.js";
import { sameConsequenceClass } from "./transcripts/consequence.js";
import { builtinConsequence } from "./transcripts/hit.js";
import { type TranscriptModel, transcriptModel } from "./transcripts/index.js";
import type { LoadedReference } from "./transcripts/reference.js";
import type { ReferenceInput } from "./transcripts/reference-input.js";
import type { VcfHeader } from "./vcf/header.js";
import type { IndexSource, VcfSource } from "./vcf/input.js";
import type { LineBatch } from "./vcf/lines.js";
import { regionSet } from "./vcf/prefilter.js";
import { createRecordParser } from "./vcf/records.js";
import type { IndexedVcf } from "./vcf/regions.js";
import { afterEachBatch, type ScanStats, scanBatches } from "./vcf/scan.js";

/** What a run learned besides its findings (becomes the report's header fields). */
interface RunContext {
  readonly source: VcfSource;
  readonly header: VcfHeader;
  readonly assembly: AssemblyDecision;
  readonly strategy: "index" | "scan";
  readonly panel: Panel;
  readonly panelIndex: PanelIndex;
  readonly sampleNames: readonly string[];
  readonly roles: readonly SampleRole[];
  readonly stats: ScanStats;
  readonly contigsWithData: ReadonlySet<string>;
  /** Panel genes any record of the input touched (a blind-spot gene with variants is assessed). */
  readonly genesHit: Set<string>;
  /** Per sample, the panel-gene variants no rule could read (never silently dropped). */
  readonly notJudged: NotJudgedTally[];
  /** What says a region was called (src/coverage.ts): the target BED, the gVCF's reference blocks, the declared scope. */
  readonly targets?: IntervalSet;
  readonly called?: CalledRegions;
  readonly scope?: CoverageScope;
}

async function* countBytes(chunks: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    add(chunk.byteLength);
    yield chunk;
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

interface SampleFinding {
  readonly sampleIndex: number;
  readonly judged: FirstPassFinding;
}

function rolesFor(header: VcfHeader, names: readonly string[], given: ParsedAnnotateOptions["roles"], file: string): SampleRole[] {
  if (given) {
    for (const name of Object.keys(given)) {
      if (!header.samples.includes(name)) {
        throw new MarrowscopeError(
          "E_SAMPLE",
          `role given for ${JSON.stringify(name)}, which is not in the VCF header (samples: ${header.samples.join(", ")})`,
          { file, field: "roles" },
        );
      }
    }
  }
  return names.map((name) => {
    const role = given ? Object.entries(given).find(([k]) => k === name)?.[1] : undefined;
    if (role) return role;
    if (header.tumorSample === name) return "tumor";
    if (header.normalSample === name) return "normal";
    return "unknown";
  });
}

/** Does the header declare symbolic copy-number ALTs (`<DEL>`, `<DUP>`, `<CNV>`, `<CN0>` …)? */
function declaresCopyNumber(header: VcfHeader): boolean {
  for (const id of header.alts.keys()) if (/^(DEL|DUP|CNV|CN\d+|LOH)(:|$)/.test(id)) return true;
  return false;
}

/** Not-judged variants listed per sample; `count` and `byGene` count every one. */
const NOT_JUDGED_LISTED = 1000;

/** Variants in panel genes that no rule could read because their consequence is unknown. */
class NotJudgedTally {
  private count = 0;
  private readonly byGene = new Map<string, number>();
  private readonly variants: { gene: string; key: string; why: string }[] = [];

  add(gene: string, key: string, why: string = NOT_JUDGED_WHY): void {
    this.count++;
    this.byGene.set(gene, (this.byGene.get(gene) ?? 0) + 1);
    if (this.variants.length < NOT_JUDGED_LISTED) this.variants.push({ gene, key: own(key), why });
  }

  result(): NotJudged | undefined {
    if (this.count === 0) return undefined;
    const byGene = [...this.byGene.entries()].map(([symbol, count]) => ({ symbol, count })).sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
    return { count: this.count, byGene, variants: this.variants, nextStep: NOT_JUDGED_NEXT };
  }
}

const NOT_JUDGED_WHY =
  "consequence unknown: the file has no VEP/SnpEff/BCSQ/ANNOVAR annotation for this allele, and by coordinates alone only the panel's hotspots, exact alleles, regions and structural rules can be read";
const NOT_JUDGED_CODING =
  "coding change whose effect on the protein the builtin MANE model cannot tell without the sequence (missense, synonymous or stop): only the panel's hotspots, exact alleles and regions could be read";
const NOT_JUDGED_SPLICE =
  "splice-region change (near an exon/intron boundary, not at the donor/acceptor dinucleotide) that no rule of the gene reads: whether it alters splicing is not predicted here; a splicing predictor (e.g. SpliceAI) or an RNA study can tell";
const NOT_JUDGED_SV =
  "structural variant in a panel gene that no rule of the gene reads (no sv-overlap rule for it) and that is not an arm-level event";
const NOT_JUDGED_NEXT = "annotate the VCF with VEP or SnpEff (or bcftools csq), then run marrowscope again";

/** INFO keys annotation reads as values (annotations come from the raw INFO text). */
const INFO_KEYS_USED: ReadonlySet<string> = new Set(["END", "SVLEN", "LEN", "SVTYPE", "SOMATIC", "CN", "LOH", "CNLOH"]);

const SOMATIC_CALLER = /mutect|strelka.*somatic|somatic|varscan.*somatic|vardict.*paired/i;

/** The input's name before its source is made (for an abort that comes first): the name option, or a path. */
function nameOf(input: unknown, name: string | undefined): string | undefined {
  return name ?? (typeof input === "string" ? input : undefined);
}

/** What a run tells its caller as it goes: the input's name once known, the rest once the header is read. */
interface RunState {
  file?: string;
  current?: RunContext;
  readonly coverage: boolean;
}

async function* run(
  input: unknown,
  options: ParsedAnnotateOptions,
  resolvers: Resolvers,
  context: RunState,
  keepWarning: (warning: Warning) => void,
): AsyncGenerator<SampleFinding> {
  const resolved = resolvers.source(input, options.name);
  // Count raw bytes for progress reports (only when someone listens).
  let bytesRead = 0;
  let totalBytes: number | undefined;
  const source: VcfSource = options.onProgress
    ? {
        ...resolved,
        open: (signal) =>
          countBytes(resolved.open(signal), (n) => {
            bytesRead += n;
          }),
      }
    : resolved;
  if (options.onProgress && resolved.filehandle) {
    try {
      totalBytes = (await resolved.filehandle.stat()).size;
    } catch {
      // Size unknown (e.g. a server without Content-Length): progress shows bytes only.
    }
  }
  const file = source.name;
  context.file = file;
  const warn = (warning: Warning) => {
    keepWarning(warning);
    options.onWarning?.(warning);
  };
  const stats: ScanStats = { records: 0, parsed: 0, skipped: 0, contigs: new Set() };
  const panel = options.panel ?? builtinPanel;

  // Index mode needs random access, a BGZF file and an index; "auto" uses it when all are there.
  let index: IndexSource | undefined;
  if (options.strategy !== "scan") {
    if (options.index !== undefined) index = resolvers.index(options.index);
    else if (source.filehandle && source.findIndex) index = await source.findIndex();
    if (!index && options.strategy === "index") {
      throw new MarrowscopeError(
        "E_INPUT",
        'strategy "index" needs a .tbi or .csi index beside the file (or options.index) and random access to it',
        { file },
      );
    }
    if (index && !source.filehandle) {
      throw new MarrowscopeError(
        "E_INPUT",
        "an index was given but the input cannot be read at random (pass a path, URL, Blob or filehandle)",
        { file },
      );
    }
  }

  let header: VcfHeader;
  let batches: (regions: PanelIndex) => AsyncIterable<LineBatch>;
  let strategy: "index" | "scan";
  let contigsWithData: ReadonlySet<string> = stats.contigs;
  let indexed: IndexedVcf | undefined;
  // Held until the index is known to serve: a scan instead reads the header again, and warns again.
  const headerWarnings: Warning[] = [];
  /**
   * "auto" asked for the fastest correct read; an index that cannot give one (another file's, an
   * older one, unreadable) leaves the scan, with a warning saying why. True when it does.
   */
  const scanInstead = (error: unknown, isIndexProblem: (e: unknown) => boolean): boolean => {
    if (options.strategy !== "auto" || !isIndexProblem(error) || options.signal?.aborted) return false;
    warn({
      code: "W_INDEX_UNUSED",
      message: `${(error as MarrowscopeError).message.replace(/; re-index it .*$/, "")}: reading the whole file instead (re-index it for index reads)`,
      location: { file },
    });
    return true;
  };
  const openScan = () => {
    // The header's warnings once, whether or not the index read got as far as reading it.
    const said = new Set(headerWarnings.map((w) => w.message));
    return openWith(source, resolvers, { ...options, onWarning: (w) => said.has(w.message) || warn(w) });
  };
  let isIndexProblem: (e: unknown) => boolean = () => false;
  if (index && source.filehandle) {
    // Loaded on demand: the index reader is only needed for index reads.
    const regions = await import("./vcf/regions.js");
    isIndexProblem = regions.isIndexProblem;
    try {
      indexed = await regions.openIndexed({ ...source, filehandle: source.filehandle }, index, {
        file,
        strict: options.strict,
        signal: options.signal,
        onWarning: (w) => headerWarnings.push(w),
        inflateBgzf: resolvers.inflateBgzf,
        decodeAscii: resolvers.decodeAscii,
        maxLineLength: options.maxLineLength,
        olderIndex: options.strategy === "auto" ? "fail" : "warn",
      });
      for (const w of headerWarnings) warn(w);
    } catch (error) {
      if (!scanInstead(error, isIndexProblem)) throw error;
      headerWarnings.length = 0;
    }
  }
  if (indexed) {
    const reader = indexed;
    header = reader.header;
    batches = (pi) => reader.read(pi.readRegions);
    strategy = "index";
    contigsWithData = new Set(reader.contigsWithData);
  } else {
    const opened = await openScan();
    header = opened.header;
    batches = () => opened.batches;
    strategy = "scan";
  }

  const assembly = inferAssembly(header, options.assembly, file);
  // A custom panel is laid out from the gene tables, loaded now (a separate chunk in a browser).
  if (needsGeneTables(panel)) await loadGeneTables();
  const panelIndex = indexPanel(panel, assembly.assembly);
  if (indexed) {
    // The index's offsets for the panel's regions, before anything is read through them.
    try {
      await indexed.check(panelIndex.readRegions);
    } catch (error) {
      if (!scanInstead(error, isIndexProblem)) throw error;
      const opened = await openScan();
      header = opened.header;
      batches = () => opened.batches;
      strategy = "scan";
      contigsWithData = stats.contigs;
    }
  }
  if (strategy === "index" && (panel.eventRules?.length ?? 0) > 0 && declaresCopyNumber(header)) {
    // An index read sees only the panel's regions: a +8 or a del(5q) away from panel genes is
    // never read there (a scan reads every structural record).
    warn({
      code: "W_INDEX_EVENTS",
      message: `${file}: the header declares copy-number ALTs, but an index read covers only the panel's regions: chromosome-arm events away from panel genes (e.g. +8) are not read; use --strategy scan for SV/CNV files`,
      location: { file, field: "ALT" },
    });
  }
  // A reference FASTA: every panel gene's window read once, before the scan.
  const reference =
    options.reference === undefined
      ? undefined
      : await openReference(options.reference, panel, assembly.assembly, resolvers, options.signal);
  const refCheck = { checked: 0, mismatched: 0 };
  // Coverage evidence (src/coverage.ts): the target BED (only what touches the panel's regions), and the gVCF's reference blocks as they are read.
  const targets =
    options.targets === undefined || !context.coverage
      ? undefined
      : await readTargets(options.targets, resolvers, { keep: panelIndex.readRegions, signal: options.signal });
  const called = new CalledRegions(panelIndex.readRegions);
  const sampleIndices = chooseSamples(header, options.samples, file);
  const sampleNames = header.samples.length === 0 ? [file] : sampleIndices.map((i) => header.samples[i]!);
  const roles = header.samples.length === 0 ? (["unknown"] as SampleRole[]) : rolesFor(header, sampleNames, options.roles, file);
  const normalIndex = roles.indexOf("normal");
  const genesHit = new Set<string>();
  const notJudged = sampleNames.map(() => new NotJudgedTally());
  const sex = effectiveSex(options.sex, options.context);
  const somaticCaller = header.sources.some((s) => SOMATIC_CALLER.test(s)) || header.tumorSample !== undefined;
  context.current = {
    source,
    header,
    assembly,
    strategy,
    panel,
    panelIndex,
    sampleNames,
    roles,
    stats,
    contigsWithData,
    genesHit,
    targets,
    called,
    scope: options.scope,
    notJudged,
  };

  // Rule contexts per sample, made once (somatic-caller or not); only a tumor's matched normal
  // call changes per record.
  const contextFor = (s: number, somatic: boolean): RuleContext => ({
    panel,
    assembly: assembly.assembly,
    role: roles[s]!,
    ...(options.origin ? { declaredOrigin: options.origin } : {}),
    somaticCaller: somatic,
    ...(sex ? { sex } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const slots = Math.max(sampleNames.length, 1);
  const contexts = Array.from({ length: slots }, (_, s) => contextFor(s, somaticCaller));
  const somaticContexts = Array.from({ length: slots }, (_, s) => contextFor(s, true));
  // A tumour's context with its matched normal's call of the same variant.
  const withNormal = (base: RuleContext, s: number, variant: Variant): RuleContext =>
    roles[s] === "tumor" && normalIndex !== -1 ? { ...base, normalCall: variant.calls[normalIndex] } : base;
  const parser = createRecordParser(header, { file, sampleIndices, infoKeys: INFO_KEYS_USED, onReferenceBlock: called.onReferenceBlock });
  const layout = readAnnotationLayout(header.info);
  const reportName = baseName(file);
  const filter = regionSet(panelIndex.readRegions);
  // Findings of the current batch of lines, handed on after it (see scanBatches).
  const found: SampleFinding[] = [];
  const onVariant = (raw: Variant) => {
    const { variant, problems } = enrich(raw, layout);
    for (const problem of problems) {
      warn({
        code: "W_ANNOTATION",
        message: formatMessage(variant.source, problem),
        location: variant.source,
      });
    }
    const { hits: matched, warnings: matchWarnings } = matchVariant(variant, panelIndex);
    for (const w of matchWarnings) warn(w);
    if (matched.length === 0) return;
    if (reference) checkRef(variant, matched, reference, refCheck, warn);
    // A structural record taken as a chromosome-arm event is read as that event, not gene by gene.
    const armEvent =
      variant.kind === "sv" && armSamples.size > 0 && armRecord === `${variant.chrom}\u0000${variant.source.line ?? variant.pos}`;
    const hits = armEvent ? matched : withBuiltinConsequences(matched, options.consequences, assembly.assembly, warn, reference);
    for (const hit of hits) genesHit.add(hit.gene.symbol);
    const calls = header.samples.length === 0 ? [{ sample: file }] : variant.calls;
    const somatic = somaticCaller || variant.info.SOMATIC === true;
    for (let s = 0; s < calls.length; s++) {
      const call = calls[s]!;
      if (!carriesAllele(call)) continue;
      if (options.minVaf !== undefined && call.vaf !== undefined && call.vaf < options.minVaf) continue;
      const ruleContext = withNormal(somatic ? somaticContexts[s]! : contexts[s]!, s, variant);
      for (const hit of hits) {
        const judged = firstPass(hit, call, ruleContext);
        if (!judged) {
          // Listed, not lost: a structural record no gene rule reads and no arm event took, or a
          // variant no rule could read because nothing says what it does to the gene.
          if (variant.kind === "sv") {
            if (!armSamples.has(s)) notJudged[s]?.add(hit.gene.symbol, variant.key, NOT_JUDGED_SV);
          } else if (hit.consequence === undefined) notJudged[s]?.add(hit.gene.symbol, variant.key);
          else if (proteinEffectUnknown(hit.consequence.terms)) {
            notJudged[s]?.add(hit.gene.symbol, variant.key, NOT_JUDGED_CODING);
          } else if (spliceEffectUnknown(hit.consequence.terms)) {
            notJudged[s]?.add(hit.gene.symbol, variant.key, NOT_JUDGED_SPLICE);
          }
          continue;
        }
        // Reports name the input by its base name: no absolute paths in output.
        (judged.finding.source as { file: string }).file = reportName;
        found.push({ sampleIndex: s, judged });
      }
    }
  };
  // Copy-number records over chromosome arms, wherever they lie (monosomy 7 touches no gene rule).
  const minArmFraction = armFraction(panel);
  const ruleArms = eventRuleArms(panel);
  const onStructural = (variant: Variant) => {
    if (minArmFraction === undefined) return;
    // A multi-ALT record split into variants may give one event per ALT: kept once per record.
    const record = `${variant.chrom}\u0000${variant.source.line ?? variant.pos}`;
    if (record !== armRecord) {
      armRecord = record;
      armSeen.clear();
      armSamples.clear();
    }
    const calls = header.samples.length === 0 ? [{ sample: file }] : variant.calls;
    for (let s = 0; s < calls.length; s++) {
      const call = calls[s]!;
      if (call.zygosity === "hom-ref") continue;
      const change = copyNumberEvent(variant, { gt: call.genotype, cn: call.copyNumber }, sex);
      if (!change) continue;
      const events = armEvents(change, assembly.assembly, minArmFraction);
      if (events.length > 0) armSamples.add(s);
      for (const event of events) {
        const seen = `${s}\u0000${event.label}`;
        if (armSeen.has(seen)) continue;
        armSeen.add(seen);
        const finding = applyEventRules(event, variant, call, withNormal(contexts[s]!, s, variant), reportName);
        if (finding) found.push({ sampleIndex: s, judged: { finding } });
        else notJudged[s]?.add(event.label, variant.key, `arm-level event ${event.label}: the panel has no event rule for it`);
      }
      // A loss or gain over part of an arm the panel's event rules read (a terminal del(7q) of
      // 40%, or -7 called in pieces) is not an arm event by the panel's fraction: said, not lost.
      if (events.length === 0) {
        for (const partial of armEvents(change, assembly.assembly, Number.MIN_VALUE)) {
          const arms = partial.arms.filter((arm) => ruleArms.has(arm));
          if (arms.length === 0 || armSeen.has(`${s}\u0000partial`)) continue;
          armSeen.add(`${s}\u0000partial`);
          armSamples.add(s);
          const share = arms.map((arm) => `${Math.round((partial.fraction[arm] ?? 0) * 100)}% of ${arm}`).join(", ");
          notJudged[s]?.add(
            `${partial.change}(${arms.join(",")})`,
            variant.key,
            `copy-number ${partial.change} over ${share}: below the panel's arm-event-fraction (${minArmFraction}), so not read as an arm event; marrow karyotype or SNP array decides`,
          );
        }
      }
    }
  };
  const armSamples = new Set<number>();
  const armSeen = new Set<string>();
  let armRecord = "";
  const scan = scanBatches(
    batches(panelIndex),
    {
      file,
      header,
      parser,
      filter,
      strict: options.strict,
      onWarning: warn,
      stats,
      onStructural,
      onBatch: options.onProgress
        ? () => options.onProgress?.({ records: stats.records, parsed: stats.parsed, bytesRead, ...(totalBytes ? { totalBytes } : {}) })
        : undefined,
    },
    onVariant,
  );
  yield* afterEachBatch(scan, found);
  if (reference && refCheck.checked >= REF_CHECK_MIN && refCheck.mismatched / refCheck.checked > REF_CHECK_WRONG_BUILD) {
    const other = assembly.assembly === "GRCh37" ? "GRCh38" : "GRCh37";
    warn({
      code: "W_REFERENCE_BUILD",
      message: `${file}: REF disagrees with ${reference.name} at ${refCheck.mismatched} of ${refCheck.checked} panel-gene records: the file is probably not ${assembly.assembly} (try --assembly ${other} with a ${other} reference)`,
      location: { file, field: "REF" },
    });
  }
}

/** Fewest REF checks before a build is doubted, and the share of mismatches that doubts it. */
const REF_CHECK_MIN = 20;
const REF_CHECK_WRONG_BUILD = 0.2;
/** Mismatches named one by one; the rest are counted. */
const REF_MISMATCHES_NAMED = 10;

async function openReference(
  input: ReferenceInput,
  panel: Panel,
  assembly: Assembly,
  resolvers: Resolvers,
  signal: AbortSignal | undefined,
): Promise<LoadedReference> {
  const open = resolvers.filehandle;
  if (!open) throw new MarrowscopeError("E_OPTIONS", "this platform cannot open a reference FASTA", { field: "reference" });
  // Loaded on demand: only runs with a reference need the FASTA reader.
  const { loadReference, referenceFiles } = await import("./transcripts/reference.js");
  const models = panel.genes.map((g) => transcriptModel(g.symbol, assembly)).filter((m): m is TranscriptModel => m !== undefined);
  return loadReference(referenceFiles(input, open), models, assembly, signal);
}

/** Compares a panel record's REF with the reference, once per record; a mismatch is a warning naming it. */
function checkRef(
  variant: Variant,
  hits: readonly Hit[],
  reference: LoadedReference,
  tally: { checked: number; mismatched: number },
  warn: (w: Warning) => void,
): void {
  if (variant.kind === "sv" || variant.kind === "breakend" || variant.altIndex > 1) return;
  const window = hits.map((h) => reference.genes.get(h.gene.symbol)).find((g) => g !== undefined);
  if (!window) return;
  const ref = variant.ref.toUpperCase();
  let known = 0;
  let same = true;
  for (let i = 0; i < ref.length && i < 1000; i++) {
    const b = window.bases.base(variant.pos + i);
    if (b === undefined) continue;
    known++;
    if (b !== ref[i]) same = false;
  }
  if (known === 0) return;
  tally.checked++;
  if (same) return;
  tally.mismatched++;
  if (tally.mismatched <= REF_MISMATCHES_NAMED) {
    warn({
      code: "W_REF_MISMATCH",
      message: formatMessage(
        variant.source,
        `REF ${quote(variant.ref)} at ${variant.chrom}:${variant.pos} is not the reference's (${reference.name}); its consequence is not computed from the reference`,
      ),
      location: { ...variant.source, field: "REF" },
    });
  }
}

/**
 * Streams first-pass findings (one per variant, gene and sample) as records are read.
 * Two-hit (recessive) logic and the sample summary need the whole sample: use `annotate`.
 * @throws MarrowscopeError E_OPTIONS, E_INPUT, E_VCF_HEADER, E_VCF_RECORD, E_ASSEMBLY, E_SAMPLE, E_ABORTED
 */
export async function* streamFindingsWith(
  input: unknown,
  options: AnnotateOptions | undefined,
  resolvers: Resolvers,
): AsyncGenerator<Finding> {
  const parsed = parseOptions(AnnotateOptionsSchema, options);
  // Warnings reach the caller through onWarning only: a stream keeps nothing.
  // A stream builds no coverage, so it does not read the targets.
  const state: RunState = { coverage: false };
  const findings = guardAborts(
    () => run(input, parsed, resolvers, state, () => {}),
    parsed.signal,
    () => state.file ?? nameOf(input, parsed.name),
  );
  for await (const { judged } of findings) yield judged.finding;
}

/** Which panel genes the input can speak for, from the evidence the run collected (src/coverage.ts). */
function coverageOf(ctx: RunContext): Coverage {
  return assessCoverage({
    panelIndex: ctx.panelIndex,
    genesHit: ctx.genesHit,
    targets: ctx.targets,
    called: ctx.called,
    scope: ctx.scope,
  });
}

/**
 * @internal Where a run's first-pass findings wait for the second pass (two hits, summary, sort),
 * per sample, and its warnings for the report's end. The library's store holds them in memory;
 * the CLI's (src/spill.ts) keeps them in temporary files past a budget, so a run's memory grows
 * with neither (a lenient run over a file of bad records has a warning per record).
 */
export interface RunStore {
  add(sampleIndex: number, judged: FirstPassFinding): void;
  /** The sample's findings in the order added; may be read more than once. */
  read(sampleIndex: number): Iterable<FirstPassFinding>;
  /** How this store puts a sample's second-pass findings in report order. */
  sorter(sampleIndex: number): FindingSorter;
  /** Lets go of the sample's findings (its report has been written). */
  release(sampleIndex: number): void;
  addWarning(warning: Warning): void;
  /** The warnings in the order added; may be read more than once. */
  warnings(): Iterable<Warning>;
  /** Frees what the store still holds; safe to call more than once. */
  close(): void;
}

/** @internal Makes the store of a run (its panel given). */
export type RunStoreFactory = (panel: Panel) => RunStore;

/** @internal Everything in memory: what the library's `annotate` uses. */
export const memoryStore: RunStoreFactory = () => {
  const perSample = new Map<number, FirstPassFinding[]>();
  const warnings: Warning[] = [];
  return {
    add(sampleIndex, judged) {
      const list = perSample.get(sampleIndex);
      if (list) list.push(judged);
      else perSample.set(sampleIndex, [judged]);
    },
    read: (sampleIndex) => perSample.get(sampleIndex) ?? [],
    sorter: () => sortInMemory,
    release: (sampleIndex) => perSample.delete(sampleIndex),
    addWarning: (warning) => warnings.push(warning),
    warnings: () => warnings,
    close: () => perSample.clear(),
  };
};

/**
 * Reads a VCF and returns the full, validated report.
 * @throws MarrowscopeError E_OPTIONS, E_INPUT, E_VCF_HEADER, E_VCF_RECORD, E_ASSEMBLY, E_SAMPLE, E_ABORTED
 */
export async function annotateWith(input: unknown, options: AnnotateOptions | undefined, resolvers: Resolvers): Promise<Report> {
  return toReport(await annotateStreamWith(input, options, resolvers, memoryStore));
}

/**
 * @internal `annotateWith`, with each sample's second pass left until a writer reaches the
 * sample (read the result's `samples` once), its findings and warnings kept by the store
 * `makeStore` makes. A sample's findings are let go once it has been read, and all of them if
 * the reader stops early; the store is closed if the run fails, else by the caller when it has
 * written the report (the warnings come last).
 */
export async function annotateStreamWith(
  input: unknown,
  options: AnnotateOptions | undefined,
  resolvers: Resolvers,
  makeStore: RunStoreFactory,
): Promise<ReportStream> {
  const parsed = parseOptions(AnnotateOptionsSchema, options);
  const context: RunState = { coverage: true };
  const panel = parsed.panel ?? builtinPanel;
  const held = makeStore(panel);
  // The two-hit logic's first pass, per sample, as findings are made (not read back).
  const counts = new Map<number, TwoHitCount>();
  try {
    const found = guardAborts(
      () => run(input, parsed, resolvers, context, (w) => held.addWarning(w)),
      parsed.signal,
      () => context.file ?? nameOf(input, parsed.name),
    );
    for await (const { sampleIndex, judged } of found) {
      held.add(sampleIndex, judged);
      let count = counts.get(sampleIndex);
      if (!count) {
        count = new TwoHitCount(panel);
        counts.set(sampleIndex, count);
      }
      count.add(judged);
    }
  } catch (error) {
    held.close();
    throw error;
  }
  const ctx = context.current!;
  const coverage = coverageOf(ctx);
  const contigOrder = ctx.header.contigs.length > 0 ? ctx.header.contigs.map((c) => c.id) : [...ctx.contigsWithData];
  function* samples(): Generator<SampleStream> {
    try {
      for (const [s, name] of ctx.sampleNames.entries()) {
        const context = { panel: ctx.panel, coverage, contigOrder, ...(parsed.context ? { patient: parsed.context } : {}) };
        const count = counts.get(s) ?? new TwoHitCount(ctx.panel, parsed.context);
        counts.delete(s);
        const { findings, summary } = secondPass(() => held.read(s), held.sorter(s), context, count);
        const notJudged = ctx.notJudged[s]?.result();
        yield {
          name,
          role: ctx.roles[s]!,
          findings,
          summary,
          coverage,
          ...(notJudged ? { notJudged } : {}),
          ...(parsed.context ? { context: parsed.context } : {}),
        };
        held.release(s);
      }
    } finally {
      // Also when the reader stops early; the warnings, written after the samples, stay.
      for (const s of ctx.sampleNames.keys()) held.release(s);
    }
  }
  return buildReportStream({
    panel: ctx.panel,
    input: {
      name: baseName(ctx.source.name),
      assembly: ctx.assembly.assembly,
      assemblyEvidence: ctx.assembly.evidence,
      strategy: ctx.strategy,
      samples: [...ctx.sampleNames],
      recordsRead: ctx.stats.records,
    },
    samples: samples(),
    warnings: held.warnings(),
  });
}

/**
 * The hits with the builtin MANE-model consequence where the run asks for it (options.consequences):
 * `builtin` replaces the file's, `both` keeps the file's, fills in a gene it does not cover and
 * warns where the model reads another class; `file` (the default) uses the file's alone.
 */
function withBuiltinConsequences(
  hits: readonly Hit[],
  mode: "file" | "builtin" | "both",
  assembly: Assembly,
  warn: (w: Warning) => void,
  reference?: LoadedReference,
): readonly Hit[] {
  return hits.map((hit) => {
    // `file` takes the model's only where the file says nothing about the gene.
    if (mode === "file" && hit.consequence) return hit;
    const builtin = builtinConsequence(hit, assembly, reference?.genes.get(hit.gene.symbol));
    if (mode === "file") return builtin ? { ...hit, consequence: builtin } : hit;
    if (mode === "both") {
      if (hit.consequence && builtin && !sameConsequenceClass(hit.consequence.terms, builtin.terms)) {
        warn({
          code: "W_CONSEQUENCE_DISAGREE",
          message: `${formatMessage(hit.variant.source, `${hit.gene.symbol} ${hit.variant.key}: the file's consequence (${hit.consequence.terms.join("&")}) and the MANE model's (${builtin.terms.join("&")}) differ in class; the file's is used`)}`,
          location: hit.variant.source,
        });
      }
      return hit.consequence ? hit : builtin ? { ...hit, consequence: builtin } : hit;
    }
    return builtin ? { ...hit, consequence: builtin } : { ...hit, consequence: undefined };
  });
}
