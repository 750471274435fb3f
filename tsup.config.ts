import { defineConfig } from "tsup";

// Test builds (test/global-setup.ts) skip declarations: they take most of the build time.
const dts = !process.env.MARROWSCOPE_TEST_BUILD;

// One build for all entries so the CLI shares chunks with the library instead of carrying a
// second copy of the gene tables. The default entry must stay free of `node:` imports
// (checked by test/package.test.ts). `bin` points at the CommonJS cli.cjs: on Node 20 it reaches
// its first line ~25 ms (7%) sooner than the ESM cli.js, whose module graph (zod's ~100 files)
// goes through the slower ESM loader; cli.js is built too and works the same.
export default defineConfig({
  // cohort-worker: the script of `annotateCohort`'s worker threads, found beside the chunk that
  // starts them (src/cohort.ts).
  entry: { index: "src/index.ts", node: "src/node.ts", cli: "src/cli.ts", "cohort-worker": "src/cohort-worker.ts" },
  format: ["esm", "cjs"],
  dts: dts ? { entry: { index: "src/index.ts", node: "src/node.ts" } } : false,
  clean: false,
  sourcemap: true,
  // "node" keeps `node:` specifiers as written (neutral rewrote them to bare "fs"); the browser
  // entry has none either way, and dependencies stay external.
  target: "node20",
  platform: "node",
  splitting: true,
  treeshake: true,
  external: [/^node:/],
  // tsup strips "node:" by default; keep it so the specifiers say what they are.
  removeNodeProtocol: false,
  // src/cohort.ts finds its worker script from `__filename` in the CommonJS build and from
  // `import.meta.url` in the ESM one, each behind a check; the CommonJS build's empty
  // `import.meta` is never read, so esbuild's warning about it is noise. (tsup's `shims` would
  // instead put node:path/node:url into a chunk the browser entry shares.)
  esbuildOptions(options) {
    options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
  },
});
