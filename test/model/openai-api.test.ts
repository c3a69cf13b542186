import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

let core: AppCore;
let dispose: () => Promise<void>;
let base: string;
let key: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// The shapes this test reads from OpenAI's responses.
interface Completion {
  choices: { message: { content: string; reasoning_content: string }; finish_reason: string }[];
  usage: { completion_tokens_details: { reasoning_tokens: number } };
}
interface Chunk {
  choices: { delta?: { content?: string; reasoning_content?: string } }[];
}
interface ErrorBody {
  error: { message: string };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1"), contextSize: 1024, threads: 1 });
  await loaded;
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  base = status.url!;
  key = status.apiKey;
});
afterAll(() => dispose());

describe("the OpenAI-compatible API", () => {
  it("listens on loopback only when enabled, with a key", async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(key).toMatch(/^r1-/);
  });

  it("refuses requests without the key or from a rebinding host name", async () => {
    expect((await fetch(`${base}/models`)).status).toBe(401);
    expect((await fetch(`${base}/models`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve) => {
      const url = new URL(`${base}/models`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: "evil.example", authorization: `Bearer ${key}` } }, (res) =>
        resolve(res.statusCode!),
      ).end();
    });
    expect(status).toBe(403);
  });

  it("lists the loaded model", async () => {
    const list = (await (await fetch(`${base}/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: { object: string; owned_by: string }[];
    };
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ object: "model", owned_by: "r1-local" });
  });

  it("answers with the reasoning in reasoning_content and the answer in content", async () => {
    const response = await post({ messages: [{ role: "user", content: "What is 6 x 7?" }] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Completion;
    expect(body.choices[0]!.message.content).toBe(SCRIPT_ANSWER);
    expect(body.choices[0]!.message.reasoning_content.trim()).toBe(SCRIPT_THOUGHT);
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it("streams server-sent events: reasoning first, then the answer, then [DONE]", async () => {
    const response = await post({
      stream: true,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
    const text = await response.text();
    expect(response.headers.get("content-type"), text).toContain("text/event-stream");
    const events = text.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)) as Chunk);
    const reasoning = chunks.map((c) => c.choices[0]?.delta?.reasoning_content ?? "").join("");
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(reasoning.trim()).toBe(SCRIPT_THOUGHT);
    expect(content).toBe(SCRIPT_ANSWER);
    const firstAnswer = chunks.findIndex((c) => c.choices[0]?.delta?.content);
    const lastReasoning = chunks.findLastIndex((c) => c.choices[0]?.delta?.reasoning_content);
    expect(lastReasoning).toBeLessThan(firstAnswer);
  });

  it("answers malformed requests with a clear 400", async () => {
    const noMessages = await post({ messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as ErrorBody).error.message).toMatch(/messages/);
    const notJson = await fetch(`${base}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("a rotated key locks out the old one", async () => {
    const old = key;
    const status = await callOk(core, "api.rotateKey", {});
    key = status.apiKey;
    base = status.url!;
    expect(key).not.toBe(old);
    expect((await fetch(`${base}/models`, { headers: { authorization: `Bearer ${old}` } })).status).toBe(401);
    expect((await fetch(`${base}/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it("carries the engine's error codes to HTTP: a second client is answered beside a streaming one, no model (503)", async () => {
    const loaded = waitForEvent(core, "engine.loaded");
    await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1-long"), contextSize: 4096, threads: 1, sequences: 3 });
    await loaded;
    const streaming = await post({ stream: true, messages: [{ role: "user", content: "Think long." }] });
    const reader = streaming.body!.getReader();
    await reader.read(); // the first chunk: the engine is generating now
    // Once refused with 429 "busy"; now it has a sequence of its own (the queue's 429: parallel-requests.test.ts).
    const second = await post({ messages: [{ role: "user", content: "And me?" }], max_tokens: 8 });
    expect(second.status).toBe(200);
    await reader.cancel(); // the client goes away: the engine stops
    await new Promise((resolve) => setTimeout(resolve, 200));
    await callOk(core, "engine.unload", {});
    const none = await post({ messages: [{ role: "user", content: "Anyone?" }] });
    expect(none.status).toBe(503);
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe("model_not_loaded");
  });
});
