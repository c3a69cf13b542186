import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_SCRIPT_ANSWER } from "../fixtures/models.js";
import { startLocalApi } from "../support/core/local-api.js";

// The official OpenAI client against the app's API, on a generated model that answers with a
// DeepSeek tool call (read_file) and, after the tool's output, from it.

let dispose: () => Promise<void>;
let client: OpenAI;
let base: string;
let key: string;

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "read_file",
      description: "Reads a text file",
      parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"], additionalProperties: false },
    },
  },
];
/** The function call inside a tool call (this API makes function calls only). */
const fn = (call: OpenAI.Chat.ChatCompletionMessageToolCall) => (call as OpenAI.Chat.ChatCompletionMessageFunctionToolCall).function;

const question: OpenAI.Chat.ChatCompletionMessageParam = { role: "user", content: "What does notes.txt say?" };

beforeAll(async () => {
  const api = await startLocalApi("scripted-r1-0528-tools");
  dispose = api.dispose;
  base = api.url;
  key = api.key;
  client = new OpenAI({ baseURL: base, apiKey: key, maxRetries: 0 });
});
afterAll(() => dispose());

// Known intermittent failure (issue 22): under CPU load a tool-call turn on the scripted model now and
// then writes stray tokens into the arguments or overflows its context; not yet explained, so a
// failed try is repeated (a tool path that is broken outright still fails every try).
describe("tool calls through the OpenAI client", { retry: 4 }, () => {
  it("returns a tool call, then answers from the tool's result", async () => {
    const first = await client.chat.completions.create({ model: "any", messages: [question], tools });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe("function");
    expect(fn(call).name).toBe("read_file");
    expect(JSON.parse(fn(call).arguments)).toEqual({ path: "notes.txt" });
    expect(call.id).toMatch(/^call_/);

    const second = await client.chat.completions.create({
      model: "any",
      tools,
      messages: [question, choice.message, { role: "tool", tool_call_id: call.id, content: "launch code: 7-4-1" }],
    });
    expect(second.choices[0]!.finish_reason).toBe("stop");
    expect(second.choices[0]!.message.content).toBe(TOOL_SCRIPT_ANSWER);
  });

  it("streams the call in OpenAI's delta shape, reassembled by the client's own helper", async () => {
    const stream = client.chat.completions.stream({ model: "any", messages: [question], tools, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls![0]!;
    expect(fn(call).name).toBe("read_file");
    expect(JSON.parse(fn(call).arguments)).toEqual({ path: "notes.txt" });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);

    const answer = client.chat.completions.stream({
      model: "any",
      tools,
      messages: [question, choice.message, { role: "tool", tool_call_id: call.id, content: "launch code: 7-4-1" }],
    });
    expect((await answer.finalChatCompletion()).choices[0]!.message.content).toBe(TOOL_SCRIPT_ANSWER);
  });

  it("honours tool_choice: a named function is called, none offers no tools", async () => {
    const named = await client.chat.completions.create({
      model: "any",
      messages: [question],
      tools,
      tool_choice: { type: "function", function: { name: "read_file" } },
    });
    expect(fn(named.choices[0]!.message.tool_calls![0]!).name).toBe("read_file");

    const none = await client.chat.completions.create({ model: "any", messages: [question], tools, tool_choice: "none" });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.finish_reason).not.toBe("tool_calls");
  });

  it("says in /v1/models whether the family was trained for tools", async () => {
    const models = await client.models.list();
    expect((models.data[0] as unknown as { capabilities: { tools: string } }).capabilities.tools).toBe("trained");
  });
});

describe("hostile tool input is a clear 400 and the API stays up", { retry: 4 }, () => {
  const refused = async (body: Record<string, unknown>, pattern: RegExp) => {
    const error = await client.chat.completions.create({ model: "any", messages: [question], ...body } as never).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(pattern);
  };
  const tool = (parameters: unknown) => [{ type: "function", function: { name: "f", parameters } }];

  it("refuses invalid, recursive and huge schemas", async () => {
    await refused({ tools: tool({ type: "object", properties: { a: { type: "sandwich" } } }) }, /unknown type "sandwich"/);
    await refused(
      {
        tools: tool({
          type: "object",
          properties: { n: { $ref: "#/$defs/node" } },
          $defs: { node: { type: "object", properties: { next: { $ref: "#/$defs/node" } } } },
        }),
      },
      /refers to itself/,
    );
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 40; i++) deep = { type: "object", properties: { a: deep } };
    await refused({ tools: tool(deep) }, /nests deeper/);
    const wide = { type: "object", properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: "string" }])) };
    await refused({ tools: tool(wide) }, /larger than/);
  });

  it("refuses arguments that do not parse and tool_call ids that match no call", async () => {
    const call = { id: "call_1", type: "function", function: { name: "read_file", arguments: "{not json" } };
    await refused(
      { tools, messages: [question, { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: "call_1", content: "x" }] },
      /not valid JSON/,
    );
    const good = { ...call, function: { name: "read_file", arguments: "{}" } };
    await refused(
      { tools, messages: [question, { role: "assistant", content: null, tool_calls: [good] }, { role: "tool", tool_call_id: "call_2", content: "x" }] },
      /call_2.*answers no tool call/,
    );
  });

  it("refuses a 10 MB tools array and fields it cannot honour, then still answers", async () => {
    const huge = Array.from({ length: 40_000 }, (_, i) => ({ type: "function", function: { name: `f${i}`, description: "x".repeat(250) } }));
    const response = await fetch(`${base}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [question], tools: huge }),
    });
    expect(response.status).toBe(400);
    await refused({ n: 2 }, /\bn > 1/);
    await refused({ logprobs: true }, /logprobs/);
    const after = await client.chat.completions.create({ model: "any", messages: [question], tools });
    expect(after.choices[0]!.finish_reason).toBe("tool_calls");
  });
});
