import { z } from "zod";
import { panelJsonSchema } from "./panel/index.js";
import { ReportSchema } from "./report/schema.js";

/** JSON Schema (draft 2020-12) of the report, generated from the zod schema. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportSchema, { io: "output" }) as Record<string, unknown>;
}

export { panelJsonSchema };
