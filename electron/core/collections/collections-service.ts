import { randomUUID } from "node:crypto";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Collection, CollectionQueryResult } from "../../shared/contract/collections.js";
import type { EventSink } from "../kernel/event-bus.js";
import { AppError } from "../kernel/errors.js";
import type { JobRegistry } from "../kernel/jobs.js";
import { CollectionIndex } from "./collection-index.js";
import { CollectionList, type StoredCollection } from "./collection-list.js";
import type { Embedder } from "./embedder.js";
import { updateIndex } from "./indexer.js";

export interface CollectionsServiceOptions {
  /** `<data>/collections`: the list, and one folder per collection with its index log. */
  dir: string;
  jobs: JobRegistry;
  emit: EventSink;
  /** The embedding model's embedder, or null: retrieval is then lexical and says so. */
  embedder: Embedder | null;
}

interface Running {
  jobId: string;
  done: Promise<void>;
  stop?: "paused" | "deleted";
}

/**
 * Collections and their indexes: create, list, delete, index as a job (one at a time per
 * collection, pausable and cancellable, resumed where it stopped), and query one or several.
 */
export class CollectionsService {
  readonly #list: CollectionList;
  readonly #open = new Map<string, Promise<CollectionIndex>>();
  readonly #running = new Map<string, Running>();

  constructor(private readonly options: CollectionsServiceOptions) {
    this.#list = new CollectionList(path.join(options.dir, "collections.json"));
  }

  init(): Promise<{ notice?: string }> {
    return this.#list.load();
  }

  /** Re-scans every collection not paused: files changed while the app was closed are caught up. */
  rescanAll(): void {
    for (const item of this.#list.all()) if (!item.paused) this.reindex(item.id);
  }

  list(): Collection[] {
    return this.#list.all().map((item) => this.#describe(item));
  }

  async create(name: string, sources: string[]): Promise<{ collection: Collection; jobId: string }> {
    const resolved = [];
    for (const source of sources) {
      if (!path.isAbsolute(source)) throw new AppError("bad-request", `${source} is not a full path; pick the folder or file again.`);
      if (!(await stat(source).catch(() => null))) throw new AppError("not-found", `${source} does not exist or cannot be read.`);
      resolved.push(path.normalize(source));
    }
    const item: StoredCollection = {
      id: randomUUID().slice(0, 12),
      name,
      sources: resolved,
      createdAt: Date.now(),
      paused: false,
      files: 0,
      passages: 0,
      lastIndexedAt: null,
    };
    await this.#list.put(item);
    const { jobId } = this.reindex(item.id);
    return { collection: this.#describe(item), jobId };
  }

  async delete(id: string): Promise<{ removed: boolean }> {
    const running = this.#running.get(id);
    if (running) {
      running.stop = "deleted";
      this.options.jobs.cancel(running.jobId);
      await running.done;
    }
    await this.#closeIndex(id);
    const removed = await this.#list.remove(id);
    await rm(this.#folderOf(id), { recursive: true, force: true });
    this.#changed();
    return { removed };
  }

  reindex(id: string): { jobId: string } {
    const item = this.#require(id);
    const already = this.#running.get(id);
    if (already) return { jobId: already.jobId };
    let finish!: () => void;
    const running: Running = { jobId: "", done: new Promise((resolve) => (finish = resolve)) };
    running.jobId = this.options.jobs.start("collections-index", async (job) => {
      try {
        await this.#runIndex(item.id, job.id, job.signal, running);
      } finally {
        this.#running.delete(id);
        finish();
        this.#changed();
      }
    });
    this.#running.set(id, running);
    if (item.paused) void this.#list.put({ ...item, paused: false });
    this.#changed();
    return { jobId: running.jobId };
  }

  async pause(id: string): Promise<{ paused: boolean }> {
    const item = this.#require(id);
    const running = this.#running.get(id);
    await this.#list.put({ ...item, paused: true });
    if (!running) return { paused: false };
    running.stop = "paused";
    this.options.jobs.cancel(running.jobId);
    await running.done;
    return { paused: true };
  }

  async query(ids: string[], question: string, limit: number, signal?: AbortSignal): Promise<CollectionQueryResult> {
    const results = await Promise.all(
      ids.map(async (id) => {
        this.#require(id);
        const result = await (await this.#indexOf(id)).query(question, limit, signal);
        return result.passages.map(({ file, display, startLine, endLine, heading, text, score }) => ({
          collectionId: id,
          file,
          display,
          startLine,
          endLine,
          ...(heading ? { heading } : {}),
          text,
          score,
        }));
      }),
    );
    // Fused scores are reciprocal ranks, alike in scale across collections, so they merge as they are.
    const passages = results
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    return { mode: this.options.embedder ? "hybrid" : "lexical", passages };
  }

  async close(): Promise<void> {
    for (const running of this.#running.values()) this.options.jobs.cancel(running.jobId);
    await Promise.all([...this.#running.values()].map((r) => r.done));
    for (const id of [...this.#open.keys()]) await this.#closeIndex(id);
  }

  async #runIndex(id: string, jobId: string, signal: AbortSignal, running: Running): Promise<void> {
    const { emit } = this.options;
    try {
      const index = await this.#indexOf(id);
      const sources = this.#require(id).sources;
      const summary = await updateIndex(index, sources, {
        signal,
        onProgress: (progress) => emit("collections.progress", { jobId, collectionId: id, ...progress }),
      });
      const latest = this.#list.get(id);
      if (latest) await this.#list.put({ ...latest, files: summary.files, passages: summary.passages, lastIndexedAt: Date.now() });
      emit("collections.indexed", { jobId, collectionId: id, summary });
    } catch (err) {
      if (running.stop === "deleted") return;
      const reason = running.stop ?? (signal.aborted ? "cancelled" : "failed");
      const index = await this.#open.get(id)?.catch(() => null);
      const latest = this.#list.get(id);
      if (latest && index) await this.#list.put({ ...latest, files: index.fileCount, passages: index.passageCount });
      const message =
        reason === "failed"
          ? `Indexing stopped: ${err instanceof Error ? err.message : String(err)}. What was indexed is kept; indexing again carries on.`
          : `Indexing ${reason}. What was indexed is kept; indexing again carries on from there.`;
      emit("collections.indexStopped", { jobId, collectionId: id, reason, message });
    }
  }

  #indexOf(id: string): Promise<CollectionIndex> {
    let opened = this.#open.get(id);
    if (!opened) {
      opened = CollectionIndex.open(path.join(this.#folderOf(id), "index.log"), this.options.embedder);
      this.#open.set(id, opened);
      opened.catch(() => this.#open.delete(id));
    }
    return opened;
  }

  async #closeIndex(id: string): Promise<void> {
    const opened = this.#open.get(id);
    this.#open.delete(id);
    await (await opened?.catch(() => null))?.close();
  }

  #folderOf(id: string): string {
    return path.join(this.options.dir, id);
  }

  #require(id: string): StoredCollection {
    const item = this.#list.get(id);
    if (!item) throw new AppError("not-found", "That collection does not exist (it may have been deleted).");
    return item;
  }

  #describe(item: StoredCollection): Collection {
    const state = this.#running.has(item.id) ? "indexing" : item.paused ? "paused" : "idle";
    const { paused: _paused, ...rest } = item;
    return { ...rest, state, retrieval: this.options.embedder ? "hybrid" : "lexical" };
  }

  #changed(): void {
    this.options.emit("collections.changed", { collections: this.list() });
  }
}
