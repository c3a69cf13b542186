import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the catalog capability. Owned by the catalog work; see index.ts.
export const catalogCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const catalogEvents = {} satisfies Record<string, z.ZodType>;
