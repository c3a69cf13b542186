import type { ChatHistoryItem, LlamaChatResponse } from "node-llama-cpp";
import { userTurnText } from "../shared/attachment-prompt.js";
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
 * exactly that conversation (same turns with the same files, the answer as produced); otherwise
 * nothing, and the full history is evaluated afresh. The new turn goes in as the model reads it,
 * its attached files included (as `toChatHistory` renders it): without them the model would not see
 * the files, and the turn would not match the full history, so it would be counted as left out.
 */
export function continuedWindow(window: ConversationWindow | undefined, turns: ChatTurn[]): ChatHistoryItem[] | undefined {
  if (!window || turns.length !== window.turns.length + 1) return undefined;
  const same = window.turns.every((turn, i) => turns[i]?.role === turn.role && turnText(turns[i]!) === turnText(turn));
  const next = turns.at(-1);
  if (!same || next?.role !== "user") return undefined;
  return [...window.history, { type: "user", text: userTurnText(next) }, { type: "model", response: [] }];
}

const turnText = (turn: ChatTurn) => (turn.role === "user" ? userTurnText(turn) : turn.content);

/** Earlier messages the context shift left out or cut short. */
export function countDropped(clean: ChatHistoryItem[], window: ChatHistoryItem[]): number {
  // Answers only (thoughts are dropped from earlier turns anyway), whitespace-trimmed: the window
  // keeps the response as generated, the request carries it trimmed.
  const text = (item: ChatHistoryItem) =>
    (item.type === "model"
      ? item.response.filter((r): r is string => typeof r === "string").join("")
      : JSON.stringify(typeof item.text === "string" ? item.text.trim() : item.text)
    ).trim();
  // Counted as a multiset: two turns with the same text (the same answer twice) are two messages.
  const key = (item: ChatHistoryItem) => `${item.type}:${text(item)}`;
  const inWindow = new Map<string, number>();
  // Both end with the response being written, which is no earlier message.
  for (const item of window.slice(0, -1)) inWindow.set(key(item), (inWindow.get(key(item)) ?? 0) + 1);
  return clean.slice(0, -1).filter((item) => {
    if (item.type === "system") return false;
    const left = inWindow.get(key(item)) ?? 0;
    inWindow.set(key(item), left - 1);
    return left <= 0;
  }).length;
}

export function droppedMessagesNotice(dropped: number, contextSize: number): string {
  return `The conversation no longer fits into the model's context of ${contextSize} tokens: ${dropped} earlier message${dropped === 1 ? " was" : "s were"} left out of what the model sees.`;
}
