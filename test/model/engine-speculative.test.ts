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
