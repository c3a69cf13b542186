import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// The editor panel's "Test" button: api.test must go through the real HTTP API with the real key.
let core: AppCore;
let dispose: () => Promise<void>;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
});
afterAll(() => dispose());

describe("api.test", () => {
  it("says the API is off, in words, before it is turned on", async () => {
    const outcome = await core.dispatch("api.test", {});
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/local API is off/);
  });

  it("reports the API's own refusal when no model is loaded", async () => {
    await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
    const result = await callOk(core, "api.test", {});
    expect(result).toMatchObject({ ok: false, status: 503 });
    expect(result.message).toMatch(/No model is loaded/);
  });

  it("sends one completion through the API and returns the loaded model's reply and reasoning", async () => {
    const loaded = waitForEvent(core, "engine.loaded");
    await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1"), contextSize: 1024, threads: 1 });
    const model = (await loaded).model;
    const result = await callOk(core, "api.test", {});
    expect(result).toMatchObject({ ok: true, status: 200, model: model.name, message: null, finishReason: "stop" });
    expect(result.reply).toBe(SCRIPT_ANSWER);
    expect(result.reasoning).toContain(SCRIPT_THOUGHT.slice(0, 40));
    expect(result.completionTokens).toBeGreaterThan(10);
    // The editor panel writes this id into the editors' settings: it must be the one the API lists.
    expect((await callOk(core, "api.status", {})).model).toEqual({ id: model.name, contextSize: 1024 });
  });

  it("stops working for the old key once the key is rotated, and works with the new one", async () => {
    const before = await callOk(core, "api.status", {});
    const after = await callOk(core, "api.rotateKey", {});
    expect(after.apiKey).not.toBe(before.apiKey);
    const refused = await fetch(`${after.url}/models`, { headers: { authorization: `Bearer ${before.apiKey}` } });
    expect(refused.status).toBe(401);
    expect((await callOk(core, "api.test", {})).ok).toBe(true);
  });

  it.each([
    ["anthropic-messages", "end_turn"],
    ["responses", "completed"],
  ] as const)("sends a %s request through the API, as that shape's clients do, and returns the reply and reasoning", async (shape, finishReason) => {
    const result = await callOk(core, "api.test", { shape });
    expect(result).toMatchObject({ ok: true, status: 200, message: null, finishReason });
    expect(result.reply).toBe(SCRIPT_ANSWER);
    expect(result.reasoning).toContain(SCRIPT_THOUGHT.slice(0, 40));
    expect(result.completionTokens).toBeGreaterThan(10);
  });
});
