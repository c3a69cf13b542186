import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCollectionsModule } from "../../electron/core/collections/module.js";
import { HashingEmbedder } from "../../electron/core/collections/hashing-embedder.js";
import type { CoreModule } from "../../electron/core/kernel/context.js";
import { Dispatcher, type Handlers } from "../../electron/core/kernel/dispatcher.js";
import type { CallName, CallRequest, CallResponse, EventName } from "../../electron/shared/contract/index.js";
import { moduleContext } from "../support/core/module-context.js";
import { tempDir } from "../support/hub/download-helpers.js";

async function folderOfNotes(base: string, count: number): Promise<string> {
  const folder = join(base, "notes");
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i++) await writeFile(join(folder, `note-${i}.md`), `# Note ${i}\n\nOrdinary words about meeting ${i}.\n`);
  await writeFile(join(folder, "budget.md"), "# Budget\n\n## Travel\n\nThe travel budget for the Lisbon offsite is 14,250 euros.\n");
  await writeFile(join(folder, ".env"), "TOKEN=secret\n");
  return folder;
}

/** The collections module on a data folder, behind the real dispatcher, recording events. */
async function startModule(dataDir: string, rescanOnOpen = false) {
  const { ctx, events } = moduleContext(dataDir);
  const module: CoreModule = await createCollectionsModule(ctx, { embedder: new HashingEmbedder(), rescanOnOpen });
  const dispatcher = new Dispatcher(module.handlers as Handlers);
  const call = async <K extends CallName>(name: K, payload: CallRequest<K>): Promise<CallResponse<K>> => {
    const outcome = await dispatcher.dispatch(name, payload);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.value as CallResponse<K>;
  };
  const next = (name: EventName, match: (payload: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const poll = setInterval(() => {
        const found = events.find((e) => e.name === name && match(e.payload as Record<string, unknown>));
        if (found) {
          clearInterval(poll);
          resolve(found.payload as Record<string, unknown>);
        }
      }, 10);
    });
  return { module, call, events, next, dispatcher };
}

describe("collections: the contract calls", () => {
  it("creates a collection from a folder, indexes it as a job with progress, and answers a query citing file and lines", async () => {
    const base = await tempDir("collections-module-");
    const folder = await folderOfNotes(base, 30);
    const { call, next, events, module } = await startModule(join(base, "data"));
    const { collection, jobId } = await call("collections.create", { name: "Team notes", sources: [folder] });
    expect(collection).toMatchObject({ name: "Team notes", state: "indexing", retrieval: "hybrid" });
    const indexed = await next("collections.indexed", (p) => p.jobId === jobId);
    expect(indexed.summary).toMatchObject({ files: 31, added: 31, skipped: [{ display: ".env", reason: "secret" }] });
    expect(events.some((e) => e.name === "collections.progress" && (e.payload as { done: number }).done === 31)).toBe(true);
    const { collections } = await call("collections.list", {});
    expect(collections).toEqual([expect.objectContaining({ id: collection.id, state: "idle", files: 31, passages: 32 })]);
    const { passages, mode } = await call("collections.query", { ids: [collection.id], question: "How much is the travel budget for the offsite?", limit: 3 });
    expect(mode).toBe("hybrid");
    expect(passages[0]).toMatchObject({ display: "budget.md", heading: "Budget > Travel", startLine: 3, endLine: 5 });
    await module.close?.();
  });

  it("refuses a source that does not exist with a clear message, and stores nothing", async () => {
    const base = await tempDir("collections-module-");
    const { call } = await startModule(join(base, "data"));
    await expect(call("collections.create", { name: "Gone", sources: [join(base, "missing")] })).rejects.toThrow(/not-found: .*missing does not exist/);
    await expect(call("collections.create", { name: "Relative", sources: ["notes"] })).rejects.toThrow(/bad-request: notes is not a full path/);
    expect((await call("collections.list", {})).collections).toEqual([]);
  });

  it("pauses indexing, keeps what was indexed across a restart, and resumes on reindex", async () => {
    const base = await tempDir("collections-module-");
    const folder = await folderOfNotes(base, 400);
    const dataDir = join(base, "data");
    const first = await startModule(dataDir);
    const { collection, jobId } = await first.call("collections.create", { name: "Many", sources: [folder] });
    await first.next("collections.progress", (p) => p.jobId === jobId && (p.done as number) >= 20);
    expect(await first.call("collections.pause", { id: collection.id })).toEqual({ paused: true });
    const stopped = await first.next("collections.indexStopped", (p) => p.jobId === jobId);
    expect(stopped).toMatchObject({ reason: "paused" });
    const kept = (await first.call("collections.list", {})).collections[0]!;
    expect(kept.state).toBe("paused");
    expect(kept.files).toBeGreaterThanOrEqual(20);
    expect(kept.files).toBeLessThan(401);
    await first.module.close?.();

    // A restart does not resume a paused collection on its own; reindex carries on from where it stopped.
    const second = await startModule(dataDir, true);
    expect((await second.call("collections.list", {})).collections[0]).toMatchObject({ state: "paused", files: kept.files });
    const { jobId: resumedJob } = await second.call("collections.reindex", { id: collection.id });
    const resumed = await second.next("collections.indexed", (p) => p.jobId === resumedJob);
    expect(resumed.summary).toMatchObject({ files: 401, added: 401 - kept.files, unchanged: kept.files });
    await second.module.close?.();
  });

  it("deletes a collection with its index, leaving the source folder alone", async () => {
    const base = await tempDir("collections-module-");
    const folder = await folderOfNotes(base, 5);
    const dataDir = join(base, "data");
    const { call, next } = await startModule(dataDir);
    const { collection, jobId } = await call("collections.create", { name: "Short-lived", sources: [folder] });
    await next("collections.indexed", (p) => p.jobId === jobId);
    expect(await readdir(join(dataDir, "collections"))).toContain(collection.id);
    expect(await call("collections.delete", { id: collection.id })).toEqual({ removed: true });
    expect(await readdir(join(dataDir, "collections"))).toEqual(["collections.json"]);
    expect((await readdir(folder)).length).toBe(7);
    await expect(call("collections.query", { ids: [collection.id], question: "anything" })).rejects.toThrow(/not-found/);
  });
});
