import { defineConfig } from "tsup";

// Test builds (test/global-setup.ts) skip declarations: they take most of the build time.
const dts = !process.env.MARROWSCOPE_TEST_BUILD;

// Library: ESM + CJS with .d.ts/.d.cts; the default entry must stay free of `node:` imports
// (checked by test/package.test.ts). The CLI is ESM only.
export default defineConfig([
  {
    entry: { index: "src/index.ts", node: "src/node.ts" },
    format: ["esm", "cjs"],
    dts,
    clean: false,
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
    splitting: true,
    treeshake: true,
    external: ["node:fs", "node:fs/promises", "node:path"],
  },
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    sourcemap: true,
    target: "node20",
    platform: "node",
  },
]);
