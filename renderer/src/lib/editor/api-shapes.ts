import type { ApiShape } from "$shared/contract/api.js";

/** Each API shape as the panel names it: "Test OpenAI chat", "The Anthropic Messages API works." */
export const API_SHAPE_NAMES: Record<ApiShape, string> = {
  "openai-chat": "OpenAI chat",
  "anthropic-messages": "Anthropic Messages",
  responses: "Responses",
};
