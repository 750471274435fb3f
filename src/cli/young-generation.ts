/**
 * The CLI's own tuning of V8's young generation. The library never touches process-wide V8
 * flags; the command owns its process, so it may.
 *
 * V8 grows the young generation ("new space", two semi-spaces) from 1 MB up to 16 MB per
 * semi-space as a run allocates, and keeps the grown space committed: 34 MB of every long run's
 * peak resident memory. Holding it at 8 MB (two 4 MB semi-spaces) measured (3 runs each, peak
 * RSS): 5M records × 10 samples index 135–144 MB (was 160–165), 5M × 1 index 113–120 MB (was
 * 142–146); the panel-dense case, whose peak is its findings, 176–178 MB (was 179–182). The
 * instructions of a 50,000-record panel-dense run stayed the same (10.87 vs 10.89 G, callgrind),
 * so the extra scavenges cost nothing measurable. The size can only be set by a node flag at
 * start-up (`--max-semi-space-size`), which a `#!/usr/bin/env node` script cannot pass; the
 * growth factor can change at run time, so growth is stopped (factor 1) once the new space has
 * reached the cap.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

/** New space (both semi-spaces) at which growth stops: 8 MB semi-spaces. */
export const NEW_SPACE_CAP = 8 * 1024 * 1024;

/** How often the new space's size is looked at (a look costs a few microseconds). */
const POLL_MS = 10;

/** What decides whether the young generation is tuned (the running process's, by default). */
export interface TuningContext {
  readonly nodeVersion: string;
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | undefined;
}

/**
 * Where the young generation is tuned here: Node 20, whose V8 (11.3) has the flag and where the
 * effect was measured. Elsewhere, and when the user set the young generation's size or growth
 * themselves (node flags or NODE_OPTIONS), V8 is left alone.
 */
export function tunesYoungGeneration(context: TuningContext): boolean {
  if (context.nodeVersion.split(".")[0] !== "20") return false;
  return !/semi[-_]space/.test([...context.execArgv, context.nodeOptions ?? ""].join(" "));
}

/**
 * Stops V8 growing the young generation past NEW_SPACE_CAP. Returns a function that stops the
 * watch (it also stops by itself once the cap is reached, and never keeps the process alive).
 */
export function capYoungGeneration(
  context: TuningContext = { nodeVersion: process.versions.node, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS },
): () => void {
  if (!tunesYoungGeneration(context)) return () => {};
  const reached = () => (getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0) >= NEW_SPACE_CAP;
  const timer = setInterval(() => {
    if (!reached()) return;
    setFlagsFromString("--semi-space-growth-factor=1");
    clearInterval(timer);
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
