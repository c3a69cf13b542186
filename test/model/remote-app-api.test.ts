// One R1 Local as the remote of another: instance B runs the model locally and serves its
// OpenAI-compatible API; instance A chats through it as a remote endpoint, trace and all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { freePort } from "../support/llama-server/llama-server.js";

let client: AppCore;
let server: AppCore;
const disposers: Array<() => Promise<void>> = [];
let apiUrl: string;
let apiKey: string;

beforeAll(async () => {
  const b = await createTempCore();
  server = b.core;
  disposers.push(b.dispose);
  const loaded = waitForEvent(server, "engine.loaded");
  await callOk(server, "engine.load", { path: await ensureFixture("scripted-r1"), contextSize: 2048, threads: 1 });
  await loaded;
  await callOk(server, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  ({ url: apiUrl, apiKey } = (await callOk(server, "api.status", {})) as { url: string; apiKey: string });
  const a = await createTempCore();
  client = a.core;
  disposers.push(a.dispose);
}, 180_000);
afterAll(async () => {
  for (const dispose of disposers.reverse()) await dispose();
});

describe("another R1 Local's API as the remote", () => {
  it("test connection lists the model the other instance has loaded", async () => {
    const result = await callOk(client, "remote.test", { baseUrl: apiUrl, apiKey, model: "scripted-r1" });
    expect(result.models).toHaveLength(1);
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it("chat streams the other instance's reasoning as the trace and its answer as the answer", async () => {
    const models = await callOk(client, "remote.test", { baseUrl: apiUrl, apiKey });
    const endpoint = await callOk(client, "remote.save", {
      name: "Workstation",
      baseUrl: apiUrl,
      model: models.models[0]!,
      preset: "custom",
      family: "r1-distill",
      apiKey,
    });
    await callOk(client, "remote.select", { id: endpoint.id });
    const conversation = await callOk(client, "conversations.create", {});
    const { jobId } = await callOk(client, "chat.send", { conversationId: conversation.id, prompt: "What is 6 × 7?" });
    const done = await waitForEvent(client, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("end");
    expect(done.thought.trim()).toBe(SCRIPT_THOUGHT);
    expect(done.answer.trim()).toBe(SCRIPT_ANSWER);
    const second = await callOk(client, "chat.send", { conversationId: conversation.id, prompt: "Again?" });
    const again = await waitForEvent(client, "chat.done", (d) => d.jobId === second.jobId);
    expect(again.stopReason).toBe("end");
    expect((await callOk(client, "conversations.get", { id: conversation.id })).messages).toHaveLength(4);
  }, 120_000);

  it("a wrong key is refused with a message about the key", async () => {
    const outcome = await client.dispatch("remote.test", { baseUrl: apiUrl, apiKey: "r1-wrong" });
    expect(outcome.ok ? null : outcome.error).toMatchObject({ code: "unauthorized" });
  });
});
