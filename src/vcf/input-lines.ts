/**
 * The raw lines of a VCF (plain, gzip or BGZF) in any browser-safe input, without their "\n",
 * for writers that must give the input back byte for byte (the annotated VCF) where there is no
 * file system: the browser entry's counterpart of node-lines.ts. Streamed, so memory does not
 * grow with the file.
 */

import { throwIfAborted } from "../abort.js";
import { inflateBgzfBrowser } from "./bgzf-browser.js";
import { decompress } from "./decompress.js";
import { toSource, type VcfInput } from "./input.js";

/**
 * Yields the input's lines as written (a trailing "\r" kept), decompressed when it is gzip or BGZF.
 * @throws MarrowscopeError E_INPUT for an empty, truncated or corrupt input
 */
export async function* vcfLines(
  input: VcfInput,
  options: { readonly name?: string; readonly signal?: AbortSignal } = {},
): AsyncGenerator<string> {
  const source = toSource(input, options.name);
  const file = source.name;
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of decompress(source.open(options.signal), { file, inflateBgzf: inflateBgzfBrowser })) {
    throwIfAborted(options.signal, file);
    const text = rest + decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    rest = parts.pop() ?? "";
    yield* parts;
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}
