import type { Message } from "../../shared/contract/conversations.js";

export type PromptTurn = { role: "user" | "assistant"; text: string };

/**
 * The turns to send back to the model, oldest first: questions and answers only (reasoning never
 * goes back to the model), leaving out unfinished or empty answers.
 */
export function promptHistory(messages: Message[]): PromptTurn[] {
  const turns: PromptTurn[] = [];
  for (const message of messages) {
    if (message.role === "user") turns.push({ role: "user", text: message.text });
    else if (message.finishedAt !== null && message.answer.trim()) turns.push({ role: "assistant", text: message.answer });
  }
  return turns;
}
