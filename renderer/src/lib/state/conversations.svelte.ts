import type { ConversationSummary } from "$shared/contract/conversations.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";

export type { ConversationSummary };

export interface ConversationsGateway {
  list(): Promise<ConversationSummary[]>;
  create(): Promise<ConversationSummary>;
  rename(id: string, title: string): Promise<void>;
  setPinned(id: string, pinned: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<ConversationSummary>;
  onChanged(listener: () => void): () => void;
}

export const coreConversationsGateway: ConversationsGateway = {
  list: async () => (await api.call("conversations.list", {})).conversations,
  create: () => api.call("conversations.create", {}),
  rename: async (id, title) => void (await api.call("conversations.rename", { id, title })),
  setPinned: async (id, pinned) => void (await api.call("conversations.pin", { id, pinned })),
  remove: async (id) => void (await api.call("conversations.delete", { id })),
  restore: (id) => api.call("conversations.restore", { id }),
  onChanged: (listener) => api.on("conversations.changed", () => listener()),
};

/** How long a deleted conversation can still be brought back. */
export const UNDO_MS = 6000;

/** The sidebar: conversations, search, pin, rename, and delete with a short undo window. */
export class Conversations {
  #items = $state<ConversationSummary[]>([]);
  #query = $state("");
  #activeId = $state<string | undefined>();
  #pendingDelete = $state<ConversationSummary | undefined>();
  #error = $state<string | undefined>();
  private deleteTimer: ReturnType<typeof setTimeout> | undefined;

  /** `onSelected` hears each change of the selected conversation (undefined: none is left). */
  constructor(
    private readonly gateway: ConversationsGateway = coreConversationsGateway,
    private readonly onSelected: (id: string | undefined) => void = () => {},
  ) {}

  get items(): ConversationSummary[] {
    return this.#items;
  }

  /** The search box's text; the box binds to it. */
  get query(): string {
    return this.#query;
  }

  set query(value: string) {
    this.#query = value;
  }

  get activeId(): string | undefined {
    return this.#activeId;
  }

  /** Just deleted: shown as "Deleted … Undo" until the window closes. */
  get pendingDelete(): ConversationSummary | undefined {
    return this.#pendingDelete;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Pinned first, then newest; filtered by the search text. */
  get visible(): ConversationSummary[] {
    const q = this.#query.trim().toLowerCase();
    return this.#items.filter((c) => !q || c.title.toLowerCase().includes(q)).sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt);
  }

  get active(): ConversationSummary | undefined {
    return this.#items.find((c) => c.id === this.#activeId);
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.#items = await this.gateway.list();
      if (this.#activeId === undefined) this.#select(this.visible[0]?.id);
    });
  }

  async create(): Promise<ConversationSummary | undefined> {
    return this.guard(async () => {
      const created = await this.gateway.create();
      this.#items = [created, ...this.#items];
      this.#select(created.id);
      return created;
    });
  }

  select(id: string): void {
    this.#select(id);
  }

  connect(): void {
    this.gateway.onChanged(() => void this.load());
  }

  async rename(id: string, title: string): Promise<void> {
    const clean = title.trim();
    const item = this.#items.find((c) => c.id === id);
    if (!item || !clean) return;
    await this.guard(async () => {
      await this.gateway.rename(id, clean);
      item.title = clean;
    });
  }

  async togglePin(id: string): Promise<void> {
    const item = this.#items.find((c) => c.id === id);
    if (!item) return;
    await this.guard(async () => {
      await this.gateway.setPinned(id, !item.pinned);
      item.pinned = !item.pinned;
    });
  }

  /** Deletes at once; the core keeps it restorable for a while, and Undo brings it back. */
  async remove(id: string): Promise<void> {
    const item = this.#items.find((c) => c.id === id);
    if (!item) return;
    await this.guard(async () => {
      await this.gateway.remove(id);
      this.#items = this.#items.filter((c) => c.id !== id);
      this.#pendingDelete = item;
      if (this.#activeId === id) this.#select(this.visible[0]?.id);
      clearTimeout(this.deleteTimer);
      this.deleteTimer = setTimeout(() => (this.#pendingDelete = undefined), UNDO_MS);
    });
  }

  async undoDelete(): Promise<void> {
    const doomed = this.#pendingDelete;
    if (!doomed) return;
    clearTimeout(this.deleteTimer);
    this.#pendingDelete = undefined;
    await this.guard(async () => {
      const restored = await this.gateway.restore(doomed.id);
      this.#items = [restored, ...this.#items.filter((c) => c.id !== restored.id)];
      this.#select(restored.id);
    });
  }

  #select(id: string | undefined): void {
    if (id === this.#activeId) return;
    this.#activeId = id;
    this.onSelected(id);
  }

  private guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    return attempt(work, (message) => (this.#error = message));
  }
}
