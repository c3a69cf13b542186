import { z } from "zod";
import { call } from "./define.js";

/** The OpenAI-compatible local API (enabled in settings): where it listens and its key. */
export const ApiServerStatus = z.object({
  enabled: z.boolean(),
  running: z.boolean(),
  /** Base URL for OpenAI clients, e.g. http://127.0.0.1:41742/v1 */
  url: z.string().nullable(),
  apiKey: z.string(),
  error: z.string().nullable(),
});
export type ApiServerStatus = z.infer<typeof ApiServerStatus>;

export const apiCalls = {
  "api.status": call(z.object({}).strict(), ApiServerStatus),
  /** A new key; clients holding the old one are refused from now on. */
  "api.rotateKey": call(z.object({}).strict(), ApiServerStatus),
};

export const apiEvents = {};
