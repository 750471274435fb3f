#!/usr/bin/env node
/**
 * Reference row of `npm run bench`: the same regions read with @gmod/tabix's own `getLines`
 * (the library marrowscope used for .tbi/.csi until its index reader replaced it; see
 * src/vcf/tabix-index.ts). Prints the number of lines, like `bcftools view -H -R … | wc -l`.
 *
 *   node bench/gmod-tabix.mjs FILE.vcf.gz REGIONS.bed
 */
import { readFileSync } from "node:fs";
import { TabixIndexedFile } from "@gmod/tabix";

const [file, bed] = process.argv.slice(2);
if (!file || !bed) {
  process.stderr.write("usage: node bench/gmod-tabix.mjs FILE.vcf.gz REGIONS.bed\n");
  process.exit(2);
}
const indexed = new TabixIndexedFile({ path: file, tbiPath: `${file}.tbi` });
// BED is 0-based half-open, as getLines takes it. Overlapping regions return a line once each
// region; the set of virtual offsets counts each line once, as bcftools -R does.
const seen = new Set();
for (const row of readFileSync(bed, "utf8").split("\n")) {
  if (row === "" || row.startsWith("#")) continue;
  const [chrom, start, end] = row.split("\t");
  await indexed.getLines(chrom, Number(start), Number(end), { lineCallback: (_line, offset) => seen.add(offset) });
}
process.stdout.write(`${seen.size}\n`);
