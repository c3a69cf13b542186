import { z } from "zod";
import { call } from "./define.js";

// Calls and events of the settings capability. Owned by the settings work; see index.ts.
export const settingsCalls = {} satisfies Record<string, ReturnType<typeof call>>;
export const settingsEvents = {} satisfies Record<string, z.ZodType>;
