/**
 * Node-only inputs: a plain string is always a file path. Lives apart so the default
 * (browser) build never imports `node:` modules.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { LocalFile } from "generic-filehandle2";
import { MarrowscopeError } from "../errors.js";
import { type IndexSource, toSource, type VcfInput, type VcfSource } from "./input.js";

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
      try {
        const info = await stat(path);
        if (info.isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
      } catch (cause) {
        throw openError(name, cause as NodeJS.ErrnoException);
      }
      // 256 KiB reads: as fast as 1 MiB on a 230 MB file and a quarter of the buffered bytes.
      const stream = createReadStream(path, { highWaterMark: 1 << 18, signal });
      try {
        for await (const chunk of stream) yield chunk as Uint8Array;
      } catch (cause) {
        throw openError(name, cause as NodeJS.ErrnoException);
      }
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
