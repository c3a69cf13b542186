import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, LONG_SCRIPT_ANSWER, LONG_SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

describe("engine: stopping and the thinking budget", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("aborting mid-thought keeps the partial reasoning, stop reason aborted", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-long") });
    const controller = new AbortController();
    let abortedAt = 0;
    const { done } = await runGeneration(
      harness.engine,
      { turns: [{ role: "user", content: "Think long" }], options: r1Options },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "delta" && !controller.signal.aborted) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      },
    );
    const stopMs = performance.now() - abortedAt;
    console.log(`abort mid-thought: done ${stopMs.toFixed(1)} ms after the abort`);
    expect(done.stopReason).toBe("aborted");
    expect(done.thought.length).toBeGreaterThan(0);
    expect(LONG_SCRIPT_THOUGHT.startsWith(done.thought)).toBe(true);
    expect(done.thought.length).toBeLessThan(LONG_SCRIPT_THOUGHT.length);
    expect(done.answer).toBe("");
    expect(done.metrics?.thoughtTokens).toBeGreaterThan(0);
  });

  it("aborting mid-answer (via jobs.cancel) keeps the partial answer, stop reason aborted", async () => {
    // The random-weight model never closes a thought, so without forced thinking all it writes is answer.
    await harness.load({ path: await ensureFixture("bench-q8_0"), family: "other" });
    const { jobId } = (await harness.call("chat.send", { prompt: "Write", options: { maxTokens: 2000 } })) as { jobId: string };
    await harness.waitFor("chat.delta", (e) => e.jobId === jobId && e.answer.length > 0);
    const cancelledAt = performance.now();
    expect(await harness.call("jobs.cancel", { jobId })).toEqual({ cancelled: true });
    const done = await harness.waitFor("chat.done", (e) => e.jobId === jobId);
    console.log(`abort mid-answer: done ${(performance.now() - cancelledAt).toFixed(1)} ms after jobs.cancel`);
    expect(done.stopReason).toBe("aborted");
    expect(done.answer.length).toBeGreaterThan(0);
    expect(done.metrics!.answerTokens).toBeLessThan(2000);
    const streamed = harness
      .eventsOf("chat.delta", (e) => e.jobId === jobId)
      .map((e) => e.answer)
      .join("");
    expect(done.answer.startsWith(streamed.trimEnd())).toBe(true);
  });

  it("cuts the reasoning at the thinking budget, then the model answers", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-long") });
    const budget = 40;
    const { done } = await runGeneration(harness.engine, {
      turns: [{ role: "user", content: "Think, but briefly" }],
      options: { ...r1Options, thinkingBudget: budget },
    });
    expect(done.stopReason).toBe("budget-reached");
    expect(done.metrics!.thoughtTokens).toBeLessThanOrEqual(budget);
    expect(done.metrics!.thoughtTokens).toBeGreaterThanOrEqual(budget - 2);
    expect(LONG_SCRIPT_THOUGHT.startsWith(done.thought)).toBe(true);
    expect(done.thought.length).toBeLessThan(LONG_SCRIPT_THOUGHT.length / 10);
    expect(done.answer).toBe(LONG_SCRIPT_ANSWER);
    expect(done.message).toMatch(/budget of 40 tokens/);
  });
});
