import { createHash } from "node:crypto";
import type { ChatDelta, ChatFinish, ChatUsage } from "./chat-completion.js";

/*
 * Chat Completions results as Anthropic's: the finished message, and the streamed deltas as
 * Anthropic's event sequence (content_block_start / _delta / _stop per block, in order). Pure.
 */

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

export function toStopReason(finishReason: string): AnthropicStopReason {
  if (finishReason === "length") return "max_tokens";
  if (finishReason === "tool_calls") return "tool_use";
  return "end_turn";
}

/**
 * A `thinking` block's signature: Anthropic's verifies the block came from its model; this one
 * is the digest of the text, so a client that sends the block back sends something well-formed.
 */
export function thinkingSignature(thinking: string): string {
  return createHash("sha256").update(thinking).digest("base64");
}

/** Anthropic counts the prompt apart from what was read from the cache; OpenAI counts it whole. */
export function toAnthropicUsage(usage: ChatUsage | undefined): {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
} {
  const cached = usage?.prompt_tokens_details.cached_tokens ?? 0;
  return {
    input_tokens: (usage?.prompt_tokens ?? 0) - cached,
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

interface WireToolCall {
  id?: string;
  function?: { name?: string; arguments?: string };
}

function parsedInput(args: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toAnthropicContent(message: ChatFinish["message"], showThinking: boolean): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  const thinking = message.reasoning_content.trim();
  if (showThinking && thinking) blocks.push({ type: "thinking", thinking, signature: thinkingSignature(thinking) });
  if (message.content) blocks.push({ type: "text", text: message.content });
  for (const call of (message.tool_calls ?? []) as WireToolCall[])
    blocks.push({ type: "tool_use", id: call.id ?? "", name: call.function?.name ?? "", input: parsedInput(call.function?.arguments) });
  return blocks;
}

/** The whole message, as a non-streamed `POST /v1/messages` returns it. */
export function toAnthropicMessage(id: string, model: string, finish: ChatFinish, showThinking: boolean): Record<string, unknown> {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: toAnthropicContent(finish.message, showThinking),
    stop_reason: toStopReason(finish.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(finish.usage),
  };
}

export interface AnthropicEvent {
  event: string;
  data: Record<string, unknown>;
}

type NewBlock = { kind: "thinking"; text: string } | { kind: "text" } | { kind: "tool"; call: number };
type OpenBlock = NewBlock & { index: number };

/** Turns OpenAI chunk deltas into Anthropic's streamed events; one per response. */
export class AnthropicStreamTranslator {
  #open: OpenBlock | null = null;
  #next = 0;

  constructor(private readonly showThinking: boolean) {}

  /** `message_start` (the prompt's usage comes with `message_delta` at the end) and a `ping`, as Anthropic begins. */
  start(id: string, model: string): AnthropicEvent[] {
    const message = { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: toAnthropicUsage(undefined) };
    return [
      { event: "message_start", data: { type: "message_start", message } },
      { event: "ping", data: { type: "ping" } },
    ];
  }

  delta(delta: ChatDelta): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    if (delta.reasoning_content && this.showThinking) {
      if (this.#open?.kind !== "thinking") events.push(...this.#begin({ kind: "thinking", text: "" }, { type: "thinking", thinking: "", signature: "" }));
      if (this.#open?.kind === "thinking") this.#open.text += delta.reasoning_content;
      events.push(this.#delta({ type: "thinking_delta", thinking: delta.reasoning_content }));
    }
    if (delta.content) {
      if (this.#open?.kind !== "text") events.push(...this.#begin({ kind: "text" }, { type: "text", text: "" }));
      events.push(this.#delta({ type: "text_delta", text: delta.content }));
    }
    for (const call of delta.tool_calls ?? []) {
      const open = this.#open;
      if (open?.kind !== "tool" || open.call !== call.index)
        events.push(...this.#begin({ kind: "tool", call: call.index }, { type: "tool_use", id: call.id ?? "", name: call.function?.name ?? "", input: {} }));
      if (call.function?.arguments) events.push(this.#delta({ type: "input_json_delta", partial_json: call.function.arguments }));
    }
    return events;
  }

  finish(finish: ChatFinish): AnthropicEvent[] {
    const usage = toAnthropicUsage(finish.usage);
    return [
      ...this.#close(),
      { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: toStopReason(finish.finishReason), stop_sequence: null }, usage } },
      { event: "message_stop", data: { type: "message_stop" } },
    ];
  }

  #begin(block: NewBlock, contentBlock: Record<string, unknown>): AnthropicEvent[] {
    const closed = this.#close();
    const index = this.#next++;
    this.#open = { ...block, index };
    return [...closed, { event: "content_block_start", data: { type: "content_block_start", index, content_block: contentBlock } }];
  }

  #delta(delta: Record<string, unknown>): AnthropicEvent {
    return { event: "content_block_delta", data: { type: "content_block_delta", index: this.#open!.index, delta } };
  }

  #close(): AnthropicEvent[] {
    const open = this.#open;
    if (!open) return [];
    this.#open = null;
    const stop = { event: "content_block_stop", data: { type: "content_block_stop", index: open.index } };
    if (open.kind !== "thinking") return [stop];
    return [this.#signature(open), stop];
  }

  #signature(open: OpenBlock & { kind: "thinking" }): AnthropicEvent {
    return {
      event: "content_block_delta",
      data: { type: "content_block_delta", index: open.index, delta: { type: "signature_delta", signature: thinkingSignature(open.text.trim()) } },
    };
  }
}
