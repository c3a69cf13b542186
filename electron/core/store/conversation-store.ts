import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Attachment, Citation } from "../../shared/contract/chat.js";
import type {
  AssistantMessage,
  Conversation,
  ConversationSummary,
  GenerationSettings,
  Message,
  MessageMetrics,
  SearchHit,
  UserMessage,
} from "../../shared/contract/conversations.js";
import { AppError } from "../kernel/errors.js";
import { ConversationLog } from "./conversation-log.js";
import type { ConversationsService } from "./conversations-service.js";
import { ConversationState, summarize, type ConversationHeader, type StoredConversation } from "./conversation-index.js";
import { replayLog, type OpenReport } from "./log-replay.js";
import { promptHistory, type PromptTurn } from "./prompt-history.js";
import type { LogRecord } from "./records.js";
import { haystackOf, searchConversations, type Searchable } from "./search.js";
import { StreamBuffer } from "./stream-buffer.js";
import { UNTITLED, titleFromQuestion } from "./title.js";

export type { ConversationsService } from "./conversations-service.js";
export type { OpenReport } from "./log-replay.js";

export interface ConversationStoreOptions {
  /** How long buffered streamed text may wait before it is written (the most a crash can lose). */
  flushIntervalMs?: number;
  /** How long a deleted conversation can be restored. */
  undoWindowMs?: number;
  now?: () => number;
}

export type ChangeKind = "created" | "updated" | "message" | "deleted" | "restored" | "imported";

/**
 * Conversations in memory (conversation-index.ts), kept in an append-only log on disk
 * (conversation-log.ts). Reads are served from memory; every change is one appended line. Opening
 * replays the log (log-replay.ts), repairing damage, and compacts when the log has grown stale.
 */
export class ConversationStore implements ConversationsService {
  readonly #state = new ConversationState();
  readonly #log: ConversationLog;
  readonly #stream: StreamBuffer;
  readonly #now: () => number;
  readonly undoWindowMs: number;
  /** Told after each change that the conversation list may show; the module turns these into events. */
  onChange: (conversationId: string | null, kind: ChangeKind) => void = () => {};

  private constructor(dir: string, options: ConversationStoreOptions) {
    const flushIntervalMs = options.flushIntervalMs ?? 500;
    this.undoWindowMs = options.undoWindowMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#log = new ConversationLog(path.join(dir, "conversations.jsonl"), Math.min(flushIntervalMs, 1000));
    this.#stream = new StreamBuffer(flushIntervalMs, (records) => this.#log.append(records));
  }

  static open(dir: string, options: ConversationStoreOptions = {}): { store: ConversationStore; report: OpenReport } {
    const store = new ConversationStore(dir, options);
    const report = store.#load();
    return { store, report };
  }

