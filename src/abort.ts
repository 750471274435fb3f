/**
 * The caller's AbortSignal, at the edges of a run. A signal that fires while a file is being read
 * surfaces wherever the read is (a stream destroyed mid-read, a fetch or an index read cut off),
 * each stage reporting it its own way; the public functions turn every such failure into one
 * E_ABORTED, and check the signal before they start and after they finish, so an abort at any
 * stage rejects the same way.
 */
import { isMarrowscopeError, MarrowscopeError } from "./errors.js";

/** @throws MarrowscopeError E_ABORTED when the signal has fired */
export function throwIfAborted(signal: AbortSignal | undefined, file: string | undefined): void {
  if (signal?.aborted) throw abortedError(file);
}

/** The E_ABORTED error, naming the file and keeping the stage's own failure as its cause. */
export function abortedError(file: string | undefined, cause?: unknown): MarrowscopeError {
  return new MarrowscopeError("E_ABORTED", "aborted", file === undefined ? {} : { file }, cause === undefined ? undefined : { cause });
}

/** What a failed run rejects with: E_ABORTED (the stage's own error as its cause) once the signal has fired, else the error itself. */
export function abortReason(error: unknown, signal: AbortSignal | undefined, file: string | undefined): unknown {
  if (!signal?.aborted || (isMarrowscopeError(error) && error.code === "E_ABORTED")) return error;
  return abortedError(file, error);
}

/** `items`, with the signal checked before the first and after the last, and any failure after it fired made E_ABORTED. */
export async function* guardAborts<T>(
  items: () => AsyncIterable<T>,
  signal: AbortSignal | undefined,
  file: () => string | undefined,
): AsyncGenerator<T> {
  throwIfAborted(signal, file());
  try {
    yield* items();
  } catch (error) {
    throw abortReason(error, signal, file());
  }
  throwIfAborted(signal, file());
}
