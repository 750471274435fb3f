/**
 * Decompressed bytes → text lines, in batches (one array per input chunk) so the hot loop
 * allocates per chunk, not per line. CRLF-safe, UTF-8 checked, and a line longer than
 * `maxLineLength` fails without buffering the rest of it.
 */
import { MarrowscopeError, type Warning } from "../errors.js";

/** Lines in input order; `lines[i]` is line number `firstLine + i` (1-based). */
export interface LineBatch {
  readonly lines: readonly string[];
  readonly firstLine: number;
}

export interface LineOptions {
  readonly file: string;
  /**
   * Longest accepted line in UTF-8 bytes (newline excluded). Default 16 MiB: a 10,000-sample
   * GT:AD:DP record is ~1 MB and the longest VEP-annotated gnomAD lines are well under 1 MB,
   * so this only stops runaway lines.
   */
  readonly maxLineLength?: number;
  readonly strict?: boolean;
  readonly onWarning?: (warning: Warning) => void;
  /**
   * A faster decoder for chunks that are pure ASCII (almost every VCF chunk): returns the text,
   * or undefined to fall back to TextDecoder. Node supplies one (simdutf's isAscii + latin1).
   */
  readonly decodeAscii?: AsciiDecoder;
}

export type AsciiDecoder = (chunk: Uint8Array) => string | undefined;

export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** UTF-8 length of a string (only called for lines near the limit). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Finds which line of a chunk holds invalid UTF-8 (only run after a decode failure). */
function findBadUtf8(chunk: Uint8Array, pendingBytes: number): { lineOffset: number; column: number } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let lineOffset = 0;
  for (let i = 0; i <= chunk.length; i++) {
    if (i === chunk.length || chunk[i] === 0x0a) {
      try {
        decoder.decode(chunk.subarray(start, i));
      } catch {
        return { lineOffset, column: (lineOffset === 0 ? pendingBytes : 0) + 1 };
      }
      start = i + 1;
      lineOffset++;
    }
  }
  return { lineOffset: 0, column: 1 };
}

/**
 * Splits decompressed bytes into lines.
 * @throws MarrowscopeError E_VCF_RECORD for an over-long line or (strict) invalid UTF-8
 */
export async function* readLines(bytes: AsyncIterable<Uint8Array>, options: LineOptions): AsyncGenerator<LineBatch> {
  const { file } = options;
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const strict = options.strict ?? true;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // A UTF-16 unit is 1-3 UTF-8 bytes, so lines up to max/3 units need no exact count.
  const surelyShort = Math.floor(maxLineLength / 3);
  const tooLongText = (line: string) => line.length > surelyShort && (line.length > maxLineLength || utf8Length(line) > maxLineLength);
  let pending = "";
  // Bytes of the unfinished line held in `pending`: counted from the raw chunks, so a line
  // without a newline is refused before it is decoded and appended (memory stays at about
  // maxLineLength plus one chunk).
  let pendingBytes = 0;
  let lineNo = 1;
  let asciiSoFar = true;

  for await (const chunk of bytes) {
    const firstNewline = chunk.indexOf(0x0a);
    if (firstNewline === -1) {
      pendingBytes += chunk.byteLength;
      if (pendingBytes > maxLineLength) throw tooLong(file, lineNo, maxLineLength);
    } else if (pendingBytes + firstNewline > maxLineLength) {
      throw tooLong(file, lineNo, maxLineLength);
    } else {
      pendingBytes = chunk.byteLength - chunk.lastIndexOf(0x0a) - 1;
    }
    let text: string | undefined;
    // The ASCII path is only safe while the TextDecoder holds no partial sequence, i.e. until
    // the first non-ASCII chunk; from then on every chunk goes through the decoder.
    if (asciiSoFar && options.decodeAscii) {
      text = options.decodeAscii(chunk);
      if (text === undefined) asciiSoFar = false;
    }
    try {
      text ??= decoder.decode(chunk, { stream: true });
    } catch (cause) {
      const { lineOffset } = findBadUtf8(chunk, pending.length);
      const error = new MarrowscopeError(
        "E_VCF_RECORD",
        "invalid UTF-8 byte sequence (VCF text must be UTF-8)",
        { file, line: lineNo + lineOffset },
        { cause },
      );
      if (strict) throw error;
      options.onWarning?.(error.toWarning());
      // Lenient: decode with replacement characters; the record parser then rejects or keeps
      // the line on its own merits, and the warning above says where the bad bytes were.
      text = new TextDecoder("utf-8").decode(chunk, { stream: true });
    }
    let start = 0;
    let newline = text.indexOf("\n");
    if (newline === -1) {
      pending += text;
      continue;
    }
    const lines: string[] = [];
    const firstLine = lineNo;
    while (newline !== -1) {
      let line = start === 0 ? pending + text.slice(0, newline) : text.slice(start, newline);
      if (tooLongText(line)) throw tooLong(file, lineNo, maxLineLength);
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      lines.push(line);
      lineNo++;
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    pending = text.slice(start);
    yield { lines, firstLine };
  }
  try {
    pending += decoder.decode();
  } catch (cause) {
    throw new MarrowscopeError("E_VCF_RECORD", "invalid UTF-8 at end of file", { file, line: lineNo }, { cause });
  }
  if (pending.length > 0) {
    const location = { file, line: lineNo, field: "newline" };
    options.onWarning?.({ code: "W_VCF_SPEC", message: `${file}:${lineNo}: newline: no newline at end of file`, location });
    if (pending.charCodeAt(pending.length - 1) === 13) pending = pending.slice(0, -1);
    yield { lines: [pending], firstLine: lineNo };
  }
}

function tooLong(file: string, line: number, max: number): MarrowscopeError {
  return new MarrowscopeError("E_VCF_RECORD", `line is longer than ${max} bytes (raise maxLineLength if this is real)`, {
    file,
    line,
  });
}
