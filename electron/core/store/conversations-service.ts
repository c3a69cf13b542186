import type { Attachment } from "../../shared/contract/chat.js";
import type { PromptTurn } from "./prompt-history.js";
import type {
  AssistantMessage,
  Conversation,
  ConversationSummary,
  GenerationSettings,
  MessageMetrics,
  UserMessage,
} from "../../shared/contract/conversations.js";

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
  /** A question, with the files attached to it (stored with it, exported with it). */
  appendUserMessage(conversationId: string, text: string, attachments?: Attachment[]): UserMessage;
  /** Drops a message and everything after it (regenerate, edit and resend). */
  rewind(conversationId: string, fromMessageId: string): void;
  beginAssistantMessage(conversationId: string, used?: { model?: string | null; variant?: string | null; settings?: GenerationSettings }): string;
  appendStream(messageId: string, delta: { thought?: string; answer?: string }): void;
  finishMessage(messageId: string, end: { stopReason?: string | null; metrics?: MessageMetrics | null; interrupted?: boolean }): AssistantMessage;
  /** The turns before now, oldest first: questions and answers only (reasoning never goes back to the model); unfinished answers left out. */
  history(conversationId: string): PromptTurn[];
}
