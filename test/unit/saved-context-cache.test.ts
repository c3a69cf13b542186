import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SavedContextCache } from "../../electron/core/saved-context/saved-context-cache.js";

// The index of saved conversation contexts: one file per conversation, bounded in total size with
// the least recently used deleted first, a conversation's file deleted with it. (The engine's side,
// writing and checking the files themselves, is test/model/saved-context.test.ts.)
let dataDir: string;
const dir = () => path.join(dataDir, "cache", "conversation-state");

/** What the engine does with a plan: writes the state and its manifest at `save`. */
async function saveAs(cache: SavedContextCache, conversationId: string, bytes: number): Promise<string> {
  const plan = await cache.plan(conversationId);
  await writeFile(plan.save, Buffer.alloc(bytes));
  await writeFile(`${plan.save}.json`, "{}");
  await cache.recordSaved(conversationId, plan.save);
  await new Promise((resolve) => setTimeout(resolve, 2));
  return plan.save;
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-state-cache-"));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe("conversation state cache", () => {
  it("offers the last saved file for loading and replaces it with the next one", async () => {
    const cache = new SavedContextCache(dataDir, { maxBytes: 10_000 });
    expect((await cache.plan("a")).load).toBeNull();
    const first = await saveAs(cache, "a", 100);
    expect((await cache.plan("a")).load).toBe(first);
    const second = await saveAs(cache, "a", 100);
    expect((await cache.plan("a")).load).toBe(second);
    expect(await readdir(dir())).not.toContain(path.basename(first));
  });

  it("deletes the least recently saved conversations while the total is over the bound", async () => {
    const cache = new SavedContextCache(dataDir, { maxBytes: 2_500 });
    const a = await saveAs(cache, "a", 1_000);
    await saveAs(cache, "b", 1_000);
    await saveAs(cache, "a", 1_000); // a is now the most recent
    await saveAs(cache, "c", 1_000);
    expect((await cache.plan("b")).load).toBeNull();
    expect((await cache.plan("a")).load).not.toBe(a);
    expect((await cache.plan("a")).load).not.toBeNull();
    expect((await cache.plan("c")).load).not.toBeNull();
    expect(await cache.totalBytes()).toBeLessThanOrEqual(2_500);
  });

  it("forgets a deleted conversation's file, and a new instance finds the index on disk", async () => {
    const cache = new SavedContextCache(dataDir, { maxBytes: 10_000 });
    const a = await saveAs(cache, "a", 100);
    await saveAs(cache, "b", 100);
    await cache.forget("a");
    expect(await readdir(dir())).not.toContain(path.basename(a));
    const reopened = new SavedContextCache(dataDir, { maxBytes: 10_000 });
    expect((await reopened.plan("a")).load).toBeNull();
    expect((await reopened.plan("b")).load).not.toBeNull();
  });

  it("removes files no conversation names (an interrupted save) at start-up", async () => {
    const cache = new SavedContextCache(dataDir, { maxBytes: 10_000 });
    const kept = await saveAs(cache, "a", 100);
    await writeFile(path.join(dir(), "0123456789abcdef-1.state.part"), "half");
    await new SavedContextCache(dataDir, { maxBytes: 10_000 }).removeOrphans();
    expect((await readdir(dir())).sort()).toEqual([path.basename(kept), `${path.basename(kept)}.json`, "index.json"].sort());
  });
});
