import { z } from "zod";

/*
 * Anthropic's Messages API request, as Claude Code and the official SDK send it. zod strips what
 * does not apply here (`cache_control`, `metadata`, `service_tier`, citations), so it is accepted
 * and ignored; what would change the answer and cannot be honoured (images) is refused by name.
 */

const TextBlock = z.object({ type: z.literal("text"), text: z.string() });
const ImageBlock = z.object({ type: z.enum(["image", "document"]) });
const ThinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() });
const RedactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string().optional() });
const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()),
});
const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1).max(200),
  content: z.union([z.string(), z.array(z.union([TextBlock, ImageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});

export const AnthropicBlock = z.discriminatedUnion("type", [TextBlock, ImageBlock, ThinkingBlock, RedactedThinkingBlock, ToolUseBlock, ToolResultBlock]);
export type AnthropicBlock = z.infer<typeof AnthropicBlock>;

export const AnthropicMessage = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(AnthropicBlock).max(10_000)]),
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;

export const AnthropicTool = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(100_000).optional(),
  input_schema: z.record(z.string(), z.unknown()),
});
export type AnthropicTool = z.infer<typeof AnthropicTool>;

export const AnthropicToolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoice>;

export const AnthropicThinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().min(0).max(1_048_576) }),
  z.object({ type: z.literal("disabled") }),
  z.object({ type: z.literal("adaptive") }),
]);

const promptFields = {
  model: z.string().max(500),
  messages: z.array(AnthropicMessage).min(1).max(10_000),
  system: z.union([z.string(), z.array(TextBlock).max(1_000)]).optional(),
  tools: z.array(AnthropicTool).max(1_000).optional(),
  tool_choice: AnthropicToolChoice.optional(),
  thinking: AnthropicThinking.optional(),
};

export const AnthropicMessagesRequest = z.object({
  ...promptFields,
  /** Required, as Anthropic's API has it: the cap on everything generated, thinking included. */
  max_tokens: z.number().int().min(1).max(1_048_576),
  stop_sequences: z.array(z.string().min(1).max(1_000)).max(16).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).max(1_000_000).optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>;

export const AnthropicCountTokensRequest = z.object(promptFields);
export type AnthropicCountTokensRequest = z.infer<typeof AnthropicCountTokensRequest>;
