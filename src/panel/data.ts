/**
 * The builtin panel's raw JSON. Static imports, so bundlers inline the data and nothing touches
 * the file system at runtime. The citation registry is kept in its own file for curators and
 * joined here into the one panel object that is validated and hashed.
 */
import citations from "./data/citations.json";
import panel from "./data/panel.json";

/** Raw (unvalidated) builtin panel JSON with its citation registry joined in. */
export const builtinPanelJson: unknown = { ...panel, citations };
