import type { AssistantMessage, ConversationSummary, Message } from "../../shared/contract/conversations.js";
import { AppError } from "../kernel/errors.js";
import type { LogRecord } from "./records.js";

export type ConversationHeader = Omit<ConversationSummary, "messageCount">;

/** An answer regenerated or edited away, with the messages before it when it was given. */
export interface ReplacedAnswer {
  context: Message[];
  answer: AssistantMessage;
}

export interface StoredConversation {
  header: ConversationHeader;
  messages: Message[];
  /** Answers the user replaced (regenerate, edit and resend), oldest first; only trace export reads them. */
  replaced?: ReplacedAnswer[];
  deletedAt: number | null;
  /** Lower-cased text of all messages for search; built on the first search, dropped on change. */
  haystack?: string | undefined;
}

export function summarize(stored: StoredConversation): ConversationSummary {
  return { ...stored.header, messageCount: stored.messages.length };
}

/**
 * Every conversation in memory (deleted ones too, until their undo window ends), with an index
 * from message id to its conversation and the list order cached between changes.
 */
export class ConversationState {
  readonly #conversations = new Map<string, StoredConversation>();
  readonly #messageOwner = new Map<string, StoredConversation>();
  #order: StoredConversation[] | null = null;
  #summaries: ConversationSummary[] | null = null;

  /** Conversations held, deleted ones included. */
  get conversationCount(): number {
    return this.#conversations.size;
  }

  /** Conversations plus messages: how many records a freshly compacted log would hold (roughly). */
  get recordCount(): number {
    return this.#conversations.size + this.#messageOwner.size;
  }

  conversations(): IterableIterator<StoredConversation> {
    return this.#conversations.values();
  }

  find(conversationId: string): StoredConversation | undefined {
    return this.#conversations.get(conversationId);
  }

  hasConversation(conversationId: string): boolean {
    return this.#conversations.has(conversationId);
  }

  hasMessage(messageId: string): boolean {
    return this.#messageOwner.has(messageId);
  }

  ownerOf(messageId: string): StoredConversation | undefined {
    return this.#messageOwner.get(messageId);
  }

  add(stored: StoredConversation): void {
    this.#conversations.set(stored.header.id, stored);
  }

  /** Records which conversation a message (already in its `messages`) belongs to. */
  track(messageId: string, owner: StoredConversation): void {
    this.#messageOwner.set(messageId, owner);
  }

  /** Keeps an answer that is about to be cut, for trace export. */
  keepReplaced(stored: StoredConversation, old: ReplacedAnswer): void {
    (stored.replaced ??= []).push(old);
  }

  /** Removes the message at `index` and every later one; returns what was removed. */
  cut(stored: StoredConversation, index: number): Message[] {
    const dropped = stored.messages.splice(index);
    for (const message of dropped) this.#messageOwner.delete(message.id);
    stored.haystack = undefined;
    return dropped;
  }

  /** The conversation if it exists and is not deleted. */
  live(conversationId: string): StoredConversation {
    const stored = this.#conversations.get(conversationId);
    if (!stored || stored.deletedAt !== null) throw new AppError("not-found", "That conversation does not exist (it may have been deleted).");
    return stored;
  }

  findAssistant(messageId: string): AssistantMessage | undefined {
    const message = this.#messageOwner.get(messageId)?.messages.find((m) => m.id === messageId);
    return message?.role === "assistant" ? message : undefined;
  }

  /** Live conversations in list order (pinned first, then newest activity); cached, since the list is read far more often than it changes. */
  liveInOrder(): StoredConversation[] {
    if (this.#order) return this.#order;
    const live: StoredConversation[] = [];
    for (const stored of this.#conversations.values()) if (stored.deletedAt === null) live.push(stored);
    return (this.#order = live).sort(
      (a, b) => Number(b.header.pinned) - Number(a.header.pinned) || b.header.updatedAt - a.header.updatedAt || (a.header.id < b.header.id ? -1 : 1),
    );
  }

  summaries(): ConversationSummary[] {
    return (this.#summaries ??= this.liveInOrder().map(summarize));
  }

  /** Drops the cached list after a change that may reorder or alter it. */
  invalidateOrder(): void {
    this.#order = this.#summaries = null;
  }

  /** Forgets conversations deleted before `cutoff`; returns how many. */
  purgeDeletedBefore(cutoff: number): number {
    let purged = 0;
    for (const [id, stored] of this.#conversations) {
      if (stored.deletedAt !== null && stored.deletedAt < cutoff) {
        for (const message of stored.messages) this.#messageOwner.delete(message.id);
        this.#conversations.delete(id);
        this.invalidateOrder();
        purged++;
      }
    }
    return purged;
  }

  /**
   * Forgets live conversations nobody wrote in: no message, the automatic title, not pinned (a
   * "New chat" left empty by an earlier version); returns how many.
   */
  dropUnused(): number {
    let dropped = 0;
    for (const [id, stored] of this.#conversations) {
      const { titleSource, pinned } = stored.header;
      if (stored.deletedAt === null && stored.messages.length === 0 && titleSource === "auto" && !pinned) {
        this.#conversations.delete(id);
        dropped++;
      }
    }
    if (dropped) this.invalidateOrder();
    return dropped;
  }

  /** The whole state as log records: one per conversation and message, plus pending deletions. */
  *snapshot(): Generator<LogRecord> {
    for (const stored of this.#conversations.values()) {
      yield { k: "conv", c: stored.header };
      for (const message of stored.messages) yield { k: "msg", conversationId: stored.header.id, m: message };
      for (const old of stored.replaced ?? []) yield { k: "old", conversationId: stored.header.id, context: old.context, m: old.answer };
      if (stored.deletedAt !== null) yield { k: "del", id: stored.header.id, at: stored.deletedAt };
    }
  }
}
