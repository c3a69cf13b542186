import Anthropic, { AuthenticationError, BadRequestError, NotFoundError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { startLocalApi } from "../support/core/local-api.js";

// Anthropic's Messages API on the local API's port, as the official SDK (and Claude Code) use it.
let dispose: () => Promise<void>;
let origin: string;
let key: string;
let loadedName: string;
let client: Anthropic;

beforeAll(async () => {
  const api = await startLocalApi("scripted-r1");
  dispose = api.dispose;
  // Anthropic's clients take the origin and add /v1/messages themselves.
  origin = api.url.replace(/\/v1$/, "");
  key = api.key;
  loadedName = api.model;
  client = new Anthropic({ baseURL: origin, apiKey: key, maxRetries: 0 });
});
afterAll(() => dispose());

describe("the Anthropic Messages API through @anthropic-ai/sdk", () => {
  it("answers a plain message with the loaded model, whatever model name is asked, ignoring what does not apply", async () => {
    const message = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 512,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      metadata: { user_id: "someone" },
      service_tier: "auto",
      messages: [{ role: "user", content: [{ type: "text", text: "What is 6 x 7?", cache_control: { type: "ephemeral" } }] }],
    });
    expect(message.type).toBe("message");
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe(loadedName);
    // Thinking was not asked for, so no thinking block: only the answer.
    expect(message.content).toEqual([{ type: "text", text: SCRIPT_ANSWER }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBeGreaterThan(5);
  });

  it("streams thinking, then text, in order through the SDK's stream helper; finalMessage has both blocks", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      thinking: { type: "enabled", budget_tokens: 512 },
      messages: [{ role: "user", content: "What is 6 x 7?" }],
    });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type === "content_block_start" ? `start:${event.content_block.type}` : event.type));
    const final = await stream.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const [thinking, text] = final.content as [Anthropic.ThinkingBlock, Anthropic.TextBlock];
    expect(thinking.thinking.trim()).toBe(SCRIPT_THOUGHT);
    expect(thinking.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(text.text).toBe(SCRIPT_ANSWER);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    const order = events.filter((e, i) => e !== events[i - 1]);
    expect(order).toEqual([
      "message_start",
      "start:thinking",
      "content_block_delta",
      "content_block_stop",
      "start:text",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("writes Anthropic's server-sent events on the wire: a ping after message_start, the thinking's signature before its block stops", async () => {
    const response = await fetch(`${origin}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude",
        max_tokens: 1024,
        stream: true,
        thinking: { type: "enabled", budget_tokens: 512 },
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text())
      .split("\n\n")
      .filter(Boolean)
      .map((frame) => {
        const [name, data] = frame.split("\n");
        const body = JSON.parse(data!.slice("data: ".length)) as { type: string; delta?: { type: string } };
        expect(name).toBe(`event: ${body.type}`);
        return body.delta?.type ?? body.type;
      });
    const wire = events.filter((e, i) => e !== events[i - 1]);
    expect(wire.slice(0, 4)).toEqual(["message_start", "ping", "content_block_start", "thinking_delta"]);
    expect(wire.slice(4, 6)).toEqual(["signature_delta", "content_block_stop"]);
    expect(wire.slice(-5)).toEqual(["content_block_start", "text_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  it("takes the key as Authorization: Bearer too, as ANTHROPIC_AUTH_TOKEN sends it, and beta headers", async () => {
    const bearer = new Anthropic({ baseURL: origin, authToken: key, apiKey: null, maxRetries: 0 });
    const message = await bearer.beta.messages.create({
      model: "claude-opus-4-1",
      max_tokens: 256,
      betas: ["interleaved-thinking-2025-05-14"],
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.content.at(-1)).toMatchObject({ type: "text", text: SCRIPT_ANSWER });
  });

  it("counts a prompt's tokens with the model's tokenizer, close to what the prompt takes when sent", async () => {
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "A question to count, with a few more words than one would need." }];
    const counted = await client.messages.countTokens({ model: "claude-haiku-4-5", system: "Be brief.", messages });
    const longer = await client.messages.countTokens({
      model: "claude-haiku-4-5",
      system: "Be brief.",
      messages: [...messages, { role: "assistant", content: "It is." }, { role: "user", content: "And another question, a bit longer still." }],
    });
    const sent = await client.messages.create({ model: "x", max_tokens: 256, system: "Be brief.", messages });
    const promptTokens = sent.usage.input_tokens + (sent.usage.cache_read_input_tokens ?? 0);
    expect(counted.input_tokens).toBeGreaterThan(10);
    expect(longer.input_tokens).toBeGreaterThan(counted.input_tokens + 10);
    // Counted generously, as the chat's own measure: never under, a few template tokens over at most.
    expect(counted.input_tokens).toBeGreaterThanOrEqual(promptTokens - 2);
    expect(counted.input_tokens).toBeLessThanOrEqual(promptTokens + 12);
  });

  it("answers errors in Anthropic's shape, which the SDK turns into its own error classes", async () => {
    const stranger = new Anthropic({ baseURL: origin, apiKey: "wrong", maxRetries: 0 });
    const denied = await stranger.messages.create({ model: "x", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect((denied as AuthenticationError).error).toMatchObject({ type: "error", error: { type: "authentication_error" } });

    const malformed = await client.messages
      .create({ model: "x", messages: [{ role: "user", content: "Hi" }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(BadRequestError);
    expect((malformed as BadRequestError).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((malformed as BadRequestError).message).toMatch(/max_tokens/);

    const image = await client.messages
      .create({
        model: "x",
        max_tokens: 10,
        messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://example.com/a.png" } }] }],
      })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(BadRequestError);
    expect((image as BadRequestError).message).toMatch(/image.*text only/);

    const nowhere = await client.post("/v1/messages/nowhere", { body: {} }).catch((e: unknown) => e);
    expect(nowhere).toBeInstanceOf(NotFoundError);
    expect((nowhere as NotFoundError).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});
