// One definition for the peer benchmarks (bench-q8_0 and the ~1 GB model): the app's local API
// against llama-server, paired alternating rounds, tokens per second with time to first token.
import os from "node:os";
import type { FixtureName } from "../../fixtures/models.js";
import { defineBenchmark } from "../../bench/harness.js";
import { startLlamaServer } from "../llama-server/llama-server.js";
import { LLAMA_SERVER_ARGS, peerPrompt, setUpPeerBench, streamCompletion, tearDownPeerBench, type PeerBenchState } from "./peer-bench.js";

export function definePeerBenchmark(options: { name: string; fixture: FixtureName; generateTokens: number; repetitions: number }) {
  const contextSize = 2048;
  const promptWords = 200;
  return defineBenchmark<PeerBenchState>({
    name: options.name,
    metric: `generation tokens per second (app's local API vs llama-server, ${options.fixture}, same threads)`,
    unit: "tok/s",
    higherIsBetter: true,
    warmup: 1,
    repetitions: options.repetitions,
    secondaryUnits: { ttft_ms: "ms" },
    setup: () => setUpPeerBench(options.fixture, contextSize),
    async app(state, round) {
      const run = await streamCompletion(state.app, peerPrompt(round, promptWords), options.generateTokens);
      return { value: run.generationTokensPerSecond, secondary: { ttft_ms: run.ttftMs } };
    },
    async reference(state, round) {
      const run = await streamCompletion(state.peer, peerPrompt(round, promptWords), options.generateTokens);
      return { value: run.generationTokensPerSecond, secondary: { ttft_ms: run.ttftMs } };
    },
    teardown: tearDownPeerBench,
    async extra(state) {
      // llama-server on every core (what it is usually started with), against the app as it is, for the record (3 paired rounds).
      const allCores = os.availableParallelism();
      // Shorter than the measured rounds: a figure for the record, and two spinning threads on a busy small machine crawl.
      const recordTokens = Math.min(options.generateTokens, 128);
      const server = await startLlamaServer({ model: state.modelPath, contextSize, threads: allCores, args: LLAMA_SERVER_ARGS }).catch(() => undefined);
      let defaultThreads: Record<string, unknown> | null = null;
      if (server) {
        try {
          const ratios: number[] = [];
          for (let round = 0; round < 3; round++) {
            const peer = await streamCompletion({ ...state.peer, base: `${server.url}/v1` }, peerPrompt(round + 50, promptWords), recordTokens);
            const app = await streamCompletion(state.app, peerPrompt(round + 50, promptWords), recordTokens);
            ratios.push(app.generationTokensPerSecond / peer.generationTokensPerSecond);
          }
          defaultThreads = { llama_server_threads: allCores, ratios, median: [...ratios].sort((a, b) => a - b)[1] };
        } finally {
          await server.stop();
        }
      }
      return {
        model: options.fixture,
        backend: "cpu",
        threads: state.threads,
        batch_threads: state.batchThreads,
        threads_measurement: state.threadsMeasurement,
        generate_tokens: options.generateTokens,
        prompt_words: promptWords,
        context_size: contextSize,
        target_ratio: 0.97,
        llama_server_args: LLAMA_SERVER_ARGS,
        vs_llama_server_all_cores: defaultThreads,
      };
    },
  });
}
