// The app against llama.cpp's own `llama-server` as the remote engine — the server people run the
// 671B on (with the experts in RAM) — serving a generated R1 model, with its reasoning parser on
// (`--reasoning-format deepseek`: reasoning in `reasoning_content`) and off (`none`: `<think>` text
// in `content`, the opening tag already written by the template).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, LONG_SCRIPT_THOUGHT, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { startLlamaServer, type LlamaServer } from "../support/llama-server/llama-server.js";

let core: AppCore;
let dispose: () => Promise<void>;
const servers: LlamaServer[] = [];

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await dispose();
});

async function serve(fixture: "scripted-r1" | "scripted-r1-long", reasoningFormat: "deepseek" | "none"): Promise<LlamaServer> {
  const server = await startLlamaServer({ model: await ensureFixture(fixture), contextSize: 8192, args: ["--jinja", "--reasoning-format", reasoningFormat] });
  servers.push(server);
  const endpoint = await callOk(core, "remote.save", {
    name: `llama-server (${reasoningFormat})`,
    baseUrl: `${server.url}/v1`,
    model: fixture,
    preset: "llama-server",
    family: "r1-distill",
  });
  await callOk(core, "remote.select", { id: endpoint.id });
  return server;
}

async function ask(conversationId: string, prompt: string) {
  const thoughts: string[] = [];
  const stop = core.subscribe((name, payload) => {
    if (name === "chat.delta") thoughts.push((payload as { thought: string }).thought);
  });
  const { jobId } = await callOk(core, "chat.send", { conversationId, prompt, options: { seed: 1 } });
  const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
  stop();
  return { done, streamedThought: thoughts.join("") };
}

/** The server's own prompt token count for a conversation sent straight to it. */
async function serverPromptTokens(server: LlamaServer, messages: { role: string; content: string }[]): Promise<number> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages, max_tokens: 1 }),
  });
  return ((await response.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
}

describe.each(["deepseek", "none"] as const)("llama-server --reasoning-format %s", (format) => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await serve("scripted-r1", format);
  }, 180_000);

  it("streams the reasoning as the trace and the answer as the answer, and keeps them in the conversation", async () => {
    const conversation = await callOk(core, "conversations.create", {});
    const { done, streamedThought } = await ask(conversation.id, "What is 6 × 7?");
    expect(done.stopReason).toBe("end");
    expect(done.thought.trim()).toBe(SCRIPT_THOUGHT);
    expect(done.answer).toBe(SCRIPT_ANSWER);
    expect(streamedThought).toBe(done.thought);
    expect(done.metrics?.thoughtTokens).toBeGreaterThan(0);
    expect(done.metrics?.answerTokens).toBeGreaterThan(0);
    const reply = (await callOk(core, "conversations.get", { id: conversation.id })).messages.at(-1);
    expect(reply).toMatchObject({ role: "assistant", interrupted: false });
    expect(reply?.role === "assistant" && reply.answer.trim()).toBe(SCRIPT_ANSWER);
  }, 120_000);

  it("a second turn carries the earlier answer only: the server's prompt count says so", async () => {
    const conversation = await callOk(core, "conversations.create", {});
    const first = await ask(conversation.id, "What is 6 × 7?");
    const second = await ask(conversation.id, "And twice that?");
    const answerOnly = await serverPromptTokens(server, [
      { role: "user", content: "What is 6 × 7?" },
      { role: "assistant", content: first.done.answer },
      { role: "user", content: "And twice that?" },
    ]);
    expect(second.done.metrics?.promptTokens).toBe(answerOnly);
    // The count is the prompt's own: the same turn with its reasoning in front costs more.
    const withReasoning = await serverPromptTokens(server, [
      { role: "user", content: "What is 6 × 7?" },
      { role: "assistant", content: `${first.done.thought}\n\n${first.done.answer}` },
      { role: "user", content: "And twice that?" },
    ]);
    expect(withReasoning).toBeGreaterThan(answerOnly + 10);
  }, 180_000);
});

describe("a long answer from llama-server", () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await serve("scripted-r1-long", "deepseek");
  }, 180_000);

  it("Stop ends it at once, keeping what arrived, and the server is free for the next request", async () => {
    const { jobId } = await callOk(core, "chat.send", { prompt: "Think at length." });
    await waitForEvent(core, "chat.delta", (d) => d.jobId === jobId && d.thought.length > 0);
    await callOk(core, "jobs.cancel", { jobId });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("aborted");
    expect(done.thought.length).toBeGreaterThan(0);
    expect(done.thought.length).toBeLessThan(LONG_SCRIPT_THOUGHT.length);
    // The server noticed the closed connection and stopped generating (its one slot is idle again).
    const slots = () => fetch(`${server.url}/slots`).then((r) => r.json() as Promise<{ is_processing: boolean }[]>);
    await expect.poll(async () => (await slots())[0]?.is_processing, { timeout: 10_000 }).toBe(false);
  }, 120_000);

  it("a server killed mid-answer leaves an interrupted answer with what arrived", async () => {
    const conversation = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: "Think at length." });
    await waitForEvent(core, "chat.delta", (d) => d.jobId === jobId && d.thought.length > 0);
    server.process.kill("SIGKILL");
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("error");
    expect(done.message).toMatch(/cut|ended before the answer/);
    const reply = (await callOk(core, "conversations.get", { id: conversation.id })).messages.at(-1);
    expect(reply).toMatchObject({ role: "assistant", interrupted: true });
    expect(reply?.role === "assistant" && reply.thought.length).toBeGreaterThan(0);
  }, 120_000);
});
