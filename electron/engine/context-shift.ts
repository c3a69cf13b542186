import type { ChatHistoryItem, LLamaChatGenerateResponseOptions, LlamaChat } from "node-llama-cpp";

/** Room kept free for the reply when judging whether the new user turn fits at all. */
const minimumReplyTokens = 64;

/** A prompt that cannot be answered in this context: its size and the context's. */
export interface PromptTooLong {
  /** The whole prompt (every turn), as a client would count it. */
  promptTokens: number;
  message: string;
}

const templatedTokens = (chat: LlamaChat, history: ChatHistoryItem[]) =>
  chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(chat.model.tokenizer).length;

/**
 * Whether the prompt cannot be answered: the system prompt and the current user turn (which are
 * never shifted out), with room for a reply, do not fit into the context. Null when it fits.
 */
export function promptTooLong(chat: LlamaChat, history: ChatHistoryItem[], contextSize: number): PromptTooLong | null {
  const current = [...history.filter((item) => item.type === "system"), history.at(-1)!];
  const needed = templatedTokens(chat, current) + minimumReplyTokens;
  if (needed <= contextSize) return null;
  const promptTokens = templatedTokens(chat, history);
  return {
    promptTokens,
    message: `This message needs about ${needed} tokens with room for a reply (the whole conversation is ${promptTokens}); the model's context holds ${contextSize}. Shorten it, or load the model with a larger context.`,
  };
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
