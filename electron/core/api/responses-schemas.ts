import { z } from "zod";

/*
 * OpenAI's Responses API request, the stateless part that Codex and the openai client send (as
 * Ollama serves it): no stored responses, so `previous_response_id` is refused by name. Fields
 * that do not apply here (`store`, `include`, `metadata`, `reasoning`, `text`) are stripped.
 */

const ContentPart = z.object({ type: z.enum(["input_text", "output_text", "text"]), text: z.string() });
const ImagePart = z.object({ type: z.enum(["input_image", "input_file"]) });

const MessageItem = z.object({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(z.union([ContentPart, ImagePart])).max(10_000)]),
});
const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  arguments: z.string(),
});
const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1).max(200),
  output: z.union([z.string(), z.array(ContentPart)]),
});
/** Reasoning a client sends back: dropped, as reasoning never re-enters the context. */
const ReasoningItem = z.object({ type: z.literal("reasoning") });

export const ResponsesInputItem = z.union([FunctionCallItem, FunctionCallOutputItem, ReasoningItem, MessageItem]);
export type ResponsesInputItem = z.infer<typeof ResponsesInputItem>;

const FunctionTool = z.object({
  type: z.literal("function"),
  name: z.string().min(1).max(200),
  description: z.string().max(100_000).nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});
/** Built-in tools (web search, …) only OpenAI runs: accepted and not offered to the model. */
const OtherTool = z.object({ type: z.string() });

export const ResponsesRequest = z.object({
  model: z.string().max(500).optional(),
  input: z.union([z.string(), z.array(ResponsesInputItem).min(1).max(10_000)]),
  instructions: z.string().max(1_000_000).nullable().optional(),
  stream: z.boolean().optional(),
  max_output_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  tools: z
    .array(z.union([FunctionTool, OtherTool]))
    .max(1_000)
    .optional(),
  tool_choice: z.union([z.enum(["auto", "none", "required"]), z.object({ type: z.literal("function"), name: z.string().min(1) })]).optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
