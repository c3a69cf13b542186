import type { ToolCall } from "../../shared/contract/tools.js";

type Call = Omit<ToolCall, "result">;

/** Argument text is streamed in pieces of this many characters, as OpenAI streams it. */
const ARGUMENT_PIECE = 32;

/**
 * The streamed `tool_calls` deltas in OpenAI's shape: per call, first its index, id, type and
 * name with empty arguments, then the arguments in fragments carrying the index alone.
 */
export function toolCallChunks(calls: Call[]): Record<string, unknown>[] {
  const deltas: Record<string, unknown>[] = [];
  calls.forEach((call, index) => {
    deltas.push({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] });
    for (let at = 0; at < call.arguments.length; at += ARGUMENT_PIECE)
      deltas.push({ tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + ARGUMENT_PIECE) } }] });
  });
  return deltas;
}

/** A non-streamed message's `tool_calls`, absent when there are none. */
export function toolCallsMessage(calls: Call[]): { tool_calls?: unknown[] } {
  if (calls.length === 0) return {};
  return { tool_calls: calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })) };
}
