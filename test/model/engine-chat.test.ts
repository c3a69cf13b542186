import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness, r1Options, runGeneration } from "../support/engine/harness.js";

// Real llama.cpp in a real engine process, driven through the core's engine and chat modules.
describe("engine: R1 chat semantics", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("streams thought and answer exactly as the script, with timings and counts", async () => {
    const model = await harness.load({ path: await ensureFixture("scripted-r1") });
    expect(model.family).toBe("r1-distill");
    expect(model.forcedThinking).toBe(true);
    expect(model.backend).toBe("cpu");
    expect(model.contextSize).toBe(2048);
    const progress = harness.eventsOf("engine.loadProgress").map((e) => e.progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);

    const { jobId } = (await harness.call("chat.send", { prompt: "What is six times seven?" })) as { jobId: string };
    const done = await harness.waitFor("chat.done", (e) => e.jobId === jobId);
    expect(done.stopReason).toBe("end");
    expect(done.thought).toBe(SCRIPT_THOUGHT);
    expect(done.answer).toBe(SCRIPT_ANSWER);

    // The deltas carry only new text, and together make the whole response.
    const deltas = harness.eventsOf("chat.delta", (e) => e.jobId === jobId);
    expect(deltas.map((d) => d.thought).join("")).toBe(SCRIPT_THOUGHT);
    expect(deltas.map((d) => d.answer).join("")).toBe(SCRIPT_ANSWER);

    const metrics = done.metrics!;
    expect(metrics.ttftMs).toBeGreaterThan(0);
    expect(metrics.thoughtTokens).toBeGreaterThan(10);
    expect(metrics.answerTokens).toBeGreaterThan(5);
    expect(metrics.generatedTokens).toBe(metrics.thoughtTokens + metrics.answerTokens);
    expect(metrics.promptTokens).toBeGreaterThan(0);
    expect(metrics.promptTokensPerSecond).toBeGreaterThan(0);
    expect(metrics.generationTokensPerSecond).toBeGreaterThan(0);
    expect(metrics.backend).toBe("cpu");
    expect(metrics.gpuLayers).toBe(0);
    expect(metrics.contextSize).toBe(2048);
    expect(metrics.contextUsed).toBeGreaterThan(metrics.generatedTokens);
    expect(Date.parse(metrics.thoughtEndedAt!)).toBeGreaterThanOrEqual(Date.parse(metrics.thoughtStartedAt!));
    // Coalesced: never one message per token.
    expect(deltas.length).toBeLessThanOrEqual(metrics.generatedTokens);
  });

  it("forces the response to start inside the thought with the older template too", async () => {
    for (const fixture of ["scripted-r1-old-template", "scripted-r1-llama"] as const) {
      const model = await harness.load({ path: await ensureFixture(fixture) });
      expect(model.forcedThinking).toBe(true);
      const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: "Six times seven?" }], options: r1Options });
      expect(done.thought).toBe(SCRIPT_THOUGHT);
      expect(done.answer).toBe(SCRIPT_ANSWER);
      // What the model evaluated: the prompt ends inside the thinking, as DeepSeek recommends.
      const { text } = await harness.engine.client.inspectContext();
      expect(text).toContain("<｜Assistant｜><think>\n" + SCRIPT_THOUGHT.slice(0, 20));
      expect(text).not.toContain("<think><think>");
    }
  });

  it("never puts earlier reasoning back into the context: the third turn's context has none", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1") });
    const conversationId = "three-turns";
    const turns: Array<{ role: "user" | "assistant"; content: string }> = [];
    for (const question of ["First question?", "Second question?", "Third question?"]) {
      turns.push({ role: "user", content: question });
      const { done } = await runGeneration(harness.engine, { conversationId, turns, options: r1Options });
      expect(done.stopReason).toBe("end");
      turns.push({ role: "assistant", content: done.answer });
    }
    const { text } = await harness.engine.client.inspectContext();
    // The evaluated context holds all three questions and the two earlier answers …
    for (const question of ["First question?", "Second question?", "Third question?"]) expect(text).toContain(question);
    expect(text.split(SCRIPT_ANSWER).length - 1).toBe(3);
    // … and exactly one reasoning: the third turn's own, after the last assistant marker.
    expect(text.split("Multiplying six by seven").length - 1).toBe(1);
    const beforeCurrentTurn = text.slice(0, text.lastIndexOf("<｜Assistant｜>"));
    expect(beforeCurrentTurn).not.toContain("<think>");
    expect(beforeCurrentTurn).not.toContain("Multiplying six by seven");
  });

  it("sends no system prompt by default, folds one into the user turn for the original distills, and keeps it for R1-0528", async () => {
    const file = await ensureFixture("scripted-r1");
    await harness.load({ path: file });
    await runGeneration(harness.engine, { turns: [{ role: "user", content: "Plain question" }], options: r1Options });
    let { text } = await harness.engine.client.inspectContext();
    expect(text.startsWith("<｜begin▁of▁sentence｜><｜User｜>Plain question<｜Assistant｜><think>\n")).toBe(true);

    await runGeneration(harness.engine, { turns: [{ role: "user", content: "Question" }], options: { ...r1Options, systemPrompt: "Answer in French." } });
    ({ text } = await harness.engine.client.inspectContext());
    expect(text).toContain("<｜begin▁of▁sentence｜><｜User｜>Answer in French.\n\nQuestion<｜Assistant｜>");

    const model = await harness.load({ path: file, family: "r1-0528" });
    expect(model.forcedThinking).toBe(false);
    expect(model.systemPromptAllowed).toBe(true);
    const { done } = await runGeneration(harness.engine, {
      turns: [{ role: "user", content: "Question" }],
      options: { ...r1Options, systemPrompt: "Answer in French." },
    });
    ({ text } = await harness.engine.client.inspectContext());
    expect(text).toContain("<｜begin▁of▁sentence｜>Answer in French.<｜User｜>Question<｜Assistant｜><think>");
    // Not forced: the model opened the thought itself, and it is still reported as a thought.
    expect(done.thought).toBe(SCRIPT_THOUGHT);
    expect(done.answer).toBe(SCRIPT_ANSWER);
  });

  it("refuses a second generation while one runs, with a clear message", async () => {
    await harness.load({ path: await ensureFixture("scripted-r1-long") });
    const { jobId } = (await harness.call("chat.send", { prompt: "Go on" })) as { jobId: string };
    await expect(harness.call("chat.send", { prompt: "Another" })).rejects.toThrow(/already being generated/);
    await harness.waitFor("chat.delta", (e) => e.jobId === jobId);
    await harness.call("jobs.cancel", { jobId });
    const done = await harness.waitFor("chat.done", (e) => e.jobId === jobId);
    expect(done.stopReason).toBe("aborted");
    // After it ended, the next one runs.
    const next = (await harness.call("chat.send", { prompt: "Now", options: { maxTokens: 3 } })) as { jobId: string };
    expect((await harness.waitFor("chat.done", (e) => e.jobId === next.jobId)).stopReason).toBe("max-tokens");
  });
});
