import { describe, expect, it } from "vitest";
import { decodeAscii } from "../src/vcf/ascii-node.js";
import { readLines } from "../src/vcf/lines.js";

async function lines(chunks: Uint8Array[]): Promise<string[]> {
  async function* source() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const batch of readLines(source(), { file: "x.vcf", decodeAscii })) out.push(...batch.lines);
  return out;
}

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

describe("ASCII fast path (Node)", () => {
  it("decodes ASCII chunks, then hands a multi-byte sequence split across chunks to TextDecoder", async () => {
    const e = text("é"); // 0xc3 0xa9
    const got = await lines([text("a\tb\n"), bytes(...text("c"), e[0]!), bytes(e[1]!, ...text("\nd\n"))]);
    expect(got).toEqual(["a\tb", "cé", "d"]);
  });

  it("still rejects invalid UTF-8 with its line number", async () => {
    await expect(lines([text("a\n"), bytes(0x62, 0xff, 0x0a)])).rejects.toMatchObject({ code: "E_VCF_RECORD", location: { line: 2 } });
  });
});
