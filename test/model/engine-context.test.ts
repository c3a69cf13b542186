import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, LONG_SCRIPT_THOUGHT, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

describe("engine: long conversations", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
    // A small context, so a few turns overflow it (the scripted tokenizer spends a token per byte).
    await harness.load({ path: await ensureFixture("scripted-r1"), contextSize: 512 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("shifts the oldest turns out when the history no longer fits, tells the user, and never drops the current turn", async () => {
    const turns: Array<{ role: "user" | "assistant"; content: string }> = [];
    let notices: string[] = [];
    for (let i = 0; i < 8 && notices.length === 0; i++) {
      turns.push({ role: "user", content: `Question number ${i}: ${"please think about this carefully. ".repeat(3)}` });
      const run = await runGeneration(harness.engine, { conversationId: "long", turns, options: r1Options });
      expect(run.done.thought).toBe(SCRIPT_THOUGHT);
      expect(run.done.answer).toBe(SCRIPT_ANSWER);
      notices = run.notices;
      if (notices.length) expect(run.done.metrics!.droppedMessages).toBeGreaterThan(0);
      turns.push({ role: "assistant", content: run.done.answer });
    }
    expect(notices[0]).toMatch(/no longer fits.*earlier message/);
    const { text } = await harness.engine.client.inspectContext();
    expect(text).toContain(turns.at(-2)!.content);
    expect(text).not.toContain("Question number 0:");
  });

  it("a message too long for the context stops before generating, as prompt-too-long, with how many tokens it needs", async () => {
    const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "x".repeat(600) }], options: r1Options });
    expect(done.stopReason).toBe("prompt-too-long");
    expect(done.message).toMatch(/needs about \d+ tokens.*context holds 512/);
    expect(done.metrics!.promptTokens).toBeGreaterThan(600);
    expect(done.metrics!.contextSize).toBe(512);
    expect(done.metrics!.generatedTokens).toBe(0);
  });

  it("a response that fills the whole context stops with context-full, keeping what it wrote, never cutting its own start", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-long"), contextSize: 512 });
    const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "Think very long" }], options: r1Options });
    expect(done.stopReason).toBe("context-full");
    expect(done.message).toMatch(/filled the model's context of 512 tokens/);
    expect(done.thought.length).toBeGreaterThan(100);
    expect(LONG_SCRIPT_THOUGHT.startsWith(done.thought)).toBe(true);
  });
});
