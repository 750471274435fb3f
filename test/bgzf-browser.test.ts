/**
 * BGZF inflation for the browser entry (src/vcf/bgzf-browser.ts): Chromium's DecompressionStream
 * stops after the first gzip member, so BGZF goes through @gmod/bgzf-filehandle's WebAssembly
 * inflater with each block checked against its CRC32 and size. Runs in Node here (the same
 * WebAssembly); test/web.test.ts runs it in Chromium.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Warning } from "../src/errors.js";
import { bgzfBlockSize } from "../src/vcf/bgzf-blocks.js";
import { inflateBgzfBrowser } from "../src/vcf/bgzf-browser.js";
import { fixture, tempDir } from "./helpers.js";

const DEMO = new Uint8Array(readFileSync(fixture("demo.vcf.gz")));

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function inflate(bytes: Uint8Array, size: number, warnings: Warning[] = []): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of inflateBgzfBrowser(pieces(bytes, size), { file: "x.vcf.gz", onWarning: (w) => warnings.push(w) }))
    out.push(chunk);
  return Buffer.concat(out);
}

/** Offsets of the file's blocks. */
function blockStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  for (let p = 0; p < bytes.length; p += bgzfBlockSize(bytes, p)) starts.push(p);
  return starts;
}

/** ~1.7 MB bgzipped: past one inflate batch (1 MiB), so batches and their offsets are exercised. */
let big: Uint8Array;
beforeAll(() => {
  let x = 12345;
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++) {
    let hex = "";
    for (let k = 0; k < 6; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      hex += x.toString(16).padStart(8, "0");
    }
    lines.push(`chr1\t${i + 1}\t.\tA\tG\t.\tPASS\tX=${hex}`);
  }
  const path = join(tempDir("bgzf-browser-"), "big.txt");
  writeFileSync(path, `${lines.join("\n")}\n`);
  big = new Uint8Array(execFileSync("bgzip", ["-c", path], { maxBuffer: 1 << 26 }));
});

describe("BGZF inflation (browser entry)", () => {
  it("gives zlib's bytes whatever the read size (blocks and headers straddling reads, several batches)", async () => {
    expect(blockStarts(big).length).toBeGreaterThan(40);
    expect(big.length).toBeGreaterThan(1.5 * (1 << 20));
    const expectedBig = gunzipSync(big);
    for (const size of [65_537, 1 << 20, 3 << 20]) {
      const warnings: Warning[] = [];
      expect((await inflate(big, size, warnings)).equals(expectedBig), `read size ${size}`).toBe(true);
      expect(warnings).toEqual([]);
    }
    const expected = gunzipSync(DEMO);
    for (const size of [1, 7, 18, 19, 1000]) expect((await inflate(DEMO, size)).equals(expected), `demo, read size ${size}`).toBe(true);
  });

  it("warns when the EOF block is missing", async () => {
    const warnings: Warning[] = [];
    await inflate(DEMO.subarray(0, DEMO.length - 28), 100, warnings);
    expect(warnings.map((w) => w.code)).toEqual(["W_BGZF_EOF"]);
  });

  it("fails with E_INPUT on a truncated file, a bad header, and a block whose CRC32 or data is wrong", async () => {
    await expect(inflate(DEMO.subarray(0, DEMO.length - 40), 64)).rejects.toMatchObject({
      code: "E_INPUT",
      message: expect.stringMatching(/ends early/),
    });
    const notBgzf = DEMO.slice();
    notBgzf[12] = 0;
    await expect(inflate(notBgzf, 64)).rejects.toMatchObject({ code: "E_INPUT", message: expect.stringMatching(/BGZF block header/) });
    // The WebAssembly inflater gives the same bytes for a wrong CRC and other bytes for flipped
    // data without an error (checked by hand); the trailer check catches both.
    const third = blockStarts(big)[2]!;
    const thirdEnd = third + bgzfBlockSize(big, third);
    const badCrc = big.slice();
    badCrc[thirdEnd - 8] = (badCrc[thirdEnd - 8] ?? 0) ^ 0xff;
    await expect(inflate(badCrc, 1 << 20)).rejects.toMatchObject({
      code: "E_INPUT",
      message: `x.vcf.gz: BGZF block at compressed offset ${third} fails its CRC32/size check (corrupt file?)`,
    });
    const badData = big.slice();
    badData[thirdEnd - 100] = (badData[thirdEnd - 100] ?? 0) ^ 0x55;
    await expect(inflate(badData, 1 << 20)).rejects.toMatchObject({ code: "E_INPUT" });
  });
});
