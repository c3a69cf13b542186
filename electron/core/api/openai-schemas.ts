import { z } from "zod";

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const Content = z
  .union([z.string(), z.array(TextPart)])
  .nullable()
  .optional();

/** A call an assistant message made, as OpenAI writes it (arguments are JSON text). */
export const OpenAiToolCall = z.object({
  id: z.string().min(1).max(200),
  type: z.literal("function").optional(),
  function: z.object({ name: z.string().max(64), arguments: z.string().max(2_000_000) }),
});
export type OpenAiToolCall = z.infer<typeof OpenAiToolCall>;

/** OpenAI chat message; content may be a string or text parts (images are refused: R1 reads text). */
export const OpenAiMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: Content,
  /** Clients of DeepSeek's API may send it back; it is dropped (reasoning never re-enters the context). */
  reasoning_content: z.string().nullable().optional(),
  tool_calls: z.array(OpenAiToolCall).max(128).nullable().optional(),
  /** A `tool` message answers the call with this id. */
  tool_call_id: z.string().max(200).optional(),
});
export type OpenAiMessage = z.infer<typeof OpenAiMessage>;

export const OpenAiTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string(),
    description: z.string().max(20_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const ToolChoice = z.union([z.enum(["auto", "none", "required"]), z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) })]);

const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().max(64),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

/** Fields that change the answer in a way the app cannot honour: refused by name, never ignored. */
const refused = (what: string) => z.literal(false, { error: what }).nullable().optional();

/** Unknown fields are dropped, as OpenAI's own server ignores them. */
export const ChatCompletionRequest = z.object({
  model: z.string().max(500).optional(),
  messages: z.array(OpenAiMessage).min(1).max(10_000),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  /** Not OpenAI's, but llama-server's and vLLM's: unset, R1 samples from the whole vocabulary. */
  top_k: z.number().int().min(0).max(1_000_000).nullable().optional(),
  max_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable()
    .optional(),
  n: z.number().int().max(1, "n > 1 is not supported: R1 Local writes one choice per request.").nullable().optional(),
  logprobs: refused("logprobs is not supported by R1 Local."),
  top_logprobs: z.number().max(0, "top_logprobs is not supported by R1 Local.").nullable().optional(),
  logit_bias: z
    .record(z.string(), z.number())
    .refine((bias) => Object.keys(bias).length === 0, "logit_bias is not supported by R1 Local.")
    .nullable()
    .optional(),
  audio: refused("audio output is not supported by R1 Local."),
  prediction: refused("prediction is not supported by R1 Local."),
  stop: z
    .union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).max(16)])
    .nullable()
    .optional(),
  tools: z.array(OpenAiTool).max(512).nullable().optional(),
  tool_choice: ToolChoice.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  response_format: ResponseFormat.nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
