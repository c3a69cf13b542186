import OpenAI, { BadRequestError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { startLocalApi } from "../support/core/local-api.js";

// The stateless part of OpenAI's Responses API, as Codex uses it, through the openai client.
let dispose: () => Promise<void>;
let client: OpenAI;
let loadedName: string;

beforeAll(async () => {
  const api = await startLocalApi("scripted-r1");
  dispose = api.dispose;
  loadedName = api.model;
  client = new OpenAI({ baseURL: api.url, apiKey: api.key, maxRetries: 0 });
});
afterAll(() => dispose());

describe("the Responses API through the openai client", () => {
  it("answers a string input with instructions: the reasoning as a summary item, then the message", async () => {
    const response = await client.responses.create({ model: "gpt-5-codex", instructions: "Be brief.", input: "What is 6 x 7?" });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.model).toBe(loadedName);
    expect(response.output_text).toBe(SCRIPT_ANSWER);
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const reasoning = response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary[0]!.text.trim()).toBe(SCRIPT_THOUGHT);
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(response.usage!.input_tokens).toBeGreaterThan(5);
  });

  it("takes message items with earlier turns, and streams created, text deltas and completed through the client's stream helper", async () => {
    const stream = client.responses.stream({
      model: "gpt-5-codex",
      input: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "input_text", text: "What is 6 x 7?" }] },
        { type: "message", role: "assistant", content: "It is 42." },
        { role: "user", content: "And 7 x 6?" },
      ],
    });
    const types: string[] = [];
    let deltas = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas += event.delta;
    }
    const final = await stream.finalResponse();
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types).toContain("response.reasoning_summary_text.delta");
    expect(types.indexOf("response.reasoning_summary_text.delta")).toBeLessThan(types.indexOf("response.output_text.delta"));
    expect(deltas).toBe(SCRIPT_ANSWER);
    expect(final.output_text).toBe(SCRIPT_ANSWER);
    expect(final.status).toBe("completed");
  });

  it("refuses previous_response_id with a 400 that names it: nothing is stored", async () => {
    const refused = await client.responses.create({ model: "x", input: "Go on.", previous_response_id: "resp_123" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toMatch(/previous_response_id/);
    expect((refused as BadRequestError).param).toBe("previous_response_id");
  });
});
