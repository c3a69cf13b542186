import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startApiServer, type RunningApiServer } from "../../electron/core/api/openai-server.js";
import type { AnsweringModel, GenerateEvent, GenerateRequest, GenerationEngine } from "../../electron/core/generation/generation-engine.js";
import { AppError } from "../../electron/core/kernel/errors.js";

// The Anthropic and Responses routes on the real HTTP server, over a stand-in engine whose behaviour each test picks.
const KEY = "r1-unit-test-key-0123456789abcdefghij";
const MODEL: AnsweringModel = { name: "R1 Test", family: "r1-distill", systemPromptAllowed: false, contextSize: 4096 };

let server: RunningApiServer | undefined;
afterEach(() => server?.close());

function engineThat(options: {
  model?: AnsweringModel | null;
  generate: (request: GenerateRequest) => AsyncGenerator<GenerateEvent, void, undefined>;
}): GenerationEngine {
  return {
    answeredBy: { kind: "local" },
    loadedModel: options.model === undefined ? MODEL : options.model,
    status: () => ({ state: "ready" }) as ReturnType<GenerationEngine["status"]>,
    generate: (request) => options.generate(request),
  };
}

async function serve(engine: GenerationEngine): Promise<string> {
  server = await startApiServer({ engine, apiKey: () => KEY, port: 0, defaults: () => ({ temperature: 0.6, topP: 0.95 }) });
  return server.url.replace(/\/v1$/, "");
}

const message = (origin: string, body: Record<string, unknown>) =>
  fetch(`${origin}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }], ...body }),
  });

async function* nothing(): AsyncGenerator<GenerateEvent, void, undefined> {}

describe("the Anthropic route's refusals and failures", () => {
  it("answers no model with 503 overloaded_error and a busy engine with 429 rate_limit_error, in Anthropic's shape", async () => {
    const none = await serve(engineThat({ model: null, generate: nothing }));
    const refused = await message(none, {});
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ type: "error", error: { type: "overloaded_error", message: expect.stringMatching(/No model is loaded/) } });
    await server!.close();

    const busy = await serve(
      engineThat({
        // eslint-disable-next-line require-yield
        generate: async function* () {
          throw new AppError("busy", "A response is already being generated.");
        },
      }),
    );
    const limited = await message(busy, {});
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ type: "error", error: { type: "rate_limit_error", message: "A response is already being generated." } });
  });

  it("refuses a body over 8 MiB with 400 invalid_request_error, and keeps serving", async () => {
    const origin = await serve(engineThat({ generate: nothing }));
    const huge = await message(origin, { tools: [{ name: "t", input_schema: { padding: "x".repeat(9 * 1024 * 1024) } }] }).catch(() => null);
    if (huge) expect(await huge.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/8 MiB/) } });
    const after = await message(origin, { max_tokens: 0 });
    expect(after.status).toBe(400);
    expect(await after.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/max_tokens/) } });
  });

  it("gives the engine budget_tokens as the thinking budget and max_tokens as the cap; an engine failure mid-stream ends with an error event", async () => {
    const seen: GenerateRequest[] = [];
    const origin = await serve(
      engineThat({
        generate: async function* (request) {
          seen.push(request);
          yield { type: "delta", thought: "Hmm.", answer: "" };
          yield { type: "done", stopReason: "crashed", thought: "Hmm.", answer: "", metrics: null, message: "The engine stopped unexpectedly." };
        },
      }),
    );
    const response = await message(origin, { stream: true, max_tokens: 900, thinking: { type: "enabled", budget_tokens: 300 } });
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(seen[0]!.options).toMatchObject({ thinkingBudget: 300, maxTokens: 900 });
    expect(frames.at(-1)).toBe(
      `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message: "The engine stopped unexpectedly." } })}`,
    );
    const whole = await message(origin, {});
    expect(whole.status).toBe(500);
    expect(await whole.json()).toMatchObject({ type: "error", error: { type: "api_error" } });
  });

  it("answers an unknown path under /v1/messages with 404 not_found_error, and elsewhere in OpenAI's shape", async () => {
    const origin = await serve(engineThat({ generate: nothing }));
    const post = (path: string) => fetch(`${origin}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}` }, body: "{}" });
    const anthropic = await post("/v1/messages/batches");
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const openai = await post("/v1/embeddings");
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ error: { type: "not_found" } });
  });

  it("answers a request target that is no address with a 400, and stays up", async () => {
    const origin = await serve(engineThat({ generate: nothing }));
    const { port } = new URL(origin);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.end("POST http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toContain("could not be read");
    expect((await message(origin, { max_tokens: 0 })).status).toBe(400);
  });
});
