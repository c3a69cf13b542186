// Raw, in-process node-llama-cpp measurements: the reference the app's engine is held to.
// Reused by benchmarks that compare the app's path (engine process, IPC, chat) against it.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import type { Llama, LlamaContext, LlamaModel, Token } from "node-llama-cpp";

/**
 * Threads for benchmarks: llama.cpp's math cores, capped at 2 (the library default of 4 is far
 * slower on 2 cores). BENCH_THREADS overrides it, e.g. 1 on a machine other work keeps busy.
 */
export function benchThreads(llama: Llama): number {
  const override = Number(process.env.BENCH_THREADS);
  if (Number.isInteger(override) && override > 0) return override;
  return Math.max(1, Math.min(2, llama.cpuMathCores));
}

export function getBenchLlama(): Promise<Llama> {
  return getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
}

export interface RawModel {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly threads: number;
  /** Milliseconds the model took to load. */
  readonly loadMs: number;
  dispose(): Promise<void>;
}

/** Loads a model and one context with exactly `threads` threads. */
export async function loadRawModel(options: { modelPath: string; contextSize: number; threads?: number; llama?: Llama }): Promise<RawModel> {
  const ownLlama = options.llama === undefined;
  const llama = options.llama ?? (await getBenchLlama());
  const threads = options.threads ?? benchThreads(llama);
  const started = performance.now();
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const loadMs = performance.now() - started;
  const context = await model.createContext({
    contextSize: options.contextSize,
    batchSize: Math.min(options.contextSize, 512),
    threads: { ideal: threads, min: threads },
  });
  return {
    llama,
    model,
    context,
    threads,
    loadMs,
    async dispose() {
      await context.dispose();
      await model.dispose();
      if (ownLlama) await llama.dispose();
    },
  };
}

const PROSE =
  "The library stands at the end of a long street lined with plane trees. Every morning the keeper opens " +
  "the shutters, sweeps the steps, and writes the date on a slate by the door. Readers come and go; some " +
  "stay all day at the long tables under the windows, others borrow a book and leave without a word. ";

/** Exactly `count` prompt tokens of ordinary prose (BOS first when the model uses one). */
export function promptTokens(model: LlamaModel, count: number): Token[] {
  const tokens: Token[] = model.tokens.bos === null ? [] : [model.tokens.bos];
  const prose = model.tokenize(PROSE);
  while (tokens.length < count) tokens.push(...prose);
  return tokens.slice(0, count);
}

export interface RawGenerationMeasurement {
  /** Prompt tokens per second: prompt length over the time to the first generated token. */
  readonly promptTokensPerSecond: number;
  /** Generated tokens per second after the first one. */
  readonly generationTokensPerSecond: number;
  /** Time from starting evaluation to the first generated token. */
  readonly timeToFirstTokenMs: number;
  readonly generationMs: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

/**
 * Evaluates a prompt of `promptTokens` tokens on an empty sequence, then generates up to
 * `generateTokens` tokens greedily. The sequence is cleared before and after.
 */
export async function measureRawGenerationOn(
  raw: Pick<RawModel, "model" | "context">,
  options: { promptTokens: number; generateTokens: number },
): Promise<RawGenerationMeasurement> {
  const sequence = raw.context.getSequence();
  try {
    await sequence.clearHistory();
    const prompt = promptTokens(raw.model, options.promptTokens);
    const started = performance.now();
    let firstTokenAt = 0;
    let generated = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 0 })) {
      generated++;
      if (generated === 1) firstTokenAt = performance.now();
      if (generated >= options.generateTokens) break;
    }
    const finished = performance.now();
    if (generated < 2) throw new Error(`The model stopped after ${generated} token(s); nothing to measure`);
    return {
      promptTokensPerSecond: options.promptTokens / ((firstTokenAt - started) / 1000),
      generationTokensPerSecond: (generated - 1) / ((finished - firstTokenAt) / 1000),
      timeToFirstTokenMs: firstTokenAt - started,
      generationMs: finished - firstTokenAt,
      promptTokens: options.promptTokens,
      generatedTokens: generated,
    };
  } finally {
    sequence.dispose();
  }
}

/** One-shot convenience: load, measure once, dispose. Benchmarks should load once and use measureRawGenerationOn. */
export async function measureRawGeneration(options: {
  modelPath: string;
  threads?: number;
  contextSize: number;
  promptTokens: number;
  generateTokens: number;
}): Promise<RawGenerationMeasurement & { loadMs: number; threads: number }> {
  const raw = await loadRawModel(options);
  try {
    return { ...(await measureRawGenerationOn(raw, options)), loadMs: raw.loadMs, threads: raw.threads };
  } finally {
    await raw.dispose();
  }
}
