/**
 * The raw lines of a VCF file in Node (plain, gzip or BGZF), without their "\n", for writers that
 * must give the input back byte for byte (the annotated VCF). zlib's gunzip reads every member of
 * a BGZF file; the file is read as a stream, so memory does not grow with it.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { MarrowscopeError } from "../errors.js";

async function gzipped(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function* fileLines(path: string): AsyncGenerator<string> {
  let isGzip: boolean;
  try {
    isGzip = await gzipped(path);
  } catch (cause) {
    throw new MarrowscopeError("E_INPUT", "cannot read", { file: path }, { cause });
  }
  const raw = createReadStream(path);
  const stream = isGzip ? raw.pipe(createGunzip()) : raw;
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      rest = parts.pop() ?? "";
      yield* parts;
    }
  } catch (cause) {
    throw new MarrowscopeError("E_INPUT", "cannot read (corrupt or truncated compression)", { file: path }, { cause });
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}
