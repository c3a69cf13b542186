// Remote servers through the composed core: endpoints kept with their key out of the renderer's
// reach, "test connection", and chat, the store, regenerate and the local API answering from the
// selected server exactly as they do from the local engine.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";
import { freePort } from "../support/llama-server/llama-server.js";
import { startWireServer, WIRE_ANSWER, WIRE_MODEL, WIRE_THOUGHT, type WireServer } from "../support/remote/wire-server.js";

const KEY = "sk-remote-0123456789abcdefWXYZ";
let wire: WireServer;
let core: AppCore;
let dataDir: string;
let dispose: () => Promise<void>;

beforeAll(async () => {
  wire = await startWireServer();
  ({ core, dataDir, dispose } = await createTempCore());
});
afterAll(async () => {
  await dispose();
  await wire.close();
});

async function saveEndpoint() {
  return callOk(core, "remote.save", { name: "Lab vLLM", baseUrl: wire.url, model: WIRE_MODEL, preset: "vllm", family: "r1-distill", apiKey: KEY });
}

describe("endpoints", () => {
  it("keeps the key in a file only this user can read; the renderer sees a hint, never the key", async () => {
    const saved = await saveEndpoint();
    expect(saved).toMatchObject({ hasKey: true, keyHint: "…WXYZ" });
    const listed = await callOk(core, "remote.list", {});
    expect(JSON.stringify(listed)).not.toContain(KEY);
    const settings = await callOk(core, "settings.get", {});
    expect(JSON.stringify(settings)).not.toContain(KEY);
    const file = path.join(dataDir, "remote-endpoints.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain(KEY);
    // Saving again without a key keeps it; null removes it.
    await callOk(core, "remote.save", { id: saved.id, name: "Lab vLLM", baseUrl: wire.url, model: WIRE_MODEL, preset: "vllm", family: "r1-distill" });
    expect((await callOk(core, "remote.list", {})).endpoints[0]?.hasKey).toBe(true);
    await callOk(core, "remote.remove", { id: saved.id });
  });

  it("test connection lists the served models with latency, and uses the stored key", async () => {
    const saved = await saveEndpoint();
    wire.set("vllm");
    const result = await callOk(core, "remote.test", { id: saved.id });
    expect(result.models).toEqual([WIRE_MODEL]);
    expect(result.modelServed).toBe(true);
    expect(result.latencyMs).toBeGreaterThan(0);
    wire.set("vllm", { kind: "status", status: 401, body: { error: { message: "bad key" } } });
    const refused = await core.dispatch("remote.test", { baseUrl: wire.url, apiKey: "wrong" });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: "unauthorized" });
    const wrongPath = await core.dispatch("remote.test", { baseUrl: wire.url.replace(/\/v1$/, "/api") });
    expect(wrongPath.ok ? null : wrongPath.error.message).toMatch(/no \/models at that address.*ending in \/v1/);
    wire.set("vllm");
    await callOk(core, "remote.remove", { id: saved.id });
  });
});

