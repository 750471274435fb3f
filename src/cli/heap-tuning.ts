/**
 * The CLI's own tuning of V8's heap. The library never touches process-wide V8 flags; the
 * command owns its process, so it may. Both settings are V8 flags that can change at run time
 * (a `#!/usr/bin/env node` script cannot pass node flags), applied on Node 20 only (V8 11.3,
 * where they were measured) and never over the user's own flags.
 *
 * Young generation ("new space", two semi-spaces): V8 grows it from 1 MB up to 16 MB per
 * semi-space as a run allocates and keeps the grown space committed. Growth stops once the new
 * space reaches NEW_SPACE_CAP (8 MB semi-spaces). The previous cap, 4 MB semi-spaces, cost a
 * scavenge every ~4 MB allocated, ~1 ms each though only ~4% of it survived.
 *
 * Old generation: after each full collection V8 lets the heap grow by a factor it picks from GC
 * speed (up to 4× on a small heap), so dead objects pile up between a run's few full collections,
 * and with them the memory outside the heap of the inflated 64 KiB blocks and 256 KiB reads that
 * lived long enough to be promoted (nearly all: a block waits behind the blocks in flight), which
 * is freed only when they are collected. `--heap-growing-percent=50` collects once the heap has
 * grown by half over what survived the last collection.
 *
 * Measured again with findings past 8,192 kept on disk (issue 24; bench/compare.mjs figures in
 * bench/results.json `comparisons`, medians of 3 interleaved runs, 2 cores): without it, 5M records
 * at a real genome's density peak at 136 MB instead of 116 (scan) and 122 instead of 113 (index),
 * wall the same within the machine's noise; the panel-dense files peak at 280 MB instead of 160
 * (1M × 1) and 249 instead of 147 (200k × 10), though they run 16–20% faster (fewer collections).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

/** New space (both semi-spaces) at which growth stops: 8 MB semi-spaces. */
export const NEW_SPACE_CAP = 16 * 1024 * 1024;

/** Heap growth allowed over the live size after a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 50;

/** How often the new space's size is looked at (a look costs a few microseconds). */
const POLL_MS = 10;

/** What decides whether the heap is tuned (the running process's, by default). */
export interface TuningContext {
  readonly nodeVersion: string;
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | undefined;
}

/** Node 20, and none of the user's node flags (command line or NODE_OPTIONS) matches `flag`. */
function tunes(context: TuningContext, flag: RegExp): boolean {
  return context.nodeVersion.split(".")[0] === "20" && !flag.test([...context.execArgv, context.nodeOptions ?? ""].join(" "));
}

/** Whether the young generation is capped: Node 20, and no semi-space flag of the user's. */
export function tunesYoungGeneration(context: TuningContext): boolean {
  return tunes(context, /semi[-_]space/);
}

/** Whether the old generation's growth is set: Node 20, and no heap-growing flag of the user's. */
export function tunesHeapGrowth(context: TuningContext): boolean {
  return tunes(context, /heap[-_]growing/);
}

/**
 * Sets the old generation's growth and stops V8 growing the young generation past
 * NEW_SPACE_CAP. Returns a function that stops the watch on the new space (it also stops by
 * itself once the cap is reached, and never keeps the process alive).
 */
export function tuneHeap(
  context: TuningContext = { nodeVersion: process.versions.node, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS },
): () => void {
  if (tunesHeapGrowth(context)) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
