import type { ChatTurn, ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import { userTurnText } from "../../shared/attachment-prompt.js";
import { answerOfAssistantTurn } from "../../shared/reasoning.js";

export interface OpenAiChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * The conversation as OpenAI messages, under the R1 rules the local engine follows: assistant turns
 * carry their answer only (earlier reasoning never goes back — DeepSeek's API answers 400 if it
 * does), a turn with no answer is left out, and where the model takes no system prompt (R1 and its
 * original distills) a given one is folded into the first user turn. User turns left next to each
 * other are joined: deepseek-reasoner refuses successive user messages.
 */
export function toOpenAiMessages(turns: readonly ChatTurn[], systemPrompt: string | undefined, systemPromptAllowed: boolean): OpenAiChatMessage[] {
  const system = systemPrompt?.trim() ? systemPrompt : "";
  const messages: OpenAiChatMessage[] = system && systemPromptAllowed ? [{ role: "system", content: system }] : [];
  let folded = !system || systemPromptAllowed;
  for (const turn of turns) {
    if (turn.role === "assistant") {
      const answer = answerOfAssistantTurn(turn.content);
      if (answer) messages.push({ role: "assistant", content: answer });
      continue;
    }
    // Attached files go in as the local engine sends them: DeepSeek's file template before the question.
    const text = userTurnText(turn);
    const content = folded ? text : `${system}\n\n${text}`;
    folded = true;
    const last = messages.at(-1);
    if (last?.role === "user") last.content += `\n\n${content}`;
    else messages.push({ role: "user", content });
  }
  return messages;
}

/** The request body: streamed, with usage at the end, and only the sampling fields that were set. */
export function chatCompletionBody(model: string, messages: OpenAiChatMessage[], options: ResolvedGenerationOptions): Record<string, unknown> {
  return {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: options.temperature,
    top_p: options.topP,
    ...(options.maxTokens !== undefined && { max_tokens: options.maxTokens }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.topK !== undefined && { top_k: options.topK }),
    ...(options.minP !== undefined && { min_p: options.minP }),
  };
}
