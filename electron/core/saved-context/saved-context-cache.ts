import { createHash } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { JsonStateFile, type OnDamaged } from "../kernel/state-file.js";

const Index = z.record(z.string(), z.object({ file: z.string().regex(/^[0-9a-f]{16}-\d+\.state$/), lastUsed: z.number() }));
type Index = z.infer<typeof Index>;

/** Where a conversation's context is read from before a response and written to after it. */
export interface StatePlan {
  load: string | null;
  save: string;
}

/**
 * Conversations' evaluated contexts on disk (`cache/conversation-state/`), so returning to a long
 * conversation loads its context instead of evaluating it again. The engine writes and checks the
 * files (each with a manifest naming the model and context settings); this keeps the index: one
 * current file per conversation, the least recently used deleted while the total is over its
 * bound, and a conversation's file deleted with the conversation.
 */
export class SavedContextCache {
  readonly #dir: string;
  readonly #index: JsonStateFile<Index>;
  readonly #maxBytes: number;
  #entries: Index | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, options: { maxBytes: number; onDamaged?: OnDamaged }) {
    this.#dir = path.join(dataDir, "cache", "conversation-state");
    this.#index = new JsonStateFile(path.join(this.#dir, "index.json"), Index, { onDamaged: options.onDamaged });
    this.#maxBytes = options.maxBytes;
  }

  /** The file to load (the last one saved, if any) and a new one to save to. */
  plan(conversationId: string): Promise<StatePlan> {
    return this.#serial(async (entries) => {
      await mkdir(this.#dir, { recursive: true });
      const current = entries[conversationId];
      const name = `${createHash("sha256").update(conversationId).digest("hex").slice(0, 16)}-${Date.now()}.state`;
      return { load: current ? path.join(this.#dir, current.file) : null, save: path.join(this.#dir, name) };
    });
  }

  /** The engine saved `file` for the conversation: it replaces the previous one, then the bound is enforced. */
  recordSaved(conversationId: string, file: string): Promise<void> {
    return this.#serial(async (entries) => {
      const previous = entries[conversationId];
      entries[conversationId] = { file: path.basename(file), lastUsed: Date.now() };
      if (previous && previous.file !== path.basename(file)) await this.#remove(previous.file);
      await this.#evict(entries);
      await this.#index.write(entries);
    });
  }

  /** Deletes the conversation's saved context (the conversation was deleted). */
  forget(conversationId: string): Promise<void> {
    return this.#serial(async (entries) => {
      const entry = entries[conversationId];
      if (!entry) return;
      delete entries[conversationId];
      await this.#remove(entry.file);
      await this.#index.write(entries);
    });
  }

  /** Bytes on disk now (states and their manifests). */
  totalBytes(): Promise<number> {
    return this.#serial(async (entries) => (await Promise.all(Object.values(entries).map((entry) => this.#sizeOf(entry.file)))).reduce((a, b) => a + b, 0));
  }

  /**
   * Start-up: files no entry names (left by a crash or an interrupted save) are deleted. A state's
   * `.loading` marker stays (the engine skips a file whose load crashed it), and so does
   * `set-aside/`, where the engine moves a file it could not use.
   */
  removeOrphans(): Promise<void> {
    return this.#serial(async (entries) => {
      const known = new Set(Object.values(entries).flatMap((entry) => [entry.file, `${entry.file}.json`, `${entry.file}.loading`]));
      const names = await readdir(this.#dir).catch(() => [] as string[]);
      await Promise.all(
        names
          .filter((name) => name !== "set-aside" && !name.startsWith("index.json") && !known.has(name))
          .map((name) => rm(path.join(this.#dir, name), { force: true })),
      );
    });
  }

  async #evict(entries: Index): Promise<void> {
    const sizes = new Map(await Promise.all(Object.entries(entries).map(async ([id, entry]) => [id, await this.#sizeOf(entry.file)] as const)));
    let total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const oldestFirst = Object.entries(entries).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [id, entry] of oldestFirst) {
      if (total <= this.#maxBytes) break;
      total -= sizes.get(id) ?? 0;
      delete entries[id];
      await this.#remove(entry.file);
    }
  }

  async #sizeOf(file: string): Promise<number> {
    const sizes = await Promise.all(
      [file, `${file}.json`].map((name) =>
        stat(path.join(this.#dir, name)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    return sizes[0]! + sizes[1]!;
  }

  async #remove(file: string): Promise<void> {
    await Promise.all([file, `${file}.json`, `${file}.loading`].map((name) => rm(path.join(this.#dir, name), { force: true })));
  }

  #serial<T>(work: (entries: Index) => Promise<T>): Promise<T> {
    const next = this.#chain.then(async () => {
      this.#entries ??= (await this.#index.read()).value ?? {};
      return work(this.#entries);
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
