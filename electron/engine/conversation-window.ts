import type { ChatHistoryItem, LlamaChatResponse } from "node-llama-cpp";
import type { ChatTurn } from "../shared/contract/chat.js";

/** What the last evaluation of a conversation left behind, so the next turn reuses its context shift. */
export interface ConversationWindow {
  history: ChatHistoryItem[];
  shiftMetadata: unknown;
  /** The turns this window was made for, ending with the answer it produced. */
  turns: ChatTurn[];
}

/** The window a finished response leaves behind for the conversation's next turn. */
export function windowAfter(evaluation: LlamaChatResponse["lastEvaluation"], turns: ChatTurn[], answer: string): ConversationWindow {
  return {
    history: evaluation.contextWindow,
    shiftMetadata: evaluation.contextShiftMetadata,
    turns: [...turns, { role: "assistant", content: answer }],
  };
}

/**
 * The previous evaluation's window extended by the new user turn, when the new request continues
 * exactly that conversation (same turns, the answer as produced); otherwise nothing, and the full
 * history is evaluated afresh.
 */
export function continuedWindow(window: ConversationWindow | undefined, turns: ChatTurn[]): ChatHistoryItem[] | undefined {
  if (!window || turns.length !== window.turns.length + 1) return undefined;
  const same = window.turns.every((turn, i) => turns[i]?.role === turn.role && turns[i]?.content === turn.content);
  const next = turns.at(-1);
  if (!same || next?.role !== "user") return undefined;
  return [...window.history, { type: "user", text: next.content }, { type: "model", response: [] }];
}

/** Earlier messages the context shift left out or cut short. */
export function countDropped(clean: ChatHistoryItem[], window: ChatHistoryItem[]): number {
  // Answers only (thoughts are dropped from earlier turns anyway), whitespace-trimmed: the window
  // keeps the response as generated, the request carries it trimmed.
  const text = (item: ChatHistoryItem) =>
    (item.type === "model" ? item.response.filter((r): r is string => typeof r === "string").join("") : JSON.stringify(item.text)).trim();
  const windowTexts = new Set(window.map((item) => `${item.type}:${text(item)}`));
  return clean.slice(0, -1).filter((item) => item.type !== "system" && !windowTexts.has(`${item.type}:${text(item)}`)).length;
}

export function droppedMessagesNotice(dropped: number, contextSize: number): string {
  return `The conversation no longer fits into the model's context of ${contextSize} tokens: ${dropped} earlier message${dropped === 1 ? " was" : "s were"} left out of what the model sees.`;
}
