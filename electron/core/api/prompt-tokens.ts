import type { GenerationEngine } from "../generation/generation-engine.js";
import { ApiFailure } from "./chat-completion.js";

/** The chat template's markers around each message (role tags, end of sentence): a few tokens, counted generously, as chat's prompt measure does. */
const TEMPLATE_TOKENS_PER_MESSAGE = 4;

interface WireMessage {
  content?: unknown;
  tool_calls?: unknown;
}

function textOf(message: WireMessage): string {
  const content = typeof message.content === "string" ? message.content : "";
  return message.tool_calls ? `${content}${JSON.stringify(message.tool_calls)}` : content;
}

/**
 * The tokens a Chat Completions prompt takes under the loaded model's own tokenizer: every
 * message's text, its tool calls, and the tools' definitions as the template renders them (JSON).
 */
export async function countPromptTokens(
  engine: Pick<GenerationEngine, "loadedModel" | "countTokens">,
  request: { messages: WireMessage[]; tools?: unknown },
): Promise<number> {
  if (!engine.loadedModel) throw new ApiFailure(503, "model_not_loaded", "No model is loaded in R1 Local. Load one in the app first.");
  if (!engine.countTokens) throw new ApiFailure(501, "unavailable", "This model's tokenizer cannot be asked; token counts need a local model.");
  const texts = request.messages.map(textOf);
  if (request.tools) texts.push(JSON.stringify(request.tools));
  const { counts } = await engine.countTokens(texts);
  return counts.reduce((sum, count) => sum + count, 0) + TEMPLATE_TOKENS_PER_MESSAGE * request.messages.length;
}
