import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Warning } from "../src/errors.js";
import { inflateBgzf } from "../src/vcf/bgzf-node.js";
import { fixture } from "./helpers.js";

const DEMO = new Uint8Array(readFileSync(fixture("demo.vcf.gz")));

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function inflate(bytes: Uint8Array, size: number, warnings: Warning[] = []): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of inflateBgzf(pieces(bytes, size), { file: "x.vcf.gz", onWarning: (w) => warnings.push(w) })) out.push(chunk);
  return Buffer.concat(out);
}

describe("concurrent BGZF inflation (Node)", () => {
  it("gives zlib's bytes whatever the read size (blocks and headers straddling reads)", async () => {
    const expected = gunzipSync(DEMO);
    for (const size of [1, 7, 17, 18, 19, 1000, 1 << 20]) {
      const warnings: Warning[] = [];
      expect((await inflate(DEMO, size, warnings)).equals(expected), `read size ${size}`).toBe(true);
      expect(warnings).toEqual([]);
    }
  });

  it("warns when the EOF block is missing", async () => {
    const warnings: Warning[] = [];
    await inflate(DEMO.subarray(0, DEMO.length - 28), 100, warnings);
    expect(warnings.map((w) => w.code)).toEqual(["W_BGZF_EOF"]);
  });

  it("fails with E_INPUT on a truncated file and on a corrupt block", async () => {
    await expect(inflate(DEMO.subarray(0, DEMO.length - 40), 64)).rejects.toMatchObject({ code: "E_INPUT" });
    const corrupt = DEMO.slice();
    corrupt[40] = (corrupt[40] ?? 0) ^ 0xff;
    await expect(inflate(corrupt, 64)).rejects.toMatchObject({ code: "E_INPUT" });
    const notBgzf = DEMO.slice();
    notBgzf[12] = 0;
    await expect(inflate(notBgzf, 64)).rejects.toMatchObject({ code: "E_INPUT", message: expect.stringMatching(/BGZF block header/) });
  });
});
