import type { ConversationSummary, SearchHit } from "$shared/contract/conversations.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";
import { NEW_CHAT } from "./route.js";

export type { ConversationSummary, SearchHit };

/** A conversation as a file to save: Markdown to read, JSON to import again. */
export interface ExportedFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export interface ConversationsGateway {
  list(): Promise<ConversationSummary[]>;
  create(): Promise<ConversationSummary>;
  rename(id: string, title: string): Promise<void>;
  setPinned(id: string, pinned: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<ConversationSummary>;
  /** Full-text search in the core: titles, questions, attached files, reasoning and answers. */
  search(query: string): Promise<SearchHit[]>;
  exportConversation(id: string, format: "markdown" | "json"): Promise<ExportedFile>;
  /** Adds the conversations of a JSON export file; a file that is not one is refused whole. */
  importArchive(file: Blob): Promise<{ imported: ConversationSummary[]; notices: string[] }>;
  onChanged(listener: () => void): () => void;
}

export const coreConversationsGateway: ConversationsGateway = {
  list: async () => (await api.call("conversations.list", {})).conversations,
  create: () => api.call("conversations.create", {}),
  rename: async (id, title) => void (await api.call("conversations.rename", { id, title })),
  setPinned: async (id, pinned) => void (await api.call("conversations.pin", { id, pinned })),
  remove: async (id) => void (await api.call("conversations.delete", { id })),
  restore: (id) => api.call("conversations.restore", { id }),
  search: async (query) => (await api.call("conversations.search", { query, limit: 200 })).hits,
  exportConversation: (id, format) => api.call("conversations.export", { ids: [id], format }),
  importArchive: (file) => api.importConversations(file),
  onChanged: (listener) => api.on("conversations.changed", () => listener()),
};

/** How long a deleted conversation can still be brought back. */
export const UNDO_MS = 6000;

/**
 * The sidebar: conversations, full-text search, pin, rename, delete with a short undo window,
 * export and import. A "new chat" is only a selection of nothing until its first question: the
 * core stores a conversation when it is asked something, so none is left empty.
 */
export class Conversations {
  #items = $state<ConversationSummary[]>([]);
  #query = $state("");
  #hits = $state<SearchHit[]>([]);
  #searches = 0;
  #activeId = $state<string | undefined>();
  #drafting = $state(false);
  /** The conversation a reload asked for, selected by the first load if it still exists. */
  #wanted: string | undefined;
  #pendingDelete = $state<ConversationSummary | undefined>();
  #error = $state<string | undefined>();
  #notice = $state<string | undefined>();
  private deleteTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `onSelected` hears each change of the selected conversation (undefined: a new chat, or none is
   * left); `picked` is true when the person chose it (the chat should show it), false when the list
   * moved on by itself.
   */
  constructor(
    private readonly gateway: ConversationsGateway = coreConversationsGateway,
    private readonly onSelected: (id: string | undefined, picked: boolean) => void = () => {},
  ) {}

  get items(): ConversationSummary[] {
    return this.#items;
  }

  /** The search box's text; the box binds to it, and each change asks the core. */
  get query(): string {
    return this.#query;
  }

  set query(value: string) {
    void this.search(value);
  }

  get activeId(): string | undefined {
    return this.#activeId;
  }

  /** A new chat is open: nothing is selected and nothing is stored until its first question. */
  get drafting(): boolean {
    return this.#drafting;
  }

