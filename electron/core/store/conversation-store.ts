import { randomUUID } from "node:crypto";
import path from "node:path";
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
import type { LogRecord } from "./records.js";
import { haystackOf, searchConversations, type Searchable } from "./search.js";
import { UNTITLED, titleFromQuestion } from "./title.js";

/**
 * What the chat module uses to keep a conversation while it is generated:
 *
 *   const q = store.appendUserMessage(conversationId, text);        // durable at once
 *   const turns = store.history(conversationId);                    // prior turns for the prompt
 *   const id = store.beginAssistantMessage(conversationId, { model, variant, settings });
 *   store.appendStream(id, { thought: "…" }); store.appendStream(id, { answer: "…" }); // deltas, as they come
 *   store.finishMessage(id, { stopReason: "eos", metrics });      // or { interrupted: true } on failure
 *
 * appendStream only buffers; buffered text reaches the disk every `flushIntervalMs` (500 ms by
 * default), so a crash loses at most that much of an answer. An answer never finished (crash,
 * kill) reopens with `interrupted: true` and keeps what reached the disk.
 */
export interface ConversationsService {
  create(input?: { title?: string; model?: string | null; variant?: string | null; settings?: GenerationSettings }): ConversationSummary;
  get(conversationId: string): Conversation;
  appendUserMessage(conversationId: string, text: string): UserMessage;
  /** Drops a message and everything after it (regenerate, edit and resend). */
  rewind(conversationId: string, fromMessageId: string): void;
  beginAssistantMessage(conversationId: string, used?: { model?: string | null; variant?: string | null; settings?: GenerationSettings }): string;
  appendStream(messageId: string, delta: { thought?: string; answer?: string }): void;
  finishMessage(messageId: string, end: { stopReason?: string | null; metrics?: MessageMetrics | null; interrupted?: boolean }): AssistantMessage;
  /** The turns before now, oldest first: questions and answers only (reasoning never goes back to the model); unfinished answers left out. */
  history(conversationId: string): Array<{ role: "user" | "assistant"; text: string }>;
}

export interface ConversationStoreOptions {
  /** How long buffered streamed text may wait before it is written (the most a crash can lose). */
  flushIntervalMs?: number;
  /** How long a deleted conversation can be restored. */
  undoWindowMs?: number;
  now?: () => number;
}

interface StoredConversation {
  header: Omit<ConversationSummary, "messageCount">;
  messages: Message[];
  deletedAt: number | null;
  /** Lower-cased text of all messages for search; built on the first search, dropped on change. */
  haystack?: string | undefined;
}

export interface OpenReport {
  /** Sentences for people: damage found and what was done about it. */
  notices: string[];
  /** Where the damaged file was copied before repair, if it was. */
  backup: string | null;
  interruptedMessages: number;
}

/**
 * Conversations in memory, kept in an append-only log on disk (see conversation-log.ts). Reads are
 * served from memory; every change is one appended line. Opening replays the log, repairs damage
 * (keeping every intact record, after a dated backup), and compacts when the log has grown stale.
 */
export class ConversationStore implements ConversationsService {
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly messageOwner = new Map<string, StoredConversation>();
  private readonly pendingStream = new Map<string, { t: string; a: string }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private order: StoredConversation[] | null = null;
  private summaries: ConversationSummary[] | null = null;
  private readonly log: ConversationLog;
  private readonly flushIntervalMs: number;
  readonly undoWindowMs: number;
  private readonly now: () => number;
  /** Told after each change that the conversation list may show; the module turns these into events. */
  onChange: (conversationId: string | null, kind: "created" | "updated" | "message" | "deleted" | "restored" | "imported") => void = () => {};

  private constructor(dir: string, options: ConversationStoreOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.undoWindowMs = options.undoWindowMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    this.log = new ConversationLog(path.join(dir, "conversations.jsonl"), Math.min(this.flushIntervalMs, 1000));
  }

  static open(dir: string, options: ConversationStoreOptions = {}): { store: ConversationStore; report: OpenReport } {
    const store = new ConversationStore(dir, options);
    const report = store.load();
    return { store, report };
  }

