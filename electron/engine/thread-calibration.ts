import type { LlamaModel, Token } from "node-llama-cpp";
import type { ThreadsMeasurement } from "../shared/contract/engine.js";

/**
 * node-llama-cpp's prebuilt CPU binaries are built without OpenMP, so every token's graph runs on
 * a thread pool whose barriers spin without yielding. On a small machine (2 cores, with the app's
 * own processes awake while it streams) a second compute thread can then halve the speed instead of
 * doubling it; on a larger or quieter one it helps. Which is true here is measured, not guessed:
 * each candidate generates a few greedy tokens on a small scratch context of the loaded model,
 * alternating, and the fastest wins (fewer threads on a near tie: they leave the app room).
 * The prompt is measured apart (`batchThreads`): a batch of tokens is compute-bound and often gains
 * from a thread that single-token generation, bound by memory and barriers, loses on.
 */
export async function measureBestThreads(
  model: LlamaModel,
  cpuMathCores: number,
  options: { signal: AbortSignal; budgetMs?: number },
): Promise<ThreadsMeasurement> {
  const candidates = threadCandidates(cpuMathCores);
  if (candidates.length === 1) return { threads: candidates[0]!, candidates: [], batchThreads: candidates[0]!, batchCandidates: [] };
  const budgetMs = options.budgetMs ?? 600;
  const sentence = model.tokenize("The library stands at the end of a long street lined with plane trees.");
  const generation = await fastest(candidates, options.signal, (threads) => generationTokensPerSecond(model, threads, sentence, budgetMs));
  const batch = Array.from({ length: PROMPT_BATCH }, (_, i) => sentence[i % sentence.length]!);
  const prompt = await fastest(candidates, options.signal, (threads) => promptTokensPerSecond(model, threads, batch, budgetMs));
  return { threads: generation.threads, candidates: generation.measured, batchThreads: prompt.threads, batchCandidates: prompt.measured };
}

/** The patched context runs batches of this many tokens or more on `batchThreads`. */
export const PROMPT_BATCH = 32;

/** Each candidate measured twice, alternating order; a larger count must beat a smaller one by 3% to win. */
async function fastest(candidates: number[], signal: AbortSignal, measure: (threads: number) => Promise<number>) {
  const best = new Map<number, number>();
  for (let round = 0; round < 2; round++) {
    const order = round % 2 === 0 ? candidates : [...candidates].reverse();
    for (const threads of order) {
      signal.throwIfAborted();
      const speed = await measure(threads);
      best.set(threads, Math.max(best.get(threads) ?? 0, speed));
    }
  }
  const measured = candidates.map((threads) => ({ threads, tokensPerSecond: best.get(threads)! }));
  let chosen = measured[0]!;
  for (const candidate of measured.slice(1)) if (candidate.tokensPerSecond > chosen.tokensPerSecond * 1.03) chosen = candidate;
  return { threads: chosen.threads, measured };
}

/** All cores and half of them; one thread too on machines of up to 4 cores, where it often wins. */
export function threadCandidates(cpuMathCores: number): number[] {
  const cores = Math.max(1, cpuMathCores);
  const candidates = new Set([cores, Math.ceil(cores / 2)]);
  if (cores <= 4) candidates.add(1);
  return [...candidates].sort((a, b) => a - b);
}

/** Greedy tokens per second after a short prompt, on a scratch context (`flashAttention`: the model's default unless given). */
export async function generationTokensPerSecond(
  model: LlamaModel,
  threads: number,
  prompt: Token[],
  budgetMs: number,
  flashAttention?: boolean,
): Promise<number> {
  const context = await model.createContext({
    contextSize: Math.max(256, prompt.length + 128),
    batchSize: 64,
    threads: { ideal: threads, min: threads },
    failedCreationRemedy: false,
    ...(flashAttention === undefined ? {} : { flashAttention }),
  });
  try {
    const sequence = context.getSequence();
    let firstAt = 0;
    let generated = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 0 })) {
      generated++;
      const now = performance.now();
      if (generated === 1) firstAt = now;
      else if (generated >= 64 || (generated >= 4 && now - firstAt >= budgetMs)) break;
    }
    return (generated - 1) / ((performance.now() - firstAt) / 1000);
  } finally {
    await context.dispose();
  }
}

/** Prompt tokens per second: batches of PROMPT_BATCH tokens after one untimed warm-up batch. */
export async function promptTokensPerSecond(model: LlamaModel, threads: number, batch: Token[], budgetMs: number, flashAttention?: boolean): Promise<number> {
  const context = await model.createContext({
    contextSize: PROMPT_BATCH * 12,
    batchSize: PROMPT_BATCH,
    threads: { ideal: threads, min: threads },
    failedCreationRemedy: false,
    ...(flashAttention === undefined ? {} : { flashAttention }),
  });
  try {
    const sequence = context.getSequence();
    await sequence.evaluateWithoutGeneratingNewTokens(batch);
    const started = performance.now();
    let evaluated = 0;
    while (evaluated < PROMPT_BATCH * 10) {
      await sequence.evaluateWithoutGeneratingNewTokens(batch);
      evaluated += batch.length;
      if (evaluated >= PROMPT_BATCH * 2 && performance.now() - started >= budgetMs) break;
    }
    return evaluated / ((performance.now() - started) / 1000);
  } finally {
    await context.dispose();
  }
}
