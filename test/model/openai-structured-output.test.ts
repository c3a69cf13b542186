import { createServer } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_THOUGHT, TOOL_SCRIPT_ANSWER } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// Structured output and stop strings through the official OpenAI client, on scripted-r1 (its
// reasoning says "box the result", its answer "The answer is $\boxed{42}$…"); then the tool-call
// model with an original distill template, whose family was not trained for tools.

let core: AppCore;
let dispose: () => Promise<void>;
let client: OpenAI;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function load(fixture: "scripted-r1" | "scripted-r1-distill-tools"): Promise<void> {
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture(fixture), contextSize: 2048, threads: 1 });
  await loaded;
}

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  await load("scripted-r1");
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  client = new OpenAI({ baseURL: status.url!, apiKey: status.apiKey, maxRetries: 0 });
});
afterAll(() => dispose());

/** The function call inside a tool call (this API makes function calls only). */
const fn = (call: OpenAI.Chat.ChatCompletionMessageToolCall) => (call as OpenAI.Chat.ChatCompletionMessageFunctionToolCall).function;

const question: OpenAI.Chat.ChatCompletionMessageParam = { role: "user", content: "What is six times seven?" };

describe("structured output and stop", () => {
  it("holds the answer after the reasoning to a strict json_schema the client parses", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string", enum: ["forty-two", "six"] }, sure: { type: "boolean" } },
      required: ["answer", "sure"],
      additionalProperties: false,
    };
    const completion = await client.chat.completions.parse({
      model: "any",
      messages: [question],
      max_completion_tokens: 400,
      response_format: { type: "json_schema", json_schema: { name: "result", schema, strict: true } },
    });
    const message = completion.choices[0]!.message as (typeof completion.choices)[0]["message"] & { reasoning_content: string };
    const parsed = message.parsed as unknown as { answer: string; sure: boolean };
    expect(["forty-two", "six"]).toContain(parsed.answer);
    expect(typeof parsed.sure).toBe("boolean");
    // The reasoning was written freely before the grammar took over.
    expect(message.reasoning_content).toBe(SCRIPT_THOUGHT);
  });

  it("answers json_object with JSON", async () => {
    const completion = await client.chat.completions.create({
      model: "any",
      messages: [question],
      max_completion_tokens: 400,
      response_format: { type: "json_object" },
    });
    expect(() => JSON.parse(completion.choices[0]!.message.content!) as unknown).not.toThrow();
  });

  it("ends the answer at a stop string, never the reasoning", async () => {
    const completion = await client.chat.completions.create({ model: "any", messages: [question], stop: ["box"] });
    const message = completion.choices[0]!.message as (typeof completion.choices)[0]["message"] & { reasoning_content: string };
    expect(message.reasoning_content).toBe(SCRIPT_THOUGHT); // it says "box the result": untouched
    expect(message.content).toBe("The answer is $\\");
    expect(completion.choices[0]!.finish_reason).toBe("stop");

    const streamed = await client.chat.completions.stream({ model: "any", messages: [question], stop: "box" }).finalChatCompletion();
    expect(streamed.choices[0]!.message.content).toBe("The answer is $\\");
  });
});

describe("a family not trained for tools", () => {
  it("is marked untrained in /v1/models, and may still call a tool", async () => {
    await load("scripted-r1-distill-tools");
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