  private load(): OpenReport {
    const read = this.log.read();
    let orphans = 0;
    for (const record of read.records) if (!this.apply(record)) orphans++;
    const report: OpenReport = { notices: [], backup: null, interruptedMessages: 0 };
    const damaged = read.damagedLines + orphans;
    if (damaged > 0) {
      report.backup = this.log.backUp();
      const kept = read.totalLines - damaged;
      const name = path.basename(report.backup);
      report.notices.push(
        kept > 0
          ? `The conversation store was damaged (${damaged} of ${read.totalLines} entries unreadable, as after an interrupted write or a disk error). A copy was saved as ${name}; every intact entry was kept (${this.conversations.size} conversations).`
          : `The conversation store could not be read at all. A copy was saved as ${name} and an empty store was started.`,
      );
    }
    // Answers that were streaming when the app stopped: keep what arrived, say they were cut off.
    const interrupted: LogRecord[] = [];
    for (const stored of this.conversations.values()) {
      for (const message of stored.messages) {
        if (message.role === "assistant" && message.finishedAt === null) {
          message.interrupted = true;
          message.finishedAt = this.now();
          interrupted.push({ k: "fin", id: message.id, stopReason: message.stopReason, metrics: message.metrics, interrupted: true, at: message.finishedAt });
        }
      }
    }
    report.interruptedMessages = interrupted.length;
    const expired = this.purgeExpired();
    if (damaged > 0 || expired > 0 || this.isStale()) this.compact();
    else this.log.append(interrupted);
    return report;
  }

