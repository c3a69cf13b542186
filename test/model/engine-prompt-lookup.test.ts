import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHARACTER_SCRIPT_THOUGHT, ensureFixture } from "../fixtures/models.js";
import { CoreHarness, runGeneration } from "../support/engine/harness.js";

// Prompt-lookup decoding (no draft loaded): turns with pasted code or attachments let the engine
// predict tokens from the prompt. The setting "speculativeDecoding" turns it off.
let harness: CoreHarness;

const greedy = { temperature: 0, topP: 1, maxTokens: 96 };
// scripted-r1-characters reasons in one token per character, as its text tokenizes: pasting its
// reasoning makes its output repeat the prompt token for token.
const pastedCode = { role: "user" as const, content: `Fix this:\n\`\`\`\n${CHARACTER_SCRIPT_THOUGHT}\n\`\`\`` };
const plainQuestion = { role: "user" as const, content: CHARACTER_SCRIPT_THOUGHT };

async function answer(path: string, promptLookup: boolean, turn: typeof pastedCode, family?: "other") {
  await harness.call("settings.update", { patch: { speculativeDecoding: promptLookup } });
  await harness.load({ path, family, draftPath: null });
  return (await runGeneration(harness.engine, { turns: [turn], options: greedy })).done;
}

beforeAll(async () => {
  harness = await CoreHarness.start();
});
afterAll(() => harness?.close());

describe("prompt-lookup decoding", () => {
  it("predicts from pasted code and gives the same output as without it", async () => {
    const model = await ensureFixture("scripted-r1-characters");
    const without = await answer(model, false, pastedCode);
    const withLookup = await answer(model, true, pastedCode);
    expect(withLookup.thought).toBe(without.thought);
    expect(withLookup.answer).toBe(without.answer);
    expect(without.metrics?.draftAcceptedTokens ?? null).toBeNull();
    expect(withLookup.metrics?.draftAcceptedTokens).toBeGreaterThan(0);
  });

  it("keeps a random model's greedy output the same with and without it", async () => {
    const model = await ensureFixture("bench-q8_0");
    const turn = { role: "user" as const, content: "Rename x to total:\n```js\nlet x = 0;\nfor (const item of items) x += item.price;\nreturn x;\n```" };
    const without = await answer(model, false, turn, "other");
    const withLookup = await answer(model, true, turn, "other");
    expect(withLookup.answer).toBe(without.answer);
    expect(withLookup.answer.length).toBeGreaterThan(0);
  });

  it("stays off for a turn without code or attachments", async () => {
    const done = await answer(await ensureFixture("scripted-r1-characters"), true, plainQuestion);
    expect(done.thought).toBe(CHARACTER_SCRIPT_THOUGHT);
    expect(done.metrics?.draftAcceptedTokens ?? null).toBeNull();
  });
});
