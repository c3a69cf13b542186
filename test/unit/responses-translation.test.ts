import { describe, expect, it } from "vitest";
import type { ChatFinish } from "../../electron/core/api/chat-completion.js";
import { ResponsesBuilder } from "../../electron/core/api/openai-to-responses.js";
import { ResponsesRequest } from "../../electron/core/api/responses-schemas.js";
import { responsesToOpenAiRequest } from "../../electron/core/api/responses-to-openai.js";

// OpenAI Responses ↔ Chat Completions, as Codex sends and reads them.
const translate = (body: unknown) => responsesToOpenAiRequest(ResponsesRequest.parse(body));

describe("a Responses request as a Chat Completions request", () => {
  it("turns instructions, messages, function calls and their outputs into system, messages, tool_calls and tool messages", () => {
    const request = translate({
      model: "gpt-5-codex",
      instructions: "You are Codex.",
      max_output_tokens: 500,
      tools: [{ type: "function", name: "shell", description: "Runs a command", parameters: { type: "object" } }, { type: "web_search" }],
      tool_choice: "auto",
      input: [
        { role: "user", content: [{ type: "input_text", text: "List files" }] },
        { type: "reasoning", summary: [] },
        { type: "function_call", call_id: "c1", name: "shell", arguments: '{"cmd":"ls"}' },
        { type: "function_call", call_id: "c2", name: "shell", arguments: '{"cmd":"pwd"}' },
        { type: "function_call_output", call_id: "c1", output: "a.txt" },
        { type: "function_call_output", call_id: "c2", output: "/tmp" },
      ],
    });
    expect(request).toEqual({
      model: "gpt-5-codex",
      max_tokens: 500,
      tools: [{ type: "function", function: { name: "shell", description: "Runs a command", parameters: { type: "object" } } }],
      tool_choice: "auto",
      messages: [
        { role: "system", content: "You are Codex." },
        { role: "user", content: "List files" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "shell", arguments: '{"cmd":"ls"}' } },
            { id: "c2", type: "function", function: { name: "shell", arguments: '{"cmd":"pwd"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "a.txt" },
        { role: "tool", tool_call_id: "c2", content: "/tmp" },
      ],
    });
  });

  it("refuses previous_response_id by name: the API keeps no responses", () => {
    expect(() => translate({ input: "Go on.", previous_response_id: "resp_1" })).toThrow(/previous_response_id/);
  });
});

describe("Chat Completions deltas as a Responses response", () => {
  it("builds a reasoning item, a message and a function call, with the streaming events in order", () => {
    const builder = new ResponsesBuilder("r1", {});
    const done: ChatFinish = {
      type: "finish",
      finishReason: "tool_calls",
      message: { role: "assistant", content: "", reasoning_content: "" },
      usage: {
        prompt_tokens: 9,
        completion_tokens: 4,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    };
    const events = [
      ...builder.start(),
      ...builder.delta({ reasoning_content: "Think" }),
      ...builder.delta({ content: "Running ls." }),
      ...builder.delta({ tool_calls: [{ index: 0, id: "c1", function: { name: "shell", arguments: '{"cmd":' } }] }),
      ...builder.delta({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }),
      ...builder.finish(done),
    ];
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const response = builder.response("completed", done) as { output: Record<string, unknown>[]; usage: Record<string, unknown> };
    expect(response.output).toEqual([
      { type: "reasoning", id: expect.stringMatching(/^rs_/), summary: [{ type: "summary_text", text: "Think" }] },
      {
        type: "message",
        id: expect.stringMatching(/^msg_/),
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Running ls.", annotations: [] }],
      },
      { type: "function_call", id: expect.stringMatching(/^fc_/), call_id: "c1", name: "shell", arguments: '{"cmd":"ls"}', status: "completed" },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 9, output_tokens: 4, output_tokens_details: { reasoning_tokens: 2 } });
  });
});
