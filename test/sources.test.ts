/**
 * Every input kind reads the same records; compression is sniffed from bytes; HTTP range reads
 * work for both the scan and the index path.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMarrowscopeError, type Warning } from "../src/errors.js";
import type { Variant } from "../src/model.js";
import { annotate, readVariants, streamFindings, validate } from "../src/node.js";
import { fixture } from "./helpers.js";

const DEMO = fixture("demo.vcf.gz");
const demoBytes = new Uint8Array(readFileSync(DEMO));
const demoText = gunzipSync(demoBytes).toString("utf8");
/** Keys of the demo's 7 records, read by hand from fixtures/demo.vcf.gz. */
const DEMO_KEYS = [
  "chr1:69511:A:G",
  "chr2:25234373:C:T",
  "chr3:12345678:G:A",
  "chr5:1294000:AG:A",
  "chr7:117559590:T:C",
  "chr17:7800000:C:T",
  "chrX:15331500:G:A",
];

async function keys(input: Parameters<typeof readVariants>[0], warnings: Warning[] = []): Promise<string[]> {
  const out: string[] = [];
  for await (const v of readVariants(input, { onWarning: (w) => warnings.push(w) }) as AsyncIterable<Variant>) out.push(v.key);
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isMarrowscopeError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return "no error";
}

describe("input kinds", () => {
  it("path, bytes, text, Blob, File, ReadableStream and AsyncIterable give the same records", async () => {
    expect(await keys(DEMO)).toEqual(DEMO_KEYS);
    expect(await keys(demoBytes)).toEqual(DEMO_KEYS);
    expect(await keys({ text: demoText })).toEqual(DEMO_KEYS);
    expect(await keys(new Blob([demoBytes]))).toEqual(DEMO_KEYS);
    expect(await keys(new File([demoBytes], "demo.vcf.gz"))).toEqual(DEMO_KEYS);
    expect(await keys(new Blob([demoBytes]).stream() as ReadableStream<Uint8Array>)).toEqual(DEMO_KEYS);
    async function* chunks() {
      for (let i = 0; i < demoBytes.length; i += 100) yield demoBytes.subarray(i, i + 100);
    }
    expect(await keys(chunks())).toEqual(DEMO_KEYS);
  });

  it("a File's name is used in messages", async () => {
    const bad = new File([new TextEncoder().encode("hello\n")], "notes.txt");
    expect(await codeOf(validate(bad))).toMatch(/^E_VCF_HEADER: notes\.txt:1/);
  });
});

describe("compression by magic bytes", () => {
  it("reads plain gzip (not BGZF) from vatools", async () => {
    const result = await validate(fixture("vcf", "vatools.variants_without_csq.vcf.gz"));
    expect(result.compression).toBe("gzip");
    expect(result.records).toBe(3);
  });

  it("reads concatenated gzip members (DecompressionStream in Node 20 handles multi-member)", async () => {
    const cut = demoText.indexOf("chr3\t");
    const joined = Buffer.concat([gzipSync(demoText.slice(0, cut)), gzipSync(demoText.slice(cut))]);
    expect(joined[0]).toBe(0x1f);
    const result = await validate(new Uint8Array(joined));
    expect(result.compression).toBe("gzip");
    expect(result.records).toBe(7);
  });

  it("BGZF without its end-of-file block reads, with W_BGZF_EOF", async () => {
    const warnings: Warning[] = [];
    const truncated = demoBytes.subarray(0, demoBytes.length - 28);
    expect(await keys(truncated, warnings)).toEqual(DEMO_KEYS);
    expect(warnings.map((w) => w.code)).toContain("W_BGZF_EOF");
    const complete: Warning[] = [];
    await keys(demoBytes, complete);
    expect(complete.map((w) => w.code)).not.toContain("W_BGZF_EOF");
  });

  it("a gzip stream cut mid-member is E_INPUT", async () => {
    expect(await codeOf(validate(demoBytes.subarray(0, 400)))).toMatch(/^E_INPUT: bytes: compressed data ends early/);
  });

  it("BCF is E_INPUT naming the conversion command", async () => {
    const message = await codeOf(validate(fixture("vcf", "htslib.vcf_file.bcf")));
    expect(message).toMatch(/^E_INPUT: .*htslib\.vcf_file\.bcf: .*BCF.*bcftools view -Oz/);
  });

  it("an empty file and a missing file are E_INPUT", async () => {
    expect(await codeOf(validate(new Uint8Array(0)))).toMatch(/^E_INPUT: bytes: file is empty/);
    expect(await codeOf(validate(fixture("vcf", "no-such-file.vcf")))).toMatch(/^E_INPUT: .*no-such-file\.vcf: cannot read: no such file/);
  });
});