  /** Just deleted: shown as "Deleted … Undo" until the window closes. */
  get pendingDelete(): ConversationSummary | undefined {
    return this.#pendingDelete;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** What the last import did. */
  get notice(): string | undefined {
    return this.#notice;
  }

  /** Pinned first, then newest; while searching, the conversations with a match, in the core's order. */
  get visible(): ConversationSummary[] {
    if (!this.#query.trim()) return [...this.#items].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt);
    // A plain object, not a Map: this is rebuilt on each read, never changed.
    const byId: Record<string, ConversationSummary> = Object.fromEntries(this.#items.map((c) => [c.id, c]));
    const found = this.#hits.map((hit) => hit.conversationId).filter((id, at, all) => all.indexOf(id) === at);
    return found.flatMap((id) => byId[id] ?? []);
  }

  /** The first match in this conversation for the current search, for its snippet. */
  hitFor(id: string): SearchHit | undefined {
    return this.#query.trim() ? this.#hits.find((hit) => hit.conversationId === id) : undefined;
  }

  get active(): ConversationSummary | undefined {
    return this.#items.find((c) => c.id === this.#activeId);
  }

  /** Before the first load: the selection the address kept (a conversation's id, or a new chat). */
  resume(conversation: string | undefined): void {
    if (conversation === NEW_CHAT) this.#drafting = true;
    else this.#wanted = conversation;
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.#items = await this.gateway.list();
      const wanted = this.#wanted;
      this.#wanted = undefined;
      if (wanted && this.#items.some((c) => c.id === wanted)) return this.#select(wanted, false);
      if (this.#drafting || this.#items.some((c) => c.id === this.#activeId)) return;
      this.#select(this.visible[0]?.id, false);
    });
    if (this.#query.trim()) await this.search(this.#query);
  }

  /** Searches the core; an answer to an older search that comes late is ignored. */
  async search(query: string): Promise<void> {
    this.#query = query;
    const asked = ++this.#searches;
    if (!query.trim()) {
      this.#hits = [];
      return;
    }
    const hits = await this.guard(() => this.gateway.search(query.trim()));
    if (hits && asked === this.#searches) this.#hits = hits;
  }

  /** New chat: opens an empty chat, stored once it is asked something. Again while it is empty: the same one. */
  startDraft(picked = true): void {
    this.#drafting = true;
    this.#select(undefined, picked);
  }

  /** Stores a conversation (for the first question of a new chat) and selects it. */
  async create(): Promise<ConversationSummary | undefined> {
    return this.guard(async () => {
      const created = await this.gateway.create();
      this.#items = [created, ...this.#items.filter((c) => c.id !== created.id)];
      this.#select(created.id, false);
      return created;
    });
  }

  /** `picked`: the person chose it, so the chat shows it; false when following the address (Back). */
  select(id: string, picked = true): void {
    this.#select(id, picked);
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

  /** Deletes at once (the neighbour below, else above, becomes selected); the core keeps it restorable for a while, and Undo brings it back. */
  async remove(id: string): Promise<void> {
    const item = this.#items.find((c) => c.id === id);
    if (!item) return;
    const order = this.visible.map((c) => c.id);
    const at = order.indexOf(id);
    const neighbour = order[at + 1] ?? order[at - 1];
    await this.guard(async () => {
      await this.gateway.remove(id);
      this.#items = this.#items.filter((c) => c.id !== id);
      this.#hits = this.#hits.filter((hit) => hit.conversationId !== id);
      this.#pendingDelete = item;
      if (this.#activeId === id) this.#select(neighbour, false);
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
      this.#select(restored.id, false);
    });
  }

  /** The conversation as a file (Markdown or JSON), for the page to save; undefined when the core refused. */
  async exportFile(id: string, format: "markdown" | "json"): Promise<ExportedFile | undefined> {
    return this.guard(() => this.gateway.exportConversation(id, format));
  }

  /** Imports a JSON export and opens its first conversation; a broken file shows why and changes nothing. */
  async importArchive(file: Blob): Promise<void> {
    this.#notice = undefined;
    const result = await this.guard(() => this.gateway.importArchive(file));
    if (!result) return;
    const count = result.imported.length;
    this.#notice = [count === 1 ? "Imported 1 conversation." : `Imported ${count} conversations.`, ...result.notices].join(" ");
    const ids = result.imported.map((c) => c.id);
    this.#items = [...result.imported, ...this.#items.filter((c) => !ids.includes(c.id))];
    if (result.imported[0]) this.#select(result.imported[0].id, true);
  }

  #select(id: string | undefined, picked: boolean): void {
    if (id !== undefined) this.#drafting = false;
    if (id === this.#activeId && !picked) return;
    this.#activeId = id;
    this.onSelected(id, picked);
  }

  private guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    return attempt(work, (message) => (this.#error = message));
  }
}
