// Generation speed deep into the context, where R1's reasoning takes a conversation: a prompt of
// 1K, 4K and 8K tokens, then 128 generated tokens, the app's local API against llama-server on the
// same model (bench-long-q8_0: bench-q8_0 trained for 16K), threads and greedy sampling, paired
// rounds. The figure is the 8K position; 1K and 4K are secondary. Target ≥ 0.97 at each.
import { defineBenchmark } from "../harness.js";
import { setUpPeerBench, streamCompletion, tearDownPeerBench, type PeerBenchState } from "../../support/engine/peer-bench.js";
import { promptOfTokens } from "../../support/engine/peer-context.js";

const POSITIONS = [1024, 4096, 8192] as const;
const CONTEXT_SIZE = 8192 + 1024;
const GENERATE_TOKENS = 128;

async function atEachPosition(state: PeerBenchState, side: "app" | "peer", round: number) {
  const speeds: Record<string, number> = {};
  for (const position of POSITIONS) {
    const prompt = await promptOfTokens(state, round, position);
    const run = await streamCompletion(state[side], prompt, GENERATE_TOKENS);
    speeds[`gen_${position / 1024}k`] = run.generationTokensPerSecond;
  }
  return { value: speeds.gen_8k!, secondary: speeds };
}

export default defineBenchmark<PeerBenchState>({
  name: "peer-long-context",
  metric: `generation tokens per second at context position 8K (app's local API vs llama-server, bench-long-q8_0, ${GENERATE_TOKENS} tokens)`,
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 3,
  secondaryUnits: { gen_1k: "tok/s", gen_4k: "tok/s", gen_8k: "tok/s" },
  setup: () => setUpPeerBench("bench-long-q8_0", CONTEXT_SIZE),
  app: (state, round) => atEachPosition(state, "app", round),
  reference: (state, round) => atEachPosition(state, "peer", round),
  teardown: tearDownPeerBench,
  extra: (state) => ({
    model: "bench-long-q8_0",
    backend: "cpu",
    threads: state.threads,
    batch_threads: state.batchThreads,
    positions: POSITIONS,
    context_size: CONTEXT_SIZE,
    generate_tokens: GENERATE_TOKENS,
    target_ratio: 0.97,
  }),
});