describe("URL input over HTTP with Range support", () => {
  let server: Server;
  let base: string;
  const ranges: string[] = [];
  const files: Record<string, Uint8Array> = {
    "/demo.vcf.gz": demoBytes,
    "/demo.vcf.gz.tbi": new Uint8Array(readFileSync(`${DEMO}.tbi`)),
    "/noindex.vcf.gz": demoBytes,
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files[req.url ?? ""];
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      if (range) {
        ranges.push(`${req.url} ${req.headers.range}`);
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
        res.writeHead(206, {
          "content-range": `bytes ${start}-${end}/${body.length}`,
          "content-length": String(end - start + 1),
          "accept-ranges": "bytes",
        });
        res.end(Buffer.from(body.subarray(start, end + 1)));
        return;
      }
      res.writeHead(200, { "content-length": String(body.length), "accept-ranges": "bytes" }).end(Buffer.from(body));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("scans a URL", async () => {
    expect(await keys(new URL(`${base}/demo.vcf.gz`))).toEqual(DEMO_KEYS);
  });

  it("index and scan strategies over HTTP give the same findings", async () => {
    const url = new URL(`${base}/demo.vcf.gz`);
    ranges.length = 0;
    const indexed = await annotate(url, { strategy: "index" });
    expect(indexed.input.strategy).toBe("index");
    expect(ranges.some((r) => r.startsWith("/demo.vcf.gz.tbi"))).toBe(true);
    expect(ranges.some((r) => r.startsWith("/demo.vcf.gz bytes="))).toBe(true);
    const scanned = await annotate(url, { strategy: "scan" });
    expect(scanned.input.strategy).toBe("scan");
    const keysOf = (r: typeof indexed) => r.samples.flatMap((s) => s.findings.map((f) => `${f.variant.key} ${f.gene.symbol}`)).sort();
    expect(keysOf(indexed)).toEqual(keysOf(scanned));
    expect(keysOf(indexed)).toEqual(expect.arrayContaining([expect.stringMatching(/^chr2:25234373:C:T DNMT3A$/)]));
  });

  it("auto falls back to a scan when the URL has no index beside it", async () => {
    const report = await annotate(new URL(`${base}/noindex.vcf.gz`));
    expect(report.input.strategy).toBe("scan");
  });

  it("an HTTP 404 is E_INPUT", async () => {
    expect(await codeOf(validate(new URL(`${base}/missing.vcf`)))).toMatch(/^E_INPUT: .*HTTP 404/);
  });
});

describe("a strict error part-way through a batch of lines", () => {
  // The demo file is one batch of lines; a bad record appended after its records makes the
  // error arrive after everything else in that batch was read. What came before must still
  // reach the caller, then the error (naming the bad line).
  const text = gunzipSync(readFileSync(fixture("demo.vcf.gz"))).toString("utf8");
  const lines = text.split("\n").filter((l) => l !== "");
  const badLine = lines.length + 1;
  // One sample (FORMAT GT:AD:DP:AF in the demo); the POS column is what is wrong.
  const broken = `${text}chr5\tnot-a-position\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\n`;

  it("readVariants yields every variant before the bad record, then throws E_VCF_RECORD at its line", async () => {
    const whole: Variant[] = [];
    for await (const v of readVariants({ text, name: "demo.vcf" })) whole.push(v);
    expect(whole.length).toBeGreaterThan(0);
    const seen: Variant[] = [];
    let caught: unknown;
    try {
      for await (const v of readVariants({ text: broken, name: "demo.vcf" })) seen.push(v);
    } catch (error) {
      caught = error;
    }
    expect(seen.map((v) => v.key)).toEqual(whole.map((v) => v.key));
    expect(isMarrowscopeError(caught) && caught.code).toBe("E_VCF_RECORD");
    expect(isMarrowscopeError(caught) && caught.location?.line).toBe(badLine);
  });

  it("streamFindings yields every finding before the bad record, then throws", async () => {
    const whole = await annotate({ text, name: "demo.vcf" }, { strategy: "scan" });
    const expected = whole.samples.flatMap((s) => s.findings.map((f) => `${f.sample} ${f.variant.key} ${f.gene.symbol}`)).sort();
    expect(expected.length).toBeGreaterThan(0);
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const f of streamFindings({ text: broken, name: "demo.vcf" }, { strategy: "scan" }))
        seen.push(`${f.sample} ${f.variant.key} ${f.gene.symbol}`);
    } catch (error) {
      caught = error;
    }
    expect(seen.sort()).toEqual(expected);
    expect(isMarrowscopeError(caught) && caught.code).toBe("E_VCF_RECORD");
  });
});
