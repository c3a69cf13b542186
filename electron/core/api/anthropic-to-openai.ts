import type { AnthropicBlock, AnthropicCountTokensRequest, AnthropicMessage, AnthropicMessagesRequest, AnthropicToolChoice } from "./anthropic-schemas.js";
import { ApiFailure } from "./chat-completion.js";

/*
 * An Anthropic Messages request as an OpenAI Chat Completions request, in OpenAI's own wire shape:
 * the contract with the Chat Completions endpoint, so both run one path. Pure functions.
 */

type OpenAiToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };
export type OpenAiWireMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; reasoning_content?: string; tool_calls?: OpenAiToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface TranslatedRequest {
  /** The Chat Completions body (OpenAI's field names). */
  request: Record<string, unknown> & { messages: OpenAiWireMessage[] };
  /** Whether the client asked to see the reasoning as `thinking` blocks. */
  showThinking: boolean;
  /** `thinking.budget_tokens`, for the app's thinking budget (Chat Completions has no such field). */
  thinkingBudget?: number;
}

function refuseImages(block: AnthropicBlock): never {
  throw new ApiFailure(400, "invalid_request_error", `A "${block.type}" block cannot be read here: R1 reads text only.`);
}

function toolResultText(block: Extract<AnthropicBlock, { type: "tool_result" }>): string {
  const content = block.content ?? "";
  const text = typeof content === "string" ? content : content.map((part) => (part.type === "text" ? part.text : refuseImages(part))).join("\n");
  return block.is_error ? `Error: ${text}` : text;
}

function userMessages(content: AnthropicBlock[]): OpenAiWireMessage[] {
  // Tool results answer the assistant's calls, so they come first, each as its own `tool` message.
  const tools: OpenAiWireMessage[] = [];
  const texts: string[] = [];
  for (const block of content) {
    if (block.type === "tool_result") tools.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block) });
    else if (block.type === "text") texts.push(block.text);
    else if (block.type === "image" || block.type === "document") refuseImages(block);
  }
  return texts.length ? [...tools, { role: "user", content: texts.join("\n\n") }] : tools;
}

function assistantMessage(content: AnthropicBlock[]): OpenAiWireMessage {
  const text = content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const thinking = content.flatMap((b) => (b.type === "thinking" ? [b.thinking] : [])).join("");
  const calls: OpenAiToolCall[] = content.flatMap((b) =>
    b.type === "tool_use" ? [{ id: b.id, type: "function" as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }] : [],
  );
  return {
    role: "assistant",
    content: calls.length && !text ? null : text,
    ...(thinking ? { reasoning_content: thinking } : {}),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

export function toOpenAiMessages(system: AnthropicMessagesRequest["system"], messages: AnthropicMessage[]): OpenAiWireMessage[] {
  const out: OpenAiWireMessage[] = [];
  const systemText = typeof system === "string" ? system : (system ?? []).map((b) => b.text).join("\n\n");
  if (systemText) out.push({ role: "system", content: systemText });
  for (const message of messages) {
    if (typeof message.content === "string")
      out.push(message.role === "user" ? { role: "user", content: message.content } : { role: "assistant", content: message.content });
    else if (message.role === "user") out.push(...userMessages(message.content));
    else out.push(assistantMessage(message.content));
  }
  return out;
}

export function toOpenAiToolChoice(choice: AnthropicToolChoice): { tool_choice: unknown; parallel_tool_calls?: boolean } {
  const parallel = "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use ? { parallel_tool_calls: false } : {};
  if (choice.type === "auto") return { tool_choice: "auto", ...parallel };
  if (choice.type === "any") return { tool_choice: "required", ...parallel };
  if (choice.type === "tool") return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
  return { tool_choice: "none" };
}

/** The prompt part (messages, tools, tool choice), shared by a message and a token count. */
export function toOpenAiPrompt(source: AnthropicCountTokensRequest): TranslatedRequest["request"] {
  return {
    model: source.model,
    messages: toOpenAiMessages(source.system, source.messages),
    ...(source.tools?.length
      ? { tools: source.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } })) }
      : {}),
    ...(source.tool_choice ? toOpenAiToolChoice(source.tool_choice) : {}),
  };
}

export function toOpenAiRequest(source: AnthropicMessagesRequest): TranslatedRequest {
  const request = {
    ...toOpenAiPrompt(source),
    max_tokens: source.max_tokens,
    ...(source.stop_sequences?.length ? { stop: source.stop_sequences } : {}),
    ...(source.temperature !== undefined ? { temperature: source.temperature } : {}),
    ...(source.top_p !== undefined ? { top_p: source.top_p } : {}),
    ...(source.top_k !== undefined ? { top_k: source.top_k } : {}),
  };
  const thinking = source.thinking;
  return {
    request,
    showThinking: thinking?.type === "enabled" || thinking?.type === "adaptive",
    ...(thinking?.type === "enabled" ? { thinkingBudget: thinking.budget_tokens } : {}),
  };
}
