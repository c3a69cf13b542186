import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the chat capability. Owned by the chat work; see index.ts.
export const chatCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const chatEvents = {} satisfies Record<string, z.ZodType>;
