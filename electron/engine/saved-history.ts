import { z } from "zod";

/**
 * node-llama-cpp's chat history as a saved context's manifest carries it (`ChatHistoryItem[]`),
 * checked before it is handed back to the model: a manifest edited or damaged on disk is refused
 * like a damaged state file, never passed on as a history the library would misread.
 */
const LlamaTextJson = z.union([
  z.string(),
  z.array(z.union([z.string(), z.object({ type: z.enum(["specialTokensText", "specialToken"]), value: z.string() })])),
]);

const ModelResponsePart = z.union([
  z.string(),
  z.looseObject({ type: z.literal("segment"), segmentType: z.enum(["thought", "comment"]), text: z.string(), ended: z.boolean() }),
  z.looseObject({ type: z.literal("functionCall"), name: z.string() }),
]);

export const SavedHistoryItem = z.discriminatedUnion("type", [
  z.object({ type: z.literal("system"), text: LlamaTextJson }),
  z.object({ type: z.literal("user"), text: z.string() }),
  z.object({ type: z.literal("model"), response: z.array(ModelResponsePart) }),
]);

export const SavedTurn = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });
