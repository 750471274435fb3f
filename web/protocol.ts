/** Messages between the page (main.ts) and the annotation worker (worker.ts). */
import type { Report } from "../src/index.js";

/** Every export the page offers, in the order of its buttons. */
export const FORMATS = ["json", "tsv", "md", "html", "fhir", "phenopacket", "vcf"] as const;
export type Format = (typeof FORMATS)[number];

export interface RunRequest {
  readonly type: "run";
  readonly vcf: File;
  /** The .tbi/.csi of a bgzipped VCF: an index read, sliced from the File (Blob.slice). */
  readonly index?: File;
  readonly panel?: File;
  readonly context?: File;
  readonly tumor?: string;
  readonly normal?: string;
  readonly assembly: "auto" | "GRCh37" | "GRCh38";
}

export type ToWorker = RunRequest | { readonly type: "cancel" } | { readonly type: "export"; readonly format: Format };

export type FromWorker =
  /** Every chunk a run or a download may need has been fetched (worker.ts, warm). */
  | { readonly type: "ready" }
  | { readonly type: "progress"; readonly records: number; readonly bytesRead: number; readonly totalBytes?: number }
  | { readonly type: "done"; readonly report: Report; readonly ms: number }
  | { readonly type: "failed"; readonly code: string; readonly message: string }
  | { readonly type: "exported"; readonly format: Format; readonly name: string; readonly blob: Blob }
  | { readonly type: "export-failed"; readonly format: Format; readonly message: string };
