import { describe, expect, it } from "vitest";
import { AnthropicMessagesRequest } from "../../electron/core/api/anthropic-schemas.js";
import { toOpenAiRequest } from "../../electron/core/api/anthropic-to-openai.js";
import type { ChatFinish } from "../../electron/core/api/chat-completion.js";
import { AnthropicStreamTranslator, thinkingSignature, toAnthropicMessage } from "../../electron/core/api/openai-to-anthropic.js";

// Anthropic ↔ OpenAI Chat Completions, the wire shapes on both sides (the contract with the Chat Completions endpoint).
const parse = (body: unknown) => AnthropicMessagesRequest.parse(body);

const readFile = {
  name: "read_file",
  description: "Reads a file",
  input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

describe("an Anthropic request as a Chat Completions request", () => {
  it("turns tools, tool_use and tool_result into OpenAI's tools, assistant tool_calls and tool messages, in order", () => {
    const { request } = toOpenAiRequest(
      parse({
        model: "claude-sonnet-4-5",
        max_tokens: 1000,
        system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
        tools: [readFile],
        stop_sequences: ["END"],
        messages: [
          { role: "user", content: "Read a.txt and b.txt" },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "I should read both.", signature: "x" },
              { type: "text", text: "Reading." },
              { type: "tool_use", id: "toolu_a", name: "read_file", input: { path: "a.txt" } },
              { type: "tool_use", id: "toolu_b", name: "read_file", input: { path: "b.txt" } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_a", content: "alpha" },
              { type: "tool_result", tool_use_id: "toolu_b", content: [{ type: "text", text: "no such file" }], is_error: true },
              { type: "text", text: "Now answer." },
            ],
          },
        ],
      }),
    );
    expect(request).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 1000,
      stop: ["END"],
      tools: [{ type: "function", function: { name: "read_file", description: "Reads a file", parameters: readFile.input_schema } }],
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Read a.txt and b.txt" },
        {
          role: "assistant",
          content: "Reading.",
          reasoning_content: "I should read both.",
          tool_calls: [
            { id: "toolu_a", type: "function", function: { name: "read_file", arguments: '{"path":"a.txt"}' } },
            { id: "toolu_b", type: "function", function: { name: "read_file", arguments: '{"path":"b.txt"}' } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_a", content: "alpha" },
        { role: "tool", tool_call_id: "toolu_b", content: "Error: no such file" },
        { role: "user", content: "Now answer." },
      ],
    });
  });

  it("maps tool_choice: auto, any → required, tool → the named function, none; disable_parallel_tool_use → parallel_tool_calls false", () => {
    const base = { model: "m", max_tokens: 10, tools: [readFile], messages: [{ role: "user", content: "Hi" }] };
    const choice = (tool_choice: unknown) => {
      const { request } = toOpenAiRequest(parse({ ...base, tool_choice }));
      return { tool_choice: request.tool_choice, parallel_tool_calls: request.parallel_tool_calls };
    };
    expect(choice({ type: "auto" })).toEqual({ tool_choice: "auto", parallel_tool_calls: undefined });
    expect(choice({ type: "any", disable_parallel_tool_use: true })).toEqual({ tool_choice: "required", parallel_tool_calls: false });
    expect(choice({ type: "tool", name: "read_file" })).toEqual({
      tool_choice: { type: "function", function: { name: "read_file" } },
      parallel_tool_calls: undefined,
    });
    expect(choice({ type: "none" })).toEqual({ tool_choice: "none", parallel_tool_calls: undefined });
  });

  it("carries thinking's budget_tokens to the app's thinking budget, and shows thinking only when asked", () => {
    const base = { model: "m", max_tokens: 4000, messages: [{ role: "user", content: "Hi" }] };
    expect(toOpenAiRequest(parse({ ...base, thinking: { type: "enabled", budget_tokens: 2048 } }))).toMatchObject({ showThinking: true, thinkingBudget: 2048 });
    const plain = toOpenAiRequest(parse(base));
    expect(plain.showThinking).toBe(false);
    expect(plain.thinkingBudget).toBeUndefined();
  });

  it("requires max_tokens, as Anthropic's API does, and names it", () => {
    const parsed = AnthropicMessagesRequest.safeParse({ model: "m", messages: [{ role: "user", content: "Hi" }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["max_tokens"]);
  });

  it("refuses images by name instead of dropping them", () => {
    const body = parse({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AA" } }] }],
    });
    expect(() => toOpenAiRequest(body)).toThrow(/"image" block cannot be read here/);
  });
});

const finish = (message: Partial<ChatFinish["message"]>, finishReason = "stop"): ChatFinish => ({
  type: "finish",
  finishReason,
  message: { role: "assistant", content: "", reasoning_content: "", ...message },
  usage: {
    prompt_tokens: 30,
    completion_tokens: 12,
    total_tokens: 42,
    prompt_tokens_details: { cached_tokens: 10 },
    completion_tokens_details: { reasoning_tokens: 5 },
  },
});

describe("Chat Completions results as Anthropic's", () => {
  it("builds thinking, text and tool_use blocks, with stop_reason tool_use and the cache read apart from the input", () => {
    const message = toAnthropicMessage(
      "msg_1",
      "r1",
      finish(
        {
          reasoning_content: "\nLet me look.\n",
          content: "Looking.",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.txt"}' } }],
        },
        "tool_calls",
      ),
      true,
    );
    expect(message).toEqual({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "r1",
      content: [
        { type: "thinking", thinking: "Let me look.", signature: thinkingSignature("Let me look.") },
        { type: "text", text: "Looking." },
        { type: "tool_use", id: "call_1", name: "read_file", input: { path: "a.txt" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 },
    });
    expect(toAnthropicMessage("m", "r1", finish({ content: "cut" }, "length"), true)).toMatchObject({ stop_reason: "max_tokens" });
  });

  it("streams OpenAI deltas as Anthropic's block events: thinking, text, then each tool call's input_json_delta fragments", () => {
    const stream = new AnthropicStreamTranslator(true);
    const events = [
      ...stream.start("msg_1", "r1"),
      ...stream.delta({ reasoning_content: "Hmm" }),
      ...stream.delta({ reasoning_content: "." }),
      ...stream.delta({ content: "Reading." }),
      ...stream.delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "read_file", arguments: "" } }] }),
      ...stream.delta({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
      ...stream.delta({ tool_calls: [{ index: 0, function: { arguments: '"a.txt"}' } }] }),
      ...stream.delta({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "read_file", arguments: '{"path":"b.txt"}' } }] }),
      ...stream.finish(finish({}, "tool_calls")),
    ];
    const brief = events.map(({ data }) => {
      const d = data as { type: string; index?: number; delta?: Record<string, unknown>; content_block?: Record<string, unknown> };
      return [d.type, d.index, d.content_block ?? d.delta].filter((x) => x !== undefined);
    });
    expect(brief).toEqual([
      ["message_start"],
      ["ping"],
      ["content_block_start", 0, { type: "thinking", thinking: "", signature: "" }],
      ["content_block_delta", 0, { type: "thinking_delta", thinking: "Hmm" }],
      ["content_block_delta", 0, { type: "thinking_delta", thinking: "." }],
      ["content_block_delta", 0, { type: "signature_delta", signature: thinkingSignature("Hmm.") }],
      ["content_block_stop", 0],
      ["content_block_start", 1, { type: "text", text: "" }],
      ["content_block_delta", 1, { type: "text_delta", text: "Reading." }],
      ["content_block_stop", 1],
      ["content_block_start", 2, { type: "tool_use", id: "call_1", name: "read_file", input: {} }],
      ["content_block_delta", 2, { type: "input_json_delta", partial_json: '{"path":' }],
      ["content_block_delta", 2, { type: "input_json_delta", partial_json: '"a.txt"}' }],
      ["content_block_stop", 2],
      ["content_block_start", 3, { type: "tool_use", id: "call_2", name: "read_file", input: {} }],
      ["content_block_delta", 3, { type: "input_json_delta", partial_json: '{"path":"b.txt"}' }],
      ["content_block_stop", 3],
      ["message_delta", { stop_reason: "tool_use", stop_sequence: null }],
      ["message_stop"],
    ]);
    expect(events.map((e) => e.event)).toEqual(brief.map((b) => b[0]));
  });

  it("leaves the reasoning out of the stream when thinking was not asked for", () => {
    const stream = new AnthropicStreamTranslator(false);
    const events = [...stream.delta({ reasoning_content: "Hmm" }), ...stream.delta({ content: "Hi" })];
    expect(events.map((e) => (e.data as { content_block?: { type: string } }).content_block?.type).filter(Boolean)).toEqual(["text"]);
  });
});
