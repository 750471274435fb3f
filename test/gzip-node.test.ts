/**
 * Plain (non-BGZF) gzip in Node (src/vcf/gzip-node.ts): zlib with backpressure, because Node
 * 20's DecompressionStream read a whole .vcf.gz ahead of its reader.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { annotate } from "../src/node.js";
import { inflateGzip } from "../src/vcf/gzip-node.js";
import { fixture } from "./helpers.js";

/** Chunks of `bytes`, counting how many bytes the consumer has pulled. */
function source(bytes: Uint8Array, size: number) {
  const counter = { pulled: 0 };
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += size) {
      const chunk = bytes.subarray(i, i + size);
      counter.pulled += chunk.length;
      yield chunk;
    }
  }
  return { counter, chunks: chunks() };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe("inflateGzip", () => {
  it("reads concatenated members as one stream, as gzip -d does", async () => {
    const a = Buffer.from("##fileformat=VCFv4.2\n");
    const b = Buffer.from("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    const { chunks } = source(Buffer.concat([gzipSync(a), gzipSync(b)]), 7);
    expect((await collect(inflateGzip(chunks))).toString()).toBe(`${a}${b}`);
  });

  it("reads its input only as far as its output is read", async () => {
    // ~17 MB of text, ~1.4 MB compressed, fed in 64 KiB pieces.
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`chr1\t${1000 + i * 7}\t.\tA\tG\t50\tPASS\tDP=${i % 97};AF=0.${i % 10}\n`);
    const compressed = gzipSync(lines.join(""), { level: 1 });
    expect(compressed.length).toBeGreaterThan(1_000_000);
    const { counter, chunks } = source(compressed, 1 << 16);
    const iterator = inflateGzip(chunks)[Symbol.asyncIterator]();
    let read = 0;
    for (let i = 0; i < 4; i++) read += ((await iterator.next()).value as Uint8Array).length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(read).toBeGreaterThan(0);
    // A few pieces ahead at most (stream buffers), never the whole input.
    expect(counter.pulled).toBeLessThan(compressed.length / 2);
    await iterator.return?.(undefined);
  });

  it("fails on a truncated or corrupt stream", async () => {
    const whole = gzipSync(Buffer.alloc(100_000, "A"));
    await expect(collect(inflateGzip(source(whole.subarray(0, whole.length - 10), 1000).chunks))).rejects.toThrow(/unexpected end/i);
    const corrupt = Buffer.from(whole);
    corrupt[20] = (corrupt[20] ?? 0) ^ 0xff;
    await expect(collect(inflateGzip(source(corrupt, 1000).chunks))).rejects.toThrow();
  });

  it("gives annotate the same report from plain gzip as from plain text", async () => {
    const text = gunzipSync(await import("node:fs").then((fs) => fs.readFileSync(fixture("demo.vcf.gz")))).toString();
    const fromGzip = await annotate(gzipSync(text), { name: "demo.vcf.gz" });
    const fromText = await annotate({ text }, { name: "demo.vcf.gz" });
    expect(fromGzip).toEqual(fromText);
    expect(fromGzip.samples[0]!.findings.length).toBeGreaterThan(0);
  });
});
