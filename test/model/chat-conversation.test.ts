import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import type { AssistantMessage } from "../../electron/shared/contract/conversations.js";
import { ensureFixture, LONG_SCRIPT_THOUGHT, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

let core: AppCore;
let dispose: () => Promise<void>;

async function load(fixture: Parameters<typeof ensureFixture>[0]): Promise<void> {
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture(fixture), contextSize: 8192, threads: 1 });
  await loaded;
}

async function assistantMessages(conversationId: string): Promise<AssistantMessage[]> {
  const conversation = await callOk(core, "conversations.get", { id: conversationId });
  return conversation.messages.filter((m): m is AssistantMessage => m.role === "assistant");
}

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
});
afterAll(() => dispose());

describe("a chat in a conversation", () => {
  it("saves the question and the streamed reply, reasoning apart from the answer, with metrics", async () => {
    await load("scripted-r1");
    const { id } = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "What is six times seven?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("end");
    const conversation = await callOk(core, "conversations.get", { id });
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation.messages[0]).toMatchObject({ role: "user", text: "What is six times seven?" });
    const [reply] = await assistantMessages(id);
    expect(reply!.thought.trim()).toBe(SCRIPT_THOUGHT);
    expect(reply!.answer).toBe(SCRIPT_ANSWER);
    expect(reply!.interrupted).toBe(false);
    expect(reply!.metrics).toMatchObject({ thoughtTokens: expect.any(Number), answerTokens: expect.any(Number) });
    expect(conversation.title).toMatch(/six times seven/i);
  });

  it("streams a running count of reasoning tokens with the deltas, ending at the count in the metrics", async () => {
    await load("scripted-r1");
    const { id } = await callOk(core, "conversations.create", {});
    const counts: number[] = [];
    const stop = core.subscribe((name, payload) => {
      const delta = payload as { thought: string; thoughtTokens?: number };
      if (name === "chat.delta" && delta.thought) counts.push(delta.thoughtTokens ?? -1);
    });
    const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "What is six times seven?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    stop();
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((count, i) => count > 0 && count >= (counts[i - 1] ?? 0))).toBe(true);
    expect(counts.at(-1)).toBeLessThanOrEqual(done.metrics!.thoughtTokens);
  });

  it("keeps a follow-up and its reply in order after the first exchange", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    for (const prompt of ["First question", "Second question"]) {
      const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt });
      await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    }
    const conversation = await callOk(core, "conversations.get", { id });
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const replies = await assistantMessages(id);
    expect(replies.every((r) => r.answer === SCRIPT_ANSWER)).toBe(true);
  });

  it("keeps what was streamed when the user stops, marked as interrupted", async () => {
    await load("scripted-r1-long");
    const { id } = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "Think long." });
    let streamed = "";
    await waitForEvent(core, "chat.delta", (d) => d.jobId === jobId && (streamed += d.thought).length > 200);
    await callOk(core, "jobs.cancel", { jobId });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("aborted");
    const [reply] = await assistantMessages(id);
    expect(reply!.interrupted).toBe(true);
    expect(reply!.thought.length).toBeGreaterThan(200);
    expect(reply!.thought.length).toBeLessThan(LONG_SCRIPT_THOUGHT.length);
    expect(LONG_SCRIPT_THOUGHT.replace(/^\s+/, "")).toContain(reply!.thought.trim().slice(0, 200));
  });
});

describe("answering again", () => {
  it("regenerate replaces the last answer; edit and resend replaces the question and what followed", async () => {
    await load("scripted-r1");
    const { id } = await callOk(core, "conversations.create", {});
    const ask = async (request: { prompt: string; rewindFrom?: string }) => {
      const { jobId } = await callOk(core, "chat.send", { conversationId: id, ...request });
      await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
      return (await callOk(core, "conversations.get", { id })).messages;
    };
    await ask({ prompt: "First question" });
    const twoTurns = await ask({ prompt: "Second question" });
    const second = twoTurns[2]!;

    const regenerated = await ask({ prompt: "Second question", rewindFrom: second.id });
    expect(regenerated.map((m) => (m.role === "user" ? m.text : "answer"))).toEqual(["First question", "answer", "Second question", "answer"]);
    expect(regenerated[3]!.id).not.toBe(twoTurns[3]!.id);

    const edited = await ask({ prompt: "A better first question", rewindFrom: regenerated[0]!.id });
    expect(edited.map((m) => (m.role === "user" ? m.text : "answer"))).toEqual(["A better first question", "answer"]);
  });

  it("refuses to answer again from a message that is not in the conversation", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    const outcome = await core.dispatch("chat.send", { conversationId: id, prompt: "Hi", rewindFrom: "no-such-message" });
    expect(outcome).toMatchObject({ ok: false, error: { message: "That message is not in this conversation." } });
  });
});
