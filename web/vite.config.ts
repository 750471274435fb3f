import { fileURLToPath } from "node:url";
import { createLogger, defineConfig } from "vite";

// zod's "@__PURE__" comments sit where Rollup ignores them (harmless: removed from the output);
// two paragraphs of warning on every build would hide the ones that matter.
const logger = createLogger();
const warn = logger.warn.bind(logger);
logger.warn = (message, options) => {
  if (!message.includes("annotation that Rollup cannot interpret")) warn(message, options);
};

// The browser demo (issue 21): `npm run web` serves it, `vite build --config web/vite.config.ts`
// writes web/dist/. Relative asset paths, so the built folder works from any location.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  // Nothing is fetched from anywhere but the page's own folder: no CDN, no public/ copy.
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Chromium 80+, Firefox 113+, Safari 16.4+ (DecompressionStream, module workers).
    target: "es2022",
    // The gene tables (~900 KB gzipped) are a lazy chunk loaded only for a custom panel.
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
  },
  worker: { format: "es" },
  customLogger: logger,
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
