/** Public surface of the panel module: re-exports plus the panel JSON Schema. */
import { z } from "zod";
import { PanelSchema } from "./schema.js";

export { builtinPanel } from "./builtin.js";
export { canonicalJson, panelSha256 } from "./canonical.js";
export {
  formatPath,
  isHotspotLabel,
  type LoadPanelOptions,
  loadPanel,
} from "./load.js";
export * from "./schema.js";
export { sha256Hex, sha256HexOfText } from "./sha256.js";

/** JSON Schema (draft 2020-12) of a panel file, as users write it (defaults optional). */
export function panelJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PanelSchema, { io: "input" }) as Record<string, unknown>;
}
