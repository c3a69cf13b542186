import { ApiFailure } from "./chat-completion.js";
import type { OpenAiWireMessage } from "./anthropic-to-openai.js";
import type { ResponsesInputItem, ResponsesRequest } from "./responses-schemas.js";

/*
 * A Responses request as a Chat Completions request in OpenAI's wire shape (pure): `instructions`
 * become the system message, message items messages, function calls and their outputs the
 * assistant's `tool_calls` and `tool` messages.
 */

function textOf(content: Extract<ResponsesInputItem, { role: string }>["content"]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => {
      if (!("text" in part))
        throw new ApiFailure(400, "invalid_request_error", `An "${part.type}" cannot be read here: R1 reads text only.`, { param: "input" });
      return part.text;
    })
    .join("");
}

function toMessages(request: ResponsesRequest): OpenAiWireMessage[] {
  const out: OpenAiWireMessage[] = request.instructions ? [{ role: "system", content: request.instructions }] : [];
  const items: ResponsesInputItem[] = typeof request.input === "string" ? [{ role: "user", content: request.input }] : request.input;
  for (const item of items) {
    if (item.type === "reasoning") continue;
    if (item.type === "function_call") {
      const call = { id: item.call_id, type: "function" as const, function: { name: item.name, arguments: item.arguments } };
      const last = out.at(-1);
      // Parallel calls arrive as one item each; OpenAI's chat shape has them on one assistant message.
      if (last?.role === "assistant" && last.tool_calls) last.tool_calls.push(call);
      else out.push({ role: "assistant", content: null, tool_calls: [call] });
    } else if (item.type === "function_call_output") {
      const output = typeof item.output === "string" ? item.output : item.output.map((p) => p.text).join("");
      out.push({ role: "tool", tool_call_id: item.call_id, content: output });
    } else {
      const role = item.role === "developer" ? "system" : item.role;
      out.push({ role, content: textOf(item.content) });
    }
  }
  return out;
}

export function responsesToOpenAiRequest(request: ResponsesRequest): Record<string, unknown> & { messages: OpenAiWireMessage[] } {
  if (request.previous_response_id)
    throw new ApiFailure(
      400,
      "invalid_request_error",
      "previous_response_id is not supported: R1 Local's Responses API is stateless and stores no responses. Send the whole conversation in `input`.",
      { param: "previous_response_id" },
    );
  const tools = (request.tools ?? []).flatMap((tool) =>
    "name" in tool ? [{ type: "function", function: { name: tool.name, description: tool.description ?? undefined, parameters: tool.parameters ?? {} } }] : [],
  );
  const choice = request.tool_choice;
  return {
    model: request.model,
    messages: toMessages(request),
    ...(request.max_output_tokens ? { max_tokens: request.max_output_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(tools.length ? { tools } : {}),
    ...(choice ? { tool_choice: typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } } } : {}),
    ...(request.parallel_tool_calls != null ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
  };
}
