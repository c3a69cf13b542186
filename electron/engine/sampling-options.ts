import type { LLamaChatGenerateResponseOptions } from "node-llama-cpp";
import type { ResolvedGenerationOptions } from "../shared/contract/chat.js";
import type { ModelFamily } from "../shared/contract/engine.js";

type SamplingOptions = Pick<LLamaChatGenerateResponseOptions, "temperature" | "topP" | "topK" | "minP" | "seed" | "maxTokens" | "repeatPenalty" | "budgets">;

/** The request's sampling settings as node-llama-cpp takes them, with R1's own defaults where the library differs. */
export function samplingOptions(options: ResolvedGenerationOptions, family: ModelFamily): SamplingOptions {
  return {
    temperature: options.temperature,
    topP: options.topP,
    // node-llama-cpp samples from the top 40 unless told otherwise; DeepSeek's R1 settings are
    // temperature and top-p only, so for R1 an unset top-k is 0 (the whole vocabulary).
    topK: options.topK ?? (family === "other" ? undefined : 0),
    minP: options.minP,
    seed: options.seed,
    maxTokens: options.maxTokens,
    // node-llama-cpp's LlamaChat applies a repeat penalty unless told not to; DeepSeek's R1 settings have none.
    repeatPenalty: false,
    // Without an explicit budget node-llama-cpp caps thoughts at half the context; R1 needs them whole.
    budgets: { thoughtTokens: options.thinkingBudget ?? Infinity },
  };
}
