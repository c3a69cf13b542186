import type { ChatHistoryItem } from "node-llama-cpp";
import { userTurnText } from "../shared/attachment-prompt.js";
import type { ChatTurn } from "../shared/contract/chat.js";
import { answerOfAssistantTurn } from "../shared/reasoning.js";

/**
 * Turns the conversation into node-llama-cpp's history, attached files rendered into their user
 * turn. Assistant turns carry their answer only
 * (whatever a client sends, up to its last `</think>` is cut): earlier reasoning never goes back
 * into the context, and a turn left with no answer (a reasoning that never finished) is left out.
 * For the original distills, which should get no system prompt, a given one is folded into the
 * first user turn, as DeepSeek advises.
 */
export function toChatHistory(turns: ChatTurn[], systemPrompt: string | undefined, systemPromptAllowed: boolean): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const system = systemPrompt?.trim() ? systemPrompt : "";
  let foldedSystem = false;
  if (system && systemPromptAllowed) history.push({ type: "system", text: system });
  for (const turn of turns) {
    if (turn.role === "user") {
      const text = userTurnText(turn);
      const fold: boolean = Boolean(system) && !systemPromptAllowed && !foldedSystem;
      foldedSystem ||= fold;
      history.push({ type: "user", text: fold ? `${system}\n\n${text}` : text });
    } else {
      const answer = answerOfAssistantTurn(turn.content);
      if (answer) history.push({ type: "model", response: [answer] });
    }
  }
  return history;
}