  /** Applies one log record to memory; false when it refers to something the log never created. */
  private apply(record: LogRecord): boolean {
    switch (record.k) {
      case "conv": {
        const existing = this.conversations.get(record.c.id);
        if (existing) existing.header = record.c;
        else this.conversations.set(record.c.id, { header: record.c, messages: [], deletedAt: null });
        return true;
      }
      case "msg": {
        const stored = this.conversations.get(record.conversationId);
        if (!stored) return false;
        const index = stored.messages.findIndex((m) => m.id === record.m.id);
        if (index === -1) stored.messages.push(record.m);
        else stored.messages[index] = record.m;
        this.messageOwner.set(record.m.id, stored);
        return true;
      }
      case "tok": {
        const message = this.findAssistant(record.id);
        if (!message) return false;
        if (record.t) message.thought += record.t;
        if (record.a) message.answer += record.a;
        return true;
      }
      case "fin": {
        const message = this.findAssistant(record.id);
        if (!message) return false;
        message.stopReason = record.stopReason;
        message.metrics = record.metrics;
        message.interrupted = record.interrupted;
        message.finishedAt = record.at;
        return true;
      }
      case "cut": {
        const stored = this.conversations.get(record.conversationId);
        const index = stored?.messages.findIndex((m) => m.id === record.fromMessageId) ?? -1;
        if (!stored || index === -1) return false;
        for (const dropped of stored.messages.splice(index)) this.messageOwner.delete(dropped.id);
        stored.haystack = undefined;
        return true;
      }
      case "del":
      case "undel": {
        const stored = this.conversations.get(record.id);
        if (!stored) return false;
        stored.deletedAt = record.k === "del" ? record.at : null;
        return true;
      }
    }
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────

  /** Pinned first, then by last activity, newest first. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): { conversations: ConversationSummary[]; total: number } {
    this.summaries ??= this.liveInOrder().map(summarize);
    return { conversations: this.summaries.slice(offset, offset + limit), total: this.summaries.length };
  }

  get(conversationId: string): Conversation {
    const stored = this.live(conversationId);
    return { ...summarize(stored), messages: stored.messages.map((m) => ({ ...m })) };
  }

  search(query: string, limit = 50): { hits: SearchHit[]; truncated: boolean } {
    const inOrder = this.liveInOrder().map(
      (stored): Searchable => ({ id: stored.header.id, title: stored.header.title, messages: stored.messages, haystack: () => (stored.haystack ??= haystackOf(stored.messages)) }),
    );
    return searchConversations(inOrder, query, limit);
  }

  history(conversationId: string): Array<{ role: "user" | "assistant"; text: string }> {
    const turns: Array<{ role: "user" | "assistant"; text: string }> = [];
    for (const message of this.live(conversationId).messages) {
      if (message.role === "user") turns.push({ role: "user", text: message.text });
      else if (message.finishedAt !== null && message.answer.trim()) turns.push({ role: "assistant", text: message.answer });
    }
    return turns;
  }

  /** Every live conversation with its messages, in list order (for export). */
  all(ids?: string[]): Conversation[] {
    const stored = ids ? ids.map((id) => this.live(id)) : this.liveInOrder();
    return stored.map((s) => ({ ...summarize(s), messages: s.messages.map((m) => ({ ...m })) }));
  }

  // ── changes ───────────────────────────────────────────────────────────────────────────────

  create(input: { title?: string; model?: string | null; variant?: string | null; settings?: GenerationSettings } = {}): ConversationSummary {
    const at = this.now();
    const title = input.title?.trim();
    const header: StoredConversation["header"] = {
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
    this.conversations.set(header.id, stored);
    this.log.append([{ k: "conv", c: header }]);
    this.changed(header.id, "created");
    return summarize(stored);
  }

  rename(conversationId: string, title: string): ConversationSummary {
    return this.updateHeader(conversationId, { title: title.trim() || UNTITLED, titleSource: "user" }, "updated");
  }

  pin(conversationId: string, pinned: boolean): ConversationSummary {
    return this.updateHeader(conversationId, { pinned }, "updated");
  }

  delete(conversationId: string): { id: string; restorableUntil: number } {
    const stored = this.live(conversationId);
    stored.deletedAt = this.now();
    for (const message of stored.messages) this.pendingStream.delete(message.id);
    this.log.append([{ k: "del", id: conversationId, at: stored.deletedAt }]);
    this.changed(conversationId, "deleted");
    return { id: conversationId, restorableUntil: stored.deletedAt + this.undoWindowMs };
  }

  restore(conversationId: string): ConversationSummary {
    const stored = this.conversations.get(conversationId);
    if (!stored) throw new AppError("not-found", "That conversation no longer exists.");
    if (stored.deletedAt === null) return summarize(stored);
    if (stored.deletedAt + this.undoWindowMs < this.now()) throw new AppError("failed", "That conversation was deleted too long ago to restore.");
    stored.deletedAt = null;
    this.log.append([{ k: "undel", id: conversationId }]);
    this.changed(conversationId, "restored");
    return summarize(stored);
  }

  /** Drops a message and everything after it, so a question can be answered again or replaced. */
  rewind(conversationId: string, fromMessageId: string): void {
    const stored = this.live(conversationId);
    const index = stored.messages.findIndex((m) => m.id === fromMessageId);
    if (index === -1) throw new AppError("bad-request", "That message is not in this conversation.");
    for (const dropped of stored.messages.splice(index)) {
      this.pendingStream.delete(dropped.id);
      this.messageOwner.delete(dropped.id);
    }
    stored.haystack = undefined;
    this.log.append([{ k: "cut", conversationId, fromMessageId }]);
    this.changed(conversationId, "message");
  }

  appendUserMessage(conversationId: string, text: string): UserMessage {
    const stored = this.live(conversationId);
    const message: UserMessage = { id: randomUUID(), role: "user", text, createdAt: this.now() };
    const records: LogRecord[] = [];
    // The title comes from the first question, never from the reasoning; a hand-made title stays.
    if (stored.header.titleSource === "auto" && !stored.messages.some((m) => m.role === "user")) {
      stored.header = { ...stored.header, title: titleFromQuestion(text) };
    }
    stored.header = { ...stored.header, updatedAt: message.createdAt };
    records.push({ k: "conv", c: stored.header }, { k: "msg", conversationId, m: message });
    stored.messages.push(message);
    stored.haystack = undefined;
    this.messageOwner.set(message.id, stored);
    this.log.append(records);
    this.changed(conversationId, "message");
    return { ...message };
  }

  beginAssistantMessage(conversationId: string, used: { model?: string | null; variant?: string | null; settings?: GenerationSettings } = {}): string {
    const stored = this.live(conversationId);
    const at = this.now();
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
    };
    stored.header = {
      ...stored.header,
      model: used.model !== undefined ? used.model : stored.header.model,
      variant: used.variant !== undefined ? used.variant : stored.header.variant,
      settings: used.settings ?? stored.header.settings,
      updatedAt: at,
    };
    stored.messages.push(message);
    this.messageOwner.set(message.id, stored);
    this.log.append([
      { k: "conv", c: stored.header },
      { k: "msg", conversationId, m: message },
    ]);
    this.changed(conversationId, "message");
    return message.id;
  }

  appendStream(messageId: string, delta: { thought?: string; answer?: string }): void {
    const message = this.unfinished(messageId);
    if (!delta.thought && !delta.answer) return;
    message.thought += delta.thought ?? "";
    message.answer += delta.answer ?? "";
    const owner = this.messageOwner.get(messageId);
    if (owner) owner.haystack = undefined;
    const pending = this.pendingStream.get(messageId) ?? { t: "", a: "" };
    pending.t += delta.thought ?? "";
    pending.a += delta.answer ?? "";
    this.pendingStream.set(messageId, pending);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flushStreams(), this.flushIntervalMs);
  }

  finishMessage(messageId: string, end: { stopReason?: string | null; metrics?: MessageMetrics | null; interrupted?: boolean }): AssistantMessage {
    const message = this.unfinished(messageId);
    this.flushStreams(messageId);
    message.stopReason = end.stopReason ?? null;
    message.metrics = end.metrics ?? null;
    message.interrupted = end.interrupted ?? false;
    message.finishedAt = this.now();
    this.log.append([{ k: "fin", id: messageId, stopReason: message.stopReason, metrics: message.metrics, interrupted: message.interrupted, at: message.finishedAt }]);
    const owner = this.messageOwner.get(messageId);
    if (owner) this.changed(owner.header.id, "message");
    return { ...message };
  }

