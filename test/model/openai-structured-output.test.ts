import { createServer } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// Structured output and stop strings through the official OpenAI client, on scripted-r1 (its
// reasoning says "box the result", its answer "The answer is $\boxed{42}$…").

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

async function load(fixture: "scripted-r1"): Promise<void> {
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

  it("answers json_object with a JSON object, not the script's prose", async () => {
    const completion = await client.chat.completions.create({
      model: "any",
      messages: [question],
      max_completion_tokens: 120,
      response_format: { type: "json_object" },
    });
    // The grammar holds the answer to JSON from its first character (the script would write "The answer is").
    expect(completion.choices[0]!.message.content!.trimStart()).toMatch(/^\{/);
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
