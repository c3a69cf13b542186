import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the engine capability. Owned by the engine work; see index.ts.
export const engineCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const engineEvents = {} satisfies Record<string, z.ZodType>;
