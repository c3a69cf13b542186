import type { ChatHistorySource, ChatPersistence } from "../chat/chat-service.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
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
  const persistence: ChatPersistence = {
    onStart: ({ conversationId, turns, resumed, citations }) => {
      const question = turns.at(-1);
      // Going on with a stopped response: the question is there already; the text kept so far opens the new message.
      const asked = question?.role === "user" && !resumed ? store.appendUserMessage(conversationId, question.content, question.attachments) : null;
      const messageId = store.beginAssistantMessage(conversationId, { model: engine.loadedModel?.name ?? null, ...(citations?.length ? { citations } : {}) });
      if (resumed) store.appendStream(messageId, resumed);
      return { userMessageId: asked?.id ?? null, messageId };
    },
    onStreamSave: (messageId, piece) => store.appendStream(messageId, piece),
    onDone: (messageId, done) => {
      const interrupted = done.stopReason === "aborted" || done.stopReason === "crashed" || done.stopReason === "error";
      store.finishMessage(messageId, { stopReason: done.stopReason, metrics: done.metrics ?? null, interrupted });
    },
  };
  return { history, persistence };
}
