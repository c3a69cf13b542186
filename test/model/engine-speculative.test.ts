import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, SCRIPT_ANSWER, SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness, runGeneration } from "../support/engine/harness.js";

// Speculative decoding on real llama.cpp: a wide scripted target, drafts with its tokenizer that
// agree (scripted-r1: same script) or never agree (scripted-r1-disagreeing), and one with another
// tokenizer (scripted-r1-long: another script, so other tokens).
let harness: CoreHarness;
let target: string;

const greedy = { temperature: 0, topP: 1 } as const;
const question = { role: "user" as const, content: "What is six times seven?" };

async function answerWith(draftPath: string | null) {
  const model = await harness.load({ path: target, draftPath });
  const { done } = await runGeneration(harness.engine, { turns: [question], options: greedy });
  return { model, done };
}

beforeAll(async () => {
  target = await ensureFixture("scripted-r1-wide");
  harness = await CoreHarness.start();
});
afterAll(() => harness?.close());

describe("speculative decoding", () => {
  it("gives the same output with an agreeing draft at temperature 0, and reports the drafted tokens it accepted", async () => {
    const plain = await answerWith(null);
    expect(plain.model.draft ?? null).toBeNull();
    expect(plain.done.metrics?.draftAcceptedTokens ?? null).toBeNull();

    const drafted = await answerWith(await ensureFixture("scripted-r1"));
    expect(drafted.model.draft?.name).toBe("scripted-r1");
    expect(drafted.done.thought).toBe(plain.done.thought);
    expect(drafted.done.answer).toBe(plain.done.answer);
    expect(drafted.done.thought).toBe(SCRIPT_THOUGHT);
    expect(drafted.done.answer).toBe(SCRIPT_ANSWER);
    const metrics = drafted.done.metrics!;
    // The draft follows the same script: what it drafted was confirmed.
    expect(metrics.draftAcceptedTokens!).toBeGreaterThan(metrics.generatedTokens / 4);
    expect(metrics.draftRefutedTokens!).toBeLessThan(metrics.draftAcceptedTokens!);
  });

  it("gives the same output with a draft that is always wrong, its drafted tokens refuted", async () => {
    const plain = await answerWith(null);
    const drafted = await answerWith(await ensureFixture("scripted-r1-disagreeing"));
    expect(drafted.done.thought).toBe(plain.done.thought);
    expect(drafted.done.answer).toBe(plain.done.answer);
    const metrics = drafted.done.metrics!;
    expect(metrics.draftAcceptedTokens).toBe(0);
    expect(metrics.draftRefutedTokens!).toBeGreaterThan(0);
  });

  it("refuses a draft with another tokenizer, saying why", async () => {
    const other = await ensureFixture("scripted-r1-long");
    await expect(harness.call("engine.load", { path: target, draftPath: other })).rejects.toThrow(
      /scripted-r1-long\.gguf cannot draft for scripted-r1-wide\.gguf: its tokenizer differs/,
    );
  });
});

describe("speculative decoding with a draft from the library", () => {
  it("picks the library's model with the same tokenizer, measures it, and keeps it only where it is faster", async () => {
    const files = [await ensureFixture("scripted-r1-long"), await ensureFixture("scripted-r1")];
    const candidates = await Promise.all(files.map(async (path) => ({ path, sizeBytes: (await stat(path)).size })));
    const library = await CoreHarness.start({ draftCandidates: async () => candidates });
    try {
      const model = await library.load({ path: await ensureFixture("scripted-r1-wide") });
      const measurement = model.draftMeasurement!;
      expect(measurement.withDraftTokensPerSecond).toBeGreaterThan(0);
      expect(measurement.withoutTokensPerSecond).toBeGreaterThan(0);
      expect(measurement.kept).toBe(measurement.withDraftTokensPerSecond >= measurement.withoutTokensPerSecond * 1.05);
      // scripted-r1-long has another tokenizer: only scripted-r1 could be the draft.
      expect(model.draft?.path ?? null).toBe(measurement.kept ? files[1] : null);
      const { done } = await runGeneration(library.engine, { turns: [question], options: greedy });
      expect(done.answer).toBe(SCRIPT_ANSWER);

      // Turned off in the settings: no draft is looked for.
      await library.call("settings.update", { patch: { speculativeDecoding: false } });
      const plain = await library.load({ path: await ensureFixture("scripted-r1-wide") });
      expect(plain.draft ?? null).toBeNull();
      expect(plain.draftMeasurement ?? null).toBeNull();
    } finally {
      await library.close();
    }
  });
});
