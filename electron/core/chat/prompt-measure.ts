import { attachmentBlock, userTurnText } from "../../shared/attachment-prompt.js";
import type { ChatMeasure, ChatMeasureRequest, ChatTurn } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import { AppError } from "../kernel/errors.js";
import type { z } from "zod";

/** The chat template's markers around each turn (role tags, end of sentence): a few tokens, counted generously. */
const TEMPLATE_TOKENS_PER_TURN = 4;

/**
 * Counts what a question would take in the loaded model's context before it is sent: each
 * attachment as it is rendered into the prompt, and the whole prompt (earlier turns, files, text),
 * so the composer can warn when it does not fit.
 */
export async function measurePrompt(
  engine: Pick<GenerationEngine, "loadedModel" | "countTokens">,
  earlier: ChatTurn[],
  request: z.output<typeof ChatMeasureRequest>,
): Promise<ChatMeasure> {
  if (!engine.loadedModel) throw new AppError("not-loaded", "No model is loaded. Load a model to count tokens.");
  if (!engine.countTokens) throw new AppError("unavailable", "This model's tokenizer cannot be asked; token counts need a local model.");
  const turnTexts = earlier.map((turn) => (turn.role === "user" ? userTurnText(turn) : turn.content));
  const { counts, contextSize } = await engine.countTokens([...request.attachments.map(attachmentBlock), request.prompt, ...turnTexts]);
  const attachmentTokens = counts.slice(0, request.attachments.length);
  const textTokens = counts.reduce((sum, count) => sum + count, 0);
  return { attachmentTokens, promptTokens: textTokens + TEMPLATE_TOKENS_PER_TURN * (earlier.length + 1), contextSize };
}
