import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// Chat with a collection on the real core and the real llama.cpp (scripted-r1, whose tokenizer
// spends a token per byte): the passages that fit the room left go into the question as numbered
// sources, and the stored answer keeps their files and lines.
const CONTEXT = 4096;
const FACT = "The Lisbon offsite travel budget is 14,250 euros, approved by the finance committee in March.";
let core: AppCore;
let dispose: () => Promise<void>;
let folder: string;

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  folder = join(await mkdtemp(join(os.tmpdir(), "r1-collection-")), "handbook");
  for (let i = 0; i < 40; i++) {
    await mkdir(join(folder, `part-${i % 4}`), { recursive: true });
    const body = Array.from({ length: 6 }, (_, p) => `Paragraph ${p} of section ${i}: the offsite agenda covers travel, rooms and meals for team ${i}.`);
    if (i === 29) body.splice(3, 0, FACT);
    await writeFile(join(folder, `part-${i % 4}`, `section-${i}.md`), `# Section ${i}\n\n## Planning\n\n${body.join("\n\n")}\n`);
  }
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1"), contextSize: CONTEXT, threads: 1 });
  await loaded;
});
afterAll(() => dispose());

describe("chat with a collection", () => {
  it("puts the passages that fit into the question as numbered sources, and the stored answer keeps their files and lines", async () => {
    const { collection, jobId: indexJob } = await callOk(core, "collections.create", { name: "Handbook", sources: [folder] });
    const indexed = await waitForEvent(core, "collections.indexed", (e) => e.jobId === indexJob);
    expect(indexed.summary.files).toBe(40);

    const { id } = await callOk(core, "conversations.create", {});
    const notices: string[] = [];
    const stop = core.subscribe((name, payload) => void (name === "chat.notice" && notices.push((payload as { message: string }).message)));
    const { jobId } = await callOk(core, "chat.send", {
      conversationId: id,
      prompt: "How much is the Lisbon offsite travel budget?",
      collections: [collection.id],
      options: { maxTokens: 600 },
    });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    stop();
    expect(done.stopReason).toBe("end");
    const citations = done.citations!;
    expect(citations[0]).toMatchObject({ n: 1, collectionId: collection.id, display: "part-1/section-29.md", heading: "Section 29 > Planning" });
    const lines = (await readFile(citations[0]!.file, "utf8")).split("\n");
    const factLine = lines.indexOf(FACT) + 1;
    expect(factLine).toBeGreaterThanOrEqual(citations[0]!.startLine);
    expect(factLine).toBeLessThanOrEqual(citations[0]!.endLine);
    expect(citations.map((c) => c.n)).toEqual(citations.map((_, i) => i + 1));

    // Not all 24 candidates fit 4,096 tokens less the 600 kept for the answer: the kept ones are counted, and said.
    expect(notices).toContain("No embedding model is set: passages were found by their words alone (lexical retrieval).");
    const fitNotice = notices.find((n) => / of the \d+ passages found fit the room left/.test(n));
    expect(fitNotice).toMatch(new RegExp(`^${citations.length} of the 24 passages`));
    expect(citations.length).toBeGreaterThan(3);
    // The model read them: its prompt holds the sources, and still leaves the answer its room.
    expect(done.metrics!.promptTokens).toBeGreaterThan(citations.length * 150);
    expect(done.metrics!.promptTokens + 600).toBeLessThanOrEqual(CONTEXT);

    const conversation = await callOk(core, "conversations.get", { id });
    const [question, answer] = conversation.messages;
    expect(question).toMatchObject({ role: "user", text: "How much is the Lisbon offsite travel budget?" });
    expect(answer).toMatchObject({ role: "assistant", citations });
  });

  it("refuses an unknown collection with a clear message", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: id, prompt: "Anything?", collections: ["no-such-collection"] });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("error");
    expect(done.message).toBe("That collection does not exist (it may have been deleted).");
  });
});
