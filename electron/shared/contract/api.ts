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
  /** The model the API serves now (the id /v1/models lists) and its context size; null when none is loaded. */
  model: z.object({ id: z.string(), contextSize: z.number().int().nullable() }).nullable(),
});
export type ApiServerStatus = z.infer<typeof ApiServerStatus>;

/** The API shapes the local API speaks, each with its own "Test" in the editor panel. */
export const ApiShape = z.enum(["openai-chat", "anthropic-messages", "responses"]);
export type ApiShape = z.infer<typeof ApiShape>;

/** The editor panel's "Test": one request sent through the running API, and what came back. */
export const ApiTestResult = z.object({
  ok: z.boolean(),
  /** The HTTP status, or null when no answer came. */
  status: z.number().int().nullable(),
  model: z.string().nullable(),
  reply: z.string(),
  reasoning: z.string(),
  /** The shape's own stop reason: OpenAI's "stop" / "length", Anthropic's "end_turn" / "max_tokens", the Responses status. */
  finishReason: z.string().nullable(),
  completionTokens: z.number().int().nullable(),
  /** Why it failed, for a person. */
  message: z.string().nullable(),
});
export type ApiTestResult = z.infer<typeof ApiTestResult>;

export const apiCalls = {
  "api.status": call(z.object({}).strict(), ApiServerStatus),
  /** A new key; clients holding the old one are refused from now on. */
  "api.rotateKey": call(z.object({}).strict(), ApiServerStatus),
  /** Sends one request of the shape (OpenAI chat by default) through the local API over HTTP with its key, as an editor would. */
  "api.test": call(z.object({ shape: ApiShape.optional() }).strict(), ApiTestResult),
};

export const apiEvents = {};
