import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the downloads capability. Owned by the downloads work; see index.ts.
export const downloadsCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const downloadsEvents = {} satisfies Record<string, z.ZodType>;
