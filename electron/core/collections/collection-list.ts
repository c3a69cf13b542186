import { z } from "zod";
import { CollectionId } from "../../shared/contract/collections.js";
import { JsonStateFile } from "../kernel/state-file.js";

/** What is kept of a collection between runs; its index lives in its own folder beside this file. */
export const StoredCollection = z.object({
  id: CollectionId,
  name: z.string().min(1).max(200),
  sources: z.array(z.string().min(1)),
  createdAt: z.number().int().nonnegative(),
  /** Paused by the person: not resumed at start until they ask. */
  paused: z.boolean(),
  files: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  lastIndexedAt: z.number().int().nonnegative().nullable(),
});
export type StoredCollection = z.infer<typeof StoredCollection>;

const CollectionsFile = z.object({ collections: z.array(StoredCollection) });

/** `collections/collections.json`: the list, replaced atomically on every change. */
export class CollectionList {
  readonly #file: JsonStateFile<z.infer<typeof CollectionsFile>>;
  #items: StoredCollection[] = [];

  constructor(file: string) {
    this.#file = new JsonStateFile(file, CollectionsFile);
  }

  /** Reads the list; a damaged file is set aside and the notice says so. */
  async load(): Promise<{ notice?: string }> {
    const read = await this.#file.read();
    this.#items = read.value?.collections ?? [];
    if (!read.damaged) return {};
    return { notice: `The list of collections could not be read (${read.damaged.problem}); it was set aside as ${read.damaged.backup}.` };
  }

  all(): StoredCollection[] {
    return this.#items.map((item) => ({ ...item }));
  }

  get(id: string): StoredCollection | undefined {
    const item = this.#items.find((c) => c.id === id);
    return item && { ...item };
  }

  async put(item: StoredCollection): Promise<void> {
    const at = this.#items.findIndex((c) => c.id === item.id);
    if (at >= 0) this.#items[at] = { ...item };
    else this.#items.push({ ...item });
    await this.#file.write({ collections: this.#items });
  }

  async remove(id: string): Promise<boolean> {
    const before = this.#items.length;
    this.#items = this.#items.filter((c) => c.id !== id);
    if (this.#items.length === before) return false;
    await this.#file.write({ collections: this.#items });
    return true;
  }
}
