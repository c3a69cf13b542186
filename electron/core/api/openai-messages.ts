import type { ChatTurn } from "../../shared/contract/chat.js";
import type { ToolCall } from "../../shared/contract/tools.js";
import { answerOfAssistantTurn } from "../../shared/reasoning.js";
import { AppError } from "../kernel/errors.js";
import type { OpenAiMessage } from "./openai-schemas.js";

function text(message: OpenAiMessage): string {
  const content = message.content ?? "";
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

/** An assistant message's calls; their arguments must be JSON, as the model would have written them. */
function callsOf(message: OpenAiMessage, index: number): ToolCall[] {
  return (message.tool_calls ?? []).map((call, i) => {
    try {
      JSON.parse(call.function.arguments);
    } catch {
      throw new AppError("bad-request", `messages[${index}].tool_calls[${i}].function.arguments is not valid JSON.`);
    }
    return { id: call.id, name: call.function.name, arguments: call.function.arguments };
  });
}

/**
 * OpenAI messages as R1 turns. For the original distills DeepSeek advises no system prompt, so a
 * system message becomes the start of the first user turn; models that take one (R1-0528) get it.
 * A `tool` message's content becomes the result of the call it answers (by `tool_call_id`) in the
 * assistant turn just before it; an id that answers no open call, or a call left unanswered, is
 * refused, as OpenAI refuses them.
 */
export function toTurns(messages: OpenAiMessage[], systemPromptAllowed: boolean): { turns: ChatTurn[]; systemPrompt?: string } {
  const system = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map(text)
    .join("\n\n");
  const turns: ChatTurn[] = [];
  let open: ToolCall[] = [];
  const requireAnswered = (index: number) => {
    const missing = open.find((call) => call.result === undefined);
    if (missing) throw new AppError("bad-request", `messages[${index}]: the tool call "${missing.id}" has no tool message answering it.`);
    open = [];
  };
  messages.forEach((message, index) => {
    if (message.role === "tool") {
      const call = open.find((c) => c.id === message.tool_call_id);
      if (!call)
        throw new AppError(
          "bad-request",
          `messages[${index}].tool_call_id "${message.tool_call_id ?? ""}" answers no tool call of the assistant message before it.`,
        );
      call.result = text(message);
      return;
    }
    if (message.role === "system" || message.role === "developer") return;
    requireAnswered(index);
    if (message.role === "user") turns.push({ role: "user", content: text(message) });
    else {
      const toolCalls = callsOf(message, index);
      open = toolCalls;
      turns.push({ role: "assistant", content: answerOfAssistantTurn(text(message)), ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    }
  });
  requireAnswered(messages.length);
  if (system && !systemPromptAllowed) {
    const first = turns.find((t) => t.role === "user");
    if (first) first.content = `${system}\n\n${first.content}`;
    return { turns };
  }
  return system ? { turns, systemPrompt: system } : { turns };
}

/** Whether the turns end where the model speaks next: after a question, or after its tools' results. */
export function endsForAnswer(turns: ChatTurn[]): boolean {
  const last = turns.at(-1);
  return last?.role === "user" || (last?.role === "assistant" && (last.toolCalls?.length ?? 0) > 0);
}

export function finishReason(stopReason: string, toolCalls = 0): "stop" | "length" | "tool_calls" {
  if (toolCalls > 0) return "tool_calls";
  return stopReason === "max-tokens" || stopReason === "context-full" ? "length" : "stop";
}
