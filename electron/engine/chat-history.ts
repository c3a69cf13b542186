import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";
import { userTurnText } from "../shared/attachment-prompt.js";
import type { ChatTurn } from "../shared/contract/chat.js";
import { answerOfAssistantTurn } from "../shared/reasoning.js";

/**
 * Turns the conversation into node-llama-cpp's history, attached files rendered into their user
 * turn. Assistant turns carry their answer only
 * (whatever a client sends, up to its last `</think>` is cut): earlier reasoning never goes back
 * into the context, and a turn left with no answer (a reasoning that never finished) is left out.
 * Its tool calls follow its answer, each with the result the client's tool gave.
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
      const response: ChatModelResponse["response"] = answer ? [answer] : [];
      for (const call of turn.toolCalls ?? []) response.push(functionCallItem(call, response.length === (answer ? 1 : 0)));
      if (response.length > 0) history.push({ type: "model", response });
    }
  }
  return history;
}

function functionCallItem(call: NonNullable<ChatTurn["toolCalls"]>[number], first: boolean): ChatModelFunctionCall {
  return { type: "functionCall", name: call.name, params: parsedArguments(call.arguments), result: call.result ?? "", startsNewChunk: first };
}

/** Arguments as the model would have written them; text that is not JSON (checked by the API) stays text. */
function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
