import type { ChatHistoryItem, LLamaChatGenerateResponseOptions, LlamaModel } from "node-llama-cpp";

/** Room kept free for the reply when judging whether the new user turn fits at all. */
const minimumReplyTokens = 64;

/** Why the current user turn cannot be answered in this context (it is never shifted out), or null if it fits. */
export function currentTurnTooLong(model: LlamaModel, userText: string, contextSize: number): string | null {
  const tokens = model.tokenize(userText).length;
  if (tokens + minimumReplyTokens <= contextSize) return null;
  return `This message is about ${tokens} tokens; with room for a reply it does not fit into the model's context of ${contextSize} tokens. Shorten it, or load the model with a larger context.`;
}

type ShiftStrategy = Extract<NonNullable<NonNullable<LLamaChatGenerateResponseOptions["contextShift"]>["strategy"]>, (...args: never[]) => unknown>;

/**
 * When the history outgrows the context, whole earlier exchanges go, oldest first; the system
 * prompt and the current turn (the user's message and the response being written) always stay.
 * If the current turn alone does not fit, `onExhausted` stops the response.
 */
export function keepCurrentTurnStrategy(onExhausted: () => void): ShiftStrategy {
  return ({ chatHistory, maxTokensCount, tokenizer, chatWrapper }) => {
    const fits = (history: ChatHistoryItem[]) =>
      chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(tokenizer).length <= maxTokensCount;
    const system = chatHistory.filter((item) => item.type === "system");
    const rest = chatHistory.filter((item) => item.type !== "system");
    const currentStart = rest.findLastIndex((item) => item.type === "user");
    const current = rest.slice(Math.max(0, currentStart));
    let earlier = rest.slice(0, Math.max(0, currentStart));
    while (earlier.length > 0 && !fits([...system, ...earlier, ...current])) {
      const nextExchange = earlier.findIndex((item, index) => index > 0 && item.type === "user");
      earlier = nextExchange === -1 ? [] : earlier.slice(nextExchange);
    }
    const history = [...system, ...earlier, ...current];
    if (!fits(history)) onExhausted();
    return { chatHistory: history, metadata: null };
  };
}
