import { z } from "zod";

/**
 * Tool calling and structured output, as the engine takes them: the OpenAI (and Anthropic) shapes
 * are translated into these by the local API. A tool's `parameters` is a JSON schema the engine
 * turns into a grammar, so a call it reports always parses.
 */

/** A function name as OpenAI allows it. */
export const ToolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "A tool name is 1 to 64 letters, digits, '_' or '-'.");

export const ToolDefinition = z.object({
  name: ToolName,
  description: z.string().max(20_000).optional(),
  /** A JSON schema of the arguments object (checked and turned into a grammar by the engine). */
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** `auto`: the model decides; `none`: no tools offered; `required`/named: only those offered. */
export const ToolChoice = z.union([z.enum(["auto", "none", "required"]), z.object({ name: ToolName })]);
export type ToolChoice = z.infer<typeof ToolChoice>;

/** A call the model made; `arguments` is JSON text. `result`: what the client's tool answered (history only). */
export const ToolCall = z.object({
  id: z.string().min(1).max(200),
  name: ToolName,
  arguments: z.string().max(2_000_000),
  result: z.string().max(2_000_000).optional(),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** The answer (after the reasoning) held to JSON, or to a JSON schema. */
export const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("json_object") }),
  z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormat>;

/** What a response may do beyond plain text; every field optional, so plain chat sends none. */
export const ToolOptions = z.object({
  tools: z.array(ToolDefinition).max(512).optional(),
  toolChoice: ToolChoice.optional(),
  /** false: at most one call per response. */
  parallelToolCalls: z.boolean().optional(),
  /** Strings that end the answer (never the reasoning); the string itself is not returned. */
  stop: z.array(z.string().min(1).max(500)).max(16).optional(),
  responseFormat: ResponseFormat.optional(),
});
export type ToolOptions = z.infer<typeof ToolOptions>;

/** Whether a model family was trained on DeepSeek's tool-call format; an untrained one may still try. */
export type ToolSupport = "trained" | "untrained";

export function toolSupportOf(family: string): ToolSupport {
  return family === "r1-0528" ? "trained" : "untrained";
}
