import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationStore } from "../../electron/core/store/conversation-store.js";
import { createStoreModule } from "../../electron/core/store/module.js";
import { startModule } from "../support/store/module-harness.js";
import { readChatDataset } from "../support/training/chat-format.js";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-traces-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

type Exported = { fileName: string; content: string; examples: number; skipped: number };

function answer(store: ConversationStore, conversationId: string, thought: string, reply: string, stopReason = "end", interrupted = false) {
  const id = store.beginAssistantMessage(conversationId, { model: "DeepSeek-R1-Distill-Qwen-1.5B" });
  store.appendStream(id, { thought });
  store.appendStream(id, { answer: reply });
  return store.finishMessage(id, { stopReason, metrics: null, interrupted });
}

/** Two conversations: a kept two-turn one with a file, a regenerated answer, a stopped one and a short one. */
async function seeded() {
  const app = await startModule(dataDir, createStoreModule);
  const store = app.module.service as ConversationStore;
  const coding = store.create().id;
  const question = store.appendUserMessage(coding, "What does this do?", [
    { name: "src/add.ts", content: "export const add = (a, b) => a + b;\n", tokens: 12 },
  ]);
  answer(store, coding, "It is a function. Wait — the first draft of this reasoning was long enough.", "It adds.");
  store.rewind(coding, question.id); // regenerate: the answer above was not kept
  store.appendUserMessage(coding, "What does this do?", question.attachments);
  answer(store, coding, "Reading the file: add takes a and b and returns their sum, so it adds two numbers.", "It adds two numbers.");
  store.appendUserMessage(coding, "And with strings?");
  answer(store, coding, "With strings the plus operator concatenates, so add('a','b') is 'ab'.", "It joins them.");
  const other = store.create().id;
  store.appendUserMessage(other, "Count to a million.");
  answer(store, other, "One, two, three, and on it goes for a very long while", "1, 2, 3", "aborted", true);
  store.appendUserMessage(other, "2+2?");
  answer(store, other, "Four.", "4");
  return { app, coding, other };
}

async function exportTo(app: Awaited<ReturnType<typeof seeded>>["app"], request: Record<string, unknown>) {
  const result = (await app.call("conversations.exportTraining", request)) as Exported;
  const file = path.join(dataDir, result.fileName);
  fs.writeFileSync(file, result.content);
  return { result, file };
}

describe("trace export as fine-tuning data", () => {
  it("writes kept, finished answers with their reasoning, and a fine-tuning reader accepts every line", async () => {
    const { app } = await seeded();
    const { result, file } = await exportTo(app, { style: "reasoning-field" });
    expect(result.fileName).toMatch(/^r1-local-traces-reasoning-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const dataset = await readChatDataset(file, { reasoningField: true });
    expect(dataset.errors).toEqual({});
    // 5 answers: the replaced one and the stopped one are filtered out.
    expect([result.examples, result.skipped, dataset.examples.length]).toEqual([3, 2, 3]);
    const followUp = dataset.examples.find((e) => e.messages.length === 4 && e.messages[0]!.content.startsWith("[file name]"))!;
    expect(followUp.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    // The file went into the question as the model read it; earlier answers carry no reasoning.
    expect(followUp.messages[0]!.content).toBe(
      "[file name]: src/add.ts\n[file content begin]\nexport const add = (a, b) => a + b;\n\n[file content end]\nWhat does this do?",
    );
    expect(followUp.messages[1]).toEqual({ role: "assistant", content: "It adds two numbers." });
    expect(followUp.messages[3]).toEqual({
      role: "assistant",
      content: "It joins them.",
      reasoning_content: "With strings the plus operator concatenates, so add('a','b') is 'ab'.",
    });
    await app.close();
  });

  it("the think-tags variant puts the reasoning before the answer, and a strict reader refuses the other variant's extra field", async () => {
    const { app } = await seeded();
    const think = await exportTo(app, { style: "think-tags" });
    const dataset = await readChatDataset(think.file, { reasoningField: false });
    expect(dataset.errors).toEqual({});
    expect(dataset.examples.map((e) => e.messages.at(-1)!.content)).toContain("<think>\nFour.\n</think>\n\n4");
    const field = await exportTo(app, { style: "reasoning-field" });
    expect((await readChatDataset(field.file, { reasoningField: false })).errors).toEqual({ message_unrecognized_key: 3 });
    await app.close();
  });

  it("filters by kept, finished and reasoning length, over selected conversations or all", async () => {
    const { app, coding, other } = await seeded();
    const count = async (request: Record<string, unknown>) => (await exportTo(app, { style: "think-tags", ...request })).result.examples;
    expect(await count({ onlyKept: false })).toBe(4);
    expect(await count({ onlyFinished: false })).toBe(4);
    expect(await count({ onlyKept: false, onlyFinished: false })).toBe(5);
    expect(await count({ minReasoningChars: 20 })).toBe(2);
    expect(await count({ maxReasoningChars: 20 })).toBe(1);
    expect(await count({ ids: [coding] })).toBe(2);
    expect(await count({ ids: [other], onlyFinished: false })).toBe(2);
    await expect(app.call("conversations.exportTraining", { style: "think-tags", minReasoningChars: 50, maxReasoningChars: 10 })).rejects.toThrow(
      "minimum reasoning length is above the maximum",
    );
    await app.close();
  });

  it("remembers replaced answers across a restart and a compaction", async () => {
    const { app } = await seeded();
    await app.close();
    const reopened = await startModule(dataDir, createStoreModule);
    const count = async () => ((await reopened.call("conversations.exportTraining", { style: "think-tags", onlyKept: false })) as Exported).examples;
    expect(await count()).toBe(4);
    (reopened.module.service as ConversationStore).compact();
    await reopened.close();
    const compacted = await startModule(dataDir, createStoreModule);
    expect(((await compacted.call("conversations.exportTraining", { style: "think-tags", onlyKept: false })) as Exported).examples).toBe(4);
    expect(((await compacted.call("conversations.exportTraining", { style: "think-tags" })) as Exported).examples).toBe(3);
    await compacted.close();
  });
});
