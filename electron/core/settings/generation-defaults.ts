import type { ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { Settings } from "../../shared/contract/settings.js";

/** The sampling and thinking-budget defaults the settings give a response (chat and the local API). */
export function generationDefaults(settings: Settings): ResolvedGenerationOptions {
  return {
    temperature: settings.sampling.temperature,
    topP: settings.sampling.topP,
    maxTokens: settings.sampling.maxTokens,
    seed: settings.sampling.seed ?? undefined,
    thinkingBudget: settings.thinkingBudget === "off" ? undefined : settings.thinkingBudget,
  };
}
