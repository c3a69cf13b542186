import { runsHere, verdictRank } from "../../shared/contract/catalog.js";
import { DEFAULT_CONTEXT_SIZE } from "../../shared/contract/engine.js";
import type { KvCacheType } from "../../shared/kv-cache.js";
import type { ModelStructure } from "./model-structure.js";
import { planFit, type FitPlan, type PlanInput } from "./plan.js";

/**
 * Room to reason: R1 spends about 12K tokens of thought on a hard maths question (R1-0528 about
 * 23K), and DeepSeek evaluates with 32K and 64K generation lengths. So a model gets the largest of
 * these contexts that runs here as it would at 8K, instead of a fixed 8K.
 */
export const CONTEXT_STEPS = [65_536, 32_768, 16_384, DEFAULT_CONTEXT_SIZE] as const;

/**
 * The caches "auto" tries, in order. On a GPU: q8_0 (half the cache to read per token, next to no
 * loss), q4_0 only where needed. Without one, F16 first where it fits: a quantized cache makes
 * llama.cpp's CPU prompt evaluation about twice as slow (bench-q8_0, 504-token prompt, 1 thread:
 * 790 ms with q8_0, 395 ms with F16), so it is used only where it buys the larger context.
 */
const AUTO_KV_TYPES_GPU: readonly KvCacheType[] = ["q8_0", "q4_0"];
const AUTO_KV_TYPES_CPU: readonly KvCacheType[] = ["f16", "q8_0", "q4_0"];

/** A larger context may cost at most this share of the estimated speed (layers moved off the GPU). */
const SPEED_KEPT = 0.9;

/** The prompt and the answer take some of the context; the rest is room for the reasoning. */
const PROMPT_AND_ANSWER_TOKENS = 1_024;

/** "Parallel requests" on "auto": up to this many sequences, where memory allows. */
export const AUTO_SEQUENCES_MAX = 4;

export interface ContextChoice {
  contextSize: number;
  /** Sequences, each with the whole context (its KV cache counted in `plan`). */
  sequences: number;
  kvCacheType: KvCacheType;
  flashAttention: boolean;
  /** About how many tokens of reasoning fit after the prompt and the answer. */
  reasoningTokens: number;
  plan: FitPlan;
}

export interface ContextChoiceOptions {
  /** "auto": q8_0 on a GPU (q4_0 where needed); F16 without one, quantized only where that gets the larger context. */
  kvCacheType?: KvCacheType | "auto";
  /** Contexts to consider, largest first (CONTEXT_STEPS unless given). */
  steps?: readonly number[];
  /**
   * Sequences ("Parallel requests"): a number is counted in every candidate; "auto" chooses the
   * context for one, then as many as AUTO_SEQUENCES_MAX that keep its placement (room to reason first).
   */
  sequences?: number | "auto";
}

/** The contexts worth trying for a model: the steps within its trained context, and never nothing. */
export function contextStepsFor(s: ModelStructure, steps: readonly number[] = CONTEXT_STEPS): number[] {
  const trained = s.contextLength > 0 ? s.contextLength : Number.POSITIVE_INFINITY;
  const within = steps.filter((c) => c <= trained);
  return within.length > 0 ? within : [Math.min(trained, Math.min(...steps))];
}

/**
 * The largest context that runs at the placement the smallest one gets: the same verdict (still
 * fully on the GPU, still without swapping) and, with layers split, at least 90 % of the speed.
 * When even the smallest does not run, that one is returned with its plan saying why.
 */
export function chooseContext(
  s: ModelStructure,
  input: Omit<PlanInput, "contextSize" | "kvCacheType" | "sequences">,
  options: ContextChoiceOptions = {},
): ContextChoice {
  const sequences = options.sequences ?? 1;
  const single = chooseContextFor(s, { ...input, sequences: sequences === "auto" ? 1 : sequences }, options);
  return sequences === "auto" ? moreSequences(s, input, single) : single;
}

/** The most sequences up to AUTO_SEQUENCES_MAX whose caches keep the one-sequence choice's verdict and 90 % of its speed. */
function moreSequences(s: ModelStructure, input: Omit<PlanInput, "contextSize" | "kvCacheType" | "sequences">, single: ContextChoice): ContextChoice {
  if (!runsHere(single.plan.verdict)) return single;
  for (let sequences = AUTO_SEQUENCES_MAX; sequences > 1; sequences--) {
    const plan = planFit(s, { ...input, contextSize: single.contextSize, kvCacheType: single.kvCacheType, sequences });
    if (plan.verdict === single.plan.verdict && plan.speed.tokensPerSecond >= SPEED_KEPT * single.plan.speed.tokensPerSecond)
      return { ...single, sequences, plan };
  }
  return single;
}

function chooseContextFor(s: ModelStructure, input: Omit<PlanInput, "contextSize" | "kvCacheType">, options: ContextChoiceOptions): ContextChoice {
  const steps = contextStepsFor(s, options.steps);
  const auto = input.machine.gpus.length > 0 ? AUTO_KV_TYPES_GPU : AUTO_KV_TYPES_CPU;
  const types = options.kvCacheType === undefined || options.kvCacheType === "auto" ? auto : [options.kvCacheType];
  const choice = (contextSize: number, kvCacheType: KvCacheType): ContextChoice => {
    const plan = planFit(s, { ...input, contextSize, kvCacheType });
    return {
      contextSize,
      sequences: input.sequences ?? 1,
      kvCacheType,
      flashAttention: plan.kvCache.flashAttention,
      reasoningTokens: Math.max(0, contextSize - Math.min(PROMPT_AND_ANSWER_TOKENS, contextSize / 4)),
      plan,
    };
  };
  // The placement to keep: the best any cache type gets at the smallest context.
  const smallest = types.map((t) => choice(steps.at(-1)!, t));
  const rank = (c: ContextChoice) => (runsHere(c.plan.verdict) ? 10 - verdictRank(c.plan.verdict) : 0) * 1e9 + c.plan.speed.tokensPerSecond;
  const baseline = smallest.reduce((best, c) => (rank(c) > rank(best) ? c : best));
  if (!runsHere(baseline.plan.verdict)) return baseline;
  const keepsPlacement = (c: ContextChoice) =>
    c.plan.verdict === baseline.plan.verdict && c.plan.speed.tokensPerSecond >= SPEED_KEPT * baseline.plan.speed.tokensPerSecond;
  for (const contextSize of steps) {
    for (const kvCacheType of types) {
      const candidate = choice(contextSize, kvCacheType);
      if (keepsPlacement(candidate)) return candidate;
    }
  }
  return baseline;
}
