/** Types of scripts/fuzz-core.mjs, for the tests that use it. */
import type { Arbitrary } from "fast-check";

export declare const ROOT: string;
export declare const CORPUS: string;
export declare const HOSTILE_TOKENS: readonly string[];

export declare function corpusFiles(options?: { maxBytes?: number; compressed?: boolean; parses?: boolean }): string[];
export declare function textOf(bytes: Uint8Array): Uint8Array;
export declare function bgzf(bytes: Uint8Array, blockSize?: number): Buffer;
export declare function blockStarts(bytes: Buffer): number[];

export type Mutation = Record<string, unknown> & { readonly op: string };
export declare const textMutation: Arbitrary<Mutation>;
export declare const byteMutation: Arbitrary<Mutation>;
export declare const indexMutation: Arbitrary<Mutation>;
export declare function applyTextMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Buffer;
export declare function applyByteMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Buffer;
export declare function applyIndexMutations(inflated: Uint8Array, mutations: readonly Mutation[]): Buffer;
export declare function wrapIndex(inflated: Uint8Array, how: "bgzf" | "gzip" | "plain"): Uint8Array;

export interface IndexTarget {
  readonly vcf: string;
  readonly index: string;
  readonly assembly: "GRCh37" | "GRCh38";
}
export declare function indexTargets(): IndexTarget[];

export interface Sources {
  readonly text?: readonly string[];
  readonly compressed?: readonly string[];
  readonly index?: readonly IndexTarget[];
}
export type FuzzCase = Record<string, unknown> & { readonly family: "text" | "compressed" | "index" };
export declare function caseArbitrary(sources: Sources): Arbitrary<FuzzCase>;

export interface Task {
  readonly api: "annotate" | "validate" | "readVariants";
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly options?: Record<string, unknown>;
  readonly index?: { readonly name: string; readonly bytes: Uint8Array };
  /** Read size when the input is given as a stream. */
  readonly stream?: number;
}
export type Outcome =
  | { readonly kind: "ok"; readonly result: Record<string, unknown> & { findings?: string[] } }
  | {
      readonly kind: "typed";
      readonly code: string;
      readonly location: { file?: string; line?: number; field?: string };
      readonly message: string;
    }
  | { readonly kind: "crash"; readonly name: string; readonly message: string; readonly stack: string }
  | { readonly kind: "hang" | "died"; readonly detail: string };

export declare function materialise(c: FuzzCase, sources: Sources): Task;
export declare function problemOf(outcome: Outcome): string | undefined;
export declare function indexProblem(outcome: Outcome, scanFindings: readonly string[]): string | undefined;
export declare function judge(
  runner: FuzzRunner,
  c: FuzzCase,
  sources: Sources,
  scans?: Map<string, string[]>,
): Promise<{ task: Task; outcome: Outcome; problem: string | undefined }>;

export declare class FuzzRunner {
  constructor(options: { dist: string; workers?: number; timeoutMs?: number; heapMb?: number });
  ready(): Promise<void>;
  run(task: Task): Promise<Outcome>;
  close(): Promise<void>;
}

export declare function minimise(
  bytes: Uint8Array,
  fails: (candidate: Buffer) => Promise<boolean>,
  options?: { maxSteps?: number },
): Promise<Buffer>;
