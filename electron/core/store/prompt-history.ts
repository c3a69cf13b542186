import type { Message } from "../../shared/contract/conversations.js";

import type { Attachment } from "../../shared/contract/chat.js";

export type PromptTurn = { role: "user" | "assistant"; text: string; attachments?: Attachment[] };

/**
 * The turns to send back to the model, oldest first: questions (with their files) and answers only (reasoning never
 * goes back to the model), leaving out unfinished or empty answers.
 */
export function promptHistory(messages: Message[]): PromptTurn[] {
  const turns: PromptTurn[] = [];
  for (const message of messages) {
    if (message.role === "user") turns.push({ role: "user", text: message.text, ...(message.attachments?.length ? { attachments: message.attachments } : {}) });
    else if (message.finishedAt !== null && message.answer.trim()) turns.push({ role: "assistant", text: message.answer });
  }
  return turns;
}
