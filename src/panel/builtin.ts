/**
 * The curated aplastic-anemia panel shipped with marrowscope, validated and hashed once at
 * import time.
 */
import { getBuiltinPanel } from "./load.js";
import type { Panel } from "./schema.js";

/** The builtin panel (frozen; `sha256` is the hash of its canonical JSON). */
export const builtinPanel: Panel = getBuiltinPanel();
