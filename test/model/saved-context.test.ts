import { readdir, readFile, truncate } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatTurn } from "../../electron/shared/contract/chat.js";
import { ensureFixture } from "../fixtures/models.js";
import { CoreHarness, runGeneration } from "../support/engine/harness.js";

// A conversation's evaluated context is saved after each answer and loaded when the conversation
// comes back, instead of evaluating its history again; a file that does not belong to the loaded
// model and context, or is damaged, is ignored with a notice.
let harness: CoreHarness;
let benchModel: string;
const greedy = { temperature: 0, topP: 1, maxTokens: 12 };
const longQuestion = "The keeper opens the shutters and writes the date on a slate by the door. ".repeat(9);
const conversation: ChatTurn[] = [{ role: "user", content: longQuestion }];
const stateDir = () => path.join(harness.dataDir, "cache", "conversation-state");

/** Answers the conversation's last user turn and appends the answer and `next` as the following user turn. */
async function turn(conversationId: string, turns: ChatTurn[], next: string) {
  const run = await runGeneration(harness.engine, { conversationId, turns, options: greedy });
  expect(run.done.stopReason).toBe("max-tokens");
  turns.push({ role: "assistant", content: run.done.answer }, { role: "user", content: next });
  return run;
}

/** Occupies the engine's context with another conversation, so returning to the first needs its state. */
async function elsewhere() {
  await runGeneration(harness.engine, { conversationId: "other", turns: [{ role: "user", content: "Something else entirely." }], options: greedy });
}

/** Waits until the engine's background save of the last answer is on disk (a manifest for the index's file). */
async function savedFile(conversationId: string, newerThan?: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const index = JSON.parse(await readFile(path.join(stateDir(), "index.json"), "utf8").catch(() => "{}")) as Record<string, { file: string }>;
    const file = index[conversationId]?.file;
    if (file && path.join(stateDir(), file) !== newerThan && (await readdir(stateDir())).includes(`${file}.json`)) return path.join(stateDir(), file);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("No saved state appeared");
}

/** Prompt tokens evaluated for this response (the rest came from the context as it stood). */
const evaluated = (run: Awaited<ReturnType<typeof turn>>) => run.done.metrics!.promptTokens - run.done.metrics!.cachedPromptTokens;
const restoredTokens = (done: object) => ("restoredStateTokens" in done ? done.restoredStateTokens : null) ?? null;

beforeAll(async () => {
  benchModel = await ensureFixture("bench-q8_0");
  harness = await CoreHarness.start({ savedContexts: { maxBytes: 2 ** 30 } });
  await harness.load({ path: benchModel, contextSize: 2048, family: "other" });
});
afterAll(() => harness.close());

describe("conversation state on disk", () => {
  it("saves the context after an answer and loads it on return instead of evaluating the history again", async () => {
    const first = await turn("a", conversation, "And then?");
    expect(evaluated(first)).toBeGreaterThan(500);
    const file = await savedFile("a");
    const manifest = JSON.parse(await readFile(`${file}.json`, "utf8")) as { tokens: number; identity: { modelPath: string } };
    expect(manifest.identity.modelPath).toBe(benchModel);
    expect(manifest.tokens).toBeGreaterThan(first.done.metrics!.promptTokens);

    // Staying in the conversation evaluates the new turn and the last answer as the template renders it.
    const stay = await turn("a", conversation, "Go on.");
    const latest = JSON.parse(await readFile(`${await savedFile("a", file)}.json`, "utf8")) as { tokens: number };
    await elsewhere();
    const back = await turn("a", conversation, "Go on.");
    expect(back.notices).toEqual([]);
    expect(restoredTokens(back.done)).toBe(latest.tokens);
    // Coming back costs what staying cost, not the whole history again.
    expect(evaluated(back)).toBeLessThanOrEqual(evaluated(stay) + 10);
    expect(evaluated(back)).toBeLessThan(evaluated(first) / 4);
  });

  it("ignores a truncated file with a notice and evaluates the conversation again", async () => {
    const file = await savedFile("a");
    await truncate(file, 1000);
    await elsewhere();
    const back = await turn("a", conversation, "More.");
    expect(back.notices.join(" ")).toMatch(/saved context of this conversation was not used: the file is damaged/);
    expect(restoredTokens(back.done)).toBeNull();
    expect(evaluated(back)).toBeGreaterThan(500);
  });

  it("never loads a state made with other context settings", async () => {
    await savedFile("a");
    await harness.load({ path: benchModel, contextSize: 3072, family: "other" });
    const back = await turn("a", conversation, "Again.");
    expect(back.notices.join(" ")).toMatch(/not used: it was made with other context settings/);
    expect(evaluated(back)).toBeGreaterThan(500);
  });

  it("never loads a state made with another model", async () => {
    await savedFile("a");
    await harness.load({ path: await ensureFixture("bench-f16"), contextSize: 3072, family: "other" });
    const back = await turn("a", conversation, "Once more.");
    expect(back.notices.join(" ")).toMatch(/not used: it was made with another model/);
    expect(evaluated(back)).toBeGreaterThan(500);
  });

  it("deletes a conversation's state with the conversation", async () => {
    const file = await savedFile("a");
    await harness.savedContexts!.forget("a");
    const names = await readdir(stateDir());
    expect(names).not.toContain(path.basename(file));
    expect(names).not.toContain(`${path.basename(file)}.json`);
  });
});
