// Clients side by side, for the parallel benchmarks: several streamed completions at once against
// one endpoint (the app's local API or llama-server), timed by the same client code.
import { peerPrompt, streamCompletion, type PeerBenchState, type StreamRun } from "./peer-bench.js";

export type Endpoint = PeerBenchState["app"];

/** Small by default so a run fits a busy machine; PARALLEL_BENCH_TOKENS sets the tokens each client generates. */
export const PARALLEL_TOKENS = Number(process.env.PARALLEL_BENCH_TOKENS ?? 128);
export const PROMPT_WORDS = 60;
export const CONTEXT_SIZE = 1024;

/** Total generated tokens per second of `clients` streams started together: all tokens over the wall time to the last one's end. */
export async function concurrentThroughput(endpoint: Endpoint, round: number, clients: number): Promise<number> {
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: clients }, (_, i) => streamCompletion(endpoint, peerPrompt(round * 10 + i, PROMPT_WORDS), PARALLEL_TOKENS)),
  );
  const seconds = (performance.now() - started) / 1000;
  return runs.reduce((sum, run) => sum + run.completionTokens, 0) / seconds;
}

/** The time to first token of one more client while `busy` others generate (each started and streaming first). */
export async function ttftBehind(endpoint: Endpoint, round: number, busy: number): Promise<number> {
  const firsts: Promise<void>[] = [];
  const others: Promise<StreamRun>[] = [];
  for (let i = 0; i < busy; i++) {
    firsts.push(
      new Promise<void>((resolve) => others.push(streamCompletion(endpoint, peerPrompt(round * 10 + i, PROMPT_WORDS), PARALLEL_TOKENS * 2, resolve))),
    );
  }
  await Promise.all(firsts);
  const fifth = await streamCompletion(endpoint, peerPrompt(round * 10 + busy, PROMPT_WORDS), 8);
  await Promise.all(others);
  return fifth.ttftMs;
}

/** The p-th percentile (0…100) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