  #load(): OpenReport {
    const { report, damaged, interrupted } = replayLog(this.#log, this.#state, this.#now);
    const expired = this.#purgeExpired();
    // The app stores a conversation only with its first question; empty ones left over are dropped.
    const unused = this.#state.dropUnused();
    if (damaged || expired > 0 || unused > 0 || this.#isStale()) this.compact();
    else this.#log.append(interrupted);
    return report;
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────

  /** Pinned first, then by last activity, newest first. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): { conversations: ConversationSummary[]; total: number } {
    const summaries = this.#state.summaries();
    return { conversations: summaries.slice(offset, offset + limit), total: summaries.length };
  }

  get(conversationId: string): Conversation {
    return withMessages(this.#state.live(conversationId));
  }

  search(query: string, limit = 50): { hits: SearchHit[]; truncated: boolean } {
    const inOrder = this.#state.liveInOrder().map((stored): Searchable => ({
      id: stored.header.id,
      title: stored.header.title,
      messages: stored.messages,
      haystack: () => (stored.haystack ??= haystackOf(stored.messages)),
    }));
    return searchConversations(inOrder, query, limit);
  }

  history(conversationId: string): PromptTurn[] {
    return promptHistory(this.#state.live(conversationId).messages);
  }

  /** Answers regenerated or edited away in these conversations (all live ones without ids), for trace export. */
  replaced(ids?: string[]): Array<{ conversationId: string; context: Message[]; answer: AssistantMessage }> {
    const stored = ids ? ids.map((id) => this.#state.live(id)) : this.#state.liveInOrder();
    return stored.flatMap((s) => (s.replaced ?? []).map((old) => ({ conversationId: s.header.id, ...old })));
  }

  /** Every live conversation with its messages, in list order (for export). */
  all(ids?: string[]): Conversation[] {
    const stored = ids ? ids.map((id) => this.#state.live(id)) : this.#state.liveInOrder();
    return stored.map(withMessages);
  }

  hasConversation(id: string): boolean {
    return this.#state.hasConversation(id);
  }

  hasMessage(id: string): boolean {
    return this.#state.hasMessage(id);
  }

  // ── changes ───────────────────────────────────────────────────────────────────────────────

  create(input: { title?: string; model?: string | null; variant?: string | null; settings?: GenerationSettings } = {}): ConversationSummary {
    const at = this.#now();
    const title = input.title?.trim();
    const header: ConversationHeader = {
      id: randomUUID(),
      title: title || UNTITLED,
      titleSource: title ? "user" : "auto",
      model: input.model ?? null,
      variant: input.variant ?? null,
      settings: input.settings ?? {},
      pinned: false,
      createdAt: at,
      updatedAt: at,
    };
    const stored: StoredConversation = { header, messages: [], deletedAt: null };
    this.#state.add(stored);
    this.#log.append([{ k: "conv", c: header }]);
    this.#changed(header.id, "created");
    return summarize(stored);
  }

  rename(conversationId: string, title: string): ConversationSummary {
    return this.#updateHeader(conversationId, { title: title.trim() || UNTITLED, titleSource: "user" });
  }

  pin(conversationId: string, pinned: boolean): ConversationSummary {
    return this.#updateHeader(conversationId, { pinned });
  }

  delete(conversationId: string): { id: string; restorableUntil: number } {
    const stored = this.#state.live(conversationId);
    stored.deletedAt = this.#now();
    for (const message of stored.messages) this.#stream.drop(message.id);
    this.#log.append([{ k: "del", id: conversationId, at: stored.deletedAt }]);
    this.#changed(conversationId, "deleted");
    return { id: conversationId, restorableUntil: stored.deletedAt + this.undoWindowMs };
  }

  restore(conversationId: string): ConversationSummary {
    const stored = this.#state.find(conversationId);
    if (!stored) throw new AppError("not-found", "That conversation no longer exists.");
    if (stored.deletedAt === null) return summarize(stored);
    if (stored.deletedAt + this.undoWindowMs < this.#now()) throw new AppError("failed", "That conversation was deleted too long ago to restore.");
    stored.deletedAt = null;
    this.#log.append([{ k: "undel", id: conversationId }]);
    this.#changed(conversationId, "restored");
    return summarize(stored);
  }

  /** Drops a message and everything after it, so a question can be answered again or replaced. */
  rewind(conversationId: string, fromMessageId: string): void {
    const stored = this.#state.live(conversationId);
    const index = stored.messages.findIndex((m) => m.id === fromMessageId);
    if (index === -1) throw new AppError("bad-request", "That message is not in this conversation.");
    const kept: LogRecord[] = [];
    stored.messages.forEach((message, at) => {
      if (at < index || message.role !== "assistant" || message.finishedAt === null) return;
      const old = { context: stored.messages.slice(0, at), answer: { ...message } };
      this.#state.keepReplaced(stored, old);
      kept.push({ k: "old", conversationId, context: old.context, m: old.answer });
    });
    for (const dropped of this.#state.cut(stored, index)) this.#stream.drop(dropped.id);
    this.#log.append([...kept, { k: "cut", conversationId, fromMessageId }]);
    this.#changed(conversationId, "message");
  }

  appendUserMessage(conversationId: string, text: string, attachments: Attachment[] = []): UserMessage {
    const stored = this.#state.live(conversationId);
    const message: UserMessage = { id: randomUUID(), role: "user", text, ...(attachments.length ? { attachments } : {}), createdAt: this.#now() };
    // The title comes from the first question, never from the reasoning; a hand-made title stays.
    if (stored.header.titleSource === "auto" && !stored.messages.some((m) => m.role === "user")) {
      stored.header = { ...stored.header, title: titleFromQuestion(text) };
    }
    stored.header = { ...stored.header, updatedAt: message.createdAt };
    stored.messages.push(message);
    stored.haystack = undefined;
    this.#state.track(message.id, stored);
    this.#log.append([
      { k: "conv", c: stored.header },
      { k: "msg", conversationId, m: message },
    ]);
    this.#changed(conversationId, "message");
    return { ...message };
  }

  beginAssistantMessage(
    conversationId: string,
    used: { model?: string | null; variant?: string | null; settings?: GenerationSettings; citations?: Citation[] } = {},
  ): string {
    const stored = this.#state.live(conversationId);
    const at = this.#now();
    const message: AssistantMessage = {
      id: randomUUID(),
      role: "assistant",
      thought: "",
      answer: "",
      model: used.model ?? stored.header.model,
      metrics: null,
      stopReason: null,
      interrupted: false,
      createdAt: at,
      finishedAt: null,
      ...(used.citations?.length ? { citations: used.citations } : {}),
    };
    stored.header = {
      ...stored.header,
      model: used.model !== undefined ? used.model : stored.header.model,
      variant: used.variant !== undefined ? used.variant : stored.header.variant,
      settings: used.settings ?? stored.header.settings,
      updatedAt: at,
    };
    stored.messages.push(message);
    this.#state.track(message.id, stored);
    this.#log.append([
      { k: "conv", c: stored.header },
      { k: "msg", conversationId, m: message },
    ]);
    this.#changed(conversationId, "message");
    return message.id;
  }

  appendStream(messageId: string, delta: { thought?: string; answer?: string }): void {
    const message = this.#unfinished(messageId);
    if (!delta.thought && !delta.answer) return;
    message.thought += delta.thought ?? "";
    message.answer += delta.answer ?? "";
    const owner = this.#state.ownerOf(messageId);
    if (owner) owner.haystack = undefined;
    this.#stream.add(messageId, delta);
  }

  finishMessage(messageId: string, end: { stopReason?: string | null; metrics?: MessageMetrics | null; interrupted?: boolean }): AssistantMessage {
    const message = this.#unfinished(messageId);
    this.#stream.flush(messageId);
    message.stopReason = end.stopReason ?? null;
    message.metrics = end.metrics ?? null;
    message.interrupted = end.interrupted ?? false;
    message.finishedAt = this.#now();
    this.#log.append([
      { k: "fin", id: messageId, stopReason: message.stopReason, metrics: message.metrics, interrupted: message.interrupted, at: message.finishedAt },
    ]);
    const owner = this.#state.ownerOf(messageId);
    if (owner) this.#changed(owner.header.id, "message");
    return { ...message };
  }

  /** Adds whole conversations (from an import) as they are; ids must be free. */
  insert(conversations: Conversation[]): ConversationSummary[] {
    const records: LogRecord[] = [];
    const added: ConversationSummary[] = [];
    for (const conversation of conversations) {
      const { messages, messageCount: _count, ...header } = conversation;
      const stored: StoredConversation = { header, messages: messages.map((m) => ({ ...m })), deletedAt: null };
      this.#state.add(stored);
      records.push({ k: "conv", c: header });
      for (const message of stored.messages) {
        this.#state.track(message.id, stored);
        records.push({ k: "msg", conversationId: header.id, m: message });
      }
      added.push(summarize(stored));
    }
    this.#log.append(records);
    this.#changed(null, "imported");
    return added;
  }

  // ── upkeep ────────────────────────────────────────────────────────────────────────────────

  /** Writes buffered streamed text now (all of it, or one message's). */
  flushStreams(onlyMessageId?: string): void {
    this.#stream.flush(onlyMessageId);
  }

  /** Rewrites the log as the live state: one record per conversation and message, expired deletions gone. */
  compact(): void {
    // The snapshot holds every message's full text, buffered deltas included.
    this.#stream.discard();
    this.#purgeExpired();
    this.#log.rewrite(this.#state.snapshot());
  }

  /** Writes what is buffered, makes it durable, and compacts when the log has grown stale. */
  close(): void {
    this.#stream.flush();
    if (this.#purgeExpired() > 0 || this.#isStale()) this.compact();
    this.#log.close();
  }

  /** Stale: most lines are superseded headers or stream pieces, worth rewriting. */
  #isStale(): boolean {
    return this.#log.lineCount > 1000 && this.#log.lineCount > 2 * this.#state.recordCount;
  }

  #purgeExpired(): number {
    return this.#state.purgeDeletedBefore(this.#now() - this.undoWindowMs);
  }

  #updateHeader(conversationId: string, change: Partial<ConversationHeader>): ConversationSummary {
    const stored = this.#state.live(conversationId);
    stored.header = { ...stored.header, ...change };
    this.#log.append([{ k: "conv", c: stored.header }]);
    this.#changed(conversationId, "updated");
    return summarize(stored);
  }

  #changed(conversationId: string | null, kind: ChangeKind): void {
    this.#state.invalidateOrder();
    this.onChange(conversationId, kind);
  }

  #unfinished(messageId: string): AssistantMessage {
    const message = this.#state.findAssistant(messageId);
    if (!message) throw new AppError("not-found", "That answer is not in the store.");
    if (message.finishedAt !== null) throw new AppError("failed", "That answer is already finished.");
    return message;
  }
}

function withMessages(stored: StoredConversation): Conversation {
  return { ...summarize(stored), messages: stored.messages.map((m) => ({ ...m })) };
}
