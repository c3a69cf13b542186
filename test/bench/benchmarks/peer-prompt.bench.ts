// Time to first token for a long prompt (what a pasted file or a long conversation costs before
// the first word): 1K and 4K tokens, evaluated afresh each round, the app's local API against
// llama-server on the same model (bench-long-q8_0), threads and greedy sampling, paired rounds.
// The figure is the 4K prompt; 1K is secondary. Target ≤ 1.05 × llama-server at each.
import { defineBenchmark } from "../harness.js";
import { setUpPeerBench, streamCompletion, tearDownPeerBench, type PeerBenchState } from "../../support/engine/peer-bench.js";
import { promptOfTokens } from "../../support/engine/peer-context.js";

const PROMPTS = [1024, 4096] as const;

async function timesToFirstToken(state: PeerBenchState, side: "app" | "peer", round: number) {
  const times: Record<string, number> = {};
  for (const length of PROMPTS) {
    const run = await streamCompletion(state[side], await promptOfTokens(state, round, length), 4);
    times[`ttft_${length / 1024}k_ms`] = run.ttftMs;
  }
  return { value: times.ttft_4k_ms!, secondary: times };
}

export default defineBenchmark<PeerBenchState>({
  name: "peer-prompt",
  metric: "time to first token for a 4K-token prompt (app's local API vs llama-server, bench-long-q8_0)",
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: 5,
  secondaryUnits: { ttft_1k_ms: "ms", ttft_4k_ms: "ms" },
  setup: () => setUpPeerBench("bench-long-q8_0", 4096 + 512),
  app: (state, round) => timesToFirstToken(state, "app", round),
  reference: (state, round) => timesToFirstToken(state, "peer", round),
  teardown: tearDownPeerBench,
  extra: (state) => ({
    model: "bench-long-q8_0",
    backend: "cpu",
    threads: state.threads,
    batch_threads: state.batchThreads,
    prompts: PROMPTS,
    target_ratio: 1.05,
  }),
});
