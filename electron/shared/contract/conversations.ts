import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the conversations capability. Owned by the conversations work; see index.ts.
export const conversationsCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const conversationsEvents = {} satisfies Record<string, z.ZodType>;
