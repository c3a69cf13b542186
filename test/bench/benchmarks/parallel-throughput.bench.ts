// Clients side by side: total generated tokens per second of 4 concurrent clients through the app's
// local API (4 API sequences and the window's own, batched by node-llama-cpp) against llama-server
// --parallel 4 with continuous batching, on bench-q8_0 with the same threads. Target ≥ 0.95.
// Also recorded: the app with 4 clients against the app with 1 (the batching gain).
import { defineBenchmark } from "../harness.js";
import { setUpPeerBench, tearDownPeerBench, type PeerBenchState } from "../../support/engine/peer-bench.js";
import { CONTEXT_SIZE, PARALLEL_TOKENS, PROMPT_WORDS, concurrentThroughput } from "../../support/engine/parallel-bench.js";

const CLIENTS = 4;

export default defineBenchmark<PeerBenchState>({
  name: "parallel-throughput",
  metric: `total generated tokens per second, ${CLIENTS} concurrent clients (app's local API vs llama-server --parallel ${CLIENTS}, bench-q8_0, same threads)`,
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: Number(process.env.PARALLEL_BENCH_ROUNDS ?? 5),
  setup: () => setUpPeerBench("bench-q8_0", CONTEXT_SIZE, CLIENTS),
  app: (state, round) => concurrentThroughput(state.app, round, CLIENTS),
  reference: (state, round) => concurrentThroughput(state.peer, round + 100, CLIENTS),
  teardown: tearDownPeerBench,
  async extra(state) {
    // The batching gain, paired rounds on the app alone: 4 clients at once against 1.
    const gains: number[] = [];
    for (let round = 0; round < 3; round++) {
      const one = await concurrentThroughput(state.app, round + 200, 1);
      const four = await concurrentThroughput(state.app, round + 300, CLIENTS);
      gains.push(four / one);
    }
    return {
      model: "bench-q8_0",
      clients: CLIENTS,
      threads: state.threads,
      tokens_per_client: PARALLEL_TOKENS,
      prompt_words: PROMPT_WORDS,
      context_size_per_sequence: CONTEXT_SIZE,
      target_ratio: 0.95,
      app_4_clients_vs_1: { ratios: gains, median: [...gains].sort((a, b) => a - b)[1] },
    };
  },
});
