/**
 * Node-only inputs: a plain string is always a file path. Lives apart so the default
 * (browser) build never imports `node:` modules.
 */
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { LocalFile } from "generic-filehandle2";
import { abortedError, throwIfAborted } from "../abort.js";
import { MarrowscopeError } from "../errors.js";
import { changedError, type IndexSource, toSource, type VcfInput, type VcfSource } from "./input.js";

export type NodeVcfInput = VcfInput | string;

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Explains a failed open in one line (ENOENT, EACCES, EISDIR). */
function openError(path: string, cause: NodeJS.ErrnoException): MarrowscopeError {
  const why =
    cause.code === "ENOENT"
      ? "no such file"
      : cause.code === "EACCES"
        ? "permission denied"
        : cause.code === "EISDIR"
          ? "is a directory, not a VCF file"
          : cause.message;
  return new MarrowscopeError("E_INPUT", `cannot read: ${why}`, { file: path }, { cause });
}

export function pathSource(path: string, name = path): VcfSource {
  return {
    name,
    filehandle: new LocalFile(path),
    async *open(signal) {
      let info: Stats;
      try {
        info = await stat(path);
        if (info.isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
      } catch (cause) {
        throw openError(name, cause as NodeJS.ErrnoException);
      }
      // A regular file is read up to the size it had when opened, and must still have it, unchanged,
      // at the end: a file still being written (or replaced) would otherwise give a cut last
      // record, or records that were never in one version of it. Pipes and devices have no size.
      const regular = info.isFile();
      // Node 20's createReadStream leaves its file open when given a signal that has already fired.
      throwIfAborted(signal, name);
      // 256 KiB reads: as fast as 1 MiB on a 230 MB file and a quarter of the buffered bytes.
      const stream = createReadStream(path, {
        highWaterMark: 1 << 18,
        signal,
        ...(regular && info.size > 0 ? { end: info.size - 1 } : {}),
      });
      let read = 0;
      try {
        for await (const chunk of stream) {
          read += (chunk as Uint8Array).byteLength;
          yield chunk as Uint8Array;
        }
      } catch (cause) {
        if (signal?.aborted) throw abortedError(name, cause);
        throw openError(name, cause as NodeJS.ErrnoException);
      }
      if (!regular) return;
      const after = await stat(path).catch(() => undefined);
      if (read !== info.size || after === undefined || after.size !== info.size || after.mtimeMs !== info.mtimeMs)
        throw changedError(name, info.size, after?.size);
    },
    async findIndex(): Promise<IndexSource | undefined> {
      for (const kind of ["tbi", "csi"] as const) {
        const candidate = `${path}.${kind}`;
        if (await exists(candidate)) {
          return { kind, filehandle: new LocalFile(candidate), name: basename(candidate) };
        }
      }
      return undefined;
    },
  };
}

/** Like `toSource`, plus path strings. */
export function toNodeSource(input: NodeVcfInput, name?: string): VcfSource {
  if (typeof input === "string") return pathSource(input, name ?? input);
  return toSource(input, name);
}

/** An index given by path. */
export function indexFromPath(path: string): IndexSource {
  return { kind: path.endsWith(".csi") ? "csi" : "tbi", filehandle: new LocalFile(path), name: basename(path) };
}
