import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import type { Attachment } from "../../electron/shared/contract/chat.js";
import { ensureFixture } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// Attached files and the context: the "earlier messages were left out" notice appears only when
// the conversation (files counted once, as the model reads them) truly outgrows the context.
let core: AppCore;
let dispose: () => Promise<void>;
let notices: Array<{ jobId: string; message: string }>;

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  core.subscribe((name, payload) => {
    if (name === "chat.notice") notices.push(payload as { jobId: string; message: string });
  });
  const loaded = waitForEvent(core, "engine.loaded");
  // The scripted tokenizer spends a token per byte, so file sizes below are token counts.
  await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1"), contextSize: 8192, threads: 1 });
  await loaded;
});
afterAll(() => dispose());

const file = (name: string, size: number): Attachment => ({ name, content: `// ${name}\n${"const value = 1;\n".repeat(size / 17)}`, tokens: null });

async function ask(conversationId: string, prompt: string, attachments: Attachment[]) {
  notices = [];
  const { jobId } = await callOk(core, "chat.send", { conversationId, prompt, attachments });
  const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
  return { done, notices: notices.filter((n) => n.jobId === jobId).map((n) => n.message) };
}

describe("attached files and the context", () => {
  it("a small conversation with a file in every question gets no 'left out' notice, first turn or later", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    for (const prompt of ["What does this do?", "And this one?", "Compare them."]) {
      const { done, notices } = await ask(id, prompt, [file(`${prompt.length}.ts`, 340)]);
      expect(done.stopReason).toBe("end");
      expect(notices).toEqual([]);
      expect(done.metrics!.droppedMessages).toBe(0);
      expect(done.metrics!.contextUsed).toBeLessThan(8192 / 4);
    }
  });

  it("once the files outgrow the context, the notice names the messages left out: the oldest exchange, two messages", async () => {
    const { id } = await callOk(core, "conversations.create", {});
    expect((await ask(id, "First file?", [file("one.ts", 3000)])).notices).toEqual([]);
    expect((await ask(id, "Second file?", [file("two.ts", 3000)])).notices).toEqual([]);
    const third = await ask(id, "Third file?", [file("three.ts", 3000)]);
    expect(third.done.stopReason).toBe("end");
    expect(third.notices).toEqual([
      "The conversation no longer fits into the model's context of 8192 tokens: 2 earlier messages were left out of what the model sees.",
    ]);
    expect(third.done.metrics!.droppedMessages).toBe(2);
  });
});