describe("chat answers from the selected server", () => {
  it("streams the trace and the answer into the conversation; regenerate asks again without earlier reasoning", async () => {
    const saved = await saveEndpoint();
    const selected = waitForEvent(core, "remote.selected");
    await callOk(core, "remote.select", { id: saved.id });
    expect((await selected).selected?.name).toBe("Lab vLLM");
    wire.set("deepseek-api");

    const conversation = await callOk(core, "conversations.create", {});
    const deltas: string[] = [];
    const stop = core.subscribe((name, payload) => {
      if (name === "chat.delta") deltas.push((payload as { thought: string }).thought);
    });
    const { jobId } = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: "What is 6 × 7?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    stop();
    expect(done).toMatchObject({ stopReason: "end", thought: WIRE_THOUGHT, answer: WIRE_ANSWER });
    expect(deltas.join("")).toBe(WIRE_THOUGHT);
    const stored = await callOk(core, "conversations.get", { id: conversation.id });
    const reply = stored.messages.at(-1);
    expect(reply).toMatchObject({ role: "assistant", thought: WIRE_THOUGHT, answer: WIRE_ANSWER, interrupted: false, model: WIRE_MODEL });
    // chat.done says who answered and names the stored question and answer.
    expect(done.answeredBy).toEqual({ kind: "remote", endpointId: saved.id });
    expect(done.messageId).toBe(reply!.id);
    expect(done.userMessageId).toBe(stored.messages.at(-2)!.id);

    // A follow-up sends the earlier answer only.
    const before = wire.requests.length;
    const second = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: "And 7 × 8?" });
    await waitForEvent(core, "chat.done", (d) => d.jobId === second.jobId);
    expect(wire.requests[before]!.messages).toEqual([
      { role: "user", content: "What is 6 × 7?" },
      { role: "assistant", content: WIRE_ANSWER },
      { role: "user", content: "And 7 × 8?" },
    ]);

    // Regenerate the last reply: the question is asked again after what remains.
    const afterRegen = await callOk(core, "conversations.get", { id: conversation.id });
    const lastQuestion = afterRegen.messages.at(-2)!;
    const regen = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: "And 7 × 8?", rewindFrom: lastQuestion.id });
    await waitForEvent(core, "chat.done", (d) => d.jobId === regen.jobId);
    expect((await callOk(core, "conversations.get", { id: conversation.id })).messages).toHaveLength(4);
    expect(JSON.stringify(wire.requests.at(-1))).not.toContain(WIRE_THOUGHT);
  });

  it("a stream cut mid-answer leaves an interrupted message with what arrived", async () => {
    wire.set("vllm", { kind: "cut", afterChunks: 12 });
    const conversation = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: "What is 6 × 7?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("error");
    const reply = (await callOk(core, "conversations.get", { id: conversation.id })).messages.at(-1);
    expect(reply).toMatchObject({ interrupted: true, thought: WIRE_THOUGHT });
    expect(reply?.role === "assistant" && reply.answer.length > 0).toBe(true);
    wire.set("vllm");
  });

  it("Stop cancels the request at the server", async () => {
    wire.set("vllm", { kind: "hold", afterChunks: 5 });
    const { jobId } = await callOk(core, "chat.send", { prompt: "What is 6 × 7?" });
    await waitForEvent(core, "chat.delta", (d) => d.jobId === jobId);
    await callOk(core, "jobs.cancel", { jobId });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    await wire.clientGone();
    expect(done.stopReason).toBe("aborted");
    wire.set("vllm");
  });

  it("the local API answers from the selected server too, with reasoning_content", async () => {
    await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
    const status = await callOk(core, "api.status", {});
    expect(status.running).toBe(true);
    const response = await fetch(`${status.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${status.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "What is 6 × 7?" }] }),
    });
    const body = (await response.json()) as { choices: { message: { content: string; reasoning_content: string } }[] };
    expect(body.choices[0]?.message).toMatchObject({ content: WIRE_ANSWER, reasoning_content: WIRE_THOUGHT });
  });

  it("selecting the local engine again: chat says no model is loaded", async () => {
    await callOk(core, "remote.select", { id: null });
    const outcome = await core.dispatch("chat.send", { prompt: "Hi" });
    expect(outcome.ok ? null : outcome.error.code).toBe("not-loaded");
  });
});

describe("this app's own API given as the remote server", () => {
  it("test connection and chat name it as this app's own API at once, and the API keeps answering", async () => {
    await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
    const { url, apiKey } = (await callOk(core, "api.status", {})) as { url: string; apiKey: string };
    const tested = await core.dispatch("remote.test", { baseUrl: url, apiKey, model: WIRE_MODEL });
    expect(tested.ok ? null : tested.error).toMatchObject({ code: "bad-request", message: expect.stringMatching(/is this app's own API/) });

    const self = await callOk(core, "remote.save", { name: "Myself", baseUrl: url, model: WIRE_MODEL, preset: "custom", family: "r1-distill", apiKey });
    await callOk(core, "remote.select", { id: self.id });
    try {
      const { id } = await callOk(core, "conversations.create", {});
      const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "Hello?" });
      const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
      expect(done.stopReason).toBe("error");
      expect(done.message).toMatch(/^Myself \(127\.0\.0\.1:\d+\) is this app's own API .*must be another program or machine/);
      // Not wedged: the API still answers, and so does chat (another answer, same clear refusal).
      const models = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(models.status).toBe(200);
      const again = await callOk(core, "chat.send", { conversationId: id, prompt: "Still there?" });
      expect((await waitForEvent(core, "chat.done", (d) => d.jobId === again.jobId)).message).toMatch(/is this app's own API/);
    } finally {
      await callOk(core, "remote.select", { id: null });
      await callOk(core, "settings.update", { patch: { apiServer: { enabled: false } } });
    }
  });
});
