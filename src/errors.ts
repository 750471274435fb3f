/** Every failure marrowscope raises on purpose carries one of these codes. */
export type ErrorCode = "E_INPUT" | "E_VCF_HEADER" | "E_VCF_RECORD" | "E_ASSEMBLY" | "E_SAMPLE" | "E_PANEL" | "E_OPTIONS" | "E_ABORTED";

/** Where a problem is: file name, 1-based line, and field (`POS`, `INFO.AF`, `genes[2].symbol`). */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
}

/** A problem that did not stop the run (lenient mode, or a notice about the input). */
export interface Warning {
  readonly code: ErrorCode | `W_${string}`;
  readonly message: string;
  readonly location: Location;
}

const MAX_QUOTED = 80;

/** Quote a value found in input, truncated so a 200 MB line never ends up in a message. */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  return JSON.stringify(cut);
}

/** Compiler-style `file:line: field: detail`, the one place messages are assembled. */
export function formatLocation(location: Location): string {
  const parts: string[] = [];
  if (location.file !== undefined) {
    parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file);
  } else if (location.line !== undefined) {
    parts.push(`line ${location.line}`);
  }
  if (location.field !== undefined) parts.push(location.field);
  return parts.join(": ");
}

export function formatMessage(location: Location, detail: string): string {
  const where = formatLocation(location);
  return where ? `${where}: ${detail}` : detail;
}

/**
 * The only error class marrowscope throws. `code` says what kind of failure it is (and so
 * the CLI exit code); `location` says where; `detail` is the message without the location.
 */
export class MarrowscopeError extends Error {
  readonly code: ErrorCode;
  readonly location: Location;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, location: Location = {}, options?: { cause?: unknown }) {
    super(formatMessage(location, detail), options);
    this.name = "MarrowscopeError";
    this.code = code;
    this.location = location;
    this.detail = detail;
  }

  /** The same problem as a warning (what lenient mode records instead of throwing). */
  toWarning(): Warning {
    return { code: this.code, message: this.message, location: this.location };
  }
}

export function isMarrowscopeError(error: unknown): error is MarrowscopeError {
  return error instanceof MarrowscopeError;
}

/** CLI exit code per error code (DESIGN.md §5). */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "E_OPTIONS":
      return 2;
    case "E_PANEL":
      return 4;
    case "E_ABORTED":
      return 130;
    default:
      return 3;
  }
}
