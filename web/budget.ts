/**
 * The size budget of the browser demo (docs/browser.md): the files a page loads to annotate the
 * demo VCF, gzipped as a web server would send them, must stay under BUDGET_GZIP_BYTES. The test
 * (test/web.test.ts) takes the list from what the page actually asked the server for.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Set from measurement (docs/browser.md): 330,511 bytes on 2026-12-04 for the page, its worker,
 * the BGZF inflater, the index reader and the exporters (fetched at load so that the page works
 * offline), with room for ~15% growth. Before issue 21 a page importing the library carried
 * ~1.16 MB gzipped, nearly all of it gene tables.
 */
export const BUDGET_GZIP_BYTES = 380_000;

export interface AssetSize {
  readonly path: string;
  readonly raw: number;
  readonly gzip: number;
}

/** Raw and gzipped (zlib level 9) size of each file, `paths` relative to `root` (as served: `/assets/x.js`). */
export function assetSizes(root: string, paths: readonly string[]): AssetSize[] {
  return [...new Set(paths)].map((path) => {
    const bytes = readFileSync(join(root, path));
    return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

/**
 * Sums the sizes and throws when the gzipped total is over `budget`, naming every file.
 * @returns the totals when within budget
 */
export function checkBudget(sizes: readonly AssetSize[], budget: number = BUDGET_GZIP_BYTES): { raw: number; gzip: number } {
  const raw = sizes.reduce((n, s) => n + s.raw, 0);
  const gzip = sizes.reduce((n, s) => n + s.gzip, 0);
  if (gzip > budget) {
    const lines = sizes.map((s) => `  ${s.path}: ${s.raw} bytes, ${s.gzip} gzipped`);
    throw new Error(`browser demo over its size budget: ${gzip} bytes gzipped > ${budget}\n${lines.join("\n")}`);
  }
  return { raw, gzip };
}
