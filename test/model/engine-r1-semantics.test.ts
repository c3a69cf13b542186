import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHARACTER_SCRIPT_ANSWER, CHARACTER_SCRIPT_THOUGHT, ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

describe("engine: R1's semantics on generated models", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("a model that ends inside its reasoning stops as unfinished-thought, with a notice, and no empty turn reaches the next prompt", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-unclosed"), contextSize: 1024 });
    const question = { role: "user" as const, content: "What is 6 x 7?" };
    const { done } = await runGeneration(harness.engine, { turns: [question], options: r1Options });
    expect(done.stopReason).toBe("unfinished-thought");
    expect(done.message).toMatch(/stopped while still reasoning and gave no answer/);
    expect(done.thought).toBe(SCRIPT_THOUGHT);
    expect(done.answer).toBe("");
    // The empty answer, sent back as a turn, is not put into the context as an empty assistant turn.
    await runGeneration(harness.engine, {
      turns: [question, { role: "assistant", content: done.answer }, { role: "user", content: "Again?" }],
      options: r1Options,
    });
    const { text } = await harness.engine.client.inspectContext();
    expect(text).toContain("What is 6 x 7?<｜User｜>Again?");
    expect(text).not.toMatch(/<｜Assistant｜>\s*<｜end▁of▁sentence｜>/);
  });

  it("a second <think> right after the forced one is format, not reasoning text", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-repeated-think"), contextSize: 1024 });
    const { done, deltas } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "What is 6 x 7?" }], options: r1Options });
    expect(done.stopReason).toBe("end");
    expect(done.thought).toBe(SCRIPT_THOUGHT);
    expect(deltas.map((d) => d.thought).join("")).not.toContain("<think>");
    expect(done.answer).toBe(SCRIPT_ANSWER);
  });

  it("reasoning that fills the context stops as context-full, and goes on to the answer after a reload with a larger context", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-characters"), contextSize: 256 });
    // A long question leaves the reasoning less room than its 89 tokens.
    const turns = [{ role: "user" as const, content: `${"q".repeat(170)} Go on.` }];
    const first = await runGeneration(harness.engine, { turns, options: r1Options });
    expect(first.done.stopReason).toBe("context-full");
    expect(first.done.answer).toBe("");
    expect(first.done.thought.length).toBeGreaterThan(10);
    expect(CHARACTER_SCRIPT_THOUGHT.startsWith(first.done.thought)).toBe(true);
    expect(first.done.thought).not.toBe(CHARACTER_SCRIPT_THOUGHT);

    await harness.load({ path: await ensureFixture("scripted-r1-characters"), contextSize: 512 });
    const continuation = { thought: first.done.thought, answer: first.done.answer };
    const second = await runGeneration(harness.engine, { turns, options: r1Options, continuation });
    expect(second.done.stopReason).toBe("end");
    expect(second.done.thought).toBe(CHARACTER_SCRIPT_THOUGHT);
    expect(second.done.answer).toBe(CHARACTER_SCRIPT_ANSWER);
    // Only the new text streams: what was kept is not sent again.
    expect(second.deltas.map((d) => d.thought).join("")).toBe(CHARACTER_SCRIPT_THOUGHT.slice(first.done.thought.length));
  });
});
