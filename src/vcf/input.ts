/**
 * Turns whatever the caller hands us into one shape: a name for messages, a byte stream,
 * and (when the input allows random access) a filehandle plus a way to find its index.
 * Browser-safe: Node path strings are handled in node-input.ts.
 */
import { BlobFile, type GenericFilehandle, RemoteFile } from "generic-filehandle2";
import { abortedError } from "../abort.js";
import { MarrowscopeError } from "../errors.js";

/** Anything with the generic-filehandle2 shape (LocalFile, RemoteFile, BlobFile or your own). */
export type Filehandle = GenericFilehandle;

/** What `readVariants`/`annotate` accept (the Node build also takes a path string). */
export type VcfInput =
  | URL
  | Blob
  | Uint8Array
  | { readonly text: string; readonly name?: string }
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Filehandle;

/** A `.tbi` or `.csi` index. */
export interface IndexSource {
  readonly kind: "tbi" | "csi";
  readonly filehandle: Filehandle;
  readonly name: string;
}

/** The normalised input. */
export interface VcfSource {
  readonly name: string;
  /** Raw (possibly compressed) bytes from the start. Each call starts a new read. */
  open(signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Random access to the raw bytes, when the input allows it (needed for index reads). */
  readonly filehandle?: Filehandle;
  /** Looks for `<name>.tbi` then `<name>.csi` beside the input; undefined when none. */
  findIndex?(): Promise<IndexSource | undefined>;
}

const READ_CHUNK = 1 << 20;

function isFilehandle(input: unknown): input is Filehandle {
  return (
    typeof input === "object" &&
    input !== null &&
    typeof (input as Filehandle).read === "function" &&
    typeof (input as Filehandle).stat === "function"
  );
}

function isAsyncIterable(input: unknown): input is AsyncIterable<Uint8Array> {
  return typeof input === "object" && input !== null && Symbol.asyncIterator in input;
}

function isReadableStream(input: unknown): input is ReadableStream<Uint8Array> {
  return typeof input === "object" && input !== null && typeof (input as ReadableStream).getReader === "function";
}

/** Reads a ReadableStream as an async iterable (Safari lacks ReadableStream[Symbol.asyncIterator]). */
export async function* iterateStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * A read that failed: E_ABORTED when the caller's signal stopped it, else E_INPUT saying what
 * could not be read (a filehandle's or the network's own error never reaches the caller raw).
 */
export function readError(file: string, what: string, cause: unknown, signal?: AbortSignal): MarrowscopeError {
  if (signal?.aborted) return abortedError(file, cause);
  if (cause instanceof MarrowscopeError) return cause;
  const detail = String((cause as Error)?.message ?? cause).split("\n")[0];
  return new MarrowscopeError("E_INPUT", `${what}: ${detail}`, { file }, { cause });
}

/** A file that is not the size it was when reading began: being written, or replaced. */
export function changedError(file: string, before: number, after: number | undefined): MarrowscopeError {
  const now = after === undefined ? "gone" : `${after} bytes`;
  return new MarrowscopeError(
    "E_INPUT",
    `the file changed while it was read (${before} bytes when opened, ${now} at the end): read it once it is complete`,
    { file },
  );
}

/**
 * Streams a filehandle in 1 MiB reads, up to the size it had when reading began; a file that
 * shrinks or grows meanwhile is an error, not fewer or more records than it holds.
 */
export async function* iterateFilehandle(fh: Filehandle, signal?: AbortSignal, name = "filehandle"): AsyncGenerator<Uint8Array> {
  let size: number;
  try {
    ({ size } = await fh.stat());
  } catch (cause) {
    throw readError(name, "cannot read", cause, signal);
  }
  for (let position = 0; position < size; position += READ_CHUNK) {
    const length = Math.min(READ_CHUNK, size - position);
    let bytes: Uint8Array;
    try {
      bytes = await fh.read(length, position, signal ? { signal } : undefined);
    } catch (cause) {
      throw readError(name, "cannot read", cause, signal);
    }
    if (bytes.byteLength < length) {
      const now = await fh.stat().then(
        (s) => s.size,
        () => undefined,
      );
      throw changedError(name, size, now);
    }
    yield bytes;
  }
  const after = await fh.stat().then(
    (s) => s.size,
    () => undefined,
  );
  if (after !== size) throw changedError(name, size, after);
}

async function probeIndex(make: (suffix: string) => { fh: Filehandle; name: string } | undefined): Promise<IndexSource | undefined> {
  for (const kind of ["tbi", "csi"] as const) {
    const candidate = make(`.${kind}`);
    if (!candidate) continue;
    try {
      const { size } = await candidate.fh.stat();
      if (size > 0) return { kind, filehandle: candidate.fh, name: candidate.name };
    } catch {
      // Absent index: fall back to the next kind, then to a full scan.
    }
  }
  return undefined;
}

function urlSource(url: URL): VcfSource {
  const href = url.href;
  const name = url.pathname.split("/").pop() || href;
  const filehandle = new RemoteFile(href);
  return {
    name,
    filehandle,
    async *open(signal) {
      let response: Response;
      try {
        response = await fetch(href, signal ? { signal } : undefined);
      } catch (cause) {
        throw readError(name, `cannot fetch ${href}`, cause, signal);
      }
      if (!response.ok || !response.body) {
        throw new MarrowscopeError("E_INPUT", `cannot fetch ${href}: HTTP ${response.status}`, { file: name });
      }
      try {
        yield* iterateStream(response.body);
      } catch (cause) {
        // A connection that drops mid-body: undici's TypeError("terminated"), or the abort.
        throw readError(name, `cannot fetch ${href}`, cause, signal);
      }
    },
    findIndex: () =>
      probeIndex((suffix) => {
        const u = new URL(href);
        u.pathname += suffix;
        return { fh: new RemoteFile(u.href), name: `${name}${suffix}` };
      }),
  };
}

function blobSource(blob: Blob, name: string): VcfSource {
  const filehandle = new BlobFile(blob);
  return {
    name,
    filehandle,
    open: () => iterateStream(blob.stream() as ReadableStream<Uint8Array>),
  };
}

/**
 * Normalises a browser-safe input. `name` overrides the name used in messages and reports.
 * @throws MarrowscopeError E_INPUT for an input of an unsupported kind
 */
export function toSource(input: VcfInput, name?: string): VcfSource {
  if (input instanceof URL) {
    const source = urlSource(input);
    return name ? { ...source, name } : source;
  }
  if (typeof Blob !== "undefined" && input instanceof Blob) {
    const fileName = (input as File).name;
    return blobSource(input, name ?? (typeof fileName === "string" && fileName ? fileName : "blob"));
  }
  if (input instanceof Uint8Array) {
    return {
      name: name ?? "bytes",
      open: async function* () {
        yield input;
      },
    };
  }
  if (typeof input === "object" && input !== null && "text" in input && typeof input.text === "string") {
    const { text, name: textName } = input as { text: string; name?: string };
    return {
      name: name ?? textName ?? "text",
      open: async function* () {
        yield new TextEncoder().encode(text);
      },
    };
  }
  if (isFilehandle(input)) {
    const fileName = name ?? "filehandle";
    return { name: fileName, filehandle: input, open: (signal) => iterateFilehandle(input, signal, fileName) };
  }
  if (isReadableStream(input)) {
    let used = false;
    return {
      name: name ?? "stream",
      open() {
        if (used) throw new MarrowscopeError("E_INPUT", "a stream input can be read only once", { file: name ?? "stream" });
        used = true;
        return iterateStream(input);
      },
    };
  }
  if (isAsyncIterable(input)) {
    return { name: name ?? "stream", open: () => input };
  }
  throw new MarrowscopeError(
    "E_INPUT",
    `unsupported input of type ${typeof input}: pass a URL, Blob, Uint8Array, { text }, ReadableStream, AsyncIterable<Uint8Array> or a filehandle`,
  );
}
