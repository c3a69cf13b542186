import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationStore } from "../../electron/core/store/conversation-store.js";
import { createStoreModule } from "../../electron/core/store/module.js";
import { toOpenAiMessages } from "../../electron/core/remote/openai-request.js";
import { toChatHistory } from "../../electron/engine/chat-history.js";
import { ChatSendRequest } from "../../electron/shared/contract/chat.js";
import type { Conversation } from "../../electron/shared/contract/conversations.js";
import { startModule } from "../support/store/module-harness.js";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-attach-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const file = { name: "src/fence.md", content: "Use ```js\nlet a = 1;\n``` blocks.\n", tokens: 15 };

describe("attachments in the conversation store", () => {
  it("keeps a question's files across a restart, and sends them back with the question's turn", async () => {
    const app = await startModule(dataDir, createStoreModule);
    const store = app.module.service as ConversationStore;
    const { id } = store.create();
    store.appendUserMessage(id, "Explain this file", [file]);
    store.appendUserMessage(id, "No files here");
    await app.close();
    const reopened = await startModule(dataDir, createStoreModule);
    const conversation = (await reopened.call("conversations.get", { id })) as Conversation;
    expect(conversation.messages.map((m) => (m.role === "user" ? m.attachments : null))).toEqual([[file], undefined]);
    expect((reopened.module.service as ConversationStore).history(id)[0]).toEqual({ role: "user", text: "Explain this file", attachments: [file] });
    await reopened.close();
  });

  it("exports files with their question: whole in JSON, as an unbreakable code block in Markdown", async () => {
    const app = await startModule(dataDir, createStoreModule);
    const store = app.module.service as ConversationStore;
    const { id } = store.create();
    store.appendUserMessage(id, "Explain this file", [file]);
    const json = (await app.call("conversations.export", { ids: [id], format: "json" })) as { content: string };
    const imported = (await app.call("conversations.import", { content: json.content })) as { imported: Array<{ id: string }> };
    const copy = (await app.call("conversations.get", { id: imported.imported[0]!.id })) as Conversation;
    expect(copy.messages[0]).toMatchObject({ role: "user", attachments: [file] });
    const markdown = ((await app.call("conversations.export", { ids: [id], format: "markdown" })) as { content: string }).content;
    expect(markdown).toContain("*Attached: src/fence.md*\n\n````\nUse ```js\nlet a = 1;\n``` blocks.\n````\n");
    await app.close();
  });

  it("refuses a binary file at the boundary with a message that says so", () => {
    const parsed = ChatSendRequest.safeParse({ prompt: "What is this?", attachments: [{ name: "logo.png", content: "\u0089PNG\r\n\u001a\n\u0000\u0000" }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe("This file looks binary; only text files can be attached.");
  });

  it("goes into the model's user turn in DeepSeek's file template, before the question, on later turns too", () => {
    const history = toChatHistory(
      [
        { role: "user", content: "Explain", attachments: [{ name: "a.py", content: "x = 1" }, file] },
        { role: "assistant", content: "It sets x." },
        { role: "user", content: "Thanks" },
      ],
      "Be brief.",
      false,
    );
    expect(history[0]).toEqual({
      type: "user",
      text: `Be brief.\n\n[file name]: a.py\n[file content begin]\nx = 1\n[file content end]\n[file name]: src/fence.md\n[file content begin]\n${file.content}\n[file content end]\nExplain`,
    });
    expect(history.slice(1)).toEqual([
      { type: "model", response: ["It sets x."] },
      { type: "user", text: "Thanks" },
    ]);
  });

  it("reach a remote server the same way, in the user message", () => {
    const messages = toOpenAiMessages([{ role: "user", content: "Explain", attachments: [{ name: "a.py", content: "x = 1" }] }], undefined, false);
    expect(messages).toEqual([{ role: "user", content: "[file name]: a.py\n[file content begin]\nx = 1\n[file content end]\nExplain" }]);
  });
});
