import type { ChatHistorySource, ChatPersistence } from "../chat/chat-service.js";
import type { GenerationEngine } from "../engine/generation-engine.js";
import type { ConversationsService } from "../store/conversation-store.js";

/**
 * Chat's side of the conversation store: a send in a conversation takes its earlier turns from the
 * store (answers only, never reasoning), saves the question, streams the reply into the store as
 * it arrives, and closes it with the stop reason and metrics — marked interrupted when it was
 * stopped, crashed or failed, with everything streamed so far kept.
 */
export function chatStoreLink(
  store: ConversationsService,
  engine: Pick<GenerationEngine, "loadedModel">,
): { history: ChatHistorySource; persistence: ChatPersistence } {
  const history: ChatHistorySource = {
    turns: (conversationId) =>
      store.history(conversationId).map((turn) => ({ role: turn.role, content: turn.text, ...(turn.attachments ? { attachments: turn.attachments } : {}) })),
    rewind: (conversationId, fromMessageId) => store.rewind(conversationId, fromMessageId),
  };
  const messageIds = new Map<string, string>();
  const persistence: ChatPersistence = {
    onStart: ({ jobId, conversationId, turns, resumed }) => {
      if (!conversationId) return;
      const question = turns.at(-1);
      // Going on with a stopped response: the question is there already; the text kept so far opens the new message.
      if (question?.role === "user" && !resumed) store.appendUserMessage(conversationId, question.content, question.attachments);
      const messageId = store.beginAssistantMessage(conversationId, { model: engine.loadedModel?.name ?? null });
      messageIds.set(jobId, messageId);
      if (resumed) store.appendStream(messageId, resumed);
    },
    onStreamSave: ({ jobId, thought, answer }) => {
      const messageId = messageIds.get(jobId);
      if (messageId) store.appendStream(messageId, { thought, answer });
    },
    onDone: (done) => {
      const messageId = messageIds.get(done.jobId);
      if (!messageId) return;
      messageIds.delete(done.jobId);
      const interrupted = done.stopReason === "aborted" || done.stopReason === "crashed" || done.stopReason === "error";
      store.finishMessage(messageId, { stopReason: done.stopReason, metrics: done.metrics ?? null, interrupted });
    },
  };
  return { history, persistence };
}