  /** Adds whole conversations (from an import) as they are; ids must be free. */
  insert(conversations: Conversation[]): ConversationSummary[] {
    const records: LogRecord[] = [];
    const added: ConversationSummary[] = [];
    for (const conversation of conversations) {
      const { messages, messageCount: _count, ...header } = conversation;
      const stored: StoredConversation = { header, messages: messages.map((m) => ({ ...m })), deletedAt: null };
      this.conversations.set(header.id, stored);
      records.push({ k: "conv", c: header });
      for (const message of stored.messages) {
        this.messageOwner.set(message.id, stored);
        records.push({ k: "msg", conversationId: header.id, m: message });
      }
      added.push(summarize(stored));
    }
    this.log.append(records);
    this.changed(null, "imported");
    return added;
  }

  hasConversation(id: string): boolean {
    return this.conversations.has(id);
  }

  hasMessage(id: string): boolean {
    return this.messageOwner.has(id);
  }

  /** Writes buffered streamed text now (all of it, or one message's). */
  flushStreams(onlyMessageId?: string): void {
    const records: LogRecord[] = [];
    for (const [id, pending] of this.pendingStream) {
      if (onlyMessageId !== undefined && id !== onlyMessageId) continue;
      records.push({ k: "tok", id, ...(pending.t ? { t: pending.t } : {}), ...(pending.a ? { a: pending.a } : {}) });
      this.pendingStream.delete(id);
    }
    if (this.pendingStream.size === 0 && this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    this.log.append(records);
  }

  /** Rewrites the log as the live state: one record per conversation and message, expired deletions gone. */
  compact(): void {
    this.pendingStream.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.purgeExpired();
    this.log.rewrite(this.snapshot());
  }

  /** Writes what is buffered, makes it durable, and compacts when the log has grown stale. */
  close(): void {
    this.flushStreams();
    if (this.purgeExpired() > 0 || this.isStale()) this.compact();
    this.log.close();
  }

  private *snapshot(): Generator<LogRecord> {
    for (const stored of this.conversations.values()) {
      yield { k: "conv", c: stored.header };
      for (const message of stored.messages) yield { k: "msg", conversationId: stored.header.id, m: message };
      if (stored.deletedAt !== null) yield { k: "del", id: stored.header.id, at: stored.deletedAt };
    }
  }

  /** Stale: most lines are superseded headers or stream pieces, worth rewriting. */
  private isStale(): boolean {
    return this.log.lineCount > 1000 && this.log.lineCount > 2 * (this.conversations.size + this.messageOwner.size);
  }

  private purgeExpired(): number {
    let purged = 0;
    const cutoff = this.now() - this.undoWindowMs;
    for (const [id, stored] of this.conversations) {
      if (stored.deletedAt !== null && stored.deletedAt < cutoff) {
        for (const message of stored.messages) this.messageOwner.delete(message.id);
        this.conversations.delete(id);
        this.order = this.summaries = null;
        purged++;
      }
    }
    return purged;
  }

  private updateHeader(conversationId: string, change: Partial<StoredConversation["header"]>, kind: "updated"): ConversationSummary {
    const stored = this.live(conversationId);
    stored.header = { ...stored.header, ...change };
    this.log.append([{ k: "conv", c: stored.header }]);
    this.changed(conversationId, kind);
    return summarize(stored);
  }

  private live(conversationId: string): StoredConversation {
    const stored = this.conversations.get(conversationId);
    if (!stored || stored.deletedAt !== null) throw new AppError("not-found", "That conversation does not exist (it may have been deleted).");
    return stored;
  }

  private changed(conversationId: string | null, kind: Parameters<ConversationStore["onChange"]>[1]): void {
    this.order = this.summaries = null;
    this.onChange(conversationId, kind);
  }

  /** Live conversations in list order; cached, since the list is read far more often than it changes. */
  private liveInOrder(): StoredConversation[] {
    if (this.order) return this.order;
    const live: StoredConversation[] = [];
    for (const stored of this.conversations.values()) if (stored.deletedAt === null) live.push(stored);
    return (this.order = live).sort((a, b) => Number(b.header.pinned) - Number(a.header.pinned) || b.header.updatedAt - a.header.updatedAt || (a.header.id < b.header.id ? -1 : 1));
  }

  private findAssistant(messageId: string): AssistantMessage | undefined {
    const message = this.messageOwner.get(messageId)?.messages.find((m) => m.id === messageId);
    return message?.role === "assistant" ? message : undefined;
  }

  private unfinished(messageId: string): AssistantMessage {
    const message = this.findAssistant(messageId);
    if (!message) throw new AppError("not-found", "That answer is not in the store.");
    if (message.finishedAt !== null) throw new AppError("failed", "That answer is already finished.");
    return message;
  }
}

function summarize(stored: StoredConversation): ConversationSummary {
  return { ...stored.header, messageCount: stored.messages.length };
}
