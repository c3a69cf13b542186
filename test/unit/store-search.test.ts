import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationStore } from "../../electron/core/store/conversation-store.js";
import { createStoreModule } from "../../electron/core/store/module.js";
import type { Conversation, ConversationSummary, Message, SearchHit } from "../../electron/shared/contract/conversations.js";
import { startModule } from "../support/store/module-harness.js";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-store-search-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const storeDir = () => path.join(dataDir, "conversations");

/** A conversation of ordinary chatter, numbered, with `extra` spliced into one of its parts. */
function chatter(
  n: number,
  extra: { title?: string; question?: string; thought?: string; answer?: string; file?: { name: string; content: string } } = {},
): Conversation {
  const at = 1_700_000_000_000 + n * 1000;
  const messages: Message[] = [
    {
      id: `u${n}`,
      role: "user",
      text: `How do I sort list number ${n} in Python? ${extra.question ?? ""}`,
      ...(extra.file ? { attachments: [{ name: extra.file.name, content: extra.file.content, tokens: null }] } : {}),
      createdAt: at,
    },
    {
      id: `a${n}`,
      role: "assistant",
      thought: `The user wants sorting; sorted() returns a new list. ${extra.thought ?? ""}`,
      answer: `Use sorted(items) or items.sort() for list ${n}. ${extra.answer ?? ""}`,
      model: "R1",
      metrics: null,
      stopReason: "eos",
      interrupted: false,
      createdAt: at,
      finishedAt: at,
    },
  ];
  return {
    id: `c${n}`,
    title: extra.title ?? `Sorting list ${n}`,
    titleSource: extra.title ? "user" : "auto",
    model: "R1",
    variant: null,
    settings: {},
    pinned: false,
    createdAt: at,
    updatedAt: at,
    messageCount: messages.length,
    messages,
  };
}

const where = (hits: SearchHit[]) => hits.map((h) => `${h.conversationId}:${h.field}${h.fileName ? `:${h.fileName}` : ""}`);
const quoted = (hit: SearchHit) => hit.snippet.slice(hit.match.start, hit.match.start + hit.match.length);

describe("full-text search over a large store", () => {
  it("finds a word in a title, a question, an attached file (by name or text), the reasoning or an answer among 10,000 conversations", () => {
    const { store } = ConversationStore.open(storeDir());
    const conversations = Array.from({ length: 10_000 }, (_, n) => {
      if (n === 1234) return chatter(n, { title: "Quarterly wombat report" });
      if (n === 2345) return chatter(n, { answer: "The aardvark algorithm is stable." });
      if (n === 3456) return chatter(n, { thought: "Maybe a pangolin heap would help here." });
      if (n === 4567) return chatter(n, { file: { name: "src/okapi.rs", content: "fn main() {\n    let narwhal = vec![3, 1, 2];\n}\n" } });
      if (n === 5678) return chatter(n, { question: "What about the Axolotl case?" });
      return chatter(n);
    });
    store.insert(conversations);
    store.close();

    // Reopened from disk: the log, replayed, serves the search.
    const { store: reopened } = ConversationStore.open(storeDir());
    expect(reopened.list().total).toBe(10_000);
    expect(where(reopened.search("wombat").hits)).toEqual(["c1234:title"]);
    expect(reopened.search("wombat").hits[0]!.messageId).toBeNull();
    expect(where(reopened.search("aardvark").hits)).toEqual(["c2345:answer"]);
    expect(where(reopened.search("PANGOLIN heap").hits)).toEqual(["c3456:reasoning"]);
    const inFile = reopened.search("narwhal").hits;
    expect(where(inFile)).toEqual(["c4567:attachment:src/okapi.rs"]);
    expect(quoted(inFile[0]!)).toBe("narwhal");
    expect(inFile[0]!.snippet).toContain("let narwhal = vec![3, 1, 2];");
    expect(where(reopened.search("okapi").hits)).toEqual(["c4567:attachment:src/okapi.rs"]);
    expect(where(reopened.search("axolotl").hits)).toEqual(["c5678:question"]);
    expect(quoted(reopened.search("axolotl").hits[0]!)).toBe("Axolotl");
    // Words must meet in one message (a question and its files count as one), else in the title.
    expect(reopened.search("narwhal python").hits.map((h) => h.conversationId)).toEqual(["c4567"]);
    expect(reopened.search("narwhal aardvark").hits).toEqual([]);
    expect(reopened.search("wombat report quarterly").hits.map((h) => h.field)).toEqual(["title"]);
    expect(reopened.search("zebra").hits).toEqual([]);

    // A common word: newest first, at most three hits a conversation, cut at the limit.
    const common = reopened.search("sorted", 25);
    expect(common.truncated).toBe(true);
    expect(common.hits).toHaveLength(25);
    expect(common.hits[0]!.conversationId).toBe("c9999");
    expect(new Set(common.hits.map((h) => h.conversationId)).size).toBeLessThanOrEqual(25);
    expect(common.hits.every((h) => quoted(h).toLowerCase() === "sorted")).toBe(true);

    // A change is searched at once: the cached text of the changed conversation is rebuilt.
    reopened.appendUserMessage("c42", "Tell me about the quokka.");
    expect(where(reopened.search("quokka").hits)).toEqual(["c42:question"]);
    reopened.rename("c42", "Marsupial notes");
    expect(where(reopened.search("marsupial").hits)).toEqual(["c42:title"]);
    reopened.delete("c2345");
    expect(reopened.search("aardvark").hits).toEqual([]);
    reopened.close();
  });

  it("answers conversations.search over the contract with the file a match is in", async () => {
    const app = await startModule(dataDir, createStoreModule);
    const { id } = (await app.call("conversations.create", {})) as ConversationSummary;
    app.module.service!.appendUserMessage(id, "Review this please", [{ name: "notes.md", content: "The capybara section needs work.", tokens: null }]);
    const result = (await app.call("conversations.search", { query: "capybara" })) as { hits: SearchHit[] };
    expect(result.hits).toMatchObject([{ conversationId: id, field: "attachment", fileName: "notes.md", title: "Review this please" }]);
    await app.close();
  });
});

describe("empty conversations", () => {
  it("are not kept: a conversation without a message is gone after a restart, unless it was renamed or pinned", () => {
    const { store } = ConversationStore.open(storeDir());
    const empty = store.create();
    const used = store.create();
    store.appendUserMessage(used.id, "A real question");
    const named = store.create({ title: "Ideas to try" });
    const pinned = store.create();
    store.pin(pinned.id, true);
    store.close();

    const { store: reopened } = ConversationStore.open(storeDir());
    const ids = reopened.list().conversations.map((c) => c.id);
    expect(ids).not.toContain(empty.id);
    expect(ids.sort()).toEqual([used.id, named.id, pinned.id].sort());
    reopened.close();
    // Dropped for good: the compacted log no longer holds it.
    expect(fs.readFileSync(path.join(storeDir(), "conversations.jsonl"), "utf8")).not.toContain(empty.id);
  });
});
