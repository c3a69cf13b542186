import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationStore } from "../../electron/core/store/conversation-store.js";
import { createStoreModule } from "../../electron/core/store/module.js";
import { startModule } from "../support/store/module-harness.js";

let dataDir: string;
let storeDir: string;
let logFile: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-store-damage-"));
  storeDir = path.join(dataDir, "conversations");
  logFile = path.join(storeDir, "conversations.jsonl");
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Three finished conversations on disk; returns their ids in creation order. */
function writeThreeConversations(): string[] {
  const { store } = ConversationStore.open(storeDir);
  const ids = ["alpha", "bravo", "charlie"].map((word) => {
    const c = store.create();
    store.appendUserMessage(c.id, `Question ${word}`);
    const id = store.beginAssistantMessage(c.id);
    store.appendStream(id, { thought: `thinking about ${word}`, answer: `Answer ${word}` });
    store.finishMessage(id, { stopReason: "eos" });
    return c.id;
  });
  store.close();
  return ids;
}

function backups(): string[] {
  return fs.readdirSync(storeDir).filter((name) => name.startsWith("conversations.jsonl.damaged-"));
}

describe("a damaged conversation store", () => {
  it("truncated mid-record: backed up under a dated name, every intact record kept, a clear message", () => {
    const ids = writeThreeConversations();
    const original = fs.readFileSync(logFile);
    fs.truncateSync(logFile, original.length - 25);
    const { store, report } = ConversationStore.open(storeDir);
    expect(report.notices).toHaveLength(1);
    expect(report.notices[0]).toMatch(
      /conversation store was damaged \(1 of \d+ entries unreadable.*saved as conversations\.jsonl\.damaged-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z.*every intact entry was kept/,
    );
    expect(backups()).toEqual([path.basename(report.backup!)]);
    expect(fs.readFileSync(report.backup!)).toEqual(original.subarray(0, original.length - 25));
    // The last record was the third answer's end: its text is there, marked interrupted.
    expect(store.get(ids[0]!).messages[1]).toMatchObject({ answer: "Answer alpha", interrupted: false, stopReason: "eos" });
    expect(store.get(ids[2]!).messages[1]).toMatchObject({ answer: "Answer charlie", interrupted: true });
    store.close();
    // The repair was written: the next start is clean.
    const { store: again, report: clean } = ConversationStore.open(storeDir);
    expect(clean.notices).toEqual([]);
    expect(again.list().total).toBe(3);
    again.close();
  });

  it("garbled in the middle: the broken entry is dropped, the rest kept", () => {
    const ids = writeThreeConversations();
    const text = fs.readFileSync(logFile, "utf8");
    // The user message's own line (the header line before it carries the same words as the title).
    const at = text.indexOf('"text":"Question bravo"') + '"text":"'.length;
    fs.writeFileSync(logFile, text.slice(0, at) + "Qu\u0000\u0007stion bravo" + text.slice(at + "Question bravo".length));
    const { store, report } = ConversationStore.open(storeDir);
    expect(report.notices[0]).toMatch(/damaged \(1 of/);
    expect(store.list().total).toBe(3);
    expect(store.get(ids[1]!).title).toBe("Question bravo");
    expect(store.get(ids[1]!).messages.map((m) => m.role)).toEqual(["assistant"]);
    expect(store.get(ids[0]!).messages).toHaveLength(2);
    expect(store.get(ids[2]!).messages).toHaveLength(2);
    expect(fs.readFileSync(path.join(storeDir, backups()[0]!), "utf8")).toContain("Qu\u0000\u0007stion bravo");
    store.close();
  });

  it("not a store at all: backed up, reset to empty with a message, and the app starts", async () => {
    fs.mkdirSync(storeDir, { recursive: true });
    fs.writeFileSync(logFile, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x0a, 0x41]));
    const app = await startModule(dataDir, createStoreModule);
    expect(await app.call("conversations.list")).toEqual({ conversations: [], total: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    const notices = app.events.filter((e) => e.name === "app.notice").map((e) => (e.payload as { message: string }).message);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/could not be read at all\. A copy was saved as conversations\.jsonl\.damaged-.*empty store was started/);
    expect(backups()).toHaveLength(1);
    // The notice names the copy, kept beside the store.
    expect(notices[0]).toContain(backups()[0]);
    // Usable right away.
    await app.call("conversations.create", { title: "After the reset" });
    await app.close();
    const restarted = await startModule(dataDir, createStoreModule);
    expect(((await restarted.call("conversations.list")) as { total: number }).total).toBe(1);
    await restarted.close();
  });

  it("a crash during compaction leaves a temp file that is ignored and cleaned up", () => {
    writeThreeConversations();
    fs.writeFileSync(`${logFile}.12345.tmp`, "half-written compaction");
    const { store, report } = ConversationStore.open(storeDir);
    expect(report.notices).toEqual([]);
    expect(store.list().total).toBe(3);
    expect(fs.existsSync(`${logFile}.12345.tmp`)).toBe(false);
    store.close();
  });
});
