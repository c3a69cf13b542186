import os from "node:os";
import type { LlamaModel } from "node-llama-cpp";
import type { FlashAttentionMeasurement } from "../shared/contract/engine.js";
import { generationTokensPerSecond, PROMPT_BATCH, promptTokensPerSecond } from "./thread-calibration.js";

/**
 * Flash attention on or off, for a model that runs on the CPU with an F16 cache (a quantized cache
 * needs it on). llama.cpp turns it on by default; on a CPU it can cost generation speed and gain
 * prompt speed (llama-server on a 2-core AMD EPYC: generation 118–125 tok/s with it, 149–162
 * without; prompt 601–608 vs 486–506). Both are measured on scratch contexts and the setting that
 * finishes a typical R1 turn sooner wins: TYPICAL_TURN prompt tokens, then as many generated.
 */
export async function measureFlashAttention(
  model: LlamaModel,
  threads: { threads: number; batchThreads: number },
  options: { signal: AbortSignal; budgetMs?: number },
): Promise<FlashAttentionMeasurement> {
  const budgetMs = options.budgetMs ?? 600;
  const sentence = model.tokenize("The library stands at the end of a long street lined with plane trees.");
  // Generation measured a little way into the context, where attention has something to read.
  const prompt = Array.from({ length: 128 }, (_, i) => sentence[i % sentence.length]!);
  const batch = prompt.slice(0, PROMPT_BATCH);
  const speeds = { on: { prompt: 0, generation: 0 }, off: { prompt: 0, generation: 0 } };
  for (let round = 0; round < 2; round++) {
    for (const setting of round === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      options.signal.throwIfAborted();
      const flashAttention = setting === "on";
      const speed = speeds[setting];
      speed.prompt = Math.max(speed.prompt, await promptTokensPerSecond(model, threads.batchThreads, batch, budgetMs, flashAttention));
      speed.generation = Math.max(speed.generation, await generationTokensPerSecond(model, threads.threads, prompt, budgetMs, flashAttention));
    }
  }
  return { ...speeds, flashAttention: turnSeconds(speeds.off) < turnSeconds(speeds.on) / 1.03 ? false : true };
}

/**
 * Flash attention is offered off only for contexts up to this size. The measurement runs a few
 * hundred tokens deep; without flash attention a prompt's attention cost grows with the square of
 * its length, so deep prompts can lose more than generation gains (AMD EPYC Zen 3, 2 cores, bench
 * models, llama-server with flash attention on: the app with it off generated 1.19× llama-server's
 * speed at a 2K context, but took 1.31–1.66× its time for a 4K prompt in a 16K context).
 */
export const FLASH_ATTENTION_OFF_MAX_CONTEXT = 4096;

/** A turn the choice is made for: R1 reads a question with some context and reasons at length. */
export const TYPICAL_TURN = { promptTokens: 1500, generatedTokens: 1000 };

function turnSeconds(speed: { prompt: number; generation: number }): number {
  return TYPICAL_TURN.promptTokens / speed.prompt + TYPICAL_TURN.generatedTokens / speed.generation;
}

/**
 * Without flash attention llama.cpp keeps the attention scores of a whole prompt batch in its compute
 * buffer, which grows with the context; the fit estimate counted flash attention on. Off only
 * where that extra is small: at most 1 GiB and an eighth of the free memory.
 */
export async function flashAttentionOffFits(model: LlamaModel, contextSize: number): Promise<boolean> {
  const estimate = (flashAttention: boolean) => model.fileInsights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: 0, flashAttention });
  const [on, off] = await Promise.all([estimate(true), estimate(false)]);
  const extra = off.cpuRam - on.cpuRam;
  return extra <= Math.min(2 ** 30, os.freemem() / 8);
}
