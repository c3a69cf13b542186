import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationStore } from "../../electron/core/store/conversation-store.js";
import { createStoreModule } from "../../electron/core/store/module.js";
import { titleFromQuestion } from "../../electron/core/store/title.js";
import type { Conversation, ConversationSummary, SearchHit } from "../../electron/shared/contract/conversations.js";
import { startModule } from "../support/store/module-harness.js";

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-store-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** A clock the test moves by hand, so ordering and the undo window do not depend on timing. */
function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function openStore(options: Parameters<typeof ConversationStore.open>[1] = {}) {
  return ConversationStore.open(path.join(dataDir, "conversations"), options);
}

function answer(store: ConversationStore, conversationId: string, thought: string, reply: string) {
  const id = store.beginAssistantMessage(conversationId, { model: "DeepSeek-R1-Distill-Qwen-1.5B", variant: "Q4_K_M", settings: { temperature: 0.6 } });
  store.appendStream(id, { thought });
  store.appendStream(id, { answer: reply });
  return store.finishMessage(id, { stopReason: "eos", metrics: { tokens: 42, tokensPerSecond: 12.5 } });
}

describe("conversation store", () => {
  it("rewinds a conversation for regenerate or edit, and the cut survives a restart", () => {
    const { store } = openStore();
    const { id } = store.create();
    const first = store.appendUserMessage(id, "First question");
    answer(store, id, "thinking", "first answer");
    store.appendUserMessage(id, "Second question");
    answer(store, id, "more thinking", "second answer");
    store.rewind(id, first.id);
    expect(store.get(id).messages).toEqual([]);
    store.appendUserMessage(id, "Better question");
    answer(store, id, "new thinking", "better answer");
    store.close();
    const reopened = openStore().store;
    expect(reopened.get(id).messages.map((m) => (m.role === "user" ? m.text : m.answer))).toEqual(["Better question", "better answer"]);
    expect(reopened.search("second answer").hits).toEqual([]);
    expect(() => reopened.rewind(id, "missing")).toThrow("That message is not in this conversation.");
    reopened.close();
  });

  it("titles a conversation from its first question, shortly, never from the reasoning", () => {
    expect(titleFromQuestion("What is the integral of x^2?")).toBe("What is the integral of x^2?");
    expect(titleFromQuestion("\n\n## **Explain** `monads`\nin detail please")).toBe("Explain monads");
    const long = titleFromQuestion("Please explain in great detail how the Fourier transform relates to convolution and why it matters");
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith("…")).toBe(true);
    expect(long).toMatch(/^Please explain in great detail how the Fourier/);

    const clock = manualClock();
    const { store } = openStore({ now: clock.now });
    const c = store.create();
    expect(c.title).toBe("New conversation");
    store.appendUserMessage(c.id, "How many primes are below 20?");
    answer(store, c.id, "Let me list them: 2, 3, 5, 7, 11, 13, 17, 19. This reasoning is long.", "There are 8.");
    store.appendUserMessage(c.id, "And below 30?");
    expect(store.get(c.id).title).toBe("How many primes are below 20?");
    store.rename(c.id, "Primes");
    const d = store.create();
    store.appendUserMessage(d.id, "Second question");
    expect(store.get(c.id).title).toBe("Primes");
    store.close();
  });

  it("lists pinned conversations first, then the most recently active", () => {
    const clock = manualClock();
    const { store } = openStore({ now: clock.now });
    const ids: string[] = [];
    for (const q of ["first", "second", "third", "fourth"]) {
      const c = store.create();
      store.appendUserMessage(c.id, q);
      ids.push(c.id);
      clock.advance(1000);
    }
    store.pin(ids[1]!, true);
    store.appendUserMessage(ids[0]!, "follow-up makes it recent");
    const titles = () => store.list().conversations.map((c) => c.title);
    expect(titles()).toEqual(["second", "first", "fourth", "third"]);
    store.close();
    // The same order after a restart.
    const { store: again } = openStore({ now: clock.now });
    expect(again.list().conversations.map((c) => c.title)).toEqual(["second", "first", "fourth", "third"]);
    expect(again.list(1, 2)).toMatchObject({ total: 4, conversations: [{ title: "first" }, { title: "fourth" }] });
    again.close();
  });

  it("finds words in questions, answers and reasoning, with a snippet around the match", () => {
    const { store } = openStore();
    const a = store.create();
    store.appendUserMessage(a.id, "Tell me about the Riemann zeta function");
    answer(store, a.id, "The user asks about zeta. I recall the critical strip and the nontrivial zeros.", "The zeta function extends to the complex plane.");
    const b = store.create();
    store.appendUserMessage(b.id, "What is a Pythagorean triple?");
    answer(store, b.id, "Triples like 3, 4, 5 satisfy the equation.", "Integers a, b, c with a² + b² = c².");

    const fields = (hits: SearchHit[]) => hits.map((h) => `${h.field}:${h.conversationId === a.id ? "a" : "b"}`);
    expect(fields(store.search("riemann").hits)).toEqual(["question:a"]);
    expect(fields(store.search("COMPLEX plane").hits)).toEqual(["answer:a"]);
    expect(fields(store.search("nontrivial").hits)).toEqual(["reasoning:a"]);
    expect(fields(store.search("triple").hits)).toEqual(["question:b", "reasoning:b"]);
    expect(store.search("zeta zeros").hits.map((h) => h.field)).toEqual(["reasoning"]);
    expect(store.search("unicorn").hits).toEqual([]);
    expect(store.search("   ").hits).toEqual([]);
    const hit = store.search("critical").hits[0]!;
    expect(hit.snippet.slice(hit.match.start, hit.match.start + hit.match.length)).toBe("critical");
    expect(hit.title).toBe("Tell me about the Riemann zeta function");
    // Regular-expression characters are searched as text.
    expect(store.search("a² + b²").hits).toHaveLength(1);
    store.close();
  });

  it("deletes at once and restores within the undo window, also across a restart", () => {
    const clock = manualClock();
    const { store } = openStore({ now: clock.now, undoWindowMs: 60_000 });
    const c = store.create({ title: "Keep me" });
    store.appendUserMessage(c.id, "hello");
    const { restorableUntil } = store.delete(c.id);
    expect(restorableUntil).toBe(clock.now() + 60_000);
    expect(store.list().total).toBe(0);
    expect(store.search("hello").hits).toEqual([]);
    expect(() => store.get(c.id)).toThrow(/does not exist/);
    store.close();

    clock.advance(30_000);
    const { store: reopened } = openStore({ now: clock.now, undoWindowMs: 60_000 });
    expect(reopened.list().total).toBe(0);
    expect(reopened.restore(c.id).title).toBe("Keep me");
    expect(reopened.get(c.id).messages).toHaveLength(1);
    reopened.delete(c.id);
    clock.advance(61_000);
    expect(() => reopened.restore(c.id)).toThrow(/too long ago/);
    reopened.close();

    // Past the window the data is gone from the disk too.
    const { store: later } = openStore({ now: clock.now, undoWindowMs: 60_000 });
    expect(fs.readFileSync(path.join(dataDir, "conversations", "conversations.jsonl"), "utf8")).not.toContain("Keep me");
    expect(() => later.restore(c.id)).toThrow(/no longer exists/);
    later.close();
  });

  it("keeps reasoning and answer apart, and gives chat the history without reasoning", () => {
    const { store } = openStore();
    const c = store.create();
    store.appendUserMessage(c.id, "2+2?");
    const done = answer(store, c.id, "Adding two and two.", "4");
    expect(done).toMatchObject({
      role: "assistant",
      thought: "Adding two and two.",
      answer: "4",
      stopReason: "eos",
      interrupted: false,
      metrics: { tokens: 42 },
    });
    store.appendUserMessage(c.id, "and 3+3?");
    const streaming = store.beginAssistantMessage(c.id);
    store.appendStream(streaming, { thought: "Six" });
    expect(store.history(c.id)).toEqual([
      { role: "user", text: "2+2?" },
      { role: "assistant", text: "4" },
      { role: "user", text: "and 3+3?" },
    ]);
    expect(store.get(c.id)).toMatchObject({ model: "DeepSeek-R1-Distill-Qwen-1.5B", variant: "Q4_K_M", settings: { temperature: 0.6 }, messageCount: 4 });
    store.close();
  });

  it("reopens an answer that never finished as interrupted, with the text that was flushed", async () => {
    const dir = path.join(dataDir, "conversations");
    const { store } = ConversationStore.open(dir, { flushIntervalMs: 20 });
    const c = store.create();
    store.appendUserMessage(c.id, "Think hard");
    const id = store.beginAssistantMessage(c.id);
    store.appendStream(id, { thought: "Step one. " });
    store.appendStream(id, { thought: "Step two." });
    await new Promise((resolve) => setTimeout(resolve, 80));
    // No close(): the process "dies" here. A second store reads the same files.
    const { store: after, report } = ConversationStore.open(dir);
    expect(report.interruptedMessages).toBe(1);
    expect(report.notices).toEqual([]);
    expect(after.get(c.id).messages[1]).toMatchObject({ role: "assistant", thought: "Step one. Step two.", answer: "", interrupted: true });
    expect(after.history(c.id)).toEqual([{ role: "user", text: "Think hard" }]);
    after.close();
    store.close();
  });

  it("exports and imports JSON losslessly, and Markdown with the reasoning folded", async () => {
    const app = await startModule(dataDir, createStoreModule);
    const c = (await app.call("conversations.create", { model: "R1-Distill-Llama-8B" })) as ConversationSummary;
    const store = app.module.service;
    store.appendUserMessage(c.id, "Why is the sky blue?");
    const id = store.beginAssistantMessage(c.id, { model: "R1-Distill-Llama-8B", settings: { temperature: 0.6, seed: 7 } });
    store.appendStream(id, { thought: "Rayleigh scattering goes as 1/λ⁴.\n\nSo blue scatters more." });
    store.appendStream(id, { answer: "Because of **Rayleigh scattering**." });
    store.finishMessage(id, { stopReason: "eos", metrics: { tokens: 30, backend: "cpu" } });
    const other = (await app.call("conversations.create", { title: "Pinned one" })) as ConversationSummary;
    await app.call("conversations.pin", { id: other.id, pinned: true });
    const interruptedId = store.beginAssistantMessage(other.id);
    store.appendStream(interruptedId, { thought: "cut" });
    store.finishMessage(interruptedId, { interrupted: true });

    const json = (await app.call("conversations.export", { format: "json" })) as { fileName: string; content: string };
    expect(json.fileName).toMatch(/^r1-local-conversations-\d{4}-\d{2}-\d{2}\.json$/);
    const original = (await app.call("conversations.get", { id: c.id })) as Conversation;

    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-store-import-"));
    const fresh = await startModule(emptyDir, createStoreModule);
    const result = (await fresh.call("conversations.import", { content: json.content })) as { imported: ConversationSummary[]; notices: string[] };
    expect(result.imported).toHaveLength(2);
    expect(result.notices).toEqual([]);
    const again = (await fresh.call("conversations.export", { format: "json" })) as { content: string };
    const body = (text: string) => JSON.parse(text).conversations;
    expect(body(again.content)).toEqual(body(json.content));
    expect(await fresh.call("conversations.get", { id: c.id })).toEqual(original);
    // Still identical after the importing app restarts.
    await fresh.close();
    const restarted = await startModule(emptyDir, createStoreModule);
    expect(body(((await restarted.call("conversations.export", { format: "json" })) as { content: string }).content)).toEqual(body(json.content));
    await restarted.close();
    fs.rmSync(emptyDir, { recursive: true, force: true });

    // Importing into the same store adds copies beside, never overwrites.
    const twice = (await app.call("conversations.import", { content: json.content })) as { imported: ConversationSummary[]; notices: string[] };
    expect(twice.notices).toHaveLength(2);
    expect(twice.imported.every((s) => s.id !== c.id && s.id !== other.id)).toBe(true);
    expect(((await app.call("conversations.list")) as { total: number }).total).toBe(4);
    await expect(app.call("conversations.import", { content: "# not json" })).rejects.toThrow(/not JSON/);
    await expect(app.call("conversations.import", { content: '{"format":"other"}' })).rejects.toThrow(/not an R1 Local conversation export/);

    const md = (await app.call("conversations.export", { ids: [c.id], format: "markdown" })) as { fileName: string; content: string };
    expect(md.fileName).toBe("why-is-the-sky-blue.md");
    expect(md.content).toContain("# Why is the sky blue?");
    expect(md.content).toContain("## You\n\nWhy is the sky blue?");
    expect(md.content).toMatch(
      /<details>\n<summary>Reasoning<\/summary>\n\nRayleigh scattering goes as 1\/λ⁴\.\n\nSo blue scatters more\.\n\n<\/details>\n\nBecause of \*\*Rayleigh scattering\*\*\./,
    );
    const all = (await app.call("conversations.export", { format: "markdown" })) as { content: string };
    expect(all.content).toContain("answer was interrupted");
    expect(app.events.some((e) => e.name === "conversations.changed")).toBe(true);
    await app.close();
  });

  it("answers bad calls with clear errors", async () => {
    const app = await startModule(dataDir, createStoreModule);
    await expect(app.call("conversations.get", { id: "nope" })).rejects.toThrow(/does not exist/);
    await expect(app.call("conversations.rename", { id: "x", title: "" })).rejects.toThrow(/bad-request/);
    const store = app.module.service;
    const c = store.create();
    const id = store.beginAssistantMessage(c.id);
    store.finishMessage(id, { stopReason: "eos" });
    expect(() => store.appendStream(id, { answer: "late" })).toThrow(/already finished/);
    await app.close();
  });
});
