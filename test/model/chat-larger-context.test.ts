import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { CHARACTER_SCRIPT_ANSWER, CHARACTER_SCRIPT_THOUGHT, ensureFixture } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// The whole app core: chat, the conversation store, the engine, and the fit estimator that says
// which larger context this machine's memory allows.
let core: AppCore;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1-characters"), contextSize: 256, threads: 1 });
  await loaded;
});
afterAll(() => dispose());

describe("chat: context full while reasoning", () => {
  it("stops with context-full and a notice, and the larger-context action finishes the same answer", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    // A long question leaves the 89-token reasoning too little room in 256 tokens.
    const question = `${"q".repeat(170)} Go on.`;
    const first = await callOk(core, "chat.send", { conversationId: id, prompt: question });
    const stopped = await waitForEvent(core, "chat.done", (d) => d.jobId === first.jobId);
    expect(stopped.stopReason).toBe("context-full");
    expect(stopped.message).toMatch(/filled the model's context of 256 tokens/);
    expect(stopped.answer).toBe("");
    expect(CHARACTER_SCRIPT_THOUGHT.startsWith(stopped.thought)).toBe(true);
    // The fit estimator's largest context for this file (trained for 8K) on this machine.
    expect(stopped.largerContext?.contextSize).toBeGreaterThan(256);

    const stoppedMessage = (await callOk(core, "conversations.get", { id })).messages.at(-1)!;
    const resumed = await callOk(core, "chat.send", {
      conversationId: id,
      rewindFrom: stoppedMessage.id,
      resume: { thought: stopped.thought, answer: stopped.answer, ...stopped.largerContext! },
    });
    const reloaded = await waitForEvent(core, "engine.loaded", (e) => e.jobId === resumed.jobId);
    expect(reloaded.model.contextSize).toBe(stopped.largerContext!.contextSize);
    // The cache type the estimate that offered this context assumed travels with it to the reload.
    expect(reloaded.model.kvCacheType).toBe(stopped.largerContext!.kvCacheType);
    const finished = await waitForEvent(core, "chat.done", (d) => d.jobId === resumed.jobId);
    expect(finished.stopReason).toBe("end");
    expect(finished.thought).toBe(CHARACTER_SCRIPT_THOUGHT);
    expect(finished.answer).toBe(CHARACTER_SCRIPT_ANSWER);
    expect(finished.largerContext).toBeNull();

    // One question, one answer: the continued response replaced the stopped one, with everything kept.
    const conversation = await callOk(core, "conversations.get", { id });
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const reply = conversation.messages[1] as { thought: string; answer: string; stopReason: string | null };
    expect(reply.thought).toBe(CHARACTER_SCRIPT_THOUGHT);
    expect(reply.answer).toBe(CHARACTER_SCRIPT_ANSWER);
    expect(reply.stopReason).toBe("end");
    // chat.done names the stored messages, so a client never has to fetch the conversation to learn them.
    expect(finished.messageId).toBe(conversation.messages[1]!.id);
    expect(stopped.userMessageId).toBe(conversation.messages[0]!.id);
    expect(finished.userMessageId).toBeNull();
  });

  it("a question that cannot fit says how many tokens it needs and offers a larger context", async () => {
    const loaded = waitForEvent(core, "engine.loaded");
    await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1-characters"), contextSize: 512, threads: 1 });
    await loaded;
    const { id } = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "w".repeat(900) });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("prompt-too-long");
    expect(done.message).toMatch(/needs about \d+ tokens.*context holds 512/);
    expect(done.largerContext?.contextSize).toBeGreaterThanOrEqual(done.metrics!.promptTokens);
  });
});
