import { randomUUID } from "node:crypto";
import type { ChatDelta, ChatFinish, ChatUsage } from "./chat-completion.js";

/*
 * Chat Completions deltas as a Responses API response: output items (reasoning with its summary,
 * the message, function calls) built as the deltas come, each step also written as the Responses
 * streaming events. A non-streamed request uses the same builder and keeps only the final object.
 */

export interface ResponsesEvent {
  type: string;
  [field: string]: unknown;
}

type Item =
  | { type: "reasoning"; id: string; summary: { type: "summary_text"; text: string }[] }
  | { type: "message"; id: string; status: string; role: "assistant"; content: { type: "output_text"; text: string; annotations: [] }[] }
  | { type: "function_call"; id: string; call_id: string; name: string; arguments: string; status: string; call: number };

const itemId = (prefix: string) => `${prefix}_${randomUUID().replaceAll("-", "")}`;

function usageOf(usage: ChatUsage | undefined) {
  return {
    input_tokens: usage?.prompt_tokens ?? 0,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details.cached_tokens ?? 0 },
    output_tokens: usage?.completion_tokens ?? 0,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details.reasoning_tokens ?? 0 },
    total_tokens: usage?.total_tokens ?? 0,
  };
}

export class ResponsesBuilder {
  readonly #id = itemId("resp");
  readonly #created = Math.floor(Date.now() / 1000);
  readonly #output: Item[] = [];
  #open: Item | null = null;
  #sequence = 0;

  constructor(
    private readonly model: string,
    private readonly echo: Record<string, unknown>,
  ) {}

  response(status: string, finish?: ChatFinish): Record<string, unknown> {
    const incomplete = finish?.finishReason === "length";
    return {
      id: this.#id,
      object: "response",
      created_at: this.#created,
      status: incomplete ? "incomplete" : status,
      incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
      error: null,
      model: this.model,
      output: this.#output.map(({ call: _call, ...item }: Item & { call?: number }) => item),
      usage: finish ? usageOf(finish.usage) : null,
      metadata: {},
      ...this.echo,
    };
  }

  start(): ResponsesEvent[] {
    return [
      this.#event({ type: "response.created", response: this.response("in_progress") }),
      this.#event({ type: "response.in_progress", response: this.response("in_progress") }),
    ];
  }

  delta(delta: ChatDelta): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    if (delta.reasoning_content) {
      if (this.#open?.type !== "reasoning") events.push(...this.#begin({ type: "reasoning", id: itemId("rs"), summary: [{ type: "summary_text", text: "" }] }));
      const open = this.#open as Extract<Item, { type: "reasoning" }>;
      open.summary[0]!.text += delta.reasoning_content;
      events.push(this.#event({ type: "response.reasoning_summary_text.delta", ...this.#at(), summary_index: 0, delta: delta.reasoning_content }));
    }
    if (delta.content) {
      if (this.#open?.type !== "message")
        events.push(
          ...this.#begin({
            type: "message",
            id: itemId("msg"),
            status: "in_progress",
            role: "assistant",
            content: [{ type: "output_text", text: "", annotations: [] }],
          }),
        );
      const open = this.#open as Extract<Item, { type: "message" }>;
      open.content[0]!.text += delta.content;
      events.push(this.#event({ type: "response.output_text.delta", ...this.#at(), content_index: 0, delta: delta.content }));
    }
    for (const call of delta.tool_calls ?? []) {
      const open = this.#open;
      if (open?.type !== "function_call" || open.call !== call.index)
        events.push(
          ...this.#begin({
            type: "function_call",
            id: itemId("fc"),
            call_id: call.id ?? "",
            name: call.function?.name ?? "",
            arguments: "",
            status: "in_progress",
            call: call.index,
          }),
        );
      const args = call.function?.arguments;
      if (!args) continue;
      (this.#open as Extract<Item, { type: "function_call" }>).arguments += args;
      events.push(this.#event({ type: "response.function_call_arguments.delta", ...this.#at(), delta: args }));
    }
    return events;
  }

  finish(finish: ChatFinish): ResponsesEvent[] {
    const closed = this.#close();
    return [...closed, this.#event({ type: "response.completed", response: this.response("completed", finish) })];
  }

  #at() {
    return { item_id: this.#open!.id, output_index: this.#output.indexOf(this.#open!) };
  }

  #begin(item: Item): ResponsesEvent[] {
    const closed = this.#close();
    this.#output.push(item);
    this.#open = item;
    const added = this.#event({ type: "response.output_item.added", output_index: this.#output.length - 1, item: structuredClone(item) });
    if (item.type === "reasoning")
      return [
        ...closed,
        added,
        this.#event({ type: "response.reasoning_summary_part.added", ...this.#at(), summary_index: 0, part: { type: "summary_text", text: "" } }),
      ];
    if (item.type === "message")
      return [
        ...closed,
        added,
        this.#event({ type: "response.content_part.added", ...this.#at(), content_index: 0, part: { type: "output_text", text: "", annotations: [] } }),
      ];
    return [...closed, added];
  }

  #close(): ResponsesEvent[] {
    const open = this.#open;
    if (!open) return [];
    const at = this.#at();
    this.#open = null;
    const events: ResponsesEvent[] = [];
    if (open.type === "reasoning") {
      const part = open.summary[0]!;
      events.push(this.#event({ type: "response.reasoning_summary_text.done", ...at, summary_index: 0, text: part.text }));
      events.push(this.#event({ type: "response.reasoning_summary_part.done", ...at, summary_index: 0, part }));
    } else if (open.type === "message") {
      open.status = "completed";
      events.push(this.#event({ type: "response.output_text.done", ...at, content_index: 0, text: open.content[0]!.text }));
      events.push(this.#event({ type: "response.content_part.done", ...at, content_index: 0, part: open.content[0] }));
    } else {
      open.status = "completed";
      events.push(this.#event({ type: "response.function_call_arguments.done", ...at, arguments: open.arguments }));
    }
    const { call: _call, ...item } = open as Item & { call?: number };
    return [...events, this.#event({ type: "response.output_item.done", output_index: at.output_index, item })];
  }

  #event(event: ResponsesEvent): ResponsesEvent {
    return { ...event, sequence_number: this.#sequence++ };
  }
}
