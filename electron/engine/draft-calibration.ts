import type { LlamaModel, Token } from "node-llama-cpp";
import type { DraftMeasurement } from "../shared/contract/engine.js";
import { AdaptiveDraftPredictor } from "./adaptive-draft.js";

/** A draft must beat generation without it by this much to be kept: drafting costs memory and power. */
const MIN_SPEEDUP = 1.05;

/**
 * Whether a draft speeds this model up on this machine: greedy generation from the same prompt on
 * small scratch contexts, with and without the draft, alternating two rounds, best of each. On a
 * CPU the draft competes with the model for the same cores, so the answer is measured, not assumed.
 */
export async function measureDraftSpeedup(
  model: LlamaModel,
  draft: LlamaModel,
  options: { threads: number; signal: AbortSignal; tokens?: number },
): Promise<DraftMeasurement> {
  const prompt = model.tokenize("The keeper of the lighthouse writes the date on a slate, then the weather, then the ships that passed.");
  let withDraft = 0;
  let without = 0;
  for (let round = 0; round < 2; round++) {
    options.signal.throwIfAborted();
    without = Math.max(without, await tokensPerSecond(model, undefined, prompt, options));
    withDraft = Math.max(withDraft, await tokensPerSecond(model, draft, prompt, options));
  }
  return { withDraftTokensPerSecond: withDraft, withoutTokensPerSecond: without, kept: withDraft >= without * MIN_SPEEDUP };
}

async function tokensPerSecond(
  model: LlamaModel,
  draft: LlamaModel | undefined,
  prompt: Token[],
  options: { threads: number; tokens?: number },
): Promise<number> {
  const scratch = { contextSize: 256, threads: options.threads, failedCreationRemedy: false } as const;
  const draftContext = draft ? await draft.createContext(scratch) : undefined;
  const context = await model.createContext(scratch).catch(async (err: unknown) => {
    await draftContext?.dispose();
    throw err;
  });
  try {
    const tokenPredictor = draftContext ? new AdaptiveDraftPredictor(draftContext.getSequence()) : undefined;
    const sequence = context.getSequence({ tokenPredictor });
    const wanted = options.tokens ?? 48;
    let firstAt = 0;
    let generated = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 0 })) {
      generated++;
      if (generated === 1) firstAt = performance.now();
      if (generated >= wanted) break;
    }
    return (generated - 1) / ((performance.now() - firstAt) / 1000);
  } finally {
    await context.dispose();
    await draftContext?.dispose();
  }
}
