import type { LLamaChatGenerateResponseOptions } from "node-llama-cpp";
import type { ResolvedGenerationOptions } from "../shared/contract/chat.js";

type SamplingOptions = Pick<LLamaChatGenerateResponseOptions, "temperature" | "topP" | "topK" | "minP" | "seed" | "maxTokens" | "repeatPenalty" | "budgets">;

/** The request's sampling settings as node-llama-cpp takes them, with R1's own defaults where the library differs. */
export function samplingOptions(options: ResolvedGenerationOptions): SamplingOptions {
  return {
    temperature: options.temperature,
    topP: options.topP,
    topK: options.topK,
    minP: options.minP,
    seed: options.seed,
    maxTokens: options.maxTokens,
    // node-llama-cpp's LlamaChat applies a repeat penalty unless told not to; DeepSeek's R1 settings have none.
    repeatPenalty: false,
    // Without an explicit budget node-llama-cpp caps thoughts at half the context; R1 needs them whole.
    budgets: { thoughtTokens: options.thinkingBudget ?? Infinity },
  };
}
