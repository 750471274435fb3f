import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Builds the package once per test run into a private folder, so CLI and package tests
 * exercise the real bundles without racing other builds of dist/. A failed build does not
 * stop the other tests; the tests that need the bundles report it.
 */
export default function setup(): () => void {
  const root = resolve(import.meta.dirname, "..");
  // One folder for every temporary directory of the run (test/helpers.ts tempDir), removed at
  // the end: worker processes may be stopped before their own clean-up runs.
  const temp = mkdtempSync(join(tmpdir(), "marrowscope-test-"));
  process.env.MARROWSCOPE_TEST_TMP = temp;
  const out = join(root, "node_modules", ".cache", "marrowscope-test", `dist-${process.pid}`);
  mkdirSync(out, { recursive: true });
  try {
    execFileSync(process.execPath, [join(root, "node_modules", "tsup", "dist", "cli-default.js"), "--out-dir", out, "--silent"], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, MARROWSCOPE_TEST_BUILD: "1" },
    });
    process.env.MARROWSCOPE_DIST = out;
  } catch (error) {
    process.env.MARROWSCOPE_BUILD_ERROR = String((error as { stderr?: Buffer }).stderr ?? error).slice(0, 2000);
  }
  return () => {
    rmSync(out, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  };
}
