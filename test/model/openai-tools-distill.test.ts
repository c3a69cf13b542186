import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_SCRIPT_ANSWER } from "../fixtures/models.js";
import { startLocalApi } from "../support/core/local-api.js";

// The tool-call model with an original distill template (R1-Distill-Qwen's): a family not trained
// for tool calls, which the app marks so and still lets a client try.

let dispose: () => Promise<void>;
let client: OpenAI;

/** The function call inside a tool call (this API makes function calls only). */
const fn = (call: OpenAI.Chat.ChatCompletionMessageToolCall) => (call as OpenAI.Chat.ChatCompletionMessageFunctionToolCall).function;

beforeAll(async () => {
  const api = await startLocalApi("scripted-r1-distill-tools");
  dispose = api.dispose;
  client = new OpenAI({ baseURL: api.url, apiKey: api.key, maxRetries: 0 });
});
afterAll(() => dispose());

// Known intermittent failure (issue 22): under CPU load a tool-call turn on the scripted model now and
// then writes stray tokens into the arguments or overflows its context; not yet explained, so a
// failed try is repeated (a tool path that is broken outright still fails every try).
describe("a family not trained for tools", { retry: 4 }, () => {
  it("is marked untrained in /v1/models, and may still call a tool", async () => {
    const models = await client.models.list();
    expect((models.data[0] as unknown as { capabilities: { tools: string } }).capabilities.tools).toBe("untrained");
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } },
    ];
    const first = await client.chat.completions.create({ model: "any", messages: [{ role: "user", content: "Read notes.txt" }], tools });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(JSON.parse(fn(call).arguments)).toEqual({ path: "notes.txt" });
    const second = await client.chat.completions.create({
      model: "any",
      tools,
      messages: [{ role: "user", content: "Read notes.txt" }, first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: "7-4-1" }],
    });
    expect(second.choices[0]!.message.content).toBe(TOOL_SCRIPT_ANSWER);
  });
});
