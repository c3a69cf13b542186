import type { ChatTurn } from "../../shared/contract/chat.js";
import { answerOfAssistantTurn } from "../../shared/reasoning.js";
import type { OpenAiMessage } from "./openai-schemas.js";

function text(message: OpenAiMessage): string {
  const content = message.content ?? "";
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

/**
 * OpenAI messages as R1 turns. For the original distills DeepSeek advises no system prompt, so a
 * system message becomes the start of the first user turn; models that take one (R1-0528) get it.
 */
export function toTurns(messages: OpenAiMessage[], systemPromptAllowed: boolean): { turns: ChatTurn[]; systemPrompt?: string } {
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map(text)
    .join("\n\n");
  const turns: ChatTurn[] = [];
  for (const message of messages) {
    if (message.role === "user") turns.push({ role: "user", content: text(message) });
    else if (message.role === "assistant") turns.push({ role: "assistant", content: answerOfAssistantTurn(text(message)) });
  }
  if (system && !systemPromptAllowed) {
    const first = turns.find((t) => t.role === "user");
    if (first) first.content = `${system}\n\n${first.content}`;
    return { turns };
  }
  return system ? { turns, systemPrompt: system } : { turns };
}

export function finishReason(stopReason: string): "stop" | "length" {
  return stopReason === "max-tokens" || stopReason === "context-full" ? "length" : "stop";
}
