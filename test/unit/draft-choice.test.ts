import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { chooseDraft, draftProblem } from "../../electron/core/local-engine/draft-choice.js";
import { ensureFixture } from "../fixtures/models.js";

// Drafts are matched by the tokenizer read from both files' headers, never by names.
async function candidate(name: Parameters<typeof ensureFixture>[0]) {
  const path = await ensureFixture(name);
  return { path, sizeBytes: (await stat(path)).size };
}

describe("draft choice", () => {
  it("accepts a file with the same tokenizer and refuses one with another, saying why", async () => {
    const target = await candidate("scripted-r1-wide");
    expect(await draftProblem(target.path, (await candidate("scripted-r1")).path)).toBeNull();
    expect(await draftProblem(target.path, (await candidate("scripted-r1-long")).path)).toMatch(
      /^its tokenizer differs \(\d+ tokens against the model's \d+\)$/,
    );
    expect(await draftProblem(target.path, target.path)).toBe("it is the model itself");
  });

  it("notices a tokenizer with as many tokens but other ones", async () => {
    // bad-duplicate-tokens is scripted-r1 with one token changed: as many tokens, other ones.
    expect(await draftProblem((await candidate("scripted-r1")).path, (await candidate("bad-duplicate-tokens")).path)).toMatch(/same number of tokens/);
  });

  it("picks the largest library model with the tokenizer that is at most half the model's size", async () => {
    const target = await candidate("scripted-r1-wide");
    const agreeing = await candidate("scripted-r1");
    const others = [await candidate("scripted-r1-long"), await candidate("bench-q8_0")];
    expect(await chooseDraft(target, [...others, agreeing, target])).toBe(agreeing.path);
    expect(await chooseDraft(target, others)).toBeNull();
    // A candidate as large as the model never drafts for it.
    expect(await chooseDraft(agreeing, [await candidate("scripted-r1-wide")])).toBeNull();
  });
});
